"""The ``educorpus`` command line: a thin layer over the library, no cleaning logic of its own.

Each sub-command lives in its own module with ``register(subparsers)``; ``COMMANDS`` lists them.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Iterator, Optional, Sequence

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


def _unknown_options(parser: argparse.ArgumentParser, command: Optional[str], unknown: list[str]) -> None:
    import difflib

    sub = parser
    if command:
        sub = next(a for a in parser._subparsers._group_actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    message = f"unrecognized arguments: {' '.join(unknown)}"
    known = [o for a in sub._actions for o in a.option_strings]
    for arg in unknown:
        close = difflib.get_close_matches(arg.split("=", 1)[0], known, n=1) if arg.startswith("-") else []
        if close:
            message += f" (did you mean {close[0]}?)"
            break
    sub.error(message)  # prints the sub-command's usage and exits with status 2


@contextlib.contextmanager
def _required_relaxed(parser: argparse.ArgumentParser) -> Iterator[None]:
    """Within the block, no argument or mutually exclusive group of any sub-command is required."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    parsers = [parser, *(p for s in subparsers for p in s.choices.values())]
    flagged = [(x, x.required) for p in parsers for x in (*p._actions, *p._mutually_exclusive_groups)]
    try:
        for x, _ in flagged:
            if not isinstance(x, argparse._SubParsersAction):
                x.required = False
        yield
    finally:
        for x, required in flagged:
            x.required = required


def _log_like_the_cli() -> None:
    # the library warns through logging (a build's unreadable inputs); without a handler Python
    # prints the bare message, unlike every other line the command writes to stderr
    import logging

    logger = logging.getLogger("educorpus")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("educorpus: %(levelname_lower)s: %(message)s"))
        handler.addFilter(_lower_level)
        logger.addHandler(handler)


def _lower_level(record) -> bool:
    record.levelname_lower = record.levelname.lower()
    return True


def main(argv: Optional[Sequence[str]] = None) -> int:
    _log_like_the_cli()
    parser = build_parser()
    # parse_known_args, then the sub-command's own error: argparse would report an unknown option
    # with the top-level usage line, which does not show the options that do exist. The first
    # pass does not enforce required arguments: a mistyped required option (--versoin) would
    # otherwise stop it with '--version or --bump is required', hiding the suggestion
    with _required_relaxed(parser):
        args, unknown = parser.parse_known_args(argv)
    if unknown:
        _unknown_options(parser, getattr(args, "command", None), unknown)
    args = parser.parse_args(argv)  # every argument known: now the required ones are checked
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # `educorpus clean x | head`
        return 0
    except OSError as exc:  # the environment, not a bug: a full disk under stdout, an I/O error
        # without a file name it was a write to a stream, in practice standard output
        where = exc.filename or "standard output"
        print(f"educorpus: error: {where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("educorpus: interrupted", file=sys.stderr)
        return 130
