"""What datasketch's in-memory MinHashLSH index costs, for comparison with dedup's numpy banding.

Inserts N random 192-permutation signatures (scheme affine32) into ``datasketch.MinHashLSH`` with
the bands and rows dedup uses (64 x 3) and prints the time and the growth of the process's RSS;
then times ``educorpus.corpus.dedup.band_candidates`` on the same signatures.

    PYTHONPATH=src python bench/bench_minhashlsh.py --records 20000
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=20000)
    ap.add_argument("--bands", type=int, default=64)
    ap.add_argument("--rows", type=int, default=3)
    args = ap.parse_args(argv)
    from datasketch import LeanMinHash, MinHashLSH

    from educorpus.corpus.dedup import band_candidates

    rng = np.random.default_rng(0)
    sigs = rng.integers(0, 2**32, (args.records, 192), dtype=np.uint64).astype(np.uint32)
    minhashes = [LeanMinHash(seed=1, hashvalues=s, scheme="affine32") for s in sigs]
    base = rss_mb()
    lsh = MinHashLSH(num_perm=192, params=(args.bands, args.rows))
    t = time.perf_counter()
    for i, m in enumerate(minhashes):
        lsh.insert(i, m, check_duplication=False)
    lsh_s = time.perf_counter() - t
    grown = rss_mb() - base
    t = time.perf_counter()
    band_candidates(sigs, args.bands, args.rows)
    band_s = time.perf_counter() - t
    n = args.records
    print(f"MinHashLSH ({args.bands} bands x {args.rows} rows): {n} inserts in {lsh_s:.1f} s, RSS +{grown:.0f} MB "
          f"({grown * 2**20 / n / 1024:.1f} KB per record)")
    print(f"numpy banding (band_candidates), same signatures: {band_s:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
