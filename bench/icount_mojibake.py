"""Instructions the ``mojibake`` step's search (``repair_spans``) spends on 0.25 MB of the bench
corpus, for comparing two versions of the step where CPU seconds are too noisy (the machine is
shared). As ``icount_pipeline.py`` does for the whole pipeline: run it under valgrind with 1
(warm-up only: the tables are built on 0.25 MB of corpus seed 7) and with 2 (then 0.25 MB of seed
11 as well); the difference of the two counts is what that 0.25 MB costs a warm process.

    PYTHONHASHSEED=0 valgrind --tool=cachegrind --cache-sim=no python bench/icount_mojibake.py 1 [--src DIR]
    PYTHONHASHSEED=0 valgrind --tool=cachegrind --cache-sim=no python bench/icount_mojibake.py 2 [--src DIR]

``--src`` is the ``src`` directory of the checkout to measure (default: this checkout's).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("passes", choices=["1", "2"])
    ap.add_argument("--src", default=str(HERE.parent / "src"))
    args = ap.parse_args()
    src = str(Path(args.src).resolve())
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, src)
    from corpus_gen import generate_pages

    from educorpus.cleaners import mojibake

    if not mojibake.__file__.startswith(src):
        sys.exit(f"educorpus was imported from {mojibake.__file__}, not from {src}")
    for page in generate_pages(0.25, seed=7):
        mojibake.repair_spans(page)
    if args.passes == "2":
        for page in generate_pages(0.25, seed=11):
            mojibake.repair_spans(page)


if __name__ == "__main__":
    main()
