"""How a piece of text or a change is shown to a person: escaped, shortened, inline.

Shared by every report that quotes text — ``educorpus diff``, ``educorpus clean --explain``,
``educorpus check`` — so that a change reads the same way in each of them.

Not handled here: finding the changes (:mod:`educorpus.dataset.diff`, :mod:`educorpus.check`)
or terminal width: spans are cut by a character count, not by display columns.
"""

from __future__ import annotations

import unicodedata
from typing import Any

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
