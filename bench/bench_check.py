"""What does `educorpus check` cost on top of cleaning, and does --explain stay linear?

Prints, for golden cases made of the four seeds repeated 1, 4 and 16 times (a page of ~20k to
~340k characters, every line numbered so no line repeats), the seconds to clean, to diff a wrongly expected output (every 的 replaced, so
there is a difference on most lines), and to explain those differences (trace every edit
through the later steps and attribute each differing span), plus the growth ratio per 4x.

    python bench/bench_check.py
    python bench/bench_check.py --repeats 1 4
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import educorpus  # noqa: E402
from educorpus.check import Case, differing_spans, run_case, span_lines, trace_edits  # noqa: E402

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, nargs="+", default=[1, 4, 16])
    args = ap.parse_args()
    raw_one = "\n".join(p.read_text(encoding="utf-8") for p in SEEDS)
    print(f"steps: {', '.join(educorpus.STEPS)}")
    print(f"{'x':>4} {'chars':>8} {'edits':>7} {'clean s':>8} {'diff s':>7} {'spans':>6} {'trace s':>8} {'explain s':>9}")
    prev = None
    for k in args.repeats:
        # k copies, each line numbered so that the page has no repeated lines (a real long page
        # rarely repeats itself; repeated lines would measure difflib's worst case instead)
        raw = "\n".join(f"{line}（{i}）" if line.strip() else line for i, line in enumerate(("\n".join([raw_one] * k)).split("\n")))
        t0 = time.perf_counter()
        doc = educorpus.clean_and_explain(raw)
        t_clean = time.perf_counter() - t0
        wrong = doc.text.replace("的", "得")  # an expectation that differs on most lines
        t0 = time.perf_counter()
        spans = differing_spans(wrong, doc.text)
        t_diff = time.perf_counter() - t0
        t0 = time.perf_counter()
        trace_edits(doc.edits)
        t_trace = time.perf_counter() - t0
        t0 = time.perf_counter()
        span_lines(wrong, doc, explain=True, limit=len(spans))
        t_explain = time.perf_counter() - t0
        # the whole case, as `educorpus check` runs it (clean + compare), for reference
        run_case(Case("bench", raw, wrong))
        row = (k, len(raw), len(doc.edits), t_clean, t_diff, len(spans), t_trace, t_explain)
        growth = "" if prev is None else f"   growth per 4x: diff {t_diff / prev[4] * 4 / (k / prev[0]):.1f}, explain {t_explain / prev[7] * 4 / (k / prev[0]):.1f}"
        print(f"{k:>4} {len(raw):>8} {len(doc.edits):>7} {t_clean:>8.3f} {t_diff:>7.3f} {len(spans):>6} {t_trace:>8.3f} {t_explain:>9.3f}{growth}")
        prev = row


if __name__ == "__main__":
    main()
