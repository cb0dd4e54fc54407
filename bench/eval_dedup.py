"""Duplicate precision and recall of the corpus steps on a synthetic corpus with planted copies.

Generates a corpus (``educorpus.corpus.synthetic``: originals on sites with page templates; exact,
traditional-script, reposted, truncated, spun and mixed copies; hard negatives), runs the default
corpus steps (site boilerplate, quality, dedup) and prints:

- precision: of the records dedup dropped, the share whose named kept record is a copy of the
  same article (or the article itself);
- recall: of the records that should go (all but one of each article's copies that reached
  dedup), the share dropped that way; recall per copy kind;
- the estimated similarity of the dropped copies, by kind, and how often the original article
  (or an exact copy of it) was the copy kept.

The spinner is any callable ``spin(text, rng) -> text``: ``--spinner module:function`` (default
``educorpus.corpus.synthetic:blind_spin``).

    PYTHONPATH=src python bench/eval_dedup.py --records 5000
    PYTHONPATH=src python bench/eval_dedup.py --records 5000 --spinner educorpus.spinner:spin
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections import Counter
from typing import Any, Callable

from educorpus.corpus import CorpusOptions, default_steps, run_corpus_steps
from educorpus.corpus.synthetic import SyntheticCorpus, synthetic_corpus


def load_spinner(spec: str) -> Callable:
    module, _, name = spec.partition(":")
    if not name:
        raise SystemExit(f"--spinner must be module:function, not {spec!r}")
    return getattr(importlib.import_module(module), name)


def evaluate(corpus: SyntheticCorpus, options: CorpusOptions | None = None) -> dict[str, Any]:
    """Run the default corpus steps on ``corpus`` and score the dedup decisions against the truth."""
    t0 = time.perf_counter()
    kept, exclusions, stats = run_corpus_steps(corpus.records, default_steps(options))
    seconds = time.perf_counter() - t0
    src = corpus.source
    before_dedup = {r["id"] for r in corpus.records} - {e["id"] for e in exclusions if e["step"] != "dedup"}
    per_article = Counter(src[i] for i in before_dedup)
    should_drop = sum(n - 1 for n in per_article.values())
    dropped = [e for e in exclusions if e["step"] == "dedup"]
    correct = [e for e in dropped if src[e["id"]] == src[e["detail"]["kept"]]]
    kinds = Counter(corpus.kind[i] for i in before_dedup if corpus.kind[i] not in ("original", "negative"))
    # a copy counts as found when it, or the article it copies, was dropped for a same-article record
    found_ids = {e["id"] for e in correct}
    kept_ids = {r["id"] for r in kept}
    found_kind: Counter[str] = Counter()
    for i in before_dedup:
        k = corpus.kind[i]
        if k in kinds and (i in found_ids or (src[i] in found_ids and i in kept_ids)):
            found_kind[k] += 1
    originals_in_clusters = {src[e["id"]] for e in correct}
    # the article itself, or its exact copy (the same page, identical on every ranking criterion)
    kept_as = {src[i]: corpus.kind[i] for i in kept_ids}
    original_kept = sum(1 for a in originals_in_clusters if kept_as.get(a) in ("original", "exact"))
    sims: dict[str, list[float]] = {}
    for e in correct:
        if "similarity" in e["detail"]:
            sims.setdefault(corpus.kind[e["id"]], []).append(e["detail"]["similarity"])
    wrong = [e for e in dropped if src[e["id"]] != src[e["detail"]["kept"]]]
    return {
        "records": len(corpus.records),
        "seconds": round(seconds, 2),
        "excluded_before_dedup": {e["reason"]: 0 for e in exclusions if e["step"] != "dedup"}
        | dict(Counter(e["reason"] for e in exclusions if e["step"] != "dedup")),
        "should_drop": should_drop,
        "dropped": len(dropped),
        "correct": len(correct),
        "precision": len(correct) / len(dropped) if dropped else 1.0,
        "recall": len(correct) / should_drop if should_drop else 1.0,
        "recall_by_kind": {k: round(found_kind[k] / n, 4) for k, n in sorted(kinds.items())},
        "similarity_by_kind": {
            k: {"min": min(v), "median": sorted(v)[len(v) // 2]} for k, v in sorted(sims.items())
        },
        "original_kept": original_kept / len(originals_in_clusters) if originals_in_clusters else 1.0,
        "wrong_examples": [(e["id"], corpus.kind[e["id"]], e["detail"]) for e in wrong[:5]],
        "site_lines_learned": stats.get("site-boilerplate", {}).get("lines_learned"),
        "dedup_stats": {k: v for k, v in stats.get("dedup", {}).items() if not k.startswith("listed")},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--spinner", default="educorpus.corpus.synthetic:blind_spin", help="module:function, spin(text, rng) -> text")
    ap.add_argument("--option", action="append", default=[], metavar="NAME=JSON", help="a CorpusOptions field, e.g. near_threshold=0.5")
    ap.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = ap.parse_args(argv)
    options = CorpusOptions.from_dict({k: json.loads(v) for k, v in (o.split("=", 1) for o in args.option)})
    t0 = time.perf_counter()
    corpus = synthetic_corpus(args.records, seed=args.seed, spin=load_spinner(args.spinner))
    gen = time.perf_counter() - t0
    result = evaluate(corpus, options)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"corpus: {result['records']} records (seed {args.seed}, spinner {args.spinner}), generated in {gen:.1f} s")
    print(f"excluded before dedup: {result['excluded_before_dedup']}; site lines learned: {result['site_lines_learned']}")
    print(f"dedup: dropped {result['dropped']}, should drop {result['should_drop']}, correct {result['correct']}")
    print(f"precision {result['precision']:.4f}")
    print(f"recall    {result['recall']:.4f}")
    print("recall by kind: " + ", ".join(f"{k} {v:.3f}" for k, v in result["recall_by_kind"].items()))
    print("estimated Jaccard of dropped copies to the kept one: " + ", ".join(
        f"{k} min {v['min']:.2f} median {v['median']:.2f}" for k, v in result["similarity_by_kind"].items()))
    print(f"original article (or its exact copy) kept in {result['original_kept']:.3f} of its clusters")
    print(f"corpus steps took {result['seconds']} s; dedup: {json.dumps(result['dedup_stats'], ensure_ascii=False)}")
    for ex in result["wrong_examples"]:
        print("wrong:", ex)
    return 0


if __name__ == "__main__":
    sys.exit(main())
