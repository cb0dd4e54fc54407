"""``educorpus diff A B``: records added, removed and changed between two dataset versions."""

from __future__ import annotations

import argparse
import json
import sys

from ..dataset import DatasetError, diff_versions, format_diff
from ._common import error

EPILOG = """examples:
  educorpus diff dist/edu-seeds/0.1.0 dist/edu-seeds/0.2.0
  educorpus diff dist/edu-seeds/0.1.0 dist/edu-seeds/0.2.0 --json | jq .records
  educorpus diff dist/edu-seeds/0.1.0 dist/edu-seeds/0.2.0 --samples 10 --changes 50

output: the comparison on standard output. Per sample record, its first text changes, each at
its line:column in the older text, [-text-] removed and {+text+} added (line breaks shown as ⏎,
blanks and invisible characters as escapes such as \\u3000, long spans cut to head…(+N)…tail),
then the edit counts per step/rule that differ (older → newer) and the other changed fields.
With --json one JSON object: "records" (counts and the changed ids), "changed_fields",
"config", "libraries", "inputs", "exclusions", "samples" (per record "text_changes": line,
column, old, new, uncut; "edits": step, rule, a, b; "values": other fields [older, newer]).

exit status: 0 when both folders could be compared, whether or not they differ (read the
counts), 2 when a folder is not a version written by educorpus build."""


def register(sub) -> None:
    p = sub.add_parser(
        "diff",
        help="compare two versions of a dataset",
        description="Compare two version folders: records added, removed and changed (matched by id), "
        "changed fields, sample text diffs, and the differences in config, libraries, inputs and exclusions.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("a", metavar="DIR/NAME/A", help="the older version folder")
    p.add_argument("b", metavar="DIR/NAME/B", help="the newer version folder")
    p.add_argument("--json", action="store_true", help="print the comparison as one JSON object instead of text")
    p.add_argument("--samples", type=int, default=3, metavar="N", help="sample changed records to show (default: 3)")
    p.add_argument("--changes", type=int, default=6, metavar="N", help="text changes to show per sample record (default: 6)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        d = diff_versions(args.a, args.b, samples=max(0, args.samples), changes=max(0, args.changes))
    except DatasetError as exc:
        error(str(exc))
        return 2
    if args.json:
        sys.stdout.write(json.dumps(d, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_diff(d))
    return 0
