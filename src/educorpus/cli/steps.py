"""``educorpus steps``: the pipeline's step names, in order, with what each does."""

from __future__ import annotations

import argparse

from ..api import describe_steps


def register(sub) -> None:
    p = sub.add_parser(
        "steps",
        help="list the pipeline steps in order",
        description="List the pipeline steps in the order they run. Use these names with --only and --skip.",
        epilog="example:\n  educorpus steps\n  educorpus clean page.txt --skip normalize\n\n"
        "output: one step a line on standard output: its number, name and what it does.\n\n"
        "exit status: 0 when the list was written, 1 when standard output cannot be written (closed, a full disk).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rows = describe_steps()
    width = max(len(n) for n, _ in rows)
    for i, (name, desc) in enumerate(rows, 1):
        print(f"{i}. {name.ljust(width)}  {desc}")
    return 0
