"""Work the mojibake step skips on clusters it leaves alone keeps its answers.

- ``Lattice.may_exit_past`` says False only when the decode it stands in for returns no reading
  that ends past the attempt's first garbled character (those readings are thrown away unread);
- ``_best_repair`` with its document's memo (decodes, what ``consider`` found in them, the starts
  left unread) gives what it gives with an empty memo, attempt by attempt;
- the step gives the same spans with the shortcut as without it.

The inputs are damaged lines of every GBK class, seed 000 (a traditional page with gbk-shift
runs) and seed 000 converted to simplified script with OpenCC, as the benchmark corpus converts
some of its pages: there the runs' bytes are gone and the step walks long clusters it then leaves
alone, which is where the shortcuts are taken.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import opencc

from educorpus.cleaners import _redecode
from educorpus.cleaners import mojibake as M
from tests.mojibake_damage import samples

ROOT = Path(__file__).resolve().parent.parent


def _documents() -> list[str]:
    docs = []
    for cls in ("gbk-shift", "utf8-as-gbk", "big5-as-gbk", "gbk-as-big5"):
        lines = [s.damaged for s in samples(cls, 12, seed=11)]
        docs += ["\n".join(lines[i : i + 6]) for i in range(0, len(lines), 6)]
    seed = (ROOT / "seeds" / "000_92af0b51e8934e6d.txt").read_text(encoding="utf-8")
    docs += [seed, opencc.OpenCC("t2s").convert(seed)]
    # pages of the benchmark corpus (seed-derived, some converted whole), as the step meets them
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus_gen import iter_pages
    finally:
        sys.path.remove(str(ROOT / "bench"))
    docs += list(itertools.islice(iter_pages(seed=3), 6))
    return docs


def test_may_exit_past_is_false_only_when_no_reading_ends_past(monkeypatch):
    real = _redecode.Lattice.may_exit_past
    calls = []

    def recording(self, tokens, end_gpos, beyond, allow_trailing_wildcard=True, stop_at_sync=False):
        got = real(self, tokens, end_gpos, beyond, allow_trailing_wildcard, stop_at_sync)
        calls.append((self, tokens, end_gpos, beyond, allow_trailing_wildcard, stop_at_sync, got))
        return got

    monkeypatch.setattr(_redecode.Lattice, "may_exit_past", recording)
    for doc in _documents():
        M.repair_spans(doc)
    skipped = passed = 0
    for lattice, tokens, end_gpos, beyond, trailing, sync, got in calls:
        # which readings exist does not depend on the scores (prev, script, right context): the
        # beams only choose among them
        exits = lattice.decode(tokens, "", end_gpos, allow_trailing_wildcard=trailing, stop_at_sync=sync)
        past = any(x.end > beyond for x in exits)
        assert got or not past
        skipped += not got
        passed += past
    # the shortcut is taken, for both kinds of search, and the other answer occurs too
    assert skipped > 100 and passed > 100
    assert {c[5] for c in calls if not c[6]} == {True, False}


def test_attempts_with_the_document_memo_equal_fresh_ones(monkeypatch):
    real = M._best_repair
    checked = []

    def both(text, c0, c1, line_start, line_end, numbers=frozenset(), memo=None, rules=None, budget=None):
        got = real(text, c0, c1, line_start, line_end, numbers, memo, rules, budget)
        fresh = real(text, c0, c1, line_start, line_end, numbers, {}, rules)
        view = [
            None if c is None else (c.start, c.end, c.text, c.gain, c.rule, c.wgain, c.leave, M._accept(c))
            for c in (got, fresh)
        ]
        assert view[0] == view[1]
        checked.append(view[0] is not None and not view[0][-1])
        return got

    monkeypatch.setattr(M, "_best_repair", both)
    for doc in _documents():
        M.repair_spans(doc)
    assert len(checked) > 80 and sum(checked) > 20, (len(checked), sum(checked))  # attempts that leave their cluster alone among them


def test_spans_equal_without_the_shortcut(monkeypatch):
    docs = _documents()
    with_it = [M.repair_spans(doc) for doc in docs]
    monkeypatch.setattr(_redecode.Lattice, "may_exit_past", lambda self, *a, **k: True)
    assert [M.repair_spans(doc) for doc in docs] == with_it
    assert any(with_it)
