"""Why the pipeline runs more than one round, and what its own work beyond the steps costs.

``pipeline.run`` runs the steps in rounds until the text stops changing or no step's ``recheck``
says it would change the text again (see ``pipeline.MAX_ROUNDS``). This prints, on the
seed-derived corpus, in one pass of the default pipeline:

- how many pages ran 1, 2, 3 rounds, and which step's recheck asked for each extra round (the
  pipeline asks the rechecks in step order and stops at the first yes); how many extra rounds
  changed the text (a round that changes nothing adds nothing to the edit log);
- CPU s of every part, in place: each step's run in round 1 and in later rounds, each recheck
  (split by its answer), ``StepContext.begin``/``finish`` (the edit log), ``_fix_fields``, and
  the rest (``pipeline.run``'s own loop, building the ``Document``, the timers themselves);
- "beyond the steps' first runs": everything but the round-1 runs, the figure issue #10's
  ``(edit log etc.)`` line stands for, plus the later rounds' runs;
- what a build does per document besides cleaning it (``dataset.records.clean_chunk``: the
  record, its edit summary, ``Stats.add``; and ``data_row``), timed alone on the documents of
  that pass (least CPU of 5 repeats).

    PYTHONPATH=src python bench/bench_rounds.py --mb 1 [--seed 7] [--to hans|tw|none]

CPU time (``time.process_time``): the machine is shared, wall time means little.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import educorpus  # noqa: E402
from bench_parts import timed_pipeline, timer  # noqa: E402
from corpus_gen import generate_pages  # noqa: E402
from educorpus import cleaners, pipeline  # noqa: E402

clock = time.process_time


def measure(pages: list[str], to, docs: list | None = None) -> tuple[dict[str, float], Counter, Counter, int]:
    acc: dict[str, float] = defaultdict(float)
    calls: Counter = Counter()  # this document's runs per step: the round a run belongs to
    rounds: Counter = Counter()  # pages by rounds run
    why: Counter = Counter()  # extra rounds by the recheck that asked for them
    changed = 0  # extra rounds that changed the text

    def wrap(step):
        def run(text, ctx):
            calls[step.name] += 1
            r = calls[step.name]
            t = clock()
            try:
                return step.run(text, ctx)
            finally:
                acc[f"run {step.name}, round {'1' if r == 1 else '2+'}"] += clock() - t

        def recheck(text):
            t = clock()
            out = step.recheck(text)
            acc[f"recheck {step.name} -> {'yes' if out else 'no'}"] += clock() - t
            if out:
                why[step.name] += 1
            return out

        return dataclasses.replace(step, run=run, recheck=recheck if step.recheck else None)

    timed = timer(acc)
    total = 0.0
    with timed_pipeline(tuple(wrap(s) for s in cleaners.PIPELINE), timed):
        for p in pages:
            calls.clear()
            t = clock()
            doc = educorpus.clean_and_explain(p, to=to)
            total += clock() - t
            if docs is not None:
                docs.append(doc)
            n = max(calls.values())
            rounds[n] += 1
            if n > 1 and any(e.round > 1 for e in doc.edits):
                changed += 1
    acc["rest (pipeline.run, Document, timers)"] = total - sum(acc.values())
    acc["total"] = total
    return acc, rounds, why, changed


def bookkeeping(docs: list, repeat: int = 5) -> float:
    """CPU s of ``clean_chunk`` and ``data_row`` over ``docs`` with the pipeline's run taken out."""
    from educorpus.config import default_config
    from educorpus.dataset import records

    raws = [
        {"id": str(i), "text": "", "meta": {"url": f"http://s{i % 7}.example/{i}"}, "source_path": "bench",
         "raw_sha256": "0", "encoding": "utf-8", "replaced_bytes": 0}
        for i in range(len(docs))
    ]
    cfg = default_config()
    original = pipeline.run
    best = float("inf")
    try:
        for _ in range(repeat):
            ready = iter(docs)
            pipeline.run = lambda text, config, meta=None: next(ready)
            t = clock()
            out, _stats = records.clean_chunk(raws, cfg)
            for rec in out:
                records.data_row(rec, False)
            best = min(best, clock() - t)
    finally:
        pipeline.run = original
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--to", default="hans")
    args = ap.parse_args()
    to = None if args.to == "none" else args.to
    pages = generate_pages(args.mb, args.seed)
    mb = sum(len(p.encode()) for p in pages) / 1e6
    warm = generate_pages(0.02, seed=99) + [(HERE.parent / "seeds" / "000_92af0b51e8934e6d.txt").read_text(encoding="utf-8")]
    for p in warm:
        educorpus.clean_and_explain(p, to=to)
    docs: list = []
    acc, rounds, why, changed = measure(pages, to, docs)
    print(f"{len(pages)} pages, {mb:.2f} MB (corpus_gen seed {args.seed}), to={to}")
    print("pages by rounds run: " + ", ".join(f"{k}: {v}" for k, v in sorted(rounds.items())))
    print("extra rounds asked for by: " + (", ".join(f"{k} {v}" for k, v in why.most_common()) or "none"))
    print(f"pages whose later rounds changed the text: {changed}")
    print("CPU s, in place:")
    for k, v in sorted(acc.items(), key=lambda kv: -kv[1]):
        if k != "total":
            print(f"  {k:42} {v:7.3f}")
    beyond = acc["total"] - sum(v for k, v in acc.items() if k.endswith("round 1"))
    print(f"  {'total':42} {acc['total']:7.3f}")
    print(f"beyond the steps' round-1 runs: {beyond:.3f} s ({beyond / mb:.3f} s/MB)")
    book = bookkeeping(docs)
    print(f"a build's bookkeeping per document (clean_chunk, data_row; least of 5): {book:.3f} s ({book / mb:.3f} s/MB)")


if __name__ == "__main__":
    main()
