"""The scoring functions under the mojibake search give, to the last bit, what the plain
computations they replaced give: ``WordStats.score`` (heads mapped to their longest word, the
single-character steps from a per-character table, the number steps only where a digit is),
``CharStats.score`` (logp2's cache read inline), ``known_pairs`` (pairs inside regex-found runs of
Han characters) and ``script_counts`` (one character class per script).

The plain versions below are the code as it was before those changes (charstats.py at 5303ae1).
Texts are windows of the seeds (traditional 000 and 002, simplified 001 and 003), of the bench
corpus and of damaged lines, in their own script and converted to the other, and random strings
of Han characters, digits, punctuation and Latin letters."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from educorpus.charstats import _ASCII_DIGITS, _DIGITS, _SINGLE_PENALTY, charstats, is_han, wordstats
from tests.mojibake_damage import samples

ROOT = Path(__file__).resolve().parent.parent


def plain_word_score(ws, text: str) -> float:
    text = ws._t2s.convert(text)
    cs = charstats()
    n = len(text)
    best = [0.0] + [-1e18] * n
    for i in range(n):
        b = best[i]
        if i and text[i] in _ASCII_DIGITS and text[i - 1] in _ASCII_DIGITS:
            s1 = b
        elif i and text[i - 1] in _ASCII_DIGITS:
            s1 = b + cs.logp2(text[i - 1], text[i]) + _SINGLE_PENALTY
        else:
            one = ws.single.get(text[i])
            s1 = b + (one if one is not None else cs.logp1(text[i]) + _SINGLE_PENALTY)
        if s1 > best[i + 1]:
            best[i + 1] = s1
        # every place, every length (no head table)
        for j in range(i + 2, min(n, i + ws.MAX_WORD) + 1):
            f = ws.freq.get(text[i:j])
            if f:
                s = b + math.log(f) - ws.log_total
                if s > best[j]:
                    best[j] = s
    return best[n]


def plain_char_score(cs, text: str, prev: str = "") -> float:
    total = 0.0
    for ch in text:
        total += cs.logp2(prev, ch)
        prev = ch
    return total


def plain_known_pairs(cs, text: str) -> tuple[int, int]:
    seen = total = 0
    for a, b in zip(text, text[1:]):
        if is_han(a) and is_han(b):
            total += 1
            if a + b in cs.bigrams:
                seen += 1
    return seen, total


def plain_script_counts(cs, text: str) -> tuple[int, int]:
    s = t = 0
    for ch in text:
        k = cs.scripts.get(ch)
        if k == "s":
            s += 1
        elif k == "t":
            t += 1
    return s, t


def _texts() -> list[str]:
    t2s, s2t = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus_gen import generate_pages
    finally:
        sys.path.pop(0)
    texts += generate_pages(0.05, seed=3)
    for cls in ("gbk-shift", "utf8-as-gbk", "utf8-as-big5", "big5-as-gbk"):
        texts.append("\n".join(s.damaged for s in samples(cls, 20, seed=2)))
    # each in the other script too (traditional pages simplified, simplified ones traditional)
    texts += [t2s.convert(t) for t in texts[:4]] + [s2t.convert(t) for t in texts[:4]]
    return texts


TEXTS = _texts()


def _check(text: str, prev: str = "") -> None:
    ws, cs = wordstats(), charstats()
    assert ws.score(text) == plain_word_score(ws, text)
    assert cs.score(text, prev) == plain_char_score(cs, text, prev)
    assert cs.known_pairs(prev + text) == plain_known_pairs(cs, prev + text)
    assert cs.script_counts(text) == plain_script_counts(cs, text)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_windows_of_real_text(data):
    text = TEXTS[data.draw(st.integers(0, len(TEXTS) - 1))]
    start = data.draw(st.integers(0, max(0, len(text) - 1)))
    window = text[start : start + data.draw(st.integers(0, 40))]
    prev = text[start - 1] if start and data.draw(st.booleans()) else ""
    _check(window, prev)


_ALPHABET = (
    "教育部关于進一步加強学校體育工作的通知年月日个所中华人民共和国乾燥干发髮後后"
    + "".join(sorted(_DIGITS))
    + "，。、：；！？（）《》“”,.:;!?()- \u3000AbXyéü鏁欒偛閮ㄥ叧浜庤𪾢\ue000\ufffd①→"
)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=30), st.sampled_from(["", "的", "3", "，", "A", "學"]))
def test_random_strings(text, prev):
    _check(text, prev)


@pytest.mark.parametrize("text", ["拨打12377", "5月21日", "2023年12月3日，", "１２月", "中华人民共和国教育部", "", "的", "1"])
def test_numbers_and_edges(text):
    _check(text)


def test_every_window_of_the_seeds():
    """Not a sample: every 9-character window (the size _refine scores) of the four seeds."""
    n = 0
    for text in TEXTS[:4]:
        for i in range(0, len(text), 2):
            _check(text[i : i + 9], text[i - 1] if i else "")
            n += 1
    assert n > 2000


def test_dictionary_words_of_every_length():
    """Words of every length up to MAX_WORD on their own and inside a line: a head table that
    stopped a length short would split the longest ones."""
    ws = wordstats()
    by_len: dict[int, list[str]] = {}
    for w in sorted(ws.freq, key=lambda w: (-ws.freq[w], w)):
        if len(by_len.setdefault(len(w), [])) < 300:
            by_len[len(w)].append(w)
    for length in range(2, ws.MAX_WORD + 2):
        assert by_len.get(length), length
        for w in by_len[length]:
            _check(w)
            _check("我们" + w + "的")
