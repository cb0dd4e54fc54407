"""The slowest pages, not the average: per-page CPU time and peak memory (issue #10).

A corpus of millions of web pages holds some pathological ones; one page that takes minutes or
gigabytes stalls the worker that holds its chunk (the local engine and Ray hand pages out in
chunks) or kills it. This prints, in one run:

(a) the seed-derived corpus (``bench/corpus_gen.py``), page by page: CPU seconds per page and per
    KB at p50/p90/p99/max, and the slowest pages with what makes them slow (the step that took
    the time, the mojibake clusters ``find_clusters`` sees, the size), and the largest growth of
    peak RSS one page caused;
(b) adversarial pages built here from ``seeds/`` (nothing is downloaded), each cleaned at a size
    and at twice that size, each in a forked child (so that one page's memory does not hide the
    next's, and a page that runs away is stopped at ``--timeout``): CPU seconds, seconds per MB,
    the growth of peak RSS over the child's start, and the growth of CPU time when the page
    doubles (2.0 is linear; a ratio well above 2 is super-linear).

Peak RSS is the kernel's high-water mark (``VmHWM``), reset before each page by writing 5 to
``/proc/self/clear_refs`` (Linux). CPU time is ``time.process_time`` (the machine may be shared).

    PYTHONPATH=src python bench/bench_tail.py                       # corpus 4 MB, every adversarial page
    PYTHONPATH=src python bench/bench_tail.py --mb 1 --kinds gbk_shift_runs utf8_as_gbk
    PYTHONPATH=src python bench/bench_tail.py --no-corpus --size 0.1 --profile utf8_as_gbk
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import os
import pstats
import re
import signal
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

import educorpus  # noqa: E402
from corpus_gen import generate_pages  # noqa: E402

SEEDS = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))}
ALL_SEEDS = "\n".join(SEEDS.values())


# ------------------------------------------------------------------------------------ measuring


def _status(key: str) -> int:
    m = re.search(key + r":\s+(\d+)", Path("/proc/self/status").read_text())
    return int(m.group(1)) * 1024 if m else 0


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class StepTimer:
    """Wraps each pipeline step's ``run`` to add its CPU time into ``self.cpu`` (per step name)."""

    def __init__(self) -> None:
        from educorpus import cleaners

        self.cpu: dict[str, float] = defaultdict(float)
        self._cleaners = cleaners
        self._original = cleaners.PIPELINE

    def __enter__(self) -> "StepTimer":
        def timed(step):
            def run(text, ctx):
                t = time.process_time()
                try:
                    return step.run(text, ctx)
                finally:
                    self.cpu[step.name] += time.process_time() - t

            def recheck(text):
                t = time.process_time()
                try:
                    return step.recheck(text)
                finally:
                    self.cpu[step.name + " recheck"] += time.process_time() - t

            return dataclasses.replace(step, run=run, recheck=recheck if step.recheck else None)

        self._cleaners.PIPELINE = tuple(timed(s) for s in self._original)
        return self

    def __exit__(self, *exc) -> None:
        self._cleaners.PIPELINE = self._original


def measure(text: str) -> dict:
    """Clean ``text`` once: CPU seconds, per-step CPU, peak RSS growth (bytes), rounds."""
    have_peak = _reset_peak()
    rss0 = _status("VmRSS")
    with StepTimer() as timer:
        c0 = time.process_time()
        doc = educorpus.clean_and_explain(text)
        cpu = time.process_time() - c0
    peak = _status("VmHWM") - rss0 if have_peak else -1
    rounds = max((e.round for e in doc.edits), default=1)
    return {"cpu": cpu, "steps": dict(timer.cpu), "peak": peak, "rounds": rounds, "out": len(doc.text)}


def clusters_of(text: str) -> int:
    from educorpus.cleaners.mojibake import find_clusters

    return len(find_clusters(text))


def _warm_up() -> None:
    # OpenCC, jieba and the search's tables are built once per process: not any page's cost
    for s in SEEDS.values():
        educorpus.clean_and_explain(s)
    for p in generate_pages(0.02, seed=99):
        educorpus.clean_and_explain(p)


