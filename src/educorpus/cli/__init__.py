"""The ``educorpus`` command line: a thin layer over the library, no cleaning logic of its own.

Each sub-command lives in its own module with ``register(subparsers)``; ``COMMANDS`` lists them.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
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


class _ParseError(Exception):
    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser, self.message = parser, message


def _all_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return [parser, *(p for s in subparsers for p in s.choices.values())]


@contextlib.contextmanager
def _errors_raised(parsers: list[argparse.ArgumentParser]) -> Iterator[None]:
    """Within the block, a parse error raises _ParseError instead of printing and exiting."""

    def raiser(p):
        def error(message: str):
            raise _ParseError(p, message)

        return error

    for p in parsers:
        p.error = raiser(p)  # type: ignore[method-assign]
    try:
        yield
    finally:
        for p in parsers:
            del p.error


@contextlib.contextmanager
def _required_relaxed(parsers: list[argparse.ArgumentParser]) -> Iterator[None]:
    """Within the block, no argument or mutually exclusive group of any parser is required."""
    flagged = [(x, x.required) for p in parsers for x in (*p._actions, *p._mutually_exclusive_groups)]
    try:
        for x, _ in flagged:
            if not isinstance(x, argparse._SubParsersAction):
                x.required = False
        yield
    finally:
        for x, required in flagged:
            x.required = required


def _parse(parser: argparse.ArgumentParser, argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parsers = _all_parsers(parser)
    try:
        with _errors_raised(parsers):
            args, unknown = parser.parse_known_args(argv)
    except _ParseError as first:
        # argparse checks required arguments before unknown options are reported: a mistyped
        # required option (--versoin) got '--version or --bump is required' and no suggestion.
        # Parse again without required arguments; an unknown option, if any, is the error to show.
        # (--help cannot run here: it exits as soon as it is read, before any required check, and
        # any other error comes at the same argument in both passes)
        try:
            with _errors_raised(parsers), _required_relaxed(parsers):
                args, unknown = parser.parse_known_args(argv)
        except _ParseError:
            unknown = []
        if unknown:
            _unknown_options(parser, getattr(args, "command", None), unknown)
        first.parser.error(first.message)  # prints that parser's usage and exits with status 2
    if unknown:
        # parse_known_args, then the sub-command's own error: argparse would report an unknown
        # option with the top-level usage line, which does not show the options that do exist
        _unknown_options(parser, getattr(args, "command", None), unknown)
    return args


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


class _NamedStream:
    """A standard stream whose I/O errors say which stream failed.

    An OSError from a write to standard output carries no file name, and the general handler of
    :func:`main` cannot tell it from any other such error (a library's network or Arrow error,
    a pipe to a worker); this wrapper marks the error where it happens.
    """

    def __init__(self, stream, name: str) -> None:
        self._stream, self._name = stream, name

    def _call(self, method: str, *args):
        try:
            return getattr(self._stream, method)(*args)
        except OSError as exc:
            if exc.filename is None and not isinstance(exc, BrokenPipeError):
                exc.educorpus_stream = self._name  # type: ignore[attr-defined]
            raise

    def write(self, s):
        return self._call("write", s)

    def writelines(self, lines):
        return self._call("writelines", lines)

    def flush(self):
        return self._call("flush")

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class _ClosedStream:
    """Standard output of a process started with it closed (``>&-``): Python sets ``sys.stdout`` to None.

    ``print`` then writes nothing and ``educorpus steps`` exited 0 with no output, while a write
    to a descriptor that cannot be written (``1</dev/null``) failed; every write fails the same
    way here. Nothing is written when nothing is printed: ``clean -o DIR`` still works.
    """

    def _closed(self, *args):
        exc = OSError(errno.EBADF, f"{os.strerror(errno.EBADF)} (closed when the command started)")
        exc.educorpus_stream = "standard output"  # type: ignore[attr-defined]
        raise exc

    write = writelines = fileno = _closed

    def flush(self) -> None:  # nothing was written, so nothing is lost
        pass

    def isatty(self) -> bool:
        return False


@contextlib.contextmanager
def _stdout_named() -> Iterator[None]:
    saved = sys.stdout
    sys.stdout = _NamedStream(saved, "standard output") if saved is not None else _ClosedStream()  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout = saved


def describe_os_error(exc: OSError) -> str:
    """``what: reason`` for an OSError that reached the command line's general handler.

    >>> describe_os_error(FileNotFoundError(2, "No such file or directory", "a.txt"))
    'a.txt: No such file or directory'
    >>> describe_os_error(OSError(28, "No space left on device"))
    'No space left on device (the error names no file: it may concern any file, stream or connection the command used)'
    """
    reason = exc.strerror or str(exc) or type(exc).__name__
    stream = getattr(exc, "educorpus_stream", None)
    if exc.filename is not None:
        where = str(exc.filename) if exc.filename2 is None else f"{exc.filename} -> {exc.filename2}"
        return f"{where}: {reason}"
    if stream:
        return f"{stream}: {reason}"
    return f"{reason} (the error names no file: it may concern any file, stream or connection the command used)"


def main(argv: Optional[Sequence[str]] = None) -> int:
    _log_like_the_cli()
    parser = build_parser()
    args = _parse(parser, argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        with _stdout_named():
            code = int(args.func(args) or 0)
            if sys.stdout is not None:
                # what is still buffered is written here, where a full disk is reported as
                # standard output's, not at interpreter exit as an 'Exception ignored' message
                sys.stdout.flush()
        return code
    except BrokenPipeError:  # `educorpus clean x | head`
        return 0
    except OSError as exc:  # the environment, not a bug: a full disk under stdout, an I/O error
        print(f"educorpus: error: {describe_os_error(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("educorpus: interrupted", file=sys.stderr)
        return 130
