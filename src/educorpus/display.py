"""How a piece of text or a change is shown to a person: escaped, shortened, inline.

Shared by every report that quotes text — ``educorpus diff``, ``educorpus clean --explain``,
``educorpus check`` — so that a change reads the same way in each of them.

A change is narrowed here to the characters that differ (:func:`changed_parts`), the one
character alignment every report uses, bounded in cost for the paragraphs of a user's page.

Not handled here: which texts are compared (the lines and paragraphs that
:mod:`educorpus.dataset.diff` and :mod:`educorpus.check` pair up, the edits ``clean --explain``
replays); changing an edit (narrowing is for display only: the edit log, a dataset's edit
records and their summaries keep each edit whole); terminal width: spans are cut by a character
count, not by display columns.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from itertools import compress, count
from operator import ne
from typing import Any, Optional

_INVISIBLE = {"\t": "\\t", "\r": "\\r"}


def shorten(value: Any, limit: int = 80) -> Any:
    """Strings longer than ``limit`` keep their head and tail around a count of what was cut.

    >>> shorten("甲" * 100, 20)
    '甲甲甲甲甲甲甲甲甲甲甲甲甲…(+84)…甲甲甲'
    """
    if isinstance(value, str) and len(value) > limit:
        # the end of a changed span says as much as its start (where a paragraph was cut, what a
        # footer ended with); the count tells how much is not shown
        head, tail = limit * 2 // 3, limit // 6
        return f"{value[:head]}…(+{len(value) - head - tail})…{value[len(value) - tail:]}"
    return value


def visible(s: str) -> str:
    r"""Line breaks as ⏎, other characters that print as nothing or as a blank as escapes.

    A cleaning change is often exactly such a character (an indentation of U+3000, a zero-width
    space, a control character): printed as it is, the diff would show ``[--]``.

    >>> visible("甲\n\u3000\u3000乙\u200b丙\t丁 戊")
    '甲⏎\\u3000\\u3000乙\\u200b丙\\t丁 戊'
    """
    out = []
    for c in s:
        if c == "\n":
            out.append("⏎")
        elif c in _INVISIBLE:
            out.append(_INVISIBLE[c])
        elif c != " " and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"):
            out.append(f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}")
        else:
            out.append(c)
    return "".join(out)


def format_change(change: dict[str, Any]) -> str:
    r"""A change ``{"old", "new", "before", "after"}`` as ``…context[-removed-]{+added+}context…``, shortened and escaped.

    ``before`` and ``after`` are the unchanged text around it, shown whole (the caller cuts them).

    >>> format_change({"old": "\u3000\u3000", "new": "", "before": "⏎", "after": "教育"})
    '…⏎[-\\u3000\\u3000-]教育…'
    """
    removed = f"[-{visible(shorten(change['old']))}-]" if change["old"] else ""
    added = f"{{+{visible(shorten(change['new']))}+}}" if change["new"] else ""
    return f"…{visible(change['before'])}{removed}{added}{visible(change['after'])}…"


# --- narrowing a change to the characters that differ -------------------------------------------
#
# An edit of the log may cover a whole paragraph (a script conversion, normalize edits merged
# because they touched): quoted whole, cut to head…tail, it hides which characters changed. The
# reports below show it narrowed; the edit itself (provenance) is never changed.

# Characters per side of a difference beyond which SequenceMatcher is not run: its time grows
# faster than the square of the length (CPU, Chinese text converted by OpenCC: 1,000 characters
# 0.008 s, 2,000 0.036 s, 4,000 0.22 s, 8,000 1.5 s, 16,000 12 s; "abab…" against "baba…", its
# worst shape, 2,000 0.25 s). Past it a difference of equal length is aligned position by position
# and any other is walked (_walked), both linear.
ALIGN_LIMIT = 2000

# Longest run of differing positions taken for a conversion: OpenCC's runs on the seeds, in every
# target script, are at most 6 long (a converted phrase). A longer run, or one that looks shifted,
# is checked against SequenceMatcher (see _moved).
_CONVERSION_RUN = 8

Part = tuple[int, int, int, int]  # old[i1:i2] became new[j1:j2]


def _common_prefix(a: str, b: str) -> int:
    # binary search on slices: a few comparisons made in C, where a loop over the characters of
    # a 1 MB paragraph in Python takes a tenth of a second
    lo, hi = 0, min(len(a), len(b))
    if hi == 0 or a[0] != b[0]:
        return 0
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit
    if hi == 0 or a[-1] != b[-1]:
        return 0
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid : len(a) - lo] == b[len(b) - mid : len(b) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _positional(a: str, b: str) -> list[Part]:
    """Runs of differing positions of two strings of one length."""
    parts: list[Part] = []
    start = prev = -2
    for i in compress(count(), map(ne, a, b)):  # the differing positions, found in C
        if i != prev + 1:
            if start >= 0:
                parts.append((start, prev + 1, start, prev + 1))
            start = i
        prev = i
    if start >= 0:
        parts.append((start, prev + 1, start, prev + 1))
    return parts


def _moved(a: str, b: str, parts: list[Part]) -> bool:
    """Whether a run of differing positions looks like text moved rather than converted.

    Text that moved by a character or three (one inserted before it, one removed after it) is
    equal to itself shifted; a converted run is not (a traditional character is not the
    simplified one beside it). A run longer than any conversion makes is suspect too.
    """
    for i1, i2, _j1, _j2 in parts:
        n = i2 - i1
        if n > _CONVERSION_RUN:
            return True
        for d in range(1, min(n, 4)):
            if a[i1 + d : i2] == b[i1 : i2 - d] or a[i1 : i2 - d] == b[i1 + d : i2]:
                return True
    return False


def _matched(a: str, b: str) -> list[Part]:
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in ops if tag != "equal"]


# Past ALIGN_LIMIT (a page whose every line changed, a long paragraph whose length changed) the
# texts are walked once: after a difference, the nearest place where _SYNC characters agree again
# within _WINDOW characters ahead on each side. Six Han characters rarely repeat by chance that
# close; a difference longer than the window ends the walk (the rest is one change).
_SYNC = 6
_WINDOW = 200


def _equal_run(a: str, i: int, b: str, j: int) -> int:
    """Length of the common prefix of ``a[i:]`` and ``b[j:]``, compared in blocks (no copy of the tails)."""
    k, step = 0, 64
    while True:
        x, y = a[i + k : i + k + step], b[j + k : j + k + step]
        if x == y:
            if len(x) < step:
                return k + len(x)
            k += step
            step = min(step * 2, 4096)
        else:
            return k + _common_prefix(x, y)


def _walked(a: str, b: str) -> list[Part]:
    """Differences found by walking both texts once, resuming where they agree again (linear)."""
    parts: list[Part] = []
    i = j = 0
    n, m = len(a), len(b)
    while True:
        k = _equal_run(a, i, b, j)
        i, j = i + k, j + k
        if i >= n or j >= m:
            break
        best = None  # (di + dj, di, dj) of the nearest place the texts agree again
        for di in range(_WINDOW):
            if best is not None and di >= best[0]:
                break
            probe = a[i + di : i + di + _SYNC]
            if len(probe) < _SYNC:
                break
            pos = b.find(probe, j, j + _WINDOW + _SYNC)
            if pos >= 0 and (best is None or di + pos - j < best[0]):
                best = (di + pos - j, di, pos - j)
        if best is None:
            break
        di, dj = best[1], best[2]
        if di and dj:
            # the stretch between is at most _WINDOW a side: SequenceMatcher finds what agrees in
            # it (a line break added before a word whose comma changed: two changes, not one)
            parts.extend((i + p1, i + p2, j + q1, j + q2) for p1, p2, q1, q2 in _matched(a[i : i + di], b[j : j + dj]))
        else:
            parts.append((i, i + di, j, j + dj))
        i, j = i + di, j + dj
    if i < n and j < m and max(n - i, m - j) <= _WINDOW + _SYNC:
        # a short rest (too short to resume in, or the last difference of the text): aligned
        parts.extend((i + p1, i + p2, j + q1, j + q2) for p1, p2, q1, q2 in _matched(a[i:], b[j:]))
    elif i < n or j < m:
        parts.append((i, n, j, m))
    return parts


def _marked(parts: list[Part]) -> int:
    return sum(i2 - i1 + j2 - j1 for i1, i2, j1, j2 in parts)


def changed_parts(old: str, new: str, *, gap: int = 0, limit: int = ALIGN_LIMIT) -> list[Part]:
    """Where ``old`` and ``new`` differ: ``(i1, i2, j1, j2)``, ``old[i1:i2]`` became ``new[j1:j2]``, in order.

    The common head and tail are left out; in between, a conversion that keeps the length (one
    character for another, as OpenCC and full-width punctuation do) is compared position by
    position, anything else by :class:`difflib.SequenceMatcher` up to ``limit`` characters a side
    and past that by one walk through both texts, which resumes where six characters agree again
    (a difference with no such place within 200 characters ends it: the rest is one change).
    Parts separated by at most ``gap`` unchanged characters are joined into one.

    >>> changed_parts("他說，學校說", "他说，学校说")
    [(1, 2, 1, 2), (3, 4, 3, 4), (5, 6, 5, 6)]
    >>> changed_parts("甲乙丙丁", "甲丙丁戊")
    [(1, 2, 1, 1), (4, 4, 3, 4)]
    """
    if old == new:
        return []
    p = _common_prefix(old, new)
    s = _common_suffix(old, new, min(len(old), len(new)) - p)
    a, b = old[p : len(old) - s], new[p : len(new) - s]
    small = max(len(a), len(b)) <= limit
    if not a or not b:
        parts = [(0, len(a), 0, len(b))]
    elif len(a) == len(b):
        parts = _positional(a, b)
        if small and _moved(a, b, parts):
            # text may have moved: take whichever alignment marks fewer characters as changed
            other = _matched(a, b)
            if _marked(other) < _marked(parts):
                parts = other
    elif small:
        parts = _matched(a, b)
    else:
        parts = _walked(a, b)
    if gap > 0 and len(parts) > 1:
        joined = [parts[0]]
        for i1, i2, j1, j2 in parts[1:]:
            q1, q2, r1, r2 = joined[-1]
            if i1 - q2 <= gap:
                joined[-1] = (q1, i2, r1, j2)
            else:
                joined.append((i1, i2, j1, j2))
        parts = joined
    return [(i1 + p, i2 + p, j1 + p, j2 + p) for i1, i2, j1, j2 in parts]


def line_starts(text: str) -> list[int]:
    """Offsets where the lines of ``text`` start, for :func:`line_column`."""
    return [0, *(m.end() for m in re.finditer("\n", text))]


def line_column(starts: list[int], offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset``, given :func:`line_starts` of the text.

    >>> line_column(line_starts("甲\\n乙丙"), 3)
    (2, 2)
    """
    k = bisect_right(starts, offset) - 1
    return k + 1, offset - starts[k] + 1