# ------------------------------------------------------------------------------ (a) the corpus


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def corpus_tail(mb: float, seed: int, top: int, say) -> float:
    pages = generate_pages(mb, seed)
    rows = []
    for i, p in enumerate(pages):
        m = measure(p)
        kb = len(p.encode("utf-8")) / 1000
        rows.append((i, kb, m))
    total_mb = sum(kb for _i, kb, _m in rows) / 1000
    total_cpu = sum(m["cpu"] for _i, _kb, m in rows)
    secs = [m["cpu"] for _i, _kb, m in rows]
    per_kb = [m["cpu"] / kb for _i, kb, m in rows]
    say(f"(a) corpus_gen --mb {mb} --seed {seed}: {len(rows)} pages, {total_mb:.2f} MB, {total_cpu:.2f} CPU s "
        f"({total_mb / total_cpu:.2f} MB/s, {total_cpu / total_mb:.2f} s/MB)")
    say(f"{'':14} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8}")
    say(f"{'s per page':14} " + " ".join(f"{pct(secs, q):8.4f}" for q in (0.5, 0.9, 0.99, 1.0)))
    say(f"{'ms per KB':14} " + " ".join(f"{1000 * pct(per_kb, q):8.3f}" for q in (0.5, 0.9, 0.99, 1.0)))
    say(f"{'page KB':14} " + " ".join(f"{pct([kb for _i, kb, _m in rows], q):8.1f}" for q in (0.5, 0.9, 0.99, 1.0)))
    peaks = [m["peak"] for _i, _kb, m in rows]
    if min(peaks) >= 0:
        say(f"peak RSS growth by one page: p50 {pct(peaks, 0.5) / 2**20:.1f} MiB, max {max(peaks) / 2**20:.1f} MiB")
    say(f"{top} slowest pages:")
    say(f"{'page':>5} {'KB':>6} {'CPU s':>7} {'ms/KB':>6} {'clusters':>8} {'rounds':>6}  slowest steps (CPU s)")
    for i, kb, m in sorted(rows, key=lambda r: -r[2]["cpu"])[:top]:
        steps = sorted(m["steps"].items(), key=lambda kv: -kv[1])[:3]
        say(f"{i:5d} {kb:6.1f} {m['cpu']:7.3f} {1000 * m['cpu'] / kb:6.2f} {clusters_of(pages[i]):8d} {m['rounds']:6d}  "
            + ", ".join(f"{k} {v:.3f}" for k, v in steps))
    return total_cpu / total_mb


# ---------------------------------------------------------------------- (b) adversarial pages


def _fill(unit: str, nbytes: int) -> str:
    """``unit`` repeated (or cut) to ``nbytes`` bytes of UTF-8, cut at a character."""
    n = nbytes // max(1, len(unit.encode("utf-8"))) + 1
    return (unit * n).encode("utf-8")[:nbytes].decode("utf-8", "ignore")


def _seed000_runs() -> list[str]:
    # the GBK byte-misalignment runs of seed 000, as corpus_gen copies them
    from corpus_gen import _MOJIBAKE_RUN

    return _MOJIBAKE_RUN.findall(SEEDS["000"])


def _garbled(encoding: str, decoding: str) -> str:
    """The seeds' text encoded with ``encoding`` and decoded with ``decoding`` wholesale."""
    return ALL_SEEDS.encode(encoding, "replace").decode(decoding, "replace")


def _protected_traditional() -> str:
    """Every protected term of the script step (converted to traditional), each in a short line."""
    from educorpus.cleaners import script

    terms = list(script.protected_terms())
    # each term in a sentence of its own, converted as the script step converts a simplified page
    return "\n".join(script.convert_script(f"我们的{t}很好，大家都知道。", "s2t") for t in terms)


def _pinyin_notes() -> str:
    from corpus_gen import _PINYIN_NOTE

    notes = [m.group(0) for m in _PINYIN_NOTE.finditer(SEEDS["000"])]
    return "".join(notes) + "。"


def _no_punct_line() -> str:
    # the seeds' Han characters only: one line with no punctuation, no space, no ASCII
    return "".join(ch for ch in ALL_SEEDS if "\u4e00" <= ch <= "\u9fff")


def _kinds() -> dict:
    """name -> (function of a size in bytes -> text, what it is)."""
    runs = _seed000_runs()
    return {
        "big_page": (lambda n: _fill("\n\n".join(generate_pages(n / 1e6, seed=5)), n), "corpus pages joined into one page"),
        "no_punct_line": (lambda n: _fill(_no_punct_line(), n), "one line of Han characters, no punctuation"),
        "gbk_shift_runs": (lambda n: _fill("".join(runs), n), "seed 000's gbk-shift runs, back to back"),
        "gbk_shift_lines": (lambda n: _fill("\n".join(runs) + "\n", n), "seed 000's gbk-shift runs, one a line"),
        "utf8_as_gbk": (lambda n: _fill(_garbled("utf-8", "gbk"), n), "the seeds as UTF-8 decoded as GBK"),
        "utf8_as_cp950": (lambda n: _fill(_garbled("utf-8", "cp950"), n), "the seeds as UTF-8 decoded as CP950"),
        "gbk_as_cp950": (lambda n: _fill(_garbled("gbk", "cp950"), n), "the seeds as GBK decoded as CP950"),
        "big5_as_gbk": (lambda n: _fill(_garbled("cp950", "gbk"), n), "the seeds as CP950 decoded as GBK"),
        "ampersands": (lambda n: _fill("教育" + "&&" * 50 + "平台\n", n), "runs of && between Han text"),
        "ampersand_line": (lambda n: "教育" + _fill("&&", n) + "平台", "one run of && the size of the page"),
        "pinyin_notes": (lambda n: _fill(_pinyin_notes(), n), "seed 000's pinyin notes, back to back"),
        "protected_trad": (lambda n: _fill(_protected_traditional() + "\n", n), "traditional lines with every protected term"),
        "short_lines": (lambda n: _fill("教育部\n", n), "lines of three characters"),
        "han_question": (lambda n: _fill("教?", n), "教? repeated (a lost byte after every character)"),
        "replacement": (lambda n: _fill("教育\ufffd\ufffd局锟斤拷", n), "U+FFFD and 锟斤拷 among Han text"),
        "rare_han": (lambda n: _fill("鱻龘靐齉爩", n), "rare Han characters only"),
        "private_use": (lambda n: _fill("教育\ue000\ue123局", n), "private-use characters among Han text"),
    }


