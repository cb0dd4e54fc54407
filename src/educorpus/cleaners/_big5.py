"""UTF-8 read as Big5/CP950: the ``utf8-as-big5`` rule of the ``mojibake`` step.

What the damage leaves. CPython's CP950 (and Big5) decoder reads a byte below 0x80 as ASCII and
any other byte as the lead of a pair; when the pair is not in its table it writes one U+FFFD for
the lead byte alone and goes on at the next byte. UTF-8 Chinese is three bytes per character
(lead E2-EF, two continuation bytes 80-BF); Big5 leads start at A1, so every continuation byte
80-A0 is lost, a lead E4-E9 is lost when the byte after it is 80-A0, and a pair that reads is two
bytes of the UTF-8 stream taken together across its character boundaries (``举报电话`` = E4 B8 BE
E6 8A A5 ... reads ``銝暹�亦�...``). About half the bytes of a run are lost; but every byte keeps
its place: a U+FFFD (or the ``?`` a later pass wrote for it) is one byte, a Big5 character two, an
ASCII character one, so the run's byte stream is known with holes at known places.

The repair. Each character of a window around the suspicious place is turned back into its bytes
(holes as wildcards), and one Viterbi search over the window reads it in three phases: sound text
as it is, then a run read as UTF-8, then sound text again. In the run a UTF-8 character must fit
the known bytes, and every filled hole must be a byte the decoder fails on there (80-A0 always;
A1-FE only when the byte after it is no Big5 trail for it), so the holes are narrow: a lost
continuation byte has about 33 values, a lost lead a handful. A reading is scored as the shipped
character bigram statistics plus the word statistics score text (:mod:`educorpus.charstats`);
a step of the search reads one character or a whole dictionary word. Each state keeps its best
few readings of distinct output, so the search also knows the runner-up: the best reading that
reads the run differently.

A reading is kept only when (1) the run holds a Big5 pair that fits UTF-8 framing (clean Chinese
text written in Big5 hardly ever does: its trail bytes 40-7E are no continuation bytes), (2) it
beats the text as it is by a clear margin per character, and (3) it beats the runner-up by
:data:`MIN_MARGIN`. A run that passes (1) and (2) but not (3) is this damage with no sure reading:
the step leaves it as it is, and lets no other damage class guess it. About half the bytes of
such a run are lost (on the evaluation's damaged copies 19% of the characters lose all three
bytes and 34% two), the readings that fit are many (``电话``/``电视``, ``全市``/``部分``), and
statistics built from a dictionary rarely single out the true one: a fluent wrong reading is
worse than visible damage, so most runs stay.

Not handled: 4-byte UTF-8 (characters outside the BMP), a run that crosses a character CP950
cannot write (the decoder cannot have produced it), and runs whose true text is mostly characters
the statistics do not know.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from functools import lru_cache
from typing import NamedTuple, Optional

from ..charstats import _PUNCT_LOGP, CharStats, charstats, frozen_lists, is_han, wordstats
from ._redecode import failing_byte_check, utf8_len

W = -1  # a lost byte (U+FFFD)
Q = -2  # a "?": a lost byte a later pass wrote as "?", or a real question mark
BAR = -3  # a character CP950 cannot write: no run crosses it

# scores in natural-log units of the character statistics
ENTER_PENALTY = 6.0  # a run of damage begins here (a prior against reading sound text as damage)
FILL_COST = 1.5  # per filled byte: a reading guessed from lost bytes is weaker evidence
BEAM = 16  # states kept per byte position
MAX_STEPS = 150  # steps (characters or words) of the search from one byte position
KEEP = 3  # readings of distinct output kept per state (the runner-up must differ in the run)
MAX_FILL_CANDIDATES = 400  # characters (most frequent first) a pattern with two lost bytes may be
MIN_KNOWN_PAIRS = 1  # Big5 pairs of the run that must fit UTF-8 framing
MIN_GAIN_PER_CHAR = 3.0  # the reading beats the text as it is by this much per garbled character
MIN_MARGIN = 2.0  # the reading beats the runner-up (another reading of the run) by this much
MAX_WINDOW = 100  # characters a window holds at most (a search costs in proportion)
REACH_RIGHT = 40  # characters after the suspicious place a run may run on to
SCRIPT_PENALTY = 3.0  # a character of the other script (simplified/traditional) than the text around
MAX_WORD = 4  # longest dictionary word a step of the search reads
# a character outside a dictionary word (as WordStats scores one that jieba does not count as a
# word of its own; this search scores every such character so, the final check with WordStats)
SINGLE_PENALTY = -1.0


@lru_cache(maxsize=1)
def _fails():
    # the damage may come from CPython's cp950 or big5 decoder: a lost byte failed in one of them
    # (built on first use: importing the step must stay cheap)
    return failing_byte_check(("cp950", "big5"))


def fails(value: int, next_byte: Optional[int]) -> bool:
    """Whether the Big5 decoder fails on ``value`` as a lead with ``next_byte`` after it (None:
    the end of the data, where a lead byte fails for want of a trail)."""
    return _fails()(value, next_byte)


@lru_cache(maxsize=1)
def _universe() -> tuple:
    """``(bytes, char, logp1)`` of every character a run may read as: the Han characters the
    statistics count, CJK and general punctuation, full-width forms and Latin-1 symbols; most
    frequent first."""
    stats = charstats()
    chars = {c for c in stats.unigrams if len(c) == 1 and is_han(c)}
    chars.update(_PUNCT_LOGP)
    chars.update(chr(o) for o in range(0x3000, 0x3040))
    chars.update(chr(o) for o in range(0xFF01, 0xFF5F))
    chars.update(chr(o) for o in range(0x2010, 0x2028))
    chars.update(chr(o) for o in range(0x00A1, 0x0100))
    out = []
    for c in chars:
        b = c.encode("utf-8")
        if len(b) in (2, 3):
            out.append((b, c, stats.logp1(c)))
    out.sort(key=lambda t: -t[2])
    return tuple(out)


@lru_cache(maxsize=None)
def _index(length: int, mask: tuple) -> dict:
    """``known bytes -> [(bytes, char, logp1)]`` for UTF-8 characters of ``length`` bytes whose
    bytes at the ``mask`` positions are known."""
    index: dict = {}
    for b, c, lp in _universe():
        if len(b) != length:
            continue
        key = tuple(b[i] for i in range(length) if mask[i])
        index.setdefault(key, []).append((b, c, lp))
    return frozen_lists(index)


def _pattern_bytes(ch: str) -> tuple:
    if ch == "\ufffd":
        return (W,)
    if ch == "?":
        return (Q,)
    o = ord(ch)
    if o < 0x80:
        return (o,)
    try:
        b = ch.encode("cp950")
    except UnicodeEncodeError:
        return (BAR,)
    return tuple(b) if len(b) == 2 else (BAR,)


def _candidates(pat: list, pos: int) -> list:
    """UTF-8 characters that may start at byte ``pos``: ``(bytes, char, logp1, filled)``.

    Every filled byte must be one the decoder fails on, checked against the byte after it when
    that is known (inside the character, or the next known byte of the pattern). A filled last
    byte followed by a hole is checked when the next character is chosen."""
    n = len(pat)
    first = pat[pos]
    if first == BAR:
        return []
    out = []
    if first >= 0:
        if first < 0x80:
            return [(bytes((first,)), chr(first), None, 0)]
        lengths = [utf8_len(first)]
        if lengths[0] not in (2, 3):  # the universe holds two- and three-byte characters only
            return []
    else:
        lengths = [3, 2]
        if first == Q:
            out.append((b"?", "?", None, 0))
    for length in lengths:
        end = pos + length
        if end > n:
            continue
        seg = pat[pos:end]
        if any(b == BAR or 0 <= b < 0x80 for b in seg[1:]) or any(0 <= b < 0x80 for b in seg[:1] if length > 1):
            continue
        mask = tuple(b >= 0 for b in seg)
        key = tuple(b for b in seg if b >= 0)
        cands = _index(length, mask).get(key, ())
        holes = [j for j, b in enumerate(seg) if b < 0]
        nxt = pat[end] if end < n and pat[end] >= 0 else None
        taken = 0
        for b, c, lp in cands:
            ok = True
            for j in holes:
                after = b[j + 1] if j + 1 < length else nxt
                if after is None and j + 1 >= length and end < n:
                    continue  # the next byte is a hole too: checked with the next character
                if not fails(b[j], after):
                    ok = False
                    break
            if ok:
                out.append((b, c, lp, len(holes)))
                taken += 1
                if len(holes) >= 2 and taken >= MAX_FILL_CANDIDATES:
                    break
    return out


class Reading:
    """A repaired run: ``text[start:end]`` of the window reads as ``text`` (``chars`` with the
    byte pattern each was read from)."""

    __slots__ = ("start", "end", "chars", "score")

    def __init__(self, start, end, chars, score):
        self.start, self.end, self.chars, self.score = start, end, chars, score

    @property
    def text(self) -> str:
        return "".join(c for c, _p, _pos in self.chars)


@lru_cache(maxsize=1)
def _simplified() -> dict:
    """Each character of the universe -> its simplified form (OpenCC ``t2s`` one character at a
    time): the word list is simplified, a run may be traditional."""
    t2s = wordstats()._t2s
    out = {}
    for _b, c, _lp in _universe():
        v = t2s.convert(c)
        out[c] = v if len(v) == 1 else c
    return out


class _WordIndex:
    """``first char -> second char -> [(word, logp)]`` for the word statistics' words of two to
    :data:`MAX_WORD` characters (simplified), each first character's part built when it is
    first asked for (``get``).

    Building it all at once cost about 0.5 s per process (a Python loop over 340,000 words), of
    which a run needs the few dozen first characters it meets: here the words are sorted once
    (in C), a first character's words are a slice of that list, and each list keeps the order
    of the dictionary file, as the index built in one pass had it (ties are broken by it)."""

    def __init__(self, words) -> None:
        self._freq = words.freq
        self._lt = words.log_total
        keys = [w for w in words.freq if 2 <= len(w) <= MAX_WORD]
        self._pos = dict(zip(keys, range(len(keys))))
        keys.sort()
        # a tuple: the garbage collector stops visiting its 330,000 strings once it has seen
        # them (a list is visited by every full collection; see charstats.frozen_lists)
        self._sorted = tuple(keys)
        self._parts: dict = {}

    def get(self, first: str, default=None):
        part = self._parts.get(first)
        if part is None:
            lo = bisect_left(self._sorted, first)
            hi = bisect_left(self._sorted, first + "\U0010ffff", lo)
            part = {}
            freq, lt, log = self._freq, self._lt, math.log
            for w in sorted(self._sorted[lo:hi], key=self._pos.__getitem__):
                part.setdefault(w[1], []).append((w, log(freq[w]) - lt))
            part = self._parts[first] = frozen_lists(part)
        return part or default


@lru_cache(maxsize=1)
def _word_index() -> _WordIndex:
    return _WordIndex(wordstats())


def _sound_words(window: str) -> dict:
    """``index -> [(length, logp)]``: words of the word statistics in the window as it is."""
    simp = _simplified()
    s = "".join(simp.get(c, c) for c in window)
    index = _word_index()
    out: dict = {}
    for k in range(len(s) - 1):
        sub = index.get(s[k])
        if not sub:
            continue
        for w, lp in sub.get(s[k + 1], ()):
            if s.startswith(w, k):
                out.setdefault(k, []).append((len(w), lp))
    return out


def decode_window(window: str, prev: str, stats: CharStats, script: str = "", work: Optional[list] = None) -> tuple:
    """``(reading, margin)``: the best three-phase reading of ``window`` (sound, damaged, sound),
    or None when reading it all as it is scores best, and how much better it is than the best
    reading of the window that differs from it. ``prev`` is the character before the window; ``script``
    (``"s"``/``"t"``/``""``) that of the text around it: a character of the other script read in
    the run pays :data:`SCRIPT_PENALTY`.

    A reading is scored as the character bigram statistics plus the word statistics score a
    text (:meth:`CharStats.score` + :meth:`WordStats.score`): each step of the search reads one
    character, or a whole dictionary word, so that ``全市`` can win over ``部分`` where every
    byte of both was lost but the word fits its neighbours.

    ``work`` (``[0]``) counts the readings offered to the states, which is what the search costs
    (the mojibake step's budget, see ``mojibake.SearchBudget``)."""
    work = [0] if work is None else work
    scripts = stats.scripts
    simp = _simplified()
    windex = _word_index()
    pats = [_pattern_bytes(ch) for ch in window]
    pat: list = []
    char_at: dict = {}  # byte offset -> index of the window character starting there
    for k, p in enumerate(pats):
        char_at[len(pat)] = k
        pat.extend(p)
    n = len(pat)
    char_at[n] = len(window)
    logp1 = stats.logp1
    logp2 = stats.logp2
    sound_words = _sound_words(window)
    # states at a byte offset: key (phase, last char) -> the best two [(score, output text, chain)]
    # of distinct output; chain is a linked list (previous chain, step): a step is the
    # (char, pattern, offset) items of phase-1 characters read, or the byte offset where a run ended
    states: list = [dict() for _ in range(n + 1)]
    states[0][(0, prev)] = [(0.0, "", None)]
    cand_cache: dict = {}

    def cands_at(pos):
        c = cand_cache.get(pos)
        if c is None:
            c = cand_cache[pos] = _candidates(pat, pos)
        return c

    by_simp_cache: dict = {}

    def by_simp(pos):
        m = by_simp_cache.get(pos)
        if m is None:
            m = {}
            if pos < n:
                for b, c, _lp, f in cands_at(pos):
                    if len(b) > 1:
                        m.setdefault(simp.get(c, c), []).append((b, c, f))
            by_simp_cache[pos] = m
        return m

    def pen(c):
        return SCRIPT_PENALTY if script and scripts.get(c, script) != script else 0.0

    def joins(prev_b, prev_end, b):
        # a filled last byte followed by a hole: the decoder failed on it with this next byte
        return not (pat[prev_end - 1] < 0 and pat[prev_end] < 0) or fails(prev_b[-1], b[0])

    edge_cache: dict = {}

    def edges(pos):
        """Phase-1 steps from ``pos``: ``(end, items, score, first char, first bytes)``."""
        e = edge_cache.get(pos)
        if e is not None:
            return e
        e = []
        cands = cands_at(pos)
        for b, c, _lp, f in cands:
            end = pos + len(b)
            item = (c, tuple(pat[pos:end]), pos)
            e.append((end, (item,), logp1(c) + SINGLE_PENALTY - FILL_COST * f - pen(c), c, b))
            sub = windex.get(simp.get(c, c)) if len(b) > 1 else None
            if not sub:
                continue
            m2 = by_simp(end)
            keys = sub.keys() if len(sub) < len(m2) else m2.keys()
            for s2 in keys:
                if s2 not in sub or s2 not in m2:
                    continue
                for b2, c2, f2 in m2[s2]:
                    if not joins(b, end, b2):
                        continue
                    end2 = end + len(b2)
                    base = logp2(c, c2) - FILL_COST * (f + f2) - pen(c) - pen(c2)
                    items = (item, (c2, tuple(pat[end:end2]), end))
                    for w, wlp in sub[s2]:
                        if len(w) == 2:
                            e.append((end2, items, base + wlp, c, b))
                            continue
                        _extend(w, 2, end2, b2, c2, items, base + wlp, e, c, b, by_simp, joins, pen, logp2, pat)
        if len(e) > MAX_STEPS:
            # the likeliest steps on their own: a character no word holds and the statistics find
            # rare will not win on the bigram from one state
            e.sort(key=lambda t: -t[2])
            del e[MAX_STEPS:]
        edge_cache[pos] = e
        return e

    def add(pos, key, score, out, chain):
        # keep the best two entries of distinct output text per state: the runner-up of the whole
        # window is then the best reading that differs from the best one somewhere
        work[0] += 1
        lst = states[pos].get(key)
        entry = (score, out, chain)
        if lst is None:
            states[pos][key] = [entry]
            return
        for k, e in enumerate(lst):
            if e[1] == out:
                if score > e[0]:
                    lst[k] = entry
                    lst.sort(key=lambda e: -e[0])
                return
        if len(lst) < KEEP:
            lst.append(entry)
            lst.sort(key=lambda e: -e[0])
        elif score > lst[-1][0]:
            lst[-1] = entry
            lst.sort(key=lambda e: -e[0])

    for pos in range(n):
        here = states[pos]
        if not here:
            continue
        boundary = pos in char_at
        if boundary and pos > 0:
            # a run ends where a character boundary of the window meets one of the reading
            for key, lst in list(here.items()):
                if key[0] == 1:
                    for sc, out, chain in lst:
                        add(pos, (2, key[1]), sc, out, (chain, pos))
        if len(here) > BEAM:
            keep = sorted(here.items(), key=lambda kv: -kv[1][0][0])[:BEAM]
            here = states[pos] = dict(keep)
        for key, lst in list(here.items()):
            phase, last = key
            if boundary and phase in (0, 2):
                k = char_at[pos]
                ch = window[k]
                nxt = pos + len(pats[k])
                for score, out, chain in lst:
                    s = score + logp2(last, ch)
                    add(nxt, (phase, ch), s + logp1(ch) + SINGLE_PENALTY, out + ch, chain)
                    for length, wlp in sound_words.get(k, ()):
                        w = window[k : k + length]
                        add(pos + sum(len(p) for p in pats[k : k + length]), (phase, w[-1]), s + stats.score(w[1:], ch) + wlp, out + w, chain)
            if phase == 2 or (phase == 0 and not boundary):
                continue
            # a phase-1 step starts here (entering the run, or going on in it)
            # a filled last byte of the previous character, followed by a hole: check it now
            pend = None
            if phase == 1 and pos > 0 and pat[pos - 1] < 0 and pat[pos] < 0 and len(last.encode("utf-8")) > 1:
                pend = last.encode("utf-8")[-1]
            steps = edges(pos)
            for score, out, chain in lst:
                base = score - (ENTER_PENALTY if phase == 0 else 0.0)
                for end, items, sc, first, b in steps:
                    if pend is not None and not fails(pend, b[0]):
                        continue
                    add(end, (1, items[-1][0]), base + logp2(last, first) + sc, out + "".join(i[0] for i in items), (chain, items))
    # the end: a run may close the window
    final = states[n]
    for key, lst in list(final.items()):
        if key[0] == 1:
            for sc, out, chain in lst:
                add(n, (2, key[1]), sc, out, (chain, n))
    entries = sorted((e for key, lst in final.items() if key[0] != 1 for e in lst), key=lambda e: -e[0])
    if not entries:
        return None, 0.0
    best = entries[0]
    # back-track the chain of the best entry
    chain = best[2]
    if chain is None:
        return None, 0.0  # the window as it is reads best
    chars: list = []
    end_byte = start_byte = None
    while chain is not None:
        chain, items = chain
        if isinstance(items, int):
            end_byte = items
        else:
            chars.extend(reversed(items))
            start_byte = items[0][2]
    chars.reverse()
    start, end = char_at[start_byte], char_at[end_byte]
    # the runner-up: the best reading that reads the run differently (one that differs only
    # elsewhere in the window says nothing about this run)
    head, tail = window[:start], window[end:]
    body = "".join(c for c, _p, _o in chars)
    margin = math.inf
    for e in entries[1:]:
        out = e[1]
        if out.startswith(head) and out.endswith(tail) and out[len(head) : len(out) - len(tail)] == body:
            continue
        margin = best[0] - e[0]
        break
    return Reading(start, end, chars, best[0]), margin


def _extend(w, i, pos, prev_b, prev_c, items, score, out, first, first_b, by_simp, joins, pen, logp2, pat):
    """Match the rest of word ``w`` (from its ``i``-th character) at byte ``pos``."""
    for b, c, f in by_simp(pos).get(w[i], ()):
        if not joins(prev_b, pos, b):
            continue
        end = pos + len(b)
        s = score + logp2(prev_c, c) - FILL_COST * f - pen(c)
        it = items + ((c, tuple(pat[pos:end]), pos),)
        if i + 1 == len(w):
            out.append((end, it, s, first, first_b))
        else:
            _extend(w, i + 1, end, b, c, it, s, out, first, first_b, by_simp, joins, pen, logp2, pat)


_CACHE: dict = {}  # window -> its decoding: the places of one cluster share a window


class Verdict(NamedTuple):
    start: int
    end: int
    text: str  # the best reading of text[start:end]
    sure: bool  # no other reading comes close: repair; else the run is damage to leave as it is


def repair(text: str, c0: int, c1: int, line_start: int, line_end: int, budget=None) -> Optional[Verdict]:
    """The :class:`Verdict` on a UTF-8-read-as-Big5 run covering the suspicious place
    ``text[c0:c1]``, or None when no such run reads clearly better than the text as it is.
    ``budget`` (the mojibake step's ``SearchBudget``) is charged for each window once."""
    stats = charstats()
    # a run cannot cross a character CP950 cannot write: the window is the stretch of writable
    # characters around the place, at most MAX_WINDOW of them (traditional text is all writable),
    # anchored on the end of the cluster, so that every place the step tries in one cluster
    # shares the window (and its search, see _CACHE)
    floor = max(line_start, min(c0, c1 - MAX_WINDOW + REACH_RIGHT))
    lo = c0
    while lo > floor and _pattern_bytes(text[lo - 1]) != (BAR,):
        lo -= 1
    hi = c1
    while hi < line_end and hi - c1 < REACH_RIGHT and _pattern_bytes(text[hi]) != (BAR,):
        hi += 1
    window = text[lo:hi]
    if len(window) < 2 or ("\ufffd" not in window and "?" not in window):
        return None  # half the bytes of a run are lost: a run without a hole is not this damage
    prev = text[lo - 1] if lo > line_start else ""
    # the script of the line around the suspicious place (the garbled run itself looks traditional)
    script = stats.script_of(text[max(line_start, lo - 300) : lo] + text[hi : min(line_end, hi + 300)])
    key = (window, prev, script)
    if key not in _CACHE:
        if len(_CACHE) > 64:
            _CACHE.clear()
        work = [0]
        _CACHE[key] = decode_window(window, prev, stats, script, work) + (work[0],)
    reading, margin, cost = _CACHE[key]
    if budget is not None:
        # charged whether or not _CACHE had it (the cache outlives the document: what a document
        # may spend must not depend on the documents before it), once per window and document
        budget.window((lo, hi, key), cost)
    if reading is None:
        return None
    start, end = lo + reading.start, lo + reading.end
    if not start <= c0 < end:
        return None  # a run elsewhere in the window: its own cluster will find it
    garbled = text[start:end]
    new = reading.text
    if new == garbled or "\ufffd" in new:
        return None
    # (1) evidence: Big5 pairs of the run that the UTF-8 reading had to fit
    pairs = sum(1 for ch in garbled if ord(ch) >= 0x80 and ch != "\ufffd")
    if pairs < MIN_KNOWN_PAIRS:
        return None
    # (2) clearly better than the text as it is
    words = wordstats()
    before = text[max(line_start, start - 2) : start]
    after = text[end : min(line_end, end + 2)]
    old = stats.score(before + garbled + after) + words.score(before + garbled + after)
    filled = sum(1 for c, p, _o in reading.chars for b in p if b < 0 and c != "?")
    new_s = stats.score(before + new + after) + words.score(before + new + after) - FILL_COST * filled - ENTER_PENALTY
    if new_s - old < MIN_GAIN_PER_CHAR * len(garbled):
        return None
    # (3) the reading is clearly the best: no other reading of the window comes close; if one
    # does, the run is still this damage, only its reading is uncertain
    return Verdict(start, end, new, margin >= MIN_MARGIN)


