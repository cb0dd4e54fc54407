"""The substitution step's shortcuts give what the long way gives.

Each shortcut (the shadow of an edited page spliced from the old one, the start filter before
the trie, the candidate-only scan, the place-name filter, the one-class script check, the
site-name pre-check) is compared with the plain computation it replaces, on the seeds and on
texts made to hold what the shortcut looks for.
"""

from __future__ import annotations

import random

import pytest

from educorpus.cleaners import substitution as sub
from educorpus.cleaners._text import PhraseMatcher


def _fresh_shadow(text: str) -> str:
    """:func:`substitution.shadow` as it is computed for a page never seen (no cache)."""
    out = sub._t2s(text)
    if len(out) != len(text):
        out = "".join(c if len(c) == 1 else ch for ch, c in ((ch, sub._t2s(ch)) for ch in text))
    return out


def _all_occurrences(words, text: str) -> list[tuple[int, int, str]]:
    """Every occurrence of every key, by start, longest first: by brute force."""
    out = [(i, i + len(w), w) for i in range(len(text)) for w in words if text.startswith(w, i)]
    return sorted(out, key=lambda o: (o[0], o[0] - o[1]))


def _planted(words, n_pages: int = 20, seed: int = 1) -> list[str]:
    """Texts of random Han characters and punctuation with keys, key halves and line breaks."""
    rng = random.Random(seed)
    words = sorted(words)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 300)] + list("，。\n、ab1")
    key_chars = sorted({ch for w in words for ch in w})
    pages = []
    for _ in range(n_pages):
        parts = []
        for _ in range(200):
            r = rng.random()
            if r < 0.15:
                parts.append(rng.choice(words))
            elif r < 0.25:
                w = rng.choice(words)
                parts.append(w[: rng.randint(1, len(w))])  # a key cut short
            elif r < 0.45:
                parts.append(rng.choice(key_chars))
            else:
                parts.append(rng.choice(alphabet))
        pages.append("".join(parts))
    return pages


# ---------------------------------------------------------------------------------------------
# the shadow of an edited page


def test_opencc_converts_a_page_line_by_line(seeds):
    # what the spliced shadow rests on: no conversion reaches across a line break
    for text in seeds.values():
        assert sub._t2s(text) == "\n".join(sub._t2s(line) for line in text.split("\n"))
        assert sub._line_aligned(text, sub._t2s(text))


def _edits(text: str, rng: random.Random) -> list[tuple[int, int, str, str]]:
    """A few edits of the kinds the step makes: words swapped, marks and line breaks removed."""
    spans = []
    pos = 0
    while len(spans) < 6 and pos < len(text) - 10:
        s = rng.randint(pos, min(len(text) - 4, pos + 300))
        kind = rng.random()
        if kind < 0.4:
            spans.append((s, s + 2, rng.choice(["質量", "质量", "平臺", "台", "至少"]), "t"))
        elif kind < 0.7:
            spans.append((s, s + 1, "", "t"))
        else:
            nl = text.find("\n", s)
            if nl < 0:
                break
            spans.append((nl, nl + 1, "", "t"))  # two lines become one
            s = nl
        pos = spans[-1][1] + 1
    return spans


def test_spliced_shadow_equals_a_fresh_conversion(seeds):
    rng = random.Random(7)
    for text in seeds.values():
        for _ in range(5):
            sub._SHADOWS.cache_clear()
            sub.shadow(text)
            spans = _edits(text, rng)
            new = sub.apply_spans(text, sorted(spans))
            sub._after_edit(text, new, spans)
            hit = sub._SHADOWS.get(new)
            assert hit is not None  # the seeds' lines keep their length: spliced, not converted
            assert hit[0] == _fresh_shadow(new)


def test_a_page_whose_lines_change_length_is_converted_whole(monkeypatch):
    # a conversion that changes a line's length (none of OpenCC's t2s does, on these pages)
    # leaves the new page to shadow(), which converts it whole
    text = "第一行\n第二行\n第三行"
    sub._SHADOWS.cache_clear()
    sub.shadow(text)
    real = sub._t2s
    monkeypatch.setattr(sub, "_t2s", lambda t: real(t).replace("二", "二二"))
    new = "第一行\n第二行改\n第三行"
    sub._after_edit(text, new, [(7, 7, "改", "t")])
    assert sub._SHADOWS.get(new) is None


# ---------------------------------------------------------------------------------------------
# the scan


def test_scanner_finds_every_occurrence_of_every_key(seeds):
    scanner = sub._scanner()
    words = scanner.index.words
    # brute force over all keys is slow: the seeds' first 3000 characters, and planted texts
    texts = [t[:3000] for t in seeds.values()] + _planted(words, n_pages=8)
    for text in texts:
        sh = sub._t2s(text)
        assert scanner.occurrences(sh) == _all_occurrences(words, sh)


