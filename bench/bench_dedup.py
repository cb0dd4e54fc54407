"""Time and peak memory of corpus-level dedup (or of all default corpus steps) on N documents.

A synthetic corpus (``educorpus.corpus.synthetic``, 30% planted copies; by default short pages
without site templates, as the cleaning steps leave them) is generated in a child process and written to a temporary JSONL file, so that the measuring
process never holds the texts: it streams the file through the step's two passes, as
``educorpus build`` streams its records, and what its memory grows by is the step's own state.

Printed: the time inside the step's ``observe``, ``finalize`` and ``apply`` calls (reading and
parsing the file excluded), wall-clock and CPU, the process's peak RSS and its growth over the RSS before the first
pass, and the step's statistics.

    PYTHONPATH=src python bench/bench_dedup.py --records 10000
    PYTHONPATH=src python bench/bench_dedup.py --records 100000
    PYTHONPATH=src python bench/bench_dedup.py --records 10000 --steps all --templates
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def generate(path: str, n: int, seed: int, paragraphs: tuple[int, int], templates: bool) -> None:
    from educorpus.corpus.synthetic import synthetic_corpus

    corpus = synthetic_corpus(n, seed=seed, paragraphs=paragraphs, templates=templates)
    with open(path, "w", encoding="utf-8") as f:
        for r in corpus.records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def stream(path: str):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--paragraphs", default="1,2", help="min,max paragraphs per article (default 1,2: short pages)")
    ap.add_argument("--steps", choices=("dedup", "all"), default="dedup", help="dedup alone, or all default corpus steps")
    ap.add_argument("--templates", action="store_true",
                    help="pages carry their site's header and footer (default: text as the cleaning steps leave it)")
    ap.add_argument("--generate", metavar="PATH", help=argparse.SUPPRESS)  # child process mode
    args = ap.parse_args(argv)
    paragraphs = tuple(int(x) for x in args.paragraphs.split(","))
    if args.generate:
        generate(args.generate, args.records, args.seed, paragraphs, args.templates)
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "corpus.jsonl")
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--generate", path, "--records", str(args.records), "--seed", str(args.seed),
             "--paragraphs", args.paragraphs] + (["--templates"] if args.templates else []),
            check=True,
        )
        gen_s = time.perf_counter() - t0
        size = os.path.getsize(path)
        chars = n = 0
        for r in stream(path):
            chars += len(r["text"])
            n += 1

        from educorpus.corpus import default_steps
        from educorpus.corpus.dedup import Dedup

        steps = [Dedup()] if args.steps == "dedup" else default_steps()
        base = rss_mb()
        timings: dict[str, dict[str, float]] = {}
        current = path
        for k, step in enumerate(steps):
            t = {"observe": 0.0, "finalize": 0.0, "apply": 0.0, "cpu": 0.0}
            for r in stream(current):
                s, c = time.perf_counter(), time.process_time()
                step.observe(r)
                t["observe"] += time.perf_counter() - s
                t["cpu"] += time.process_time() - c
            s, c = time.perf_counter(), time.process_time()
            stats = step.finalize()
            t["finalize"] = time.perf_counter() - s
            t["cpu"] += time.process_time() - c
            excluded = 0
            # the records a step keeps (with its changes) are what the next step reads
            following = str(Path(tmp) / f"after-{k}.jsonl")
            with open(following, "w", encoding="utf-8") as out:
                for r in stream(current):
                    s, c = time.perf_counter(), time.process_time()
                    result = step.apply(r)
                    t["apply"] += time.perf_counter() - s
                    t["cpu"] += time.process_time() - c
                    if isinstance(result, dict):
                        out.write(json.dumps(result, ensure_ascii=False) + "\n")
                    else:
                        excluded += 1
            current = following
            timings[step.name] = t
            brief = {k: v for k, v in stats.items() if not k.startswith("listed") and k != "learned_lines_per_site"}
            print(f"{step.name}: excluded {excluded}; {json.dumps(brief, ensure_ascii=False)}")
        peak = peak_rss_mb()

    print(f"corpus: {n} records, {chars / n:.0f} characters per record on average ({size / 2**20:.1f} MB of JSONL), "
          f"generated in {gen_s:.1f} s")
    total = cpu = 0.0
    for name, t in timings.items():
        step_total = t["observe"] + t["finalize"] + t["apply"]
        total += step_total
        cpu += t["cpu"]
        print(f"{name}: {step_total:.1f} s (observe {t['observe']:.1f}, finalize {t['finalize']:.1f}, apply {t['apply']:.1f}); "
              f"CPU {t['cpu']:.1f} s; {n / step_total:,.0f} records/s")
    print(f"time in the steps: {total:.1f} s wall, {cpu:.1f} s CPU (on a shared machine, wall time includes waiting)")
    print(f"memory: peak RSS {peak:.0f} MB, {peak - base:.0f} MB above the {base:.0f} MB before the first pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
