"""Does cleaning time grow linearly with input size on hostile shapes of text?

For each adversarial shape, cleans inputs of 1, 4 and 16 MB (UTF-8 bytes) with the default
pipeline and prints wall and CPU seconds, MB/s and the growth ratio of CPU time per 4x of input.
A step that is worse than linear shows as a ratio well above 4 (16 MB taking ~16x the time of 4
MB). CPU time is what the ratio uses: on a shared machine the wall time also counts waiting for
a core, which changes with the other load between sizes.

    python bench/bench_linear.py                 # all shapes, 1/4/16 MB
    python bench/bench_linear.py --sizes 1 4     # quicker
    python bench/bench_linear.py --shapes nested_brackets question_marks
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import educorpus  # noqa: E402

SEED = (Path(__file__).resolve().parent.parent / "seeds" / "001_66d2ff1b538386e8.txt").read_text(encoding="utf-8")


def _fill(unit: str, mb: float) -> str:
    n = int(mb * 1_000_000 / max(1, len(unit.encode("utf-8")))) + 1
    return unit * n


SHAPES = {
    "single_line": lambda mb: _fill(SEED.replace("\n", " "), mb),  # one giant line of real text
    "one_char_lines": lambda mb: _fill("教\n", mb),  # millions of one-character lines
    "nested_brackets": lambda mb: _fill("(", mb / 2) + "教育" + _fill(")", mb / 2),
    "question_marks": lambda mb: _fill("?", mb),
    "ampersands": lambda mb: _fill("&", mb),
    "hashes": lambda mb: _fill("#", mb),
    "open_parens": lambda mb: _fill("(", mb),
    "mixed_junk": lambda mb: _fill("教(quán)&&#?!:,\u3000 \ufffd锟斤拷", mb),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 4, 16], help="input sizes in MB")
    ap.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    args = ap.parse_args()
    educorpus.clean(SEED)  # load jieba, OpenCC and the rule tables first: not part of any size's time
    print(f"steps: {', '.join(educorpus.STEPS)}")
    print(f"{'shape':18} {'MB':>6} {'wall s':>9} {'CPU s':>9} {'MB/s CPU':>9} {'growth':>8}")
    for shape in args.shapes:
        prev = None
        for mb in args.sizes:
            text = SHAPES[shape](mb)
            size = len(text.encode("utf-8")) / 1e6
            t0, c0 = time.perf_counter(), time.process_time()
            educorpus.clean(text)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            growth = f"{cpu / prev:.2f}x" if prev else ""
            print(f"{shape:18} {size:6.1f} {wall:9.2f} {cpu:9.2f} {size / cpu:9.2f} {growth:>8}", flush=True)
            prev = cpu


if __name__ == "__main__":
    main()
