"""Re-reading garbled text as the bytes it came from: codec tables and a lattice decoder.

A garbled run is turned back into bytes with the codec that produced it (the *source*, e.g.
GB18030 for ``鏁欒偛閮ㄥ叧``), and those bytes are read again with the codec they were written in
(the *target*, e.g. UTF-8). Bytes the damage destroyed (``?`` and U+FFFD stand for one byte each,
as CPython's CJK codecs replace one byte per error) are *wildcards*; a run's characters may have
alternative byte readings (``!`` may have been ``！`` = A3 A1 before a later pass folded it). The
decoder walks this byte lattice and keeps, for each position, the best readings under the
character statistics (:mod:`educorpus.charstats`), so wildcards are filled with the bytes that make
the most plausible text.

Not handled here: deciding *whether* a reading is better than the garbled text (the ``mojibake``
step does that), 4-byte GB18030 sequences, and UTF-8 sequences longer than 3 bytes.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Optional, Sequence

from ..charstats import _DIGITS, _LOG_BACKOFF, CharStats, _PUNCT_LOGP, charstats, frozen_lists, is_han

SCRIPT_PENALTY = 3.0
W_MISMATCH_PENALTY = 3.0  # a filled byte the source decoder would have read with the next byte  # a reading switching between simplified-only and traditional-only characters
COMMON_FOR_GUESS = 20000  # a character guessed from two destroyed bytes is at least this frequent
MAX_GUESSES = 150  # ... and one of the this many most frequent that fit
_TIE = 1e-6  # scores closer than this are treated as tied when pruning (rounding differs)
W = -1  # a wildcard byte: some byte >= 0x80 that the damage destroyed

TRAILS_GB = tuple(range(0x40, 0x7F)) + tuple(range(0x80, 0xFF))


@dataclass(frozen=True)
class TwoByteCodec:
    """A double-byte codec (GB18030's two-byte part, CP950) as lookup tables."""

    name: str
    pairs: dict  # (lead, trail) -> char
    by_lead: dict  # lead -> [(trail, char)]
    by_trail: dict  # trail -> [(lead, char)]
    common: tuple  # [(lead, trail, char)] for two wildcards in a row: frequent characters only

    def encode(self, ch: str) -> Optional[bytes]:
        return _encode(self.name, ch)

    def is_lead(self, b: int) -> bool:
        return b in self.by_lead


@lru_cache(maxsize=65536)
def _encode(name: str, ch: str) -> Optional[bytes]:
    # every garbled run asks for the bytes of its characters again at each start it tries
    try:
        b = ch.encode(name)
    except UnicodeEncodeError:
        return None
    return b if len(b) <= 2 else None


@lru_cache(maxsize=None)
def two_byte(name: str) -> TwoByteCodec:
    """Tables of every valid two-byte sequence of ``name`` (``gb18030`` or ``cp950``).

    >>> two_byte("gb18030").pairs[(0xBD, 0xCC)], two_byte("cp950").pairs[(0xB1, 0xD0)]
    ('教', '教')
    """
    pairs: dict = {}
    by_lead: dict = {}
    by_trail: dict = {}
    for lead in range(0x81, 0xFF):
        for trail in TRAILS_GB:
            try:
                ch = bytes((lead, trail)).decode(name)
            except UnicodeDecodeError:
                continue
            if len(ch) != 1 or 0xE000 <= ord(ch) <= 0xF8FF:
                # user-defined areas decode to private use: never a plausible *reading*
                continue
            pairs[(lead, trail)] = ch
            by_lead.setdefault(lead, []).append((trail, ch))
            by_trail.setdefault(trail, []).append((lead, ch))
    unigrams = charstats().unigrams
    common = tuple(
        sorted(
            ((l, t, ch) for (l, t), ch in pairs.items() if unigrams.get(ch, 0) >= COMMON_FOR_GUESS or ch in _PUNCT_LOGP),
            key=lambda x: -unigrams.get(x[2], 10**9),
        )[:MAX_GUESSES]
    )
    return TwoByteCodec(name, pairs, frozen_lists(by_lead), frozen_lists(by_trail), common)


@lru_cache(maxsize=1)
def _utf8_universe(stats: CharStats) -> tuple:
    """Characters a wildcard in UTF-8 may stand for: counted Han characters and Chinese punctuation."""
    chars = [c for c in stats.unigrams if len(c) == 1 and is_han(c)] + list(_PUNCT_LOGP)
    out = []
    for c in chars:
        b = c.encode("utf-8")
        if len(b) == 3:
            out.append((b, c))
    return tuple(out)


@lru_cache(maxsize=None)
def _utf8_index(stats: CharStats, mask: tuple, common: bool = False) -> dict:
    """``known bytes -> [(bytes, char)]`` for a mask of known positions of a 3-byte sequence
    (``common``: only characters counted at least :data:`COMMON_FOR_GUESS` times)."""
    index: dict = {}
    for b, c in _utf8_universe(stats):
        if common and stats.unigrams.get(c, COMMON_FOR_GUESS) < COMMON_FOR_GUESS:
            continue
        key = tuple(b[i] for i in range(3) if mask[i])
        index.setdefault(key, []).append((b, c))
    if common:
        # most frequent first, at most MAX_GUESSES: two destroyed bytes leave too much to guess
        for key, lst in index.items():
            lst.sort(key=lambda bc: -stats.unigrams.get(bc[1], 10**9))
            del lst[MAX_GUESSES:]
    return frozen_lists(index)


def utf8_len(lead: int) -> int:
    if lead < 0x80:
        return 1
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


@dataclass(frozen=True)
class Token:
    """One character of the garbled run with the byte strings it may stand for.

    ``alts`` holds ``(bytes, penalty, kind)``; kind ``"fold"`` and ``"drop"`` alternatives are
    only taken where a two-byte character is half read (a pending lead byte).
    """

    gpos: int  # index of the character in the garbled text
    alts: tuple


@dataclass
class Exit:
    """The best reading of the garbled characters ``start``..``end`` (exclusive)."""

    end: int
    score: float
    text: str
    data: bytes  # the bytes of the reading, wildcards filled
    wildcards: int
    rank: float = 0.0  # score plus the bigram into the character after the exit
    # characters guessed from destroyed bytes: (index in text, byte pattern with W, the byte after
    # it when known, offset of its bytes in data)
    guesses: tuple = ()


def _first_byte(token: Token) -> Optional[int]:
    """The first byte of ``token`` when all its alternatives agree on it (else None)."""
    alts = token.alts
    if len(alts) == 1:
        # (most tokens: one character's bytes)
        data = alts[0][0]
        return data[0] if data else None
    firsts = {alt[0][0] for alt in alts if alt[0]}
    return firsts.pop() if len(firsts) == 1 and all(alt[0] for alt in token.alts) else None


def _chain_to_list(chain) -> list:
    out = []
    while chain is not None:
        chain, item = chain
        out.append(item)
    out.reverse()
    return out


class Lattice:
    """Decode a token lattice with ``target`` (``"utf-8"``, ``"gb18030"``, ``"cp950"``)."""

    def __init__(
        self,
        stats: CharStats,
        target: str,
        beam: int = 6,
        wildcard_penalty: float = 2.0,
        w_check: Optional[Callable[[int, Optional[int]], bool]] = None,
    ):
        """``w_check(value, next_byte)`` tells whether a wildcard may be ``value`` given the byte
        after it (None: unknown); without it, any value is allowed."""
        self.stats = stats
        self.w_check = w_check
        self.target = target
        self.beam = beam
        self.wildcard_penalty = wildcard_penalty
        self.codec = None if target == "utf-8" else two_byte(target)
        self._cand_cache: dict = {}
        self._alt_cache: dict = {}
        self._order_cache: dict = {}
        self._plan_cache: dict = {}
        self._other_cache: dict = {}
        # char_len by first byte, for the search's inner loop: indexed by a byte, W (-1) reads the
        # last entry
        self._lens = tuple(self.char_len((b,)) for b in range(256)) + (self.char_len((W,)),)

    # -- characters for a complete byte pattern --------------------------------------------------
    def chars_for(self, pattern: tuple) -> list:
        """``[(bytes, char)]`` matching ``pattern`` (a complete sequence, wildcards as ``W``)."""
        if self.codec is not None:
            if len(pattern) == 1:
                return [(bytes(pattern), chr(pattern[0]))]
            lead, trail = pattern
            if lead != W and trail != W:
                ch = self.codec.pairs.get((lead, trail))
                return [(bytes(pattern), ch)] if ch else []
            if lead == W and trail == W:
                return [(bytes((l, t)), ch) for l, t, ch in self.codec.common]
            if lead == W:
                return [(bytes((l, trail)), ch) for l, ch in self.codec.by_trail.get(trail, ())]
            return [(bytes((lead, t)), ch) for t, ch in self.codec.by_lead.get(lead, ())]
        # UTF-8
        if W not in pattern:
            try:
                return [(bytes(pattern), bytes(pattern).decode("utf-8"))]
            except UnicodeDecodeError:
                return []
        if len(pattern) != 3:
            return []
        mask = tuple(b != W for b in pattern)
        key = tuple(b for b in pattern if b != W)
        # two destroyed bytes of three: only frequent characters (thousands of rare ones would
        # each be a guess, and slow)
        common = sum(mask) < 2
        return _utf8_index(self.stats, mask, common).get(key, ())

    def alternatives(self, pattern: tuple, next_byte: Optional[int] = None) -> list:
        """``[(bytes, char, penalty)]``: every character a pattern with destroyed bytes may be,
        as the search sees it. A filled byte must be one the source decoder would have failed on
        (:attr:`w_check`): inside the pattern that is certain, against ``next_byte`` only likely
        (the garbled run may have been decoded on its own and end here), so a filled byte the
        decoder would have read with ``next_byte`` pays :data:`W_MISMATCH_PENALTY`.

        >>> alts = Lattice(charstats(), "utf-8").alternatives((0xE4, 0xB8, W))  # 中 = E4 B8 AD
        >>> "中" in [ch for _b, ch, _p in alts], "一" in [ch for _b, ch, _p in alts]
        (True, True)
        """
        key = (pattern, next_byte)
        got = self._alt_cache.get(key)
        if got is None:
            got = self._alternatives(pattern, next_byte)
            if len(self._alt_cache) > 8192:  # bounded: the keys are byte patterns, not text
                self._alt_cache.clear()
            self._alt_cache[key] = got
        return list(got)

    def _alternatives(self, pattern: tuple, next_byte: Optional[int]) -> tuple:
        cands = self.chars_for(pattern)
        if self.w_check is None:
            return tuple((cb, ch, 0.0) for cb, ch in cands)
        positions = [j for j, b in enumerate(pattern) if b == W]
        out = []
        for cb, ch in cands:
            pen = 0.0
            ok = True
            for j in positions:
                if j + 1 < len(cb):
                    if not self.w_check(cb[j], cb[j + 1]):
                        ok = False
                        break
                elif not self.w_check(cb[j], next_byte):
                    pen = W_MISMATCH_PENALTY
            if ok:
                out.append((cb, ch, pen))
        return tuple(out)

    def char_len(self, partial: tuple) -> int:
        """Length of the character ``partial`` begins (0: invalid start)."""
        first = partial[0]
        if self.codec is not None:
            if first == W:
                return 2
            if first < 0x80:
                return 1
            return 2 if self.codec.is_lead(first) else 0
        if first == W:
            return 3
        return utf8_len(first)

    # -- the search -----------------------------------------------------------------------------
    def decode(
        self,
        tokens: Sequence[Token],
        prev: str,
        end_gpos: int,
        allow_trailing_wildcard: bool = True,
        script: str = "",
        right: str = "",
        stop_at_sync: bool = False,
    ) -> list[Exit]:
        """Readings of ``tokens`` from their start: the best few :class:`Exit` for each point where
        a character boundary of the reading meets a character boundary of the garbled text.

        ``prev`` is the character before the run (for the first bigram); ``end_gpos`` the garbled
        position after the last token; ``script`` (``"s"``/``"t"``/``""``) the script of the
        surrounding text: a reading that mixes scripts pays :data:`SCRIPT_PENALTY` per switch.
        ``right`` is the garbled text from the first token on (up to the line end): the character
        after an exit is the right context that ranks the readings kept for it. With
        ``stop_at_sync`` a reading ends at its first exit (a misaligned reading that realigns has
        nothing more to say: after that point it reads the garbled text as it is).
        """
        first_gpos = tokens[0].gpos if tokens else 0
        n = len(tokens)
        beam = self.beam
        # node key: (token index, offset, alt index, partial bytes), the order the heap pops them
        # in -> list of (rank, entry)
        # entry: (score, prev_char, chain, wildcards, script, pending) where chain is a linked
        # list of (char, bytes, pattern, next byte)
        nodes: dict = {}
        heap: list = []

        logp2 = self.stats.logp2
        heappush = heapq.heappush
        lens = self._lens
        # per token index (n: the run's end), on first use: the garbled character there, and the
        # first byte of the token (None unless all its alternatives agree)
        after: dict = {}
        firsts: dict = {}

        def char_at(i):
            c = after.get(i)
            if c is None:
                g = (tokens[i].gpos if i < n else end_gpos) - first_gpos
                c = after[i] = right[g : g + 1]
            return c

        def push(key, entry):
            # at a character boundary of the garbled text, rank by the bigram into the garbled
            # character that follows: where the run ends, that is the true right context
            rank = entry[0]
            if not key[1] and not key[3] and key[0] < n:
                nxt = char_at(key[0])
                if nxt:
                    rank += logp2(entry[1], nxt)
            lst = nodes.get(key)
            if lst is None:
                nodes[key] = [(rank, entry)]
                heappush(heap, key)
                return
            # the future of a reading depends only on its last character and script: of readings
            # that agree on both, keep the best (Viterbi), so the beam holds distinct states
            pc, sc, pend = entry[1], entry[4], entry[5]
            for k, (r, e) in enumerate(lst):
                if e[1] == pc and e[4] == sc and e[5] == pend:
                    if rank > r:
                        lst[k] = (rank, entry)
                    return
            if len(lst) < beam:
                lst.append((rank, entry))
            else:
                # the first of the worst
                worst, wr = 0, lst[0][0]
                for k in range(1, len(lst)):
                    if lst[k][0] < wr:
                        worst, wr = k, lst[k][0]
                if rank > wr:
                    lst[worst] = (rank, entry)

        def enter(i, partial, entry):
            """Enter token ``i`` (choosing each allowed alternative) with ``partial`` pending."""
            if not partial and i > 0:
                if entry[2] is not None:
                    # _exit's test written out: most readings that reach a boundary rank below the
                    # beam already kept there, and are dropped without a call
                    gpos = tokens[i].gpos if i < n else end_gpos
                    nxt = char_at(i)
                    rank = entry[0] + logp2(entry[1], nxt) if nxt else entry[0] + 0.0
                    lst = exits.get(gpos)
                    if lst is None:
                        lst = exits[gpos] = []
                    if len(lst) < beam or rank > lst[-1].rank:
                        add_exit(lst, gpos, entry, rank)
                if stop_at_sync or entry[5]:
                    # entry[5]: its last character filled a destroyed byte that the source decoder
                    # would have read with the next garbled character's first byte; that is only
                    # possible where the run ends (it was decoded on its own), so the reading
                    # cannot go on into that character
                    return
            if i >= n:
                if partial:
                    push((n, 0, 0, partial), entry)
                return
            for a, (data, pen, kind) in enumerate(tokens[i].alts):
                if kind != "plain":
                    if kind in ("fold", "drop") and not partial:
                        continue
                    if kind == "literal" and partial:
                        continue
                e = (entry[0] - pen,) + entry[1:] if pen else entry
                if not data:
                    enter(i + 1, partial, e)
                else:
                    push((i, 0, a, partial), e)

        exits: dict[int, list[Exit]] = {}
        add_exit = self._add_exit
        enter(0, (), (0.0, prev, None, 0, script, False))
        while heap:
            key = heapq.heappop(heap)
            i, o, a, partial = key
            entries = [e for _r, e in nodes.pop(key)]
            if i >= n:
                if allow_trailing_wildcard:
                    # the run ends inside a character: its last byte(s) were lost
                    need = lens[partial[0]]
                    if need > len(partial):
                        filled = partial + (W,) * (need - len(partial))
                        nxt = char_at(n)
                        for entry in self._emit(entries, filled):
                            self._exit(exits, end_gpos, entry, nxt)
                continue
            data = tokens[i].alts[a][0]
            b = data[o]
            new_partial = partial + (b,)
            need = lens[partial[0] if partial else b]
            if need == 0:
                continue
            o2 = o + 1
            ends = o2 >= len(data)  # the character read so far ends where a garbled one does
            if len(new_partial) < need:
                follow, np_ = entries, new_partial
            else:
                la = ""
                if ends:  # look ahead
                    la = char_at(i + 1)
                    if i + 1 < n:
                        nb = firsts.get(i + 1, firsts)
                        if nb is firsts:
                            nb = firsts[i + 1] = _first_byte(tokens[i + 1])
                    else:
                        nb = None
                else:
                    nb = data[o2]
                follow, np_ = self._emit(entries, new_partial, la, None if nb == W else nb), ()
            if ends:
                for e in follow:
                    enter(i + 1, np_, e)
            else:
                for e in follow:
                    push((i, o2, a, np_), e)
        return [x for end in sorted(exits) for x in exits[end]]

    def may_exit_past(
        self,
        tokens: Sequence[Token],
        end_gpos: int,
        beyond: int,
        allow_trailing_wildcard: bool = True,
        stop_at_sync: bool = False,
    ) -> bool:
        """Whether :meth:`decode` (same tokens and flags) can return an :class:`Exit` that ends
        past garbled position ``beyond``: False only when it surely cannot.

        The decode's paths through the byte lattice, without scores or beams: which bytes may be
        pending at each character boundary of the garbled text. A path dies where its bytes start
        no character or complete one the target codec does not have (a pattern with a destroyed
        byte is taken to have one); with ``stop_at_sync`` it ends at its first exit. Everything
        the decode prunes by score is kept here, so a reading the decode returns is a path here:
        when no path exits past ``beyond``, no reading ends there. A gbk-shift run's
        later starts mostly realign (an ASCII byte, a trail byte read on its own) before the
        attempt's first garbled character, and their readings are all thrown away unread.
        """
        n = len(tokens)
        if not n:
            return False
        lens = self._lens
        codec = self.codec
        pairs = codec.pairs if codec is not None else None
        frontier = {()}  # the bytes a path may have pending at the boundary before token i
        for i in range(n + 1):
            if i > 0:
                gpos = tokens[i].gpos if i < n else end_gpos
                if () in frontier:
                    # paths at a character boundary of the garbled text exit here
                    if gpos > beyond:
                        return True
                    if stop_at_sync:
                        frontier.discard(())  # ... and end
                if i == n:
                    # the run ends inside a character: its last byte(s) were lost
                    return gpos > beyond and allow_trailing_wildcard and any(lens[p[0]] > len(p) for p in frontier)
            if not frontier:
                return False
            nxt: set = set()
            for partial in frontier:
                for data, _pen, kind in tokens[i].alts:
                    if kind != "plain":
                        if kind in ("fold", "drop") and not partial:
                            continue
                        if kind == "literal" and partial:
                            continue
                    cur = partial
                    for b in data:
                        cur = cur + (b,)
                        need = lens[cur[0]]
                        if need == 0:
                            break
                        if len(cur) >= need:
                            if W not in cur and not self._has_char(cur, pairs):
                                break
                            cur = ()
                    else:
                        nxt.add(cur)
            frontier = nxt
        return False

    def _has_char(self, pattern: tuple, pairs: Optional[dict]) -> bool:
        # a complete byte pattern without destroyed bytes: whether the target has a character for
        # it (as chars_for finds; a one-byte pattern is ASCII in every target)
        if len(pattern) == 1:
            return True
        if pairs is not None:
            return pattern in pairs
        try:
            bytes(pattern).decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    def _candidates(self, pattern: tuple, next_byte: Optional[int]) -> tuple:
        """``(cands, mismatch)`` for :meth:`_emit`: the characters ``pattern`` may be and the
        penalty of each filled byte the source decoder would have read with ``next_byte``. Pure in
        its arguments, so kept per lattice (a run asks for the same few patterns again and again)."""
        key = (pattern, next_byte)
        got = self._cand_cache.get(key)
        if got is None:
            mismatch: dict = {}
            if self.w_check is not None and W in pattern:
                # a filled byte must be one the source decoder would have failed on (see alternatives)
                alts = self.alternatives(pattern, next_byte)
                cands = [(cb, ch) for cb, ch, _pen in alts]
                mismatch = {cb: pen for cb, _ch, pen in alts if pen}
            else:
                cands = self.chars_for(pattern)
            if len(self._cand_cache) > 8192:  # bounded: the keys are byte patterns, not text
                self._cand_cache.clear()
            got = self._cand_cache[key] = (tuple(cands), mismatch)
        return got

    def _order(self, pattern: tuple, next_byte: Optional[int], lookahead: str, script: str) -> tuple:
        """For the many candidates of a pattern with destroyed bytes: ``(order, bound, marks,
        index, chars, info)``. ``bound[j]`` is what candidate ``j`` adds to an entry's score (plus
        the bigram into ``lookahead``) when read after a Han character whose pair with it the
        statistics do not know, less what that pair adds when it depends on the character before
        (see below); for a Han candidate it is also a lower bound when they do know it. ``order``
        lists by it, best first, the Han candidates and the others whose unknown pair after a Han
        character scores their unigram (letters, digits, kana: ``CharStats.logp2``); ``marks``
        the rest (punctuation and symbols), whose unknown pair scores their unigram plus the word-
        end factor of the Han character before (``stats.ends``), by ``bound`` without it.
        ``index`` maps a character to its candidates and ``chars`` is the set of its keys.
        ``info[j]`` is what :meth:`_emit` needs of candidate ``j`` that does not depend on the
        character before it: ``(bytes, char, mismatch penalty, script class, pending, bigram into
        lookahead, bigram after a Han character that makes no known pair with it, link)``. The
        seventh is the float ``CharStats.logp2`` gives such a pair (its unigram backed off, whatever
        the character before), None for a candidate that is not Han (its pairs are looked up); the
        link is the reading's record of the character (see :meth:`_plan`)."""
        key = (pattern, next_byte, lookahead, script)
        got = self._order_cache.get(key)
        if got is None:
            cands, mismatch = self._candidates(pattern, next_byte)
            items = self._plan(pattern, next_byte)[1]
            stats = self.stats
            logp1, logp2, scripts = stats.logp1, stats.logp2, stats.scripts
            bound = []
            marks = []
            index: dict = {}
            info = []
            for j, (cb, ch) in enumerate(cands):
                index.setdefault(ch, []).append(j)
                han = is_han(ch)
                p1 = logp1(ch)
                mm = mismatch.get(cb, 0.0)
                k = scripts.get(ch)
                # (the bigram into the lookahead is 0.0 without one: unused then, the ranking key
                # is the score itself)
                la = logp2(ch, lookahead) if lookahead else 0.0
                info.append((cb, ch, mm, k, cb in mismatch, la, p1 + _LOG_BACKOFF if han else None, items[j]))
                # what logp2(pc, ch) is for a Han pc and a pair it does not know: the unigram,
                # backed off for a Han ch; for a mark, plus ends[pc] (added in _pick)
                b = (p1 + _LOG_BACKOFF if han else p1) - mm
                if not han and (ch in _PUNCT_LOGP or not ch.isalnum()):
                    marks.append(j)
                if script and k is not None and k != script:
                    b -= SCRIPT_PENALTY
                if lookahead:
                    b += la
                bound.append(b)
            in_marks = set(marks)
            order = sorted((j for j in range(len(cands)) if j not in in_marks), key=lambda j: -bound[j])
            marks.sort(key=lambda j: -bound[j])
            if len(self._order_cache) > 1024:  # about 40 kB each (a 1 MB corpus asks for a few hundred)
                self._order_cache.clear()
            # tuples: the cycle collector skips them once seen (see charstats.frozen_lists)
            got = self._order_cache[key] = (
                tuple(order), tuple(bound), tuple(marks), frozen_lists(index), frozenset(index), tuple(info)
            )
        return got

    def _plan(self, pattern: tuple, next_byte: Optional[int]) -> tuple:
        """``(nw, links, small)`` for :meth:`_emit`: the destroyed bytes of ``pattern``, each
        candidate's link of a reading's chain ``(char, bytes, pattern or None, next_byte)`` (the
        same tuple for every reading that takes it), and for a pattern of a few candidates what
        the plain loop needs of each, ``(char, mismatch penalty, script class, pending, link)``.
        Pure in its arguments, kept per lattice (a pattern of known bytes has one candidate, and
        the search asks for it at every character)."""
        key = (pattern, next_byte)
        got = self._plan_cache.get(key)
        if got is None:
            cands, mismatch = self._candidates(pattern, next_byte)
            nw = pattern.count(W)
            pat = pattern if nw else None
            links = tuple((ch, cb, pat, next_byte) for cb, ch in cands)
            scripts = self.stats.scripts
            small = tuple(
                (ch, mismatch.get(cb, 0.0), scripts.get(ch), cb in mismatch, link)
                for (cb, ch), link in zip(cands, links)
            ) if len(cands) <= 2 * self.beam else ()
            if len(self._plan_cache) > 8192:  # bounded: the keys are byte patterns, not text
                self._plan_cache.clear()
            got = self._plan_cache[key] = (nw, links, small)
        return got

    def _emit(self, entries, pattern: tuple, lookahead: str = "", next_byte: Optional[int] = None) -> list:
        """Extend each entry by every character ``pattern`` can be; keep the best few per entry
        (chosen with the bigram into ``lookahead``, the garbled character that follows, if any).
        ``next_byte`` is the byte after the pattern when it is known (for :attr:`w_check`)."""
        nw, links, small = self._plan(pattern, next_byte)
        if not links:
            return []
        logp2 = self.stats.logp2
        keep = 2 * self.beam
        out = []
        if len(links) > keep:
            # many candidates (a destroyed byte): what does not depend on the entry is looked up
            # once per pattern, lookahead and script (see _order), the same values the plain loop
            # below computes, combined in the same order, so the scores are the same floats
            for score, pc, chain, wc, script, _pending in entries:
                base = score - self.wildcard_penalty * nw
                order = self._order(pattern, next_byte, lookahead, script)
                info = order[5]
                if pc and is_han(pc):
                    # Most of a wildcard's hundred-odd candidates make a pair the statistics do
                    # not know with the Han character before them, and then score a fixed amount
                    # (their unigram, backed off) that was sorted once for the pattern: score
                    # exactly only the best of those, the candidates whose pair is known (which
                    # only score higher) and the non-Han ones. The kept few are the ones the full
                    # loop keeps.
                    pick, exact = self._pick(order, pc, keep)
                else:
                    # (every candidate picked here is scored with a look-up of its pair)
                    pick, exact = self._pick_other(pattern, next_byte, lookahead, script, pc, keep), None
                scores = []
                keys = []
                for j in pick:
                    cb, ch, mm, k, pend, la, unknown, _link = info[j]
                    # (a Han candidate _pick did not find among pc's successors makes a pair the
                    # statistics do not know: its bigram is the per-pattern float, no look-up)
                    s = base + (logp2(pc, ch) if unknown is None or exact is None or j in exact else unknown) - mm
                    if k is not None and script and k != script:
                        s -= SCRIPT_PENALTY
                    scores.append(s)
                    keys.append(s + la if lookahead else (s, ch, cb, script if k is None else k))
                # the best few, ties in candidate order (heapq.nlargest's order, which this was)
                for b in sorted(range(len(scores)), key=keys.__getitem__, reverse=True)[:keep]:
                    _cb, ch, _mm, k, pend, _la, _unknown, link = info[pick[b]]
                    out.append((scores[b], ch, (chain, link), wc + nw, script if k is None else k, pend))
            return out
        for score, pc, chain, wc, script, _pending in entries:
            base = score - self.wildcard_penalty * nw
            for ch, mm, k, pend, link in small:
                s = base + logp2(pc, ch) - mm
                sc = script
                if k is not None:
                    if script and k != script:
                        s -= SCRIPT_PENALTY
                    sc = k
                out.append((s, ch, (chain, link), wc + nw, sc, pend))
        return out

    def _pick(self, order: tuple, pc: str, keep: int) -> tuple:
        """``(indices, exact)``: the candidates (of :meth:`_order`) that can be among the ``keep``
        best after ``pc`` (a Han character), in their original order (ties are broken by it, as in
        the full loop), and the set of those whose pair with ``pc`` the statistics know (the
        others make a pair they do not know: a Han one scores its unigram backed off, any other
        its unigram, plus ``ends[pc]`` for a mark)."""
        order, bound, marks, index, chars, _info = order
        chosen = set()
        # the candidates whose pair with pc the statistics know (a set intersection instead of a
        # look-up per successor or per candidate)
        for ch in chars & successor_set(self.stats, pc):
            chosen.update(index[ch])
        exact = frozenset(chosen)
        # the others by what their unknown pair gives them, best first: the two sorted lists
        # merged, the marks' bound raised by pc's word-end factor (as logp2 adds it); the best
        # ``keep`` and whatever comes within _TIE of the last of them (rounding)
        end = self.stats.ends.get(pc, 0.0)
        taken = 0
        last = 0.0
        a = m = 0
        na, nm = len(order), len(marks)
        while True:
            while a < na and order[a] in chosen:
                a += 1
            while m < nm and marks[m] in chosen:
                m += 1
            if a < na:
                j = order[a]
                b = bound[j]
                if m < nm and bound[marks[m]] + end > b:
                    j = marks[m]
                    b = bound[j] + end
                    m += 1
                else:
                    a += 1
            elif m < nm:
                j = marks[m]
                b = bound[j] + end
                m += 1
            else:
                break
            if taken >= keep and b < last - _TIE:
                break
            chosen.add(j)
            taken += 1
            last = b
        return sorted(chosen), exact

    def _pick_other(self, pattern: tuple, next_byte: Optional[int], lookahead: str, script: str, pc: str,
                    keep: int):
        """The candidates (of :meth:`_order`) that can be among the ``keep`` best after ``pc``, a
        character that is not Han (or nothing: the run's start), in their original order. An
        unknown pair after it scores the candidate's unigram (``CharStats.logp2``; after a mark a
        Han candidate's word-start factor is added, and after nothing no pair is known): sorted
        once per pattern (:meth:`_other_order`), so only the best few of those are scored, with
        every candidate whose pair the statistics know. After a digit a Han candidate scores
        what follows numbers, which has no such order: all of them."""
        order = self._order(pattern, next_byte, lookahead, script)
        if pc in _DIGITS:
            return range(len(order[5]))
        chosen = set()
        if pc:
            for ch in order[4] & successor_set(self.stats, pc):
                chosen.update(order[3][ch])
            starts = pc in _PUNCT_LOGP or not pc.isalnum()
        else:
            starts = False
        bound, ranked = self._other_order(pattern, next_byte, lookahead, script, starts)
        taken = 0
        last = 0.0
        for j in ranked:
            if j in chosen:
                continue
            b = bound[j]
            if taken >= keep and b < last - _TIE:
                break
            chosen.add(j)
            taken += 1
            last = b
        return sorted(chosen)

    def _other_order(self, pattern: tuple, next_byte: Optional[int], lookahead: str, script: str,
                     starts: bool) -> tuple:
        """``(bound, order)`` for :meth:`_pick_other`: what each candidate of :meth:`_order` adds
        to an entry's score (plus the bigram into ``lookahead``) with an unknown pair after a
        character that is not Han (its unigram; with ``starts``, after a mark, plus a Han
        candidate's word-start factor), and the candidates by it, best first. Asked for only
        where such a character stands before a wildcard, so kept apart from _order."""
        key = (pattern, next_byte, lookahead, script, starts)
        got = self._other_cache.get(key)
        if got is None:
            stats = self.stats
            logp1, word_starts = stats.logp1, stats.starts
            bound = []
            for _cb, ch, mm, k, _pend, la, _unknown, _link in self._order(pattern, next_byte, lookahead, script)[5]:
                b = logp1(ch)
                if starts and is_han(ch):
                    b += word_starts.get(ch, 0.0)
                b -= mm
                if script and k is not None and k != script:
                    b -= SCRIPT_PENALTY
                if lookahead:
                    b += la
                bound.append(b)
            if len(self._other_cache) > 1024:  # about 3 kB each
                self._other_cache.clear()
            got = self._other_cache[key] = (tuple(bound), tuple(sorted(range(len(bound)), key=lambda j: -bound[j])))
        return got

    def _exit(self, exits, gpos, entry, nxt: str):
        """Keep the best few readings that end at garbled position ``gpos`` (ranked with ``nxt``,
        the character after them)."""
        score, pc, chain, wc, _script, _pending = entry
        if chain is None:
            return
        rank = score + (self.stats.logp2(pc, nxt) if nxt else 0.0)
        lst = exits.setdefault(gpos, [])
        if len(lst) >= self.beam and rank <= lst[-1].rank:
            return
        self._add_exit(lst, gpos, entry, rank)

    def _add_exit(self, lst: list, gpos: int, entry, rank: float) -> None:
        """:meth:`_exit` for a reading that ranks into the beam ``lst`` (sorted best first) or
        finds it not full: kept unless a reading of the same text ranks as well."""
        items = []
        chain = entry[2]
        while chain is not None:
            chain, item = chain
            items.append(item)
        items.reverse()
        text = "".join([item[0] for item in items])
        for k, x in enumerate(lst):
            if x.text == text:
                if x.rank >= rank:
                    return
                del lst[k]
                break
        data = b"".join([item[1] for item in items])
        guesses = ()
        if entry[3]:
            # (a reading with no filled byte has no guessed character: every character of a
            # pattern with a destroyed byte adds its count of them to entry[3])
            found = []
            offset = 0
            for k, item in enumerate(items):
                if item[2] is not None:
                    found.append((k, item[2], item[3], offset))
                offset += len(item[1])
            guesses = tuple(found)
        x = Exit(gpos, entry[0], text, data, entry[3], rank, guesses)
        # where lst.sort(key=-rank) puts it (stable: after every reading that ranks as well); lst
        # is kept sorted so
        k = len(lst)
        while k and lst[k - 1].rank < rank:
            k -= 1
        lst.insert(k, x)
        del lst[self.beam :]


_ONE_CHAR: dict = {}  # one str object per character, which the sets below refer to


@lru_cache(maxsize=256)
def successor_set(stats: CharStats, ch: str) -> frozenset:
    """The characters the bigram statistics know after ``ch``, as a set (for the byte decoder's
    and the mojibake step's intersections with a pattern's candidates). The most recent 256 are
    kept, at most some 7 MB: the characters are shared objects, the sets hold references only."""
    succ = stats.successors(ch)
    return frozenset(map(_ONE_CHAR.setdefault, succ, succ))


@lru_cache(maxsize=None)
def valid_pairs(codec: str) -> dict:
    """Every ``(lead, trail)`` the decoder ``codec`` reads as one character (private use included),
    as the keys of a dict."""
    out = {}
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                bytes((lead, trail)).decode(codec)
            except UnicodeDecodeError:
                continue
            out[(lead, trail)] = None
    # a dict used as a set: the cycle collector stops visiting it once it has seen its tuples
    # (a set's items it visits at every full collection; see frozen_lists)
    return out


def failing_byte_check(decoders: Sequence[str]) -> Callable[[int, Optional[int]], bool]:
    """A ``w_check`` for garbled text made by one of ``decoders``: a destroyed byte is one where
    the decoder failed, i.e. not an ASCII byte and not the lead of a pair it can read."""
    tables = [valid_pairs(d) for d in decoders]

    def check(value: int, next_byte: Optional[int]) -> bool:
        if value < 0x80:
            return False
        if next_byte is None:
            return True
        return any((value, next_byte) not in t for t in tables)

    return check
