"""``build_dataset``: inputs → cleaned, versioned dataset folder in the Hub's layout.

The build, in order:

1. check the options and the output folder (unwritable, existing version: fail before any work),
   take the version's lock file;
2. fingerprint the inputs (paths, sizes, SHA-256);
3. stream raw records (:func:`~.inputs.iter_raw_records`) through the cleaning pipeline, in
   worker processes with ``num_proc > 1`` (results stay in input order);
4. run the corpus steps, each in two passes over a disk spill of the cleaned records
   (``observe`` all, ``finalize``, ``apply`` all), so memory does not grow with the corpus;
5. write ``data/train-*.parquet``, ``exclusions/train-*.parquet``, ``manifest.json`` and the
   dataset card ``README.md`` into a temporary folder beside the target, then rename it into
   place: an interrupted build leaves no half version.

Not handled here: uploading (:mod:`.push`), comparing versions (:mod:`.diff`), and corpus steps
themselves (:mod:`educorpus.corpus`).
"""

from __future__ import annotations

import datetime as _dt
import importlib.metadata
import json
import logging
import os
import platform
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence, Union

from .. import pipeline
from ..config import CleanConfig
from ..corpus import CorpusStep, Exclusion
from .errors import DatasetError, MissingExtraError, VersionExistsError
from .inputs import InputItem, check_extras, count_records, fingerprint_inputs, is_failure, iter_raw_records, plan_inputs
from .records import clean_chunk, data_row, data_schema, exclusion_row, exclusion_schema
from .versions import (
    VersionLock,
    bump_version,
    check_name,
    is_published,
    newest_version,
    parse_version,
    previous_version,
    read_manifest,
)
from .writer import ShardedParquetWriter, Spill, sha256_file

log = logging.getLogger("educorpus.dataset")

MANIFEST_FORMAT = "educorpus-dataset/1"
LIBRARIES = ("educorpus", "opencc", "ftfy", "jieba", "regex", "datasets", "pyarrow", "huggingface_hub", "trafilatura")
CHUNK_RECORDS = 64  # records per task sent to a worker process
CHUNK_BYTES = 4 << 20  # ... or fewer, when the texts are long
SPUN_BINS = 10


def default_corpus_steps(options: Any = None) -> list[CorpusStep]:
    """The corpus steps ``build_dataset`` runs when it is not given ``corpus_steps``.

    ``options`` is a :class:`~educorpus.corpus.CorpusOptions` (or a dict of its fields, or None
    for the defaults): learned site boilerplate, quality filters, exact and near deduplication.
    """
    from ..corpus import default_steps

    return default_steps(options)


def library_versions() -> dict[str, Optional[str]]:
    """Versions of the libraries that decide the output (``None`` when not installed), and Python."""
    out: dict[str, Optional[str]] = {}
    for name in LIBRARIES:
        if name == "educorpus":
            from .. import __version__  # late: educorpus/__init__ imports this module

            out[name] = __version__
            continue
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    out["python"] = platform.python_version()
    return out


class _Summary:
    """Figures for the card and the manifest, gathered while records stream past."""

    def __init__(self) -> None:
        self.records = 0
        self.characters = 0
        self.scripts: Counter = Counter()
        self.sources: Counter = Counter()
        self.flags: Counter = Counter()
        self.spun = [0] * SPUN_BINS
        self.excluded: Counter = Counter()  # (stage, reason)
        self.failures: list[str] = []

    def add(self, rec: dict[str, Any]) -> None:
        self.records += 1
        self.characters += rec["n_chars"]
        self.scripts[rec.get("script_in") or "unknown"] += 1
        self.sources[rec.get("source") or rec.get("site") or "unknown"] += 1
        self.flags.update(rec.get("flags") or [])
        score = rec.get("spun_score") or 0.0
        self.spun[min(SPUN_BINS - 1, max(0, int(score * SPUN_BINS)))] += 1

    def exclude(self, stage: str, reason: str, message: str = "") -> None:
        self.excluded[(stage, reason)] += 1
        if stage == "input" and len(self.failures) < 20:
            self.failures.append(message)

    def to_dict(self) -> dict[str, Any]:
        by_reason: Counter = Counter()
        by_stage: Counter = Counter()
        for (stage, reason), n in self.excluded.items():
            by_reason[reason] += n
            by_stage[stage] += n
        return {
            "records": self.records,
            "characters": self.characters,
            "scripts": dict(sorted(self.scripts.items(), key=lambda kv: (-kv[1], kv[0]))),
            "sources": dict(sorted(self.sources.items(), key=lambda kv: (-kv[1], kv[0]))[:50]),
            "distinct_sources": len(self.sources),
            "flags": dict(sorted(self.flags.items(), key=lambda kv: (-kv[1], kv[0]))),
            "spun_score_histogram": {
                f"{i / SPUN_BINS:.1f}-{(i + 1) / SPUN_BINS:.1f}": n for i, n in enumerate(self.spun)
            },
            "exclusions": sum(self.excluded.values()),
            "exclusions_by_reason": dict(sorted(by_reason.items())),
            "exclusions_by_stage": dict(sorted(by_stage.items())),
            "failed_inputs": by_stage.get("input", 0),
        }


