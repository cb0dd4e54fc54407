#!/usr/bin/env python3
"""CPU of the scoring functions under the ``mojibake`` search, old code against new, on the calls
the search really makes.

Runs ``repair_spans`` over the seed-derived corpus once, recording every call of
``WordStats.score``, ``CharStats.score``, ``CharStats.known_pairs`` and ``CharStats.script_counts``;
then replays those calls through the old module (``--base``'s ``charstats.py``, its own shared
instances) and the current one, checks that every answer is the same (floats compared exactly),
and prints the best of five timed passes of each (both warm: one untimed pass first). A replay
times the functions alone, without the search around them, so it shows what a change to them is
worth out of the step's CPU (``bench/ab_mojibake.py`` measures the step).

    PYTHONPATH=src python bench/replay_scores.py --base <checkout of the old code> --mb 1
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

METHODS = (("WordStats", "score"), ("CharStats", "score"), ("CharStats", "known_pairs"), ("CharStats", "script_counts"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True, help="checkout of the old code (its src/ is read)")
    ap.add_argument("--mb", type=float, default=1.0, help="size of the corpus_gen corpus")
    args = ap.parse_args()

    from corpus_gen import generate_pages

    from educorpus import charstats as current
    from educorpus.cleaners import mojibake

    calls: dict[tuple[str, str], list[tuple]] = {m: [] for m in METHODS}
    real = {m: getattr(getattr(current, m[0]), m[1]) for m in METHODS}
    for m in METHODS:
        def recording(self, *a, _m=m):
            calls[_m].append(a)
            return real[_m](self, *a)

        setattr(getattr(current, m[0]), m[1], recording)
    try:
        for page in generate_pages(args.mb):
            mojibake.repair_spans(page)
    finally:
        for m in METHODS:
            setattr(getattr(current, m[0]), m[1], real[m])

    spec = importlib.util.spec_from_file_location("educorpus.charstats_base", Path(args.base) / "src" / "educorpus" / "charstats.py")
    old = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(old)

    totals = {"old": 0.0, "new": 0.0}
    for m in METHODS:
        answers, best = {}, {}
        for label, module in (("old", old), ("new", current)):
            instance = module.wordstats() if m[0] == "WordStats" else module.charstats()
            f = getattr(instance, m[1])
            answers[label] = [f(*a) for a in calls[m]]
            times = []
            for _ in range(5):
                t = time.process_time()
                for a in calls[m]:
                    f(*a)
                times.append(time.process_time() - t)
            best[label] = min(times)
            totals[label] += best[label]
        same = answers["old"] == answers["new"]
        print(f"{m[0]}.{m[1]}: {len(calls[m])} calls, CPU s old {best['old']:.4f}, new {best['new']:.4f}"
              f" (new/old {best['new'] / max(best['old'], 1e-9):.2f}); answers {'identical' if same else 'DIFFER'}")
        if not same:
            sys.exit(1)
    print(f"all four: old {totals['old']:.3f}, new {totals['new']:.3f} (new/old {totals['new'] / totals['old']:.2f})")


if __name__ == "__main__":
    main()
