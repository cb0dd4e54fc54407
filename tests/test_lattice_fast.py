"""The byte lattice's shortcuts keep its readings: ``Lattice.decode`` gives what the plain search
gives (every candidate of a destroyed byte scored with a look-up of its pair, the state of the
search looked up afresh at each step) on the runs the step decodes, and ``_emit`` the best few the
full loop keeps for any character before it."""

from __future__ import annotations

import heapq
import random
from pathlib import Path

import pytest

from educorpus.charstats import _LOG_BACKOFF, charstats, is_han
from educorpus.cleaners import mojibake as M
from educorpus.cleaners._redecode import W, Exit, Lattice, _first_byte
from tests.mojibake_damage import samples
from tests.test_mojibake_search import _emit_reference

ROOT = Path(__file__).resolve().parent.parent


def _exit_reference(lattice, exits, gpos, entry, nxt):
    """Lattice._exit as it was before it was tuned: the chain walked into a list, the beam sorted."""
    score, pc, chain, wc, _script, _pending = entry
    if chain is None:
        return
    rank = score + (lattice.stats.logp2(pc, nxt) if nxt else 0.0)
    lst = exits.setdefault(gpos, [])
    if len(lst) >= lattice.beam and rank <= lst[-1].rank:
        return
    items = []
    while chain is not None:
        chain, item = chain
        items.append(item)
    items.reverse()
    text = "".join(item[0] for item in items)
    for k, x in enumerate(lst):
        if x.text == text:
            if x.rank >= rank:
                return
            del lst[k]
            break
    guesses = []
    offset = 0
    for k, item in enumerate(items):
        if item[2] is not None:
            guesses.append((k, item[2], item[3], offset))
        offset += len(item[1])
    lst.append(Exit(gpos, score, text, b"".join(item[1] for item in items), wc, rank, tuple(guesses)))
    lst.sort(key=lambda x: -x.rank)
    del lst[lattice.beam :]


def _decode_reference(lattice, tokens, prev, end_gpos, allow_trailing_wildcard=True, script="", right="",
                      stop_at_sync=False):
    """Lattice.decode as it was before its inner loop was tuned, with _emit_reference and
    _exit_reference."""
    first_gpos = tokens[0].gpos if tokens else 0
    n = len(tokens)
    beam = lattice.beam
    nodes: dict = {}
    heap: list = []
    logp2 = lattice.stats.logp2
    exits: dict = {}

    def push(key, entry):
        rank = entry[0]
        if key[2] == 0 and not key[3] and key[0] < n:
            nxt = right[tokens[key[0]].gpos - first_gpos : tokens[key[0]].gpos - first_gpos + 1]
            if nxt:
                rank += logp2(entry[1], nxt)
        lst = nodes.get(key)
        if lst is None:
            nodes[key] = [(rank, entry)]
            heapq.heappush(heap, (key[0], key[2], key[1], key[3]))
            return
        for k, (r, e) in enumerate(lst):
            if e[1] == entry[1] and e[4] == entry[4] and e[5] == entry[5]:
                if rank > r:
                    lst[k] = (rank, entry)
                return
        if len(lst) < beam:
            lst.append((rank, entry))
        else:
            worst = min(range(len(lst)), key=lambda k: lst[k][0])
            if rank > lst[worst][0]:
                lst[worst] = (rank, entry)

    def enter(i, partial, entry):
        if not partial and i > 0:
            gpos = tokens[i].gpos if i < n else end_gpos
            _exit_reference(lattice, exits, gpos, entry, right[gpos - first_gpos : gpos - first_gpos + 1])
            if stop_at_sync or entry[5]:
                return
        if i >= n:
            if partial:
                push((n, 0, 0, partial), entry)
            return
        for a, (data, pen, kind) in enumerate(tokens[i].alts):
            if kind in ("fold", "drop") and not partial:
                continue
            if kind == "literal" and partial:
                continue
            e = (entry[0] - pen,) + entry[1:] if pen else entry
            if not data:
                enter(i + 1, partial, e)
            else:
                push((i, a, 0, partial), e)

    enter(0, (), (0.0, prev, None, 0, script, False))
    while heap:
        i, o, a, partial = heapq.heappop(heap)
        entries = [e for _r, e in nodes.pop((i, a, o, partial))]
        if i >= n:
            if allow_trailing_wildcard:
                need = lattice.char_len(partial)
                if need > len(partial):
                    filled = partial + (W,) * (need - len(partial))
                    nxt = right[end_gpos - first_gpos : end_gpos - first_gpos + 1]
                    for entry in _emit_reference(lattice, entries, filled):
                        _exit_reference(lattice, exits, end_gpos, entry, nxt)
            continue
        data = tokens[i].alts[a][0]
        new_partial = partial + (data[o],)
        need = lattice.char_len(new_partial)
        if need == 0:
            continue
        o2 = o + 1
        if len(new_partial) < need:
            follow, np_ = entries, new_partial
        else:
            la = ""
            if o2 >= len(data):
                g = tokens[i + 1].gpos if i + 1 < n else end_gpos
                la = right[g - first_gpos : g - first_gpos + 1]
                nb = _first_byte(tokens[i + 1]) if i + 1 < n else None
            else:
                nb = data[o2]
            follow, np_ = _emit_reference(lattice, entries, new_partial, la, None if nb == W else nb), ()
        for e in follow:
            if o2 >= len(data):
                enter(i + 1, np_, e)
            else:
                push((i, a, o2, np_), e)
    return [x for end in sorted(exits) for x in exits[end]]


