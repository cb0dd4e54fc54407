"""Instructions the pipeline (or the naive chain) spends on 0.25 MB of the bench corpus, for
comparisons that the machine's load does not disturb (CPU seconds on the shared two-core machine
vary by 20-30% from run to run).

Run it under valgrind twice, with 1 (warm-up only: the tables, OpenCC and jieba are built on
0.25 MB of corpus seed 7 and seed 000) and with 2 (then 0.25 MB of corpus seed 11 as well);
the difference of the two counts is what that 0.25 MB costs a warm process:

    PYTHONPATH=src valgrind --tool=cachegrind --cache-sim=no python bench/icount_pipeline.py 1
    PYTHONPATH=src valgrind --tool=cachegrind --cache-sim=no python bench/icount_pipeline.py 2
    (add --naive for ftfy.fix_text + OpenCC t2s + jieba.lcut, as bench_pipeline.py runs it)
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from corpus_gen import generate_pages  # noqa: E402


def main() -> None:
    passes = sys.argv[1] if len(sys.argv) > 1 else "2"
    if passes not in ("1", "2"):
        sys.exit("usage: icount_pipeline.py 1|2 [--naive]")
    if "--naive" in sys.argv:
        import ftfy
        import jieba
        import opencc

        t2s = opencc.OpenCC("t2s")

        def clean(p: str) -> object:
            return jieba.lcut(t2s.convert(ftfy.fix_text(p)))

        warm = generate_pages(0.25, seed=7)
    else:
        import educorpus

        clean = educorpus.clean_and_explain
        warm = generate_pages(0.25, seed=7) + [(HERE.parent / "seeds" / "000_92af0b51e8934e6d.txt").read_text(encoding="utf-8")]
    measured = generate_pages(0.25, seed=11) if passes == "2" else []
    for p in warm:
        clean(p)
    for p in measured:
        clean(p)
    print(f"{sum(len(p.encode()) for p in measured) / 1e6:.3f} MB measured after the warm-up")


if __name__ == "__main__":
    main()
