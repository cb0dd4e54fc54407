"""Candidate spin substitutions mined from spun copies that have a clean sibling.

When ``dedup`` drops a spun copy in favour of a non-spun copy of the same article (an exclusion
with ``spun_pair`` in its detail), the two texts differ mostly where the spinner substituted
words. :func:`aligned_differences` segments both texts into words (jieba) and aligns the word
sequences; the short replaced stretches (trimmed of characters both sides share) are candidate substitutions (``质量`` → ``品质``), the
short inserted ones candidate spam (``2023农村中小学远程教育资源网``). :func:`mine` counts them over
many pairs. The result is material for review, not data to use as is: a candidate seen in one
pair may be an editor's legitimate change.

Not handled: changed numbers (they are skipped: the ``substitution`` step flags number changes,
it does not guess them), reordered sentences, and substitutions longer than ``max_chars``.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from ..cleaners._text import HAN

_ONLY_HAN = re.compile(f"^[{HAN}]+$")


def _words(text: str) -> list[str]:
    import jieba

    return [w for w in jieba.lcut(text) if w.strip()]


def _trim(before: str, after: str) -> tuple[str, str]:
    """Drop characters both sides share at the ends while two remain on each side: the segmenter
    may keep a longer word (教学质量 → 教学品质), but 提升 → 提高 stays whole.

    >>> _trim("教学质量", "教学品质"), _trim("提升", "提高")
    (('质量', '品质'), ('提升', '提高'))
    """
    while len(before) > 2 and len(after) > 2 and before[0] == after[0]:
        before, after = before[1:], after[1:]
    while len(before) > 2 and len(after) > 2 and before[-1] == after[-1]:
        before, after = before[:-1], after[:-1]
    return before, after


@dataclass(frozen=True)
class Difference:
    """``clean`` became ``spun`` (``kind`` ``replace``), or ``spun`` was ``insert``-ed; ``context``
    is the spun text around it, with the difference in brackets."""

    kind: str
    clean: str
    spun: str
    context: str


def aligned_differences(clean: str, spun: str, *, max_chars: int = 8, context: int = 8) -> list[Difference]:
    """The short word-level differences between a clean text and its spun copy.

    >>> [(d.kind, d.clean, d.spun) for d in aligned_differences(
    ...     "全面提升教育质量，办好人民满意的教育。", "全面提升教育品质，办妥人民满意的教育。")]
    [('replace', '质量', '品质'), ('replace', '办好', '办妥')]
    """
    a, b = _words(clean), _words(spun)
    out: list[Difference] = []
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag not in ("replace", "insert"):
            continue
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "replace":
            before, after = _trim(before, after)
        if len(after) > (3 * max_chars if tag == "insert" else max_chars) or len(before) > max_chars:
            continue
        if not _ONLY_HAN.match(after) and not (tag == "insert" and re.search(f"[{HAN}]", after)):
            continue
        if tag == "replace" and not _ONLY_HAN.match(before):
            continue
        left = "".join(b[max(0, j1 - 6) : j1])[-context:]
        right = "".join(b[j2 : j2 + 6])[:context]
        out.append(Difference(tag, before, after, f"{left}[{after}]{right}"))
    return out


@dataclass
class Candidate:
    kind: str
    clean: str
    spun: str
    count: int = 0
    pairs: int = 0
    example: str = ""


def mine(pairs: Iterable[tuple[str, str]], *, max_chars: int = 8) -> list[Candidate]:
    """Count the differences of many ``(clean_text, spun_text)`` pairs, most frequent first.

    ``count`` is how often a difference occurs, ``pairs`` in how many pairs.

    >>> rows = mine([("提升教育质量。", "提升教育品质。"), ("保证教学质量。", "保证教学品质。")])
    >>> [(c.kind, c.clean, c.spun, c.count, c.pairs) for c in rows]
    [('replace', '质量', '品质', 2, 2)]
    """
    found: dict[tuple[str, str, str], Candidate] = {}
    seen_in: dict[tuple[str, str, str], int] = defaultdict(int)
    for clean, spun in pairs:
        keys_here = set()
        for d in aligned_differences(clean, spun, max_chars=max_chars):
            key = (d.kind, d.clean, d.spun)
            c = found.setdefault(key, Candidate(d.kind, d.clean, d.spun, example=d.context))
            c.count += 1
            keys_here.add(key)
        for key in keys_here:
            seen_in[key] += 1
    for key, c in found.items():
        c.pairs = seen_in[key]
    return sorted(found.values(), key=lambda c: (-c.pairs, -c.count, c.kind, c.clean, c.spun))
