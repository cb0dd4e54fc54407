"""Step ``boilerplate``: drop page furniture from page text and pull out the metadata.

A page's text is classified line by line, by rules and by the page's structure:

- **Rules** (``data/boilerplate/rules/<family>.tsv``, one file per family, each rule with a stable
  name that becomes the rule of its edits): registration numbers (ICP, 公网安备, licences),
  copyright notices, metadata lines (来源, 作者, 编辑, 审核, 记者, 发布时间, …), share/print/font
  controls, breadcrumbs and menus, related-content lists, social-media blocks, disclaimers,
  comment forms, report lines, advertisement headers, image credits and captions, CMS template
  errors and spam lines. A rule says where it applies (``zone``): anywhere, or only outside the
  body (a ``来源：`` line is metadata above or below the article, but text inside it).
- **Structure**: the body is the main run of paragraph lines; boilerplate gathers above and
  below it. Above the body, the title is the line before the first metadata line (or a line with
  a site suffix such as ``-新華網``), and unmatched lines before it are page header. Below the
  body, once a footer line (metadata, related list, copyright, …) starts the footer, everything
  after it that no paragraph claims is footer too. Short lines inside the body (section headings,
  numbered items) stay, except photo captions in a page that marks its photos (``（资料图）``,
  ``张三 摄``, ``图为…``): lines that break the document's own heading style or split a sentence
  across two short lines, and, once some lone lines proved to be captions, lines that only look
  like a heading, a ``label：text`` line or a paragraph (see ``_photo_captions``). A page without
  a photo mark keeps its short lines: a comment on a page of reviews has a caption's shape too.

Metadata goes to ``ctx.meta``: ``title`` (without site suffix), ``published`` (ISO 8601, minute or
second precision, or a date), ``source``, ``author`` (the byline, else the reporter), ``editor``;
a field stays ``None`` when the page does not state it, or states a placeholder such as ``佚名``
or ``admin``. Every dropped line is one edit (with its line break), whose rule is the rule that
matched or the structural reason (``title``, ``title-duplicate``, ``header-zone``,
``footer-zone``, ``related-list``, ``caption-off-style``, ``caption-fragment``,
``caption-before-heading``, ``caption-long-label``, ``caption-list-break``).

Rules are written once in simplified Chinese and work on traditional text and on ASCII
punctuation (``来源:``) too: at load time each character of a pattern is widened to a class of
its variants from ``variants.tsv`` (generated from OpenCC), and ``：，（）！？；｜`` to their ASCII forms.

Not handled: boilerplate *inside* a paragraph line (``本报讯（记者 张三）`` at the start of the
lead, spam inserted mid-sentence, ``#`` paragraph markers: the ``substitution`` step), lines
repeated across many pages of one site (corpus level), and pages flattened into one line. Lines
that are only ``#`` are left alone and do not count as body or boilerplate.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Optional

from ..document import Span, StepContext, apply_spans
from ..pipeline import Step
from ._line_rules import (  # noqa: F401  (FAMILIES, RULES_DIR, variants: part of the step's API)
    DATA,
    FAMILIES,
    RULES_DIR,
    Rule,
    compile_pattern,
    data_rows,
    macros,
    match_line,
    rules,
    simplified,
    variants,
    word_list,
)

META_FIELDS = ("title", "published", "source", "author", "editor")
# why a line was dropped when no rule names it
STRUCTURAL_REASONS = (
    "title", "title-duplicate", "header-zone", "footer-zone", "related-list", "caption-off-style", "caption-fragment",
    "caption-before-heading", "caption-long-label", "caption-list-break",
)


# ---------------------------------------------------------------------------------------------
# step data beyond the line rules

@lru_cache(maxsize=1)
def _title_suffix() -> re.Pattern:
    ((name, pattern),) = data_rows(DATA / "title_suffix.tsv", 2)
    return compile_pattern(pattern, f"title_suffix.tsv {name!r}")


@lru_cache(maxsize=1)
def _placeholders() -> frozenset[str]:
    return frozenset(w.lower() for w in word_list("placeholders.txt"))


def _alternation(*names: str) -> str:
    """The words of the data files ``names``, escaped and joined as one regex alternation."""
    return "|".join(re.escape(w) for name in names for w in word_list(name))


@lru_cache(maxsize=1)
def _heading_word() -> re.Pattern:
    ends, starts = _alternation("heading_words.txt"), _alternation("heading_starts.txt")
    return compile_pattern(f"^(?:{starts})|(?:{ends})$", "heading_words.txt, heading_starts.txt")


@lru_cache(maxsize=1)
def _heading_end() -> re.Pattern:
    return compile_pattern(f"(?:{_alternation('heading_words.txt')})$", "heading_words.txt")


@lru_cache(maxsize=1)
def _label_end() -> re.Pattern:
    # what the part before a colon ends with when it is a label (报名时间：) or introduces a quote
    # (…在会上强调：), not a caption's statement
    words = _alternation("heading_words.txt", "saying_verbs.txt")
    return compile_pattern(f"(?:{words})$", "heading_words.txt, saying_verbs.txt")


@lru_cache(maxsize=1)
def _continuation_start() -> re.Pattern:
    return compile_pattern(f"^(?:{_alternation('continuation_starts.txt')})", "continuation_starts.txt")


@lru_cache(maxsize=1)
def _field_res() -> dict[str, re.Pattern]:
    m = macros()
    label = m["LABEL"]
    # a value runs to the next space or separator; a label glued to it (来源:山东教育新闻网作者:徐明)
    # is cut off afterwards (_value), which is much cheaper than a lookahead at every character
    value = r"(?P<v>[^\s|｜丨【】\[\]（）()<>《》，,；;:：]+)"
    # more names after a space (`张三 李四`), but not a label or a page control (`返回顶部`)
    names = r"(?P<more>(?:\s+(?!(?:" + label + r")\s*[:：|｜丨]|" + m["CTRL"] + r")" + m["NAME"] + r"(?=\s|$|[|｜【】\[\]（）()]))*)"
    sep = r"\s*(?:[:：]|\s[|｜丨]|[|｜丨]\s)\s*"  # 来源：… or, WeChat style, 来源 | …
    return {
        "source": compile_pattern(r"(?:" + m["SRC_L"] + r")" + sep + value, "source field"),
        "author": compile_pattern(r"(?:^|[^\u4e00-\u9fff])(?:" + m["AUTHOR_L"] + r")(?:" + sep + r"|\s*[/／]\s*)" + value + names, "author field"),
        "editor": compile_pattern(r"(?:" + m["EDITOR_L"] + r")" + sep + value + names, "editor field"),
        "reporter": compile_pattern(
            r"(?:记者|文\s*[/／|｜])\s*[:：]?\s*(?P<v>" + m["NAME"] + r"(?:[\s、，,]+(?!(?:" + label + r"|实习生|特约))" + m["NAME"] + r")*)",
            "reporter field",
        ),
        "published": compile_pattern(r"(?:" + m["DATE_L"] + r")\s*[:：]\s*(?P<v>" + m["DATE"] + ")", "published field"),
        "date": compile_pattern(r"(?P<v>" + m["DATE"] + ")", "date"),
        "label-end": compile_pattern(r"(?:" + label + r"|A\+.*)$", "label at the end of a value"),
    }


def _value(m: re.Match, res: dict[str, re.Pattern]) -> Optional[str]:
    """The value a field regex found, without a label glued to its end, cleaned."""
    v = m["v"]
    cut = res["label-end"].search(v)
    if cut and (cut.group().startswith("A+") or m.string[m.end("v") : m.end("v") + 1] in (":", "：")):
        v = v[: cut.start()]
    if _clean_value(v) is None:
        return None
    return _clean_value(v + (m.groupdict().get("more") or ""))


# ---------------------------------------------------------------------------------------------
# line shapes

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_HASH_TAIL = re.compile(r"\s*#+$")
# a paragraph ends like a sentence (closing quotes/brackets may follow)
_CLOSERS = "”’」』）)】]\"'》"
_TERMINALS = frozenset("。！？!?；;…")

_NUMBERED = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[章节節部分条條篇、]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d+[、.．)）]|[①-⑳]|[A-Za-z][.、)])"
)
_CLAUSE_SEP = re.compile(r"[，,；;\s]+")
_OPEN_ENDING = re.compile(r"[了的和与與及在为為对對把将將给給向从從]$")
# 了 after a compound directional complement (降下来了, 站起来了, 走过去了) is the sentence-final
# particle: such a verb takes its object before 来/去 (拿出一本书来), so nothing is left to come on
# the next line, unlike 配备了 | 教学触控一体机
_CLOSED_LE = re.compile(r"[上下进進出回过過起开開][来來去]了$")
_DATE_PARTS = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?:星期|周|週)[一二三四五六日天])?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:：时時]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?)?"
)
# paragraph thresholds, in Chinese characters (Han and Chinese punctuation, see _wide)
_PARA_MIN = 4  # a sentence-final line shorter than this is no paragraph (`谢谢！`; `特此通知。` is one)
_PARA_LONG = 60  # a line this long is a paragraph even without final punctuation
_MINOR_SHARE = 0.2  # paragraphs cut off by a header/footer line may hold at most this share...
_MINOR_LINES = 3  # ...and this many lines to be counted as page furniture
_MAJOR_SHARE = 0.5  # after a strong footer line, paragraphs holding less than this are furniture
_CAPTION_HAN = (6, 50)
_CAPTION_SENTENCE_HAN = 80  # a one-sentence caption (`…勇夺一等奖第一名！`) is at most this long
_LABEL_HAN = 10  # a label before a colon (联系人, 办学理念, 报名材料提交截止时间) is at most this long
# markers that open the items of a list of paragraphs (`——教育集团化办学向纵深推进。…`)
_COLON = re.compile("[:：]")
_TWO_PART_SEP = re.compile(r"——|—|--|[:：|｜丨]")
_LIST_MARKER = re.compile(r"^(?:——|—|--|[●◆◇■□▶►★☆◎○•])")


def _ends_sentence(s: str) -> bool:
    """Whether a line ends like a sentence (closing quotes and brackets may follow).

    >>> _ends_sentence("他说：“好。”"), _ends_sentence("一、思路目标")
    (True, False)
    """
    s = s.rstrip(_CLOSERS)
    return bool(s) and s[-1] in _TERMINALS


def _han(s: str) -> int:
    return len(_HAN.findall(s))


def _wide(s: str) -> int:
    """Characters UTF-8 encodes in three bytes (Han, Chinese punctuation): a cheap measure of how
    much Chinese a line holds, all the paragraph thresholds need (pinyin letters count half)."""
    return (len(s.encode("utf-8")) - len(s)) // 2


def iso_date(s: str) -> Optional[str]:
    """The first date(-time) in ``s`` as ISO 8601, or None when there is none or it is invalid.

    >>> iso_date("2024-05-21 15:56"), iso_date("2024年5月2日"), iso_date("2024-13-01")
    ('2024-05-21T15:56', '2024-05-02', None)
    >>> iso_date("2024-10-17 15:21:26")
    '2024-10-17T15:21:26'
    """
    m = _DATE_PARTS.search(s)
    if not m:
        return None
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    try:
        if m["H"] is None:
            return datetime(y, mo, d).strftime("%Y-%m-%d")
        t = datetime(y, mo, d, int(m["H"]), int(m["M"]), int(m["S"] or 0))
    except ValueError:
        return None
    return t.strftime("%Y-%m-%dT%H:%M:%S" if m["S"] is not None else "%Y-%m-%dT%H:%M")


def strip_title_suffix(title: str) -> str:
    """A title without the site name a page appended to it.

    >>> strip_title_suffix("銀川市教育局:全面統籌教育配比-新華網")
    '銀川市教育局:全面統籌教育配比'
    >>> strip_title_suffix("关于做好招生工作的通知_中国教育在线")
    '关于做好招生工作的通知'
    >>> strip_title_suffix("聽“銀”説丨銀川市教育局:全面統籌")
    '聽“銀”説丨銀川市教育局:全面統籌'
    """
    m = _title_suffix().match(title)
    return m["title"].strip() if m else title


def _balanced(s: str) -> bool:
    return (
        s.count("《") == s.count("》")
        and s.count("“") == s.count("”")
        and s.count("(") + s.count("（") == s.count(")") + s.count("）")
    )


def _two_clause(s: str) -> bool:
    # the heading shape of many articles: `强化顶层设计,狠抓责任落实`
    parts = _CLAUSE_SEP.split(s.strip(), maxsplit=1)
    return len(parts) == 2 and 3 <= _han(parts[0]) <= 14 and 3 <= _han(parts[1]) <= 16


def _clean_value(v: Optional[str]) -> Optional[str]:
    if v is None:
        return None
    v = v.strip(" \t\u3000:：,，;；|｜")
    table = simplified()
    if not v or "".join(table.get(c, c) for c in v).lower() in _placeholders():
        return None
    return v


# ---------------------------------------------------------------------------------------------
# classification

@dataclass
class _Page:
    starts: list[int]
    ends: list[int]
    text: list[str]  # stripped line, trailing `#` markers removed; "" for blank lines
    kind: list[int]  # 0 blank, 1 content, 2 a line that is only `#`


_BLANK, _CONTENT, _HASH = 0, 1, 2


def _split(text: str) -> _Page:
    raw = text.split("\n")
    starts, ends = [], []
    pos = 0
    for line in raw:
        starts.append(pos)
        pos += len(line)
        ends.append(pos)
        pos += 1
    stripped = [line.strip() for line in raw]
    kind = [_CONTENT if s else _BLANK for s in stripped]
    for i, s in enumerate(stripped):
        if s and s[-1] == "#":
            s = stripped[i] = _HASH_TAIL.sub("", s)
            if not s:
                kind[i] = _HASH
    return _Page(starts, ends, stripped, kind)


def classify(text: str, keep_captions: bool = False) -> tuple[dict[int, str], dict[str, Any]]:
    """Which lines of ``text`` are boilerplate, and the metadata they hold.

    Returns ``({line number: rule}, meta)``; line numbers count ``text.split("\\n")``.

    >>> drops, meta = classify("教育新闻\\n来源：乳山教育网\\n\\n全市中小学开学。")
    >>> drops, meta["title"], meta["source"]
    ({0: 'title', 1: 'meta-line'}, '教育新闻', '乳山教育网')
    """
    return _classify(_split(text), keep_captions)


def _classify(page: "_Page", keep_captions: bool, with_meta: bool = True) -> tuple[dict[int, str], dict[str, Any]]:
    # with_meta=False: the drops only (the meta is {}); the fields are read from the dropped lines
    # after every drop is decided, so leaving them out changes no drop
    lines = page.text
    content = [i for i, k in enumerate(page.kind) if k == _CONTENT]
    rule: dict[int, Rule] = {}
    for i in content:
        r = match_line(lines[i])
        if r is not None:
            rule[i] = r
    wide = {i: _wide(lines[i]) for i in content}
    para = [
        i for i in content
        if i not in rule and ((wide[i] >= _PARA_MIN and _ends_sentence(lines[i])) or wide[i] >= _PARA_LONG)
    ]

    drops: dict[int, str] = {}
    if para:
        bs, be = _body_bounds(para, rule, lines)
    else:  # no article here: only rules, everything counts as header
        bs, be = len(lines), len(lines)

    # the header ends where the body begins: at the first paragraph, or earlier at the first
    # line no rule knows after the page's metadata lines (`各单位：` under the date line) or at
    # one that cannot be a title, so a notice's own `时间：…` lines before its first paragraph stay
    hs = bs
    seen_meta = table_title = False
    for i in content:
        if i >= bs:
            break
        if i in rule:
            seen_meta = seen_meta or rule[i].role == "meta"
            # an information-disclosure table (索引号, 名称, …) has the title under it
            table_title = table_title or rule[i].name == "govinfo-table"
        elif table_title and _title_shaped(lines[i]):
            table_title = False
        elif seen_meta or not _title_shaped(lines[i]):
            # before the metadata, title-like lines (site name, title) are still header
            hs = i
            break

    def zone(i: int) -> str:
        return "header" if i < hs else "footer" if i > be else "body"

    # 1. rules, by zone
    footer_start: Optional[int] = None
    for i in content:
        r = rule.get(i)
        if r is None:
            continue
        z = zone(i)
        if r.role == "caption" and keep_captions:
            continue
        if r.zone == "any" or (z == "header" and r.zone in ("edge", "header")) or (z == "footer" and r.zone in ("edge", "footer")):
            drops[i] = r.name
            if z == "footer" and footer_start is None and r.role in ("meta", "sep", "related"):
                # a heading of photos shown on the page (图片新闻 over credited captions) opens no
                # list of links: what follows it is classified line by line
                if not (r.role == "related" and _heads_photos(i, lines)):
                    footer_start = i
        elif z == "footer" and r.zone == "tail" and footer_start is not None and i > footer_start:
            drops[i] = r.name
    # a heading of photos inside the body stays with its photos' text, unless what showed the
    # photos (their captions, their credits) has just gone: it then labels nothing the text still
    # shows, and a later round would take it for a teaser list's heading and drop the text under it
    for i, r in rule.items():
        if r.role == "related" and i not in drops and _heads_photos(i, lines):
            if not _heads_photos(i, ["" if j in drops else s for j, s in enumerate(lines)]):
                drops[i] = r.name

    # 2. header: title, duplicate titles, page header before the title
    header = [i for i in content if i < hs]
    title = _find_title(header, drops, rule, lines)
    meta_title = None
    if title is not None:
        first, t = title
        meta_title = strip_title_suffix(lines[t])
        if first != t:
            meta_title = strip_title_suffix(lines[first]) + lines[t]
        for i in range(first, t + 1):
            if page.kind[i] == _CONTENT:
                drops[i] = "title"
        key = _title_key(strip_title_suffix(lines[t]) if first == t else meta_title)
        for i in header:
            if i not in drops and len(lines[i]) <= 2 * len(key) + 40 and _title_key(strip_title_suffix(lines[i])) == key:
                drops[i] = "title-duplicate"
            elif i not in drops and i < first:
                drops[i] = "header-zone"
    chrome = [i for i in header if i in rule and rule[i].family in ("navigation", "ads", "controls") and i in drops]
    if chrome:
        for i in header:
            if i < chrome[-1] and i not in drops:
                drops[i] = "header-zone"

    # 3. footer: after the first footer line, nothing is article
    if footer_start is not None:
        related = False
        for i in content:
            if i <= footer_start:
                if i == footer_start:
                    related = rule[i].role == "related"
                continue
            if i in drops:  # a teaser list runs from its heading to the next rule line
                related = i in rule and rule[i].role == "related"
                continue
            drops[i] = "related-list" if related else "footer-zone"

    # 4. photo captions inside the body. A caption belongs to a photo, and the page's text shows
    # its photos only by their marks (（资料图）, 张三 摄, 图为…, ▲): a page without one has no
    # caption to find, and its short lone lines are text (a comment on a page of reviews, a school
    # name before its paragraph); a page with them has captions among its lone lines, so the
    # heading/label/sentence guards are looked at again
    if not keep_captions and para and any(r.family == "captions" for r in rule.values()):
        drops.update(_captions(content, para, drops, lines, bs, be))

    if not with_meta:
        return dict(sorted(drops.items())), {}
    meta = _extract(sorted(i for i in drops if i in rule and rule[i].role == "meta" and drops[i] == rule[i].name), rule, lines, hs)
    meta["title"] = meta_title
    return dict(sorted(drops.items())), meta


def _body_bounds(para: list[int], rule: dict[int, Rule], lines: list[str]) -> tuple[int, int]:
    """First and last body line: the paragraph run, minus a few paragraphs cut off by a header
    line after them (a welcome banner above the title) or a footer line before them (teasers
    with summaries under 相关阅读, comments)."""
    cum = [0]  # characters of the paragraphs before para[k]
    for i in para:
        cum.append(cum[-1] + len(lines[i]))
    total = cum[-1]
    bs, be = para[0], para[-1]
    anchors = sorted(
        i for i, r in rule.items()
        if bs < i < be and (r.role == "meta" and _credit_line(lines[i]) or r.name.startswith(("breadcrumb", "nav-")))
    )
    for a in reversed(anchors):
        k = bisect_left(para, a)  # paragraphs above the anchor
        if k <= _MINOR_LINES and cum[k] <= _MINOR_SHARE * total:
            bs = para[k]
            break
    # a footer rule that matched a sentence may have matched body text (倡导文明上网、理性发言。):
    # such a line never cuts the body
    seps = sorted(
        i for i, r in rule.items()
        if bs < i < be and not _ends_sentence(lines[i])
        and (r.role in ("sep", "related") or r.role == "meta" and _credit_line(lines[i]))
        and not (r.role == "related" and _heads_photos(i, lines))
    )
    for s in seps:
        k = bisect_left(para, s)  # paragraphs above the footer line
        share = (total - cum[k]) / total
        # after a strong footer line (related list, comments, copyright) the smaller part is
        # furniture; after a credit line (编辑：…) only a few short paragraphs are
        strong = rule[s].role in ("sep", "related")
        if share <= _MINOR_SHARE and len(para) - k <= _MINOR_LINES or strong and share < _MAJOR_SHARE:
            be = para[k - 1]
            break
    return bs, be


# a photo's credit closing a line: ``…（新华社记者黄文摄）``, ``…(张三 摄)``, and a photo report's
# ``（宋永昆摄影报道）``, the form a newspaper credits a report told by its photos with
_PHOTO_CREDIT_END = re.compile(r"[（(][^（）()]{0,24}[摄攝](?:影(?:报道|報道)?)?\s*[)）]$")
# a line that captions a photo shown on the page
_PHOTO_CAPTION_START = re.compile(r"^(?:图为|圖為|图\s*[:：]|圖\s*[:：])")


def _heads_photos(i: int, lines: list[str]) -> bool:
    """Whether the related heading on line ``i`` (``图片新闻``) heads photos shown on the page: its
    first item closes with a photo's credit, or is a sentence with that credit or the photo's
    caption (``图为…``) on the line under it, or is a numbered sentence (``1、…。``: the credits may
    have gone in an earlier round of the step), or it names a numbered series whose second item
    is credited (``１、农业，我们的农业`` over ``２、…（吴明摄）``). A
    teaser links to another page: a title, unpunctuated, or a title with its summary, and no credit;
    a newspaper's or newsletter's photo-news section sets its photos' numbered captions under such
    a heading, and the articles after that section are no list (the heading then does not end the
    body).

    >>> _heads_photos(0, ["图片新闻", "", "1、学生在操场上开展大课间活动。", "（本报记者张明摄）"])
    True
    >>> _heads_photos(0, ["图片新闻", "我市召开教育工作会议", "（本报记者张明摄）"])
    False
    >>> _heads_photos(0, ["图片新闻", "学校举办科技节。", "图为学生展示机器人。"])
    True
    >>> _heads_photos(0, ["图片新闻", "1、校园生活掠影", "2、学生展示机器人（张明摄）"])
    True
    """
    first_two = [s for s in lines[i + 1 : i + 8] if s][:2]
    if not first_two:
        return False
    s1, s2 = first_two[0], first_two[-1] if len(first_two) == 2 else None
    return (
        bool(_PHOTO_CREDIT_END.search(s1))
        or _NUMBERED.match(s1) is not None and _ends_sentence(s1)
        # a report's text with its photo's credit, or its caption (图为…), under it
        or s2 is not None and _ends_sentence(s1)
        and (_PHOTO_CREDIT_END.match(s2) is not None or _PHOTO_CAPTION_START.match(s2) is not None)
        # a numbered series whose first item names the series (１、农业，我们的农业) and whose
        # second is credited: numbered photos, a teaser list numbers no credits
        or s2 is not None and _NUMBERED.match(s1) is not None and _NUMBERED.match(s2) is not None
        and _PHOTO_CREDIT_END.search(s2) is not None
    )


def _credit_line(s: str) -> bool:
    """A metadata line that credits the page (来源, 作者, 编辑, 发布时间, a byline), as opposed to
    a bare ``时间：``/``日期：``/``地点`` line, which a notice's body has too."""
    return bool(_credit().search(s))


