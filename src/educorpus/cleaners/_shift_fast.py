"""A direct path for the common ``gbk-shift`` run, tried before the ``mojibake`` step's search.

A GBK text that lost or gained one byte reads one byte off until an ASCII byte realigns it
(seed 000: ``高興?!弊筒┦凶痛▍^`` for ``高興。”淄博市淄川區``). Once the start of the run and the
way its first byte went wrong are fixed, its reading is almost determined: every byte is known
except the destroyed ones (``?``, U+FFFD) and the ASCII characters that may have been full-width
before a later pass folded them. The full search (:func:`.mojibake._best_repair`) decodes every
damage class, start and byte hypothesis with a beam over a byte lattice, some 10-30 ms per run.
Here each hypothesis the search tries for ``gbk-shift`` (same starts, same five ways to lose or
gain a byte, same byte alternatives per character, :func:`.mojibake._tokens`) is read straight
through the two-byte table: one reading per combination of alternatives, a destroyed byte filled
with the character its two neighbours make likeliest, and the next best fills beside it, the best
six of distinct text per end kept, as the lattice's beam keeps them.

Those readings then go through the search's own last stage (:func:`.mojibake._gain`,
:func:`.mojibake._refine`, the word statistics' ranking, :func:`.mojibake._accept`), and the
answer is returned only when the search would have stopped at ``gbk-shift`` too: the best
reading gains at least the margin at which the search stops trying other classes, and no
``utf8-as-gbk`` reading (the class the search tries first) can cover the run's first suspicious
character. Anything else returns None and the full search runs; so does a cluster where this path
was unsure once (the step walks such a cluster one character at a time).

Checked against the full search on every damaged copy and clean line of
``scripts/eval_mojibake.py`` and on the seed-derived corpus (``bench/compare_mojibake.py``).

Not handled here (left to the full search): every other damage class, hypotheses with more than
:data:`MAX_PATHS` combinations of byte alternatives, readings that run past
:data:`TOKEN_REACH` characters after the cluster, weak clusters (rare but known characters only),
and runs whose best reading is accepted with less than that margin (a short run accepted by the
quotation marks it pairs up, ``?!?`` → ``。“``).
"""

from __future__ import annotations

import re
from typing import Optional

from ..charstats import charstats, is_han, wordstats
from ._redecode import SCRIPT_PENALTY, W, Exit

MAX_PATHS = 16  # byte-alternative combinations read per hypothesis (more: the search decides)
WILDCARD_PENALTY = 2.0  # what the lattice charges per destroyed byte (Lattice.wildcard_penalty)
KEEP = 6  # readings kept per end of a hypothesis, as the lattice's beam keeps (Lattice.beam)
TOKEN_REACH = 48  # characters past the cluster that the tokens of a hypothesis cover
_PINYIN_LETTERS = frozenset("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü")


def _fill(lattice, pattern: tuple, pc: str, la: str, script: str, stats, fmemo: dict) -> Optional[tuple]:
    """``(bytes, char)``: the best character for a pair with destroyed bytes, by the bigram from
    ``pc`` and into ``la`` (the character after it) and the script. ``fmemo`` is the document's
    memo of fills."""
    got = _fills(lattice, pattern, pc, la, script, stats, fmemo)
    return got[0] if got else None


