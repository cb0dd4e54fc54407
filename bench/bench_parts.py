"""CPU time of the pipeline's parts, each replayed alone on the inputs it gets inside the pipeline.

``bench_pipeline.py`` prints one "(edit log etc.)" figure for everything outside the steps' runs.
This splits it and times the cheap steps precisely enough to compare two versions of the code:

0. the default pipeline runs once over the seed-derived corpus with every part timed in place
   (each step's run and recheck, ``StepContext.begin``/``finish``, ``_fix_fields``, and the rest):
   the split of ``bench_pipeline.py``'s "(edit log etc.)";
1. the default pipeline runs once more, recording what every part receives: each step's input
   text (with the metadata the step saw), the texts the ``recheck`` functions were asked about,
   and the metadata ``_fix_fields`` worked on;
2. then, ``--repeat`` times, with the caches keyed by text emptied (``TEXT_CACHES``), every cheap
   part runs alone on its recorded inputs: each step's ``StepContext.begin`` + ``run`` (its
   ``StepContext.replace``/``flag`` calls included) and its ``StepContext.finish``, each
   ``recheck``, and ``_fix_fields``. The least CPU time of the repeats is printed with the
   largest (a shared machine only ever adds time). Alone, a part runs with its code and tables
   in the CPU's caches; inside the pipeline the mojibake step has pushed them out, so step 0's
   figures are larger (by up to 2x): compare versions on either, not one against the other.

The mojibake and substitution steps (other branches' work) and the mojibake recheck
(``may_repair_again``) are not replayed: "cheap parts" is everything else.

    PYTHONPATH=src python bench/bench_parts.py --mb 2 --repeat 5
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import dataclasses
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import educorpus  # noqa: E402
from corpus_gen import generate_pages  # noqa: E402
from educorpus import cleaners, pipeline  # noqa: E402
from educorpus.document import StepContext  # noqa: E402

clock = time.process_time


def timer(acc: dict[str, float]):
    """``timed(name, fn)``: ``fn`` with its CPU time added to ``acc[name]`` on every call."""

    def timed(name, fn):
        def wrapper(*a, **k):
            t = clock()
            try:
                return fn(*a, **k)
            finally:
                acc[name] += clock() - t

        return wrapper

    return timed


@contextlib.contextmanager
def timed_pipeline(steps: tuple, timed):
    """The pipeline runs ``steps`` and times its bookkeeping (``StepContext.begin``/``finish``,
    ``_fix_fields``) through ``timed`` while the block runs."""
    patches = [
        (cleaners, "PIPELINE", steps),
        (StepContext, "begin", timed("StepContext.begin", StepContext.begin)),
        (StepContext, "finish", timed("StepContext.finish", StepContext.finish)),
        (pipeline, "_fix_fields", timed("_fix_fields", pipeline._fix_fields)),
    ]
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in patches]
    for obj, name, val in patches:
        setattr(obj, name, val)
    try:
        yield
    finally:
        for obj, name, val in saved:
            setattr(obj, name, val)
EXPENSIVE = ("mojibake", "substitution")


def split_pass(pages: list[str]) -> dict[str, float]:
    """One pass of the pipeline with every part timed in place: CPU s by part.

    "rest" is what no timer holds: ``pipeline.run``'s own loop and the timers themselves.
    """
    acc: dict[str, float] = defaultdict(float)
    timed = timer(acc)
    steps = tuple(
        dataclasses.replace(
            s, run=timed(f"run {s.name}", s.run), recheck=timed(f"recheck {s.name}", s.recheck) if s.recheck else None
        )
        for s in cleaners.PIPELINE
    )
    with timed_pipeline(steps, timed):
        t = clock()
        for p in pages:
            educorpus.clean_and_explain(p)
        total = clock() - t
    acc["rest"] = total - sum(acc.values())
    acc["total"] = total
    return acc


def record(pages: list[str]):
    """Run the pipeline once; return the recorded inputs and the CPU time of the expensive parts."""
    runs: dict[str, list] = defaultdict(list)
    rechecks: dict[str, list[str]] = defaultdict(list)
    fields: list = []
    once: dict[str, float] = defaultdict(float)

    def wrap(step):
        def run(text, ctx):
            runs[step.name].append((text, copy.deepcopy(ctx.meta), ctx.config))
            t = clock()
            out = step.run(text, ctx)
            once[f"run {step.name}"] += clock() - t
            return out

        def recheck(text):
            rechecks[step.name].append(text)
            t = clock()
            out = step.recheck(text)
            once[f"recheck {step.name}"] += clock() - t
            return out

        return dataclasses.replace(step, run=run, recheck=recheck if step.recheck else None)

    def fix_fields(chosen, ctx):
        fields.append((chosen, copy.deepcopy(ctx.meta), ctx.config))
        return original_fix(chosen, ctx)

    original, original_fix = cleaners.PIPELINE, pipeline._fix_fields
    cleaners.PIPELINE = tuple(wrap(s) for s in original)
    pipeline._fix_fields = fix_fields
    try:
        t = clock()
        for p in pages:
            educorpus.clean_and_explain(p)
        once["total"] = clock() - t
    finally:
        cleaners.PIPELINE, pipeline._fix_fields = original, original_fix
    # the recorded steps are the wrappers: give _fix_fields the real ones
    by_name = {s.name: s for s in original}
    fields = [(tuple(by_name[s.name] for s in chosen), meta, cfg) for chosen, meta, cfg in fields]
    return runs, rechecks, fields, once


# caches keyed by text (a line, a note): emptied before each repeat, so that a repeat meets the
# pages as the pipeline's one pass does, not with every line already answered (names missing from
# a version of the code are skipped)
TEXT_CACHES = (
    ("educorpus.cleaners._line_rules", "_match_short"),
    ("educorpus.cleaners.unicode", "_line_ftfy_spans"),
    ("educorpus.cleaners.pinyin", "_verdict"),
    ("educorpus.cleaners.script", "_field_in"),
    ("educorpus.cleaners.normalize", "_normalize_field"),
)


def _clear_text_caches() -> None:
    import importlib

    for module, name in TEXT_CACHES:
        fn = getattr(importlib.import_module(module), name, None)
        if fn is not None:
            fn.cache_clear()


def replay(runs, rechecks, fields) -> dict[str, float]:
    acc: dict[str, float] = defaultdict(float)
    _clear_text_caches()
    for step in cleaners.PIPELINE:
        if step.name in EXPENSIVE:
            continue
        t_run = t_fin = 0.0
        for text, meta, cfg in runs[step.name]:
            ctx = StepContext(cfg, copy.deepcopy(meta), {})
            t = clock()
            ctx.begin(step.name, text)
            step.run(text, ctx)
            t1 = clock()
            ctx.finish(1)
            t_fin += clock() - t1
            t_run += t1 - t
        acc[f"run {step.name}"] = t_run
        acc[f"finish {step.name}"] = t_fin
        if step.recheck and step.name not in EXPENSIVE:
            t = clock()
            for text in rechecks[step.name]:
                step.recheck(text)
            acc[f"recheck {step.name}"] = clock() - t
    t_fix = 0.0
    for chosen, meta, cfg in fields:
        ctx = StepContext(cfg, copy.deepcopy(meta), {})
        t = clock()
        pipeline._fix_fields(chosen, ctx)
        t_fix += clock() - t
    acc["_fix_fields"] = t_fix
    acc["cheap parts"] = sum(acc.values())
    return acc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    pages = generate_pages(args.mb, args.seed)
    mb = sum(len(p.encode()) for p in pages) / 1e6
    for p in generate_pages(0.02, seed=99):  # warm up: OpenCC, jieba, tables
        educorpus.clean_and_explain(p)
    print(f"{len(pages)} pages, {mb:.2f} MB (corpus_gen seed {args.seed})")
    split = split_pass(pages)
    outside = {k: v for k, v in split.items() if not k.startswith("run ") and k != "total"}
    print("inside the pipeline, one pass, CPU s: " + ", ".join(f"{k} {v:.3f}" for k, v in split.items()))
    print(
        f"  outside the steps' runs (bench_pipeline's '(edit log etc.)'): {sum(outside.values()):.3f}, of which "
        f"recheck mojibake {split.get('recheck mojibake', 0.0):.3f}; the rest {sum(outside.values()) - split.get('recheck mojibake', 0.0):.3f}"
    )
    cheap = split["total"] - sum(split.get(k, 0.0) for k in ("run mojibake", "run substitution", "recheck mojibake"))
    print(f"  the pipeline less mojibake (run, recheck) and substitution: {cheap:.3f}")
    _clear_text_caches()
    runs, rechecks, fields, once = record(pages)
    results = [replay(runs, rechecks, fields) for _ in range(args.repeat)]
    print(f"each part alone on its recorded inputs, CPU s: least (most) of {args.repeat}")
    for k in results[0]:
        vals = [r[k] for r in results]
        print(f"  {k:22} {min(vals):7.4f} ({max(vals):.4f})")


if __name__ == "__main__":
    main()
