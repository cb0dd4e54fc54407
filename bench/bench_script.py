"""Throughput of the ``script`` step on the seed corpus (detection, conversion, protection, edit log).

    PYTHONPATH=src python bench/bench_script.py [--repeat 30]

Prints MB/s (UTF-8 bytes of input per second, per process) for ``to="hans"`` (t2s for the
traditional pages) and ``to="hant"`` (s2t for the simplified ones), two ways: the step inside the
pipeline (``clean_and_explain(..., only=["script"])``: detection, conversion, protection and the
edit log) and the pure function ``to_script`` (no edit log). Raw OpenCC on the same text is
printed for reference. Converters and tables are built before timing (once per process).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import educorpus
from educorpus.cleaners.script import _converter, to_script

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def best_of(fns: dict, repeat: int) -> dict:
    """Best time of each function over ``repeat`` rounds; the functions take turns within a round,
    so a busy moment of a shared machine hits them alike."""
    best = {k: float("inf") for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=200, help="timed rounds; the best is reported")
    args = ap.parse_args()
    pages = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    size = sum(len(p.encode("utf-8")) for p in pages)
    mb = size / 1e6
    print(f"seed corpus: {len(pages)} pages, {size} bytes UTF-8")
    for to, raw in (("hans", "t2s"), ("hant", "s2t")):
        for p in pages:  # warm up: converters, tables, protection
            educorpus.clean_and_explain(p, only=["script"], to=to)
        conv = _converter(raw)
        best = best_of(
            {
                "step": lambda: [educorpus.clean_and_explain(p, only=["script"], to=to) for p in pages],
                "pure": lambda: [to_script(p, to) for p in pages],
                "opencc": lambda: [conv.convert(p) for p in pages],
            },
            args.repeat,
        )
        print(
            f"to={to:5s} step (pipeline, edit log) {mb / best['step']:6.1f} MB/s | to_script {mb / best['pure']:6.1f} MB/s "
            f"| raw OpenCC {raw} on every page {mb / best['opencc']:6.1f} MB/s"
        )


if __name__ == "__main__":
    main()
