"""Dump the whole pipeline's answers on the seed-derived corpus, to compare two versions.

A speed change to the pipeline or a step must keep every document the same: run this on the old
code and on the new code and diff the two files (``--diff A B`` names every page whose text, meta,
scores or edits differ, and the first difference). Each page's record is the full
:class:`educorpus.Document`: text, meta (flags included), scores and the edit log.

    PYTHONPATH=src python bench/compare_pipeline.py --mb 2 --out /tmp/new.json     # seeds 7 and 11
    PYTHONPATH=src python bench/compare_pipeline.py --mb 1 --to tw --out /tmp/new-tw.json
    python bench/compare_pipeline.py --diff /tmp/old.json /tmp/new.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def dump(mb: float, seeds: list[int], out: str, to: str | None = "hans") -> None:
    import educorpus
    from corpus_gen import generate_pages

    pages = []
    for seed in seeds:
        for p in generate_pages(mb, seed):
            doc = educorpus.clean_and_explain(p, to=to)
            pages.append(
                {
                    "seed": seed,
                    "text": doc.text,
                    "meta": doc.meta,
                    "scores": doc.scores,
                    "edits": [e.to_dict() for e in doc.edits],
                }
            )
    Path(out).write_text(json.dumps(pages, ensure_ascii=False, sort_keys=True))
    print(f"{len(pages)} pages, {sum(len(p['edits']) for p in pages)} edits -> {out}")


def diff(a: str, b: str) -> int:
    old, new = json.loads(Path(a).read_text()), json.loads(Path(b).read_text())
    bad = 0
    if len(old) != len(new):
        print(f"page counts differ: {len(old)} vs {len(new)}")
        bad += 1
    for i, (p, q) in enumerate(zip(old, new)):
        if p != q:
            bad += 1
            keys = [k for k in p if p[k] != q.get(k)]
            print(f"page {i} (seed {p['seed']}): {', '.join(keys)} differ")
            if "edits" in keys:
                for x, y in zip(p["edits"], q["edits"]):
                    if x != y:
                        print(f"  first edit difference: {x} -> {y}")
                        break
    print(f"{bad} differences in {len(old)} pages")
    return bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--seed", type=int, action="append", help="corpus seeds (repeatable; default 7 and 11)")
    ap.add_argument("--to", default="hans", help="target script (CleanConfig.to; 'none' keeps each page's own)")
    ap.add_argument("--out")
    ap.add_argument("--diff", nargs=2, metavar=("OLD", "NEW"))
    args = ap.parse_args()
    if args.diff:
        sys.exit(1 if diff(*args.diff) else 0)
    dump(args.mb, args.seed or [7, 11], args.out, None if args.to == "none" else args.to)


if __name__ == "__main__":
    main()
