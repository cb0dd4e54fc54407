"""Change budgets: would the current code change more records of a published version than allowed?

:func:`check_against` takes a version folder written by ``educorpus build``
(``DIR/NAME/X.Y.Z/`` with ``manifest.json`` and ``data/train-*.parquet``), checks that the inputs
its manifest records are still there and unchanged (same SHA-256), builds that version again
from them with the current code and the recorded config and build options (into a temporary
folder, with the same corpus steps a build runs by default), and compares the two record by
record (matched by ``id``). A record counts as changed when its text differs, when it is gone
(now excluded) or when it is new (no longer excluded).

For the most changed records the report shows the differing spans and, for each, the steps and
rules whose edits produced it (the raw text is re-read and re-cleaned with its edit log, see
:mod:`educorpus.check`), and it totals the rules over the changed records it ranked.

Not handled here: inputs that changed since the build (that is a different question, answered by
building a new version and ``educorpus diff``), and corpus steps a build was given through the
Python API instead of the defaults (the manifest names them; a version built without corpus
steps is rebuilt without them, otherwise the current defaults run and a difference of names is
reported).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence, Union

from . import pipeline
from .check import differing_spans, edits_at_spans, span_lines, trace_edits
from .config import CleanConfig

RANKED_MAX = 2000  # changed records whose differences are measured and explained; the rest are counted
SPANS_SHOWN = 3  # differing spans shown per record in the report


class BudgetError(Exception):
    """The check cannot be made (no manifest, inputs missing or changed, a bad budget): names what and why."""


@dataclass(frozen=True)
class Budget:
    """Changed records allowed: a ``fraction`` of the version's records, or a ``count``."""

    fraction: Optional[float] = None
    count: Optional[int] = None

    def allowed(self, total: int) -> float:
        return self.count if self.count is not None else (self.fraction or 0.0) * total

    def __str__(self) -> str:
        if self.count is not None:
            return f"{self.count} record{'s' if self.count != 1 else ''}"
        return f"{_pct(self.fraction or 0.0)}"


def parse_budget(value: Union[str, int, float]) -> Budget:
    """``"0.5%"`` → a fraction of the records, ``"3"`` → a number of records.

    >>> parse_budget("0.5%"), parse_budget("3")
    (Budget(fraction=0.005, count=None), Budget(fraction=None, count=3))
    """
    s = str(value).strip()
    m = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)\s*%", s)
    if m:
        pct = float(m.group(1))
        if pct > 100:
            raise BudgetError(f"budget {value!r}: a percentage above 100% allows everything")
        return Budget(fraction=pct / 100)
    if re.fullmatch(r"\d+", s):
        return Budget(count=int(s))
    raise BudgetError(f"budget {value!r}: give a percentage of records (0.5%) or a number of records (3)")


@dataclass
class ChangedRecord:
    id: str
    source_path: Optional[str]
    kind: str  # "changed", "removed" (in the version, not any more) or "added"
    old: Optional[str] = None
    new: Optional[str] = None
    changed_chars: int = 0
    spans: int = 0
    lines: list[str] = field(default_factory=list)  # differing spans with the edits behind them
    rules: list[str] = field(default_factory=list)  # step/rule at the differing spans


@dataclass
class BudgetReport:
    version_dir: Path
    budget: Budget
    total: int  # records in the published version
    unchanged: int
    changed: int  # text differs
    removed: int
    added: int
    records: list[ChangedRecord]  # the ranked ones, most changed first
    rules: Counter  # step/rule -> changed records (among the ranked) with a differing span it made
    notes: list[str] = field(default_factory=list)

    @property
    def n_changed(self) -> int:
        return self.changed + self.removed + self.added

    @property
    def ok(self) -> bool:
        return self.n_changed <= self.budget.allowed(self.total)

    def render(self, top: int = 10) -> str:
        share = self.n_changed / self.total if self.total else 0.0
        allowed = self.budget.allowed(self.total)
        verdict = "within budget" if self.ok else "OVER BUDGET"
        out = [
            f"educorpus check --against {self.version_dir}: {self.n_changed} of {self.total} record(s) would "
            f"change ({_pct(share)}); budget {self.budget} (≤ {allowed:g} record(s)): {verdict}",
            f"  text changed {self.changed}, no longer in the data {self.removed}, newly in the data "
            f"{self.added}, unchanged {self.unchanged}",
        ]
        out.extend(f"  note: {n}" for n in self.notes)
        if self.records and top > 0:
            out.append(f"most changed records (top {min(top, len(self.records))} of {self.n_changed}):")
            for r in self.records[:top]:
                where = f" ({r.source_path})" if r.source_path else ""
                if r.kind == "changed":
                    out.append(f"  {r.id}{where}: {r.changed_chars} character(s) differ in {r.spans} span(s)")
                else:
                    out.append(f"  {r.id}{where}: {'no longer in the data (excluded now)' if r.kind == 'removed' else 'newly in the data'}")
                out.extend("  " + line for line in r.lines)
        if self.rules:
            out.append("rules behind the differences (changed records with a differing span each rule made):")
            for rule, n in self.rules.most_common():
                out.append(f"  {rule}: {n}")
        return "\n".join(out)


