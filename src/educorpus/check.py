"""Golden cases: pin the pipeline's output on chosen pages and report every change as a diff.

A *case* is a raw page, the text the pipeline must make of it, and optionally metadata to expect
and options to clean with. Cases live either in a folder (searched recursively)::

    NAME.raw.txt        the page as it was found (read as bytes and decoded like `educorpus clean`)
    NAME.expected.txt   the cleaned text, followed by one newline (as `educorpus clean -o` writes it)
    NAME.meta.json      optional: {"options": {"to": "hant", ...}, "meta": {"title": ...}, "note": ...}

or in one JSONL file, one case per line:
``{"name": ..., "raw": ..., "expected": ..., "options": {...}, "meta": {...}, "note": ...}``.

``options`` are keywords of :func:`educorpus.clean` (any :class:`~educorpus.config.CleanConfig`
field: ``to``, ``only``, ``skip``, ...); ``meta`` is compared key by key with the document's
metadata (keys not listed are not checked).

:func:`run_cases` cleans every case and returns a :class:`CaseResult` per case, whose
:meth:`~CaseResult.report` is a unified diff plus the differing spans inside the lines; with
``explain=True`` each span names the steps and rules whose edits produced it (the edit log is
replayed step by step to follow every edit to its place in the output). :func:`update_cases`
rewrites the expectations to the current output. ``educorpus check`` and the pytest plugin
(:mod:`educorpus.pytest_plugin`) are thin layers over these.

Not handled here: ``scores`` are not compared (floats that move with any model change), and
checking a published dataset version against a change budget is :mod:`educorpus.budget`.
"""

from __future__ import annotations

import difflib
import heapq
from bisect import bisect_left, bisect_right
import json
import os
import shlex
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from .api import clean_and_explain
from .config import CleanConfig, default_config
from .display import change_pair, changed_parts, most_frequent, shorten, visible
from .document import Document, Edit, step_groups
from .io import InputError, read_text_file

RAW_SUFFIX = ".raw.txt"
EXPECTED_SUFFIX = ".expected.txt"
META_SUFFIX = ".meta.json"
META_FILE_KEYS = ("options", "meta", "note")
JSONL_KEYS = ("name", "raw", "expected") + META_FILE_KEYS

MAX_SPANS = 20  # differing spans listed per case; a rule gone wild is summarised, not dumped
SPAN_WIDTH = 40  # characters of a span shown before it is cut to head…(+N)…tail
CONTEXT = 8  # characters of context on each side of a span
CHAR_DIFF_MAX = 4000  # characters a side past which a changed block is not aligned by SequenceMatcher (see display.ALIGN_LIMIT)


class CaseError(Exception):
    """A case that cannot be read: the message names the file (and line) and the problem."""


@dataclass
class Case:
    """One golden case. ``expected`` is None when the case has no expectation yet."""

    name: str
    raw: str
    expected: Optional[str]
    options: dict[str, Any] = field(default_factory=dict)
    meta: Optional[dict[str, Any]] = None
    note: Optional[str] = None
    path: Optional[Path] = None  # the raw file, or the JSONL file
    line: Optional[int] = None  # 1-based line in the JSONL file

    @property
    def where(self) -> str:
        if self.path is None:
            return self.name
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def config(self) -> CleanConfig:
        try:
            return CleanConfig.from_dict({**default_config().to_dict(), **self.options})
        except (TypeError, ValueError) as exc:
            raise CaseError(f"{self.where}: bad options {self.options!r}: {exc}") from None


# ---------------------------------------------------------------------------------------- loading


def load_cases(path: str | os.PathLike) -> list[Case]:
    """The cases in a folder (``*.raw.txt`` under it) or a ``.jsonl`` file, sorted by name.

    Raises :class:`CaseError` naming the file for anything that is not a well-formed case: an
    expectation or meta file without its raw page, invalid JSON, unknown keys, duplicate names.
    """
    p = Path(path)
    if p.is_dir():
        cases = _load_folder(p)
    elif p.is_file():
        cases = _load_jsonl(p)
    else:
        raise CaseError(f"{p}: no such folder or JSONL file of cases")
    if not cases:
        raise CaseError(f"{p}: holds no cases (expected NAME{RAW_SUFFIX} files or one JSON object per line)")
    return cases