def _fills(lattice, pattern: tuple, pc: str, la: str, script: str, stats, fmemo: dict) -> list:
    """The best :data:`KEEP` ``(bytes, char)`` for a pair with destroyed bytes, best first (see
    :func:`_fill`)."""
    key = (pattern, pc, la, script)
    if key in fmemo:
        return fmemo[key]
    cands, _mismatch = lattice._candidates(pattern, None)  # no w_check for gbk-shift: no mismatch
    logp2, scripts = stats.logp2, stats.scripts

    def exact(j):
        cb, ch = cands[j]
        s = logp2(pc, ch)
        if la:
            s += logp2(ch, la)
        k = scripts.get(ch)
        if script and k is not None and k != script:
            s -= SCRIPT_PENALTY
        return s

    if len(cands) > 8 and pc and is_han(pc):
        # after a Han character, a candidate whose pair with it the statistics do not know scores
        # its unigram backed off: the lattice's sorted bound (Lattice._order) gives the best of
        # those at once; only the known pairs and the non-Han candidates are scored one by one
        order, bound, nonhan, index = lattice._order(pattern, None, la, script)
        chosen = set(nonhan)
        succ = stats.successors(pc)
        if len(succ) < len(index):
            for ch in succ:
                js = index.get(ch)
                if js:
                    chosen.update(js)
        else:
            bigrams = stats.bigrams
            for ch, js in index.items():
                if pc + ch in bigrams:
                    chosen.update(js)
        look = sorted(chosen)
        taken = 0
        for j in order:
            if j not in chosen:
                look.append(j)
                taken += 1
                if taken >= KEEP:
                    break
    else:
        look = range(len(cands))
    scored = sorted(look, key=lambda j: -exact(j))[:KEEP]
    best = [cands[j] for j in scored]
    fmemo[key] = best
    return best


def _allowed(alts: tuple, pending: bool) -> tuple:
    """Indices of the alternatives the lattice lets a token take: ``fold`` and ``drop`` only
    where a two-byte character is half read, ``literal`` only where none is."""
    return tuple(
        a for a, (_d, _p, kind) in enumerate(alts)
        if not (kind in ("fold", "drop") and not pending) and not (kind == "literal" and pending)
    )


def _char(pc: str, sc: str, ch: str, stats) -> tuple:
    """``(score added, script)`` for reading ``ch`` after ``pc`` (as Lattice._emit scores it)."""
    s_add = stats.logp2(pc, ch)
    k = stats.scripts.get(ch)
    if k is not None:
        if sc and k != sc:
            s_add -= SCRIPT_PENALTY
        sc = k
    return s_add, sc