def _documents() -> list[str]:
    # every class the lattice reads, several damaged lines a document, and seed 000 (gbk-shift
    # runs with destroyed bytes, pinyin notes, folded punctuation)
    docs = []
    for cls in ("gbk-shift", "utf8-as-gbk", "big5-as-gbk", "gbk-as-big5"):
        lines = [s.damaged for s in samples(cls, 12, seed=11)]
        docs += ["\n".join(lines[i : i + 4]) for i in range(0, len(lines), 4)]
    docs.append((ROOT / "seeds" / "000_92af0b51e8934e6d.txt").read_text(encoding="utf-8")[:6000])
    return docs


def _fields(exits):
    return [(x.end, x.score, x.text, x.data, x.wildcards, x.rank, x.guesses) for x in exits]


def test_decode_equals_the_plain_search(monkeypatch):
    """Every decode the step makes gives the readings, scores and ranks (the same floats) and the
    order the plain search gives."""
    calls = []
    real = Lattice.decode

    def recording(self, *args, **kwargs):
        got = real(self, *args, **kwargs)
        calls.append((self, args, kwargs, got))
        return got

    monkeypatch.setattr(Lattice, "decode", recording)
    for doc in _documents():
        M.repair_spans(doc)
    monkeypatch.undo()
    targets = {lattice.target for lattice, *_ in calls}
    assert len(calls) > 300 and targets == {"gb18030", "utf-8", "cp950"}
    wild = 0
    for lattice, args, kwargs, got in calls:
        assert _fields(got) == _fields(_decode_reference(lattice, *args, **kwargs))
        wild += any(x.guesses for x in got)
    assert wild > 50  # readings with destroyed bytes filled (the shortcuts' case) were compared


# characters before a destroyed byte: frequent and rare Han of both scripts, Han the statistics
# do not count, punctuation, digits, Latin, nothing
_PREVS = list("的一是教育學书淄曜嘢龘，“。、2a") + ["\u3400", ""]


@pytest.mark.parametrize(
    "target,source,pattern,next_byte",
    [
        ("gb18030", None, (W, 0xD3), None),
        ("gb18030", None, (0xC1, W), 0xA1),
        ("gb18030", None, (W, 0xA1), None),
        ("gb18030", None, (W, W), None),
        ("utf-8", "gb18030", (0xE5, W, 0xB8), None),
        ("utf-8", "gb18030", (0xE4, 0xB8, W), 0xE6),
        ("cp950", "gb18030", (W, 0xA4), None),
    ],
)
def test_emit_equals_the_full_loop_for_any_character_before(target, source, pattern, next_byte):
    lattice = M._lattice(target, source)
    rng = random.Random(5)
    han = [c for c in charstats().unigrams if len(c) == 1 and is_han(c)]
    prevs = _PREVS + rng.sample(han, 60)
    for lookahead in ("", "育", "的", "，", "x", "2"):
        for script in ("", "s", "t"):
            entries = [(-rng.uniform(0, 80), pc, None, rng.randrange(3), script, False) for pc in prevs]
            # twice: the second call reads the per-pattern tables the first one built
            for _ in range(2):
                assert lattice._emit(entries, pattern, lookahead, next_byte) == _emit_reference(
                    lattice, entries, pattern, lookahead, next_byte
                )


def test_an_unknown_han_pair_scores_its_unigram_backed_off():
    """_emit takes the bigram of a Han pair the statistics do not know from a per-pattern table:
    that must be the very float CharStats.logp2 gives it."""
    stats = charstats()
    rng = random.Random(2)
    han = [c for c in stats.unigrams if len(c) == 1 and is_han(c)] + ["\u3400", "\U00020000"]
    checked = 0
    for _ in range(20000):
        a, b = rng.choice(han), rng.choice(han)
        if a + b not in stats.bigrams:
            assert stats.logp2(a, b) == stats.logp1(b) + _LOG_BACKOFF
            checked += 1
    assert checked > 10000


