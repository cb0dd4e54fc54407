"""Character classes and small text helpers shared by the cleaners.

Kept in one place so that every step agrees on what counts as a Han character or as Chinese
punctuation. Not handled: script-specific questions (simplified vs traditional), which belong to
the ``script`` step.
"""

from __future__ import annotations

import difflib
import re

from ..document import Span

# Han ideographs: CJK Unified (+Ext A), compatibility ideographs, Ext B-H (astral)
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
KANA = "\u3040-\u30ff\u31f0-\u31ff"
# Chinese punctuation and symbols: CJK symbols block, full-width forms, curly quotes, dash, ellipsis
CJK_PUNCT = "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u201c\u201d\u2018\u2019\u2014\u2026\u00b7"
# what may stand on either side of punctuation that belongs to Chinese text
CJK_CONTEXT = HAN + KANA + CJK_PUNCT


def common_ends(a: str, b: str) -> tuple[int, int]:
    """Lengths of the common prefix and of the common suffix of ``a`` and ``b`` (not overlapping
    in the shorter one): ``a[p:len(a) - s]`` and ``b[p:len(b) - s]`` are the parts that differ.

    >>> common_ends("abXcd", "abYYcd")
    (2, 2)
    >>> common_ends("aa", "aaa")
    (2, 0)
    """
    p = 0
    n = min(len(a), len(b))
    while p < n and a[p] == b[p]:
        p += 1
    s = 0
    while s < n - p and a[len(a) - 1 - s] == b[len(b) - 1 - s]:
        s += 1
    return p, s


def diff_spans(a: str, b: str, rule: str) -> list[Span]:
    """Spans that turn ``a`` into ``b``, found by a character diff of the part that differs.

    >>> diff_spans("abXcd", "abYcd", "r")
    [(2, 3, 'Y', 'r')]
    """
    if a == b:
        return []
    p, s = common_ends(a, b)
    a_mid, b_mid = a[p : len(a) - s], b[p : len(b) - s]
    if len(a_mid) + len(b_mid) > 20000:  # a diff this large would be slow and unreadable anyway
        return [(p, len(a) - s, b_mid, rule)]
    spans: list[Span] = []
    sm = difflib.SequenceMatcher(None, a_mid, b_mid, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            spans.append((p + i1, p + i2, b_mid[j1:j2], rule))
    return spans


class PhraseMatcher:
    """Finds occurrences of many fixed strings with one compiled trie-shaped regex.

    Matching runs in the regex engine (C), so a page costs one scan however many phrases there
    are; Python only sees the matches.

    >>> m = PhraseMatcher(["立德树人", "立德", "树人", "五育并举"])
    >>> m.find("坚持立德树人、五育并举")
    [(2, 6), (7, 11)]
    >>> m.find_all("立德树人")
    [(0, 4), (0, 2), (2, 4)]
    """

    def __init__(self, phrases):
        self.words = {p for p in phrases if p}
        self.lengths: dict[str, list[int]] = {}
        for p in self.words:
            self.lengths.setdefault(p[0], []).append(len(p))
        for v in self.lengths.values():
            v.sort()
        # distinct lengths, longest first: two phrases of one length and first character used to
        # report the same occurrence twice
        self._shorter = {ch: sorted(set(v), reverse=True) for ch, v in self.lengths.items()}
        body = _trie_pattern(sorted(self.words)) or "(?!)"
        self._longest = re.compile(body)
        # the leading class lets the regex engine skip positions no phrase starts at (a bare
        # lookahead gets no such prefix scan): about 3x faster on Chinese pages
        first = "".join(re.escape(ch) for ch in sorted(self.lengths))
        self._at_each = re.compile(f"(?=[{first}])(?=({body}))" if first else "(?!)")

    def find(self, text: str) -> list[tuple[int, int]]:
        """Leftmost-longest, non-overlapping occurrences."""
        return [m.span() for m in self._longest.finditer(text)]

    def find_all(self, text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, int]]:
        """Every occurrence, overlapping ones and shorter ones at one start included.

        With ``pos``/``endpos``, only occurrences inside ``text[pos:endpos]`` (offsets in ``text``).
        """
        return list(self.iter_all(text, pos, endpos))

    def iter_all(self, text: str, pos: int = 0, endpos: int | None = None):
        """:meth:`find_all` as a generator (a caller can stop early), ordered by start."""
        words, shorter = self.words, self._shorter
        for m in self._at_each.finditer(text, pos, len(text) if endpos is None else endpos):
            i, end = m.start(), m.end(1)
            yield i, end
            for ln in shorter[text[i]]:  # longest first, like the scan it replaces
                if i + ln < end and text[i : i + ln] in words:
                    yield i, i + ln


def _trie_pattern(words: list[str]) -> str:
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:  # a word ends here: longer continuations first (greedy), then stop
            return f"(?:{body})?"
        return body

    return build(trie)
