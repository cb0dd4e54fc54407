"""Throughput of the cleaning pipeline on the seed-derived corpus (``bench/corpus_gen.py``).

Prints, in one run:

- MB/s of every step, each timed on the text it actually receives inside the pipeline (CPU time
  of this process; the rest of the pipeline's time is the edit log and the round logic);
- the whole default pipeline (``educorpus.clean_and_explain``), one process, wall and CPU time;
- the same on N processes through ``educorpus.engines.map_ordered`` (engine ``local``), with the
  speed-up over one process: measured over the cleaning window (workers are warmed up first, so
  process start and the one-off loading of jieba/OpenCC are not counted; the wall time including
  them is printed too), and each worker's CPU time;
- optionally (``--ray``) the Ray engine on the same input, measured the same way;
- the naive chain a user would otherwise write (``ftfy.fix_text`` with defaults, OpenCC ``t2s``,
  ``jieba.lcut``) on the same input, and the ratio;
- ceilings: what the pipeline would reach (MB/s, and against the naive chain) if the ``mojibake``
  step cost nothing, and if only the five other light steps were left (``mojibake``,
  ``substitution`` and the pipeline's own work all free), read off this run's per-step CPU;
- peak RSS, the machine (CPU model, cores) and its load average before and after (the machine
  may be shared, so CPU time, which load disturbs less than wall time, is printed as well).

    PYTHONPATH=src python bench/bench_pipeline.py                    # 4 MB, 2 processes
    PYTHONPATH=src python bench/bench_pipeline.py --mb 8 --num-proc 2 --ray --write
    PYTHONPATH=src python bench/bench_pipeline.py --profile 30       # cProfile, top 30 functions

MB are 10**6 bytes of UTF-8 input. ``--write`` appends the printed report to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import platform
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))
# worker processes (spawned pool, Ray workers) import educorpus and corpus_gen the same way
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(HERE.parent / "src"), str(HERE)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])
)

import educorpus  # noqa: E402
from corpus_gen import generate_pages  # noqa: E402

_WARM = False


def _warm_up() -> None:
    """Build the heavy objects of this process (OpenCC, jieba, tables) before timing."""
    global _WARM
    if not _WARM:
        # seed 000 too: its mojibake runs build the search's tables, which pages without damage
        # never touch (else the first damaged page in the timed run pays for them)
        pages = generate_pages(0.02, seed=99) + [(HERE.parent / "seeds" / "000_92af0b51e8934e6d.txt").read_text(encoding="utf-8")]
        for p in pages:
            educorpus.clean_and_explain(p)
        _WARM = True


def clean_pages(pages: list[str]) -> tuple[list[str], float, float, float, int]:
    """Worker function: (digests of the cleaned texts, start, end, CPU seconds, pid)."""
    _warm_up()
    start, cpu = time.time(), time.process_time()
    out = [hashlib.blake2b(educorpus.clean_and_explain(p).text.encode(), digest_size=8).hexdigest() for p in pages]
    return out, start, time.time(), time.process_time() - cpu, os.getpid()


def _chunks(pages: list[str], n: int) -> list[list[str]]:
    return [pages[i : i + n] for i in range(0, len(pages), n)]


def machine() -> str:
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}; {os.cpu_count()} logical cores; Python {platform.python_version()}; {platform.system()} {platform.release()}"


def per_step(pages: list[str]) -> tuple[dict, float]:
    """Time every step on the text it receives: {step: [bytes, cpu seconds, calls]}, total CPU."""
    from educorpus import cleaners

    acc: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0])
    original = cleaners.PIPELINE

    def timed(step):
        def run(text, ctx):
            a = acc[step.name]
            a[0] += len(text.encode("utf-8"))
            a[2] += 1
            t = time.process_time()
            out = step.run(text, ctx)
            a[1] += time.process_time() - t
            return out

        return dataclasses.replace(step, run=run)

    cleaners.PIPELINE = tuple(timed(s) for s in original)
    try:
        t = time.process_time()
        for p in pages:
            educorpus.clean_and_explain(p)
        total = time.process_time() - t
    finally:
        cleaners.PIPELINE = original
    return dict(acc), total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=4.0, help="input size in MB (default 4)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--num-proc", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=16, help="pages per task sent to a worker")
    ap.add_argument("--ray", action="store_true", help="also measure the Ray engine (local Ray with --num-proc CPUs)")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--profile", type=int, metavar="N", help="only cProfile the single-process pipeline; print the top N functions")
    ap.add_argument("--write", action="store_true", help="append the report to bench/RESULTS.md")
    args = ap.parse_args()

    lines: list[str] = []

    def say(s: str = "") -> None:
        print(s, flush=True)
        lines.append(s)

    load0 = os.getloadavg()
    pages = generate_pages(args.mb, args.seed)
    nbytes = sum(len(p.encode("utf-8")) for p in pages)
    mb = nbytes / 1e6
    _warm_up()

    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for p in pages:
            educorpus.clean_and_explain(p)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(args.profile)
        return

    say(f"machine: {machine()}")
    say(f"input: {len(pages):,} pages, {mb:.2f} MB (corpus_gen seed {args.seed}); steps: {', '.join(educorpus.STEPS)}")

    # per step
    acc, total_instr = per_step(pages)
    say("")
    say(f"{'step':14} {'MB in':>8} {'CPU s':>8} {'MB/s':>8}")
    for name, (b, s, _calls) in acc.items():
        say(f"{name:14} {b / 1e6:8.2f} {s:8.2f} {b / 1e6 / s if s else float('inf'):8.1f}")
    steps_cpu = sum(s for _b, s, _c in acc.values())
    say(f"{'(edit log etc.)':14} {'':>8} {total_instr - steps_cpu:8.2f}")

    # whole pipeline, one process
    w, c = time.perf_counter(), time.process_time()
    ref = clean_pages(pages)[0]
    wall1, cpu1 = time.perf_counter() - w, time.process_time() - c
    say("")
    say(f"pipeline, 1 process: {mb / wall1:.2f} MB/s wall ({wall1:.2f} s), {mb / cpu1:.2f} MB/s CPU ({cpu1:.2f} s)")

    from educorpus.engines import map_ordered

    # the workers' function, imported from this file as a module: a function of ``__main__`` is
    # pickled by value for Ray, globals and all, so each task would start with its own cold
    # ``_WARM`` and warm up again inside the timed window
    import bench_pipeline

    def engine_run(engine: str) -> float:
        t = time.perf_counter()
        results = list(map_ordered(bench_pipeline.clean_pages, _chunks(pages, args.chunk), engine=engine, num_proc=args.num_proc, batch_size=1))
        total_wall = time.perf_counter() - t
        digests = [d for r in results for d in r[0]]
        same = "identical to" if digests == ref else "DIFFERENT FROM"
        window = max(r[2] for r in results) - min(r[1] for r in results)
        cpu_by_pid: dict[int, float] = defaultdict(float)
        for r in results:
            cpu_by_pid[r[4]] += r[3]
        cpus = ", ".join(f"{v:.2f}" for v in sorted(cpu_by_pid.values(), reverse=True))
        # wall time inside tasks over workers x window: what the engine leaves idle (gaps between
        # tasks, a worker starting late, the tail), which other load on the machine moves little,
        # unlike the window itself
        busy = sum(r[2] - r[1] for r in results) / (len(cpu_by_pid) * window)
        say(
            f"pipeline, {args.num_proc} processes ({engine}): {mb / window:.2f} MB/s over the cleaning window "
            f"({window:.2f} s), speed-up x{wall1 / window:.2f} over 1 process; {mb / total_wall:.2f} MB/s "
            f"including start-up ({total_wall:.2f} s); CPU s per worker: {cpus}; workers busy {busy:.0%} of the window; "
            f"output {same} 1 process"
        )
        return window

    local_window = engine_run("local")
    if args.ray:
        ray_window = engine_run("ray")
        say(f"ray vs local: throughput x{local_window / ray_window:.2f}")

    if not args.no_baseline:
        import ftfy
        import jieba
        import opencc

        t2s = opencc.OpenCC("t2s")
        jieba.initialize()
        w, c = time.perf_counter(), time.process_time()
        for p in pages:
            jieba.lcut(t2s.convert(ftfy.fix_text(p)))
        wallb, cpub = time.perf_counter() - w, time.process_time() - c
        say(
            f"naive chain (ftfy.fix_text + OpenCC t2s + jieba.lcut), 1 process: {mb / wallb:.2f} MB/s wall, "
            f"{mb / cpub:.2f} MB/s CPU; educorpus / naive = x{cpub / cpu1:.2f} (CPU), x{wallb / wall1:.2f} (wall)"
        )

    # Ceilings from the per-step CPU above: no speed-up of the named parts can do better than this
    # (issue #10 asks for 8 MB/s and 3x the naive chain; these say what that would take).
    moji = acc.get("mojibake", (0, 0.0, 0))[1]
    light = sum(s for name, (_b, s, _c) in acc.items() if name not in ("mojibake", "substitution"))
    for what, cpu in (
        ("if the mojibake step cost nothing", total_instr - moji),
        ("if mojibake, substitution and the edit log cost nothing (the light steps alone)", light),
    ):
        cpu = cpu1 * cpu / total_instr  # the timed run's scale (the per-step run pays for its timers)
        versus = f", x{cpub / cpu:.2f} the naive chain" if not args.no_baseline else ""
        say(f"ceiling {what}: {mb / cpu:.2f} MB/s CPU{versus}")

    load1 = os.getloadavg()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    say(f"peak RSS: {rss:.0f} MiB (this process, holding the input), largest worker {rss_child:.0f} MiB")
    say(f"load average (1/5/15 min): before {load0[0]:.2f}/{load0[1]:.2f}/{load0[2]:.2f}, after {load1[0]:.2f}/{load1[1]:.2f}/{load1[2]:.2f}")

    if args.write:
        cmd = "PYTHONPATH=src python bench/bench_pipeline.py " + " ".join(sys.argv[1:])
        stamp = time.strftime("%Y-%m-%d %H:%M")
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write(f"\n## {stamp}: `{cmd}`\n\n```\n" + "\n".join(lines) + "\n```\n")


if __name__ == "__main__":
    main()
