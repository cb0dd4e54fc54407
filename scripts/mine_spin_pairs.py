"""Mine candidate spin substitutions from spun copies that have a clean sibling, for review.

Reads records (JSONL, one per line: the dataset schema with ``id``, ``text``, ``spun_score``, or
the output of ``educorpus clean --json``), runs the ``dedup`` corpus step over them, and for every
spun copy dropped in favour of a non-spun copy (``spun_pair``) aligns the two texts word by word
(``educorpus.corpus.spinpairs``). Writes a TSV, most widespread first:

    kind    clean   spun    pairs   count   example
    replace 质量    品质    41      97      提升教育[品质]，办妥人民

``replace`` rows are candidate substitutions for the ``substitution`` step's data, ``insert``
rows candidate spam phrases. Review them before use: a difference seen in few pairs may be an
editor's legitimate change.

    PYTHONPATH=src python scripts/mine_spin_pairs.py records.jsonl -o candidates.tsv
    PYTHONPATH=src python scripts/mine_spin_pairs.py --synthetic 2000 --min-pairs 3
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Iterator

from educorpus.corpus import CorpusOptions, run_corpus_steps
from educorpus.corpus.dedup import Dedup
from educorpus.corpus.spinpairs import mine


def as_record(obj: dict[str, Any], n: int) -> dict[str, Any]:
    """A dataset-schema record from a dataset row or an ``educorpus clean --json`` line."""
    if "meta" in obj or "scores" in obj:  # educorpus clean --json
        meta, scores = obj.get("meta") or {}, obj.get("scores") or {}
        return {
            "id": obj.get("id") or obj.get("source_path") or str(n),
            "text": obj.get("text") or "",
            "published": meta.get("published"),
            "spun_score": scores.get("spun", 0.0),
            "edits": {},
        }
    return {**obj, "id": obj.get("id", str(n))}


def read_records(paths: list[str]) -> Iterator[dict[str, Any]]:
    n = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{lineno}: not JSON ({exc.msg})")
                if not isinstance(obj, dict) or "text" not in obj:
                    raise SystemExit(f"{path}:{lineno}: expected an object with a 'text' field")
                yield as_record(obj, n)
                n += 1


def spun_pairs(records: list[dict[str, Any]], options: CorpusOptions) -> list[tuple[str, str]]:
    """``(clean_text, spun_text)`` for every spun copy that dedup dropped for a non-spun copy."""
    _kept, excluded, _stats = run_corpus_steps(records, [Dedup(options)])
    text = {r["id"]: r["text"] for r in records}
    return [(text[e["detail"]["kept"]], text[e["id"]]) for e in excluded if e["detail"].get("spun_pair")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*", help="JSONL files of records")
    ap.add_argument("--synthetic", type=int, metavar="N", help="use a synthetic corpus of N records instead (a demonstration)")
    ap.add_argument("-o", "--output", help="TSV file (default: standard output)")
    ap.add_argument("--min-pairs", type=int, default=1, help="only differences seen in at least this many pairs")
    ap.add_argument("--max-chars", type=int, default=8, help="longest substitution considered")
    ap.add_argument("--spun-at", type=float, default=CorpusOptions().spun_at, help="spun_score from which a record counts as spun")
    args = ap.parse_args(argv)
    if args.synthetic:
        from educorpus.corpus.synthetic import synthetic_corpus

        records = synthetic_corpus(args.synthetic, templates=False).records
    elif args.inputs:
        records = list(read_records(args.inputs))
    else:
        ap.error("give JSONL inputs or --synthetic N")
    pairs = spun_pairs(records, CorpusOptions(spun_at=args.spun_at))
    rows = [c for c in mine(pairs, max_chars=args.max_chars) if c.pairs >= args.min_pairs]
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    try:
        out.write("kind\tclean\tspun\tpairs\tcount\texample\n")
        for c in rows:
            out.write(f"{c.kind}\t{c.clean}\t{c.spun}\t{c.pairs}\t{c.count}\t{c.example}\n")
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"{len(records)} records, {len(pairs)} spun copies with a clean sibling, {len(rows)} candidates", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