def readings(
    tokens, prev: str, script: str, right: str, end_gpos: int, allow_trailing: bool, ctx, open_end: bool = False
) -> Optional[list]:
    """Every reading of one hypothesis (``tokens``, its first token already varied) up to the
    first point where it realigns with the garbled text, as :meth:`Lattice.decode` with
    ``stop_at_sync`` reads it: one reading per combination of the byte alternatives the tokens
    allow (a destroyed byte filled with its best character), with the script state each ends in,
    as ``[(Exit, script)]``, the next best fills too (:func:`_others`). None when there are more than
    :data:`MAX_PATHS` combinations, or (``open_end``: the tokens were cut short) when a reading
    gets to the last token.

    The readings share their prefixes: a state is forked where a token allows more than one
    alternative, and each fork reads on from there."""
    lattice, stats, _fmemo = ctx
    codec = lattice.codec
    pairs = codec.pairs
    n = len(tokens)
    first_gpos = tokens[0].gpos
    allowed_at: dict = {}
    first_byte_at: dict = {}
    out: list = []
    # a state: (token index, forced alternative or None, pending lead byte or None, score,
    # previous char, script, chain of (char, bytes, guess) items, chars read, bytes read,
    # wildcards, a character with destroyed bytes not yet filled or None)
    stack: list = [(0, None, None, 0.0, prev, script, None, 0, 0, 0, None)]
    forks = 0

    def fill(pend, la, pc, sc, chain, score, nchars, ndata, wc):
        # a character with destroyed bytes is filled once the character after it is known: the
        # best path through the lattice picks it by both its neighbours (Viterbi); the garbled
        # character after it (``pend[2]``) stands in when the next one is itself a guess
        pattern, nb = pend[0], pend[1]
        got = _emit(pattern, la, pc, sc, ctx)
        if got is None:
            return None
        cb, ch, s_add, sc = got
        nw = pattern.count(W)
        chain = (chain, (ch, cb, (nchars, pattern, None if nb == W else nb, ndata)))
        return ch, sc, chain, score - WILDCARD_PENALTY * nw + s_add, nchars + 1, ndata + len(cb), wc + nw

    while stack:
        i, forced, lead, score, pc, sc, chain, nchars, ndata, wc, pend = stack.pop()
        gpos = -1
        while True:
            if lead is None and i > 0:
                gpos = tokens[i].gpos if i < n else end_gpos  # the reading realigns here
                break
            if open_end and i >= n - 1:
                return None  # past the tokens read: the search decides
            if i >= n:
                if lead is None or not allow_trailing:
                    break
                # the run ends inside a character: its last byte was lost
                if pend is not None:
                    got = fill(pend, pend[2], pc, sc, chain, score, nchars, ndata, wc)
                    if got is None:
                        break
                    pc, sc, chain, score, nchars, ndata, wc = got
                    pend = None
                gpos = end_gpos
                pend = ((lead, W), None, "")
                lead = None
                break
            tok = tokens[i]
            if forced is None:
                key = (i, lead is not None)
                allowed = allowed_at.get(key)
                if allowed is None:
                    allowed = allowed_at[key] = _allowed(tok.alts, lead is not None)
                if not allowed:
                    break
                if len(allowed) > 1:
                    forks += len(allowed) - 1
                    if forks > MAX_PATHS:
                        return None  # too many combinations: the search decides
                    for a in reversed(allowed[1:]):
                        stack.append((i, a, lead, score, pc, sc, chain, nchars, ndata, wc, pend))
                forced = allowed[0]
            d, pen, _kind = tok.alts[forced]
            forced = None
            if pen:
                score -= pen
            dead = False
            for o, b in enumerate(d):
                if lead is None:
                    if b == W or b >= 0x80:
                        if b != W and not codec.is_lead(b):
                            dead = True
                            break
                        lead = b
                        continue
                    pattern = (b,)
                else:
                    pattern = (lead, b)
                lead = None
                if o + 1 < len(d):
                    nb = d[o + 1]
                    la = ""
                elif i + 1 < n:
                    nb = first_byte_at.get(i + 1, -2)
                    if nb == -2:
                        nb = first_byte_at[i + 1] = _first_byte(tokens[i + 1])
                    g = tokens[i + 1].gpos - first_gpos
                    la = right[g : g + 1]
                else:
                    nb = None
                    la = right[end_gpos - first_gpos : end_gpos - first_gpos + 1]
                if W in pattern:
                    if pend is not None:
                        got = fill(pend, pend[2], pc, sc, chain, score, nchars, ndata, wc)
                        if got is None:
                            dead = True
                            break
                        pc, sc, chain, score, nchars, ndata, wc = got
                    pend = (pattern, nb, la)
                    continue
                ch = chr(b) if len(pattern) == 1 else pairs.get(pattern)
                if ch is None:
                    dead = True
                    break
                if pend is not None:
                    got = fill(pend, ch, pc, sc, chain, score, nchars, ndata, wc)
                    if got is None:
                        dead = True
                        break
                    pc, sc, chain, score, nchars, ndata, wc = got
                    pend = None
                s_add, sc = _char(pc, sc, ch, stats)
                score += s_add
                chain = (chain, (ch, bytes(pattern), None))
                nchars += 1
                ndata += len(pattern)
                pc = ch
            if dead:
                break
            i += 1
        if gpos < 0:
            continue
        nxt = right[gpos - first_gpos : gpos - first_gpos + 1]
        if pend is not None:
            got = fill(pend, nxt, pc, sc, chain, score, nchars, ndata, wc)
            if got is None:
                continue
            pc, sc, chain, score, nchars, ndata, wc = got
        if not nchars:
            continue
        items = []
        while chain is not None:
            chain, item = chain
            items.append(item)
        items.reverse()
        rank = score + (stats.logp2(pc, nxt) if nxt else 0.0)
        x = Exit(
            gpos, score, "".join(it[0] for it in items), b"".join(it[1] for it in items), wc, rank,
            tuple(it[2] for it in items if it[2] is not None),
        )
        out.append((x, sc))
        out.extend(_others(x, prev, script, nxt, ctx))
    return out


