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