def _case_name(folder: Path, file: Path, suffix: str) -> str:
    rel = file.relative_to(folder).as_posix()
    return rel[: -len(suffix)]


def _load_folder(folder: Path) -> list[Case]:
    files = sorted(q for q in folder.rglob("*") if q.is_file())
    raws = {_case_name(folder, q, RAW_SUFFIX): q for q in files if q.name.endswith(RAW_SUFFIX)}
    orphans = [
        q
        for q in files
        for suffix in (EXPECTED_SUFFIX, META_SUFFIX)
        if q.name.endswith(suffix) and _case_name(folder, q, suffix) not in raws
    ]
    if orphans:
        # a renamed or deleted raw page would otherwise silently drop its case
        raise CaseError(
            f"{folder}: {', '.join(str(q) for q in orphans)}: no matching NAME{RAW_SUFFIX} "
            f"(rename or delete the orphaned file)"
        )
    cases = []
    for name, raw_path in sorted(raws.items()):
        try:
            raw = read_text_file(raw_path).text
        except InputError as exc:
            raise CaseError(str(exc)) from None
        exp_path = raw_path.with_name(name.rsplit("/", 1)[-1] + EXPECTED_SUFFIX)
        expected = _read_expected(exp_path) if exp_path.exists() else None
        meta_path = raw_path.with_name(name.rsplit("/", 1)[-1] + META_SUFFIX)
        extra: dict[str, Any] = {}
        if meta_path.exists():
            try:
                extra = json.loads(meta_path.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise CaseError(f"{meta_path}: not valid JSON: {exc}") from None
            _check_keys(extra, META_FILE_KEYS, str(meta_path))
        cases.append(_make_case(name, raw, expected, extra, raw_path, None, options_from=str(meta_path)))
    return cases


def _read_expected(path: Path) -> str:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CaseError(f"{path}: not valid UTF-8 (byte offset {exc.start})") from None
    # the file holds the text plus one final newline, so that editors and git leave it alone
    return text[:-1] if text.endswith("\n") else text


def _load_jsonl(path: Path) -> list[Case]:
    cases = []
    seen: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise CaseError(f"{path}: not valid UTF-8 (byte offset {exc.start})") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CaseError(f"{path}:{n}: not valid JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise CaseError(f"{path}:{n}: a case must be a JSON object, not {type(obj).__name__}")
        _check_keys(obj, JSONL_KEYS, f"{path}:{n}")
        if not isinstance(obj.get("raw"), str):
            raise CaseError(f"{path}:{n}: needs \"raw\", the page text (a string)")
        if obj.get("expected") is not None and not isinstance(obj["expected"], str):
            raise CaseError(f"{path}:{n}: \"expected\" must be a string")
        name = str(obj.get("name") or f"line-{n}")
        if name in seen:
            raise CaseError(f"{path}:{n}: duplicate case name {name!r} (first on line {seen[name]})")
        seen[name] = n
        cases.append(_make_case(name, obj["raw"], obj.get("expected"), obj, path, n))
    return sorted(cases, key=lambda c: c.name)


def _check_keys(obj: dict, allowed: Sequence[str], where: str) -> None:
    if not isinstance(obj, dict):
        raise CaseError(f"{where}: must hold a JSON object")
    unknown = sorted(set(obj) - set(allowed))
    if unknown:
        raise CaseError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(allowed)}")
    for key in ("options", "meta"):
        if key in obj and not isinstance(obj[key], dict):
            raise CaseError(f"{where}: {key!r} must be a JSON object")


def _make_case(name, raw, expected, extra, path, line, options_from: Optional[str] = None) -> Case:
    case = Case(
        name=name,
        raw=raw,
        expected=expected,
        options=dict(extra.get("options") or {}),
        meta=extra.get("meta"),
        note=extra.get("note"),
        path=path,
        line=line,
    )
    try:  # bad options are an error of the case file, reported before anything runs
        case.config()
    except CaseError as exc:
        raise CaseError(str(exc).replace(case.where, options_from, 1) if options_from else str(exc)) from None
    return case


# ---------------------------------------------------------------------------------------- running


@dataclass
class CaseResult:
    """What became of one case: the document, and whether text and metadata are as expected."""

    case: Case
    doc: Optional[Document] = None
    error: Optional[str] = None  # the pipeline raised on this case
    meta_diffs: list[tuple[str, Any, Any]] = field(default_factory=list)  # (key, expected, actual)

    @property
    def actual(self) -> Optional[str]:
        return None if self.doc is None else self.doc.text

    @property
    def text_ok(self) -> bool:
        return self.doc is not None and self.case.expected is not None and self.doc.text == self.case.expected

    @property
    def passed(self) -> bool:
        return self.error is None and self.text_ok and not self.meta_diffs

    def diff(self) -> str:
        """A unified diff of expected against actual text, "" when they are equal."""
        if self.doc is None or self.case.expected is None or self.text_ok:
            return ""
        return unified_diff(self.case.expected, self.doc.text, self.case.name)

    def report(self, explain: bool = False) -> str:
        """Readable account of the failure: diff, differing spans (with rules when ``explain``), metadata."""
        case = self.case
        out = [f"case {case.name} ({case.where})" + (f": {case.note}" if case.note else "")]
        if self.error:
            out.append(f"  cleaning failed: {self.error}")
            return "\n".join(out)
        assert self.doc is not None
        if case.expected is None:
            out.append(f"  no expectation yet: review the output below, then run `{_update_command(case)}`")
            out.extend("  | " + line for line in self.doc.text.split("\n"))
        elif not self.text_ok:
            out.append(self.diff().rstrip("\n"))
            out.append("differing spans ([expected→actual] in the output):" if not explain else
                       "differing spans ([expected→actual] in the output) and the edits that made them:")
            out.extend(span_lines(case.expected, self.doc, explain=explain))
        for key, exp, act in self.meta_diffs:
            out.append(f"meta {key!r}: expected {exp!r}, got {act!r}")
        return "\n".join(out)


def _update_command(case: Case) -> str:
    # --update needs the cases' folder or JSONL file: a bare `educorpus check --update` is a
    # usage error ("give a folder or .jsonl file of cases")
    if case.path is None:
        return "educorpus check CASES --update"
    target = case.path if case.line else case.path.parent
    return f"educorpus check {shlex.quote(str(target))} --update"


def run_case(case: Case) -> CaseResult:
    """Clean one case with its options and compare text and metadata."""
    try:
        doc = clean_and_explain(case.raw, config=case.config())
    except CaseError:
        raise
    except Exception as exc:  # a bug in a step is a failure of this case, not of the whole check
        return CaseResult(case, error=f"{type(exc).__name__}: {exc}")
    result = CaseResult(case, doc=doc)
    for key, exp in (case.meta or {}).items():
        act = _jsonable(doc.meta.get(key))
        if _jsonable(exp) != act:
            result.meta_diffs.append((key, exp, act))
    return result


def run_cases(cases: Iterable[Case]) -> list[CaseResult]:
    return [run_case(c) for c in cases]


@dataclass
class CheckSummary:
    results: list[CaseResult]

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    @property
    def ok(self) -> bool:
        return not self.failed

    def line(self, where: str = "") -> str:
        """One summary line, e.g. ``3 passed, 1 failed (4 cases in tests/golden)``."""
        n = len(self.results)
        failed = self.failed
        missing = sum(1 for r in failed if r.case.expected is None and r.error is None)
        errors = sum(1 for r in failed if r.error)
        parts = [f"{n - len(failed)} passed", f"{len(failed)} failed"]
        if missing:
            parts.append(f"{missing} without expectation")
        if errors:
            parts.append(f"{errors} raised")
        return ", ".join(parts) + f" ({n} case{'s' if n != 1 else ''}" + (f" in {where})" if where else ")")


def check(path: str | os.PathLike) -> CheckSummary:
    """Load and run every case under ``path``."""
    return CheckSummary(run_cases(load_cases(path)))


# ---------------------------------------------------------------------------------------- updating


@dataclass
class UpdateSummary:
    total: int
    changed: list[str]  # names of cases whose expectation was rewritten
    new: list[str]  # names of cases that had no expectation before
    errors: list[CaseResult]  # cases whose cleaning raised: left as they were

    def line(self, where: str = "") -> str:
        n_changed = len(self.changed) + len(self.new)
        s = f"updated {n_changed} of {self.total} case(s)"
        s += f" in {where}" if where else ""
        s += f" ({len(self.changed)} changed, {len(self.new)} new); {self.total - n_changed - len(self.errors)} unchanged"
        if self.errors:
            s += f"; {len(self.errors)} raised and were left as they were"
        return s


def update_cases(path: str | os.PathLike) -> UpdateSummary:
    """Rewrite every expectation under ``path`` (text, and the metadata keys a case lists) to the current output.

    A case whose ``meta`` lists keys gets their current values; cases without ``meta`` keep none.
    Cases whose cleaning raises are reported and left untouched.
    """
    p = Path(path)
    results = run_cases(load_cases(p))
    changed = [r.case.name for r in results if r.error is None and r.case.expected is not None and not r.passed]
    new = [r.case.name for r in results if r.error is None and r.case.expected is None]
    errors = [r for r in results if r.error is not None]
    todo = [r for r in results if r.error is None and not r.passed]
    if p.is_dir():
        for r in todo:
            _update_folder_case(r)
    elif todo:
        _update_jsonl(p, {r.case.name: r for r in todo})
    return UpdateSummary(len(results), changed, new, errors)


def _current_meta(r: CaseResult) -> Optional[dict[str, Any]]:
    if r.case.meta is None:
        return None
    assert r.doc is not None
    return {k: _jsonable(r.doc.meta.get(k)) for k in r.case.meta}


def _update_folder_case(r: CaseResult) -> None:
    raw_path = r.case.path
    assert raw_path is not None and r.doc is not None
    stem = raw_path.name[: -len(RAW_SUFFIX)]
    _atomic_write(raw_path.with_name(stem + EXPECTED_SUFFIX), r.doc.text + "\n")
    meta = _current_meta(r)
    if meta is not None and r.meta_diffs:
        meta_path = raw_path.with_name(stem + META_SUFFIX)
        data = json.loads(meta_path.read_text(encoding="utf-8"))
        data["meta"] = meta
        _atomic_write(meta_path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _update_jsonl(path: Path, todo: dict[str, CaseResult]) -> None:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            obj = json.loads(line)
            r = todo.get(str(obj.get("name") or f"line-{n}"))
            if r is not None:
                assert r.doc is not None
                obj["expected"] = r.doc.text  # keeps the key's place when it was there
                meta = _current_meta(r)
                if meta is not None:
                    obj["meta"] = meta
                line = json.dumps(obj, ensure_ascii=False)
        out.append(line)
    _atomic_write(path, "\n".join(out) + "\n")


def _atomic_write(path: Path, text: str) -> None:
    # write next to the target and rename, so an interrupted update never leaves half a file
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


# ------------------------------------------------------------------------------- diffs and explaining


def unified_diff(expected: str, actual: str, name: str) -> str:
    """Line diff of two texts, labelled with the case name.

    >>> print(unified_diff("甲\\n乙", "甲\\n丙", "c"), end="")
    --- c (expected)
    +++ c (actual)
    @@ -1,2 +1,2 @@
     甲
    -乙
    +丙
    """
    lines = difflib.unified_diff(
        expected.split("\n"), actual.split("\n"), f"{name} (expected)", f"{name} (actual)", lineterm=""
    )
    return "".join(line + "\n" for line in lines)


def differing_spans(expected: str, actual: str) -> list[tuple[int, int, str, str]]:
    """Where ``actual`` differs from ``expected``: ``(start, end, expected_part, actual_part)`` on ``actual``.

    Lines are matched first, then characters inside changed lines, so a one-character change in
    a long paragraph is one short span. ``start == end`` means text is missing from ``actual``.

    >>> differing_spans("教育环境坏了\\n乙", "教育环境坯了\\n乙")
    [(4, 5, '坏', '坯')]
    """
    e_lines = expected.split("\n")
    a_lines = actual.split("\n")
    e_starts = _line_starts(e_lines)
    a_starts = _line_starts(a_lines)
    spans: list[tuple[int, int, str, str]] = []
    lines = difflib.SequenceMatcher(None, e_lines, a_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        if tag == "equal":
            continue
        # blocks of whole lines, newline included where there is one, so that a missing line is
        # a span that covers its line break
        e0, e1 = _block(e_starts, i1, i2, len(expected))
        a0, a1 = _block(a_starts, j1, j2, len(actual))
        if tag == "replace" and i2 - i1 == j2 - j1:
            # as many lines on both sides: compare them pair by pair (cost grows with the
            # square of a line, not of the whole changed block)
            for k in range(i2 - i1):
                spans.extend(_char_spans(e_lines[i1 + k], a_lines[j1 + k], a_starts[j1 + k]))
        elif tag == "replace":
            spans.extend(_char_spans(expected[e0:e1], actual[a0:a1], a0))
        else:
            spans.append((a0, a1, expected[e0:e1], actual[a0:a1]))
    return spans


def _char_spans(exp: str, act: str, offset: int) -> list[tuple[int, int, str, str]]:
    # differences a few characters apart are one span: "[，将→,已]" reads better than two
    return [
        (offset + j1, offset + j2, exp[i1:i2], act[j1:j2])
        for i1, i2, j1, j2 in changed_parts(exp, act, gap=3, limit=CHAR_DIFF_MAX)
    ]


def _line_starts(lines: list[str]) -> list[int]:
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    return starts


def _block(starts: list[int], i1: int, i2: int, total: int) -> tuple[int, int]:
    if i1 == i2:  # no lines: the point where they would be
        pos = starts[i1] if i1 < len(starts) else total
        return pos, pos
    end = starts[i2] if i2 < len(starts) else total
    if i2 == len(starts) and i1 > 0:  # the last lines have no newline after them: take the one before
        return starts[i1] - 1, end
    return starts[i1], end


def trace_edits(edits: Sequence[Edit]) -> list[tuple[Edit, int, int]]:
    """Follow every edit to the place its ``after`` text occupies in the final output.

    Edits of one step (in one round) are in the coordinates of the text that step received; each later step's
    edits move (or swallow) the footprints of earlier ones. A deletion leaves a zero-width
    footprint; a flag (``before == after``) covers the text it flagged.

    >>> es = [Edit("a", "r1", "x", "XY", 1), Edit("b", "r2", "", "!", 0)]
    >>> [(e.rule, s, t) for e, s, t in trace_edits(es)]
    [('r1', 2, 4), ('r2', 0, 1)]
    """
    tracked: list[tuple[Edit, int, int]] = []
    for group in step_groups(edits):
        # a step's edits are sorted by position, which is also the order they were applied in
        # (two insertions at one place keep their order)
        order = sorted(
            (k for k, e in enumerate(group) if e.before != e.after),
            key=lambda k: (group[k].position, group[k].position + len(group[k].before)),
        )
        changes = [(group[k].position, group[k].position + len(group[k].before), len(group[k].after)) for k in order]
        outs: list[int] = []
        shift = 0
        for s, e, n in changes:
            outs.append(s + shift)
            shift += n - (e - s)
        out_of = {k: (o, o + n) for k, (_s, _e, n), o in zip(order, changes, outs)}

        starts = [c[0] for c in changes]
        shift_before = [o - c[0] for c, o in zip(changes, outs)]

        def move(p: int, end_side: bool) -> int:
            # text replacing part of a footprint joins it; text inserted exactly at a footprint's
            # edge stays outside it
            k = bisect_left(starts, p) - 1  # the last change starting before p
            if k >= 0 and p < changes[k][1]:
                return outs[k] + changes[k][2] if end_side else outs[k]
            j = k + 1
            while j < len(changes) and starts[j] == p:
                if changes[j][1] > p or end_side:
                    return outs[j]
                j += 1  # an insertion at a start edge: the footprint begins after it
            return p + (shift_before[j] if j < len(changes) else shift)

        tracked = [
            (ed, move(a, False), move(b, True)) if a < b else (ed, move(a, True), move(a, True))
            for ed, a, b in tracked
        ]
        for k, ed in enumerate(group):
            if k in out_of:
                a, b = out_of[k]
            else:
                a, b = move(ed.position, False), move(ed.position + len(ed.before), True)
            tracked.append((ed, a, b))
    return tracked


def edits_at(traced: Sequence[tuple[Edit, int, int]], start: int, end: int) -> list[Edit]:
    """The traced edits whose footprint in the output overlaps (or touches, for zero width) ``start:end``."""
    return edits_at_spans(traced, [(start, end)])[0]


def edits_at_spans(traced: Sequence[tuple[Edit, int, int]], spans: Sequence[tuple[int, int]]) -> list[list[Edit]]:
    """:func:`edits_at` for many spans in text order at once: one sweep, not a scan per span."""
    order = sorted(range(len(traced)), key=lambda k: traced[k][1])
    active: list[tuple[int, int]] = []  # heap of (footprint end, index)
    nxt = 0
    out: list[list[Edit]] = []
    for start, end in spans:
        while nxt < len(order) and traced[order[nxt]][1] <= end:
            k = order[nxt]
            heapq.heappush(active, (traced[k][2], k))
            nxt += 1
        while active and active[0][0] < start:  # ends before this span, so before every later one
            heapq.heappop(active)
        hits = []
        for _b, k in active:
            _ed, a, b = traced[k]
            overlap = min(b, end) - max(a, start)
            if overlap > 0 or (overlap == 0 and (a == b or start == end)):
                hits.append(k)
        out.append([traced[k][0] for k in sorted(hits)])
    return out


def span_lines(expected: str, doc: Document, explain: bool = False, limit: int = MAX_SPANS) -> list[str]:
    """One readable line per differing span (at most ``limit``); with ``explain``, the edits that produced it."""
    actual = doc.text
    spans = differing_spans(expected, actual)
    shown = spans[:limit]
    hits_of = edits_at_spans(trace_edits(doc.edits), [(s, e) for s, e, _a, _b in shown]) if explain else []
    line_of = _line_starts(actual.split("\n"))
    out = []
    for n, (start, end, exp_part, act_part) in enumerate(shown):
        line_no = max(1, bisect_right(line_of, start))
        left = actual[max(0, start - CONTEXT) : start]
        right = actual[end : end + CONTEXT]
        shown = f"…{visible(left)}[{_cut(exp_part)}→{_cut(act_part)}]{visible(right)}…"
        out.append(f"  output line {line_no}: {shown}")
        if explain:
            hits = hits_of[n]
            if hits:
                out.extend(f"      ← {_edit_label(e)}" for e in _summarise(hits))
            else:
                out.append("      ← no edit here: the output keeps the raw text unchanged at this place")
    if len(spans) > limit:
        out.append(f"  … and {len(spans) - limit} more differing span(s)")
    return out


def explain_result(result: CaseResult) -> list[str]:
    """The differing spans of a failing case with the steps and rules behind each (empty when it passes)."""
    if result.doc is None or result.case.expected is None or result.text_ok:
        return []
    return span_lines(result.case.expected, result.doc, explain=True)


def _summarise(hits: list[Edit], limit: int = 6) -> list[Edit]:
    seen, out = set(), []
    for e in hits:
        key = (e.step, e.rule, e.before, e.after)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out[:limit]


def _edit_label(e: Edit) -> str:
    if e.before == e.after:
        return f"{e.step}/{e.rule}: flagged {_quoted(e.before)}"
    if not e.after:
        return f"{e.step}/{e.rule}: removed {_quoted(e.before)}"
    if max(len(e.before), len(e.after)) > SPAN_WIDTH:
        # a long edit (a converted paragraph) would be quoted cut to head…tail: say what changed in it
        parts = changed_parts(e.before, e.after)
        if len(parts) > 1:
            changes = [{"old": e.before[i1:i2], "new": e.after[j1:j2]} for i1, i2, j1, j2 in parts]
            frequent = most_frequent(changes) or ", ".join(map(change_pair, changes[:5]))
            return f"{e.step}/{e.rule}: {len(parts)} changes in {len(e.before)} characters: {frequent}"
        i1, i2, j1, j2 = parts[0]
        return f"{e.step}/{e.rule}: {_quoted(e.before[i1:i2])} → {_quoted(e.after[j1:j2])}"
    return f"{e.step}/{e.rule}: {_quoted(e.before)} → {_quoted(e.after)}"


def _quoted(s: str) -> str:
    # quoted as the span line shows text (repr escaped U+3000 while the span printed it as a
    # blank, and would double the backslash of an escape made by visible)
    return "'" + _cut(s) + "'"


def _cut(s: str) -> str:
    return visible(shorten(s, SPAN_WIDTH))
