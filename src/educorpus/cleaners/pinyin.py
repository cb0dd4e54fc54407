"""Step ``pinyin``: pinyin notes a page's converter glued after characters (``權(quán)威``).

Some sites run their text through a converter that appends the reading of (some) characters in
ASCII brackets: toned ``權(quán)威``, or toneless with a trailing space ``有關(guan) 要求``. A note is
removed only when it is a single syllable that *is a reading of the character before it*, checked
against a reading table shipped with the package (``data/pinyin/readings.txt.gz``, built from
pypinyin's Unihan-based dictionary by ``scripts/build_pinyin_table.py``). The space after a
toneless note goes with it when Chinese text, a digit or Chinese punctuation follows.

Not handled (kept on purpose): notes on a line that talks about readings (``多音字“长”：
长(cháng)短、长(zhǎng)大``, a 注音 exercise: teaching text), notes spanning several characters
(``拼音(pīn yīn)``), notes in full-width brackets ``（quán）`` (the form teaching material uses),
capitalised or numbered notes (``(Quan)``, ``(quan2)``), parenthesised Latin text that is not a
reading of the character before it (``學校(a)``, ``教育部(MOE)``), and readings of characters
after the note.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Optional

from ..document import Span, StepContext, apply_spans
from ..pipeline import Step
from ._text import CJK_PUNCT, HAN

# letters of pinyin syllables: a-z, ü, and the tone-marked vowels (plus ń ň ǹ ḿ of 嗯/呣)
PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# the bracket first, so the search runs on its literal "("; the character before is checked after
_NOTE = re.compile(f"\\(([{PINYIN_LETTERS}]{{1,6}})\\)( (?=[{HAN}0-9{CJK_PUNCT}]))?")
_IS_HAN = re.compile(f"[{HAN}]")
# a line that talks about readings (a 多音字 or 注音 exercise, a dictionary note: ``长(cháng)短、
# 长(zhǎng)大``, ``读háng时，如银行(háng)``) holds its notes as content: there the reading is the
# subject, not what a converter added. Both scripts: the step runs before script conversion.
# A term counts only as a word of the line (jieba's boundaries at both its ends): 阅读成为 does
# not hold 读成, 关注音乐 not 注音
_READING_TERMS = re.compile(
    "读音|讀音|注音|拼音|多音字|读作|讀作|读成|讀成|念作|唸作|读为|讀為|讀爲|发音|發音|字音|音节|音節|"
    "声调|聲調|加点字|加點字|正音"
)
# 读 before a toned syllable (``读háng``): a reading given in the text itself
_READ_AS = re.compile(f"[读讀念唸]\\s*[“「\"]?[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


def about_readings(line: str) -> bool:
    """Whether ``line`` talks about readings, so that its pinyin notes are content.

    >>> about_readings("多音字“长”：长(cháng)短"), about_readings("让阅读成为习惯，作业(yè)设计")
    (True, False)
    """
    if _READ_AS.search(line):
        return True
    hits = [m.span() for m in _READING_TERMS.finditer(line)]
    if not hits:
        return False
    from ..segment import words  # jieba: loaded only for a line that holds such a term

    bounds, at = {0}, 0
    for w in words(line):
        at = line.find(w, at) + len(w)  # find: the segmenter may leave out spaces
        bounds.add(at)
    return any(s in bounds and e in bounds for s, e in hits)


_TONE_MARKS = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ",
    "aaaaeeeeiiiioooouuuuüüüünnnm",
)


def strip_tones(syllable: str) -> str:
    """``"quán"`` → ``"quan"``; ``ü`` stays (``"lǜ"`` → ``"lü"``).

    >>> strip_tones("quán"), strip_tones("lǜ")
    ('quan', 'lü')
    """
    return syllable.translate(_TONE_MARKS)


@lru_cache(maxsize=1)
def reading_table() -> dict[str, tuple[str, ...]]:
    """``char -> readings`` (tone-marked), loaded once from the package data."""
    raw = (resources.files("educorpus") / "data" / "pinyin" / "readings.txt.gz").read_bytes()
    table: dict[str, tuple[str, ...]] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        ch, readings = line.split(" ", 1)
        table[ch] = tuple(readings.split(","))
    return table


@lru_cache(maxsize=1)
def toneless_syllables() -> frozenset[str]:
    """Every syllable of the table without tone marks, ``ü`` also written ``v`` and ``u``."""
    out: set[str] = set()
    for readings in reading_table().values():
        for r in readings:
            out.update(_toneless_forms(r))
    return frozenset(out)


def _toneless_forms(reading: str) -> set[str]:
    bare = strip_tones(reading)
    return {bare, bare.replace("ü", "v"), bare.replace("ü", "u")}


def is_reading(ch: str, note: str) -> bool:
    """Whether ``note`` (one syllable, toned or toneless) is a reading of ``ch``.

    >>> is_reading("權", "quán"), is_reading("關", "guan"), is_reading("威", "quán")
    (True, True, False)
    >>> is_reading("綠", "lv"), is_reading("權", "quàn")
    (True, False)
    """
    readings = reading_table().get(ch)
    if not readings:
        return False
    note = unicodedata.normalize("NFC", note)
    if note in readings:
        return True
    if strip_tones(note) != note:  # toned, and not one of the readings
        return False
    return any(note in _toneless_forms(r) for r in readings)


def note_spans(text: str) -> list[Span]:
    """Spans removing pinyin notes that read the character before them (and a toneless note's space)."""
    if "(" not in text:
        return []
    spans: list[Span] = []
    verdict = _verdict
    line_end = -1  # the line of the last note looked at, and whether it talks about readings
    about = False
    for m in _NOTE.finditer(text):
        start = m.start()
        if start == 0 or not _IS_HAN.match(text, start - 1):
            continue
        if start > line_end:
            line_start = text.rfind("\n", 0, start) + 1
            nl = text.find("\n", start)
            line_end = len(text) if nl < 0 else nl
            about = about_readings(text[line_start:line_end])
        if about:
            continue
        found = verdict(text[start - 1], m.group(1))
        if found is None:
            continue
        # toneless: the note and its space go; toned: the note only (its space is the text's)
        spans.append((start, m.end(), "", found) if found == "toneless-note" else (start, m.end(1) + 1, "", found))
    return spans


@lru_cache(maxsize=1 << 14)
def _verdict(ch: str, note: str) -> Optional[str]:
    # the rule for `ch(note)`, or None when the note does not read ch: a pure function of the pair,
    # and pages repeat the same few hundred pairs (a converter notes the same characters), so it
    # is decided once per process, not once per note
    if not is_reading(ch, note):
        return None
    return "toneless-note" if strip_tones(note) == note else "toned-note"


def remove_pinyin_notes(text: str) -> str:
    """The whole step as a pure function.

    >>> remove_pinyin_notes("權(quán)威發(fā)布，有關(guan) 要求，於(yu) 9月1日")
    '權威發布，有關要求，於9月1日'
    >>> remove_pinyin_notes("拼音(pīn yīn)教學，學校(a)款，教育部(MOE)")
    '拼音(pīn yīn)教學，學校(a)款，教育部(MOE)'
    >>> remove_pinyin_notes("多音字“长”有两个读音：长(cháng)短、长(zhǎng)大。")
    '多音字“长”有两个读音：长(cháng)短、长(zhǎng)大。'
    """
    return apply_spans(text, note_spans(text))


def run(text: str, ctx: StepContext) -> str:
    return ctx.replace(text, note_spans(text))


STEP = Step("pinyin", "pinyin notes glued after characters by a page's converter (權(quán)威, 有關(guan) 要求)", run)