def narrow_change(
    text: str,
    position: int,
    old: str,
    new: str,
    *,
    context: int = 8,
    starts: Optional[list[int]] = None,
    whole_up_to: int = 0,
) -> list[dict[str, Any]]:
    """The change of ``text[position:position+len(old)]`` into ``new``, narrowed to what differs.

    One ``{"line", "column", "old", "new", "before", "after"}`` per changed part (as
    :func:`format_change` takes it), placed and given ``context`` characters on each side in
    ``text``. ``starts`` is :func:`line_starts` of ``text``, when the caller has it. An edit of
    at most ``whole_up_to`` characters a side is one change (its common ends still left out): a
    short edit reads better whole than split into changes that repeat each other's context.

    >>> narrow_change("甲\\n他說:好", 2, "他說:好", "他说：好", context=2)
    [{'line': 2, 'column': 2, 'old': '說:', 'new': '说：', 'before': '\\n他', 'after': '好'}]
    """
    if starts is None:
        starts = line_starts(text)
    parts = changed_parts(old, new)
    if len(parts) > 1 and max(len(old), len(new)) <= whole_up_to:
        parts = [(parts[0][0], parts[-1][1], parts[0][2], parts[-1][3])]
    out = []
    for i1, i2, j1, j2 in parts:
        at, end = position + i1, position + i2
        line, column = line_column(starts, at)
        out.append(
            {
                "line": line,
                "column": column,
                "old": old[i1:i2],
                "new": new[j1:j2],
                "before": text[max(0, at - context) : at],
                "after": text[end : end + context],
            }
        )
    return out


