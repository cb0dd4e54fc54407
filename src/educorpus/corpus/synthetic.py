"""Synthetic corpora with planted duplicates, to measure the corpus steps.

:func:`synthetic_corpus` writes articles in the shape of Chinese education news (word sequences
drawn from jieba's dictionary frequencies, with each article's own topic words and the domain's
policy phrases), puts every page on a site whose template adds header and footer lines, and
plants copies of some articles:

========== =================================================================================
kind       what the copy is
========== =================================================================================
exact      the same article on another page of the same site, punctuation and spacing retyped
script     the article converted to traditional script (OpenCC ``s2t``), on another site
repost     the article on another site, with that site's template and a different byline line
truncated  the first 40–90% of the article (the rest of the page lost)
spun       the article passed through a spinner: ``spin(text, rng) -> text``
mixed      traditional script, another site, and truncated to 70–95%
========== =================================================================================

It also plants *hard negatives*: different articles of one site that share their opening and
closing paragraphs (a notice template), and articles that quote the same policy paragraph. The
ground truth maps every record to the article it is a copy of (itself for originals).

:func:`blind_spin` is a spinner of the kind seen on spam sites: dictionary substitutions applied
blindly (across word boundaries, in chains), random word replacements, changed digits, spam
phrases and ``#`` markers. Any callable with the same signature can be passed instead, e.g. the
project's own spinner.

Not handled: realism of the prose (the text is plausible word salad: the measures depend on
character sequences, not meaning).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from collections import Counter
from typing import Any, Callable, Optional

import numpy as np
import regex

Spinner = Callable[[str, random.Random], str]

# policy phrases of Chinese education writing (DESIGN.md §4), frequent in the generated text
POLICY_PHRASES = (
    "办好人民满意的教育", "五育并举", "立德树人", "核心素养", "素质教育", "家园共育", "师德师风",
    "大班额", "体制机制改革", "集团化办学", "义务教育优质均衡发展", "学前教育普及普惠",
    "双减", "课后服务", "教育高质量发展", "德智体美劳全面发展", "教师队伍建设", "智慧教育",
    "县域高中", "职业教育", "产教融合", "校企合作", "劳动教育", "心理健康教育", "家校社协同育人",
)

# near-synonym substitutions of the kind spinners apply (DESIGN.md §4 and the seeds): some are
# never legitimate (花园共育), some plausible (提高), some change meaning (低于, 万)
SPIN_TABLE = (
    ("质量", "品质"), ("实施", "推行"), ("至少", "起码"), ("工程", "安装工程"), ("师德", "医德"),
    ("家园共育", "花园共育"), ("大班额", "少将额"), ("造成", "导致"), ("提升", "提高"),
    ("推动", "促使"), ("办好", "办妥"), ("形成", "产生"), ("建立", "确立"), ("完善", "健全"),
    ("加强", "增强"), ("培育", "培植"), ("推进", "推动"), ("促进", "增进"), ("发展", "成长"),
    ("学生", "学员"), ("教师", "老师"), ("学校", "院校"), ("工作", "任务"), ("问题", "难题"),
    ("重要", "关键"), ("全面", "全方位"), ("积极", "踊跃"), ("开展", "展开"), ("活动", "运动"),
    ("坚持", "坚守"), ("落实", "贯彻"), ("明显", "显著"), ("有效", "合用"), ("组织", "机构"),
    ("部门", "单位"), ("通过", "经过"), ("提供", "供应"), ("增加", "增添"), ("目前", "当前"),
    ("已经", "早已"), ("要求", "请求"), ("需要", "须要"), ("能力", "才能"), ("水平", "程度"),
    ("环境", "情况"), ("资源", "资本"), ("服务", "效劳"), ("保障", "保证"), ("改革", "变革"),
    ("创新", "立异"), ("特色", "特点"), ("优质", "优良"), ("均衡", "平衡"), ("政策", "方针"),
    ("管理", "治理"), ("安全", "平安"), ("健康", "康健"), ("家长", "家属"), ("孩子", "小孩"),
    ("课程", "教程"), ("课堂", "讲堂"), ("教学", "讲授"), ("研究", "探究"), ("培训", "训练"),
    ("考试", "测验"), ("成绩", "成果"), ("规定", "规则"), ("标准", "规范"), ("计划", "方案"),
    ("目标", "指标"), ("措施", "办法"), ("方式", "方法"), ("基础", "根基"), ("素养", "素质"),
    ("素质", "素养"), ("高于", "低于"), ("亿", "万"), ("打造", "打造成"), ("全市", "全省"),
)
SPAM = ("2023农村中小学远程教育资源网", "更多精彩内容请关注本站", "免费领取学习资料", "点击进入专题")

_CITIES = ("淄博", "乳山", "银川", "日照", "威海", "烟台", "潍坊", "临沂", "济宁", "泰安", "德州", "聊城",
           "滨州", "菏泽", "枣庄", "东营", "青岛", "济南", "石嘴山", "吴忠", "固原", "中卫", "荣成", "文登")
_ROADS = ("人民", "解放", "建设", "文化", "青年", "胜利", "和平", "振兴", "育才", "学府")
_CHANNELS = ("教育要闻", "基层动态", "通知公告", "政策文件", "媒体聚焦", "校园风采")


def _vocab_path() -> Path:
    import jieba

    return Path(jieba.__file__).parent / "dict.txt"


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[tuple[str, ...], np.ndarray]:
    """Han words of jieba's dictionary with frequency >= 50, and cumulative sampling weights."""
    han = regex.compile(r"^\p{Han}{1,4}$")
    words: list[str] = []
    weights: list[float] = []
    with open(_vocab_path(), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and han.match(parts[0]):
                freq = int(parts[1])
                if freq >= 50:
                    words.append(parts[0])
                    weights.append(freq**0.75)  # flatter than Zipf: fewer 的/了 runs
    boost = max(weights) * 0.05
    for phrase in POLICY_PHRASES + tuple(a for a, _b in SPIN_TABLE):
        words.append(phrase)
        weights.append(boost)
    return tuple(words), np.cumsum(np.asarray(weights, dtype=np.float64))


def _choices(rng: random.Random, k: int) -> list[str]:
    """``k`` words drawn by weight (``random.choices`` bisects in Python: 50x slower)."""
    words, cum = _vocabulary()
    u = np.fromiter((rng.random() for _ in range(k)), dtype=np.float64, count=k) * cum[-1]
    return [words[i] for i in np.searchsorted(cum, u, side="right").tolist()]


def _sentence(rng: random.Random, topic: list[str], n_words: tuple[int, int]) -> str:
    k = rng.randint(*n_words)
    out: list[str] = []
    general = _choices(rng, k)
    for i in range(k):
        out.append(rng.choice(topic) if rng.random() < 0.35 else general[i])
        if i < k - 1 and rng.random() < 0.12:
            out.append("，")
    if rng.random() < 0.15:
        out.insert(rng.randrange(len(out) + 1), str(rng.randint(2, 2025)) + rng.choice(("年", "所", "名", "%", "万元", "个")))
    return "".join(out) + rng.choice("。。。。；！")


def article_body(rng: random.Random, *, paragraphs: tuple[int, int] = (4, 9), sentences: tuple[int, int] = (2, 4),
                 words: tuple[int, int] = (8, 18)) -> list[str]:
    """A title and paragraphs of one synthetic article."""
    topic = _choices(rng, 40) + [rng.choice(POLICY_PHRASES) for _ in range(3)]
    title = rng.choice(_CITIES) + "".join(rng.sample(topic, 3))
    paras = [
        "".join(_sentence(rng, topic, words) for _ in range(rng.randint(*sentences)))
        for _ in range(rng.randint(*paragraphs))
    ]
    return [title] + paras


_SENTENCES = regex.compile(r"[^。；！]*[。；！]")


def _passage(paragraphs: list[str], rng: random.Random, share: float) -> list[str]:
    """One or two pieces of ``paragraphs`` (its first sentences, and its last ones if there is
    room) making up at most ``share`` of their length; a clause if even a sentence is longer."""
    sentences = [m.group() for p in paragraphs for m in _SENTENCES.finditer(p)] or ["".join(paragraphs)]
    budget = share * sum(map(len, sentences))
    head: list[str] = []
    tail: list[str] = []
    used = 0
    for i in range(len(sentences)):
        pick, into = (sentences[i], head) if i % 2 == 0 else (sentences[-1 - i // 2], tail)
        if pick in head or pick in tail or used + len(pick) > budget:
            break
        into.append(pick)
        used += len(pick)
    if not head:
        first = sentences[0]
        return [first[: max(1, int(budget))]]
    return ["".join(head)] + (["".join(reversed(tail))] if tail else [])


def _retype(text: str, rng: random.Random) -> str:
    """The same text typed differently: ASCII punctuation, extra spaces, indentation."""
    text = text.translate(str.maketrans("，；！：", ",;!:"))
    lines = ["\u3000\u3000" + ln if rng.random() < 0.5 else ln + "  " for ln in text.split("\n")]
    return "\n".join(lines)


@lru_cache(maxsize=1)
def _spin_pattern():
    table = dict(SPIN_TABLE)
    keys = sorted(table, key=len, reverse=True)
    return regex.compile("|".join(map(regex.escape, keys))), table


def blind_spin(text: str, rng: random.Random) -> str:
    """Spin ``text`` the way spam sites do: blind dictionary substitutions (each occurrence taken
    with a probability drawn per document from 0.3–0.9), a random word replaced every ~8–60
    characters, some digits changed, spam phrases inserted and ``#`` at paragraph ends.

    >>> import random
    >>> out = blind_spin("全面提升教育质量，办好人民满意的教育。", random.Random(1))
    >>> out != "全面提升教育质量，办好人民满意的教育。"
    True
    """
    pattern, table = _spin_pattern()
    p = rng.uniform(0.3, 0.9)
    text = pattern.sub(lambda m: table[m.group()] if rng.random() < p else m.group(), text)
    chars = list(text)
    # random replacements: a 2-character stretch of Han text gets an unrelated word
    every = rng.uniform(8, 60)
    for _ in range(int(len(chars) / every)):
        i = rng.randrange(max(1, len(chars) - 1))
        if "\u4e00" <= chars[i] <= "\u9fff" and i + 1 < len(chars) and "\u4e00" <= chars[i + 1] <= "\u9fff":
            chars[i : i + 2] = list(_choices(rng, 1)[0][:2].ljust(2, "的"))
    text = "".join(ch if not ch.isdigit() or rng.random() > 0.3 else str(rng.randint(0, 9)) for ch in chars)
    lines = text.split("\n")
    for _ in range(rng.randint(0, 2)):
        k = rng.randrange(len(lines))
        pos = rng.randrange(len(lines[k]) + 1)
        lines[k] = lines[k][:pos] + rng.choice(SPAM) + lines[k][pos:]
    if rng.random() < 0.5:
        lines = [ln + " #" if ln else ln for ln in lines]
    return "\n".join(lines)


@dataclass
class _Site:
    host: str
    org: str
    header: list[str]
    footer: list[str]
    pages: int = 0


def _make_site(rng: random.Random, k: int) -> _Site:
    city = rng.choice(_CITIES)
    org = f"{city}市{rng.choice(('', '第一', '实验', '高新区'))}教育{rng.choice(('局', '体育局', '和体育局'))}"
    host = f"www.site{k:05d}.edu.cn"
    header_pool = [
        f"{org}门户网站欢迎您",
        f"{org}主办 {city}教育信息中心承办",
        f"首页 | 机构概况 | 政务公开 | 教育要闻 | 互动交流 | {rng.choice(('专题专栏', '办事服务', '党建工作'))}",
    ]
    footer_pool = [
        f"主办单位：{org}  承办单位：{city}市教育信息中心",
        f"地址：{city}市{rng.choice(_ROADS)}路{rng.randint(1, 300)}号  邮编：{rng.randint(250000, 760000)}",
        f"技术支持：{city}{rng.choice(('华信', '金桥', '蓝海', '博远'))}网络科技有限公司",
        f"本站已支持IPv6 建议使用{rng.choice(('1920×1080', '1366×768'))}分辨率浏览",
        f"联系电话：0{rng.randint(531, 951)}-{rng.randint(1000000, 8999999)}  电子邮箱：jyj{k}@{city}.gov.cn",
    ]
    return _Site(host, org, rng.sample(header_pool, rng.randint(1, 2)), rng.sample(footer_pool, rng.randint(2, 4)))


def _page(site: _Site, lines: list[str], rng: random.Random, published: str, templates: bool = True) -> str:
    if not templates:
        return "\n".join(lines)
    byline = f"发布时间：{published}  来源：{rng.choice((site.org, '中国教育新闻网', '大众日报', '本站'))}"
    crumb = f"您当前的位置：首页 > {rng.choice(_CHANNELS)} > 正文"
    return "\n".join(site.header + [crumb, lines[0], byline] + lines[1:] + site.footer)


@dataclass
class SyntheticCorpus:
    """Records in the dataset schema, and the truth: ``source[id]`` is the id of the article a
    record is a copy of (its own id for originals); ``kind[id]`` is ``original``, a copy kind, or
    ``negative`` (an original planted to look similar to another one)."""

    records: list[dict[str, Any]] = field(default_factory=list)
    source: dict[str, str] = field(default_factory=dict)
    kind: dict[str, str] = field(default_factory=dict)


COPY_KINDS = ("exact", "script", "repost", "truncated", "spun", "mixed")


def synthetic_corpus(
    n_records: int,
    *,
    seed: int = 0,
    spin: Optional[Spinner] = None,
    copy_share: float = 0.3,
    kinds: tuple[str, ...] = COPY_KINDS,
    pages_per_site: int = 20,
    paragraphs: tuple[int, int] = (4, 9),
    negative_share: float = 0.05,
    templates: bool = True,
) -> SyntheticCorpus:
    """About ``n_records`` records, ``copy_share`` of them planted copies (kinds chosen evenly
    from ``kinds``), and ``negative_share`` of them hard negatives. With ``templates=False`` the
    pages carry no site header, footer, breadcrumb or byline (text as the cleaning steps leave it).

    Deterministic for a given ``seed`` and spinner.

    >>> c = synthetic_corpus(40, seed=3)
    >>> len(c.records), sum(1 for r in c.records if c.source[r["id"]] != r["id"])
    (40, 12)
    """
    import opencc

    s2t = opencc.OpenCC("s2t")
    spin = spin or blind_spin
    rng = random.Random(seed)
    sites = [_make_site(rng, k) for k in range(max(1, n_records // pages_per_site))]
    out = SyntheticCorpus()
    n_copies = round(n_records * copy_share)
    n_neg = round(n_records * negative_share)
    n_orig = n_records - n_copies - n_neg
    originals: list[tuple[str, list[str], _Site, str, str]] = []

    def add(rid: str, site: _Site, text: str, published: str, source: str, kind: str, **extra: Any) -> None:
        site.pages += 1
        record = {
            "id": rid,
            "text": text,
            "title": text.split("\n", 1)[0],
            "published": published,
            "source": site.org,
            "url": f"http://{site.host}/art/{rid}.html",
            "site": site.host,
            "spun_score": 0.0,
            "flags": [],
            "edits": {},
        }
        record.update(extra)
        record["n_chars"] = len(record["text"])
        out.records.append(record)
        out.source[rid] = source
        out.kind[rid] = kind

    def date(r: random.Random) -> str:
        return f"{r.randint(2019, 2024)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} {r.randint(8, 18):02d}:{r.randint(0, 59):02d}"

    for k in range(n_orig):
        rid = f"o{k:06d}"
        lines = article_body(rng, paragraphs=paragraphs)
        site = rng.choice(sites)
        published = date(rng)
        page = _page(site, lines, rng, published, templates)
        originals.append((rid, lines, site, published, page))
        add(rid, site, page, published, rid, "original")

    # hard negatives: another article of the same site that shares a notice's opening and
    # closing formulas, or quotes a passage; the shared text is at most 30% of either article,
    # so neither is a copy of the other
    for k in range(n_neg):
        rid = f"n{k:06d}"
        _, base_lines, site, _, _ = rng.choice(originals)
        lines = article_body(rng, paragraphs=(max(3, paragraphs[0]), max(3, paragraphs[1])))
        shared = _passage(base_lines[1:], rng, 0.3)
        if rng.random() < 0.5:
            lines = [lines[0], shared[0]] + lines[1:] + shared[1:]
        else:
            lines = lines[:2] + ["".join(shared)] + lines[2:]
        when = date(rng)
        add(rid, site, _page(site, lines, rng, when, templates), when, rid, "negative")

    for k in range(n_copies):
        kind = kinds[k % len(kinds)]
        src_id, lines, site, published, page = rng.choice(originals)
        rid = f"c{k:06d}"
        other = rng.choice([s for s in sites if s is not site] or sites)
        # copies appear after their article: an hour to a year later
        later = (datetime.strptime(published, "%Y-%m-%d %H:%M") + timedelta(hours=rng.randint(1, 24 * 365))).strftime("%Y-%m-%d %H:%M")
        extra: dict[str, Any] = {}
        if kind == "exact":
            text = _retype(page, rng)
            target = site
            later = published  # the same page, so the same byline
        elif kind == "script":
            text = s2t.convert(_page(other, lines, rng, later, templates))
            target = other
        elif kind == "repost":
            text = _page(other, lines, rng, later, templates)
            target = other
        elif kind == "truncated":
            body = "\n".join(lines)
            cut = body[: max(1, int(len(body) * rng.uniform(0.4, 0.9)))]
            text = _page(other, cut.split("\n"), rng, later, templates)
            target = other
        elif kind == "spun":
            spun = spin("\n".join(lines), rng).split("\n")
            text = _page(other, spun, rng, later, templates)
            target = other
            extra = {"spun_score": round(rng.uniform(0.6, 1.0), 3), "edits": {"substitution": {"spin-repair": rng.randint(1, 9)}}}
        elif kind == "mixed":
            body = "\n".join(lines)
            cut = body[: max(1, int(len(body) * rng.uniform(0.7, 0.95)))]
            text = s2t.convert(_page(other, cut.split("\n"), rng, later, templates))
            target = other
        else:
            raise ValueError(f"unknown copy kind {kind!r}; kinds: {', '.join(COPY_KINDS)}")
        add(rid, target, text, later, src_id, kind, **extra)

    rng.shuffle(out.records)
    return out


def score_dedup(
    corpus: SyntheticCorpus, kept: list[dict[str, Any]], exclusions: list[dict[str, Any]], stats: dict[str, Any]
) -> dict[str, Any]:
    """Score the output of :func:`~educorpus.corpus.run_corpus_steps` on ``corpus`` against its truth.

    ``precision``: of the records dedup dropped, the share whose named kept record is a copy of
    the same article (or the article itself). ``recall``: of the records that should go (all but
    one record of each article among those that reached dedup), the share dropped that way.
    Also ``recall_by_kind``, the estimated similarity of correct drops by kind, and
    ``original_kept``: how often the article itself (or its exact copy) was the record kept.
    """
    src = corpus.source
    before_dedup = {r["id"] for r in corpus.records} - {e["id"] for e in exclusions if e["step"] != "dedup"}
    per_article = Counter(src[i] for i in before_dedup)
    should_drop = sum(n - 1 for n in per_article.values())
    dropped = [e for e in exclusions if e["step"] == "dedup"]
    correct = [e for e in dropped if src[e["id"]] == src[e["detail"]["kept"]]]
    kinds = Counter(corpus.kind[i] for i in before_dedup if corpus.kind[i] not in ("original", "negative"))
    # a copy counts as found when it, or the article it copies, was dropped for a same-article record
    found_ids = {e["id"] for e in correct}
    kept_ids = {r["id"] for r in kept}
    found_kind: Counter[str] = Counter()
    for i in before_dedup:
        k = corpus.kind[i]
        if k in kinds and (i in found_ids or (src[i] in found_ids and i in kept_ids)):
            found_kind[k] += 1
    originals_in_clusters = {src[e["id"]] for e in correct}
    # the article itself, or its exact copy (the same page, identical on every ranking criterion)
    kept_as = {src[i]: corpus.kind[i] for i in kept_ids}
    original_kept = sum(1 for a in originals_in_clusters if kept_as.get(a) in ("original", "exact"))
    sims: dict[str, list[float]] = {}
    for e in correct:
        if "similarity" in e["detail"]:
            sims.setdefault(corpus.kind[e["id"]], []).append(e["detail"]["similarity"])
    wrong = [e for e in dropped if src[e["id"]] != src[e["detail"]["kept"]]]
    return {
        "records": len(corpus.records),
        "excluded_before_dedup": {e["reason"]: 0 for e in exclusions if e["step"] != "dedup"}
        | dict(Counter(e["reason"] for e in exclusions if e["step"] != "dedup")),
        "should_drop": should_drop,
        "dropped": len(dropped),
        "correct": len(correct),
        "precision": len(correct) / len(dropped) if dropped else 1.0,
        "recall": len(correct) / should_drop if should_drop else 1.0,
        "recall_by_kind": {k: round(found_kind[k] / n, 4) for k, n in sorted(kinds.items())},
        "similarity_by_kind": {
            k: {"min": min(v), "median": sorted(v)[len(v) // 2]} for k, v in sorted(sims.items())
        },
        "original_kept": original_kept / len(originals_in_clusters) if originals_in_clusters else 1.0,
        "wrong_examples": [(e["id"], corpus.kind[e["id"]], e["detail"]) for e in wrong[:5]],
        "site_lines_learned": stats.get("site-boilerplate", {}).get("lines_learned"),
        "dedup_stats": {k: v for k, v in stats.get("dedup", {}).items() if not k.startswith("listed")},
    }
