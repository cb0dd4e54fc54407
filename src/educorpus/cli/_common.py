"""Helpers shared by the sub-commands: option types and error printing."""

from __future__ import annotations

import argparse
import sys

from ..config import TARGETS


def step_list(value: str) -> list[str]:
    """``--only a,b`` and repeated ``--only a --only b`` both work."""
    return [v.strip() for v in value.split(",") if v.strip()]


def add_clean_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--to",
        choices=[*TARGETS, "keep"],
        default="hans",
        help="target script: hans (simplified, default), hant, tw, twp (Taiwan phrases), hk, or keep (each page's own)",
    )
    parser.add_argument("--only", type=step_list, action="extend", metavar="STEP[,STEP]", help="run only these steps (see 'educorpus steps')")
    parser.add_argument("--skip", type=step_list, action="extend", metavar="STEP[,STEP]", help="run every step except these")


def clean_kwargs(args: argparse.Namespace) -> dict:
    return {"to": None if args.to == "keep" else args.to, "only": args.only, "skip": args.skip or ()}


def error(message: str) -> None:
    print(f"educorpus: error: {message}", file=sys.stderr)
