"""Documents, edits and the bookkeeping that makes every change replayable.

A step never edits text directly: it proposes *spans* ``(start, end, replacement, rule)`` on the
text it holds and hands them to :meth:`StepContext.replace`. The context applies them and keeps
the step's edits in the coordinates of the text the step *received*, merging edits of later
passes that touch earlier ones. So for every step, applying its edits from the right end of the
text to the left reproduces the step's output, and :func:`replay` reproduces the whole pipeline.

Not handled here: overlapping spans within one pass are a programming error and raise.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, fields
from itertools import accumulate
from operator import add, itemgetter, sub
from typing import Any, Callable, Iterable, Sequence

Span = tuple[int, int, str, str]  # (start, end, replacement, rule) in the text a pass receives


@dataclass(frozen=True, slots=True)
class Edit:
    """One change: ``before`` at ``position`` (in the text ``step`` received) became ``after``.

    ``round`` is 1 unless the pipeline ran again on its own output (see ``pipeline.MAX_ROUNDS``).
    """

    step: str
    rule: str
    before: str
    after: str
    position: int
    round: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "rule": self.rule,
            "before": self.before,
            "after": self.after,
            "position": self.position,
            "round": self.round,
        }


@dataclass
class Document:
    """The result of :func:`educorpus.clean_and_explain`.

    ``text`` is the cleaned text; ``meta`` the metadata pulled out of the page (absent fields are
    ``None``); ``edits`` every change in pipeline order; ``scores`` numeric findings of the steps.
    """

    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)
    scores: dict[str, float | int] = field(default_factory=dict)

    def replay(self, raw: str) -> str:
        """Apply this document's edits to ``raw`` (the input it was cleaned from)."""
        return replay(raw, self.edits)


def replay(text: str, edits: Sequence[Edit]) -> str:
    """Re-apply ``edits`` (as produced by the pipeline, in order) to ``text``.

    Edits are grouped by consecutive (step, round); within a group, positions refer to the text
    that step received, so they are applied from the right.

    >>> replay("a,b", [Edit("normalize", "fullwidth-punct", ",", "，", 1)])
    'a，b'
    """
    for group in step_groups(edits):
        for e in sorted(group, key=lambda e: (e.position, e.position + len(e.before)), reverse=True):
            end = e.position + len(e.before)
            if text[e.position:end] != e.before:
                raise ValueError(
                    f"edit {e.step}/{e.rule} at {e.position} expects {e.before!r}, "
                    f"text has {text[e.position:end]!r}"
                )
            text = text[: e.position] + e.after + text[end:]
    return text


def step_groups(edits: Sequence[Edit]) -> list[list[Edit]]:
    """Split a pipeline's edit log into runs of one step in one round, in order."""
    groups: list[list[Edit]] = []
    for e in edits:
        if groups and (groups[-1][0].step, groups[-1][0].round) == (e.step, e.round):
            groups[-1].append(e)
        else:
            groups.append([e])
    return groups


def apply_spans(text: str, spans: Sequence[Span]) -> str:
    """Apply non-overlapping ``spans`` (sorted by start) to ``text``.

    >>> apply_spans("abcdef", [(1, 2, "X", "r"), (4, 4, "+", "r")])
    'aXcd+ef'
    """
    out: list[str] = []
    last = 0
    for start, end, repl, _rule in spans:
        if start < last or end < start:
            raise ValueError(f"overlapping or inverted span {start}:{end} (previous ended at {last})")
        out.append(text[last:start])
        out.append(repl)
        last = end
    out.append(text[last:])
    return "".join(out)


