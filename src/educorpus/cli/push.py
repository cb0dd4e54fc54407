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
are checked against its manifest first; a tag vX.Y.Z that already exists stops the push."""


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
    if result["dry_run"]:
        print(f"would upload {len(result['files'])} files to {result['repo']} and tag {result['tag']}:")
        for f in result["files"]:
            print(f"  {f}")
        return 0
    print(f"pushed {args.folder} to {result['repo']} at {result['commit']}, tagged {result['tag']}", file=sys.stderr)
    if result["url"]:
        print(result["url"])
    return 0