@lru_cache(maxsize=1)
def _credit() -> re.Pattern:
    m = macros()
    labels = "|".join((m["SRC_L"], m["AUTHOR_L"], m["EDITOR_L"], r"发布|发表|更新|审核|记者|通讯员|摄影|原标题|转载|责编|初审|终审|校对"))
    return compile_pattern(r"(?:" + labels + r")\s*(?:时间|日期|于|者|人|单位|机构)?\s*(?:[:：|｜丨/／]|\s)|记者|通讯员", "credit line")


def _title_shaped(s: str) -> bool:
    return len(s) <= 120 and s[-1] not in "。；;：:，,、" and 2 <= _han(s) <= 80


def _title_key(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _find_title(header: list[int], drops: dict[int, str], rule: dict[int, Rule], lines: list[str]) -> Optional[tuple[int, int]]:
    """``(first, last)`` line of the title: the line before the first metadata line of the header,
    else a line with a site suffix; a ``——`` subtitle line takes the line above it along."""
    meta_lines = [i for i in header if i in drops and rule.get(i) is not None and rule[i].role == "meta"]
    free = [i for i in header if i not in drops]
    t = None
    if any(rule[i].name == "govinfo-table" for i in meta_lines):
        # an information-disclosure table (索引号, 发文机关, 名称, …) comes before the title
        after = [i for i in free if i > meta_lines[-1]]
        if after and _title_shaped(lines[after[0]]):
            t = after[0]
    if t is None and meta_lines:
        before = [i for i in free if i < meta_lines[0]]
        if before and _title_shaped(lines[before[-1]]):
            t = before[-1]
    if t is None:
        for i in free:
            if _title_shaped(lines[i]) and strip_title_suffix(lines[i]) != lines[i]:
                t = i
                break
    if t is None:
        return None
    first = t
    if lines[t].startswith(("——", "—", "--")):
        above = [i for i in free if i < t]
        if above and _title_shaped(lines[above[-1]]):
            first = above[-1]
    return first, t


def _captions(
    content: list[int], para: list[int], drops: dict[int, str], lines: list[str], bs: int, be: int
) -> dict[int, str]:
    """Photo captions among the short lines between body paragraphs, in a page that marks its
    photos (a line of the ``captions`` rule family, such as ``（资料图）``: the caller checks).

    Two shapes: a caption split over two short lines (``…配备了`` / ``教学触控一体机``), and, in
    a document whose headings share the two-clause shape (``强化顶层设计,狠抓责任落实``), a short
    line of another shape standing alone between paragraphs. Lines that read like headings (a
    policy verb first, a heading word last: ``加大学校建设投入``, ``相关政策解读``), numbered
    lines, ``label：text`` lines and lists stay. Once some lone lines proved captions, those
    guards are checked against what the line does in the page (see :func:`_photo_captions`).
    """
    is_para = set(para)
    runs: list[list[int]] = []
    run: list[int] = []
    for i in content:
        if i <= bs or i >= be:
            continue
        if i in is_para:
            if run:
                runs.append(run)
            run = []
        elif i not in drops:
            run.append(i)
    if run:
        runs.append(run)

    exact = {i: _han(lines[i]) for r in runs for i in r}

    def candidate(i: int) -> bool:
        return _caption_shaped(lines[i], exact[i]) and not _heading_word().search(lines[i])

    out: dict[int, str] = {}
    headings = sum(1 for r in runs for i in r if _two_clause(lines[i]) and not _NUMBERED.match(lines[i]))
    for r in runs:
        if (
            len(r) == 2 and all(candidate(i) for i in r)
            and _OPEN_ENDING.search(lines[r[0]]) and not _CLOSED_LE.search(lines[r[0]])
            and exact[r[0]] + exact[r[1]] <= _CAPTION_HAN[1]
        ):
            out.update({i: "caption-fragment" for i in r})
        elif headings >= 2 and len(r) == 1:
            # a lone line of another shape; `label：text` lines (联系人：…, 办学理念：…) stay
            i = r[0]
            if candidate(i) and not _two_clause(lines[i]) and ":" not in lines[i] and "：" not in lines[i]:
                out[i] = "caption-off-style"
    # some of the page's lone lines already proved to be captions
    if headings >= 2 and out:
        out.update(_photo_captions(content, para, runs, {**drops, **out}, lines, bs, be))
    return out


def _photo_captions(
    content: list[int], para: list[int], runs: list[list[int]], drops: dict[int, str], lines: list[str], bs: int, be: int,
) -> dict[int, str]:
    """Captions that the guards of :func:`_captions` keep, in a page whose captions are known to
    stand on lines of their own: it marks its photos (a line of the ``captions`` rule family, such
    as ``（资料图）``), its headings share the two-clause shape, and :func:`_captions` found
    captions among its lone lines.

    Each guard stands for what the line would otherwise be; a line that does not do in the page
    what that thing does, and sits where or looks like the page's captions, is a caption:

    - ``caption-before-heading``: a heading opens a section, so text follows it. A short line that
      starts like a heading (``建立…``) but stands between a section's text and the next heading of
      the page's shape opens nothing: it closes the section, where a photo sits. It stays when the
      page has this shape more than once (a level of headings above the two-clause ones), when it
      comes before the page's first heading (a lead-in), when it ends in a heading word
      (``…主要举措``), is numbered or is a ``label：text`` line.
    - ``caption-long-label``: a ``label：text`` line has a label before the colon, a short noun
      (``联系人``, ``办学理念``, ``报名材料提交截止时间``). A line whose part before the colon is
      longer than any label, does not end in a heading word (``时间``, ``地点``, ``要求``) or a verb
      of saying (``…在会上强调：``), and has text after the colon is a ``topic：scene`` statement;
      it is a caption when another caption of the page has that two-part shape (``topic——scene``).
    - ``caption-list-break``: paragraphs that are the items of a list (``——…``) follow one another.
      One sentence between two items with the same marker, without it, shorter than both and not
      continuing the item before it (``其中…``, ``目前…``) breaks the list; it is a caption when
      another gap between the same list's items holds a caption (photos set between the items).
    """
    captions = {i for i, r in drops.items() if r in _caption_reasons()}
    out: dict[int, str] = {}
    exact = {i: _han(lines[i]) for r in runs for i in r}

    def lone_line(i: int) -> bool:
        s = lines[i]
        return _caption_shaped(s, exact[i]) and not _LIST_MARKER.match(s) and not _two_clause(s)

    def page_heading(i: int) -> bool:
        return _two_clause(lines[i]) and not _NUMBERED.match(lines[i])

    headings = [i for r in runs for i in r if page_heading(i)]
    above_heading = [r for r in runs if len(r) == 2 and r[0] not in drops and page_heading(r[1])]
    if len(above_heading) == 1 and headings[0] < above_heading[0][0]:
        i = above_heading[0][0]
        if lone_line(i) and not _COLON.search(lines[i]) and not _heading_end().search(lines[i]):
            out[i] = "caption-before-heading"

    if any(_two_part(lines[j]) for j in captions):
        for r in runs:
            if len(r) != 1 or r[0] in drops:
                continue
            i = r[0]
            colon = _COLON.search(lines[i])
            if colon and lone_line(i) and not _heading_word().search(lines[i]):
                label, text = lines[i][: colon.start()].strip(), lines[i][colon.end() :]
                if _han(label) > _LABEL_HAN and _han(text) >= _CAPTION_HAN[0] // 2 and not _label_end().search(label):
                    out[i] = "caption-long-label"

    # the content lines still standing, in order; a list is a chain of items with one marker, at
    # most one standing line between two of them (first/last: the chain's ends, in one pass each)
    standing = [i for i in content if i not in drops and i not in out]
    marks = [(m.group() if (m := _LIST_MARKER.match(lines[i])) else None) for i in standing]
    n = len(standing)
    first, last = list(range(n)), list(range(n))
    for k in range(n):
        for back in (1, 2):
            if marks[k] and k - back >= 0 and marks[k - back] == marks[k]:
                first[k] = first[k - back]
                break
    for k in reversed(range(n)):
        for ahead in (1, 2):
            if marks[k] and k + ahead < n and marks[k + ahead] == marks[k]:
                last[k] = last[k + ahead]
                break
    found = sorted(captions)
    is_para = set(para)
    for k in range(1, n - 1):
        i, before, after = standing[k], standing[k - 1], standing[k + 1]
        if not (bs < i < be and i in is_para and before in is_para and after in is_para):
            continue
        s = lines[i]
        if (
            marks[k - 1]
            and marks[k + 1] == marks[k - 1]
            and not _LIST_MARKER.match(s)
            and not _NUMBERED.match(s)
            and _one_sentence(s)
            and _han(s) <= _CAPTION_SENTENCE_HAN
            and _han(s) < min(_han(lines[before]), _han(lines[after]))
            and not _continuation_start().search(s)
        ):
            # a caption in another gap of the same list
            lo, hi = standing[first[k - 1]], standing[last[k + 1]]
            in_list = bisect_left(found, hi) - bisect_left(found, lo + 1)
            in_gap = bisect_left(found, after) - bisect_left(found, before + 1)
            if in_list > in_gap:
                out[i] = "caption-list-break"
    return out


# a caption is one sentence at most: a sentence end with more Chinese after it makes the line
# prose (``相当不错，行货就是质量有保证。至于价格的话，…``, ``性价比好,没的说了.更看中的是…``)
_INNER_END = re.compile(
    r"(?:[。！？!?]|(?<=[\u3400-\u4dbf\u4e00-\u9fff])[.．])(?=[^\n]*?[\u3400-\u4dbf\u4e00-\u9fff])"
)
# text typed with ASCII punctuation ends its sentences with ``.``, ``..`` or ``~`` after Chinese
# (``没有桑拿设备,理由是正在维修,但真正的原因是不赚钱.``); a caption ends with no mark at all
_ASCII_END = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff][.．~～]+$")
# a caption says what the photo shows, in the third person; a speaker (我, 你, 您, 咱, 俺) or an
# emoticon makes the line someone's remark (``我觉得一般``, ``你就得准备先享受冷水浴``, ``好饱了:)``).
# 我 before an institution is the page's own (``我市``, ``我校``: 我市承办的…大赛), as captions say
_SPEAKER = re.compile(
    r"[你您咱俺]|我(?![市校区县省国院园所局镇乡村厅委办])|\^[_\-oO.]?\^|[:：;][-]?[)(DPp](?![\w])|T_T"
)


