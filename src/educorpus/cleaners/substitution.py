"""Step ``substitution``: repairs what page converters and article spinners did to the text.

Rule families (rule names as they appear in the edit log):

- **placeholders** ``placeholder-platform`` / ``placeholder-tai``: ``&&`` or ``&`` left where a
  converter dropped 平台 / 台 (``智慧教育&&``, ``心理健康服務&&``, ``多樣舞&``). The repair is written in
  the page's own script (平臺 on a traditional page, 平台 on a simplified one, or whichever form of
  台/臺 the page itself uses), because the ``script`` step converts afterwards.
- **inserted spam** ``inserted-site-name``, ``paragraph-marker``: site names glued into
  sentences (``…为首席学院2023农村中小学远程教育资源网,确立…``) and the ``#`` that spinner templates
  put at paragraph ends and on lines of their own.
- **spun text**: ``scores["spun"]`` in [0, 1] says how much the page looks machine-spun, and
  repairs come in tiers (data: ``data/substitution/``):

  (a) ``spun-never-legitimate``: variants that are not Chinese at all (花园共育, 医德师风, 少将额,
      良好颓势, 打导致, 安装工程 after 实施/推行…) — always repaired;
  (b) ``spun-policy-phrase`` / ``spun-collocation``: plausible words (品质, 推行, 起码, 办妥, 终生…)
      repaired only in pages scored as spun and only inside a known policy phrase or collocation;
  (c) flagged, never changed: numbers and units (``amount-implausible``, ``number-vs-title``,
      ``year-span-mismatch``), antonyms and swapped terms (``suspect-antonym``,
      ``suspect-term``), place names and titles inconsistent with the page title
      (``place-vs-title``, ``title-mismatch``). ``scores["substitution_flags"]`` counts them.

Matching happens on a simplified "shadow" of the page (OpenCC t2s, one character for one), so
every rule is written once and works on traditional pages too.

Not handled: spun words outside the phrase tables (a spinner's output that is itself a common
word, 提升→提高, 教师→班主任, 高中→中学, is left as it is); restoring numbers, units, antonyms or
places (there is no evidence in the page for the right value); restoring from a near-duplicate
page (that needs the corpus, see ``educorpus.corpus``); spam that is not repeated and not in a
spun page; ``&`` standing for anything other than 平台/台.
"""

from __future__ import annotations

import difflib
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from bisect import bisect_left, bisect_right
from functools import lru_cache, partial
from importlib import resources
from itertools import product
from operator import itemgetter
from typing import Iterable, NamedTuple, Optional

import numpy as np
import regex

from ..document import Span, StepContext, apply_spans
from ..pipeline import Step
from ._text import HAN, PhraseMatcher, common_ends

DEFAULT_SPUN_THRESHOLD = 0.5

# ---------------------------------------------------------------------------------------------
# data


def _read(name: str) -> str:
    return resources.files("educorpus").joinpath(f"data/substitution/{name}").read_text(encoding="utf-8")


def _rows(name: str) -> list[list[str]]:
    return [
        line.split("\t")
        for line in _read(name).splitlines()
        if line.strip() and not line.startswith("#")
    ]


@lru_cache(maxsize=1)
def policy_phrases() -> tuple[str, ...]:
    """The canonical education-policy phrases (simplified script), in file order.

    >>> len(policy_phrases()) >= 1000, "办好人民满意的教育" in policy_phrases()
    (True, True)
    """
    seen: dict[str, None] = {}
    for row in _rows("policy_phrases.txt"):
        seen.setdefault(row[0].strip(), None)
    return tuple(seen)


@dataclass(frozen=True)
class VariantRule:
    """One row of ``variants.tsv``: ``variant`` becomes ``canonical`` (tier a/b) or is flagged (c-*)."""

    variant: str
    canonical: str
    tier: str
    left: str
    right: str
    note: str

    @property
    def rule(self) -> str:
        if self.tier == "a":
            return "spun-never-legitimate"
        if self.tier == "b":
            return "spun-collocation"
        return "suspect-" + self.tier.split("-", 1)[1]


@lru_cache(maxsize=1)
def variant_rules() -> tuple[VariantRule, ...]:
    """The explicit rows of ``variants.tsv``.

    >>> [r.canonical for r in variant_rules() if r.variant == "花园共育"]
    ['家园共育']
    """
    out = []
    for row in _rows("variants.tsv"):
        row = (row + [""] * 6)[:6]
        variant, canonical, tier, left, right, note = (c.strip() for c in row)
        if tier not in ("a", "b") and not tier.startswith("c-"):
            raise ValueError(f"variants.tsv: row {variant!r} has unknown tier {tier!r}")
        out.append(VariantRule(variant, canonical, tier, left, right, note))
    return tuple(out)


@lru_cache(maxsize=1)
def synonym_swaps() -> dict[str, tuple[str, ...]]:
    """``synonyms.tsv``: canonical word → the spun forms spinners put in its place.

    >>> synonym_swaps()["质量"]
    ('品质',)
    """
    return {row[0].strip(): tuple(s.strip() for s in row[1].split("|")) for row in _rows("synonyms.tsv")}


@lru_cache(maxsize=1)
def _no_word_evidence() -> frozenset[str]:
    """Canonical words of ``synonyms.tsv`` marked ``-``: their swap is no evidence of spinning."""
    return frozenset(row[0].strip() for row in _rows("synonyms.tsv") if len(row) > 2 and row[2].strip() == "-")


@lru_cache(maxsize=1)
def _derived_exclusions() -> frozenset[str]:
    return frozenset(row[0].strip() for row in _rows("derived_exclusions.txt"))


def _swap_sites(phrase: str, swaps: dict[str, tuple[str, ...]]) -> list[tuple[int, int, tuple[str, ...]]]:
    """Non-overlapping (leftmost, longest) occurrences of swappable words in ``phrase``."""
    keys = sorted(swaps, key=len, reverse=True)
    sites = []
    i = 0
    while i < len(phrase):
        for k in keys:
            if phrase.startswith(k, i):
                sites.append((i, i + len(k), swaps[k]))
                i += len(k)
                break
        else:
            i += 1
    return sites


@lru_cache(maxsize=1)
def derived_variants() -> dict[str, str]:
    """Spun forms of the canonical phrases (tier b), ``spun form → canonical phrase``.

    A form is derived by swapping one to three words of a phrase for their spun forms
    (``synonyms.tsv``). It is kept only if it is at least 4 characters long, is not a canonical
    phrase, no canonical phrase covers a swapped word inside it (``办学品质`` is itself legitimate,
    so ``办学质量`` → ``办学品质`` is no evidence), it derives from one canonical form only, no swapped
    word is the spun form of two canonical words (体制 ← 制度, 体系), and it is not listed in
    ``derived_exclusions.txt`` (forms the validation script found in clean text).

    >>> derived_variants()["办妥人民满意的教育"]
    '办好人民满意的教育'
    >>> "办学品质" in derived_variants()
    False
    """
    return {v: canonical for v, (canonical, _changes) in _derived().items()}


@lru_cache(maxsize=1)
def _derived() -> dict[str, tuple[str, tuple[tuple[int, int, str], ...]]]:
    """``spun form → (canonical phrase, ((start, end, canonical word), ...))`` (offsets in the form)."""
    swaps = synonym_swaps()
    canon = set(policy_phrases())
    excluded = _derived_exclusions()
    out: dict[str, tuple[str, tuple[tuple[int, int, str], ...]]] = {}
    ambiguous: set[str] = set()
    # a spun form that several canonical words share (体制 ← 制度, 体系; spinners also make it
    # from 机制) cannot be undone from the phrase: 帮扶体制 may be 帮扶制度 or 帮扶机制, and the
    # phrase list only knows the first; such swaps derive no form
    sources: dict[str, set[str]] = {}
    for word, forms in swaps.items():
        for form in forms:
            sources.setdefault(form, set()).add(word)
    swaps = {w: tuple(f for f in forms if len(sources[f]) == 1) for w, forms in swaps.items()}
    swaps = {w: forms for w, forms in swaps.items() if forms}
    for phrase in policy_phrases():
        sites = _swap_sites(phrase, swaps)
        if not sites or len(sites) > 3:
            continue
        for choice in product(*[(None,) + forms for _, _, forms in sites]):
            if all(c is None for c in choice):
                continue
            parts: list[str] = []
            last = 0
            changes: list[tuple[int, int, str]] = []
            for (s, e, _forms), c in zip(sites, choice):
                parts.append(phrase[last:s])
                start = sum(len(p) for p in parts)
                parts.append(phrase[s:e] if c is None else c)
                if c is not None:
                    changes.append((start, start + len(c), phrase[s:e]))
                last = e
            parts.append(phrase[last:])
            variant = "".join(parts)
            if len(variant) < 4 or variant in canon or variant in excluded:
                continue
            if _covered_by_canonical(variant, [(a, b) for a, b, _w in changes], canon):
                continue
            if variant in out and out[variant][0] != phrase:
                ambiguous.add(variant)
            out.setdefault(variant, (phrase, tuple(changes)))
    for v in ambiguous:
        del out[v]
    return out


def _covered_by_canonical(variant: str, changed: list[tuple[int, int]], canon: set[str]) -> bool:
    n = len(variant)
    for s in range(n):
        for e in range(s + 2, n + 1):
            if (s, e) != (0, n) and variant[s:e] in canon:
                if any(s <= cs and ce <= e for cs, ce in changed):
                    return True
    return False