def change_pair(change: dict[str, Any]) -> str:
    """A change without context: ``說→说``, ``[-removed-]``, ``{+added+}``, escaped and cut at 20."""
    old, new = visible(shorten(change["old"], 20)), visible(shorten(change["new"], 20))
    if not change["new"]:
        return f"[-{old}-]"
    if not change["old"]:
        return f"{{+{new}+}}"
    return f"{old}→{new}"


def most_frequent(changes: list[dict[str, Any]], top: int = 5) -> str:
    """The changes made more than once, most frequent first: ``說→说 ×31, 國→国 ×12``.

    A converted page repeats a few characters hundreds of times; listed once each with a count,
    they read at a glance where the positions would fill a screen.
    """
    counts = Counter(change_pair(c) for c in changes)
    return ", ".join(f"{pair} ×{n}" for pair, n in counts.most_common(top) if n > 1)


def change_items(changes: list[dict[str, Any]], limit: int, indent: str = "") -> list[str]:
    r"""Narrowed changes one per line as ``LINE:COLUMN: …context[-removed-]{+added+}context…``, at most ``limit``.

    Past ``limit`` one line counts the rest and names the changes made more than once (a
    converted page repeats ``說→说`` hundreds of times: the count says more than the places).

    >>> cs = narrow_change("說了說，說", 0, "說了說，說", "说了说，说")
    >>> change_items(cs, 1)
    ['1:1: …[-說-]{+说+}了說，說…', '… and 2 more change(s); made more than once: 說→说 ×3']
    """
    out = [f"{indent}{c['line']}:{c['column']}: {format_change(c)}" for c in changes[:limit]]
    if len(changes) > limit:
        rest = f"{indent}… and {len(changes) - limit} more change(s)"
        frequent = most_frequent(changes)
        out.append(f"{rest}; made more than once: {frequent}" if frequent else rest)
    return out
