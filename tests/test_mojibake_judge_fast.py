"""The mojibake step's judging and tokens keep their answers with their shortcuts: each is compared
with the plain computation it replaced.

- ``_plausible_output`` classes each distinct character once per process (``_symbols``) instead
  of scoring it per reading;
- ``CharStats.running_scores`` gives ``CharStats.score`` of every prefix (``_considered`` reads
  the old text's score at each reading's end from it, through ``_gain``'s ``olds``);
- ``_tokens`` takes a character's plain alternatives from a per-codec table.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from educorpus.charstats import LOGP_SYMBOL, charstats, is_han
from educorpus.cleaners import mojibake as M
from educorpus.cleaners._redecode import W, Exit, Token, two_byte
from tests.mojibake_damage import samples


def plain_plausible_output(text, garbled, x, stats) -> bool:
    """_plausible_output as it was: every character's unigram scored per reading."""
    if M._BAD_OUTPUT.search(text) or not M._CJK.search(text) or M._QUESTION_IN_HAN.search(text):
        return False
    chars = set(text)
    if not chars - set(garbled):
        return False
    if 2 * x.wildcards > len(x.data):
        return False
    if len(text) > 1 and (
        (M._LATIN_LETTER(text[0]) and is_han(text[1])) or (M._LATIN_LETTER(text[-1]) and is_han(text[-2]))
    ):
        return False
    logp1 = stats.logp1
    if not any(logp1(ch) <= LOGP_SYMBOL for ch in chars):
        return True
    odd = [i for i, ch in enumerate(text) if logp1(ch) <= LOGP_SYMBOL]
    if any(not is_han(text[i]) for i in (odd[0], odd[-1]) if i in (0, len(text) - 1)):
        return False
    return len(odd) <= max(1 if len(text) >= 4 else 0, len(text) // 8)


def plain_tokens(text, start, end, source, shift, numbers=frozenset()):
    """_tokens as it was: each character encoded afresh."""
    codec = two_byte(source)
    out = []
    k = start
    while k < end:
        ch = text[k]
        o = ord(ch)
        if shift and ch in "(abcdefghijklmnopqrstuvwxyzāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü":
            m = M._PINYIN_FRAGMENT.match(text, k, end)
            if m and m.end() - k >= 2 and M._is_syllable(m.group().strip("()")):
                data = b"".join(M._char_bytes(c, codec) or b"?" for c in m.group())
                out.append(Token(k, ((tuple(data), 0.0, "plain"), ((), M.DROP_PENALTY, "drop"))))
                k = m.end()
                continue
        if ch == "\ufffd":
            alts = (((W,), 0.0, "plain"),)
        elif ch == "€" and source == "gb18030":
            alts = (((0x80,), 0.0, "plain"), ((0xA2, 0xE3), 0.0, "plain"))
        elif ch == "?":
            alts = (((W,), 0.0, "plain"), ((0x3F,), 0.0, "literal"))
            if shift:
                alts += (((0xA3, 0xBF), M.FOLD_PENALTY, "fold"),)
                m = M._DIGIT_RUN.match(text, k + 1, end)
                if m and numbers:
                    alts += tuple(
                        ((W, ord(d)), M.SWALLOW_PENALTY, "fold") for d in "0123456789" if d + m.group() in numbers
                    )
        elif o < 0x80:
            alts = (((o,), 0.0, "plain"),)
            if shift and 0x21 <= o <= 0x7E:
                alts += (((0xA3, o + 0x80), M.FOLD_PENALTY, "fold"),)
        else:
            b = M._char_bytes(ch, codec)
            if b is None:
                break
            alts = ((tuple(b), 0.0, "plain"),)
        out.append(Token(k, alts))
        k += 1
    return out


# Han (common, rare, both scripts), CJK and ASCII punctuation, symbols the statistics call odd
# (box drawing, Greek, Cyrillic, circled numbers, arrows), Latin letters with diacritics, kana,
# private use, U+FFFD, digits
_POOL = list("的教育學书淄曜嘢龘，。“”、《》！？…—·※■□▲△○●①②③→←αβγΔАБВпрЁ┌┐└┘│─ÀÉñüÿアいカ") + list(
    "abcXYZ0123456789?!() "
) + ["\ue000", "\ufffd", "\u3400"]


def _readings():
    rng = random.Random(3)
    out = []
    for _ in range(3000):
        text = "".join(rng.choice(_POOL) for _ in range(rng.randrange(1, 14)))
        garbled = "".join(rng.choice(_POOL) for _ in range(rng.randrange(1, 10)))
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 30)))
        out.append((text, garbled, Exit(0, 0.0, text, data, rng.randrange(0, 4))))
    return out


