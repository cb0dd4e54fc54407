"""Work that must grow linearly with a page (found by bench/bench_tail.py on multi-megabyte pages).

No timing (house rule): each test counts the operations the code does, with objects that count
what is done to them, so that it fails if the work becomes (pages x something) again.
"""

from __future__ import annotations

import random

from educorpus.cleaners import substitution as S
from educorpus.document import StepContext


class CountedInt(int):
    """An int that counts the comparisons made with it (int.__lt__(x, self) goes to its __gt__)."""

    compared = 0

    def _count(self, other, op):
        CountedInt.compared += 1
        return op(int(self), int(other))

    def __lt__(self, other):
        return self._count(other, int.__lt__)

    def __gt__(self, other):
        return self._count(other, int.__gt__)

    def __le__(self, other):
        return self._count(other, int.__le__)

    def __ge__(self, other):
        return self._count(other, int.__ge__)

    __hash__ = int.__hash__


def _flagged(n: int, counted: bool) -> tuple[list, int]:
    """A step that makes ``n`` edits and then flags ``n`` places: the flags' input positions."""
    rng = random.Random(n)
    text = "".join(rng.choice("教育部学校平台") for _ in range(20 * n))
    ctx = StepContext(None, {"flags": []}, {})
    ctx.begin("substitution", text)
    # edits that change lengths (so each flag's position in the input is a real computation)
    spans = [(20 * i + 3, 20 * i + 5, "x" * (i % 4), "r") for i in range(n)]
    new = ctx.replace(text, spans)
    places = sorted(rng.sample(range(len(new) - 1), n))
    CountedInt.compared = 0
    wrap = CountedInt if counted else int
    ctx.flag(new, [(wrap(p), wrap(p + 1), "f") for p in places])
    return [(e.position, e.before) for e in ctx.finish() if e.rule == "f"], CountedInt.compared


def test_flags_are_placed_as_before():
    # the same positions with counting ints as with plain ones, and each where the flagged
    # character is in the step's input
    plain, _ = _flagged(300, counted=False)
    counted, _ = _flagged(300, counted=True)
    assert plain == counted and len(plain) > 250  # (a flag inside an edited span is dropped)


def test_flag_placement_is_not_flags_times_edits():
    # each flag once compared with every edit before it was found by bisection: 2,000 flags on
    # 2,000 edits made some 2,000,000 comparisons (11 s on a 4 MB page)
    n = 2000
    _, compared = _flagged(n, counted=True)
    assert compared < 40 * n, compared


class CountedStr(str):
    """A page's shadow that counts the characters its find/rfind calls may scan."""

    scanned = 0

    def find(self, sub, start=0, end=None):
        end = len(self) if end is None else end
        at = str.find(self, sub, start, end)
        CountedStr.scanned += (at + len(sub) if at >= 0 else end) - start
        return at

    def rfind(self, sub, start=0, end=None):
        end = len(self) if end is None else end
        at = str.rfind(self, sub, start, end)
        CountedStr.scanned += end - (at if at >= 0 else start)
        return at


def test_amount_flags_reads_each_sentence_once(monkeypatch):
    # a page with many amounts (元) and no ？ or ！: looking for each sentence's bounds scanned
    # from the 元 to the page's start and end for every end character it lacks
    sentence = "全市规划投资22.5万元,新建中小学校28所,建筑面积39.98万平方米。"
    page = S._Page(sentence * 3000)
    page.sh = CountedStr(page.sh)
    scanned = []
    for name in ("_NEXT_END", "_PREV_END"):
        pattern = getattr(S, name, None)

        class Counted:
            reverse = name == "_PREV_END"

            def search(self, s, pos=0, endpos=None, _p=pattern):
                m = _p.search(s, pos, endpos if endpos is not None else len(s))
                # what the search read: from where it starts to the match (or to the far end)
                if self.reverse:
                    scanned.append(endpos - (m.start() if m else pos))
                else:
                    scanned.append((m.end() if m else len(s)) - pos)
                return m

        monkeypatch.setattr(S, name, Counted(), raising=False)
    CountedStr.scanned = 0
    flags = S.amount_flags(page.text, page)
    assert len(flags) == 3000
    total = CountedStr.scanned + sum(scanned)
    assert total <= 3 * len(page.sh), total