class StepContext:
    """What a step sees: the config, the document's meta and scores, and :meth:`replace`."""

    __slots__ = ("config", "meta", "scores", "step", "_orig", "_text", "_edits", "_flags")

    def __init__(self, config: Any, meta: dict[str, Any], scores: dict[str, Any]):
        self.config = config
        self.meta = meta
        self.scores = scores
        self.step = ""
        self._orig = ""
        self._text = ""
        # (start, end, after, rule) in coordinates of the text the step received, sorted
        self._edits: list[tuple[int, int, str, str]] = []
        self._flags: list[tuple[int, str, str]] = []

    def begin(self, step: str, text: str) -> None:
        self.step = step
        self._orig = text
        self._text = text
        self._edits = []
        self._flags = []

    def replace(self, text: str, spans: Iterable[Span]) -> str:
        """Apply ``spans`` to ``text`` (the step's current text) and record them; returns new text.

        Spans whose replacement equals what they cover are ignored.
        """
        if text is not self._text and text != self._text:
            raise ValueError(f"step {self.step!r} passed text that is not its current text")
        new = [s for s in spans if text[s[0] : s[1]] != s[2]]
        if not new:
            return text
        new.sort(key=_START_END)
        new = _coalesce(text, new)
        result = apply_spans(text, new)
        self._edits = _compose(self._orig, text, self._edits, new)
        self._text = result
        return result

    def flag(self, text: str, spans: Iterable[tuple[int, int, str]]) -> None:
        """Record findings that are reported but not changed: ``(start, end, rule)`` on ``text``.

        Each becomes an edit whose ``before`` equals its ``after`` (so replay is unaffected) and
        its rule is added to ``meta["flags"]``.
        """
        if text is not self._text and text != self._text:
            raise ValueError(f"step {self.step!r} passed text that is not its current text")
        marks = sorted((s, e, text[s:e], rule) for s, e, rule in spans)
        if not marks:
            return
        flags = self.meta.setdefault("flags", [])
        for _s, _e, _t, rule in marks:
            if rule not in flags:
                flags.append(rule)
        # flags never change text, so they are placed directly in step-input coordinates: a flag
        # at s moves by what the edits starting before s (in the current text) added. The edits
        # are sorted and do not overlap, so their starts in the current text are sorted too, and
        # the shift is a prefix sum found by bisection (summing per flag was flags x edits: 11 s
        # of a 4 MB page whose substitution step flags thousands, bench/bench_tail.py)
        starts: list[int] = []
        shifts = [0]
        shift = 0
        for s0, e0, after, _ in self._edits:
            starts.append(s0 + shift)
            shift += len(after) - (e0 - s0)
            shifts.append(shift)
        for s, e, t, rule in marks:
            self._flags.append((s - shifts[bisect_left(starts, s)], rule, t))

    def finish(self, round: int = 1) -> list[Edit]:
        step, orig = self.step, self._orig
        if not self._flags:
            # the order the general path below gives, (position, end in the input), sorted on the
            # tuples by a C key instead of a Python lambda per edit (normalize makes hundreds)
            return [_edit(step, rule, orig[s:e], after, s, round) for s, e, after, rule in sorted(self._edits, key=_START_END)]
        edits = [_edit(step, rule, orig[s:e], after, s, round) for s, e, after, rule in self._edits]
        for pos, rule, t in self._flags:
            if self._orig[pos : pos + len(t)] == t:  # a flag inside text this step rewrote is kept in meta only
                edits.append(Edit(step, rule, t, t, pos, round))
        edits.sort(key=lambda e: (e.position, e.position + len(e.before)))
        return edits


def _edit_maker() -> Callable[[str, str, str, str, int, int], Edit]:
    # Edit(...) as finish() needs it, a third faster than the frozen dataclass's own __init__
    # (which goes through object.__setattr__ field by field): the slots are filled through their
    # descriptors. finish() builds every Edit of the log (about 25,000 per MB of pages).
    new = object.__new__
    names = ("step", "rule", "before", "after", "position", "round")
    if tuple(f.name for f in fields(Edit)) != names:  # a field added to Edit must be set here too
        raise RuntimeError(f"_edit_maker sets {names}, Edit has {tuple(f.name for f in fields(Edit))}")
    set_step, set_rule, set_before, set_after, set_position, set_round = (Edit.__dict__[f].__set__ for f in names)

    def make(step: str, rule: str, before: str, after: str, position: int, round: int) -> Edit:
        e = new(Edit)
        set_step(e, step)
        set_rule(e, rule)
        set_before(e, before)
        set_after(e, after)
        set_position(e, position)
        set_round(e, round)
        return e

    return make


_edit = _edit_maker()
_START_END = itemgetter(0, 1)
_STARTS = itemgetter(0)
_ENDS = itemgetter(1)
_AFTER = itemgetter(2)
_RULE = itemgetter(3)