@lru_cache(maxsize=1)
def _places() -> tuple[dict[str, str], frozenset[str]]:
    """``city → province`` (provinces map to themselves) and the names that are also words."""
    city_province: dict[str, str] = {}
    ambiguous: frozenset[str] = frozenset()
    for row in _rows("places.tsv"):
        province, cities = row[0].strip(), row[1].split()
        if province == "-":
            ambiguous = frozenset(cities)
            continue
        city_province.setdefault(province, province)
        for c in cities:
            city_province.setdefault(c, province)
    return city_province, ambiguous


# ---------------------------------------------------------------------------------------------
# the simplified shadow of a page


_OPENCC_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    with _OPENCC_LOCK:
        return opencc.OpenCC(config)


def _t2s(text: str) -> str:
    return _converter("t2s").convert(text)


def _s2t(text: str) -> str:
    return _converter("s2t").convert(text)


@lru_cache(maxsize=4096)
def _s2t_word(word: str) -> str:
    """:func:`_s2t` of a repair's replacement: a few words, asked for again and again."""
    return _s2t(word)


class _TextCache:
    """A small LRU cache keyed by page text, which the step can also fill (see :func:`_after_edit`)."""

    def __init__(self, size: int):
        self._size = size
        self._data: "OrderedDict[str, object]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: str, value):
        """Store ``value`` for ``key`` and return it."""
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)
        return value

    def cache_clear(self) -> None:
        with self._lock:
            self._data.clear()


# the step's passes and findings ask for the shadow and the scan of one text many times
_SHADOWS = _TextCache(16)  # text -> (shadow, aligned: see _line_aligned)
_SCANS = _TextCache(16)  # shadow -> _scan()
_CANDS = _TextCache(16)  # shadow -> _spun_candidates()
_MARKERS = _TextCache(4)  # text -> marker_spans() (pages holding a #)
_SITES = _TextCache(4)  # shadow -> site_name_candidates() (shadows holding 网 or 在线)
_HASHES = _TextCache(4)  # shadow -> _start_hashes()


def _line_aligned(text: str, converted: str) -> bool:
    """Does each line of ``text`` convert to a line of the same length (one character for one)?

    OpenCC cuts text into dictionary phrases, and no phrase holds a line break, so a page
    converts line by line: ``t2s(a + "\n" + b) == t2s(a) + "\n" + t2s(b)``. Where every line
    keeps its length, the conversion of a page with some lines changed is the old conversion with
    those lines converted again (:func:`_after_edit`).
    """
    return [len(x) for x in converted.split("\n")] == [len(x) for x in text.split("\n")]


def shadow(text: str) -> str:
    """``text`` in simplified script with exactly one character for each of ``text``'s.

    >>> shadow("心理健康服務&&")
    '心理健康服务&&'
    """
    hit = _SHADOWS.get(text)
    if hit is not None:
        return hit[0]
    out = _t2s(text)
    aligned = _line_aligned(text, out)
    if len(out) != len(text):
        # a phrase conversion changed the length somewhere: convert character by character
        out = "".join(c if len(c) == 1 else ch for ch, c in ((ch, _t2s(ch)) for ch in text))
    _SHADOWS.put(text, (out, aligned))
    return out


def _after_edit(old: str, new: str, spans: list[Span]) -> None:
    """Fill the shadow cache for ``new``, which is ``old`` with ``spans`` applied, from that of ``old``.

    The shadow of the new page is the old one with the edited lines converted again, where the old
    page's lines and those converted lines each keep their length (:func:`_line_aligned`);
    otherwise the new page is left to be converted whole when asked for. The scan is made again
    from scratch when asked for: with the start filter (:class:`_StartFilter`) a page costs
    less to scan than the old scan's occurrences cost to move and to look for again around the
    edits.
    """
    hit = _SHADOWS.get(old)
    # without the old shadow there is nothing to reuse
    if hit is None or not hit[1]:
        return
    sh_old = hit[0]
    spans = sorted(spans, key=lambda sp: (sp[0], sp[1]))
    try:
        if apply_spans(old, spans) != new:
            return
    except ValueError:
        return
    # the edited lines, as blocks of whole lines: (old start, old end, new start, new end)
    blocks: list[list[int]] = []
    delta = 0
    for s0, e0, repl, _rule in spans:
        ls = old.rfind("\n", 0, s0) + 1
        le = old.find("\n", e0)
        le = len(old) if le < 0 else le
        if blocks and ls <= blocks[-1][1]:
            blocks[-1][1] = max(blocks[-1][1], le)
        else:
            blocks.append([ls, le, delta])  # delta: the shift before the block
        delta += len(repl) - (e0 - s0)
    for k, b in enumerate(blocks):
        shift_after = blocks[k + 1][2] if k + 1 < len(blocks) else delta
        b[2] = b[0] + b[2]  # new start
        b.append(b[1] + shift_after)  # new end
    sh_new = _spliced_shadow(new, sh_old, blocks)
    if sh_new is not None:
        _SHADOWS.put(new, (sh_new, True))


def _spliced_shadow(new: str, sh_old: str, blocks: list[list[int]]) -> Optional[str]:
    """The shadow of ``new`` from the old one and the edited ``blocks`` (see :func:`_after_edit`).

    Only for an old shadow whose lines kept their length: then it is the old page converted line
    by line, and the new page's conversion is the same outside the edited lines. None if an edited
    line changes length when converted (the page is then converted whole, as :func:`shadow` does).
    """
    # one conversion for all the edited lines: they convert line by line, joined or not (a
    # call per block costs more, in OpenCC's fixed cost per call)
    mids = "\n".join(new[b[2] : b[3]] for b in blocks)
    conv = _t2s(mids)
    if not _line_aligned(mids, conv):
        return None
    parts: list[str] = []
    last = pos = 0
    for ls, le, nls, nle in blocks:
        parts.append(sh_old[last:ls])
        parts.append(conv[pos : pos + nle - nls])
        pos += nle - nls + 1
        last = le
    parts.append(sh_old[last:])
    return "".join(parts)


def _replace(ctx: StepContext, text: str, spans: list[Span]) -> str:
    """``ctx.replace``, and the caches of the new text filled from those of ``text``."""
    new = ctx.replace(text, spans)
    if new != text:
        _after_edit(text, new, spans)
    return new


@lru_cache(maxsize=8192)
def _has_traditional_form(ch: str) -> bool:
    return _s2t(ch) != ch


@lru_cache(maxsize=1)
def _convertible() -> "re.Pattern[str]":
    """A character class of the CJK unified ideographs (U+4E00–U+9FFF) with a traditional form.

    Each character converted on its own, as :func:`_has_traditional_form` does, but in one
    OpenCC call: one character a line, and a text converts line by line (see
    :func:`_line_aligned`).
    """
    chars = [chr(c) for c in range(0x4E00, 0xA000)]
    conv = _s2t("\n".join(chars)).split("\n")
    if len(conv) != len(chars):  # a line break appeared or vanished: ask character by character
        conv = [_s2t(ch) for ch in chars]
    found = "".join(ch for ch, t in zip(chars, conv) if t != ch)
    return re.compile(f"[{found}]" if found else "(?!)")


def _is_traditional(text: str, sh: str) -> bool:
    return text != sh  # the shadow is the page in simplified script, character for character


class _Page:
    """The shadow of a page and answers about its script, computed once per pass."""

    def __init__(self, text: str):
        self.text = text
        self.sh = shadow(text)
        self.traditional = _is_traditional(text, self.sh)
        self._lines: dict[int, bool] = {}

    def line_bounds(self, pos: int) -> tuple[int, int]:
        s = self.text.rfind("\n", 0, pos) + 1
        e = self.text.find("\n", pos)
        return s, (len(self.text) if e < 0 else e)

    def traditional_at(self, start: int, end: int) -> bool:
        """Is the text around ``start:end`` traditional? The span, then its line, then the page."""
        if _is_traditional(self.text[start:end], self.sh[start:end]):
            return True
        ls, le = self.line_bounds(start)
        if ls not in self._lines:
            self._lines[ls] = self._line_traditional(ls, le)
        return self._lines[ls]

    def _line_traditional(self, ls: int, le: int) -> bool:
        line, line_sh = self.text[ls:le], self.sh[ls:le]
        if _is_traditional(line, line_sh):
            return True
        # a line with nothing that converts says nothing: fall back to the page
        convertible = _convertible().search(line_sh) is not None
        return False if convertible else self.traditional

    def in_script(self, simplified: str, start: int, end: int) -> str:
        """``simplified`` written in the script of the page at ``start:end``."""
        return _s2t_word(simplified) if self.traditional_at(start, end) else simplified


# ---------------------------------------------------------------------------------------------
# placeholders


_HAN_RE = f"[{HAN}]"
_URL = regex.compile(r"(?:https?://|www\.)[^\s，。；！？、\u3000]+", regex.I)
_DOUBLE_AMP = regex.compile(f"(?<={_HAN_RE})&&(?![&A-Za-z0-9#;])")
_SINGLE_AMP = regex.compile(f"(?<={_HAN_RE})(?<!&)&(?![&A-Za-z0-9#;])")
# words ending in 台 whose 台 a converter can lose (台/臺/颱 is one-to-many)
_TAI_WORDS = tuple(
    sorted(
        "舞台 讲台 柜台 后台 前台 阳台 电台 擂台 看台 站台 月台 灶台 窗台 戏台 展台 平台 出台 登台 "
        "主席台 电视台 烽火台 观景台 瞭望台 领奖台 天文台 气象台 指挥台 操作台 工作台 服务台 收银台 控制台".split(),
        key=len,
        reverse=True,
    )
)


def _url_spans(text: str) -> list[tuple[int, int]]:
    # every URL the pattern finds holds "://" or a "www." (w and W are the only characters that
    # match w when case is ignored): a page with neither is not scanned, case-insensitively, for them
    if "://" not in text and "www." not in text.lower():
        return []
    return [(m.start(), m.end()) for m in _URL.finditer(text)]


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(s <= pos < e for s, e in spans)


