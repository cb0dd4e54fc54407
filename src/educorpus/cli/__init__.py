"""The ``educorpus`` command line: a thin layer over the library, no cleaning logic of its own.

Each sub-command lives in its own module with ``register(subparsers)``; ``COMMANDS`` lists them.
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from .. import __version__
from . import build, check, clean, diff, push, steps

COMMANDS = (clean, steps, build, diff, push, check)

EPILOG = """examples:
  educorpus clean seeds/ -o out/            clean every .txt under seeds/ into out/
  educorpus clean page.txt --explain        print the cleaned page and explain every edit
  cat page.txt | educorpus clean - --to hant
  educorpus steps                           list the pipeline steps
  educorpus build seeds/ --out dist --name edu-seeds --version 0.1.0
                                            a versioned Hugging Face dataset folder
  educorpus diff dist/edu-seeds/0.1.0 dist/edu-seeds/0.2.0
  educorpus push dist/edu-seeds/0.1.0 --repo ORG/edu-seeds
  educorpus check tests/golden              fail when cleaning output differs from golden cases

Run 'educorpus COMMAND --help' for the options of a command."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="educorpus",
        description="Clean raw Chinese web pages about education into clean, versioned corpora.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"educorpus {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # `educorpus clean x | head`
        return 0
    except OSError as exc:  # the environment, not a bug: a full disk under stdout, an I/O error
        where = exc.filename or "standard output"
        print(f"educorpus: error: cannot write {where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("educorpus: interrupted", file=sys.stderr)
        return 130