# a caption names one scene: what is shown, at most with a second clause of what it does
# (``淄博市在445所学校建设…系统,实现城乡优质教育资源共享``), after a lead of date or place
# (``5月20日，…``, ``在实验小学，…``). A line of three clauses or more is a sentence that lost its
# final mark (``送的鼠标太垃圾了，按起来硬不说了，还有噪音，…``: comments typed without one)
_CAPTION_CLAUSES = 2
# clause separators: commas and semicolons, and a space between two Chinese characters (informal
# text separates clauses with spaces: ``跌价好快啊 触摸板附近较热``); not ``、`` (a list in a clause)
_CLAUSE_BREAK = re.compile(r"[，,；;]|(?<=[\u3400-\u4dbf\u4e00-\u9fff])\s+(?=[\u3400-\u4dbf\u4e00-\u9fff])")
# a lead clause of date, time or place (``1月5日``, ``近日``, ``在实验小学``) adds no clause of its own
_LEAD_CLAUSE = re.compile(
    r"^(?:(?:\d{2,4}\s*年)?\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?:上午|下午|晚上?|早上|中午)?|近日|日前|近期|当天|今年以来|在.{1,20})$"
)


def _clauses(s: str) -> int:
    """Clauses of a line, a lead clause of date or place not counted.

    >>> _clauses("5月20日，学生在创客教室进行编程实践"), _clauses("送的鼠标太垃圾了，按起来硬不说了，还有噪音")
    (1, 3)
    """
    parts = [p for p in _CLAUSE_BREAK.split(s.strip()) if _HAN.search(p)]
    if len(parts) > 1 and _LEAD_CLAUSE.match(parts[0].strip()):
        parts = parts[1:]
    return len(parts)


