"""Throughput of the ``script`` step on the seed corpus (detection, conversion, protection, edit log).

    PYTHONPATH=src python bench/bench_script.py [--repeat 200]

Prints MB/s (UTF-8 bytes of input per second, one process) for ``to="hans"`` (hk2s/t2s on the
traditional pages) and ``to="hant"`` (protected s2t on the simplified pages), three ways: the
step inside the pipeline (``clean_and_explain(..., only=["script"])``: detection, conversion,
protection and the edit log), the pure function ``to_script`` (no edit log), and OpenCC's t2s or
s2t alone on every page, for reference. Each is timed page by page, the functions taking turns,
and the best time of each page over ``--repeat`` rounds is summed ("per page"); the best time of
a whole round over the corpus is printed too ("per round", more exposed to a busy machine).
Converters and tables are built before timing (once per process).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import educorpus
from educorpus.cleaners.script import _converter, to_script

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=200, help="timed rounds; the best is reported")
    args = ap.parse_args()
    pages = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    mb = sum(len(p.encode("utf-8")) for p in pages) / 1e6
    print(f"seed corpus: {len(pages)} pages, {mb * 1e6:.0f} bytes UTF-8")
    for to, raw in (("hans", "t2s"), ("hant", "s2t")):
        for p in pages:  # warm up: converters, tables, protection
            educorpus.clean_and_explain(p, only=["script"], to=to)
        conv = _converter(raw)
        fns = {
            "step": lambda p: educorpus.clean_and_explain(p, only=["script"], to=to),
            "to_script": lambda p: to_script(p, to),
            f"OpenCC {raw}": conv.convert,
        }
        page_best = {k: [float("inf")] * len(pages) for k in fns}
        round_best = {k: float("inf") for k in fns}
        for _ in range(args.repeat):
            for k, fn in fns.items():
                start = time.perf_counter()
                for i, p in enumerate(pages):
                    t = time.perf_counter()
                    fn(p)
                    page_best[k][i] = min(page_best[k][i], time.perf_counter() - t)
                round_best[k] = min(round_best[k], time.perf_counter() - start)
        print(
            f"to={to}: "
            + " | ".join(f"{k} {mb / sum(page_best[k]):5.1f} MB/s per page, {mb / round_best[k]:5.1f} per round" for k in fns)
        )


if __name__ == "__main__":
    main()