def _page_tai(page: _Page) -> Optional[str]:
    """台 or 臺 if the page itself writes one of them in traditional text, else None."""
    if not page.traditional:
        return None
    n_trad, n_simp = page.text.count("臺"), page.text.count("台")
    if n_trad > n_simp:
        return "臺"
    if n_simp > n_trad:
        return "台"
    return None


def placeholder_spans(text: str, page: Optional[_Page] = None) -> list[Span]:
    """Spans restoring 平台 for ``&&`` and 台 for ``&`` after a 台-word stem, in the page's script.

    >>> placeholder_spans("升級智慧教育&&，利用多樣舞&提升")
    [(6, 8, '平臺', 'placeholder-platform'), (14, 15, '臺', 'placeholder-tai')]
    >>> placeholder_spans("R&D 与 AT&T 的 &amp; 和 https://a.cn/?x=教育&&y=1")
    []
    """
    if "&" not in text:
        return []
    page = page or _Page(text)
    urls = _url_spans(text)
    tai = _page_tai(page)
    spans: list[Span] = []
    for m in _DOUBLE_AMP.finditer(text):
        if _inside(urls, m.start()):
            continue
        s, e = m.start(), m.end()
        if page.traditional_at(s, e):
            spans.append((s, e, "平" + (tai or "臺"), "placeholder-platform"))
        else:
            spans.append((s, e, "平台", "placeholder-platform"))
    for m in _SINGLE_AMP.finditer(text):
        s = m.start()
        if _inside(urls, s):
            continue
        before = page.sh[max(0, s - 4) : s]
        word = next((w for w in _TAI_WORDS if before.endswith(w[:-1])), None)
        if word is None:
            continue
        if page.traditional_at(s, s + 1):
            ch = tai or _s2t(word)[-1]
        else:
            ch = "台"
        spans.append((s, s + 1, ch, "placeholder-tai"))
    return sorted(spans)


def restore_placeholders(text: str) -> str:
    """Restore 平台/台 where a converter left ``&&``/``&``.

    >>> restore_placeholders("建成全区首个中小学心理健康服務&&。利用多樣舞&提升")
    '建成全区首个中小学心理健康服務平臺。利用多樣舞臺提升'
    >>> restore_placeholders("升级智慧教育&&，R&D 中心")
    '升级智慧教育平台，R&D 中心'
    """
    return apply_spans(text, placeholder_spans(text))


# ---------------------------------------------------------------------------------------------
# inserted spam and paragraph markers


_SITE_NAME = regex.compile(
    f"(?<=[{HAN}”」》）)])(?:19|20)[0-9]{{2}}[{HAN}]{{2,16}}?(?:资源网|教育网|网站|网|在线)"
    r"(?=[，,。；;！!？?、\s]|$)"
)
# what every site name holds, without the context checks: a year, Han characters and 网 or 在线.
# The plain re engine finds it (or its absence) with a prefix scan for the year's digits; the
# pattern above starts with a lookbehind and is tried at every position of the page
_SITE_NAME_CORE = re.compile(f"(?:19|20)[0-9]{{2}}[{HAN}]{{2,16}}?(?:网|在线)")
_MARKER_END = regex.compile(r"(?m)(?<=[^\sA-Za-z0-9#])[ \t\u3000]*#[ \t\u3000]*$")
_MARKER_LINE = regex.compile(r"(?m)^[ \t\u3000]*#[ \t\u3000]*(?:\n|$)")


def site_name_candidates(text: str, sh: Optional[str] = None) -> list[tuple[int, int, str]]:
    """``(start, end, name)`` of site names glued into sentences (year + name + 网).

    A name that the word before it governs (``登录2023全国教育网``, ``通过…网``, ``是…网``: see
    :func:`_governed`) is part of the sentence, not glued into it, and is no candidate.

    >>> [n for _s, _e, n in site_name_candidates("为首席学院2023某某资源网,确立。考生可登录2023全国教育网,查询。")]
    ['2023某某资源网']
    """
    sh = shadow(text) if sh is None else sh
    if "网" not in sh and "在线" not in sh:  # every name ends in one of them: skip the scan
        return []
    # the step asks up to three times about one shadow (the removal, the spam evidence, the
    # removal in a spun page), the same shadow when nothing was removed in between
    hit = _SITES.get(sh)
    if hit is None:
        if not _SITE_NAME_CORE.search(sh):  # nor is there a year before them
            hit = ()
        else:
            hit = tuple((m.start(), m.end(), m.group()) for m in _SITE_NAME.finditer(sh) if not _governed(sh, m.start()))
        _SITES.put(sh, hit)
    return list(hit)


@lru_cache(maxsize=1)
def site_name_governors() -> frozenset[str]:
    """Words whose object (or conjunct) a site name after them is: ``site_name_governors.txt``."""
    return frozenset(row[0].strip() for row in _rows("site_name_governors.txt"))


# the Han characters before a site name, as many as the segmenter needs to see the last word
# whole (the longest governor has 3 characters; a few more let jieba cut the words before it)
_BEFORE_NAME = regex.compile(f"[{HAN}]{{1,12}}$")


def _governed(sh: str, start: int) -> bool:
    """Is the site name at ``sh[start:]`` the object or conjunct of the word right before it?

    A spinner glues its spam onto a clause's end, so the word before the spam ends the original
    clause: a noun, a verb that has its object, an adjective (``为首席学院|2023…网``). A verb of
    visiting a site, a preposition, a copula or a conjunction never ends a clause, so a name after
    one fills its object slot and was written there (``考生可登录|2023全国教育网，查询成绩``). The
    word is jieba's last word of the Han run before the name (``行为``, ``上网`` are not ``为``,
    ``上``); a name after a closing quote or bracket has no such word.

    >>> _governed("考生可登录2023全国教育网,查询成绩。", 5), _governed("以优质中学为首席学院2023某某资源网,确立。", 10)
    (True, False)
    >>> _governed("规范办学行为2023某某资源网,确立。", 6)
    False
    """
    m = _BEFORE_NAME.search(sh, max(0, start - 12), start)  # look at the last 12 characters only
    if m is None:
        return False
    block = m.group()
    last = max(b for b in _block_bounds(block) if b < len(block))
    return block[last:] in site_name_governors()


def site_name_spans(text: str, *, spun: bool = False, sh: Optional[str] = None) -> list[Span]:
    """Spans removing inserted site names: those that occur twice or more, or any in a spun page.

    >>> t = "以优质中学为首席学校2023农村中小学远程教育资源网,确立协作区。起点就是高位2023农村中小学远程教育资源网,办成好学校。"
    >>> [(s, e) for s, e, _r, _n in site_name_spans(t)]
    [(10, 26), (39, 55)]
    >>> site_name_spans("登录2023全国教育网,查询成绩。")
    []
    >>> site_name_spans("考生可登录2023全国教育网,查询成绩。家长也可访问2023全国教育网,了解政策。", spun=True)
    []
    """
    cands = site_name_candidates(text, sh)
    counts: dict[str, int] = {}
    for _s, _e, name in cands:
        counts[name] = counts.get(name, 0) + 1
    return [(s, e, "", "inserted-site-name") for s, e, name in cands if spun or counts[name] >= 2]


def marker_spans(text: str) -> list[Span]:
    """Spans removing ``#`` at paragraph ends and ``#`` lines, when the page has two or more.

    A single ``#`` may be the page's own; ``C#`` and ``#话题#`` pairs are never touched. Spinner
    templates put the marks in Chinese prose, so a ``#`` ending a line counts only on a line with
    Han characters, and a ``#`` line only between lines of Chinese text: next to a ``# comment``
    line or a line without Han (a shell script, a config file) it is an empty comment line.

    >>> marker_spans("一、思路目标\\n#\\n全面落实立德树人根本任务。 #\\n")
    [(7, 9, '', 'paragraph-marker'), (22, 24, '', 'paragraph-marker')]
    >>> marker_spans("学习 C#\\n推荐 F#\\n")
    []
    >>> marker_spans("安装步骤：\\n#!/bin/sh\\n# 安装依赖\\n#\\npip install x\\n#\\n")
    []
    """
    if "#" not in text:
        return []
    # the step asks twice about a page that holds a # (its run, then the spam evidence), the
    # same text when the first call removed nothing and no site name went in between
    hit = _MARKERS.get(text)
    if hit is None:
        hit = _MARKERS.put(text, _marker_spans(text))
    return list(hit)


