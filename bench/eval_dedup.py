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
import inspect
import json
import sys
import time
from collections import Counter
from typing import Callable

from educorpus.corpus import CorpusOptions, default_steps, run_corpus_steps
from educorpus.corpus.synthetic import score_dedup, synthetic_corpus


def load_spinner(spec: str) -> Callable:
    """``spin(text, rng) -> text``, or the evaluation spinner of the substitution step
    (``educorpus.spinner:spin(text, *, seed=...) -> (text, substitutions)``), adapted to that."""
    module, _, name = spec.partition(":")
    if not name:
        raise SystemExit(f"--spinner must be module:function, not {spec!r}")
    fn = getattr(importlib.import_module(module), name)
    if "seed" in inspect.signature(fn).parameters:
        return lambda text, rng: fn(text, seed=rng.randrange(1 << 30))[0]
    return fn


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--spinner", default="educorpus.corpus.synthetic:blind_spin", help="module:function, spin(text, rng) -> text")
    ap.add_argument("--paragraphs", default="4,9", help="min,max paragraphs per article")
    ap.add_argument("--pages-per-site", type=int, default=20, help="average pages per site (below 5, no template is learned)")
    ap.add_argument("--no-templates", action="store_true", help="pages without site header and footer lines")
    ap.add_argument("--option", action="append", default=[], metavar="NAME=JSON", help="a CorpusOptions field, e.g. near_threshold=0.5")
    ap.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = ap.parse_args(argv)
    options = CorpusOptions.from_dict({k: json.loads(v) for k, v in (o.split("=", 1) for o in args.option)})
    t0 = time.perf_counter()
    corpus = synthetic_corpus(
        args.records,
        seed=args.seed,
        spin=load_spinner(args.spinner),
        paragraphs=tuple(int(x) for x in args.paragraphs.split(",")),
        templates=not args.no_templates,
        pages_per_site=args.pages_per_site,
    )
    gen = time.perf_counter() - t0
    t1 = time.perf_counter()
    kept, exclusions, stats = run_corpus_steps(corpus.records, default_steps(options))
    result = score_dedup(corpus, kept, exclusions, stats)
    result["seconds"] = round(time.perf_counter() - t1, 2)
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
