"""The mojibake step's memos and shortcuts keep its answers: what is reused (a reading's
refinement, the choice of a guessed character, the tokens of a run) or skipped (alternatives the
quick look cannot rank among the best, places no dictionary word starts at) gives what computing
everything afresh gives."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from educorpus.cleaners import mojibake as M
from tests.mojibake_damage import samples
from tests.test_mojibake_search import quick_look_key

ROOT = Path(__file__).resolve().parent.parent


def _documents() -> list[str]:
    # several damaged lines per document, so that the memos of one document are shared by many
    # runs and attempts (as on a page), plus seed 000 (damage whose bytes are partly gone)
    docs = []
    for cls in ("gbk-shift", "utf8-as-gbk", "big5-as-gbk"):
        lines = [s.damaged for s in samples(cls, 24, seed=7)]
        docs += ["\n".join(lines[i : i + 6]) for i in range(0, len(lines), 6)]
    docs.append((ROOT / "seeds" / "000_92af0b51e8934e6d.txt").read_text(encoding="utf-8"))
    return docs


def test_refine_with_shared_memo_equals_fresh(monkeypatch):
    """Every refinement the step does with its document's memo gives the reading a refinement
    with an empty memo gives (the memo holds earlier readings' choices and outcomes)."""
    real = M._refine
    seen = []

    def recording(c, text, line_start, line_end, stats, memo):
        before = copy.copy(c)
        real(c, text, line_start, line_end, stats, memo)
        seen.append((before, text, line_start, line_end, (c.text, c.gain, c.known, c.paired, c.exit.data)))

    monkeypatch.setattr(M, "_refine", recording)
    for doc in _documents():
        M.repair_spans(doc)
    assert len(seen) > 100
    reused = 0
    for before, text, line_start, line_end, got in seen:
        fresh = copy.copy(before)
        real(fresh, text, line_start, line_end, M.charstats(), {})
        assert (fresh.text, fresh.gain, fresh.known, fresh.paired, fresh.exit.data) == got
        reused += got[0] != before.text
    assert reused > 0  # some refinements changed a reading (the comparison is not vacuous)


@pytest.mark.parametrize(
    "cls, source, shift",
    [
        ("gbk-shift", "gb18030", True),
        ("utf8-as-gbk", "gb18030", True),
        ("utf8-as-gbk", "gb18030", False),
        ("big5-as-gbk", "gb18030", False),
        ("gbk-as-big5", "cp950", False),
    ],
)
def test_tokens_do_not_depend_on_the_start(cls, source, shift):
    """_try_shift and _try_confusion tokenize once from their first start and give later starts
    the tail: that tail must be what tokenizing from the later start gives."""
    checked = 0
    for s in samples(cls, 40, seed=3):
        text = s.damaged
        hi = len(text)
        numbers = frozenset(M._NUMBER.findall(text)) if shift else frozenset()
        first = M._tokens(text, 0, hi, source, shift=shift, numbers=numbers)
        at = {t.gpos: i for i, t in enumerate(first)}
        for start in range(1, len(text)):
            if start in at:
                assert M._tokens(text, start, hi, source, shift=shift, numbers=numbers) == first[at[start] :]
                checked += 1
    assert checked > 100


def test_quick_look_next_to_punctuation_keeps_the_best_alternatives():
    """The quick look next to punctuation (or another non-Han character, or the line's edge)
    keeps what scoring every alternative keeps (see test_mojibake_search for Han on both
    sides)."""
    from educorpus.charstats import charstats
    from educorpus.cleaners._redecode import W

    stats = charstats()
    lattice = M._lattice("gb18030", None)
    context = "全市教育系统坚持立德树人根本任务,深入推进教育综合改革。淄博市教育局"
    present = frozenset(context)
    pruned = 0
    for pattern in [(W, 0xD3), (0xC1, W), (W, 0xA1), (W, 0xB5), (0xB9, W), (W, W)]:
        for next_byte in (None, 0x3F):
            alts = lattice.alternatives(pattern, next_byte)
            for left, right in [
                ("持", "，"), ("教", "。"), ("坚", "?"), ("的", "a"), ("校", "1"), ("市", "の"), ("高", "”"),
                ("“", "育"), ("，", "局"), ("", "学"), ("", "。"), ("a", "校"), ("（", "）"), ("?", "?"),
                ("3", "年"), ("２", "，"), ("の", "市"), ("高", ""), ("，", ""),
            ]:
                for script in ("", "s", "t"):
                    key = quick_look_key(stats, context, present, left, right, script)
                    want = sorted(alts, key=key, reverse=True)[: M.REFINE_KEEP]
                    look = M._quick_candidates(lattice, alts, pattern, next_byte, script, left, right, present, stats)
                    pruned += len(look) < len(alts)
                    got = [alts[j] for j in sorted(look, key=lambda j: key(alts[j]), reverse=True)[: M.REFINE_KEEP]]
                    assert got == want
    assert pruned > 100  # the shortcut is taken (the comparison is not vacuous)


class _EveryHead:
    # every place may start a word of any length up to MAX_WORD (WordStats._heads maps a head to
    # the length of its longest word)
    def get(self, _item, default=None) -> int:
        from educorpus.charstats import WordStats

        return WordStats.MAX_WORD


def test_word_score_skips_only_places_no_word_starts_at():
    """WordStats.score looks up words only where a word's first two characters are, and only up to
    the longest word with them: the same score as looking everywhere, on sound text, garbled text
    and numbers."""
    from educorpus.charstats import wordstats

    ws = wordstats()
    everywhere = copy.copy(ws)
    everywhere._heads = _EveryHead()
    texts = [line for line in (ROOT / "seeds" / "001_66d2ff1b538386e8.txt").read_text(encoding="utf-8").splitlines() if line]
    texts += [s.damaged for s in samples("gbk-shift", 30, seed=5)]
    texts += ["拨打12377", "5月21日", "中华人民共和国教育部", "高興?!弊筒┦凶痛▍^", "", "的"]
    windows = 0
    for text in texts:
        for i in range(0, max(1, len(text) - 8), 3):
            window = text[i : i + 9]
            assert ws.score(window) == everywhere.score(window)
            windows += 1
    assert windows > 500
