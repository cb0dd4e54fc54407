"""What ``educorpus clean --explain`` costs beyond cleaning, and how long its longest line is.

For each seed page, and for one page made of a single traditional-Chinese paragraph of about
``--mb`` MB (the seed paragraphs repeated, so the script step converts it in one edit): CPU s of
``explain_lines`` alone (least of ``--repeat`` runs) beside CPU s of cleaning the page, the
number of lines printed and the longest one. Run it in two checkouts to compare them:

    PYTHONPATH=src python bench/bench_explain.py [--mb 1] [--repeat 3]

CPU time (``time.process_time``): the machine is shared, wall time means little.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import educorpus
from educorpus.cli.clean import explain_lines

ROOT = Path(__file__).resolve().parent.parent


def _cpu(fn, repeat: int):
    best, out = None, None
    for _ in range(repeat):
        t0 = time.process_time()
        out = fn()
        took = time.process_time() - t0
        best = took if best is None else min(best, took)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))}
    # seeds/002 is a traditional page: its body, joined into one paragraph and repeated
    body = "".join(line.strip() for line in pages["002_bbc10d50080da167.txt"].split("\n")[6:-2])
    n = int(args.mb * 1e6 / 3)  # Han characters are 3 bytes of UTF-8
    pages[f"one {args.mb:g} MB traditional paragraph"] = (body * (n // len(body) + 1))[:n] + "\n"
    print(f"{'page':42} {'clean s':>8} {'explain s':>9} {'lines':>6} {'longest':>8}")
    for name, raw in pages.items():
        clean_s, doc = _cpu(lambda: educorpus.clean_and_explain(raw), 1)
        explain_s, lines = _cpu(lambda: explain_lines(raw, doc), args.repeat)
        print(f"{name[:42]:42} {clean_s:8.2f} {explain_s:9.3f} {len(lines):6} {max(map(len, lines), default=0):8}")


if __name__ == "__main__":
    main()
