#!/usr/bin/env python3
"""CPU of the ``mojibake`` step's search, old code against new, in one process.

On a shared machine the CPU time of one run varies far more than a speed change does (the
same code on the same 1 MB took 2.9 to 5.3 CPU seconds in separate runs on 2026-12-03: the two
logical cores are shared with other work). Here both versions run in one process, page by page,
alternating which goes first, so both see the same load; the spans they return are compared.

What is swapped: ``educorpus/cleaners/mojibake.py``, the byte lattice it imports
(``educorpus/cleaners/_redecode.py``) and the scoring methods of ``educorpus/charstats.py``
(``WordStats.score``, ``CharStats.score``, ``known_pairs``, ``script_counts``: the methods are
swapped on the shared instances), taken from ``--base`` (a checkout of the old code); everything
else (the statistics' tables and caches, ``_big5``) is the current code's, shared by both.
``_big5``'s cache of windows is emptied before every call so that neither reuses the other's.

    git worktree add /tmp/base <old commit>
    PYTHONPATH=src python bench/ab_mojibake.py --base /tmp/base --mb 1
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # (dataclasses look their module up while it loads)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True, help="checkout of the old code (its src/ is read)")
    ap.add_argument("--mb", type=float, default=1.0, help="size of the corpus_gen corpus")
    ap.add_argument(
        "--split",
        action="store_true",
        help="also split each version's CPU by what its search (_best_repair) ends in: a repair, or a cluster left alone",
    )
    ap.add_argument(
        "--cleaned",
        action="store_true",
        help="search the pipeline's output instead of the raw pages (what the pipeline's recheck searches)",
    )
    ap.add_argument(
        "--warm",
        action="store_true",
        help="search each page once with both versions, untimed, before timing them (see below)",
    )
    args = ap.parse_args()

    from corpus_gen import generate_pages

    from educorpus import charstats as current_stats
    from educorpus.cleaners import _big5
    from educorpus.cleaners import mojibake as new

    src = Path(args.base) / "src" / "educorpus"
    # the old step reads the old lattice: its module stands in for the current one while the old
    # step is imported (``from ._redecode import ...`` binds the names then)
    here = sys.modules["educorpus.cleaners._redecode"]
    sys.modules["educorpus.cleaners._redecode"] = _load("educorpus.cleaners._redecode_base", src / "cleaners" / "_redecode.py")
    try:
        old = _load("educorpus.cleaners.mojibake_base", src / "cleaners" / "mojibake.py")
    finally:
        sys.modules["educorpus.cleaners._redecode"] = here
    old_stats = _load("educorpus.charstats_base", src / "charstats.py")
    old_stats.charstats = current_stats.charstats  # one CharStats for both (its class is shared)
    swapped = [(current_stats.WordStats, "score"), (current_stats.CharStats, "score"),
               (current_stats.CharStats, "known_pairs"), (current_stats.CharStats, "script_counts")]
    methods = {
        old: [getattr(getattr(old_stats, cls.__name__), name) for cls, name in swapped],
        new: [getattr(cls, name) for cls, name in swapped],
    }

    def use(m) -> None:
        for (cls, name), f in zip(swapped, methods[m]):
            setattr(cls, name, f)

    pages = generate_pages(args.mb)
    if args.cleaned:
        import educorpus

        pages = [educorpus.clean(p) for p in pages]
    split = {old: [0.0, 0.0, 0, 0], new: [0.0, 0.0, 0, 0]}  # CPU repaired, left alone; their calls
    recording = [True]
    if args.split:
        for m in (old, new):
            def timed(*a, _m=m, _search=m._best_repair, **k):
                t = time.process_time()
                cand = _search(*a, **k)
                if recording[0]:
                    left = cand is None or not _m._accept(cand)
                    split[_m][left] += time.process_time() - t
                    split[_m][2 + left] += 1
                return cand

            m._best_repair = timed
    for m in (old, new):  # tables built outside the timing, for both
        use(m)
        for p in pages[:5]:
            m.repair_spans(p)
    cpu = {old: 0.0, new: 0.0}
    split[old][:] = split[new][:] = [0.0, 0.0, 0, 0]
    differ = 0
    for i, page in enumerate(pages):
        spans = {}
        if args.warm:
            # the caches the two versions share (the character statistics' pair and unigram
            # caches) would otherwise favour whichever runs second on the page: when the pages
            # that hold one kind of cluster fall mostly on even (or odd) indices, alternating the
            # order does not cancel that out for --split
            recording[0] = False
            for m in (old, new):
                use(m)
                _big5._CACHE.clear()
                m.repair_spans(page)
            recording[0] = True
        for m in (old, new) if i % 2 == 0 else (new, old):
            use(m)
            _big5._CACHE.clear()
            t = time.process_time()
            spans[m] = m.repair_spans(page)
            cpu[m] += time.process_time() - t
        differ += spans[old] != spans[new]
    use(new)
    size = sum(len(p.encode("utf-8")) for p in pages) / 1e6
    print(f"{len(pages)} pages, {size:.2f} MB; repair_spans CPU s: old {cpu[old]:.2f}, new {cpu[new]:.2f}"
          f" (new/old {cpu[new] / cpu[old]:.3f}); pages whose spans differ: {differ}")
    if args.split:
        (ro, lo, nro, nlo), (rn, ln, nrn, nln) = split[old], split[new]
        print(f"  searches that end in a repair: old {ro:.2f} ({nro} calls), new {rn:.2f} ({nrn}) (new/old {rn / max(ro, 1e-9):.3f})")
        print(f"  searches that leave their cluster alone: old {lo:.2f} ({nlo}), new {ln:.2f} ({nln}) (new/old {ln / max(lo, 1e-9):.3f})")


if __name__ == "__main__":
    main()