def _score(text: str, prev: str, script: str, stats) -> tuple:
    """``(score, script)``: what the lattice adds up for reading ``text`` after ``prev`` (bigrams
    and script switches), and the script state it ends in."""
    total = 0.0
    pc, sc = prev, script
    for ch in text:
        s_add, sc = _char(pc, sc, ch, stats)
        total += s_add
        pc = ch
    return total, sc


def _others(x: Exit, prev: str, script: str, nxt: str, ctx) -> list:
    """``[(reading, script state at its end)]``: the reading ``x`` with one character guessed
    from destroyed bytes filled otherwise, by the next best fills between its neighbours, where
    the lattice keeps such readings side by side: its beam keeps one reading per last character
    and script state, so another fill survives to the end only in the last character, or with
    another script state that no later character resets."""
    if not x.guesses:
        return []
    lattice, stats, fmemo = ctx
    scripts = stats.scripts
    text = x.text
    base = None
    out = []
    for k, pattern, _nb, offset in x.guesses:
        last = k + 1 == len(text)
        if not last and any(scripts.get(ch) is not None for ch in text[k + 1 :]):
            continue  # merged with the best fill at the next character with a script
        left = text[k - 1] if k else prev
        right = text[k + 1] if k + 1 < len(text) else nxt
        for cb, ch in _fills(lattice, pattern, left, right, script, stats, fmemo):
            if ch == text[k] or (not last and scripts.get(ch) == scripts.get(text[k])):
                continue
            if base is None:
                base = x.score - _score(text, prev, script, stats)[0]
            new = text[:k] + ch + text[k + 1 :]
            got, sc = _score(new, prev, script, stats)
            score = base + got
            data = x.data[:offset] + cb + x.data[offset + len(cb) :]
            rank = score + (stats.logp2(new[-1], nxt) if nxt else 0.0)
            out.append((Exit(x.end, score, new, data, x.wildcards, rank, x.guesses), sc))
    return out


def _emit(pattern, la, pc, sc, ctx) -> Optional[tuple]:
    """``(bytes, char, score added, script)`` for a pair with destroyed bytes (as Lattice._emit)."""
    lattice, stats, fmemo = ctx
    got = _fill(lattice, pattern, pc, la, sc, stats, fmemo)
    if got is None:
        return None
    cb, ch = got
    s_add, sc = _char(pc, sc, ch, stats)
    return cb, ch, s_add, sc


def _first_byte(token) -> Optional[int]:
    firsts = {alt[0][0] for alt in token.alts if alt[0]}
    return firsts.pop() if len(firsts) == 1 and all(alt[0] for alt in token.alts) else None


def _utf8_possible(text: str, lo: int, c0: int, hi: int) -> bool:
    """Whether a utf8-as-gbk reading may cover ``text[c0]`` from a start in ``lo..c0`` and end
    by ``hi`` (False: surely not). Such a reading reads every character from its start as the
    GBK bytes of UTF-8 text, and ends where a UTF-8 character ends with a garbled one, past
    ``c0``, having read a Chinese character or CJK punctuation (three bytes in UTF-8). ``?``
    and U+FFFD may be any byte from 0x80 (``?`` also itself), ``€`` 0x80 or A2 E3, as the
    search's tokens have them. The check is looser than the search (no overlong or surrogate rules,
    no statistics), so "may" can be wrong, "surely not" cannot."""
    for s in range(lo, c0 + 1):
        if ord(text[s]) < 0x80 and text[s] != "?":
            continue  # the search starts no confusion at an ASCII character
        states = {(0, False, False)}  # see _utf8_step
        for k in range(s, hi):
            ch = text[k]
            if ch == "?":
                alts = ((W,), (0x3F,))
            elif ch == "\ufffd":
                alts = ((W,),)
            elif ch == "€":
                alts = ((0x80,), (0xA2, 0xE3))
            elif ord(ch) < 0x80:
                alts = ((ord(ch),),)
            else:
                try:
                    b = ch.encode("gb18030")
                except UnicodeEncodeError:
                    b = b""
                if len(b) != 2:
                    break  # the search's run stops before a character GBK cannot write
                alts = (tuple(b),)
            new = set()
            for alt in alts:
                for st in states:
                    got = {st}
                    for byte in alt:
                        got = {x for g in got for x in _utf8_step(g, byte)}
                        if not got:
                            break
                    new |= got
            states = new
            if not states:
                break
            if k >= c0 and any(not need and cjk for need, cjk, _t in states):
                return True
    return False