@lru_cache(maxsize=1)
def _byline() -> re.Pattern:
    # an article's byline names its reporters after their paper (本报, 新华社, 《…》, with 驻… for
    # a correspondent), often without a space before the name (《中国电力报》记者张大和本报记者江玉):
    # it heads the article's text, it captions no photo. The paper is required, so a sentence
    # about reporters (学生们向记者介绍) is not one
    return compile_pattern(
        r"^(?:(?:《[^》]{1,20}》|本报|本刊|本台|本网|新华社|中新社)(?:驻{{HAN}}{1,10}?)?(?:特约|实习|见习|首席)?"
        r"(?:记者|通讯员)\s*{{NAMES}}\s*)+$",
        "byline",
    )


def _caption_shaped(s: str, han: int) -> bool:
    """Whether a line has a caption's shape: caption length, no sentence end (nor a sentence end
    inside it), at most two clauses, not numbered, brackets and quotes balanced, no speaker nor
    emoticon, not a byline (``han``: its Han characters).

    >>> _caption_shaped("教学触控一体机进入课堂", 10), _caption_shaped("性价比好,没的说了.更看中的是牌子", 13)
    (True, False)
    >>> _caption_shaped("外观漂亮，散热也不错，就是电池不耐用", 17)
    False
    >>> _caption_shaped("我觉得屏幕色彩太浓", 9), _caption_shaped("我校学生在创客教室进行编程实践", 15)
    (False, True)
    >>> _caption_shaped("《中国电力报》记者张大和本报记者江玉", 14)
    False
    """
    return (
        _CAPTION_HAN[0] <= han <= _CAPTION_HAN[1]
        and not _byline().match(s)
        and not _ends_sentence(s)
        and _clauses(s) <= _CAPTION_CLAUSES
        and not _ASCII_END.search(s)
        and not _INNER_END.search(s)
        and not _NUMBERED.match(s)
        and _balanced(s)
        and not _SPEAKER.search(s)
    )


