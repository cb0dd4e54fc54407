"""``educorpus clean``: clean files, directories or standard input."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

from ..api import clean_and_explain
from ..display import change_items, format_change, line_column, line_starts, narrow_change, shorten, visible
from ..document import Document, replay, step_groups
from ..io import InputError, decode_bytes, expand_inputs, read_text_file, skipped_files
from ._common import add_clean_options, clean_kwargs, error

EPILOG = """examples:
  educorpus clean seeds/ -o out/                 every .txt under seeds/ into out/ (same names)
  educorpus clean seeds/001_66d2ff1b538386e8.txt  print one cleaned page
  educorpus clean page.txt --explain             ... and explain every edit (on stderr)
  educorpus clean page.txt --only unicode,normalize
  cat page.txt | educorpus clean - --to hant -o page.clean.txt
  educorpus clean seeds/ --json > docs.jsonl     one JSON document per page: text, meta, scores, edits

output: the cleaned text goes to standard output (with '==> NAME <==' headers for several
inputs), or with -o to a file (one input) or a directory (several inputs, or a directory:
same relative names); warnings and errors go to standard error, and so does --explain unless
-o takes the text (then it goes to standard output).

exit status: 0 when every input was cleaned, 1 when any input failed (cannot be read or
decoded, an empty directory, an output file that cannot be written; the others are still
cleaned and written), 2 for a usage error or an -o that cannot be written at all."""


# suffixes `educorpus build` reads as records or extracts text from, which clean does not
_RECORD_SUFFIXES = (".jsonl", ".ndjson", ".json", ".parquet", ".html", ".htm")


def register(sub) -> None:
    p = sub.add_parser(
        "clean",
        help="clean pages (files, directories of .txt files, or - for stdin)",
        description="Clean raw page text. Inputs are read as bytes and decoded; a file that cannot be "
        "read or decoded is reported by name and the other inputs go on.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="*", default=["-"], metavar="FILE|DIR|-", help="inputs (default: - for standard input)")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (one input) or directory (several inputs or a directory)")
    add_clean_options(p)
    p.add_argument(
        "--explain",
        action="store_true",
        help="print every edit once, as 'step/rule @POSITION (LINE:COLUMN): …context[-removed-]{+added+}context…' in "
        "the text that step received, narrowed to the characters that differ (an edit over a paragraph: one line per "
        f"change under it, at most {EXPLAIN_ITEMS}, then a count of the rest; --json keeps edits whole); line breaks as ⏎, "
        "invisible characters as escapes such as \\u3000, long spans cut to head…(+N)…tail, as in 'educorpus diff'; "
        "to stderr when the text goes to stdout",
    )
    p.add_argument("--json", action="store_true", help="write one JSON object per input (source_path, text, meta, scores, edits) instead of plain text; with -o DIR into DIR/documents.jsonl")
    p.set_defaults(func=run)


EXPLAIN_CONTEXT = 8  # characters of unchanged text shown on each side of an edit
EXPLAIN_ITEMS = 10  # changes listed for one edit (a converted paragraph has hundreds); --json has them all


def explain_lines(raw: str, doc: Document) -> list[str]:
    r"""Readable lines, one per edit, each change shown once in the text that step received.

    The change is written as ``educorpus diff`` writes one (``[-removed-]{+added+}``, long spans
    cut to head…(+N)…tail, invisible characters escaped): a removed footer line quoted once,
    not once as the edit and again inside its context. An edit is narrowed to the characters
    that differ, with their line and column; one that changed several places apart (a converted
    paragraph) gets a line per place under it, at most ``EXPLAIN_ITEMS``. Only the display is
    narrowed: the edit log keeps each edit whole.

    >>> from educorpus.document import Edit
    >>> doc = Document(text="", edits=[Edit("normalize", "whitespace", "\u3000\u3000", "", 0)])
    >>> explain_lines("\u3000\u3000甲,乙", doc)
    ['  normalize/whitespace @0 (1:1): …[-\\u3000\\u3000-]甲,乙…']
    """
    lines = []
    text = raw
    for group in step_groups(doc.edits):
        starts = line_starts(text)
        for e in group:
            label = f"  {e.step}/{e.rule} @{e.position}"
            if e.before == e.after:  # a finding, not a change: [-x-]{+x+} would read as a no-op edit
                end = e.position + len(e.before)
                before = text[max(0, e.position - EXPLAIN_CONTEXT) : e.position]
                after = text[end : end + EXPLAIN_CONTEXT]
                line, column = line_column(starts, e.position)
                lines.append(f"{label} ({line}:{column}): flagged, kept: …{visible(before)}[{visible(shorten(e.before))}]{visible(after)}…")
                continue
            changes = narrow_change(text, e.position, e.before, e.after, context=EXPLAIN_CONTEXT, starts=starts, whole_up_to=EXPLAIN_CONTEXT)
            if len(changes) == 1:
                c = changes[0]
                lines.append(f"{label} ({c['line']}:{c['column']}): {format_change(c)}")
            else:
                first, last = changes[0]["line"], changes[-1]["line"]
                where = f"line {first}" if first == last else f"lines {first}-{last}"
                lines.append(f"{label}: {len(changes)} changes in {len(e.before)} characters ({where})")
                lines.extend(change_items(changes, EXPLAIN_ITEMS, indent="      "))
        text = replay(text, group)
    return lines


def _as_json(name: str, doc: Document) -> str:
    return json.dumps(
        {"source_path": name, "text": doc.text, "meta": doc.meta, "scores": doc.scores, "edits": [e.to_dict() for e in doc.edits]},
        ensure_ascii=False,
    )


def _read_stdin():
    """Standard input as one page; a failure is an InputError naming it, as a file's would be."""
    if sys.stdin is None:  # started with standard input closed (`<&-`)
        raise InputError("<stdin>: standard input is closed; give a FILE or DIR, or pipe a page in")
    try:
        data = sys.stdin.buffer.read()
    except OSError as exc:
        raise InputError(f"<stdin>: cannot read ({exc.strerror or exc})") from None
    return decode_bytes(data, "<stdin>")


