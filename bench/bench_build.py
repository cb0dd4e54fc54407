"""Benchmark ``educorpus build``: records/s and peak memory on a generated corpus of N MB.

The corpus comes from ``bench/corpus_gen.py`` (seed-derived pages with variation and the seeds'
kinds of damage, a unique notice line per page), written as JSON Lines shards with ``url`` fields on 50 sites. Every build runs in
a fresh process that reports its own peak RSS (and the largest worker's, with ``--num-proc``).

    PYTHONPATH=src python bench/bench_build.py --mb 40
    PYTHONPATH=src python bench/bench_build.py --mb 200 --mb 40 --steps exact-hash

``--no-clean`` runs no cleaning step, to measure the build's own overhead. ``--steps default`` runs the default corpus steps, ``none`` none, ``exact-hash`` one small
test step that keeps an 8-byte hash per record between its passes (it exercises the disk spill).
Prints one line per size and, with two sizes, how time and peak RSS grew.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_gen import iter_pages  # noqa: E402

SHARD_BYTES = 50 << 20

WRAPPER = r"""
import hashlib, json, resource, sys, time
from educorpus import build_dataset
from educorpus.corpus import CorpusStep, Exclusion

class ExactHash(CorpusStep):
    name = "exact-hash"
    description = "bench: drop exact duplicates of the cleaned text (8-byte hash per record)"
    def __init__(self):
        self.first = {}
    def observe(self, rec):
        self.first.setdefault(hashlib.blake2b(rec["text"].encode(), digest_size=8).digest(), rec["id"])
    def finalize(self):
        return {"distinct": len(self.first)}
    def apply(self, rec):
        kept = self.first[hashlib.blake2b(rec["text"].encode(), digest_size=8).digest()]
        return rec if kept == rec["id"] else Exclusion("exact-duplicate", {"kept": kept})

corpus, out, num_proc, steps, no_clean = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5] == "1"
chosen = None if steps == "default" else [] if steps == "none" else [ExactHash()]
from educorpus import CleanConfig
config = CleanConfig(only=()) if no_clean else None
t = time.perf_counter()
path = build_dataset([corpus], out, "bench", version="0.1.0", num_proc=num_proc, corpus_steps=chosen, progress=False, config=config)
seconds = time.perf_counter() - t
m = json.loads((path / "manifest.json").read_text())
print(json.dumps({
    "seconds": seconds,
    "raw_records": m["counts"]["raw_records"],
    "records": m["counts"]["records"],
    "exclusions": m["counts"]["exclusions"],
    "characters": m["counts"]["characters"],
    "corpus_steps": m["corpus_steps"],
    "output_bytes": sum(f["bytes"] for f in m["files"]),
    "peak_rss_main_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "peak_rss_worker_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def generate(folder: Path, mb: float, seed: int = 7) -> tuple[int, int]:
    """Write JSON Lines shards of about ``mb`` MB in total; returns (pages, bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    pages_iter = iter_pages(seed)
    target = int(mb * (1 << 20))
    written = pages = shard = 0
    fh = None
    while written < target:
        if fh is None or fh.tell() >= SHARD_BYTES:
            if fh:
                fh.close()
            fh = open(folder / f"pages-{shard:04d}.jsonl", "w", encoding="utf-8")
            shard += 1
        text = next(pages_iter)
        line = json.dumps({"text": text, "url": f"http://www.school{pages % 50}.edu.cn/news/{pages}.html"}, ensure_ascii=False) + "\n"
        fh.write(line)
        written += len(line.encode("utf-8"))
        pages += 1
    fh.close()
    return pages, written


def run_build(corpus: Path, out: Path, num_proc: int, steps: str, no_clean: bool = False) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    argv = [sys.executable, "-c", WRAPPER, str(corpus), str(out), str(num_proc), steps, "1" if no_clean else "0"]
    r = subprocess.run(argv, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise SystemExit(f"build failed with exit status {r.returncode}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, action="append", help="corpus size in MB (repeat for a growth comparison; default 40)")
    ap.add_argument("--num-proc", type=int, default=1)
    ap.add_argument("--steps", choices=["default", "none", "exact-hash"], default="default")
    ap.add_argument("--no-clean", action="store_true", help="run no cleaning step (only=()): measures the build's own reading, spilling and writing")
    ap.add_argument("--workdir", help="where to generate and build (default: a temporary folder, removed afterwards)")
    args = ap.parse_args()
    sizes = args.mb or [40.0]
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="educorpus-bench-"))
    results = []
    try:
        for mb in sizes:
            corpus = work / f"corpus-{mb:g}mb"
            t = time.perf_counter()
            pages, nbytes = generate(corpus, mb)
            gen = time.perf_counter() - t
            out = work / f"dist-{mb:g}mb"
            shutil.rmtree(out, ignore_errors=True)
            r = run_build(corpus, out, args.num_proc, args.steps, args.no_clean)
            r.update(mb=nbytes / (1 << 20), pages=pages)
            results.append(r)
            print(
                f"{r['mb']:.1f} MB, {pages:,} pages (generated in {gen:.1f} s): built in {r['seconds']:.1f} s = "
                f"{r['raw_records'] / r['seconds']:,.0f} records/s, {r['mb'] / r['seconds']:.2f} MB/s; "
                f"{r['records']:,} records + {r['exclusions']:,} exclusions, output {r['output_bytes'] / (1 << 20):.1f} MB; "
                f"peak RSS {r['peak_rss_main_mib']:.0f} MiB (largest worker {r['peak_rss_worker_mib']:.0f} MiB); "
                f"num_proc={args.num_proc}, corpus steps {r['corpus_steps'] or 'none'}"
                + (", no cleaning steps" if args.no_clean else ""),
                flush=True,
            )
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(corpus, ignore_errors=True)
        if len(results) >= 2:
            small, big = min(results, key=lambda r: r["mb"]), max(results, key=lambda r: r["mb"])
            print(
                f"growth {small['mb']:.0f} → {big['mb']:.0f} MB (x{big['mb'] / small['mb']:.1f}): time x{big['seconds'] / small['seconds']:.2f}, "
                f"peak RSS {small['peak_rss_main_mib']:.0f} → {big['peak_rss_main_mib']:.0f} MiB "
                f"(x{big['peak_rss_main_mib'] / small['peak_rss_main_mib']:.2f})"
            )
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
