#!/usr/bin/env python3
"""The ``substitution`` step, old code against new, in one process: CPU time and same results.

On a shared machine the CPU time of one run varies more than a speed change does, so both
versions run in one process, page by page, alternating which goes first, and both see the same
load. Each page's result is compared in full: output text, the edit log (edits and flags in the
step's coordinates), scores and meta flags. Inputs are what the step receives inside the default
pipeline (``bench_substitution.capture``); ``--inputs`` keeps them in a pickle so that other
runs (and another checkout's ``bench_substitution.py --dump``) see the very same texts.

What is swapped: ``educorpus/cleaners/substitution.py`` only, taken from ``--base`` (a checkout
of the old code); what it imports (``_text``, ``document``, segmenter, OpenCC) is shared. The
caches keyed by page, line, sentence or block text are emptied before every pass, in both
modules (each has its own), so that neither reuses its work from an earlier pass; within a pass
they fill as they would in a worker.

    git worktree add /tmp/base <old commit>
    PYTHONPATH=src python bench/ab_substitution.py --base /tmp/base --mb 2 --passes 3
    PYTHONPATH=src python bench/ab_substitution.py --base /tmp/base --mb 1 --seed 3
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


from ab_mojibake import _load  # noqa: E402  (a module of an old checkout, under another name)


def _clear(module) -> None:
    from bench_substitution import _TEXT_CACHES

    for name in _TEXT_CACHES:
        cache = getattr(module, name, None)
        if hasattr(cache, "cache_clear"):
            cache.cache_clear()


def _run(module, text: str, meta: dict, config):
    from educorpus.document import StepContext

    ctx = StepContext(config, copy.deepcopy(meta), {})
    ctx.begin("substitution", text)
    t = time.process_time()
    out = module.run(text, ctx)
    cpu = time.process_time() - t
    return cpu, (out, ctx._edits, ctx._flags, ctx.scores, ctx.meta.get("flags"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True, help="checkout of the old code (its src/ is read)")
    ap.add_argument("--mb", type=float, default=1.0, help="size of the corpus_gen corpus")
    ap.add_argument("--seed", type=int, default=7, help="corpus_gen seed")
    ap.add_argument("--inputs", help="pickle of the step's inputs: read if it exists, else written")
    ap.add_argument("--passes", type=int, default=1, help="passes over the pages (CPU reported per pass)")
    args = ap.parse_args()

    from bench_substitution import capture, load_inputs
    from corpus_gen import generate_pages

    from educorpus.cleaners import substitution as new

    old = _load("educorpus.cleaners.substitution_base", Path(args.base) / "src" / "educorpus" / "cleaners" / "substitution.py")

    inputs = load_inputs(args.mb, args.seed, args.inputs)
    size = sum(len(t.encode("utf-8")) for t, _m, _c in inputs) / 1e6
    # tables, OpenCC, jieba and compiled patterns are built once per process: not measured
    for t, m, c in capture(generate_pages(0.05, seed=99)):
        _run(old, t, m, c)
        _run(new, t, m, c)

    per_pass: dict[object, list[float]] = {old: [], new: []}
    differ: list[int] = []
    for _ in range(max(1, args.passes)):
        _clear(old)
        _clear(new)
        cpu = {old: 0.0, new: 0.0}
        for i, (text, meta, config) in enumerate(inputs):
            got = {}
            for module in (old, new) if i % 2 == 0 else (new, old):
                dt, got[module] = _run(module, text, meta, config)
                cpu[module] += dt
            if got[old] != got[new] and i not in differ:
                differ.append(i)
        for module in (old, new):
            per_pass[module].append(cpu[module])
    o, n = per_pass[old], per_pass[new]
    ratios = [a / b for a, b in zip(o, n)]
    print(f"{len(inputs)} pages, {size:.2f} MB; substitution CPU s per pass: old {', '.join(f'{x:.3f}' for x in o)}"
          f" ({size / statistics.median(o):.1f} MB/s), new {', '.join(f'{x:.3f}' for x in n)} ({size / statistics.median(n):.1f} MB/s);"
          f" old/new {min(ratios):.2f}-{max(ratios):.2f}; pages whose results differ: {len(differ)} {differ[:10]}")
    if differ:
        sys.exit(1)


if __name__ == "__main__":
    main()