def _child(fn, nbytes: int, wfd: int, profile: int) -> None:
    text = fn(nbytes)
    size = len(text.encode("utf-8"))
    prof = cProfile.Profile() if profile else None
    if prof:
        prof.enable()
    m = measure(text)
    if prof:
        prof.disable()
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(profile)
        print(s.getvalue(), file=sys.stderr)
    os.write(wfd, repr((size, m["cpu"], m["peak"], m["rounds"], sorted(m["steps"].items(), key=lambda kv: -kv[1])[:2])).encode())
    os._exit(0)


def run_kind(fn, nbytes: int, timeout: float, profile: int) -> tuple:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            _child(fn, nbytes, w, profile)
        finally:
            os._exit(1)
    os.close(w)
    deadline = time.time() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.time() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(r)
            return None
        time.sleep(0.05)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.close(r)
    return eval(data.decode()) if data else None  # our own child's repr of numbers and names


def adversarial(size_mb: float, kinds: list[str], timeout: float, corpus_s_per_mb: float, profile: int, say) -> None:
    table = _kinds()
    say(f"(b) adversarial pages at {size_mb:g} MB and {2 * size_mb:g} MB (forked child each, timeout {timeout:g} s):")
    say(f"{'kind':16} {'MB':>6} {'CPU s':>8} {'s/MB':>8} {'x corpus':>8} {'peak MiB':>8} {'rounds':>6} {'x2 growth':>9}  top step")
    for name in kinds:
        fn, _what = table[name]
        prev = None
        for mult in (1, 2):
            res = run_kind(fn, int(size_mb * mult * 1e6), timeout, profile if mult == 1 else 0)
            if res is None:
                say(f"{name:16} {size_mb * mult:6.2f} {'> ' + str(int(timeout)):>8}  (stopped)")
                break
            size, cpu, peak, rounds, steps = res
            mb = size / 1e6
            spm = cpu / mb
            growth = f"x{cpu / prev:.2f}" if prev else ""
            top = ", ".join(f"{k} {v:.2f}" for k, v in steps)
            say(f"{name:16} {mb:6.2f} {cpu:8.2f} {spm:8.2f} {spm / corpus_s_per_mb:8.1f} {peak / 2**20:8.1f} {rounds:6d} {growth:>9}  {top}")
            prev = cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--mb", type=float, default=4.0, help="corpus size in MB (default 4)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--top", type=int, default=10, help="slowest corpus pages listed")
    ap.add_argument("--no-corpus", action="store_true", help="skip (a); then --corpus-s-per-mb is the reference")
    ap.add_argument("--corpus-s-per-mb", type=float, default=2.2, help="reference s/MB when (a) is skipped")
    ap.add_argument("--size", type=float, default=0.5, help="adversarial page size in MB (then doubled; default 0.5)")
    ap.add_argument("--big", type=float, default=5.0, help="size of big_page in MB (then doubled)")
    ap.add_argument("--kinds", nargs="+", help="adversarial kinds (default all); 'none' for none")
    ap.add_argument("--timeout", type=float, default=600.0, help="wall seconds a page may take before it is stopped")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile each kind's first size, top N (stderr)")
    args = ap.parse_args()

    def say(line: str) -> None:
        print(line, flush=True)

    load = os.getloadavg()
    say(f"bench_tail: {educorpus.__name__} from {Path(educorpus.__file__).parent}; load {load[0]:.2f} {load[1]:.2f}")
    _warm_up()
    s_per_mb = args.corpus_s_per_mb
    if not args.no_corpus:
        s_per_mb = corpus_tail(args.mb, args.seed, args.top, say)
    kinds = list(_kinds()) if not args.kinds else ([] if args.kinds == ["none"] else args.kinds)
    if "big_page" in kinds:
        adversarial(args.big, ["big_page"], args.timeout, s_per_mb, args.profile, say)
        kinds.remove("big_page")
    if kinds:
        adversarial(args.size, kinds, args.timeout, s_per_mb, args.profile, say)
    table = _kinds()
    say("kinds: " + "; ".join(f"{k}: {table[k][1]}" for k in ["big_page"] * ("big_page" in (args.kinds or table)) + kinds))
    load = os.getloadavg()
    say(f"load after {load[0]:.2f} {load[1]:.2f}")


if __name__ == "__main__":
    main()