def test_start_filter_keeps_every_start():
    words = ["质量", "教育质量", "提高教育质量", "办学品质", "品质", "起码"]
    flt = sub._StartFilter(words)
    for text in _planted(words, n_pages=30, seed=3):
        starts = set(flt.starts(text))
        assert {s for s, _e, _w in _all_occurrences(words, text)} <= starts
    assert flt.starts("") == [] and flt.starts("质") == []


def test_start_filter_refuses_single_character_keys():
    with pytest.raises(ValueError):
        sub._StartFilter(["质", "质量"])


def test_scanner_without_the_filter_finds_the_same():
    words = ["质", "质量", "教育质量", "办学品质", "品质"]  # a key of one character: no filter
    scanner = sub._Scanner(words)
    assert scanner.filter is None
    for text in _planted(words, n_pages=10, seed=5):
        assert scanner.occurrences(text) == _all_occurrences(words, text)


def test_candidate_scan_equals_the_full_scan(seeds):
    for text in list(seeds.values()) + _planted(sub._scan_index()[1], n_pages=10, seed=9):
        sh = sub._t2s(text)
        sub._SCANS.cache_clear()
        sub._CANDS.cache_clear()
        only = sub._spun_candidates(sh)  # the candidate keys alone
        sub._CANDS.cache_clear()
        full = sub._scan(sh)[0]  # all keys, then the candidates among them
        assert only == full


def test_a_page_with_candidates_is_analysed_and_clean_text_is_untouched():
    spun = "推行核心素质提高行动，办妥人民满意的教育，强化医德师风建设，培植花园共育基地园。"
    assert sub.substitution(spun) == "实施核心素养提高行动，办好人民满意的教育，强化师德师风建设，培植家园共育基地园。"
    clean = "坚持立德树人，办好人民满意的教育，提高教育质量。\n学校2023年新建教学楼一栋。"
    assert sub.substitution(clean) == clean


def test_place_names_found_as_the_pattern_finds_them(seeds):
    names = sub._places()[0]
    rng = random.Random(11)
    texts = [sub._t2s(t) for t in seeds.values()]
    # names glued together, overlapping and cut short: the leftmost-longest choice matters
    pool = sorted(names)
    texts += ["".join(rng.choice(pool)[: rng.randint(1, 4)] + rng.choice(["市", "", "教育局", "，"]) for _ in range(300)) for _ in range(10)]
    for sh in texts:
        got = [m.span() for m in sub._place_matches(sh)]
        assert got == [m.span() for m in sub._place_pattern().finditer(sh)]


# ---------------------------------------------------------------------------------------------
# pre-checks


def test_convertible_class_is_the_per_character_check():
    pattern = sub._convertible()
    for code in range(0x4E00, 0xA000):
        ch = chr(code)
        assert bool(pattern.match(ch)) == sub._has_traditional_form(ch), ch


def test_site_name_precheck_lets_every_name_through(seeds):
    # the pre-check is the name pattern without its context: wherever a name is, it is
    for text in seeds.values():
        sh = sub._t2s(text)
        if sub._SITE_NAME.search(sh):
            assert sub._SITE_NAME_CORE.search(sh)
    glued = "以优质中学为首席学校2023农村中小学远程教育资源网,确立协作区。起点高位2023农村中小学远程教育资源网,办成好学校。"
    assert len(sub.site_name_candidates(glued)) == 2
    assert sub.site_name_candidates("登录教育网,查询成绩。学校在线学习平台。") == []


# ---------------------------------------------------------------------------------------------
# answers kept per text, and the shortcuts of the evidence and the flags (branch subfast2)


def _marked_pages(n: int = 30, seed: int = 21) -> list[str]:
    """Lines of Chinese, code, comments, blanks and ``#`` marks in every arrangement."""
    rng = random.Random(seed)
    lines = ["全面落实立德树人根本任务。", "推进教育优质均衡发展", "#", "  #  ", "\u3000#", "# 安装依赖", "pip install x",
             "", " ", "学习 C#", "#话题#讨论", "办好人民满意的教育 #", "int a; //#", "#!/bin/sh"]
    return ["\n".join(rng.choice(lines) for _ in range(rng.randint(1, 25))) + rng.choice(["", "\n", "\n\n"]) for _ in range(n)]


