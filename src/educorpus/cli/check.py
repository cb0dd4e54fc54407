"""``educorpus check``: golden cases and change budgets, for CI."""

from __future__ import annotations

import argparse
import sys

from ..check import CaseError, check, update_cases
from ._common import error

EPILOG = """examples:
  educorpus check tests/golden                   run every case; a diff per failing case
  educorpus check tests/golden --explain         ... and name the steps/rules behind each difference
  educorpus check tests/golden --update          accept the current output as the new expectation
  educorpus check cases.jsonl                    cases as JSON lines: {"name", "raw", "expected", ...}
  educorpus check --against dist/edu-news/1.2.0 --budget 0.5%
                                                 re-clean a published version's inputs; fail when
                                                 more than 0.5% of its records would change

A case folder holds NAME.raw.txt, NAME.expected.txt and optionally NAME.meta.json
({"options": {"to": "hant"}, "meta": {"title": "..."}}).

output: each failing case's diff on standard output, the summary line on standard error;
--update names the updated cases on standard output; --against prints its report (counts,
the most changed records and the rules behind them) on standard output.

exit status: 0 when every case passes (or the budget holds), 1 when any case fails (or the
budget is exceeded; with --update, when a case could not be cleaned), 2 for a usage error or an
unreadable case file."""


def register(sub) -> None:
    p = sub.add_parser(
        "check",
        help="check cleaning output against golden cases or a published version (for CI)",
        description="Run golden cases through the pipeline and report every difference from the "
        "expected output as a unified diff, or re-clean a published dataset version and check that "
        "no more records change than a budget allows.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("cases", nargs="*", metavar="CASES", help="folders of NAME.raw.txt/NAME.expected.txt cases, or .jsonl files")
    p.add_argument("--explain", action="store_true", help="for each differing span, name the steps and rules whose edits produced it")
    p.add_argument("--update", action="store_true", help="rewrite the expectations to the current output (after review) and say how many changed")
    p.add_argument("--against", metavar="VERSION_DIR", help="a published dataset version folder (DIR/NAME/X.Y.Z) whose inputs are re-cleaned")
    p.add_argument("--budget", default="0", metavar="N%|N", help="changed records allowed with --against: a percentage (0.5%%) or a count (default 0)")
    p.add_argument("--top", type=int, default=10, metavar="N", help="with --against: show the N most changed records (default 10)")
    p.add_argument("--inputs", nargs="+", action="extend", metavar="PATH", help="with --against: read the version's inputs here instead of where its manifest says (same files required)")
    p.add_argument("--num-proc", type=int, default=1, metavar="N", help="with --against: clean in N processes (default 1)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.against:
        if args.cases or args.update:
            error("--against re-cleans a published version; give it without CASES or --update")
            return 2
        return _run_against(args)
    if args.inputs:
        error("--inputs goes with --against")
        return 2
    if not args.cases:
        error("give a folder or .jsonl file of cases, or --against VERSION_DIR")
        return 2
    failed = 0
    for where in args.cases:
        try:
            if args.update:
                summary = update_cases(where)
                for r in summary.errors:
                    print(r.report(), file=sys.stderr)
                for name in summary.changed + summary.new:
                    print(f"updated {name}")
                print(f"educorpus check: {summary.line(where)}", file=sys.stderr)
                failed += len(summary.errors)
                continue
            result = check(where)
        except CaseError as exc:
            error(str(exc))
            return 2
        for r in result.failed:
            print("FAIL " + r.report(explain=args.explain) + "\n")
        print(f"educorpus check: {result.line(where)}", file=sys.stderr)
        failed += len(result.failed)
    return 1 if failed else 0


def _run_against(args: argparse.Namespace) -> int:
    from ..budget import BudgetError, check_against, parse_budget

    try:
        budget = parse_budget(args.budget)
        report = check_against(args.against, budget=budget, inputs=args.inputs, num_proc=args.num_proc, explain=args.top)
    except BudgetError as exc:
        error(str(exc))
        return 2
    print(report.render(top=args.top))
    return 0 if report.ok else 1
