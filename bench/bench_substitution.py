"""Speed of the ``substitution`` step alone, and a digest of what it did, on the bench corpus.

The step is fed the texts it receives inside the default pipeline (the pages of
``corpus_gen.generate_pages(--mb)`` after unicode, mojibake, pinyin and boilerplate). Those inputs
are computed once and kept in a pickle (``--inputs``), so that two checkouts can be compared on
the very same inputs even if the earlier steps change between them. The report gives the step's
CPU time (``time.process_time``, which a shared machine disturbs less than wall time) and MB/s,
and ``--dump`` writes, per page, the output text, the edit log (edits and flags in the step's
coordinates), the scores and meta flags as JSON lines: diff two dumps to check that a change to
the step leaves its results identical.

    PYTHONPATH=src python bench/bench_substitution.py --mb 2 --inputs /tmp/sub_in.pkl --dump /tmp/a.jsonl
    PYTHONPATH=src python bench/bench_substitution.py --profile 30
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import pickle
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import educorpus  # noqa: E402
from corpus_gen import generate_pages  # noqa: E402
from educorpus import cleaners  # noqa: E402
from educorpus.cleaners import substitution  # noqa: E402
from educorpus.document import StepContext  # noqa: E402


def capture(pages: list[str]) -> list[tuple[str, dict, object]]:
    """``(text, meta, config)`` that the substitution step receives for each page."""
    got: list[tuple[str, dict, object]] = []
    original = cleaners.PIPELINE

    def wrap(step):
        def run(text, ctx):
            got.append((text, copy.deepcopy(ctx.meta), ctx.config))
            return step.run(text, ctx)

        return dataclasses.replace(step, run=run)

    cleaners.PIPELINE = tuple(wrap(s) if s.name == "substitution" else s for s in original)
    try:
        for p in pages:
            educorpus.clean_and_explain(p)
    finally:
        cleaners.PIPELINE = original
    return got


#: the step's caches keyed by page, line, sentence or block text (names of earlier versions
#: too, so that the script can time an older checkout the same way)
_TEXT_CACHES = ("_SHADOWS", "_SCANS", "_CANDS", "_MARKERS", "_SITES", "_HASHES", "shadow", "_scan", "_spun_candidates", "_word_bounds", "_segment_cached", "_block_bounds", "_line_blocks")


def load_inputs(mb: float, seed: int, path: str | None) -> list[tuple[str, dict, object]]:
    """The step's inputs for ``mb`` MB of corpus ``seed``: read from the pickle ``path`` if it
    exists, else captured (and written there when a path is given)."""
    if path and Path(path).exists():
        return pickle.loads(Path(path).read_bytes())
    inputs = capture(generate_pages(mb, seed=seed))
    if path:
        Path(path).write_bytes(pickle.dumps(inputs))
    return inputs


def run_one(text: str, meta: dict, config) -> tuple[str, StepContext]:
    ctx = StepContext(config, copy.deepcopy(meta), {})
    ctx.begin("substitution", text)
    return substitution.run(text, ctx), ctx


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--inputs", help="pickle of the step's inputs: read if it exists, else written")
    ap.add_argument("--dump", help="write the step's results (JSON lines) here")
    ap.add_argument("--repeat", type=int, default=3, help="passes; the least CPU time is reported (the machine may be shared)")
    ap.add_argument("--profile", type=int, metavar="N", help="cProfile the step; print the top N functions")
    args = ap.parse_args()

    inputs = load_inputs(args.mb, args.seed, args.inputs)
    size = sum(len(t.encode("utf-8")) for t, _m, _c in inputs)

    # warm up on other pages: tables, OpenCC, jieba and compiled patterns are built once per
    # process, which is not what is measured
    for t, m, c in capture(generate_pages(0.05, seed=99)):
        run_one(t, m, c)

    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for t, m, c in inputs:
            run_one(t, m, c)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(args.profile)
        return

    cpu = float("inf")
    for _ in range(max(1, args.repeat)):
        # empty the caches keyed by page or sentence text, which a later pass over the same
        # pages would otherwise hit (tables and per-character caches stay: they are warm in a run)
        for name in _TEXT_CACHES:
            if hasattr(getattr(substitution, name, None), "cache_clear"):
                getattr(substitution, name).cache_clear()
        t0 = time.process_time()
        results = [run_one(t, m, c) for t, m, c in inputs]
        cpu = min(cpu, time.process_time() - t0)
    print(f"substitution: {len(inputs)} pages, {size / 1e6:.2f} MB in, {cpu:.3f} CPU s, {size / 1e6 / cpu:.1f} MB/s (CPU)")
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            for out, ctx in results:
                rec = {"text": out, "edits": ctx._edits, "flags": ctx._flags, "scores": ctx.scores, "meta_flags": ctx.meta.get("flags")}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