def _among_plain(text: str, start: int, end: int) -> bool:
    """:func:`substitution._among_chinese_lines` as written before: strips of copies of the text."""
    seen = 0
    before = text[:start].rstrip("\n \t\u3000")
    if before:
        line = before[before.rfind("\n") + 1 :]
        if line.strip() != "#":
            if sub._COMMENT_LINE.match(line) or not sub._HAN_CHAR.search(line):
                return False
            seen += 1
    after = text[end:].lstrip("\n \t\u3000")
    if after:
        nl = after.find("\n")
        line = after if nl < 0 else after[:nl]
        if line.strip() != "#":
            if sub._COMMENT_LINE.match(line) or not sub._HAN_CHAR.search(line):
                return False
            seen += 1
    return seen > 0


def test_marker_neighbours_found_as_the_strips_find_them():
    n_checked = 0
    for text in _marked_pages(n=80):
        for m in sub._MARKER_LINE.finditer(text):
            assert sub._among_chinese_lines(text, m.start(), m.end()) == _among_plain(text, m.start(), m.end()), text
            n_checked += 1
    assert n_checked > 100


def test_marker_spans_kept_per_text_are_the_fresh_answer():
    sub._MARKERS.cache_clear()
    found = 0
    # each page, then the same page with a mark taken out (same beginning, another answer)
    pages = [p for page in _marked_pages(seed=22) for p in (page, page[: page.rfind("#")] + page[page.rfind("#") + 1 :])]
    for text in pages:
        first = sub.marker_spans(text)
        assert first == list(sub._marker_spans(text))
        first.append((0, 0, "", "x"))  # the caller's list is its own: the kept answer stays
        assert sub.marker_spans(text) == list(sub._marker_spans(text))
        found += bool(sub._marker_spans(text))
    assert found >= 5


def test_site_names_kept_per_shadow_are_the_fresh_answer(seeds):
    sub._SITES.cache_clear()
    glued = "以优质中学为首席学校2023农村中小学远程教育资源网,确立协作区。起点高位2023农村中小学远程教育资源网,办成好学校。"
    # the same page with a name taken out, then with a third one: same beginning, other answers
    for text in [glued, glued[:39] + glued[55:], glued + "又建好学校2023农村中小学远程教育资源网,好。", *seeds.values()]:
        sh = sub._t2s(text)
        plain = [(m.start(), m.end(), m.group()) for m in sub._SITE_NAME.finditer(sh) if not sub._governed(sh, m.start())]
        got = sub.site_name_candidates(text, sh)
        assert got == plain
        got.clear()
        assert sub.site_name_candidates(text, sh) == plain
    assert len(sub.site_name_candidates(glued)) == 2
    assert len(sub.site_name_candidates(glued + "又建好学校2023农村中小学远程教育资源网,好。")) == 3


def test_start_filter_starts_are_the_hashes_at_every_position(seeds):
    flt = sub._scanner().filter
    sub._HASHES.cache_clear()
    for text in [sub._t2s(t) for t in seeds.values()] + ["质量", "教育质", "a"]:
        c = sub._codes(text)
        expected = [
            i
            for i in range(len(text) - 1)
            if flt.two[sub._hash2(c[i : i + 1], c[i + 1 : i + 2])[0]]
            or (i + 2 < len(text) and flt.three[sub._hash3(c[i : i + 1], c[i + 1 : i + 2], c[i + 2 : i + 3])[0]])
        ]
        assert flt.starts(text) == expected
        assert flt.starts(text) == expected  # the second time from the kept hashes


def test_word_boundaries_with_the_page_memo_are_the_plain_ones(seeds):
    for text in seeds.values():
        sh = sub._t2s(text)[:4000]
        lines: dict = {}
        for p in range(0, len(sh) + 1, 3):
            assert sub._word_boundary(sh, p, lines) == sub._word_boundary(sh, p), p


def _swap_evidence_plain(sh: str, skip=()) -> float:
    """:func:`substitution.swap_evidence` with :func:`_is_word_here` and :func:`_overlaps`, per word."""
    import math

    from educorpus.segment import tokenizer

    freq = tokenizer().FREQ
    words = sub._pair_index()[1]
    skip = sub._merged(skip)
    counts: dict[int, list[int]] = {}
    for s, e in sub._scan(sh)[2]:
        if skip and sub._overlaps(skip, s, e):
            continue
        if not sub._is_word_here(sh, s, e, freq):
            continue
        for k, is_form in words[sh[s:e]]:
            counts.setdefault(k, [0, 0])[is_form] += 1
    total = 0.0
    for k, (n_word, n_form) in counts.items():
        p_clean = sub._word_pairs()[k][2]
        p_spun = p_clean + 0.5 * (1 - p_clean)
        swapped = n_form * math.log(p_spun / p_clean) + n_word * math.log((1 - p_spun) / (1 - p_clean))
        hi = max(swapped, 0.0)
        llr = hi + math.log(sub.SPINNER_KNOWS * math.exp(swapped - hi) + (1 - sub.SPINNER_KNOWS) * math.exp(-hi))
        total += min(2.0, llr)
    return total


