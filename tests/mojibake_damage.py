"""Make damaged copies of clean text, one damage class at a time, for the ``mojibake`` step.

Each damage class mimics how the damage happens on the web:

- ``utf8-as-gbk``: a span of a line, UTF-8 encoded, decoded as GB18030 or (Python's) GBK with
  replacement; U+FFFD (one per undecodable byte) sometimes written as ``?``;
- ``gbk-shift``: a line encoded as GB18030, one byte lost or one stray byte gained at a random
  place, decoded again as GB18030 with replacement (U+FFFD sometimes written as ``?``), and
  sometimes the full-width punctuation of the misread run folded to ASCII by a later pass;
- ``utf8-as-big5``: a span of a line, UTF-8 encoded, decoded as CP950 with replacement;
- ``big5-as-gbk`` / ``gbk-as-big5``: a span of a traditional line, encoded with one codec and
  decoded with the other.

Only samples where the damage changed the text and the original could in principle be read back
(the damaged span is not just replacement characters) are produced. The clean sources are seeds
001 and 002 and the clean (negative) cases under ``tests/cases``.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from educorpus.cleaners._text import common_ends

ROOT = Path(__file__).resolve().parent.parent
CLASSES = ("utf8-as-gbk", "gbk-shift", "utf8-as-big5", "big5-as-gbk", "gbk-as-big5")
_FOLD = str.maketrans("！？，：；（）", "!?,:;()")
_HAN = re.compile("[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Sample:
    cls: str
    clean: str  # the clean line
    damaged: str  # the same line with the damage
    seed: int


def clean_lines() -> list[str]:
    """Lines of clean Chinese text: seeds 001 and 002, and the negative cases of every step."""
    lines: list[str] = []
    for name in ("001_66d2ff1b538386e8.txt", "002_bbc10d50080da167.txt"):
        for line in (ROOT / "seeds" / name).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(_HAN.findall(line)) >= 8:
                lines.append(line)
    for f in sorted((ROOT / "tests" / "cases").glob("*/negative.json")):
        for case in json.loads(f.read_text(encoding="utf-8")):
            for line in case["input"].splitlines():
                if len(_HAN.findall(line)) >= 8:
                    lines.append(line.strip())
    return lines


def _encodable(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _span(rng: random.Random, line: str, lo: int = 4, hi: int = 30) -> tuple[int, int]:
    n = rng.randint(lo, min(hi, len(line)))
    start = rng.randint(0, len(line) - n)
    return start, start + n


def _replacement(rng: random.Random, text: str) -> str:
    return text.replace("\ufffd", "?") if rng.random() < 0.5 else text


def _span_damage(rng: random.Random, line: str, write: str, read: str | tuple[str, ...]) -> str | None:
    start, end = _span(rng, line)
    span = line[start:end]
    if not _HAN.search(span) or not _encodable(span, write):
        return None
    codec = rng.choice(read) if isinstance(read, tuple) else read
    garbled = _replacement(rng, span.encode(write).decode(codec, errors="replace"))
    if garbled == span:
        return None
    return line[:start] + garbled + line[end:]


def _shift_damage(rng: random.Random, line: str) -> str | None:
    if not _encodable(line, "gb18030"):
        return None
    data = bytearray(line.encode("gb18030"))
    # a byte of a two-byte character
    positions = [i for i, b in enumerate(data) if b >= 0x80]
    if not positions:
        return None
    i = rng.choice(positions)
    if rng.random() < 0.7:
        del data[i]  # lost
    else:
        data.insert(i, rng.randint(0x81, 0xFE))  # gained
    garbled = bytes(data).decode("gb18030", errors="replace")
    # the misread run: where the damaged line differs from the clean one
    p, s = common_ends(line, garbled)
    run = garbled[p : len(garbled) - s]
    if rng.random() < 0.5:
        run = run.translate(_FOLD)  # a later pass folded full-width punctuation
    run = _replacement(rng, run)
    damaged = garbled[:p] + run + garbled[len(garbled) - s :]
    return damaged if damaged != line else None


def damage(cls: str, line: str, rng: random.Random) -> str | None:
    """One damaged copy of ``line`` (None when this line cannot carry this damage)."""
    if cls == "utf8-as-gbk":
        return _span_damage(rng, line, "utf-8", ("gb18030", "gbk"))
    if cls == "utf8-as-big5":
        return _span_damage(rng, line, "utf-8", "cp950")
    if cls == "big5-as-gbk":
        return _span_damage(rng, _traditional(line), "cp950", "gb18030")
    if cls == "gbk-as-big5":
        return _span_damage(rng, _traditional(line), "gbk", "cp950")
    if cls == "gbk-shift":
        return _shift_damage(rng, line)
    raise ValueError(f"unknown damage class {cls!r}")


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def _traditional(line: str) -> str:
    return _s2t().convert(line)


def samples(cls: str, n: int, seed: int = 0) -> list[Sample]:
    """``n`` damaged copies of clean lines, reproducible from ``seed``."""
    lines = clean_lines()
    rng = random.Random(f"{cls}:{seed}")
    out: list[Sample] = []
    tries = 0
    while len(out) < n and tries < n * 50:
        tries += 1
        line = rng.choice(lines)
        s = rng.randrange(1 << 30)
        damaged = damage(cls, line, random.Random(s))
        if damaged is None:
            continue
        clean = _traditional(line) if cls in ("big5-as-gbk", "gbk-as-big5") else line
        out.append(Sample(cls, clean, damaged, s))
    return out