def _utf8_step(state: tuple, byte: int) -> tuple:
    """The UTF-8 states after ``byte`` from ``state`` = (continuation bytes needed, a Chinese
    character or CJK punctuation read, the pending character is one of those). Those are the
    three-byte characters (lead E2-EF): a reading needs one (see mojibake._plausible_output)."""
    need, cjk, three = state
    if need:
        if byte == W or 0x80 <= byte <= 0xBF:
            return ((need - 1, cjk or (need == 1 and three), three),)
        return ()
    if byte == W:
        return ((1, cjk, False), (2, cjk, True), (3, cjk, False))  # a destroyed byte: any lead
    if byte < 0x80:
        return ((0, cjk, False),)
    if 0xC2 <= byte <= 0xDF:
        return ((1, cjk, False),)
    if 0xE0 <= byte <= 0xEF:
        return ((2, cjk, 0xE2 <= byte),)
    if 0xF0 <= byte <= 0xF4:
        return ((3, cjk, False),)
    return ()


def _beam(exits: list) -> list:
    """The readings of one hypothesis the lattice would end with: one per end, last character
    and script state (the best: its beam merges the others), then the best :data:`KEEP` of
    distinct text per end, by rank (as Lattice._exit keeps them)."""
    states: dict = {}
    for x, sc in exits:
        key = (x.end, x.text[-1], sc)
        y = states.get(key)
        if y is None or x.score > y.score:
            states[key] = x
    by_end: dict = {}
    for x in states.values():
        lst = by_end.setdefault(x.end, {})
        y = lst.get(x.text)
        if y is None or x.rank > y.rank:
            lst[x.text] = x
    out = []
    for end in sorted(by_end):
        out.extend(sorted(by_end[end].values(), key=lambda x: -x.rank)[:KEEP])
    return out


def _context(memo: dict) -> tuple:
    """What a read needs: the search's gbk-shift lattice (its candidate tables), the statistics,
    and the document's memo of filled bytes (bounded like the rest of the document's memo)."""
    from .mojibake import MEMO_LIMIT, _lattice

    fills = memo.setdefault("fill", {})
    if len(fills) > MEMO_LIMIT:
        fills.clear()
    return _lattice("gb18030", None), charstats(), fills


def fast_repair(text: str, c0: int, c1: int, line_start: int, line_end: int, numbers: frozenset, memo: dict):
    """The search's answer for a ``gbk-shift`` run covering ``text[c0]`` when it is clear, else
    None (the caller runs the full search). See the module docstring."""
    from . import mojibake as M

    # the step walks a cluster it could not repair one suspicious character at a time: a cluster
    # where this path was not sure once is left to the search (a matter of speed only: the
    # search's answer is the reference either way)
    failed = memo.setdefault("fast_failed", set())
    if (line_start, c1) in failed:
        return None
    got = _fast_repair(text, c0, c1, line_start, line_end, numbers, memo, M)
    if got is None:
        failed.add((line_start, c1))
    return got


