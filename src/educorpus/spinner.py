"""A small article spinner (伪原创) that makes spun copies of clean text, for evaluation.

It does what real spinners do: walks the text, and wherever a word of its table starts — as a
blind substring, whether or not it is a word there (打造成 contains 造成) — replaces it, with
probability ``rate``, by one of its listed replacements. It never re-reads its own output within
one pass, so swaps (素养↔素质) and chains (家庭→家园, 家园→花园) work the way they do in the wild.
Every replacement is recorded, so an evaluation can tell which repairs restored the original.

The table (``data/spinner/table.tsv``) is the spinner's own and is not derived from the repair
tables of the ``substitution`` step; ``bench/eval_substitution.py`` reports how the two overlap.
Traditional text is spun with the table converted by OpenCC (s2t).

Used by ``bench/eval_substitution.py`` and by the corpus near-duplicate tests (a spun copy must
still match its original). Not handled: inserting spam, reordering sentences, or rewriting
numbers other than the units listed in the table.

>>> text = "打造成优质学校，提高教育质量"
>>> spun, subs = spin(text, rate=1.0, seed=1)
>>> spun
'打导致优良中学，增进教育品质'
>>> [(s.original, s.replacement) for s in subs]
[('造成', '导致'), ('优质', '优良'), ('学校', '中学'), ('提高', '增进'), ('质量', '品质')]
>>> restore(spun, subs) == text
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Optional, Sequence

__all__ = ["Substitution", "spin", "restore", "spinner_table", "KINDS"]

KINDS = ("syn", "unit", "antonym", "place")


@dataclass(frozen=True)
class Substitution:
    """``original`` at ``start:end`` of the spun text was replaced by ``replacement``."""

    start: int
    end: int
    original: str
    replacement: str
    kind: str


@lru_cache(maxsize=1)
def spinner_table() -> dict[str, tuple[tuple[str, ...], str]]:
    """``word → (replacements, kind)`` in simplified script.

    >>> spinner_table()["质量"]
    (('品质',), 'syn')
    """
    table: dict[str, tuple[tuple[str, ...], str]] = {}
    text = resources.files("educorpus").joinpath("data/spinner/table.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, repl, kind = line.split("\t")
        if kind not in KINDS:
            raise ValueError(f"spinner table: {word!r} has unknown kind {kind!r}")
        table[word] = (tuple(repl.split("|")), kind)
    return table


@lru_cache(maxsize=1)
def _both_scripts() -> dict[str, tuple[tuple[str, ...], str]]:
    """The table plus its traditional form (keys that OpenCC s2t changes)."""
    import opencc

    s2t = opencc.OpenCC("s2t")
    table = dict(spinner_table())
    for word, (repls, kind) in spinner_table().items():
        tw = s2t.convert(word)
        if tw != word and tw not in table:
            table[tw] = (tuple(s2t.convert(r) for r in repls), kind)
    return table


def spin(
    text: str,
    *,
    rate: float = 0.8,
    seed: int = 0,
    kinds: Sequence[str] = KINDS,
    table: Optional[dict[str, tuple[tuple[str, ...], str]]] = None,
) -> tuple[str, list[Substitution]]:
    """Spin ``text``: returns the spun text and its substitutions (positions in the spun text).

    Deterministic for a given ``seed``. ``kinds`` limits the table to some kinds of entry
    (``("syn",)`` changes no numbers, antonyms or places).
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be in [0, 1], not {rate!r}")
    table = _both_scripts() if table is None else table
    table = {w: v for w, v in table.items() if v[1] in kinds}
    lengths = sorted({len(w) for w in table}, reverse=True)
    rng = random.Random(seed)
    out: list[str] = []
    subs: list[Substitution] = []
    pos = 0  # in the spun text
    i = 0
    n = len(text)
    while i < n:
        hit = None
        for ln in lengths:
            w = text[i : i + ln]
            if w in table:
                hit = w
                break
        if hit is not None and rng.random() < rate:
            repls, kind = table[hit]
            r = repls[rng.randrange(len(repls))]
            out.append(r)
            subs.append(Substitution(pos, pos + len(r), hit, r, kind))
            pos += len(r)
            i += len(hit)
        elif hit is not None:
            out.append(hit)  # left alone: a spinner does not look at the same word again
            pos += len(hit)
            i += len(hit)
        else:
            out.append(text[i])
            pos += 1
            i += 1
    return "".join(out), subs


def restore(spun: str, subs: Sequence[Substitution]) -> str:
    """Undo ``subs`` on ``spun`` (the original text back).

    >>> restore("甲乙丙", [Substitution(1, 2, "XY", "乙", "syn")])
    '甲XY丙'
    """
    for s in sorted(subs, key=lambda s: s.start, reverse=True):
        spun = spun[: s.start] + s.original + spun[s.end :]
    return spun
