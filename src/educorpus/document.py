"""Documents, edits and the bookkeeping that makes every change replayable.

A step never edits text directly: it proposes *spans* ``(start, end, replacement, rule)`` on the
text it holds and hands them to :meth:`StepContext.replace`. The context applies them and keeps
the step's edits in the coordinates of the text the step *received*, merging edits of later
passes that touch earlier ones. So for every step, applying its edits from the right end of the
text to the left reproduces the step's output, and :func:`replay` reproduces the whole pipeline.

Not handled here: overlapping spans within one pass are a programming error and raise.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

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
        new = sorted(
            (s for s in spans if text[s[0]:s[1]] != s[2]), key=lambda s: (s[0], s[1])
        )
        if not new:
            return text
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
        # flags never change text, so they are placed directly in step-input coordinates
        shift_points = []
        shift = 0
        for s0, e0, after, _ in self._edits:
            shift_points.append((s0 + shift, len(after) - (e0 - s0)))
            shift += len(after) - (e0 - s0)
        for s, e, t, rule in marks:
            off = sum(d for cs, d in shift_points if cs < s)
            self._flags.append((s - off, rule, t))

    def finish(self, round: int = 1) -> list[Edit]:
        step = self.step
        edits = [Edit(step, rule, self._orig[s:e], after, s, round) for s, e, after, rule in self._edits]
        for pos, rule, t in self._flags:
            if self._orig[pos : pos + len(t)] == t:  # a flag inside text this step rewrote is kept in meta only
                edits.append(Edit(step, rule, t, t, pos, round))
        edits.sort(key=lambda e: (e.position, e.position + len(e.before)))
        return edits


def _compose(
    orig: str,
    cur: str,
    old: list[tuple[int, int, str, str]],
    new: list[Span],
) -> list[tuple[int, int, str, str]]:
    """Fold the spans ``new`` (on ``cur``) into the edits ``old`` (on ``orig``, giving ``cur``).

    New spans that touch an old edit's output are merged with it into one edit of ``orig``.
    """
    if not old:
        return [(s, e, r, rule) for s, e, r, rule in new]
    # positions of the old edits' outputs in `cur`
    old_cur: list[tuple[int, int]] = []
    shift = 0
    for s, e, after, _ in old:
        cs = s + shift
        old_cur.append((cs, cs + len(after)))
        shift += len(after) - (e - s)

    # sweep both lists (sorted by start) into groups of touching intervals containing a new span
    items = [(cs, ce, 0, k) for k, (cs, ce) in enumerate(old_cur)]
    items += [(s, e, 1, k) for k, (s, e, _r, _rl) in enumerate(new)]
    items.sort(key=lambda t: (t[0], t[1], t[2]))
    groups: list[list[tuple[int, int, int, int]]] = []
    g_end = -1
    g_has_new = False
    for it in items:
        if groups and it[0] <= g_end and (it[2] == 1 or g_has_new):
            groups[-1].append(it)
            g_end = max(g_end, it[1])
            g_has_new = g_has_new or it[2] == 1
        else:
            groups.append([it])
            g_end, g_has_new = it[1], it[2] == 1

    # offset (cur - orig) of everything left of a cur position not inside an old edit
    ends = [ce for _cs, ce in old_cur]
    prefix = [0]
    for s, e, after, _ in old:
        prefix.append(prefix[-1] + len(after) - (e - s))

    def to_orig(pos_cur: int) -> int:
        return pos_cur - prefix[bisect_right(ends, pos_cur)]

    out: list[tuple[int, int, str, str]] = []
    for g in groups:
        olds = [old[k] for (_, _, kind, k) in g if kind == 0]
        news = [new[k] for (_, _, kind, k) in g if kind == 1]
        if not news:
            out.extend(olds)
            continue
        if not olds:
            for s, e, r, rule in news:
                out.append((to_orig(s), to_orig(s) + (e - s), r, rule))
            continue
        gs = min(t[0] for t in g)
        ge = max(t[1] for t in g)
        first_old = min(k for (_, _, kind, k) in g if kind == 0)
        last_old = max(k for (_, _, kind, k) in g if kind == 0)
        os_ = old[first_old][0] if old_cur[first_old][0] <= gs else to_orig(gs)
        oe = old[last_old][1] if old_cur[last_old][1] >= ge else old[last_old][1] + (ge - old_cur[last_old][1])
        after = apply_spans(cur[gs:ge], [(s - gs, e - gs, r, rl) for s, e, r, rl in news])
        rules: list[str] = []
        for rule in [o[3] for o in olds] + [n[3] for n in news]:
            for part in rule.split("+"):
                if part not in rules:
                    rules.append(part)
        if orig[os_:oe] != after:
            out.append((os_, oe, after, "+".join(rules)))
    out.sort(key=lambda t: (t[0], t[1]))
    return out
