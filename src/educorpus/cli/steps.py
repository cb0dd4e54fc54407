"""``educorpus steps``: the pipeline's step names, in order, with what each does."""

from __future__ import annotations

import argparse

from ..api import describe_steps


def register(sub) -> None:
    p = sub.add_parser(
        "steps",
        help="list the pipeline steps in order",
        description="List the pipeline steps in the order they run. Use these names with --only and --skip.",
        epilog="example:\n  educorpus steps\n  educorpus clean page.txt --skip normalize",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rows = describe_steps()
    width = max(len(n) for n, _ in rows)
    for i, (name, desc) in enumerate(rows, 1):
        print(f"{i}. {name.ljust(width)}  {desc}")
    return 0