def test_quick_look_keeps_the_best_next_to_punctuation_letters_and_edges():
    """_quick_candidates orders the alternatives with the word-start/word-end factor their unknown
    pair with punctuation adds: the best few it looks at are the best few of all, on every side."""
    from tests.test_mojibake_search import quick_look_key

    stats = charstats()
    lattice = M._lattice("gb18030", None)
    context = "全市教育系统坚持立德树人根本任务,深入推进“教育综合改革”。淄博市教育局、学校"
    neighbours = ["", "，", "“", "”", "。", "、", "（", "?", "a", "B", "3", "持", "的", "ア"]
    for pattern in [(W, 0xD3), (0xC1, W), (W, 0xA1), (W, W), (0xBD, W)]:
        alts = lattice.alternatives(pattern, None)
        for present in (frozenset(context), frozenset()):
            for left in neighbours:
                for right in neighbours:
                    for script in ("", "s", "t"):
                        key = quick_look_key(stats, context, present, left, right, script)
                        want = sorted(alts, key=key, reverse=True)[: M.REFINE_KEEP]
                        look = M._quick_candidates(lattice, alts, pattern, None, script, left, right, present, stats)
                        ranked = sorted(look, key=lambda j: key(alts[j]), reverse=True)
                        got = [alts[j] for j in ranked[: M.REFINE_KEEP]]
                        assert got == want, (pattern, left, right, script)


# characters before a destroyed byte of every class logp2 tells apart: Han (known and unknown
# pairs), marks of both kinds (CJK punctuation, symbols, a line break), letters and kana (their
# unknown pair scores the unigram), ASCII and full-width digits (what follows numbers), nothing
_PREVS_ALL = list("的教學淄，。“”、《》…—·※■\n?!a Zアぃ2９Ａα") + ["", "\u3400"]


@pytest.mark.parametrize(
    "pattern,next_byte",
    [
        ((0xA1, W), None),  # GBK's row of marks: nearly every candidate is not Han
        ((0xA3, W), 0xA1),  # full-width ASCII: letters and digits (unigram) beside marks
        ((0xA4, W), None),  # kana
        ((W, 0xA1), None),  # Han and marks mixed
        ((W, 0xB0), None),
        ((0xB0, W), 0xA3),
    ],
)
def test_emit_prunes_marks_and_after_other_characters_as_the_full_loop(pattern, next_byte):
    """_emit's pruning by the unknown pair's order: of a Han character's marks (their unigram plus
    its word-end factor) and after a character that is not Han (the unigram, plus the word-start
    factor of a Han candidate after a mark; nothing pruned after a digit) keeps what the full loop
    keeps, for each class of character before and with ties in score (equal entries)."""
    lattice = M._lattice("gb18030", None)
    rng = random.Random(11)
    han = [c for c in charstats().unigrams if len(c) == 1 and is_han(c)]
    prevs = _PREVS_ALL + rng.sample(han, 30)
    for lookahead in ("", "育", "，", "a", "2"):
        for script in ("", "s", "t"):
            entries = [(-rng.uniform(0, 80), pc, None, rng.randrange(3), script, False) for pc in prevs]
            entries += [(-10.0, pc, None, 0, script, False) for pc in ("的", "，", "")]
            for _ in range(2):
                assert lattice._emit(entries, pattern, lookahead, next_byte) == _emit_reference(
                    lattice, entries, pattern, lookahead, next_byte
                )


def test_the_pruning_after_marks_and_other_characters_is_taken():
    """(The test above compares something: for these patterns the shortcuts score fewer
    candidates than there are. Rows of kana or full-width letters tie: each class of them scores
    one unigram, and ties are all scored.)"""
    lattice = M._lattice("gb18030", None)
    keep = 2 * lattice.beam
    for pattern in [(0xA1, W), (0xA3, W), (W, 0xA1), (W, 0xB0)]:
        for lookahead in ("", "育"):
            order = lattice._order(pattern, None, lookahead, "")
            n = len(order[5])
            assert len(lattice._pick(order, "的", keep)[0]) < (n if pattern == (0xA3, W) else n / 2), pattern
            for pc in ("，", "a", ""):
                if pattern != (0xA3, W):
                    assert len(lattice._pick_other(pattern, None, lookahead, "", pc, keep)) < n / 2, (pattern, pc)
            assert len(lattice._pick_other(pattern, None, lookahead, "", "2", keep)) == n