def _coalesce(text: str, spans: list[Span]) -> list[Span]:
    """Merge single-character spans of one rule that follow each other (``((((`` is one edit).

    Longer spans (a dropped line, a repaired word) stay one edit each, so the log keeps naming
    every line and word a step touched.
    """
    if set(map(_ENDS, spans)).isdisjoint(map(_STARTS, spans)):
        # no span starts where another ends, so none follows another: nothing to merge (the
        # common case, decided in C; the loop below costs a Python call per span)
        return spans
    out: list[Span] = []
    run: list[Span] = []

    def flush() -> None:
        if len(run) == 1:
            out.append(run[0])
        elif run:
            out.append((run[0][0], run[-1][1], "".join(sp[2] for sp in run), run[0][3]))

    for span in spans:
        if run and run[-1][1] == span[0] and run[-1][3] == span[3] and span[1] - span[0] == 1:
            run.append(span)
            continue
        flush()
        run = [span] if span[1] - span[0] == 1 else []
        if run:
            continue
        if span[1] > span[0]:
            out.append(span)
        elif out and out[-1][0] == out[-1][1] == span[0]:
            # two insertions at one place: one edit, so replay cannot swap their order
            prev = out[-1]
            rule = prev[3] if prev[3] == span[3] else f"{prev[3]}+{span[3]}"
            out[-1] = (prev[0], prev[1], prev[2] + span[2], rule)
        else:
            out.append(span)
    flush()
    return out


def _compose(
    orig: str,
    cur: str,
    old: list[tuple[int, int, str, str]],
    new: list[Span],
) -> list[tuple[int, int, str, str]]:
    """Fold the spans ``new`` (on ``cur``) into the edits ``old`` (on ``orig``, giving ``cur``).

    New spans that touch an old edit's output are merged with it into one edit of ``orig``.
    Linear in the number of edits plus a binary search per new span (or per run of new spans
    that touch no old edit).
    """
    if not old:
        return list(new)
    # prefix[k]: length change of `cur` over `orig` from old edits before k; starts/ends: where
    # each old edit's output lies in `cur` (built by C-level maps: this runs on every pass, and a
    # late pass of a few spans over hundreds of earlier edits is common)
    afters = list(map(len, map(_AFTER, old)))
    prefix = [0, *accumulate(map(sub, afters, map(sub, map(_ENDS, old), map(_STARTS, old))))]
    starts = list(map(add, map(_STARTS, old), prefix))
    ends = list(map(add, starts, afters))
    new_ends = list(map(_ENDS, new))  # non-decreasing: `new` was checked by apply_spans
    n_old, n_new = len(old), len(new)

    # spans touching old edits (closed intervals) are grouped with them, spans sharing an old edit
    # into one group; spans touching none only shift into `orig` coordinates, a whole run of them
    # before the next old edit at once
    out: list[tuple[int, int, str, str]] = []
    k = 0
    i = 0
    while i < n_new:
        span = new[i]
        lo = bisect_left(ends, span[0])
        hi = bisect_right(starts, span[1])
        if hi <= lo:
            # span i ends before old[lo] starts (else it would touch it), and so do the spans
            # up to the first one reaching it; all of them lie between old[lo-1] and old[lo]
            j = n_new if lo == n_old else bisect_left(new_ends, starts[lo], i)
            out.extend(old[k:lo])
            k = max(k, lo)
            p = prefix[lo]
            out.extend(new[i:j] if not p else [(s - p, e - p, r, rule) for s, e, r, rule in new[i:j]])
            i = j
            continue
        spans = [span]
        i += 1
        while i < n_new:  # the following spans that touch an old edit this group holds
            lo2 = bisect_left(ends, new[i][0])
            hi2 = bisect_right(starts, new[i][1])
            if not (hi2 > lo2 and hi > lo2):
                break
            hi = max(hi, hi2)
            spans.append(new[i])
            i += 1
        out.extend(old[k:lo])
        k = max(k, lo)
        gs = min(starts[lo], span[0])
        # the spans' ends do not decrease (apply_spans checked them), so the last one's is the largest
        ge = max(ends[hi - 1], spans[-1][1])
        os_ = old[lo][0] if starts[lo] <= gs else gs - prefix[lo]
        oe = old[hi - 1][1] + (ge - ends[hi - 1])
        if len(spans) == 1:  # the common group (a space dropped next to a converted mark): no span list
            after = cur[gs : span[0]] + span[2] + cur[span[1] : ge]
        else:
            after = apply_spans(cur[gs:ge], [(sp[0] - gs, sp[1] - gs, sp[2], sp[3]) for sp in spans])
        if orig[os_:oe] != after:
            # the rules' parts, each once, in order of first appearance
            rules = "+".join(dict.fromkeys("+".join([*map(_RULE, old[lo:hi]), *map(_RULE, spans)]).split("+")))
            out.append((os_, oe, after, rules))
        k = hi
    out.extend(old[k:])
    return out