def _two_part(s: str) -> bool:
    """Whether a line is two parts around a dash or colon, as captions often are.

    >>> _two_part("义务教育均衡发展——淄河镇幸福小学"), _two_part("教学触控一体机")
    (True, False)
    """
    m = _TWO_PART_SEP.search(s)
    return bool(m) and _han(s[: m.start()]) >= 2 and _han(s[m.end() :]) >= 2


@lru_cache(maxsize=1)
def _caption_reasons() -> frozenset[str]:
    """Names of the drops that are captions: the caption rules and the structural caption reasons."""
    return frozenset(
        [r.name for r in rules() if r.family == "captions"] + [n for n in STRUCTURAL_REASONS if n.startswith("caption-")]
    )


def _one_sentence(s: str) -> bool:
    """Whether a line is one sentence: it ends like one and has no other sentence end inside.

    >>> _one_sentence("我校代表队勇夺一等奖！"), _one_sentence("活动圆满结束。同学们收获满满。")
    (True, False)
    """
    s = s.rstrip(_CLOSERS)
    if not s or s[-1] not in _TERMINALS:
        return False
    body = s.rstrip("".join(_TERMINALS))
    return bool(body) and not any(c in _TERMINALS for c in body)


def _extract(meta_lines: list[int], rule: dict[int, Rule], lines: list[str], hs: int) -> dict[str, Any]:
    """Fields from the dropped metadata lines: header lines (before ``hs``) first, then footer lines."""
    res = _field_res()
    found: dict[str, Optional[str]] = {k: None for k in ("published", "source", "author", "editor", "reporter")}
    ordered = [i for i in meta_lines if i < hs] + [i for i in meta_lines if i >= hs]
    for i in ordered:
        s = lines[i]
        if found["published"] is None:
            # a labelled date (发布时间：…) first, else the date a metadata line carries
            m = res["published"].search(s) or res["date"].search(s)
            if m:
                found["published"] = iso_date(m["v"])
        for key in ("source", "author", "editor"):
            if found[key] is None:
                m = res[key].search(s)
                if m:
                    found[key] = _value(m, res)
        if found["reporter"] is None and rule[i].name in ("reporter-line", "reporter-paren", "byline-slash"):
            m = res["reporter"].search(s)
            if m:
                found["reporter"] = _clean_value(m["v"])
    return {
        "published": found["published"],
        "source": found["source"],
        "author": found["author"] or found["reporter"],
        "editor": found["editor"],
    }