def _chunks(records: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    size = 0
    for rec in records:
        chunk.append(rec)
        size += len(rec.get("text") or rec.get("raw_text") or "")
        if len(chunk) >= CHUNK_RECORDS or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def clean_records(
    raw: Iterable[dict[str, Any]],
    config: CleanConfig,
    stats: pipeline.Stats,
    num_proc: int = 1,
    engine: str = "local",
    address: Optional[str] = None,
) -> Iterator[dict[str, Any]]:
    """Clean raw records in order on the chosen engine; failures pass through.

    Records travel in chunks; ``stats`` receives the per-step statistics. The engine keeps a
    bounded number of chunks in flight, so a fast reader cannot fill memory ahead of the workers.
    """
    from functools import partial

    from ..engines import map_ordered

    chunks = _chunks(raw)
    for out, st in map_ordered(partial(clean_chunk, config=config), chunks, engine=engine, num_proc=num_proc, address=address, batch_size=1):
        stats.merge(st)
        yield from out


def _showing(progress: bool) -> bool:
    # a bar only on a terminal: in a CI log each redraw would be a line of its own
    return progress and sys.stderr.isatty()


def _progress(progress: bool, **kw):
    from tqdm import tqdm

    return tqdm(disable=not _showing(progress), file=sys.stderr, dynamic_ncols=True, **kw)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


def _check_steps(steps: Sequence[Any]) -> list[Any]:
    names = []
    for s in steps:
        for method in ("observe", "finalize", "apply"):
            if not callable(getattr(s, method, None)):
                raise DatasetError(f"corpus step {s!r} has no {method}() method (see educorpus.corpus.CorpusStep)")
        name = getattr(s, "name", "") or type(s).__name__
        if name in names:
            raise DatasetError(f"two corpus steps are named {name!r}; names must be unique (they label exclusions and statistics)")
        names.append(name)
    return list(steps)


def _run_corpus_steps(spill: Spill, steps: list[Any], tmp: Path, excl: ShardedParquetWriter, summary: _Summary, progress: bool):
    """Each step: observe every record, finalize, apply to every record into a new spill."""
    report: dict[str, Any] = {}
    current = spill
    for k, step in enumerate(steps):
        name = getattr(step, "name", "") or type(step).__name__
        n_in = current.count
        with _progress(progress, desc=f"{name}: observe", total=n_in, unit="rec") as bar:
            for rec in current:
                step.observe(rec)
                bar.update(1)
        stats = step.finalize() or {}
        nxt = Spill(tmp / f".spill-{k + 1}.pkl")
        excluded: Counter = Counter()
        rewritten = 0
        chars_in = chars_out = 0
        with _progress(progress, desc=f"{name}: apply", total=n_in, unit="rec") as bar:
            for rec in current:
                before = rec["text"]
                chars_in += len(before)
                result = step.apply(rec)
                bar.update(1)
                if isinstance(result, Exclusion):
                    excluded[result.reason] += 1
                    excl.add(exclusion_row(stage=name, reason=result.reason, detail=result.detail, record=rec))
                    summary.exclude(name, result.reason)
                    continue
                if not isinstance(result, dict) or not isinstance(result.get("text"), str):
                    raise DatasetError(f"corpus step {name!r} returned {type(result).__name__} for record {rec.get('id')}; expected the record or an Exclusion")
                if result["text"] != before:
                    rewritten += 1
                    result["n_chars"] = len(result["text"])
                chars_out += len(result["text"])
                nxt.write(result)
        nxt.close()
        current.remove()
        current = nxt
        report[name] = {
            "class": f"{type(step).__module__}.{type(step).__qualname__}",
            "description": getattr(step, "description", "") or "",
            "records_in": n_in,
            "records_out": nxt.count,
            "excluded": dict(sorted(excluded.items())),
            "rewritten": rewritten,
            "chars_removed": chars_in - chars_out,
            "stats": _jsonable(stats),
        }
    return current, report


def _resolve_version(root: Path, version: Optional[str], bump: Optional[str]) -> str:
    if version and bump:
        raise DatasetError("give either --version or --bump, not both")
    if not version and not bump:
        raise DatasetError("give the version to build: --version X.Y.Z, or --bump major|minor|patch")
    if version:
        parse_version(version)
        return version
    return bump_version(newest_version(root), bump)  # type: ignore[arg-type]


def _prepare_root(root: Path) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatasetError(f"cannot create the output folder {root} ({exc.strerror or exc}); choose another --out") from None
    if not os.access(root, os.W_OK | os.X_OK):
        raise DatasetError(f"the output folder {root} is not writable; choose another --out")


def build_dataset(
    inputs: Union[str, os.PathLike, Iterable[Union[str, os.PathLike]]],
    out: Union[str, os.PathLike],
    name: str,
    *,
    version: Optional[str] = None,
    bump: Optional[str] = None,
    config: Optional[CleanConfig] = None,
    text_field: str = "text",
    id_field: Optional[str] = None,
    keep_raw: bool = False,
    license: Optional[str] = None,
    force: bool = False,
    num_proc: int = 1,
    engine: str = "local",
    address: Optional[str] = None,
    corpus_steps: Optional[Sequence[CorpusStep]] = None,
    corpus_options: Any = None,
    progress: bool = True,
) -> Path:
    """Build version ``version`` (or the ``bump`` of the newest one) of dataset ``name`` under ``out``.

    Writes ``out/name/X.Y.Z/`` with ``data/train-*.parquet``, ``exclusions/train-*.parquet``,
    ``manifest.json`` and ``README.md``, and returns that path. An existing version is never
    overwritten (:class:`~.errors.VersionExistsError`); ``force=True`` replaces a version that was
    never published. Inputs that cannot be read become exclusion records and are reported in a
    warning; the build goes on with the rest. ``engine`` is ``"local"`` (``num_proc`` processes)
    or ``"ray"`` (Ray Data; ``address`` of a cluster, or a local Ray with ``num_proc`` CPUs): both
    give the same records; corpus-level steps run afterwards in this process.
    """
    _check_not_bootstrapping()
    if isinstance(config, dict):
        config = CleanConfig.from_dict(config)
    cfg = config if config is not None else CleanConfig()
    if not isinstance(cfg, CleanConfig):
        raise TypeError(f"config must be a CleanConfig, not {type(cfg).__name__}")
    check_name(name)
    if not isinstance(num_proc, int) or num_proc < 1:
        raise DatasetError(f"num_proc must be a positive integer, not {num_proc!r}")
    from ..engines import ENGINES, EngineError, check_engine

    if engine not in ENGINES:
        raise DatasetError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    try:
        check_engine(engine, address)  # a missing extra or a cluster that does not answer fails before any work
    except EngineError as exc:
        raise DatasetError(str(exc)) from None
    except ImportError as exc:  # the engine's extra: the CLI says so in one line, not a traceback
        raise MissingExtraError(str(exc)) from None
    if not text_field:
        raise DatasetError("text_field must name a field")
    arguments = [os.fspath(inputs)] if isinstance(inputs, (str, os.PathLike)) else [os.fspath(p) for p in inputs]
    if corpus_steps is not None and corpus_options is not None:
        raise DatasetError("give corpus_steps or corpus_options, not both")
    from ..corpus import CorpusOptions

    if isinstance(corpus_options, dict):
        corpus_options = CorpusOptions.from_dict(corpus_options)
    copts = (corpus_options or CorpusOptions()) if corpus_steps is None else None
    steps = _check_steps(default_corpus_steps(copts) if corpus_steps is None else list(corpus_steps))

    root = Path(out) / name
    ver = _resolve_version(root, version, bump)
    # listing only: no input, a missing one or only empty directories stop here, before any folder
    # is made, rather than build a dataset of nothing
    plan = plan_inputs(arguments)
    check_extras(plan)
    _prepare_root(root)

    with VersionLock(root, ver):
        target = root / ver
        asides = sorted(root.glob(f".{ver}.replaced-*"))
        if asides and not target.exists():
            # a --force build was killed between moving the old version aside and renaming the new
            # one into place: put the old version back rather than lose it
            os.rename(asides[0], target)
        if target.exists():
            if not force:
                nxt = bump_version(ver, "patch")
                raise VersionExistsError(
                    f"{target} already exists and versions are never overwritten; build a new version "
                    f"(--version {nxt} or --bump patch|minor|major), or use --force if {ver} was never published"
                )
            if not (target / "manifest.json").is_file():
                raise VersionExistsError(f"{target} exists and is not a version built by educorpus; move it away yourself")
            if is_published(target):
                raise VersionExistsError(f"{target} was published (see 'published' in its manifest.json); --force cannot replace it: build a new version")
        for leftover in list(root.glob(f".{ver}.tmp-*")) + list(root.glob(f".{ver}.replaced-*")):
            shutil.rmtree(leftover, ignore_errors=True)  # from a build that was killed; we hold the lock
        prev = previous_version(root, ver)
        tmp = root / f".{ver}.tmp-{os.getpid()}"
        try:
            tmp.mkdir()
            _build_into(
                tmp,
                plan=plan,
                arguments=arguments,
                cfg=cfg,
                steps=steps,
                corpus_options=copts,
                name=name,
                version=ver,
                previous=(root / prev) if prev else None,
                text_field=text_field,
                id_field=id_field,
                keep_raw=keep_raw,
                license=license,
                num_proc=num_proc,
                engine=engine,
                address=address,
                progress=progress,
            )
            if target.exists():  # --force, checked above
                aside = root / f".{ver}.replaced-{os.getpid()}"
                os.rename(target, aside)
                os.rename(tmp, target)
                shutil.rmtree(aside, ignore_errors=True)
            else:
                os.rename(tmp, target)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise _write_error(exc, target) from exc
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return target


def _check_not_bootstrapping() -> None:
    # A script that calls build_dataset at import time, without `if __name__ == "__main__":`,
    # calls it again in every worker process the build spawns, while that process starts: the
    # worker would report the parent's lock ("another build is running"), which misleads.
    # multiprocessing's own check of this (`_inheriting`) only runs when a process is started.
    import multiprocessing

    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise DatasetError(
            "build_dataset() was called while a worker process of a build was starting: the script "
            'that calls it must do so under `if __name__ == "__main__":`, since every worker process '
            "imports the script again"
        )


def _write_error(exc: OSError, target: Path) -> DatasetError:
    """A clear message for a build that failed on the file system (full disk, quota, I/O error)."""
    import errno

    what = exc.strerror or str(exc)
    where = f" ({exc.filename})" if exc.filename else ""
    hint = ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = f"; free space on the disk of {target.parent} (or choose another --out) and build again"
    return DatasetError(
        f"building {target} failed: {what}{where}. Nothing was written: the partial build was removed "
        f"and earlier versions are untouched{hint}"
    )


def _build_into(
    tmp: Path,
    *,
    plan: list[InputItem],
    arguments: list[str],
    cfg: CleanConfig,
    steps: list[Any],
    name: str,
    version: str,
    previous: Optional[Path],
    text_field: str,
    id_field: Optional[str],
    keep_raw: bool,
    license: Optional[str],
    corpus_options: Any,
    num_proc: int,
    engine: str,
    address: Optional[str],
    progress: bool,
) -> None:
    from .card import render_card
    from .diff import diff_folders

    fingerprint = fingerprint_inputs(plan, arguments)
    stats = pipeline.Stats()
    summary = _Summary()
    raw_count = 0
    excl = ShardedParquetWriter(tmp / "exclusions", "train", exclusion_schema())
    data = ShardedParquetWriter(tmp / "data", "train", data_schema(keep_raw))

    def counted(it):
        nonlocal raw_count
        for rec in it:
            raw_count += 1
            yield rec

    def cleaned() -> Iterator[dict[str, Any]]:
        raw = counted(iter_raw_records(plan, text_field=text_field, id_field=id_field))
        # with a total the bar shows how far the build is and how long it will take
        total = count_records(plan, text_field) if _showing(progress) else None
        with _progress(progress, desc="cleaning", unit="rec", total=total) as bar:
            for rec in clean_records(raw, cfg, stats, num_proc, engine, address):
                bar.update(1)
                if is_failure(rec):
                    stage = rec.get("stage", "input")
                    excl.add(exclusion_row(stage=stage, reason=rec["failure"], detail={"message": rec["detail"]}, record=rec))
                    summary.exclude(stage, rec["failure"], rec["detail"])
                    continue
                yield rec

    corpus_report: dict[str, Any] = {}
    spill = None
    if steps:
        spill = Spill(tmp / ".spill-0.pkl")
        for rec in cleaned():
            spill.write(rec)
        spill.close()
        spill, corpus_report = _run_corpus_steps(spill, steps, tmp, excl, summary, progress)
        final: Iterable[dict[str, Any]] = spill
    else:
        final = cleaned()
    with _progress(progress and bool(steps), desc="writing", unit="rec", total=spill.count if spill else None) as bar:
        for rec in final:
            data.add(data_row(rec, keep_raw))
            summary.add(rec)
            bar.update(1)
    if spill is not None:
        spill.remove()
    shards = data.close() + excl.close(keep_empty=False)

    counts = summary.to_dict()
    if not counts["records"]:
        # datasets cannot load a split with no rows ('Instruction "train" corresponds to no data'),
        # so such a version could never be read or shown on the Hub; fail, and say why instead
        reasons = ", ".join(f"{k} {v}" for k, v in counts["exclusions_by_reason"].items()) or "no input records"
        failures = "; ".join(summary.failures[:5]) + (" ..." if counts["failed_inputs"] > 5 else "")
        raise DatasetError(
            f"no record left to write: all {counts['exclusions']} were excluded ({reasons})"
            + (f": {failures}" if failures else "")
            + "; nothing was written"
        )
    if counts["failed_inputs"]:
        shown = "; ".join(summary.failures[:5]) + (" ..." if counts["failed_inputs"] > 5 else "")
        log.warning(
            "%s %s: %d input(s) could not be read and are recorded in the 'exclusions' config: %s",
            name, version, counts["failed_inputs"], shown,
            # for a caller that reports this build as part of its own result (check --against)
            extra={"educorpus_failed_inputs": (counts["failed_inputs"], shown)},
        )
    manifest: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "name": name,
        "version": version,
        "built_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "config": cfg.to_dict(),
        "config_sha256": cfg.fingerprint(),
        "corpus_steps": [getattr(s, "name", "") or type(s).__name__ for s in steps],
        # the options of the default corpus steps (None when the caller passed its own steps)
        "corpus_options": corpus_options.to_dict() if corpus_options is not None else None,
        "build_options": {
            "text_field": text_field,
            "id_field": id_field,
            "keep_raw": keep_raw,
            "license": license,
        },
        "inputs": fingerprint,
        "libraries": library_versions(),
        "counts": {
            "input_items": len(plan),
            "input_files": len(fingerprint["files"]),
            "raw_records": raw_count,
            "records": counts["records"],
            "characters": counts["characters"],
            "exclusions": counts["exclusions"],
            "failed_inputs": counts["failed_inputs"],
            "exclusions_by_reason": counts["exclusions_by_reason"],
            "exclusions_by_stage": counts["exclusions_by_stage"],
        },
        "summary": {k: counts[k] for k in ("scripts", "sources", "distinct_sources", "flags", "spun_score_histogram")},
        "stats": stats.to_dict(),
        "corpus_stats": corpus_report,
        "files": [
            {"path": p.relative_to(tmp).as_posix(), "rows": n, "bytes": p.stat().st_size, "sha256": sha256_file(p)}
            for p, n in shards
        ],
        "previous_version": previous.name if previous else None,
        "changes": None,
        "published": [],
    }
    _write_json(tmp / "manifest.json", manifest)
    changes = None
    if previous is not None:
        try:
            changes = diff_folders(previous, tmp, samples=3)
        except Exception as exc:  # a previous folder we cannot read must not fail this build: the card says so
            changes = {"error": f"{type(exc).__name__}: {exc}"}
        manifest["changes"] = _compact_changes(changes)
        _write_json(tmp / "manifest.json", manifest)
    (tmp / "README.md").write_text(render_card(manifest, changes), encoding="utf-8")


def _compact_changes(changes: dict[str, Any]) -> dict[str, Any]:
    if "error" in changes:
        return changes
    return {k: changes[k] for k in ("from", "records", "changed_fields", "config", "libraries", "inputs", "exclusions") if k in changes}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write atomically: a reader never sees half a manifest."""
    part = path.with_name(path.name + ".partial")
    part.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(part, path)


def load_manifest(folder: Union[str, os.PathLike]) -> dict[str, Any]:
    """The manifest of a version folder (a :class:`DatasetError` when there is none)."""
    return read_manifest(Path(folder))
