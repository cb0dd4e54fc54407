"""The mojibake search's shortcuts keep its answers: each is checked against the plain
computation it replaces."""

from __future__ import annotations

import heapq
import random

import pytest

from educorpus.charstats import charstats, is_han
from educorpus.cleaners import mojibake as M
from educorpus.cleaners._redecode import SCRIPT_PENALTY, W


def _emit_reference(lattice, entries, pattern, lookahead="", next_byte=None):
    """Lattice._emit as it was before the pruning: every candidate scored."""
    cands, mismatch = lattice._candidates(pattern, next_byte)
    if not cands:
        return []
    nw = pattern.count(W)
    logp2 = lattice.stats.logp2
    scripts = lattice.stats.scripts
    out = []
    for score, pc, chain, wc, script, _pending in entries:
        base = score - lattice.wildcard_penalty * nw
        scored = []
        for cb, ch in cands:
            s = base + logp2(pc, ch) - mismatch.get(cb, 0.0)
            k = scripts.get(ch)
            sc = script
            if k is not None:
                if script and k != script:
                    s -= SCRIPT_PENALTY
                sc = k
            scored.append((s, ch, cb, sc))
        if len(scored) > 2 * lattice.beam:
            if lookahead:
                scored = heapq.nlargest(2 * lattice.beam, scored, key=lambda t: t[0] + logp2(t[1], lookahead))
            else:
                scored = heapq.nlargest(2 * lattice.beam, scored)
        pat = pattern if nw else None
        # the last field: the character filled a destroyed byte the decoder would have read with
        # next_byte, so the reading may end after it but not go on
        out.extend((s, ch, (chain, (ch, cb, pat, next_byte)), wc + nw, sc, cb in mismatch) for s, ch, cb, sc in scored)
    return out


# previous characters: common and rare Han of both scripts, punctuation, digits, nothing
PREVS = ["的", "教", "育", "學", "书", "淄", "曜", "，", "“", "。", "2", "a", ""]


@pytest.mark.parametrize(
    "target,source,pattern,next_byte",
    [
        ("gb18030", None, (W, 0xD3), None),
        ("gb18030", None, (0xBD, W), 0xA1),
        ("gb18030", None, (W, W), None),
        ("utf-8", "gb18030", (0xE4, 0xB8, W), 0xE6),
        ("utf-8", "gb18030", (0xE6, W, W), None),
        ("cp950", "gb18030", (W, 0xA4), None),
    ],
)
def test_emit_keeps_what_the_full_loop_keeps(target, source, pattern, next_byte):
    lattice = M._lattice(target, source)
    rng = random.Random(7)
    for lookahead in ("", "育", "，", "x"):
        for script in ("", "s", "t"):
            entries = [(-rng.uniform(0, 40), pc, None, 0, script, False) for pc in PREVS]
            got = lattice._emit(entries, pattern, lookahead, next_byte)
            want = _emit_reference(lattice, entries, pattern, lookahead, next_byte)
            assert got == want


def quick_look_key(stats, context: str, present: frozenset, left: str, right: str, script: str):
    """The full score the quick look ranks an alternative ``(bytes, char, penalty)`` by, written
    out plainly: the reference its shortcut is checked against."""

    def key(alt):
        _cb, ch, pen = alt
        s = -pen
        k = stats.scripts.get(ch)
        if script and k is not None and k != script:
            s -= SCRIPT_PENALTY
        s = s + (M._cache_bonus(stats, context, left, ch, right) if ch in present else 0.0)
        s = s + stats.logp2(left, ch)
        return s + stats.logp2(ch, right) if right else s

    return key


def test_quick_look_keeps_the_best_alternatives():
    stats = charstats()
    lattice = M._lattice("gb18030", None)
    context = "全市教育系统坚持立德树人根本任务,深入推进教育综合改革。淄博市教育局"
    present = frozenset(context)
    for pattern in [(W, 0xD3), (0xC1, W), (W, 0xA1), (W, W)]:
        alts = lattice.alternatives(pattern, None)
        for left, right in [("持", "德"), ("坚", ""), ("的", "育"), ("教", "局")]:
            for script in ("", "s", "t"):
                key = quick_look_key(stats, context, present, left, right, script)
                want = sorted(alts, key=key, reverse=True)[: M.REFINE_KEEP]
                look = M._quick_candidates(lattice, alts, pattern, None, script, left, right, present, stats)
                assert len(look) < len(alts) or not is_han(left)
                got = [alts[j] for j in sorted(look, key=lambda j: key(alts[j]), reverse=True)[: M.REFINE_KEEP]]
                assert got == want


def test_a_run_starts_after_the_last_word_before_it():
    text = "我们家长也非常高兴?!弊筒┦凶痛"
    # 高兴 ends right before the "?": a start inside it or before it would misread sound words
    assert M._first_start(text, 0, 9) == 8
    # garbled characters that make no word leave every start open
    assert M._first_start("弊筒┦凶", 0, 4) == 0


def test_unpaired_counts_marks_only():
    assert M._unpaired("他说“好”。") == 0
    assert M._unpaired("《教育法》”和“") == 2
    assert M._unpaired("没有引号的一行") == 0


def test_a_reading_does_not_go_on_past_a_byte_the_decoder_would_have_read():
    # 所 = E6 89 80: GBK reads E6 89 as 鎵 and fails on 0x80 before 示 (E7 A4 BA). 批 (E6 89 B9)
    # fills the "?" with B9, which GBK would have read with E7 as one character: 批 may end a
    # run there, but a reading that goes on into 示 cannot have 批 (批示 is a word, 所示 the text)
    text = "如图1鎵?绀虹殑瀹為獙装置"
    lattice = M._lattice("utf-8", "gb18030")
    toks = M._tokens(text, 3, 11, "gb18030", shift=False)
    exits = lattice.decode(toks, text[2], 11, script="s", right=text[3:12])
    assert [x.text for x in exits if x.end == 11][0] == "所示的实验"
    assert all(not x.text.startswith("批") for x in exits if x.end > 5)
