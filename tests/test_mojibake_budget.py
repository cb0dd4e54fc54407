"""The mojibake search's budget: a page garbled throughout costs work in proportion to its length.

No test here times anything (house rule): each counts the search's work with counters of its
own, wrapped around the functions that do it (attempts, lattice decodes, utf8-as-big5 windows),
so that a test fails if a page's work outgrows its budget again, whatever the machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import educorpus
from educorpus.cleaners import _big5, _redecode
from educorpus.cleaners import mojibake as M

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))

# three shapes of page that are damage from end to end (bench/bench_tail.py has them at full size):
# private-use characters on every line (each attempt decodes a long run and finds nothing), the
# seeds as GBK bytes read as CP950 (confusion readings, with _marks_stay's look at the line), and
# the seeds as UTF-8 read as CP950 (the utf8-as-big5 search's windows)
PAGES = {
    "private_use": lambda n: ("教育\ue000\ue123局" * n)[:n],
    "gbk_as_cp950": lambda n: SEED_TEXT.encode("gbk", "replace").decode("cp950", "replace")[:n],
    "utf8_as_cp950": lambda n: SEED_TEXT.encode("utf-8").decode("cp950", "replace")[:n],
}


class Tally:
    """Work of the search, counted apart from SearchBudget: attempts, readings decoded, window states."""

    def __init__(self, monkeypatch) -> None:
        self.attempts = self.readings = self.states = 0
        self.largest = 0.0  # the most work one attempt did
        best, decode, window = M._best_repair, _redecode.Lattice.decode, _big5.decode_window

        def counted_best(*a, **k):
            self.attempts += 1
            before = self.work
            try:
                return best(*a, **k)
            finally:
                self.largest = max(self.largest, self.work - before)

        def counted_decode(lattice, *a, **k):
            exits = decode(lattice, *a, **k)
            self.readings += len(exits)
            return exits

        def counted_window(text, prev, stats, script="", work=None):
            work = [0] if work is None else work
            before = work[0]
            out = window(text, prev, stats, script, work)
            self.states += work[0] - before
            return out

        monkeypatch.setattr(M, "_best_repair", counted_best)
        monkeypatch.setattr(_redecode.Lattice, "decode", counted_decode)
        monkeypatch.setattr(_big5, "decode_window", counted_window)
        _big5._CACHE.clear()  # a window decoded for an earlier test is work this one does not see

    @property
    def work(self) -> float:
        return M.ATTEMPT_WORK * self.attempts + self.readings + M.BIG5_WORK * self.states


def _search(page: str) -> tuple[list, list]:
    unsearched: list = []
    return M.repair_spans(page, unsearched=unsearched), unsearched


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_a_page_garbled_throughout_stays_within_its_budget(monkeypatch, kind):
    page = PAGES[kind](3000)
    tally = Tally(monkeypatch)
    _spans, unsearched = _search(page)
    limit = M.SEARCH_BASE + M.SEARCH_PER_CHAR * len(page)
    # the last attempt may run past the limit (it is checked between attempts), by what one
    # attempt costs (bounded by the window sizes: MAX_CLUSTER, SHIFT_REACH, _big5.MAX_WINDOW);
    # without the budget these pages cost 5 to 30 times the limit
    assert tally.work <= limit + tally.largest, (tally.attempts, tally.readings, tally.states)
    assert tally.largest < 20_000
    assert unsearched, "the budget ran out: what it did not reach must be reported"


@pytest.mark.parametrize("kind", ["private_use", "gbk_as_cp950"])
def test_work_grows_linearly_when_the_page_doubles(monkeypatch, kind):
    # a small budget, so that the part in proportion to the page decides, not the base
    monkeypatch.setattr(M, "SEARCH_BASE", 0)
    monkeypatch.setattr(M, "SEARCH_PER_CHAR", 0.5)
    tally = Tally(monkeypatch)
    work = []
    for n in (1000, 2000):
        tally.attempts = tally.readings = tally.states = 0
        _big5._CACHE.clear()
        _search(PAGES[kind](n))
        work.append(tally.work)
    assert work[1] <= 2.5 * work[0] + 2000, work  # + one attempt's overshoot


def test_the_marks_look_spends_the_documents_budget(monkeypatch):
    # _marks_stay searches the whole line again for each run it judges: on a long garbled line
    # that is a search per run, each as long as the line, unless it spends the same budget
    budgets = []
    plain = M.repair_spans

    def recording(text, check=True, budget=None, unsearched=None):
        budgets.append((check, budget))
        return plain(text, check, budget, unsearched)

    monkeypatch.setattr(M, "repair_spans", recording)
    page = PAGES["gbk_as_cp950"](3000)
    outer = M.SearchBudget(page)
    recording(page, budget=outer)
    looks = [b for check, b in budgets if not check]
    assert looks, "the page should have runs whose marks are looked at"
    assert all(b is outer for b in looks)


def test_unsearched_runs_are_flagged_and_left_as_they_are(monkeypatch):
    monkeypatch.setattr(M, "SEARCH_BASE", 0)
    monkeypatch.setattr(M, "SEARCH_PER_CHAR", 0.2)
    M._spans_of.cache_clear()
    page = "教育部关于做好学校工作的通知\n" + PAGES["private_use"](2000) + "\n欢迎访问。"
    doc = educorpus.clean_and_explain(page)
    M._spans_of.cache_clear()
    assert "unsearched" in doc.meta["flags"]
    flags = [e for e in doc.edits if e.rule == "unsearched"]
    assert flags and doc.scores["mojibake_unsearched"] == len(flags)
    assert all(e.before == e.after and e.step == "mojibake" for e in flags)
    # flagged, not changed: the private-use characters are all still there
    assert doc.text.count("\ue000") == page.count("\ue000")
    # a search out of budget asks for no second round (it would spend a second budget)
    assert max(e.round for e in doc.edits) == 1


def test_the_answer_does_not_depend_on_the_documents_before_it(monkeypatch):
    # the utf8-as-big5 windows are cached across documents; the budget charges a window whether
    # the cache had it or not, so a page's answer is the same cold or warm
    monkeypatch.setattr(M, "SEARCH_BASE", 500)
    page = PAGES["utf8_as_cp950"](1500)
    _big5._CACHE.clear()
    cold = _search(page)
    warm = _search(page)
    assert cold == warm
    assert cold[1], "the budget should run out on this page for the test to mean anything"


def test_the_seeds_are_searched_to_the_end():
    # ordinary pages, damaged ones included (seed 000), spend a fraction of their budget
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        budget = M.SearchBudget(text)
        unsearched: list = []
        M.repair_spans(text, budget=budget, unsearched=unsearched)
        assert not unsearched and budget.spent < budget.limit / 2, (path.name, budget.spent, budget.limit)


def test_a_long_line_is_searched_for_private_use_once(monkeypatch):
    # every attempt asks whether its line holds private use (_line_decoders); on a page of one
    # long line each ask read the whole line: attempts x line (a 1 MB line of U+FFFD runs took
    # 8.9 s instead of 4)
    page = "教育\ufffd\ufffd局锟斤拷" * 400
    scanned = []
    pua = M._PUA

    class Counted:
        def search(self, s, pos=0, endpos=None):
            endpos = len(s) if endpos is None else endpos
            m = pua.search(s, pos, endpos)
            if s is page:
                scanned.append((m.end() if m else endpos) - pos)
            return m

        def finditer(self, s, pos=0, endpos=None):
            endpos = len(s) if endpos is None else endpos
            if s is page:
                scanned.append(endpos - pos)
            return pua.finditer(s, pos, endpos)

    monkeypatch.setattr(M, "_PUA", Counted())
    monkeypatch.setattr(M, "_PUA_LAST", ("", ()))
    tally = Tally(monkeypatch)
    _search(page)
    assert tally.attempts > 20  # many attempts on the one line ...
    assert sum(scanned) <= len(page)  # ... and the line read once


def test_private_use_lines_still_narrow_the_decoders():
    # the answer per line, not per page: a line with private use, a line without
    text = "教育\ue000局\n教育部"
    assert M._line_decoders(text, 0, 5, "gb18030") == ("gb18030",)
    assert M._line_decoders(text, 6, 9, "gb18030") is None
    assert M._line_decoders(text, 0, 5, "cp950") is None
    other = "教育部\n教育\ue000局"  # another text: answers of the first are not reused
    assert M._line_decoders(other, 0, 3, "gb18030") is None
    assert M._line_decoders(other, 4, 9, "gb18030") == ("gb18030",)
