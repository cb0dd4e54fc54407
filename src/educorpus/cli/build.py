"""``educorpus build``: inputs → a versioned dataset folder (see :func:`educorpus.build_dataset`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..config import CleanConfig
from ..dataset import DatasetError, build_dataset, load_manifest
from ..engines import EngineError
from ._common import add_clean_options, error

EPILOG = """examples:
  educorpus build seeds/ --out dist --name edu-seeds --version 0.1.0
  educorpus build seeds/ --out dist --name edu-seeds --bump minor --skip normalize
  educorpus build pages.jsonl --text-field content --id-field doc_id --out dist --name news --version 1.0.0
  educorpus build raw/ --out dist --name edu --bump patch --num-proc 2 --license cc-by-4.0 --keep-raw
  educorpus build raw/ --out dist --name edu --version 0.3.0 --config config.json
  educorpus build raw/ --out dist --name edu --bump patch --engine ray --num-proc 2
  educorpus build raw/ --out dist --name edu --bump patch --engine ray --address ray-head:6379

engines: --engine local (default) cleans in --num-proc processes; --engine ray cleans with Ray
Data on a local Ray (--num-proc CPUs, started and stopped by the build) or on an existing cluster
(--address). Both give byte-identical data. Deduplication, site boilerplate and quality filters
need every record: they gather in this process after cleaning, over a disk spill of small
per-record state, whichever engine cleaned.

inputs: directories of .txt/.md pages (any encoding educorpus decodes), .jsonl/.json, .parquet,
.html (pip install 'educorpus[html]'), and folders written by datasets (save_to_disk or Hub
layout). The result is DIR/NAME/X.Y.Z/ with data/, exclusions/, README.md and manifest.json.

output: the version folder's path on standard output (v=$(educorpus build ...) in a script);
the result line (records, exclusions by reason), warnings and the progress bar (only at a
terminal) on standard error.

