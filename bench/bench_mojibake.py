#!/usr/bin/env python3
"""Throughput of the ``mojibake`` and ``pinyin`` steps on clean text, one process.

Clean text: seeds 001, 002 and 003 (simplified and traditional pages whose encoding is sound) and
the reviewed output of seed 000 (traditional, with rare characters in names), each run as a
separate document through the pipeline with ``only=[step]``, repeated to a few megabytes. Figures
are megabytes of UTF-8 input per second of wall time (best of ``--repeat`` runs), after one warm-up
pass that loads the statistics. Also printed: the cost of a page that does hold damage (seed 000),
first run and then once warm.

Run from the repository root::

    PYTHONPATH=src python bench/bench_mojibake.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import educorpus  # noqa: E402

CLEAN = [
    ROOT / "seeds" / "001_66d2ff1b538386e8.txt",
    ROOT / "seeds" / "002_bbc10d50080da167.txt",
    ROOT / "seeds" / "003_7e4ad0116b8f5bc5.txt",
    ROOT / "tests" / "data" / "seed000_after_mojibake_pinyin.txt",
]


def throughput(docs: list[str], step: str, repeat: int) -> float:
    size = sum(len(d.encode("utf-8")) for d in docs)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for d in docs:
            educorpus.clean_and_explain(d, only=[step])
        best = min(best, time.perf_counter() - t)
    return size / 1e6 / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=4.0, help="megabytes of clean text per run (default 4)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    pages = [p.read_text(encoding="utf-8") for p in CLEAN]
    size = sum(len(p.encode("utf-8")) for p in pages)
    docs = pages * max(1, int(args.mb * 1e6 / size))
    total = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    for step in ("mojibake", "pinyin"):
        educorpus.clean_and_explain(pages[-1], only=[step])  # warm-up: statistics, tables
        print(f"{step:<9} clean text: {throughput(docs, step, args.repeat):7.1f} MB/s  ({len(docs)} documents, {total:.1f} MB)")

    damaged = (ROOT / "seeds" / "000_92af0b51e8934e6d.txt").read_text(encoding="utf-8")
    from educorpus.cleaners import mojibake

    t = time.perf_counter()
    doc = educorpus.clean_and_explain(damaged, only=["mojibake"])
    first = time.perf_counter() - t
    # again, once the statistics the search loads on first use are in memory (the step keeps its
    # last answers per text: forget them, so that the search runs each time); CPU time, best of
    # --repeat, since other jobs on the machine distort wall time
    best = float("inf")
    for _ in range(args.repeat):
        mojibake._spans_of.cache_clear()
        t = time.process_time()
        educorpus.clean_and_explain(damaged, only=["mojibake"])
        best = min(best, time.process_time() - t)
    print(f"mojibake  seed 000 (damaged, {len(damaged.encode('utf-8')) / 1e3:.1f} kB, "
          f"{doc.scores.get('mojibake_repaired', 0)} runs repaired): first run {first * 1e3:.0f} ms wall "
          f"(loads the search's statistics), then {best * 1e3:.0f} ms CPU")


if __name__ == "__main__":
    main()
