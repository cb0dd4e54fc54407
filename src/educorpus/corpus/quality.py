"""Corpus step ``quality``: drop records that are too short, not Chinese, repetitive or garbled.

Each filter is a pure measure of one record (with a doctest) compared with a threshold of
:class:`~educorpus.corpus.options.CorpusOptions`; a record failing one becomes an
:class:`~educorpus.corpus.Exclusion` whose reason names the filter (``too-short``,
``low-chinese-ratio``, ``repetitive``, ``mojibake``, ``spun``) and whose detail holds the measured
value and the threshold. Filters are checked in that order and the first failing one is reported.

The step needs no corpus statistics (``observe`` does nothing); it is a corpus step because
dropping a record is a dataset decision, not a text repair.

Not handled: language identification beyond the share of Han characters, toxicity or topic
filters, and mojibake that the ``mojibake`` cleaning step could still repair (it runs first).
"""

from __future__ import annotations

from typing import Any, Union

import re

import numpy as np

from ..cleaners._text import HAN
from . import CorpusStep, Exclusion
from .options import CorpusOptions

_SPACE = re.compile(r"\s+")
_NOT_HAN = re.compile(f"[^{HAN}]+")  # counting by deletion is ~8x faster than findall(\p{Han})
# what stays of text that no decoder can bring back: U+FFFD, and 锟斤拷 (U+FFFD's UTF-8 bytes
# EF BF BD twice, read as GBK), which is counted with its three characters
_MOJIBAKE = re.compile("\ufffd|锟斤拷")


def han_chars(text: str) -> int:
    """Number of Han characters.

    >>> han_chars("2024年秋季学期")
    5
    """
    return len(_NOT_HAN.sub("", text))


def visible_chars(text: str) -> int:
    """Characters that are not whitespace.

    >>> visible_chars("教育 部\\n通知")
    5
    """
    return len(text) - sum(len(m) for m in _SPACE.findall(text))


def han_ratio(text: str) -> float:
    """Share of Han characters among the non-space characters (0.0 for an empty text).

    >>> round(han_ratio("教育部 2024 通知"), 3)   # 5 of 9
    0.556
    """
    n = visible_chars(text)
    return han_chars(text) / n if n else 0.0


def dup_line_fraction(text: str) -> float:
    """Share of non-space characters in lines that repeat an earlier line of the same text.

    >>> round(dup_line_fraction("开学通知\\n请按时报到\\n请按时报到\\n请按时报到"), 3)   # 10 of 19
    0.526
    """
    seen: set[str] = set()
    dup = total = 0
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        total += visible_chars(line)
        if line in seen:
            dup += visible_chars(line)
        seen.add(line)
    return dup / total if total else 0.0


_NGRAM = 10
_MUL = np.uint64(0x9E3779B97F4A7C15)


def dup_ngram_fraction(text: str, n: int = _NGRAM) -> float:
    """Share of non-space characters covered by an ``n``-character sequence occurring twice or more.

    Catches a paragraph pasted many times into one line, which :func:`dup_line_fraction` cannot.

    >>> dup_ngram_fraction("欢迎访问本站" * 5)
    1.0
    >>> dup_ngram_fraction("乳山市认真贯彻办好人民满意的教育部署要求，坚持公平为先、质量为重。")
    0.0
    """
    s = _SPACE.sub("", text)
    if len(s) < 2 * n:
        return 0.0
    cp = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(cp) - n + 1
    h = np.zeros(count, dtype=np.uint64)
    for k in range(n):
        h = (h ^ cp[k : k + count]) * _MUL
    hs = np.sort(h)
    dup = hs[1:][hs[1:] == hs[:-1]]
    if not len(dup):
        return 0.0
    starts = np.isin(h, dup).astype(np.int64)
    # a character is covered when one of the n sequences overlapping it is repeated
    covered = np.convolve(starts, np.ones(n, dtype=np.int64))[: len(cp)] > 0
    return float(np.count_nonzero(covered)) / len(cp)


def mojibake_ratio(text: str) -> float:
    """Share of non-space characters that are unrecoverable mojibake (U+FFFD, 锟斤拷).

    >>> mojibake_ratio("锟斤拷锟斤拷教育\\ufffd局")
    0.7
    """
    n = visible_chars(text)
    return sum(len(m) for m in _MOJIBAKE.findall(text)) / n if n else 0.0


class QualityFilter(CorpusStep):
    """Drops records failing a quality threshold; the reason names the filter."""

    name = "quality"
    description = "drop records that are too short, not Chinese, repetitive, garbled (and spun, if asked)"

    def __init__(self, options: CorpusOptions | None = None):
        self.options = options or CorpusOptions()

    def check(self, record: dict[str, Any]) -> Exclusion | None:
        """The first filter ``record`` fails, as an :class:`Exclusion`, or ``None``."""
        o = self.options
        text = record.get("text") or ""
        if o.min_chars is not None:
            n = visible_chars(text)
            if n < o.min_chars:
                return Exclusion("too-short", {"chars": n, "min_chars": o.min_chars})
        if o.min_han_ratio is not None:
            r = han_ratio(text)
            if r < o.min_han_ratio:
                return Exclusion("low-chinese-ratio", {"han_ratio": round(r, 4), "min_han_ratio": o.min_han_ratio})
        if o.max_dup_line_fraction is not None:
            r = dup_line_fraction(text)
            if r > o.max_dup_line_fraction:
                return Exclusion(
                    "repetitive",
                    {"measure": "dup_line_fraction", "value": round(r, 4), "max": o.max_dup_line_fraction},
                )
        if o.max_dup_ngram_fraction is not None:
            r = dup_ngram_fraction(text)
            if r > o.max_dup_ngram_fraction:
                return Exclusion(
                    "repetitive",
                    {"measure": "dup_ngram_fraction", "value": round(r, 4), "max": o.max_dup_ngram_fraction},
                )
        if o.max_mojibake_ratio is not None:
            r = mojibake_ratio(text)
            if r > o.max_mojibake_ratio:
                return Exclusion("mojibake", {"mojibake_ratio": round(r, 4), "max": o.max_mojibake_ratio})
        if o.max_spun_score is not None:
            score = float(record.get("spun_score") or 0.0)
            if score >= o.max_spun_score:
                return Exclusion("spun", {"spun_score": score, "max_spun_score": o.max_spun_score})
        return None

    def finalize(self) -> dict[str, Any]:
        o = self.options
        return {
            "thresholds": {
                "min_chars": o.min_chars,
                "min_han_ratio": o.min_han_ratio,
                "max_dup_line_fraction": o.max_dup_line_fraction,
                "max_dup_ngram_fraction": o.max_dup_ngram_fraction,
                "max_mojibake_ratio": o.max_mojibake_ratio,
                "max_spun_score": o.max_spun_score,
            }
        }

    def apply(self, record: dict[str, Any]) -> Union[dict[str, Any], Exclusion]:
        exclusion = self.check(record)
        return record if exclusion is None else exclusion