def test_swap_evidence_equals_the_word_by_word_checks(seeds):
    pairs = sorted(sub._pair_index()[1])
    rng = random.Random(31)
    texts = [sub._t2s(t) for t in seeds.values()]
    # swappable words at the page's edges and next to each other, where the context checks
    # reach past the text or into the next word
    texts += ["".join(rng.choice(pairs) + rng.choice(["", "的", "产品", "，", "\n"]) for _ in range(rng.randint(1, 40))) for _ in range(60)]
    texts += [w for w in pairs[:50]] + ["产" + w for w in pairs[:50]] + [w + "量" for w in pairs[:50]]
    differ = 0
    for sh in texts:
        assert sub.swap_evidence(sh) == _swap_evidence_plain(sh), sh
        cands = [(c.start, c.end) for c in sub.spun_candidates(sh) if c.tier in ("a", "b")]
        assert sub.swap_evidence(sh, cands) == _swap_evidence_plain(sh, cands)
        differ += sub.swap_evidence(sh) != 0.0
    assert differ > 20  # the texts do hold swappable words that count


def test_title_lines_are_those_of_the_exact_count():
    rng = random.Random(41)
    title = "日照市基础教育质量提升三年行动计划"
    alphabet = list(title) + list("，。的和在") + ["𠀀", "𪚥", "\uffff", "\n", "\n"]
    # a threshold that a count can equal (16 characters: 12), one it cannot (17), titles with a
    # character repeated, with a line break, above the BMP, and U+FFFF
    cores = [title[:16], title, "日照市日照市基础教育质量", "日照市基础\n教育质量提升", "𠀀𠀀基础教育质量提升行动计划", "基础教育质量提升行动计划\uffff", "".join(chr(0x4E00 + i) for i in range(300))]  # and one of 300 characters
    n_kept = 0
    for k in range(600):
        core = cores[k % len(cores)]
        sh = "".join(rng.choice(alphabet + list(core)) for _ in range(rng.randint(0, 150 if len(core) < 100 else 900)))
        pos, plain = 0, []
        for line in sh.split("\n"):
            if len(line) >= 0.75 * len(core) and len(line) >= len(core) // 2:
                if sum(min(core.count(ch), line.count(ch)) for ch in set(core)) >= 0.75 * len(core):
                    plain.append((pos, pos + len(line)))
            pos += len(line) + 1
        assert sub._title_lines(sh, core, len(core) // 2) == plain, (core, sh)
        n_kept += len(plain)
    assert n_kept > 100


def test_title_flags_mark_the_words_a_restated_title_changed():
    # (the lines title_flags diffs are _title_lines', checked against the plain count above)
    title = "日照市基础教育质量提升三年行动计划"
    body = (
        "日照市基础教育质量提升三年行动计划\n印发《日照市基础教育质量提高五年行动计划》\n"
        "日照市基础教育质量提升计划\n日照市基础教育质量提升三年行动计划（2023—2025年）\n𠀀日照市基础教育品质提升三年行动计划"
    )
    flags = [(body[s:e], rule) for s, e, rule in sub.title_flags(body, title)]
    assert flags == [("提高", "title-mismatch"), ("五年", "number-vs-title")]


def test_candidates_made_without_the_named_tuples_new_are_named_tuples():
    cands = sub._candidates(sub._t2s("推行核心素质提高行动，办妥人民满意的教育，强化医德师风建设"), sub._cand_scanner().occurrences(sub._t2s("推行核心素质提高行动，办妥人民满意的教育，强化医德师风建设")))
    assert cands and all(type(c) is sub._Candidate for c in cands)
    assert [c._asdict() for c in cands] == [sub._Candidate(*c)._asdict() for c in cands]


def test_url_precheck_lets_every_url_through(seeds):
    rng = random.Random(51)
    parts = ["https://a.cn/x", "HTTP://B.CN", "WwW.edu.cn", "wWw.", "www", "http:/", "://", "教育", "&&", "ſ", "K", " ", "\n"]
    texts = list(seeds.values()) + ["".join(rng.choice(parts) for _ in range(rng.randint(1, 12))) for _ in range(400)]
    found = 0
    for text in texts:
        plain = [(m.start(), m.end()) for m in sub._URL.finditer(text)]
        assert sub._url_spans(text) == plain, text
        found += bool(plain)
    assert found > 100