exit status: 0 when the version was written (inputs that could not be read are in its
'exclusions' config and named on stderr), 2 for a usage error or a build that cannot start
(the version exists, the output folder is not writable, another build holds the lock, no Ray
head answers at --address) or that leaves no record to write (all excluded; nothing written),
130 when interrupted (Ctrl-C): no version is written; run the same command again."""


def register(sub) -> None:
    p = sub.add_parser(
        "build",
        help="build a versioned Hugging Face dataset folder from raw pages",
        description="Clean the inputs and write DIR/NAME/X.Y.Z/ in the Hub's layout: parquet data, "
        "an exclusions config, a dataset card and a manifest. An existing version is never overwritten.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files and directories to read")
    p.add_argument("--out", required=True, metavar="DIR", help="folder holding the datasets (DIR/NAME/X.Y.Z is written)")
    p.add_argument("--name", required=True, help="dataset name, e.g. edu-seeds")
    v = p.add_mutually_exclusive_group(required=True)
    v.add_argument("--version", dest="dataset_version", metavar="X.Y.Z", help="version to build")
    v.add_argument("--bump", choices=["major", "minor", "patch"], help="next version after the newest one in DIR/NAME")
    add_clean_options(p)
    p.set_defaults(to=None)  # None: not given on the command line (the config file or the default decides)
    p.add_argument("--config", metavar="FILE.json", help="a CleanConfig as JSON (e.g. the 'config' of an earlier manifest.json); --to/--only/--skip override it")
    p.add_argument("--text-field", default="text", help="field holding the page text in .jsonl/.json/.parquet/datasets inputs (default: text)")
    p.add_argument("--id-field", help="field holding a record id to keep (default: an id derived from the raw text)")
    p.add_argument("--keep-raw", action="store_true", help="add the raw text as a column 'raw'")
    p.add_argument("--license", help="license identifier for the dataset card, e.g. cc-by-4.0 (default: unknown)")
    p.add_argument("--force", action="store_true", help="replace the version if it exists and was never pushed")
    p.add_argument("--no-corpus-steps", action="store_true", help="run no corpus-level steps (deduplication, site boilerplate, quality filters)")
    p.add_argument("--no-dedup", action="store_true", help="keep exact and near duplicates")
    p.add_argument("--no-site-boilerplate", action="store_true", help="do not learn and remove lines repeated across a site's pages")
    p.add_argument("--no-quality-filters", action="store_true", help="keep records that fail the quality thresholds")
    p.add_argument(
        "--corpus-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a corpus option, repeatable, e.g. near_threshold=0.5 or max_spun_score=0.8; the options and their defaults: "
        + _corpus_option_defaults(),
    )
    p.add_argument("--num-proc", type=int, default=1, metavar="N", help="clean in N worker processes, or on a local Ray with N CPUs (default: 1)")
    p.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help="local: --num-proc worker processes on this machine; ray: Ray Data, one actor per CPU, on a local Ray "
        "started for this build with --num-proc CPUs, or on the cluster at --address. Same records either way. "
        'The ray engine needs pip install "educorpus[ray]" (Ray core and Ray Data, ray[data])',
    )
    p.add_argument(
        "--address",
        metavar="HOST:PORT|auto|ray://HOST:PORT",
        help="with --engine ray, clean on this existing Ray cluster instead: HOST:PORT of its head (as `ray start --head` "
        "printed), auto (the cluster `ray start` last started on this machine, or $RAY_ADDRESS), or ray://HOST:10001 "
        "(Ray Client, needs ray[client]). All its CPUs clean; its nodes need this educorpus version installed; "
        "with token authentication set RAY_AUTH_MODE=token. The cluster stays up after the build. An address where no "
        "Ray head answers fails at once, naming it",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar (it only shows on a terminal anyway)")
    p.set_defaults(func=run)


def _corpus_option_defaults() -> str:
    # listed from CorpusOptions itself, so the help names every option a user can set (a pip
    # install has no docs/ folder to point to)
    import dataclasses

    from ..corpus.options import CorpusOptions

    return ", ".join(f"{f.name}={f.default}" for f in dataclasses.fields(CorpusOptions))


def _corpus_options(args: argparse.Namespace):
    from ..corpus import CorpusOptions

    values: dict = {}
    for item in args.corpus_option:
        key, sep, raw = item.partition("=")
        if not sep:
            raise DatasetError(f"--corpus-option {item!r}: expected KEY=VALUE")
        try:
            values[key.strip()] = json.loads(raw)
        except ValueError:
            values[key.strip()] = raw
    if args.no_dedup:
        values.update(dedup_exact=False, dedup_near=False)
    if args.no_site_boilerplate:
        values["site_boilerplate"] = False
    if args.no_quality_filters:
        values["quality"] = False
    try:
        return CorpusOptions.from_dict(values)
    except (TypeError, ValueError) as exc:
        raise DatasetError(f"--corpus-option: {exc}") from None


def _config(args: argparse.Namespace) -> CleanConfig:
    base = CleanConfig()
    if args.config:
        try:
            data = json.loads(Path(args.config).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DatasetError(f"--config {args.config}: cannot read it as JSON ({exc})") from None
        if isinstance(data, dict) and "config" in data and "config_sha256" in data:
            data = data["config"]  # a whole manifest.json: take its config
        if not isinstance(data, dict):  # from_dict's own error on a list: 'sequence item 0: expected str'
            raise DatasetError(
                f"--config {args.config}: expected a JSON object of CleanConfig fields (or a manifest.json), not {type(data).__name__}"
            )
        try:
            base = CleanConfig.from_dict(data)
        except (TypeError, ValueError) as exc:
            raise DatasetError(f"--config {args.config}: {exc}") from None
    changes = {}
    if args.to is not None:
        changes["to"] = None if args.to == "keep" else args.to
    if args.only is not None:
        changes["only"] = tuple(args.only)
    if args.skip is not None:
        changes["skip"] = tuple(args.skip)
    try:
        return base.with_options(**changes) if changes else base
    except ValueError as exc:
        raise DatasetError(str(exc)) from None


def _versions(root: Path) -> dict[str, int]:
    """The version folders under DIR/NAME, with their inode: a --force build renames a new one into place."""
    try:
        return {p.name: p.stat().st_ino for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")}
    except OSError:
        return {}


def _interrupted(root: Path, before: dict[str, int]) -> str:
    # a build writes into a hidden temporary folder and renames it into place only at the end, so
    # an interrupted one normally wrote nothing; the user needs to know that, and what to do
    after = _versions(root)
    written = sorted(v for v, ino in after.items() if before.get(v) != ino)
    if written:  # Ctrl-C after the rename: the version is complete
        return f"interrupted after {root / written[0]} was written (it is complete)"
    return (
        "interrupted: no version was written (the partial build was removed"
        + (f"; the versions in {root} are as they were" if before else "")
        + "); run the same command again to build it"
    )


def run(args: argparse.Namespace) -> int:
    root = Path(args.out) / args.name
    before = _versions(root)
    try:
        target = build_dataset(
            args.inputs,
            args.out,
            args.name,
            version=args.dataset_version,
            bump=args.bump,
            config=_config(args),
            text_field=args.text_field,
            id_field=args.id_field,
            keep_raw=args.keep_raw,
            license=args.license,
            force=args.force,
            num_proc=args.num_proc,
            engine=args.engine,
            address=args.address,
            corpus_steps=[] if args.no_corpus_steps else None,
            corpus_options=None if args.no_corpus_steps else _corpus_options(args),
            progress=not args.no_progress,
        )
    except (DatasetError, EngineError) as exc:  # EngineError: a cluster lost or refused after the checks at the start
        error(str(exc))
        return 2
    except KeyboardInterrupt:
        print(f"educorpus: {_interrupted(root, before)}", file=sys.stderr)
        return 130
    m = load_manifest(target)
    c = m["counts"]
    line = f"built {target}: {c['records']} records, {c['exclusions']} excluded"
    if c["exclusions_by_reason"]:
        line += " (" + ", ".join(f"{k} {v}" for k, v in c["exclusions_by_reason"].items()) + ")"
    if c["exclusions"]:
        line += f"; see load_dataset('{target}', 'exclusions')"
    print(line, file=sys.stderr)
    print(target)
    return 0