def run(args: argparse.Namespace) -> int:
    kwargs = clean_kwargs(args)
    try:  # validate options once, before any input is read
        clean_and_explain("", **kwargs)
    except ValueError as exc:
        error(str(exc))
        return 2

    jobs: list[tuple[str, Path | None, Path | None]] = []  # (display name, file, base dir)
    failed = empty_dirs = 0
    for raw in args.inputs:
        if raw == "-":
            jobs.append(("<stdin>", None, None))
            continue
        p = Path(raw)
        if p.is_dir():
            found = list(expand_inputs([raw]))
            skipped = skipped_files(p)
            if skipped:
                # a page saved as .html or .jsonl in the folder is not cleaned: say so, not drop it unseen
                names = ", ".join(str(q.relative_to(p)) for q in skipped[:3]) + (", ..." if len(skipped) > 3 else "")
                print(
                    f"educorpus: warning: {raw}: {len(skipped)} file(s) skipped, not .txt/.text/.md ({names}); "
                    f"'educorpus build' reads .jsonl, .json, .parquet and .html files",
                    file=sys.stderr,
                )
            if not found:
                # an input that yields nothing is a failed input, not a success: a CI job that
                # cleans an empty checkout must notice
                error(f"{raw}: directory holds no .txt/.text/.md files")
                empty_dirs += 1
                failed += 1
            jobs.extend((str(f), f, p) for f in found)
        else:
            if p.suffix.lower() in _RECORD_SUFFIXES:
                # clean takes every file as one page; a JSON Lines file would come out as one
                # "page" whose lines the boilerplate step may drop, no longer JSON
                print(
                    f"educorpus: warning: {raw}: cleaned as one plain-text page; "
                    f"'educorpus build' reads the records of {p.suffix} files",
                    file=sys.stderr,
                )
            jobs.append((raw, p, None))

    out = Path(args.output) if args.output else None
    many = len(jobs) > 1 or any(base is not None for _, _, base in jobs)
    to_dir = out is not None and (many or out.is_dir() or args.output.endswith(("/", "\\")))
    log = sys.stdout if out is not None else sys.stderr
    sink = None
    try:  # an output that cannot be written fails before any input is cleaned
        if to_dir and not args.json:
            if out.exists() and not out.is_dir():
                error(f"-o {args.output}: is a file; several inputs need a directory (it is created if missing)")
                return 2
            out.mkdir(parents=True, exist_ok=True)
        if args.json and out is not None:
            if out.is_dir():
                out = out / "documents.jsonl"
            sink = out.open("w", encoding="utf-8")
    except OSError as exc:
        error(f"-o {args.output}: cannot write there ({exc.strerror or exc})")
        return 2
    if args.inputs == ["-"] and sys.stdin is not None and sys.stdin.isatty():
        # `educorpus clean` alone at a terminal waits for standard input; say so rather than hang
        print("educorpus: reading a page from standard input; end it with Ctrl-D (see 'educorpus clean --help')", file=sys.stderr)

    show = len(jobs) > 1 and sys.stderr.isatty()
    for name, path, base in tqdm(jobs, desc="cleaning", unit="page", disable=not show):
        try:
            decoded = _read_stdin() if path is None else read_text_file(path)
            doc = clean_and_explain(decoded.text, **kwargs)
            doc.meta.setdefault("encoding", decoded.encoding)
            doc.scores["replaced_bytes"] = decoded.replaced
            if decoded.replaced:
                print(f"educorpus: warning: {name}: {decoded.replaced} undecodable byte(s) replaced by U+FFFD (read as {decoded.encoding})", file=sys.stderr)
            # an empty result is still written (one output per input), but not without a word:
            # 'educorpus build' excludes such a page with a reason
            if not decoded.text.strip():
                print(f"educorpus: warning: {name}: the input is empty", file=sys.stderr)
            elif not doc.text.strip():
                print(f"educorpus: warning: {name}: nothing left after cleaning ({len(doc.edits)} edit(s); --explain lists them)", file=sys.stderr)
        except InputError as exc:
            error(str(exc))
            failed += 1
            continue
        except Exception as exc:  # a bug must not stop the batch; name the input
            error(f"{name}: cleaning failed: {type(exc).__name__}: {exc}")
            failed += 1
            continue
        if args.json:
            line = _as_json(name, doc) + "\n"
            (sink or sys.stdout).write(line)
        elif out is None:
            if many:
                sys.stdout.write(f"==> {name} <==\n")
            sys.stdout.write(doc.text + "\n")
        else:
            target = out
            if to_dir:
                target = out / (path.relative_to(base) if base is not None else Path(name).name if path else "stdin.txt")
                target.parent.mkdir(parents=True, exist_ok=True)
            try:
                target.write_text(doc.text + "\n", encoding="utf-8")
            except OSError as exc:  # a full disk or a read-only file: name it, go on with the rest
                error(f"{name}: cannot write {target} ({exc.strerror or exc})")
                failed += 1
                continue
        if args.explain:
            print(f"{name}: {len(doc.edits)} edit(s)", file=log)
            for line in explain_lines(decoded.text, doc):
                print(line, file=log)
    if sink:
        sink.close()
    total = len(jobs) + empty_dirs
    if total > 1 or failed:
        print(f"educorpus: cleaned {total - failed} of {total} input(s), {failed} failed", file=sys.stderr)
    return 1 if failed else 0