def test_plausible_output_equals_the_plain_judgement():
    stats = charstats()
    results = []
    for text, garbled, x in _readings():
        got = M._plausible_output(text, garbled, x, stats)
        assert got == plain_plausible_output(text, garbled, x, stats), (text, garbled)
        results.append(got)
    # both answers and the symbols' rules were reached
    assert 100 < sum(results) < len(results) - 100


def test_plausible_output_after_the_table_is_emptied(monkeypatch):
    stats = charstats()
    monkeypatch.setattr(M, "_SYMBOL_TABLES", {})
    readings = _readings()[:400]
    for k, (text, garbled, x) in enumerate(readings):
        if k % 50 == 0:
            M._SYMBOL_TABLES.clear()
        assert M._plausible_output(text, garbled, x, stats) == plain_plausible_output(text, garbled, x, stats)


def test_readings_of_damaged_lines_are_judged_as_before(monkeypatch):
    """The step's own readings (every class's damaged lines): each judged as the plain code does."""
    calls = []
    real = M._plausible_output

    def recording(text, garbled, x, stats):
        got = real(text, garbled, x, stats)
        calls.append((text, garbled, x, stats, got))
        return got

    monkeypatch.setattr(M, "_plausible_output", recording)
    for cls in ("gbk-shift", "utf8-as-gbk", "big5-as-gbk", "gbk-as-big5"):
        for s in samples(cls, 8, seed=5):
            M.repair_spans(s.damaged)
    assert len(calls) > 200
    for text, garbled, x, stats, got in calls:
        assert got == plain_plausible_output(text, garbled, x, stats)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_POOL), max_size=40), st.sampled_from(["", "的", "，", "a", "2"]))
def test_running_scores_are_the_scores_of_every_prefix(text, prev):
    cs = charstats()
    got = cs.running_scores(text, prev)
    assert len(got) == len(text) + 1
    for k in range(len(text) + 1):
        assert got[k] == cs.score(text[:k], prev)  # the same float, not a close one


def test_gain_with_running_scores_equals_gain_without():
    stats = charstats()
    rng = random.Random(8)
    lines = [s.damaged for cls in ("gbk-shift", "utf8-as-gbk") for s in samples(cls, 10, seed=2)]
    checked = 0
    for line in lines:
        for _ in range(10):
            start = rng.randrange(len(line))
            prev = line[start - 1] if start > 0 else ""
            olds = stats.running_scores(line[start:], prev)
            end = rng.randrange(start + 1, len(line) + 1)
            text = "".join(rng.choice(_POOL) for _ in range(rng.randrange(1, 8)))
            x = Exit(end, -rng.uniform(0, 60), text, b"", 0)
            assert M._gain(stats, line, start, x, 0, len(line), olds) == M._gain(stats, line, start, x, 0, len(line))
            checked += 1
    assert checked == 10 * len(lines)


@pytest.mark.parametrize("source", ["gb18030", "cp950"])
def test_tokens_from_the_table_equal_tokens_encoded_afresh(source):
    lines = [s.damaged for cls in ("gbk-shift", "utf8-as-gbk", "big5-as-gbk", "gbk-as-big5") for s in samples(cls, 6, seed=4)]
    lines.append("教育€部?（2023）学生𪾢会議ﾃｽﾄ\ufffd學")
    numbers = frozenset({"2023", "12"})
    for line in lines:
        for shift in (False, True):
            for start in range(0, len(line), 3):
                want = plain_tokens(line, start, len(line), source, shift, numbers)
                got = M._tokens(line, start, len(line), source, shift, numbers)
                got_again = M._tokens(line, start, len(line), source, shift, numbers)  # from the table
                assert got == want and got_again == want
