"""Dump what the ``mojibake`` step and the whole pipeline answer, to compare two versions.

A speed change to the step must keep its answers: run this on the old code and on the new code
and diff the two files (``--diff A B`` prints every page, line or copy whose answer differs).
It records

- for each page of the seed-derived corpus (``bench/corpus_gen.py``): the cleaned text of
  ``educorpus.clean_and_explain`` and its ``mojibake`` edits;
- for each damaged copy and clean line of ``scripts/eval_mojibake.py`` (same defaults): the
  output of ``fix_mojibake``;
- CPU seconds of each part (``time.process_time``).

    PYTHONPATH=src python bench/compare_mojibake.py --mb 1 --out /tmp/new.json
    python bench/compare_mojibake.py --diff /tmp/old.json /tmp/new.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def dump(mb: float, n: int, out: str, skip_eval: bool) -> None:
    import educorpus
    from corpus_gen import generate_pages
    from educorpus.cleaners.mojibake import fix_mojibake

    result: dict = {"pages": [], "eval": {}, "cpu": {}}
    pages = generate_pages(mb)
    t = time.process_time()
    for p in pages:
        doc = educorpus.clean_and_explain(p)
        moj = [e.to_dict() for e in doc.edits if e.step == "mojibake"]
        result["pages"].append({"text": doc.text, "mojibake": moj})
    result["cpu"]["pipeline"] = time.process_time() - t
    if not skip_eval:
        from tests.mojibake_damage import CLASSES, clean_lines, samples

        t = time.process_time()
        result["eval"]["clean"] = [fix_mojibake(line) for line in clean_lines()]
        result["cpu"]["clean"] = time.process_time() - t
        for cls in CLASSES:
            batch = samples(cls, n, 0)
            t = time.process_time()
            result["eval"][cls] = [fix_mojibake(s.damaged) for s in batch]
            result["cpu"][cls] = (time.process_time() - t) / max(1, len(batch))
    Path(out).write_text(json.dumps(result, ensure_ascii=False))
    print(json.dumps(result["cpu"], indent=1))


def diff(a: str, b: str) -> int:
    old, new = json.loads(Path(a).read_text()), json.loads(Path(b).read_text())
    bad = 0
    for i, (p, q) in enumerate(zip(old["pages"], new["pages"])):
        if p != q:
            bad += 1
            print(f"page {i}:")
            pe = {(e["position"], e["round"], e["before"]): e["after"] for e in p["mojibake"]}
            qe = {(e["position"], e["round"], e["before"]): e["after"] for e in q["mojibake"]}
            for k in sorted(set(pe) | set(qe), key=str):
                if pe.get(k) != qe.get(k):
                    print(f"  {k}: {pe.get(k)!r} -> {qe.get(k)!r}")
    for part in sorted(set(old["eval"]) & set(new["eval"])):
        for i, (x, y) in enumerate(zip(old["eval"][part], new["eval"][part])):
            if x != y:
                bad += 1
                print(f"{part} {i}: {x!r} -> {y!r}")
    print(f"{bad} differences; CPU old {old['cpu']}\n             new {new['cpu']}")
    return bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("-n", type=int, default=200, help="damaged copies per class (as eval_mojibake)")
    ap.add_argument("--out")
    ap.add_argument("--no-eval", action="store_true")
    ap.add_argument("--diff", nargs=2)
    args = ap.parse_args()
    if args.diff:
        sys.exit(1 if diff(*args.diff) else 0)
    dump(args.mb, args.n, args.out, args.no_eval)


if __name__ == "__main__":
    main()
