"""Character classes and small text helpers shared by the cleaners.

Kept in one place so that every step agrees on what counts as a Han character or as Chinese
punctuation. Not handled: script-specific questions (simplified vs traditional), which belong to
the ``script`` step.
"""

from __future__ import annotations

import difflib

from ..document import Span

# Han ideographs: CJK Unified (+Ext A), compatibility ideographs, Ext B-H (astral)
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
KANA = "\u3040-\u30ff\u31f0-\u31ff"
# Chinese punctuation and symbols: CJK symbols block, full-width forms, curly quotes, dash, ellipsis
CJK_PUNCT = "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u201c\u201d\u2018\u2019\u2014\u2026\u00b7"
# what may stand on either side of punctuation that belongs to Chinese text
CJK_CONTEXT = HAN + KANA + CJK_PUNCT


def diff_spans(a: str, b: str, rule: str) -> list[Span]:
    """Spans that turn ``a`` into ``b``, found by a character diff of the part that differs.

    >>> diff_spans("abXcd", "abYcd", "r")
    [(2, 3, 'Y', 'r')]
    """
    if a == b:
        return []
    p = 0
    n = min(len(a), len(b))
    while p < n and a[p] == b[p]:
        p += 1
    s = 0
    while s < n - p and a[len(a) - 1 - s] == b[len(b) - 1 - s]:
        s += 1
    a_mid, b_mid = a[p : len(a) - s], b[p : len(b) - s]
    if len(a_mid) + len(b_mid) > 20000:  # a diff this large would be slow and unreadable anyway
        return [(p, len(a) - s, b_mid, rule)]
    spans: list[Span] = []
    sm = difflib.SequenceMatcher(None, a_mid, b_mid, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            spans.append((p + i1, p + i2, b_mid[j1:j2], rule))
    return spans
