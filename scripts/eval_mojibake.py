#!/usr/bin/env python3
"""Exact-recovery rate of the ``mojibake`` step per damage class, and damage done to clean text.

Damaged copies come from ``tests/mojibake_damage.py`` (seeds 001 and 002 and the clean cases
under ``tests/cases``; random damage positions and seeds). A copy counts as recovered when the
step's output equals the clean line exactly. Clean lines are also run through the step: every
changed one is damage.

Columns: ``exact`` (the clean line), ``marked`` (the clean line except that some characters are
U+FFFD: characters the step could not read surely, marked as lost, nothing invented),
``untouched`` (the damaged line as it was) and ``wrong`` (anything else: a character invented or
garbled text left inside a repair; precision: worse than untouched or marked).

Run from the repository root::

    PYTHONPATH=src python scripts/eval_mojibake.py            # 200 copies per class
    PYTHONPATH=src python scripts/eval_mojibake.py -n 50 --show 5
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from educorpus.cleaners.mojibake import fix_mojibake  # noqa: E402
from tests.mojibake_damage import CLASSES, clean_lines, samples  # noqa: E402


def _marked(out: str, clean: str) -> bool:
    """``out`` is ``clean`` except at U+FFFD positions (and differs from it at one at least)."""
    return (
        len(out) == len(clean)
        and "\ufffd" in out
        and all(a == b or a == "\ufffd" for a, b in zip(out, clean))
    )


def main() -> None:
    ap = argparse.ArgumentParser(description="exact-recovery rate of the mojibake step per damage class")
    ap.add_argument("-n", type=int, default=200, help="damaged copies per class (default 200)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--classes", default=",".join(CLASSES))
    ap.add_argument("--show", type=int, default=0, help="print this many failures per class")
    args = ap.parse_args()

    lines = clean_lines()
    t = time.perf_counter()
    changed = [line for line in lines if fix_mojibake(line) != line]
    dt = time.perf_counter() - t
    print(f"clean lines changed: {len(changed)} of {len(lines)} ({dt:.1f} s)")
    for line in changed[: args.show]:
        print(f"  CHANGED {line!r}\n       -> {fix_mojibake(line)!r}")

    # wrong: changed into something that is not the clean line (precision: worse than untouched)
    print(f"{'class':<14} {'copies':>6} {'exact':>6} {'rate':>6} {'marked':>6} {'untouched':>9} {'wrong':>6} {'s/copy':>7}")
    for cls in args.classes.split(","):
        batch = samples(cls, args.n, args.seed)
        ok = marked = untouched = 0
        failures = []
        t = time.perf_counter()
        for s in batch:
            out = fix_mojibake(s.damaged)
            if out == s.clean:
                ok += 1
            else:
                if out == s.damaged:
                    untouched += 1
                elif _marked(out, s.clean):
                    marked += 1
                failures.append((s, out))
        dt = time.perf_counter() - t
        wrong = len(batch) - ok - marked - untouched
        print(
            f"{cls:<14} {len(batch):>6} {ok:>6} {ok / max(1, len(batch)):>6.3f} {marked:>6} {untouched:>9} {wrong:>6}"
            f" {dt / max(1, len(batch)):>7.3f}"
        )
        for s, out in failures[: args.show]:
            print(f"  seed={s.seed}\n    clean   {s.clean!r}\n    damaged {s.damaged!r}\n    output  {out!r}")


if __name__ == "__main__":
    main()
