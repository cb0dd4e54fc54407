#!/usr/bin/env python3
"""The default pipeline and the naive chain on pages that carry no GBK-family mojibake.

``bench/bench_pipeline.py`` measures the seed-derived corpus, where more than half of the pages
hold runs of seed 000's byte-shift damage and the ``mojibake`` search on them is about 70% of the
pipeline's CPU time. This script measures the other side: seeds 001, 002 and 003 (a simplified
page, a traditional page with ``&&`` placeholders, a spun page), each cleaned ``--copies`` times
as a separate document, against the naive chain (``ftfy.fix_text`` + OpenCC ``t2s`` +
``jieba.lcut``) on the same pages, both in one process, CPU time. It says what a corpus with
little mojibake costs; it is not the issue's benchmark corpus.

    PYTHONPATH=src python bench/bench_undamaged.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import educorpus  # noqa: E402

PAGES = ("001_66d2ff1b538386e8.txt", "002_bbc10d50080da167.txt", "003_*.txt")


def main() -> None:
    ap = argparse.ArgumentParser(description="the pipeline and the naive chain on pages without mojibake")
    ap.add_argument("--copies", type=int, default=200, help="times each page is cleaned (default 200)")
    args = ap.parse_args()
    pages = [p.read_text(encoding="utf-8") for pattern in PAGES for p in sorted((ROOT / "seeds").glob(pattern))]
    for p in pages:  # warm up: OpenCC, jieba and the tables are built once per process
        educorpus.clean_and_explain(p)
    batch = pages * args.copies
    mb = sum(len(p.encode("utf-8")) for p in batch) / 1e6
    t = time.process_time()
    for p in batch:
        educorpus.clean_and_explain(p)
    ours = time.process_time() - t
    print(f"input: {len(batch)} pages, {mb:.2f} MB (seeds 001-003, {args.copies} copies each)")
    print(f"pipeline, 1 process: {mb / ours:.2f} MB/s CPU ({ours:.2f} s)")

    import ftfy
    import jieba
    import opencc

    t2s = opencc.OpenCC("t2s")
    jieba.initialize()
    t = time.process_time()
    for p in batch:
        jieba.lcut(t2s.convert(ftfy.fix_text(p)))
    naive = time.process_time() - t
    print(f"naive chain (ftfy.fix_text + OpenCC t2s + jieba.lcut): {mb / naive:.2f} MB/s CPU; educorpus / naive = x{naive / ours:.2f}")


if __name__ == "__main__":
    main()