# ---------------------------------------------------------------------------------------------
# edits

def drop_spans(text: str, drops: dict[int, str]) -> list[Span]:
    """Spans deleting the dropped lines with their line breaks.

    Blank lines between dropped lines go with them; where a dropped block sat between paragraphs
    separated by blank lines, one blank line stays, so paragraphs do not merge.

    >>> t = "A\\n\\nX\\n\\nB"
    >>> apply_spans(t, drop_spans(t, {2: "r"}))
    'A\\n\\nB'
    """
    return _drop_spans(text, _split(text), drops) if drops else []


def _drop_spans(text: str, page: "_Page", drops: dict[int, str]) -> list[Span]:
    if not drops:
        return []
    n = len(page.kind)
    kept = [i for i in range(n) if page.kind[i] != _BLANK and i not in drops]
    spans: list[Span] = []
    i = 0
    while i < n:
        if i not in drops:
            i += 1
            continue
        # the maximal run of dropped and blank lines around line i
        a = i
        while a > 0 and (a - 1 in drops or page.kind[a - 1] == _BLANK):
            a -= 1
        b = i
        while b + 1 < n and (b + 1 in drops or page.kind[b + 1] == _BLANK):
            b += 1
        has_blank = any(page.kind[k] == _BLANK for k in range(a, b + 1))
        if not kept:
            start, end = 0, len(text)
        elif a == 0:
            start, end = 0, page.starts[b + 1]
        elif b == n - 1:
            start = page.ends[a - 1]
            end = len(text) - 1 if text.endswith("\n") and page.kind[n - 1] == _BLANK and n - 1 not in drops else len(text)
            end = max(end, start)
        else:
            start = page.starts[a]
            end = page.starts[b + 1] - (1 if has_blank else 0)
        dropped = [k for k in range(a, b + 1) if k in drops]
        bounds = [start] + [page.starts[k] for k in dropped[1:]] + [end]
        for k, line in enumerate(dropped):
            lo, hi = bounds[k], bounds[k + 1]
            if hi > lo:
                spans.append((lo, hi, "", drops[line]))
        i = b + 1
    return spans