def _fast_repair(text, c0, c1, line_start, line_end, numbers, memo, M):
    stats = charstats()
    first = M._first_start(text, max(line_start, c0 - M.START_REACH), c0)
    lo = max(line_start, c0 - 8)
    hi = min(line_end, max(c1 + 12, c0 + M.SHIFT_REACH))
    around = text[max(line_start, c0 - M.CONTEXT_REACH) : c0] + text[c1 : min(line_end, c1 + M.CONTEXT_REACH)]
    script = stats.script_of(around)
    kana = M._KANA.search(text, max(line_start, c0 - M.REFINE_REACH), min(line_end, c1 + M.REFINE_REACH)) is not None
    # the search tries utf8-as-gbk first: none of its readings may exist (12 and 41: the stretch
    # its confusions read around a cluster, see mojibake._try_confusion)
    if _utf8_possible(text, max(line_start, c0 - 12, first), c0, min(line_end, c1 + 41)):
        return None
    ctx = _context(memo)
    found: dict = {}
    s_min = max(lo, first)
    # a reading stops where it realigns, mostly within a few characters of the cluster: the
    # tokens go that far (and on over ASCII and pinyin, whose tokens look ahead), not to hi
    cut = min(hi, c1 + TOKEN_REACH)
    while cut < hi and (ord(text[cut]) < 0x80 or text[cut] in _PINYIN_LETTERS):
        cut += 1
    for start in range(s_min, c0 + 1):
        if ord(text[start]) < 0x40 and text[start] != "?":
            continue
        prev = text[start - 1] if start > line_start else ""
        toks = M._tokens(text, start, cut, "gb18030", shift=True, numbers=numbers)
        if not toks:
            continue
        end = M._token_end(text, toks)
        # tokens cut short of where the search's end: a reading that gets near the cut is unsure
        open_end = cut < hi and end >= cut
        right = text[start : min(line_end, hi + 1)]
        for variant, _name in M._shift_starts(toks):
            got = readings(variant, prev, script, right, end, end == line_end, ctx, open_end)
            if got is None:
                return None  # too many byte alternatives: the search decides
            got = _beam(got)
            for x in got:
                if x.end <= c0:
                    continue
                garbled = text[start : x.end]
                if x.text == garbled or not M._plausible_output(x.text, garbled, x, stats):
                    continue
                g, quotes = M._gain(stats, text, start, x, line_start, line_end)
                key = (start, x.end, x.text)
                if key in found and found[key].gain >= g:
                    continue
                c = M._Candidate(start, x.end, x.text, g, "gbk-shift")
                c.paired = quotes > 0
                left = text[start - 1] if start > line_start else ""
                rt = text[x.end] if x.end < line_end else ""
                c.known = stats.known_pairs(left + x.text + rt)
                c.signal = bool(M._STRONG.search(garbled) or M._GLUED.search(text, max(line_start, start - 1), x.end))
                c.exit, c.lattice, c.source = x, M._lattice("gb18030", None), None
                c.garbled = garbled
                c.kana = kana
                c.realigned = x.end >= line_end or ord(text[x.end]) < 0x80
                found[key] = c
    if not found:
        return None
    ranked = sorted(found.values(), key=lambda c: -c.gain)
    best = ranked[0]
    if best.gain < max(2 * M.MIN_GAIN, 3.0 * (best.end - best.start)):
        return None  # not the margin at which the search stops trying other classes
    # the search's last stage on these readings: the best few refined (a destroyed byte chosen
    # again with word statistics), ranked again with word statistics, the best accepted
    distinct: dict = {}
    for c in ranked[: 2 * M.RERANK]:
        if c.exit.guesses:
            M._refine(c, text, line_start, line_end, stats, memo)
        key = (c.start, c.end, c.text)
        if key in distinct:
            if c.gain > distinct[key].gain:
                distinct[key] = c
            continue
        distinct[key] = c
        if len(distinct) >= M.RERANK:
            break
    top = sorted(distinct.values(), key=lambda c: -c.gain)
    if len(top) > 1:
        words = wordstats()
        for c in top:
            lo_w = max(line_start, c.start - 3)
            hi_w = min(line_end, c.end + 3)
            c.wgain = words.score(text[lo_w : c.start] + c.text + text[c.end : hi_w]) - words.score(text[lo_w:hi_w])
            c.rank = c.gain + M.WORD_WEIGHT * c.wgain
    top.sort(key=lambda c: -c.rank)
    for c in top:
        if (c.start, c.end) == (top[0].start, top[0].end) and M._accept(c):
            return c
    return None