def _marker_spans(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    for m in _MARKER_LINE.finditer(text):
        if _among_chinese_lines(text, m.start(), m.end()):
            spans.append((m.start(), m.end(), "", "paragraph-marker"))
    taken = {(s, e) for s, e, _r, _n in spans}
    for m in _MARKER_END.finditer(text):
        ls = text.rfind("\n", 0, m.start()) + 1
        if text.count("#", ls, m.start()):
            continue  # a hashtag pair (#话题#) or several marks: not a lone end marker
        if not _HAN_CHAR.search(text, ls, m.start()):
            continue  # a code or config line (int a; //#), not Chinese prose
        if any(s <= m.start() < e for s, e in taken):
            continue
        spans.append((m.start(), m.end(), "", "paragraph-marker"))
    if len(spans) < 2:
        return ()
    return tuple(sorted(spans))


_HAN_CHAR = regex.compile(f"[{HAN}]")
_BLANK = frozenset("\n \t\u3000")  # what lies between a mark and its neighbouring lines
_COMMENT_LINE = regex.compile(r"[ \t\u3000]*#[^\s#]|[ \t\u3000]*#[ \t\u3000]+\S")


def _among_chinese_lines(text: str, start: int, end: int) -> bool:
    """Are the nearest non-empty lines before and after ``text[start:end]`` Chinese text?

    Both must hold Han characters and neither may be a ``# comment`` line; a missing neighbour
    (start or end of the page) does not count against, but one of them must exist.
    """
    seen = 0
    # the nearest non-empty lines, found by walking over the blank run next to the mark (not by
    # stripping copies of the text before and after it: a page with many marks copied itself
    # twice per mark)
    j = start
    while j and text[j - 1] in _BLANK:
        j -= 1
    if j:
        line = text[text.rfind("\n", 0, j) + 1 : j]
        if line.strip() != "#":
            if _COMMENT_LINE.match(line) or not _HAN_CHAR.search(line):
                return False
            seen += 1
    k, n = end, len(text)
    while k < n and text[k] in _BLANK:
        k += 1
    if k < n:
        nl = text.find("\n", k)
        line = text[k:] if nl < 0 else text[k:nl]
        if line.strip() != "#":
            if _COMMENT_LINE.match(line) or not _HAN_CHAR.search(line):
                return False
            seen += 1
    return seen > 0


def remove_inserted_spam(text: str) -> str:
    """Remove repeated inserted site names and ``#`` paragraph markers.

    >>> remove_inserted_spam("甲为首席学校2023某某资源网,确立。 #\\n#\\n乙高位2023某某资源网,办成。 #")
    '甲为首席学校,确立。\\n乙高位,办成。'
    """
    text = apply_spans(text, marker_spans(text))
    return apply_spans(text, site_name_spans(text))


# ---------------------------------------------------------------------------------------------
# spun text: candidates, score, repairs


class _Candidate(NamedTuple):  # a tuple: pages hold thousands, made again after each repair
    start: int
    end: int
    canonical: str  # simplified
    tier: str
    rule: str


# _Candidate(*fields) without the Python frame of the named tuple's __new__ (thousands a page)
_new_candidate = partial(tuple.__new__, _Candidate)


@lru_cache(maxsize=1)
def _compiled_rules() -> tuple[tuple[VariantRule, "regex.Pattern[str]"], ...]:
    return tuple(
        (r, regex.compile(f"{r.left}{regex.escape(r.variant)}{r.right}")) for r in variant_rules()
    )


_PhraseIndex = PhraseMatcher


@lru_cache(maxsize=1)
def _derived_index() -> _PhraseIndex:
    return _PhraseIndex(derived_variants())


def spun_candidates(sh: str) -> list[_Candidate]:
    """Every tier a/b/c candidate in the simplified shadow ``sh`` (overlaps not yet resolved)."""
    return list(_spun_candidates(sh))


@lru_cache(maxsize=1)
def _scan_index() -> tuple[_PhraseIndex, frozenset[str], frozenset[str], frozenset[str]]:
    """One phrase index for all that the step looks up in a page, and its three key sets.

    The keys: the variants of ``variants.tsv`` and the derived spun forms (candidates), the
    canonical phrases that have spun forms (evidence against spinning) and the swappable words
    (:func:`swap_evidence`). A page is scanned once for all of them, not three times.
    """
    cand = frozenset({r.variant for r in variant_rules()} | set(derived_variants()))
    evid = frozenset(derived_variants().values())
    pairs = frozenset(_pair_index()[1])
    return _PhraseIndex(cand | evid | pairs), cand, evid, pairs


# hashes of a character pair and triple (code points as uint32; multiplications wrap): a table
# indexed by them marks where a key can start (see _StartFilter)
_HASH_BITS = 16
_M1, _M2, _M3 = np.uint32(0x9E3779B1), np.uint32(0x85EBCA77), np.uint32(0xC2B2AE3D)
_SHIFT = np.uint32(32 - _HASH_BITS)


def _hash2(a, b):
    return ((a * _M1) ^ (b * _M2)) >> _SHIFT


def _hash3(a, b, c):
    return ((a * _M1) ^ (b * _M2) ^ (c * _M3)) >> _SHIFT


def _codes(text: str) -> "np.ndarray":
    # lone surrogates (text decoded with surrogateescape) are code points like any other here
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class _StartFilter:
    """Where in a text one of a set of keys (each of two characters or more) may start.

    Tables of the hashes of the keys' first two characters (keys of two) and first three (longer
    keys): a position where a key starts has its pair or triple marked, so the marked positions
    of a text are a superset of the starts (a hash collision only adds a position, which the
    caller's pattern then rejects).

    Python's ``re`` tries a trie-shaped pattern at every position whose character starts a key:
    for the scan keys a third of the positions of an education page (学, 教, 育…), each try
    costing far more than a lookup. Two or three characters rule out almost all of them, in a few
    array operations per page.
    """

    def __init__(self, words: Iterable[str]):
        self.two = np.zeros(1 << _HASH_BITS, dtype=bool)
        self.three = np.zeros(1 << _HASH_BITS, dtype=bool)
        for w in words:
            if len(w) < 2:
                raise ValueError(f"_StartFilter: key {w!r} is shorter than two characters")
            c = _codes(w[:3])
            if len(w) == 2:
                self.two[_hash2(c[:1], c[1:2])] = True
            else:
                self.three[_hash3(c[:1], c[1:2], c[2:3])] = True

    def starts(self, text: str) -> list[int]:
        if len(text) < 2:
            return []
        h2, h3 = _start_hashes(text)
        hit = self.two.take(h2)
        hit[:-1] |= self.three.take(h3)
        return np.flatnonzero(hit).tolist()


def _start_hashes(text: str) -> tuple["np.ndarray", "np.ndarray"]:
    """:func:`_hash2` and :func:`_hash3` at every position of ``text`` (of two characters or more).

    Kept for the last few texts: the filters of the scan keys and of the place names ask about
    the same page (its final shadow, when no repair came between). As table indices (intp), so
    that each filter's lookups take them as they are.
    """
    hit = _HASHES.get(text)
    if hit is None:
        c = _codes(text)
        # sharing the products and the pair's xor
        pair = (c[:-1] * _M1) ^ (c[1:] * _M2)
        h2 = (pair >> _SHIFT).astype(np.intp)
        pair[:-1] ^= c[2:] * _M3
        hit = _HASHES.put(text, (h2, (pair[:-1] >> _SHIFT).astype(np.intp)))
    return hit


def _leftmost_longest_matches(pattern: "re.Pattern[str]", text: str, starts: list[int]):
    """``pattern.finditer(text)`` for a pattern that matches only at ``starts`` and never empty."""
    end = 0
    match = pattern.match
    for i in starts:
        if i >= end and (m := match(text, i)) is not None:
            yield m
            end = m.end()


class _Scanner:
    """Every occurrence of a set of keys in a text, nested and overlapping ones included."""

    def __init__(self, words: Iterable[str]):
        self.index = PhraseMatcher(words)
        words = self.index.words
        # for each key, the shorter keys it starts with, longest first (保教品质: 保教)
        self.prefixes = {k: tuple(k[:n] for n in range(len(k) - 1, 0, -1) if k[:n] in words) for k in words}
        self.filter = _StartFilter(words) if all(len(w) >= 2 for w in words) else None

    def occurrences(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, key)`` of every occurrence, by start, longest first.

        At each start the trie pattern gives the longest key; the shorter keys there are the
        prefixes of that key that are keys themselves, known per key beforehand. The pattern is
        tried only where the start filter allows (without one, a search from each start found,
        whose scan for a first character runs in the regex engine).
        """
        prefixes = self.prefixes
        occ: list[tuple[int, int, str]] = []
        append = occ.append
        if self.filter is not None:
            match = self.index._longest.match
            for i in self.filter.starts(text):
                m = match(text, i)
                if m is None:
                    continue
                key = m.group()
                append((i, m.end(), key))
                for p in prefixes[key]:
                    append((i, i + len(p), p))
            return occ
        search = self.index._longest.search
        i = 0
        while (m := search(text, i)) is not None:
            i, end = m.span()
            key = m.group()
            append((i, end, key))
            for p in prefixes[key]:
                append((i, i + len(p), p))
            i += 1
        return occ


@lru_cache(maxsize=1)
def _scanner() -> _Scanner:
    """The scanner of all the keys of :func:`_scan_index`."""
    return _Scanner(_scan_index()[0].words)


@lru_cache(maxsize=1)
def _cand_scanner() -> _Scanner:
    """The scanner of the candidate keys alone, for pages asked only for candidates (after a repair).

    Its occurrences are those of the full scan whose key is a candidate key, in the same order:
    every occurrence of every key is found, at each start longest first.
    """
    return _Scanner(_scan_index()[1])


def _occurrences(sh: str) -> list[tuple[int, int, str]]:
    """Every occurrence of a scan key in ``sh``: ``(start, end, key)``, by start, longest first."""
    return _scanner().occurrences(sh)


def _scan(sh: str) -> tuple[tuple[_Candidate, ...], tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """Candidates, canonical phrases with spun forms and swappable words in ``sh``.

    The last two are leftmost-longest and non-overlapping within their own key set, as
    :meth:`PhraseMatcher.find` would give them; candidates are every occurrence.
    """
    # the step asks several times about the same text (score, repairs, flags)
    hit = _SCANS.get(sh)
    if hit is not None:
        return hit
    _index, cand_keys, evid_keys, pair_keys = _scan_index()
    occ = _occurrences(sh)
    result = (
        _candidates(sh, [o for o in occ if o[2] in cand_keys]),
        _leftmost_longest([o for o in occ if o[2] in evid_keys]),
        _leftmost_longest([o for o in occ if o[2] in pair_keys]),
    )
    _SCANS.put(sh, result)
    _CANDS.put(sh, result[0])
    return result


def _leftmost_longest(occ: list[tuple[int, int, str]]) -> tuple[tuple[int, int], ...]:
    """The non-overlapping leftmost-longest occurrences among ``occ`` (by start, longest first)."""
    # the longest key at a start comes first: taking it and skipping what starts before its end
    # is the leftmost-longest scan of those keys alone
    out: list[tuple[int, int]] = []
    end = 0
    for s, e, _v in occ:
        if s >= end:
            out.append((s, e))
            end = e
    return tuple(out)


def _spun_candidates(sh: str) -> tuple[_Candidate, ...]:
    # a page is asked for its candidates alone after each repair: the candidate keys alone are
    # found in less time than all keys
    hit = _CANDS.get(sh)
    if hit is None:
        hit = _candidates(sh, _cand_scanner().occurrences(sh))
        _CANDS.put(sh, hit)
    return hit


@lru_cache(maxsize=1)
def _rules_by_variant() -> dict[str, tuple[int, ...]]:
    """``variant → indices in _compiled_rules()`` of its rules."""
    out: dict[str, list[int]] = {}
    for k, (rule, _pat) in enumerate(_compiled_rules()):
        out.setdefault(rule.variant, []).append(k)
    return {v: tuple(ks) for v, ks in out.items()}


def _candidates(sh: str, occ: list[tuple[int, int, str]]) -> tuple[_Candidate, ...]:
    """Candidates from the occurrences of variants and derived forms in ``sh``."""
    derived = derived_variants()
    # all occurrences, nested ones too: when the longest fails a check (全面提高 is one word, so
    # 提高保教品质 does not start at a word boundary), a shorter one (保教品质) may still apply
    new = _new_candidate
    derived_cands = [new((s, e, derived[v], "b", "spun-policy-phrase")) for s, e, v in occ if v in derived]
    by_variant = _rules_by_variant()
    rule_starts: dict[str, list[int]] = {}
    for s, _e, v in occ:
        if v in by_variant:
            rule_starts.setdefault(v, []).append(s)
    if not rule_starts:
        return tuple(derived_cands)
    rules = _compiled_rules()
    cands = []
    # rules in file order, as one pass per rule over the page would give them
    for k in sorted(k for v in rule_starts for k in by_variant[v]):
        rule, pat = rules[k]
        # the matches finditer would give: left to right, none overlapping the previous match
        # (lookbehinds see the text before the start, as in a scan); a rule without context
        # matches wherever its variant occurs, and its pattern is its variant alone
        bare = not rule.left and not rule.right
        n = len(rule.variant)
        end = 0
        for s in rule_starts[rule.variant]:
            if s >= end and (bare or pat.match(sh, s)):
                cands.append(new((s, s + n, rule.canonical, rule.tier, rule.rule)))
                end = s + n
    return tuple(cands + derived_cands)


@lru_cache(maxsize=1)
def _word_pairs() -> tuple[tuple[str, str, float], ...]:
    """``(canonical word, spun form, clean share)`` for the word-swap evidence.

    The clean share is how often the spun form stands where either could, in general Chinese:
    ``freq(form) / (freq(word) + freq(form))`` from jieba's dictionary, kept in [0.02, 0.35].
    Pairs where the spun form is common anyway (举行/开展, 气氛/氛围, 素质/素养, and those marked
    ``-`` in ``synonyms.tsv`` because education writing uses the form itself: 师生, 大会) say nothing
    and are left out, as are swaps in both directions.
    """
    from ..segment import tokenizer

    freq = tokenizer().FREQ
    swaps = synonym_swaps()
    both = {w for w, forms in swaps.items() for f in forms if f in swaps}
    out = []
    quiet = _no_word_evidence()
    for word, forms in swaps.items():
        if word in quiet:
            continue
        for form in forms:
            if word in both or form in both or len(word) < 2 or len(form) < 2:
                continue
            fw, ff = freq.get(word, 0), freq.get(form, 0)
            if fw == 0:
                continue
            share = ff / (fw + ff)
            if share > 0.35:
                continue
            out.append((word, form, max(0.02, share)))
    return tuple(out)


@lru_cache(maxsize=1)
def _pair_index() -> tuple[_PhraseIndex, dict[str, list[tuple[int, bool]]]]:
    words: dict[str, list[tuple[int, bool]]] = {}
    for k, (word, form, _share) in enumerate(_word_pairs()):
        words.setdefault(word, []).append((k, False))
        words.setdefault(form, []).append((k, True))
    return _PhraseIndex(words), words


def _is_word_here(sh: str, s: int, e: int, freq: dict[str, int]) -> bool:
    """Is ``sh[s:e]`` a word here, not the halves of neighbouring words (品质 in 产品质量)?"""
    own = freq.get(sh[s:e], 0)
    for a, b in ((s - 1, s + 1), (s - 2, s + 1), (e - 1, e + 1), (e - 1, e + 2)):
        if a >= 0 and b <= len(sh) and freq.get(sh[a:b], 0) > own:
            return False
    return True


def swap_evidence(sh: str, skip: Iterable[tuple[int, int]] = ()) -> float:
    """Log-likelihood ratio, spun vs clean, from how the page writes swappable words.

    Words inside a ``skip`` span are not counted: :func:`spun_evidence` passes the places that
    already count as tier-a/b variants (办妥 in 办妥人民满意的教育), so one spun word is not
    evidence twice.

    Each pair (质量/品质, 至少/起码, 建立/确立, …) contributes the log-ratio of its counts under a
    spun model and a clean one, at most +2 so that no single word decides against the prior
    (:attr:`SpunEvidence.PRIOR`): a spun page is one where several different pairs lean the same
    way. The spun model is a mixture: a spinner swaps a pair only if its own table has it,
    and nothing in the page says which pairs that is, so with probability :data:`SPINNER_KNOWS`
    the pair is swapped (the spun form in half the places where the clean share leaves room) and
    otherwise it is written as in clean text. A page that keeps 部署 three times is therefore
    weak evidence against spinning (the spinner may not know 布署), not the strong evidence a
    spinner that knew every pair would make it.

    >>> swap_evidence("提高教育质量，至少建立一个机制") < 0 < swap_evidence("提高教育品质，起码确立一个机制")
    True
    >>> swap_evidence("部署，部署，部署，部署") > -0.7  # never below log(1 - SPINNER_KNOWS) per pair
    True
    """
    from ..segment import tokenizer

    freq = tokenizer().FREQ
    words = _pair_index()[1]
    left_freq, right_freq = _side_freqs(freq)
    counts: dict[int, list[int]] = {}
    skip = _merged(skip)
    n, get = len(sh), freq.get
    k_skip, n_skip = 0, len(skip)
    # the words come by start, without overlaps, and the skip spans are sorted and disjoint: one
    # walk through both does what :func:`_overlaps` does for each word
    for s, e in _scan(sh)[2]:
        if n_skip:
            while k_skip < n_skip and skip[k_skip][1] <= s:
                k_skip += 1
            if k_skip < n_skip and skip[k_skip][0] < e:
                continue
        # :func:`_is_word_here`, written out (it runs for every swappable word of every page):
        # the larger frequency of the two words that would take the first character with the one
        # or two before it, and of the two that would take the last with the one or two after,
        # each looked up once per three characters (:func:`_side_freqs`)
        word = sh[s:e]
        own = get(word, 0)
        if s >= 2:
            key = sh[s - 2 : s + 1]
            left = left_freq.get(key)
            if left is None:
                left = _side_freq(left_freq, key, key[1:], get)
        else:
            left = get(sh[s - 1 : s + 1], 0) if s else 0
        if left > own:
            continue
        if e + 2 <= n:
            key = sh[e - 1 : e + 2]
            right = right_freq.get(key)
            if right is None:
                right = _side_freq(right_freq, key, key[:2], get)
        else:
            right = get(sh[e - 1 : e + 1], 0) if e < n else 0
        if right > own:
            continue
        for k, is_form in words[word]:
            counts.setdefault(k, [0, 0])[is_form] += 1
    pairs = _word_pairs()
    total = 0.0
    for k, (n_word, n_form) in counts.items():
        p_clean = pairs[k][2]
        p_spun = p_clean + 0.5 * (1 - p_clean)
        swapped = n_form * math.log(p_spun / p_clean) + n_word * math.log((1 - p_spun) / (1 - p_clean))
        # log(q * exp(swapped) + (1 - q)), computed without overflow for large counts
        hi = max(swapped, 0.0)
        llr = hi + math.log(SPINNER_KNOWS * math.exp(swapped - hi) + (1 - SPINNER_KNOWS) * math.exp(-hi))
        total += min(2.0, llr)  # and never below log(1 - SPINNER_KNOWS), by the mixture
    return total


_SIDE_FREQS: dict[int, tuple[dict[str, int], dict[str, int], dict[str, int]]] = {}


def _side_freqs(freq: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """The memos of :func:`swap_evidence`'s context checks for the frequency table ``freq``.

    ``left[abc]``: ``max(freq[bc], freq[abc])`` (words that would take ``c``, a swappable word's
    first character, with what stands before it); ``right[abc]``: ``max(freq[ab], freq[abc])``
    (``a`` its last character). Pure functions of three characters and the table, which the
    process builds once; kept per table, each emptied when it grows past 2**16 entries.
    """
    hit = _SIDE_FREQS.get(id(freq))
    if hit is None or hit[2] is not freq:
        hit = _SIDE_FREQS[id(freq)] = ({}, {}, freq)
    return hit[0], hit[1]


def _side_freq(memo: dict[str, int], key: str, two: str, get) -> int:
    if len(memo) >= 1 << 16:
        memo.clear()
    value = memo[key] = max(get(two, 0), get(key, 0))
    return value


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` sorted, with overlapping ones joined (candidates nest: 提高保教品质, 保教品质)."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    """Does ``s:e`` overlap one of ``spans`` (sorted, disjoint: see :func:`_merged`)?"""
    k = bisect_right(spans, (s, float("inf")))
    if k and spans[k - 1][1] > s:
        return True
    # a span that starts inside s:e
    return k < len(spans) and spans[k][0] < e


#: the chance that a spinner's table holds a given swap pair: nothing in a page says which pairs a
#: spinner knows, so a half (no preference either way), not a figure measured on any spinner
SPINNER_KNOWS = 0.5


@dataclass(frozen=True)
class SpunEvidence:
    """What the spun score is made of, for one page."""

    never_legitimate: int  # places with tier-a variants
    plausible: int  # places with tier-b candidates (spun forms of policy phrases, collocations)
    suspect: int  # tier-c candidates (antonyms, swapped terms)
    spam: int  # inserted site names (1 per occurrence) and paragraph markers (1 if any)
    canonical: int  # canonical phrases a spinner would have changed, found intact
    swaps: float  # swap_evidence(): log-likelihood ratio from swappable words

    #: log-odds before any evidence: most pages are not spun, and precision comes first. No
    #: single piece of evidence (a swap pair, at most +2, see :func:`swap_evidence`; a place with a
    #: tier-a or tier-b variant, +2) takes a page to 0.5; two that agree do.
    PRIOR = -2.5

    @property
    def log_odds(self) -> float:
        return (
            self.PRIOR
            + self.swaps
            + 2.0 * self.never_legitimate
            + 2.0 * self.plausible
            + 1.0 * self.suspect
            + 1.0 * self.spam
            - 0.25 * self.canonical
        )

    @property
    def score(self) -> float:
        """The logistic of :attr:`log_odds`, rounded to 4 places: in [0, 1]."""
        x = max(-30.0, min(30.0, self.log_odds))
        return round(1.0 / (1.0 + math.exp(-x)), 4)


def spun_evidence(text: str, sh: Optional[str] = None) -> SpunEvidence:
    """Count the evidence for and against ``text`` being machine-spun.

    >>> spun_evidence("坚持立德树人，办好人民满意的教育，提高教育质量。").score < 0.05
    True
    >>> spun_evidence("推行核心素质提高行动，办妥人民满意的教育，强化医德师风建设，培植花园共育基地园。").score > 0.9
    True
    """
    sh = shadow(text) if sh is None else sh
    # the full scan first: it fills the candidates' cache too, so that spun_candidates does not
    # scan the page a second time for the candidate keys alone (it would before the full scan)
    canonical = len(_scan(sh)[1])
    cands = spun_candidates(sh)
    a = _clusters(c for c in cands if c.tier == "a")
    # a place counts once, at its strongest tier: 医德师风建设 is a tier-b form around the tier-a
    # variant 医德师风, one piece of evidence
    tier_a = _merged((c.start, c.end) for c in cands if c.tier == "a")
    b = _clusters(c for c in cands if c.tier == "b" and not (tier_a and _overlaps(tier_a, c.start, c.end)))
    c = _clusters(c for c in cands if c.tier.startswith("c-"))
    spam = len(site_name_candidates(text, sh)) + (1 if marker_spans(text) else 0)
    counted = [(x.start, x.end) for x in cands if x.tier in ("a", "b")]
    return SpunEvidence(a, b, c, spam, canonical, round(swap_evidence(sh, counted), 4))


def _clusters(cands: Iterable[_Candidate]) -> int:
    """Number of places with candidates: overlapping matches (a rule and a phrase) count once."""
    n, end = 0, -1
    for c in sorted(cands, key=_START):
        if c.start >= end:
            n += 1
        end = max(end, c.end)
    return n


def spun_score(text: str) -> float:
    """``scores["spun"]``: how much ``text`` looks machine-spun, in [0, 1].

    >>> spun_score("乳山市认真贯彻“办好人民满意的教育”部署要求，坚持公平为先、质量为重。") < 0.05
    True
    """
    return spun_evidence(text).score


_PRIORITY = {"a": 0, "b": 1}
_START = itemgetter(0)  # a candidate's start (sort keys in C)


def _select(cands: list[_Candidate], spun: bool, sh: str) -> list[_Candidate]:
    """Non-overlapping repairs: tier a always, tier b in spun pages at word boundaries."""
    usable = [c for c in cands if c.tier == "a" or (spun and c.tier == "b")]
    # tier a first, so that a plausible-phrase match never hides a certain repair
    usable.sort(key=lambda c: (_PRIORITY[c.tier], c.start, -(c.end - c.start)))
    chosen: list[_Candidate] = []
    taken: list[tuple[int, int]] = []  # sorted, non-overlapping (start, end) of chosen repairs
    lines: dict[int, tuple] = {}  # for _word_boundary: a page's candidates share lines and blocks
    for c in usable:
        k = bisect_left(taken, (c.start, c.end))
        if not ((k == 0 or taken[k - 1][1] <= c.start) and (k == len(taken) or c.end <= taken[k][0])):
            continue
        # the checks of a tier-b candidate depend on the candidate alone, not on what was chosen,
        # so they are made only for candidates that would be taken (the segmenter is costly)
        if c.tier != "a" and (
            _inside_canonical(sh, c) or (c.rule == "spun-policy-phrase" and not _at_word_boundaries(sh, c, lines))
        ):
            continue
        taken.insert(k, (c.start, c.end))
        chosen.append(c)
    return sorted(chosen, key=_START)


@lru_cache(maxsize=None)  # keys are candidate texts: variants and derived forms, a bounded set
def _containing_phrases(v: str) -> tuple[tuple[int, str], ...]:
    """``(offset, phrase)`` for each place ``v`` occurs in a canonical phrase longer than ``v``."""
    out = []
    for p in policy_phrases():
        i = p.find(v)
        while i >= 0:
            if p != v:
                out.append((i, p))
            i = p.find(v, i + 1)
    return tuple(out)


def _inside_canonical(sh: str, c: _Candidate) -> bool:
    """Is the match part of a longer canonical phrase here (教学变革 inside 课程教学变革)?"""
    # a page has thousands of canonical matches and a candidate needs a few: look up the phrases
    # that contain the candidate's text, and test each at its one possible place
    for off, p in _containing_phrases(sh[c.start : c.end]):
        a = c.start - off
        if a >= 0 and sh.startswith(p, a):
            return True
    return False


def _at_word_boundaries(sh: str, c: _Candidate, lines: Optional[dict] = None) -> bool:
    """Does the phrase start and end where jieba puts word boundaries in its sentence?

    A derived spun form can occur across words of clean text (教育部委 in 教育部委托); the
    segmenter sees that the match ends inside the word 委托. ``lines`` (a dict kept by the caller
    for one ``sh``) holds the lines' blocks already cut.
    """
    return _word_boundary(sh, c.start, lines) and _word_boundary(sh, c.end, lines)


def _word_boundary(sh: str, p: int, lines: Optional[dict] = None) -> bool:
    """Is offset ``p`` a boundary between jieba's words of the sentence around it?

    jieba cuts a sentence into blocks (runs of Han, Latin letters, digits and ``+#&._%-``, split by
    ``jieba.re_han_default``), segments each block on its own and yields everything between
    blocks one character at a time. So only an offset strictly inside a block depends on the
    segmenter, and only on that block's text: segmenting the block gives the same answer as
    segmenting the sentence, for a fraction of the work.
    """
    # blocks never hold a line break: only the line around p is cut into blocks
    ls = sh.rfind("\n", 0, p) + 1
    hit = None if lines is None else lines.get(ls)
    if hit is None:
        le = sh.find("\n", p)
        le = len(sh) if le < 0 else le
        # the line's blocks by line start: the candidates of a page share their lines, and
        # slicing and hashing a line for _line_blocks' cache costs as much as the rest
        hit = (*_line_blocks(sh[ls:le]), {})
        if lines is not None:
            lines[ls] = hit
    starts, ends, blocks = hit
    q = p - ls
    k = bisect_right(starts, q) - 1
    if k < 0 or q <= starts[k] or q >= ends[k]:
        return True
    bounds = blocks.get(k)
    if bounds is None:
        bounds = blocks[k] = _block_bounds(sh[ls + starts[k] : ls + ends[k]])
    return q - starts[k] in bounds


@lru_cache(maxsize=1024)
def _line_blocks(line: str) -> tuple[list[int], list[int]]:
    import jieba

    spans = [m.span() for m in jieba.re_han_default.finditer(line)]
    return [s for s, _e in spans], [e for _s, e in spans]


@lru_cache(maxsize=4096)
def _block_bounds(block: str) -> frozenset[int]:
    """Offsets of jieba's word boundaries in ``block`` (0 and its length included)."""
    from ..segment import tokenizer

    bounds = {0}
    pos = 0
    for w in tokenizer().cut(block, HMM=True):
        pos += len(w)
        bounds.add(pos)
    return frozenset(bounds)


def _changes(variant: str, canonical: str) -> list[tuple[int, int, str]]:
    """The part of ``variant`` that differs from ``canonical``: common prefix and suffix trimmed."""
    p, q = common_ends(variant, canonical)
    return [(p, len(variant) - q, canonical[p : len(canonical) - q])]


def _repair_spans(page: _Page, chosen: list[_Candidate]) -> list[Span]:
    """One edit per swapped word (品质→质量, not 品→'' and ''→量), written in the page's script."""
    derived = _derived()
    spans: list[Span] = []
    for c in chosen:
        variant = page.sh[c.start : c.end]
        if c.rule == "spun-policy-phrase":
            changes = list(derived[variant][1])
        else:
            changes = _changes(variant, c.canonical)
        for i1, i2, repl in changes:
            s, e = c.start + i1, c.start + i2
            if repl:
                repl = page.in_script(repl, c.start, c.end)
            spans.append((s, e, repl, c.rule))
    return spans


def spun_repair_spans(text: str, *, spun: bool, page: Optional[_Page] = None) -> list[Span]:
    """Spans repairing spun variants: tier a always, tier b only when ``spun``.

    >>> sorted(spun_repair_spans("培植花园共育基地园，起码4个区县", spun=False))
    [(2, 3, '家', 'spun-never-legitimate')]
    >>> sorted(spun_repair_spans("培植花园共育基地园，起码4个区县", spun=True))
    [(2, 3, '家', 'spun-never-legitimate'), (10, 12, '至少', 'spun-collocation')]
    """
    page = page or _Page(text)
    return _repair_spans(page, _select(spun_candidates(page.sh), spun, page.sh))


def repair_spun(text: str, *, spun: Optional[bool] = None) -> str:
    """Repair spun variants (tier b only if the page scores as spun; ``spun`` overrides).

    >>> repair_spun("强化医德师风建设，着力化解少将额问题，形成良好颓势。")
    '强化师德师风建设，着力化解大班额问题，形成良好态势。'
    >>> repair_spun("強化醫德師風建設，著力化解少將額問題")
    '強化師德師風建設，著力化解大班額問題'
    >>> repair_spun("推行核心素质提高行动，办妥人民满意的教育。", spun=True)
    '实施核心素养提高行动，办好人民满意的教育。'
    """
    if spun is None:
        spun = spun_score(text) >= DEFAULT_SPUN_THRESHOLD
    for _ in range(2):  # a repair can complete a variant that overlapped it (青蓝安装工程结亲)
        spans = spun_repair_spans(text, spun=spun)
        if not spans:
            break
        text = apply_spans(text, spans)
    return text


# ---------------------------------------------------------------------------------------------
# tier c: findings that are flagged, never changed


_FLAG = tuple[int, int, str]
_TITLE_BAD = regex.compile(r"[|>＞]|来源|來源|发布时间|發佈時間|时间[:：]|(?:19|20)\d\d-\d\d-\d\d")
_TITLE_SUFFIX = regex.compile(r"\s*[-_|｜]\s*[^-_|｜()（）0-9]{2,10}$")  # -新華網, _教育频道
_PAREN_TAIL = regex.compile(r"\s*[（(][^（()）]*[）)]\s*$")
_NUMERAL = regex.compile(r"[0-9０-９一二两三四五六七八九十百千万亿]")
_HAN_CHAR = regex.compile(_HAN_RE)


def fallback_title(text: str) -> Optional[str]:
    """The first line that looks like a title, for pages whose title no step extracted.

    >>> fallback_title("广告 | 合作单位\\n您的位置: > 考试\\n\\n日照市基础教育质量提升三年行动计划\\n正文。")
    '日照市基础教育质量提升三年行动计划'
    """
    for n, line in enumerate(text.split("\n")):
        if n > 12:
            break
        line = line.strip()
        han = len(_HAN_CHAR.findall(line))
        if han >= 6 and len(line) <= 80 and not _TITLE_BAD.search(line) and line[-1] not in "。；，,;":
            return line
    return None


def _title_core(title: str) -> str:
    t = title.strip()
    t = _PAREN_TAIL.sub("", t)
    t = _TITLE_SUFFIX.sub("", t) if len(t) > 14 else t
    return t.strip("《》 ")


def title_flags(text: str, title: Optional[str], page: Optional[_Page] = None) -> list[_FLAG]:
    """Flags where the body restates the title with different words or numbers.

    >>> t = "日照市基础教育质量提升三年行动计划"
    >>> body = "日照市基础教育质量提升三年行动计划\\n印发《日照市基础教育质量提高五年行动计划》"
    >>> [(body[s:e], r) for s, e, r in title_flags(body, t)]
    [('提高', 'title-mismatch'), ('五年', 'number-vs-title')]
    """
    if not title:
        return []
    page = page or _Page(text)
    core = shadow(_title_core(title))
    if len(core) < 10:  # short titles match too many lines by chance
        return []
    flags: list[_FLAG] = []
    for start, end in _title_lines(page.sh, core, len(core) // 2):
        line = page.sh[start:end]
        if core in line:
            continue
        sm = difflib.SequenceMatcher(None, core, line, autojunk=False)
        blocks = [b for b in sm.get_matching_blocks() if b.size]
        if not blocks:
            continue
        matched = sum(b.size for b in blocks)
        b0, b1 = blocks[0], blocks[-1]
        span_len = b1.b + b1.size - b0.b
        if matched < 0.75 * len(core) or 2 * matched / (len(core) + span_len) < 0.8:
            continue
        sub = difflib.SequenceMatcher(None, core, line[b0.b : b1.b + b1.size], autojunk=False)
        if any(tag in ("insert", "delete") for tag, *_ in sub.get_opcodes()):
            continue  # a restatement with words added or left out is a different title, not a spun one
        seen: set[tuple[int, int]] = set()
        for tag, i1, i2, j1, j2 in sub.get_opcodes():
            if tag != "replace":
                continue
            # 升三 vs 高五: one opcode, two findings (提高 a wording change, 五年 a number)
            pairs = (
                [(i1 + k, i1 + k + 1, j1 + k, j1 + k + 1) for k in range(i2 - i1)]
                if i2 - i1 == j2 - j1
                else [(i1, i2, j1, j2)]
            )
            for a1, a2, c1, c2 in pairs:
                s, e = _word_span(line, b0.b + c1, b0.b + c2)
                if (s, e) in seen:
                    continue
                seen.add((s, e))
                is_number = bool(_NUMERAL.search(core[a1:a2]) and _NUMERAL.search(line[b0.b + c1 : b0.b + c2]))
                flags.append((start + s, start + e, "number-vs-title" if is_number else "title-mismatch"))
    return flags


def _title_lines(sh: str, core: str, shortest: int) -> list[tuple[int, int]]:
    """``(start, end)`` of the lines of ``sh`` that could restate ``core`` (the title's shadow):
    at least ``0.75 * len(core)`` and ``shortest`` long, sharing at least ``0.75 * len(core)``
    characters with it (each counted at most as often as the title has it).

    The matching blocks of :func:`title_flags`' diff cannot hold more characters than that, and
    most lines share few characters with the title. Counted for all the lines at once on the
    page's code points: a regex pass per line and a ``str.count`` per character of the title
    for each line left cost more, and a character class compiled for each title costs the regex
    compiler some 0.3 ms a new title.
    """
    need = 0.75 * len(core)
    chars = sorted(set(core))  # str order is code point order: chars[-1] is the largest
    if ord(chars[-1]) >= 0xFFFF or not sh:
        # the table below holds the BMP below U+FFFF (code points above it read as U+FFFF)
        out, pos = [], 0
        for line in sh.split("\n"):
            if len(line) >= need and len(line) >= shortest:
                if sum(min(core.count(ch), line.count(ch)) for ch in chars) >= need:
                    out.append((pos, pos + len(line)))
            pos += len(line) + 1
        return out
    codes = _codes(sh)
    breaks = np.flatnonzero(codes == 10)  # "\n": the lines of sh.split("\n")
    starts = np.concatenate(([0], breaks + 1))
    ends = np.append(breaks, len(sh))
    lens = ends - starts
    lines = np.flatnonzero((lens >= need) & (lens >= shortest))
    if not lines.size:
        return []
    # which character of the title each position holds: 0 for none, k + 1 for chars[k] (a line
    # break is none: no line holds one)
    # (the smallest type that numbers the title's characters: a table of 0x10000 intp is 512 KiB
    # to allocate and zero for each page)
    index = np.zeros(0x10000, dtype=np.uint8 if len(chars) < 0xFF else np.uint16)
    index[[ord(ch) for ch in chars]] = np.arange(1, len(chars) + 1)
    index[10] = 0
    which = index.take(codes, mode="clip")
    pos = np.flatnonzero(which)
    # the long lines' counts of each character, capped at the title's: one bincount over
    # (line slot, character)
    slot = np.full(len(starts), -1, dtype=np.intp)
    slot[lines] = np.arange(len(lines))
    line_slot = slot[np.searchsorted(breaks, pos)]  # a position's line: the breaks before it
    keep = line_slot >= 0
    k = len(chars)
    counts = np.bincount(line_slot[keep] * k + (which[pos[keep]].astype(np.intp) - 1), minlength=len(lines) * k)
    cap = np.array([core.count(ch) for ch in chars], dtype=np.intp)
    shared = np.minimum(counts.reshape(len(lines), k), cap).sum(axis=1)
    ok = lines[shared >= need]
    return list(zip(starts[ok].tolist(), ends[ok].tolist()))


def _word_span(line: str, s: int, e: int) -> tuple[int, int]:
    """Widen ``s:e`` of ``line`` to whole jieba words (提高 rather than 高)."""
    from ..segment import tokenizer

    pos = 0
    ws, we = s, e
    for w in tokenizer().cut(line, HMM=True):
        nxt = pos + len(w)
        if pos < e and nxt > s:
            ws, we = min(ws, pos), max(we, nxt)
        pos = nxt
    if we - ws > 6:  # a long word would hide what changed
        return s, e
    return ws, we


_AUTHORITY = regex.compile(r"(?:市|省|县|区)?(?:人民政府|政府|教育局|教育厅|教体局|市委|省委|县委|教育云平台|教育委员会)")
_SCHOOLISH = regex.compile(r"(?:市|县|区)?(?:第?[一二三四五六七八九十]中|[一二三四五六七八九十]小|中学|小学|大学|学院|高中|实验|教育)")


@lru_cache(maxsize=1)
def _place_pattern() -> "regex.Pattern[str]":
    city_province, _amb = _places()
    names = sorted(city_province, key=len, reverse=True)
    # no word-boundary test (Chinese has none); flags need an authority or school word after the
    # name, which keeps accidental matches (指南通知) out. A trie-shaped pattern finds the same
    # leftmost-longest names as the plain alternation, with the engine's first-character scan.
    return PhraseMatcher(names)._longest


@lru_cache(maxsize=1)
def _place_filter() -> Optional[_StartFilter]:
    names = _places()[0]
    return _StartFilter(names) if all(len(n) >= 2 for n in names) else None


def _place_matches(sh: str):
    """``_place_pattern().finditer(sh)``, the pattern tried only where a name may start."""
    f = _place_filter()
    if f is None:
        return _place_pattern().finditer(sh)
    return _leftmost_longest_matches(_place_pattern(), sh, f.starts(sh))


def _title_place(title: str) -> Optional[str]:
    city_province, ambiguous = _places()
    t = shadow(title)
    for m in _place_pattern().finditer(t):
        name = m.group()
        if name in ambiguous and not t.startswith("市", m.end()):
            continue
        if city_province.get(name) != name or name in ("北京", "天津", "上海", "重庆"):
            return name  # a city (municipalities are both)
    for m in _place_pattern().finditer(t):
        return m.group()
    return None


def place_flags(text: str, title: Optional[str], *, spun: bool, page: Optional[_Page] = None) -> list[_FLAG]:
    """Flags on other places that act as the page's own (``淄博市人民政府…印发《日照市…》``).

    In every page: another city or province followed by 人民政府/教育局/教育云平台/…; in a spun
    page also another city followed by a school word (青岛二中 in a Rizhao plan).

    >>> body = "淄博市人民政府办公室印发《日照市基础教育行动计划》。加强青岛教育云平台建设。"
    >>> [body[s:e] for s, e, _r in place_flags(body, "日照市基础教育行动计划", spun=False)]
    ['淄博', '青岛']
    """
    if not title:
        return []
    home = _title_place(title)
    if home is None:
        return []
    page = page or _Page(text)
    city_province, ambiguous = _places()
    home_prov = city_province.get(home)
    flags: list[_FLAG] = []
    for m in _place_matches(page.sh):
        name = m.group()
        if name == home or name == home_prov:
            continue
        if name in ambiguous and not page.sh.startswith("市", m.end()):
            continue
        if _AUTHORITY.match(page.sh, m.end()):
            flags.append((m.start(), m.end(), "place-vs-title"))
        elif spun and city_province.get(name) != name and _SCHOOLISH.match(page.sh, m.end()):
            flags.append((m.start(), m.end(), "place-vs-title"))
    return flags


_AMOUNT = regex.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(亿|万)?元")
_AREA = regex.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(万)?平方米")
_SCHOOLS = regex.compile(r"([0-9]+)\s*所")
_SENTENCE = regex.compile(r"[^。！？\n]+")
_SENTENCE_END = "。！？\n"
# the nearest sentence end after / before a place: a search costs the distance to it (rfind and
# find per end character scanned to the page's start and end for each 元 when the page lacks a
# character, e.g. has no ？: a 4 MB page spent 3.5 s there, bench/bench_tail.py)
_NEXT_END = regex.compile("[" + _SENTENCE_END + "]")
_PREV_END = regex.compile("[" + _SENTENCE_END + "]", flags=regex.REVERSE)
_BUILDING = regex.compile("新建|改扩建|改建|建设")
_UNIT = {None: 1.0, "": 1.0, "万": 1e4, "亿": 1e8}


def amount_flags(text: str, page: Optional[_Page] = None) -> list[_FLAG]:
    """Flags on building budgets too small for the floor area or number of schools in the sentence.

    >>> s = "全市规划投资22.5万元,新建中小学校28所,建筑面积39.98万平方米。"
    >>> [s[a:b] for a, b, _r in amount_flags(s)]
    ['22.5万元']
    >>> amount_flags("投资5.2亿元，新建学校13所，建筑面积10万平方米。")
    []
    """
    page = page or _Page(text)
    flags: list[_FLAG] = []
    sh = page.sh
    # only sentences with 元 can hold an amount: find those, not every sentence of the page
    p = sh.find("元")
    while p >= 0:
        prev_end = _PREV_END.search(sh, 0, p)
        ss = prev_end.start() + 1 if prev_end else 0
        next_end = _NEXT_END.search(sh, p)
        se = next_end.start() if next_end else len(sh)
        p = sh.find("元", se)
        sent = _SENTENCE.match(sh, ss, se)
        s_text = sent.group()
        amounts = list(_AMOUNT.finditer(s_text))
        if not amounts:
            continue
        area = sum(float(m.group(1)) * _UNIT[m.group(2)] for m in _AREA.finditer(s_text))
        schools = sum(int(m.group(1)) for m in _SCHOOLS.finditer(s_text)) if _BUILDING.search(s_text) else 0
        for m in amounts:
            yuan = float(m.group(1)) * _UNIT[m.group(2)]
            if (area and yuan / area < 50) or (schools and yuan / schools < 100_000):
                flags.append((sent.start() + m.start(), sent.start() + m.end(), "amount-implausible"))
    return flags


_YEAR_SPAN = regex.compile(
    r"([一二两三四五六七八九十]|[0-9]{1,2})年(?:行动)?(?:计划|规划|方案)[^（(\n]{0,4}?\s*[（(]\s*"
    r"((?:19|20)[0-9]{2})\s*[—–\-－~至到]+\s*((?:19|20)[0-9]{2})"
)
_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}


def year_span_flags(text: str, page: Optional[_Page] = None) -> list[_FLAG]:
    """Flags on ``N年行动计划（A—B年）`` where N is not the number of years from A to B.

    >>> s = "《日照市基础教育质量提升五年行动计划\\n(2023—2025年)》"
    >>> [s[a:b] for a, b, _r in year_span_flags(s)]
    ['五年']
    >>> year_span_flags("三年行动计划（2023—2025年）")
    []
    """
    page = page or _Page(text)
    flags: list[_FLAG] = []
    for m in _YEAR_SPAN.finditer(page.sh):
        n = m.group(1)
        years = int(n) if n.isdigit() else _CN_DIGIT[n]
        if years != int(m.group(3)) - int(m.group(2)) + 1:
            flags.append((m.start(1), m.end(1) + 1, "year-span-mismatch"))
    return flags


def suspect_flags(page: _Page) -> list[_FLAG]:
    """Tier-c rows of ``variants.tsv`` (antonyms and swapped terms), flagged where they match."""
    return [(c.start, c.end, c.rule) for c in spun_candidates(page.sh) if c.tier.startswith("c-")]


# ---------------------------------------------------------------------------------------------
# the step


def _threshold(ctx: StepContext) -> float:
    value = getattr(ctx.config, "spun_threshold", None)
    return DEFAULT_SPUN_THRESHOLD if value is None else float(value)


def run(text: str, ctx: StepContext) -> str:
    text = _replace(ctx, text, placeholder_spans(text))
    text = _replace(ctx, text, marker_spans(text))
    text = _replace(ctx, text, site_name_spans(text))

    page = _Page(text)
    evidence = spun_evidence(text, page.sh)
    ctx.scores["spun"] = evidence.score
    spun = evidence.score >= _threshold(ctx)
    if spun:
        text = _replace(ctx, text, site_name_spans(text, spun=True, sh=page.sh))
    for _ in range(2):  # a repair can complete a variant that overlapped it (青蓝安装工程结亲)
        page = _Page(text)
        spans = _repair_spans(page, _select(spun_candidates(page.sh), spun, page.sh))
        if not spans:
            break
        text = _replace(ctx, text, spans)

    page = _Page(text)
    title = ctx.meta.get("title")
    if not title and spun:
        # a guessed title (first title-like line) is good enough to check a spun page against
        title = fallback_title(text)
    flags = (
        title_flags(text, title, page)
        + place_flags(text, title, spun=spun, page=page)
        + amount_flags(text, page)
        + year_span_flags(text, page)
        + suspect_flags(page)
    )
    flags = _dedupe(flags)
    # what the text holds now: a later round of the pipeline flags the same findings again
    ctx.scores["substitution_flags"] = len(flags)
    ctx.flag(text, flags)
    return text


def _dedupe(flags: list[_FLAG]) -> list[_FLAG]:
    out: list[_FLAG] = []
    for f in sorted(set(flags)):
        if out and f[0] < out[-1][1] and f[2] == out[-1][2]:
            continue
        out.append(f)
    return out


def substitution(text: str, *, title: Optional[str] = None) -> str:
    """The whole step as a pure function (default threshold; ``title`` as the boilerplate step finds it).

    >>> substitution("升级智慧教育&&\\n强化医德师风建设 #\\n#\\n为首席学校2023某地资源网,确立。打导致优质学校2023某地资源网,办成。")
    '升级智慧教育平台\\n强化师德师风建设\\n为首席学校,确立。打造成优质学校,办成。'
    """
    ctx = StepContext(None, {"title": title, "flags": []}, {})
    ctx.begin("substitution", text)
    return run(text, ctx)


STEP = Step(
    "substitution",
    "machine substitutions: &&/& placeholders for 平台/台, inserted site names and # markers, spun text (score, tiered repairs, flags)",
    run,
)
