"""The fixed pipeline: one registry of named steps, run in order, with per-step statistics.

The order is the library's, not the user's: each step assumes the ones before it ran. Users pick
steps with ``only``/``skip`` by name; the same names appear in the edit log, in statistics, on the
command line and in ``tests/cases/<step>/``.

Not handled here: corpus-level work (deduplication, learned site boilerplate), which needs more
than one document at a time.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter
from typing import Any, Callable, Iterable, Optional

from .document import Document, StepContext

META_FIELDS = ("title", "published", "source", "author", "editor", "script_in", "script_region")


@dataclass(frozen=True)
class Step:
    """A named pipeline step: ``run(text, ctx) -> text`` records its changes through ``ctx.replace``."""

    name: str
    description: str
    run: Callable[[str, StepContext], str]
    # Optional: True when this step might change the pipeline's output again (its decisions
    # depend on context that later steps alter, e.g. ftfy and whitespace). The pipeline then runs
    # another round on its own output, at most MAX_ROUNDS in all, so cleaning stays idempotent.
    recheck: Optional[Callable[[str], bool]] = None
    # Optional: how this step treats a metadata value taken out of the text by an earlier step
    # (a title lifted from the page before script conversion must still reach the target script)
    fix_field: Optional[Callable[[str, StepContext], str]] = None


MAX_ROUNDS = 3


def _registry() -> tuple[Step, ...]:
    from .cleaners import PIPELINE

    return PIPELINE


def steps() -> tuple[Step, ...]:
    """The implemented steps, in pipeline order."""
    return _registry()


def step_names() -> tuple[str, ...]:
    return tuple(s.name for s in _registry())


def check_step_names(names: Iterable[str], option: str = "step") -> None:
    valid = step_names()
    bad = [n for n in names if n not in valid]
    if bad:
        raise ValueError(
            f"unknown step name(s) for {option}: {', '.join(map(repr, bad))}; "
            f"valid steps, in pipeline order: {', '.join(valid)}"
        )


def selected_steps(config: Any) -> tuple[Step, ...]:
    chosen = _registry()
    if config.only is not None:
        chosen = tuple(s for s in chosen if s.name in config.only)
    return tuple(s for s in chosen if s.name not in config.skip)


def run(text: str, config: Any, meta: Optional[dict[str, Any]] = None) -> Document:
    """Run the selected steps on ``text`` and return the explained :class:`Document`."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    doc_meta: dict[str, Any] = {k: None for k in META_FIELDS}
    doc_meta["flags"] = []
    if meta:
        doc_meta.update(meta)
    scores: dict[str, Any] = {}
    ctx = StepContext(config, doc_meta, scores)
    edits = []
    chosen = selected_steps(config)
    _check_surrogates(text, chosen)
    for _round in range(MAX_ROUNDS):
        before = text
        round_edits = []
        for step in chosen:
            ctx.begin(step.name, text)
            text = step.run(text, ctx)
            round_edits.extend(ctx.finish(_round + 1))
        if _round and text == before:
            break  # a later round that changed nothing adds nothing to the log
        if _round:
            # a round's steps flag everything their text still holds, so a later round flags
            # again what an earlier one flagged; the flags of the last round describe the text
            # the document ends with (an earlier round's may sit in text since rewritten)
            edits = [e for e in edits if e.before != e.after]
        edits.extend(round_edits)
        if _round + 1 == MAX_ROUNDS:
            break  # no round may follow, whatever the rechecks would say (they can cost a step's run)
        if text == before or not any(s.recheck and s.recheck(text) for s in chosen):
            break
    _fix_fields(chosen, ctx)
    return Document(text=text, meta=doc_meta, edits=edits, scores=scores)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_surrogates(text: str, chosen: tuple[Step, ...]) -> None:
    # Surrogate code points (from surrogateescape decoding or a JSON "\ud800" escape) are not
    # characters: OpenCC, the encoders and every UTF-8 writer reject them. The unicode step turns
    # them into characters (or U+FFFD) and the steps after it rely on that; without it, say so
    # here, naming where, rather than fail deep inside a later step.
    if any(s.name == "unicode" for s in chosen):
        return
    m = _SURROGATE.search(text)
    if m is not None:
        raise ValueError(
            f"text holds a surrogate code point (U+{ord(m.group()):04X} at {m.start()}), which is not a character; "
            "the 'unicode' step replaces it and is not selected here: keep that step, or decode the input "
            "with errors='replace' instead of 'surrogateescape'"
        )


TEXT_FIELDS = ("title", "source", "author", "editor")


def _fix_fields(chosen: tuple[Step, ...], ctx: StepContext) -> None:
    # metadata lifted out of the page gets the treatment the page's text got after it was lifted
    fixers = [s.fix_field for s in chosen if s.fix_field is not None]
    for key in TEXT_FIELDS:
        value = ctx.meta.get(key)
        if isinstance(value, str) and value:
            for fix in fixers:
                value = fix(value, ctx)
            ctx.meta[key] = value


_STEP, _RULE, _BEFORE, _AFTER = (attrgetter(f) for f in ("step", "rule", "before", "after"))


class Stats:
    """Per-step and per-rule counts over many documents; ``a.merge(b)`` adds ``b`` into ``a``.

    For each step: ``documents`` seen, ``changed`` (documents it edited), ``edits``,
    ``chars_removed``, ``chars_added``, and ``rules`` (edits per rule).
    """

    def __init__(self) -> None:
        self.documents = 0
        self.steps: dict[str, dict[str, Any]] = {}

    def _step(self, name: str) -> dict[str, Any]:
        if name not in self.steps:
            self.steps[name] = {"changed": 0, "edits": 0, "chars_removed": 0, "chars_added": 0, "rules": Counter()}
        return self.steps[name]

    def add(self, doc: Document) -> None:
        self.documents += 1
        touched: set[str] = set()
        # the log comes in runs of one step (one per step and round): each run counted by C-level
        # maps, not a Python step per edit (a build adds about 27,000 edits per MB)
        for name, group in groupby(doc.edits, _STEP):
            group = list(group)
            s = self._step(name)
            s["edits"] += len(group)
            s["chars_removed"] += sum(map(len, map(_BEFORE, group)))
            s["chars_added"] += sum(map(len, map(_AFTER, group)))
            s["rules"].update(map(_RULE, group))
            touched.add(name)
        for name in touched:
            self.steps[name]["changed"] += 1

    def merge(self, other: "Stats") -> "Stats":
        self.documents += other.documents
        for name, o in other.steps.items():
            s = self._step(name)
            for key in ("changed", "edits", "chars_removed", "chars_added"):
                s[key] += o[key]
            s["rules"].update(o["rules"])
        return self

    def to_dict(self) -> dict[str, Any]:
        order = {n: i for i, n in enumerate(step_names())}
        return {
            "documents": self.documents,
            "steps": {
                name: {**{k: v for k, v in s.items() if k != "rules"}, "rules": dict(sorted(s["rules"].items()))}
                for name, s in sorted(self.steps.items(), key=lambda kv: order.get(kv[0], len(order)))
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Stats":
        st = cls()
        st.documents = data["documents"]
        for name, s in data["steps"].items():
            st.steps[name] = {**{k: v for k, v in s.items() if k != "rules"}, "rules": Counter(s["rules"])}
        return st
