"""Throughput of the boilerplate step on the seed pages and the labelled synthetic pages.

Prints MB/s (UTF-8 input bytes per CPU second, best of several rounds) for the pure classifier
(`strip_boilerplate`) and for the step inside the pipeline (`clean_and_explain(only=["boilerplate"])`,
which adds the edit bookkeeping). CPU time, not wall time: the figure does not depend on what
else runs on the machine as much. The main figures are cold: the step's cache of short lines
(menus and footers repeat across a site's pages) is emptied before each pass; the figure in
parentheses is the same pass over pages whose lines were all seen before.

Usage: PYTHONPATH=src python bench/bench_boilerplate.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import educorpus
from educorpus.cleaners import _line_rules, boilerplate

ROOT = Path(__file__).resolve().parent.parent


def pages() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    synthetic = ROOT / "tests" / "cases" / "boilerplate" / "synthetic.json"
    if synthetic.exists():
        texts += [c["input"] for c in json.loads(synthetic.read_text(encoding="utf-8"))]
    return texts


def best_rate(fn, texts: list[str], rounds: int, warm: bool = False) -> float:
    """MB/s of the best round; ``warm=False`` forgets the remembered short lines before each pass
    (the step caches the rules matching short lines, which repeat across a site's pages)."""
    size = sum(len(t.encode("utf-8")) for t in texts)
    best = float("inf")
    for _ in range(rounds):
        if warm:
            for t in texts:
                fn(t)
        else:
            _line_rules._match_short.cache_clear()
        t0 = time.process_time()
        for t in texts:
            fn(t)
        best = min(best, time.process_time() - t0)
    return size / best / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    texts = pages()
    t0 = time.process_time()
    boilerplate.strip_boilerplate(texts[0])  # loads and indexes the rules
    print(f"rule loading and indexing: {time.process_time() - t0:.2f} s (once per process)")
    step = lambda t: educorpus.clean_and_explain(t, only=["boilerplate"])  # noqa: E731
    for name, group in (("seed pages", texts[:4]), ("synthetic pages", texts[4:]), ("all pages", texts)):
        size = sum(len(t.encode("utf-8")) for t in group) / 1e3
        print(f"{name}: {len(group)} pages, {size:.0f} KB")
        print(f"  strip_boilerplate:                        {best_rate(boilerplate.strip_boilerplate, group, args.rounds):6.1f} MB/s"
              f"   (lines seen before: {best_rate(boilerplate.strip_boilerplate, group, args.rounds, warm=True):6.1f} MB/s)")
        print(f"  clean_and_explain(only=['boilerplate']):  {best_rate(step, group, args.rounds):6.1f} MB/s")


if __name__ == "__main__":
    main()