def strip_boilerplate(text: str, keep_captions: bool = False) -> str:
    """The whole step as a pure function (metadata is dropped with its lines).

    >>> strip_boilerplate("乳山教育新闻\\n发布时间:2024-05-21 15:56 来源:山东教育新闻网 A+A-\\n\\n全市中小学开学。\\n\\n编辑:王骄\\n版权所有,未经授权禁止转载")
    '全市中小学开学。'
    >>> strip_boilerplate("分享了办学经验。\\n来源于一线教师的经验。")
    '分享了办学经验。\\n来源于一线教师的经验。'
    """
    page = _split(text)
    drops, _meta = _classify(page, keep_captions, with_meta=False)
    return apply_spans(text, _drop_spans(text, page, drops))


def extract_metadata(text: str) -> dict[str, Any]:
    """Title, published, source, author and editor stated by a page (``None`` when not stated).

    >>> extract_metadata("通知\\n2023-06-02 来源:网络 作者:佚名\\n\\n正文第一段。")
    {'published': '2023-06-02', 'source': None, 'author': None, 'editor': None, 'title': '通知'}
    """
    return classify(text)[1]


def run(text: str, ctx: StepContext) -> str:
    page = _split(text)
    drops, meta = _classify(page, bool(getattr(ctx.config, "keep_captions", False)))
    for key in META_FIELDS:
        if meta.get(key) is not None and ctx.meta.get(key) is None:
            ctx.meta[key] = meta[key]
    return ctx.replace(text, _drop_spans(text, page, drops))


def may_drop_again(text: str) -> bool:
    """Whether this step would drop lines of ``text``: later steps can turn a line into boilerplate
    (``舞&`` becomes the title ``舞台`` once the substitution step repairs it), so the pipeline runs
    another round and cleaning stays idempotent."""
    return bool(_classify(_split(text), False, with_meta=False)[0])


STEP = Step(
    "boilerplate",
    "drop header/footer/navigation lines, captions and credits; title, date, source, author, editor into meta",
    run,
    recheck=may_drop_again,
)
