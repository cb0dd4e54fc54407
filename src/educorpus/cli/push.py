"""``educorpus push DIR/NAME/X.Y.Z --repo ORG/NAME``: upload a version to the Hub and tag it."""

from __future__ import annotations

import argparse
import sys

from ..dataset import DatasetError, push_version
from ._common import error

EPILOG = """examples:
  educorpus push dist/edu-seeds/0.1.0 --repo my-org/edu-seeds
  educorpus push dist/edu-seeds/0.2.0 --repo my-org/edu-seeds --private
  educorpus push dist/edu-seeds/0.2.0 --repo my-org/edu-seeds --dry-run

The token comes from huggingface_hub (HF_TOKEN or 'huggingface-cli login'). The version's files
are checked against its manifest first; a tag vX.Y.Z that already exists stops the push.

output: the URL of the pushed version on standard output, the 'pushed ...' line on standard
error; --dry-run lists the files on standard output. The version's manifest.json gets a
'published' entry, after which 'build --force' no longer replaces that version.

exit status: 0 when pushed (or, with --dry-run, when the folder checks out), 2 when the folder
cannot be pushed (not a version, a file differs from its manifest, the tag exists), 1 when the
Hub fails (no token, refused, unreachable: its message follows 'failed:')."""


def register(sub) -> None:
    p = sub.add_parser(
        "push",
        help="upload a dataset version to the Hugging Face Hub and tag it vX.Y.Z",
        description="Upload DIR/NAME/X.Y.Z to a dataset repository on the Hub, tag the commit vX.Y.Z, "
        "and record the upload in the version's manifest (the version counts as published from then on).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("folder", metavar="DIR/NAME/X.Y.Z", help="the version folder to upload")
    p.add_argument("--repo", required=True, metavar="ORG/NAME", help="dataset repository on the Hub")
    p.add_argument("--private", action="store_true", help="create the repository as private (when it does not exist)")
    p.add_argument("--dry-run", action="store_true", help="check the folder and list what would be uploaded; send nothing")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        result = push_version(args.folder, args.repo, private=args.private, dry_run=args.dry_run)
    except DatasetError as exc:
        error(str(exc))
        return 2
    except OSError as exc:
        if exc.filename:  # a local file: the command line's general handler names it
            raise
        # huggingface_hub's errors (no token, HTTP errors, offline, unreachable) are OSErrors
        # without a file name, which the general handler would report as 'standard output: ...'
        error(f"pushing {args.folder} to {args.repo} failed: {exc}")
        return 1
    if result["dry_run"]:
        print(f"would upload {len(result['files'])} files to {result['repo']} and tag {result['tag']}:")
        for f in result["files"]:
            print(f"  {f}")
        return 0
    print(f"pushed {args.folder} to {result['repo']} at {result['commit']}, tagged {result['tag']}", file=sys.stderr)
    if result["url"]:
        print(result["url"])
    return 0