def check_against(
    version_dir: Union[str, os.PathLike],
    *,
    budget: Union[Budget, str] = Budget(count=0),
    inputs: Optional[Sequence[Union[str, os.PathLike]]] = None,
    num_proc: int = 1,
    explain: int = 10,
    progress: bool = False,
) -> BudgetReport:
    """Rebuild ``version_dir`` from its recorded inputs with the current code and count changed records.

    ``inputs`` overrides where the inputs are read (e.g. a checkout in another place); they must
    be the same files (same SHA-256) as recorded. ``explain`` records get their differing spans
    explained with the rules behind them.
    """
    vdir = Path(version_dir)
    if isinstance(budget, str):
        budget = parse_budget(budget)
    manifest = _read_manifest(vdir)
    try:
        config = CleanConfig.from_dict(manifest["config"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BudgetError(f"{vdir}/manifest.json: its config cannot be used with this educorpus: {exc}") from None
    options = manifest.get("build_options") or {}
    text_field = options.get("text_field") or "text"
    id_field = options.get("id_field")
    args = _locate_inputs(vdir, manifest, inputs)
    try:
        from . import dataset  # late: only this check needs the dataset machinery
    except ImportError as exc:
        raise BudgetError(f"--against needs educorpus's dataset build (educorpus.dataset), which cannot be imported: {exc}") from None
    notes = _notes(manifest, config, dataset)

    unreadable = _UnreadableInputs()
    with tempfile.TemporaryDirectory(prefix="educorpus-budget-") as tmp, unreadable.caught():
        try:
            rebuilt = dataset.build_dataset(
                args,
                tmp,
                manifest["name"],
                version=manifest["version"],
                config=config,
                text_field=text_field,
                id_field=id_field,
                num_proc=num_proc,
                progress=progress,
                # a version built without corpus steps is rebuilt without them; otherwise the
                # default steps run with the recorded options (a difference in the step names
                # is in the notes)
                corpus_steps=[] if manifest.get("corpus_steps") == [] else None,
                corpus_options=None if manifest.get("corpus_steps") == [] else manifest.get("corpus_options"),
            )
        except dataset.DatasetError as exc:
            raise BudgetError(f"{vdir}: rebuilding from the recorded inputs failed: {exc}") from None
        # the rebuild fingerprinted the inputs it read: they must be those the version recorded
        _verify_inputs(vdir, manifest, _read_manifest(rebuilt))
        report = compare_versions(vdir, rebuilt, budget, notes + unreadable.notes(manifest))
    _explain(report, args, config, text_field, id_field, dataset, explain)
    return report


# ------------------------------------------------------------------------------------------ inputs


class _UnreadableInputs:
    """The rebuild's warning about inputs it could not read, made a note of the report.

    Printed as it is ('educorpus: warning: NAME X.Y.Z: 1 input(s) could not be read'), it reads in
    a CI log like a result of the user's own build, not of the rebuild of the published version.
    """

    def __init__(self) -> None:
        self.count = 0
        self.shown = ""

    def filter(self, record: logging.LogRecord) -> bool:
        found = getattr(record, "educorpus_failed_inputs", None)
        if found is None:
            return True
        self.count, self.shown = found
        return False  # reported in the report's notes instead

    @contextlib.contextmanager
    def caught(self) -> Iterator[None]:
        logger = logging.getLogger("educorpus.dataset")
        logger.addFilter(self)
        try:
            yield
        finally:
            logger.removeFilter(self)

    def notes(self, manifest: dict[str, Any]) -> list[str]:
        if not self.count:
            return []
        then = (manifest.get("counts") or {}).get("failed_inputs")
        was = f"the published version's build could not read {then} either" if then == self.count else (
            f"the published version's build could not read {then}" if then is not None else "")
        return [
            f"the rebuild of the published version could not read {self.count} input(s)"
            + (f" ({was})" if was else "")
            + f"; they are excluded records, not data: {self.shown}"
        ]



def _read_manifest(vdir: Path) -> dict[str, Any]:
    path = vdir / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BudgetError(f"{vdir}: no manifest.json; not a version folder written by educorpus build") from None
    except (OSError, ValueError) as exc:
        raise BudgetError(f"{path}: cannot read the manifest ({exc})") from None
    for key in ("name", "version", "config", "inputs"):
        if key not in manifest:
            raise BudgetError(f"{path}: has no {key!r}; not a manifest written by educorpus build")
    _data_files(vdir)
    return manifest


def _data_files(vdir: Path) -> list[Path]:
    files = sorted((vdir / "data").glob("*.parquet"))
    if not files:
        raise BudgetError(f"{vdir}: no data/*.parquet files; not a version folder written by educorpus build")
    return files


def _locate_inputs(vdir: Path, manifest: dict[str, Any], override) -> list[str]:
    if override:
        args = [os.fspath(a) for a in override]
    else:
        args = list(manifest["inputs"].get("arguments") or [])
        if not args:
            raise BudgetError(f"{vdir}/manifest.json: records no input arguments; give the inputs with --inputs")
    missing = [a for a in args if not Path(a).exists()]
    if missing:
        raise BudgetError(
            f"{vdir}: input(s) not found: {', '.join(missing)}"
            + ("" if override else " (as recorded in the manifest; run from where the build ran, or give --inputs)")
        )
    return args


def _verify_inputs(vdir: Path, manifest: dict[str, Any], rebuilt: dict[str, Any]) -> None:
    """The same files with the same contents, or the comparison would mix input and code changes."""
    recorded = {f["path"]: f.get("sha256") for f in manifest["inputs"].get("files") or []}
    current = {f["path"]: f.get("sha256") for f in rebuilt["inputs"].get("files") or []}
    problems = []
    for label in sorted(set(recorded) | set(current)):
        if label not in current:
            problems.append(f"{label} is missing")
        elif label not in recorded:
            problems.append(f"{label} is new")
        elif recorded[label] != current[label]:
            problems.append(f"{label} changed (SHA-256 {str(recorded[label])[:12]}… → {str(current[label])[:12]}…)")
    if problems:
        shown = "; ".join(problems[:5]) + (f"; … {len(problems) - 5} more" if len(problems) > 5 else "")
        raise BudgetError(
            f"{vdir}: the inputs are not those the version was built from: {shown}. A change budget "
            f"compares code on the same inputs; build a new version and use 'educorpus diff' instead"
        )


def _notes(manifest: dict[str, Any], config: CleanConfig, dataset) -> list[str]:
    notes = []
    then = manifest.get("libraries") or {}
    now = dataset.library_versions()
    moved = [f"{k} {then[k]} → {now.get(k)}" for k in sorted(then) if k in now and then[k] != now.get(k)]
    if moved:
        notes.append("library versions differ from the build: " + ", ".join(moved))
    recorded_steps = manifest.get("corpus_steps")
    current_steps = [getattr(s, "name", "") or type(s).__name__ for s in dataset.default_corpus_steps(manifest.get("corpus_options"))]
    if recorded_steps and list(recorded_steps) != current_steps:
        notes.append(f"corpus steps differ: the version ran {recorded_steps}, the current defaults are {current_steps}")
    return notes


# ------------------------------------------------------------------------------------- comparing


def _rows(vdir: Path, columns: list[str]) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    for f in _data_files(vdir):
        try:  # Arrow's errors name no file: say which one is damaged
            pf = pq.ParquetFile(f)
            missing = [c for c in columns if c not in pf.schema_arrow.names]
            if missing:
                raise BudgetError(f"{f}: has no column(s) {', '.join(missing)}")
            for batch in pf.iter_batches(batch_size=1024, columns=columns):
                yield from batch.to_pylist()
        except (OSError, ValueError) as exc:
            raise BudgetError(f"{f}: cannot read this data file ({exc}); the version folder is damaged or incomplete") from None


def _digest(text: Optional[str]) -> bytes:
    return hashlib.blake2b((text or "").encode("utf-8", "surrogatepass"), digest_size=12).digest()


def compare_versions(
    published: Union[str, os.PathLike],
    rebuilt: Union[str, os.PathLike],
    budget: Union[Budget, str] = Budget(count=0),
    notes: Optional[list[str]] = None,
) -> BudgetReport:
    """Compare the records (``id``, ``text``) of two version folders against ``budget``.

    Records are matched by id; the changed ones (up to ``RANKED_MAX``) are measured in differing
    characters and ranked. No explanation of rules here: that needs the raw texts
    (:func:`check_against` adds it).
    """
    vdir, rebuilt = Path(published), Path(rebuilt)
    if isinstance(budget, str):
        budget = parse_budget(budget)
    notes = list(notes or [])
    # memory: a digest per record of the published version, never its texts
    old: dict[str, tuple[bytes, Optional[str]]] = {}
    for row in _rows(vdir, ["id", "text", "source_path"]):
        if row["id"] in old:
            raise BudgetError(f"{vdir}: record id {row['id']!r} occurs twice in the data files")
        old[row["id"]] = (_digest(row["text"]), row["source_path"])
    total = len(old)
    changed: list[ChangedRecord] = []
    added: list[ChangedRecord] = []
    unchanged = 0
    for row in _rows(rebuilt, ["id", "text", "source_path"]):
        prev = old.pop(row["id"], None)
        if prev is None:
            added.append(ChangedRecord(row["id"], row["source_path"], "added", new=None))
        elif prev[0] == _digest(row["text"]):
            unchanged += 1
        else:
            rec = ChangedRecord(row["id"], row["source_path"], "changed")
            if len(changed) < RANKED_MAX:
                rec.new = row["text"]
            changed.append(rec)
    removed = [ChangedRecord(rid, src, "removed") for rid, (_d, src) in old.items()]
    del old

    ranked = [r for r in changed if r.new is not None]
    if len(ranked) < len(changed):
        notes.append(f"{len(changed)} records changed; the first {len(ranked)} were measured and ranked")
    wanted = {r.id: r for r in ranked}
    for row in _rows(vdir, ["id", "text"]):  # second pass: the old texts of the ranked records only
        r = wanted.get(row["id"])
        if r is not None:
            r.old = row["text"] or ""
            spans = differing_spans(r.old, r.new or "")
            r.spans = len(spans)
            r.changed_chars = sum(max(len(a), len(b)) for _s, _e, a, b in spans)
    ranked.sort(key=lambda r: (-r.changed_chars, r.id))
    return BudgetReport(
        version_dir=vdir,
        budget=budget,
        total=total,
        unchanged=unchanged,
        changed=len(changed),
        removed=len(removed),
        added=len(added),
        records=ranked + removed[:10] + added[:10],
        rules=Counter(),
        notes=notes,
    )


def _explain(report: BudgetReport, args, config, text_field, id_field, dataset, explain: int) -> None:
    """Re-clean the raw text of the ranked changed records with the edit log; name the rules."""
    ranked = {r.id: r for r in report.records if r.kind == "changed" and r.old is not None}
    if not ranked:
        return
    shown = {r.id for r in report.records[:explain] if r.id in ranked}
    for raw in dataset.iter_raw_records(args, text_field=text_field, id_field=id_field):
        r = ranked.get(raw.get("id"))
        if r is None or "failure" in raw:
            continue
        # as the build cleans a record: with the metadata the input carried
        doc = pipeline.run(raw.get("text") or "", config, meta=dict(raw.get("meta") or {}))
        if doc.text != r.new:
            # corpus steps changed the rebuilt text further; the spans are those of the pipeline
            r.lines.append("  (corpus steps changed this record after cleaning; spans below are the pipeline's)")
        spans = [(s, e) for s, e, _a, _b in differing_spans(r.old or "", doc.text)]
        rules = set()
        for hits in edits_at_spans(trace_edits(doc.edits), spans):
            rules.update(f"{e.step}/{e.rule}" for e in hits)
            if not hits:
                rules.add("(no edit: the raw text is kept there)")
        r.rules = sorted(rules)
        report.rules.update(r.rules)
        if r.id in shown:
            r.lines.extend(span_lines(r.old or "", doc, explain=True, limit=SPANS_SHOWN))
        del ranked[r.id]
        if not ranked:
            break


def _pct(x: float) -> str:
    return f"{x * 100:.4g}%"
