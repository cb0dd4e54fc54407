"""The normalized form used to compare records, and the hashes computed from it.

Two copies of an article should compare equal however each page was typeset: the normalized form
is the text in simplified script (OpenCC ``t2s``), NFKC-folded (full-width letters and digits to
ASCII), lower-cased, with every character that is not a letter or a digit removed (punctuation,
spacing, line breaks, symbols). It is used only for comparison and never written anywhere, so the
lossy folds that cleaning must avoid (NFKC) are fine here.

Not handled: variants that t2s does not fold (regional vocabulary such as 軟件/软体), and
numbers written differently (二〇二四年 vs 2024年).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

import numpy as np

# not a letter or a digit (``re``'s Unicode \w is letters, digits and ``_``); stripped *before*
# the slower NFKC and OpenCC passes, which then see only what is kept
_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def normal_form(text: str) -> str:
    """The comparison form of ``text``.

    >>> normal_form("教育部：「雙減」政策，9月1日起實施。")
    '教育部双减政策9月1日起实施'
    >>> normal_form("教育部:“双减”政策, ９月１日起实施") == normal_form("教育部：「雙減」政策，9月1日起實施。")
    True
    """
    return _t2s().convert(unicodedata.normalize("NFKC", _NOT_WORD.sub("", text))).lower()


def text_hash(norm: str) -> bytes:
    """A 128-bit digest of a normalized form (collisions are negligible at any corpus size)."""
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=16).digest()


def line_hash(*parts: str) -> int:
    """A 64-bit integer digest of ``parts`` (joined by NUL), for compact per-line bookkeeping."""
    return int.from_bytes(hashlib.blake2b("\0".join(parts).encode("utf-8"), digest_size=8).digest(), "little")


_MUL = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant (golden ratio): a good multiplicative mixer


def shingle_hashes(norm: str, n: int) -> np.ndarray:
    """32-bit hashes of the distinct character ``n``-grams of ``norm``, as a sorted ``uint32`` array.

    Deterministic across processes (unlike ``hash()``). A text shorter than ``n`` is one shingle;
    an empty text has none.

    >>> len(shingle_hashes("教育教育", 2))   # 教育, 育教 (教育 twice)
    2
    >>> len(shingle_hashes("", 3)), len(shingle_hashes("教育", 3))
    (0, 1)
    """
    if not norm:
        return np.zeros(0, dtype=np.uint32)
    cp = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(cp) < n:
        n = len(cp)
    count = len(cp) - n + 1
    if n <= 3:
        # code points fit in 21 bits, so up to three pack exactly into one 64-bit word
        h = np.zeros(count, dtype=np.uint64)
        for k in range(n):
            h = (h << np.uint64(21)) | cp[k : k + count]
    else:
        h = np.zeros(count, dtype=np.uint64)
        for k in range(n):
            h = (h ^ cp[k : k + count]) * _MUL
    h = (h * _MUL) >> np.uint64(32)  # the high half of the product mixes every input bit
    return sorted_unique(h.astype(np.uint32))


def sorted_unique(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values; by sorting (numpy 2's hash-based ``np.unique`` is many times slower
    on millions of int64 keys).

    >>> sorted_unique(np.array([5, 1, 5, 3, 1])).tolist()
    [1, 3, 5]
    """
    keys = np.sort(keys)
    if len(keys) < 2:
        return keys
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
