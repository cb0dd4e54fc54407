"""Reading the inputs of a dataset build: raw records, failure records, and the input fingerprint.

Inputs are files and directories. Files are read by suffix:

- ``.txt`` ``.text`` ``.md``: one page per file, bytes decoded by :func:`educorpus.io.decode_bytes`;
- ``.jsonl`` ``.ndjson``: one JSON object per line (streamed); ``.json``: an array of objects, one
  object, or JSON Lines;
- ``.parquet``: streamed in row batches;
- ``.html`` ``.htm``: main text and metadata extracted with trafilatura (``pip install
  'educorpus[html]'``);
- a folder written by ``Dataset.save_to_disk`` or in the Hub's layout (``data/*.parquet`` or a
  ``README.md`` with ``configs``): every split, streamed.

Directories are walked recursively in sorted order (hidden files and folders are skipped; a file
of an unknown type becomes a failure record, so nothing is silently left out). The whole input
list is sorted by its display path, so the order of the arguments does not change the output.

A *raw record* is a dict: ``id`` (``--id-field`` value, or the first 16 hex digits of the SHA-256
of the raw text, with ``-2``, ``-3`` … for later exact copies), ``text`` (raw), ``source_path``
(``seeds/000.txt``, ``news.jsonl:17`` for line 17, ``table.parquet[3]`` for row 3,
``folder/train[5]``), ``raw_sha256`` (of the raw text, UTF-8), ``meta`` (``title``,
``published``, ``source``, ``author``, ``editor``, ``url`` when the input has them), ``extra``
(the input's other fields), ``encoding`` and ``replaced_bytes``. A *failure record* has a
``failure`` key (a named reason such as ``undecodable``, ``broken-json``, ``text-not-string``)
with ``detail``, ``source_path``, ``input`` and, when there is one, ``raw_text``.

Not handled here: compressed inputs (``.gz``, ``.zst``), CSV, and reading a single huge ``.txt``
or ``.json`` file piecewise (each is read whole; use JSON Lines or Parquet for large inputs).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Union

from ..io import TEXT_SUFFIXES, InputError, decode_bytes
from .errors import DatasetError, MissingExtraError

#: input fields that become columns of the dataset (everything else goes to ``extra``)
META_KEYS = ("title", "published", "source", "author", "editor", "url")

HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json",)
PARQUET_SUFFIXES = (".parquet",)
# rows per batch when streaming Parquet files and datasets folders
_BATCH_ROWS = 256


@dataclass(frozen=True)
class InputItem:
    """One thing to read: ``kind`` is text, html, jsonl, json, parquet, saved-dataset,
    hub-dataset or unsupported; ``label`` is the display path used in ``source_path``."""

    kind: str
    path: Path
    label: str


PathLike = Union[str, "os.PathLike[str]"]


def _shown(name: str) -> str:
    r"""A file name as it can be written: bytes that are not UTF-8 as ``\xNN``.

    A name that is not UTF-8 (GBK names from a Windows machine or an old archive) comes from the
    OS as surrogate escapes, which no Parquet column or UTF-8 manifest can hold: one such file
    used to stop the whole build. The escaped form stays unique and says what the bytes were.

    >>> _shown("\udcbd\udccc.txt"), _shown("教育.txt")
    ('\\xbd\\xcc.txt', '教育.txt')
    """
    if name.isascii() or not any("\udc80" <= c <= "\udcff" for c in name):
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _as_list(inputs: Union[PathLike, Iterable[PathLike]]) -> list[str]:
    if isinstance(inputs, (str, os.PathLike)):
        return [os.fspath(inputs)]
    return [os.fspath(p) for p in inputs]


def _kind_of_file(path: Path, named: bool) -> str:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    # a file the user named explicitly is taken as text whatever its name; inside a directory an
    # unknown suffix is more likely an image or an archive, reported rather than guessed
    return "text" if named else "unsupported"


def _front_matter(readme: Path) -> str:
    try:
        head = readme.read_text(encoding="utf-8", errors="replace")[:65536]
    except OSError:
        return ""
    if not head.startswith("---"):
        return ""
    end = head.find("\n---", 3)
    return head[3:end] if end > 0 else ""


def dataset_folder_kind(folder: Path) -> Optional[str]:
    """``saved-dataset`` for a ``save_to_disk`` folder, ``hub-dataset`` for the Hub's layout, else None."""
    if (folder / "dataset_dict.json").is_file() or (
        (folder / "state.json").is_file() and (folder / "dataset_info.json").is_file()
    ):
        return "saved-dataset"
    data = folder / "data"
    if data.is_dir() and any(
        q.suffix.lower() in (".parquet", ".jsonl", ".json", ".arrow", ".csv") for q in data.rglob("*") if q.is_file()
    ):
        return "hub-dataset"
    if (folder / "README.md").is_file() and "configs:" in _front_matter(folder / "README.md"):
        return "hub-dataset"
    return None


def _walk(folder: Path, label: str) -> Iterator[InputItem]:
    kind = dataset_folder_kind(folder)
    if kind:
        yield InputItem(kind, folder, label)
        return
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        yield InputItem("unsupported", folder, label + f" (cannot list: {exc.strerror or exc})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # .git, .DS_Store, editor swap files: not content
        sub = f"{label}/{_shown(entry.name)}"
        if entry.is_dir():
            yield from _walk(entry, sub)
        elif entry.is_file():
            yield InputItem(_kind_of_file(entry, named=False), entry, sub)


def plan_inputs(inputs: Union[PathLike, Iterable[PathLike]]) -> list[InputItem]:
    """Expand files and directories into the sorted list of things to read.

    Raises :class:`DatasetError` when nothing is given, when an argument does not exist, or when
    the arguments are only empty directories: a typo on the command line should stop the build
    before any work, not become an empty dataset. The plan is therefore never empty.
    """
    args = _as_list(inputs)
    if not args:
        raise DatasetError("no inputs given: name at least one file or directory to read")
    items: list[InputItem] = []
    for raw in args:
        p = Path(raw)
        if not p.exists():
            raise DatasetError(f"input not found: {raw}")
        resolved = p.resolve()
        if p.is_dir():
            items.extend(_walk(resolved, _shown(resolved.name or str(resolved))))
        else:
            items.append(InputItem(_kind_of_file(resolved, named=True), resolved, _shown(resolved.name)))
    items.sort(key=lambda it: (it.label, str(it.path)))
    seen: set[Path] = set()
    unique = []
    for it in items:  # the same file reached through two arguments is read once
        if it.path not in seen:
            seen.add(it.path)
            unique.append(it)
    if not unique:
        # only empty directories (hidden files are skipped): the build, iter_raw_records and
        # check --against say so alike, rather than read nothing
        raise DatasetError(f"nothing to read in {', '.join(args)}: the directories are empty (hidden files are skipped)")
    return unique


def check_extras(plan: Iterable[InputItem]) -> None:
    """Fail before any work when an input type needs an optional dependency that is missing."""
    html = [it.label for it in plan if it.kind == "html"]
    if html:
        _trafilatura(html[0])


def _trafilatura(label: str):
    try:
        import trafilatura  # noqa: PLC0415  (optional extra)
    except ImportError as exc:
        raise MissingExtraError(
            f"{label}: reading .html inputs needs trafilatura: pip install 'educorpus[html]' ({exc})"
        ) from None
    return trafilatura


# --------------------------------------------------------------------------- fingerprint


def _sha256_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as fh:
        while True:
            block = fh.read(1 << 20)
            if not block:
                break
            h.update(block)
            n += len(block)
    return h.hexdigest(), n


def _files_of(item: InputItem) -> list[tuple[str, Path]]:
    if item.kind in ("saved-dataset", "hub-dataset"):
        out = []
        for q in sorted(item.path.rglob("*")):
            rel = q.relative_to(item.path)
            if q.is_file() and not any(part.startswith(".") for part in rel.parts):
                out.append((f"{item.label}/{_shown(rel.as_posix())}", q))
        return out
    if item.path.is_file():
        return [(item.label, item.path)]
    return []


def fingerprint_inputs(plan: list[InputItem], arguments: Optional[Iterable[PathLike]] = None) -> dict[str, Any]:
    """Paths, sizes and SHA-256 of every input file, and one hash over all of them.

    The combined ``sha256`` covers display paths and contents (not where the files live), so
    the same inputs copied elsewhere have the same fingerprint; ``resolved`` records where they
    were read from, for a later re-check.
    """
    files = []
    combined = hashlib.sha256()
    for item in plan:
        for label, path in _files_of(item):
            try:
                digest, size = _sha256_file(path)
            except OSError as exc:
                digest, size = None, None
                files.append({"path": label, "resolved": _shown(str(path)), "kind": item.kind, "error": exc.strerror or str(exc)})
            else:
                files.append({"path": label, "resolved": _shown(str(path)), "kind": item.kind, "bytes": size, "sha256": digest})
            combined.update(f"{label}\0{digest}\n".encode("utf-8"))
    return {
        "arguments": [_shown(os.fspath(a)) for a in arguments] if arguments is not None else None,
        "kinds": sorted({it.kind for it in plan}),
        "files": files,
        "sha256": combined.hexdigest(),
    }


def _jsonl_lines(fh) -> Iterator[tuple[int, bytes]]:
    """``(line number, line)`` of a JSON Lines file opened in binary mode that hold a record: a
    UTF-8 BOM before the first is dropped, and blank lines separate nothing."""
    for lineno, line in enumerate(fh, 1):
        if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if line.strip():
            yield lineno, line


def count_records(plan: list[InputItem], text_field: str = "text") -> Optional[int]:
    """How many records, data or failure, :func:`iter_raw_records` will yield for ``plan``, when
    that is cheap to know (pages, JSON Lines, Parquet); None when an input needs parsing to tell
    (``.json`` arrays, datasets folders). It gives a progress bar its total: one more pass over
    JSON Lines files, which is I/O next to cleaning's CPU.
    """
    total = 0
    for item in plan:
        if item.kind in ("text", "html", "unsupported"):
            total += 1
        elif item.kind == "jsonl":
            try:
                with open(item.path, "rb") as fh:
                    n = sum(1 for _ in _jsonl_lines(fh))  # the lines jsonl_file reads a record from
            except OSError:
                n = 1  # the one 'unreadable' failure
            total += n
        elif item.kind == "parquet":
            import pyarrow.parquet as pq

            try:
                pf = pq.ParquetFile(item.path)
                total += pf.metadata.num_rows if text_field in pf.schema_arrow.names else 1
            except Exception:  # corrupt: one 'unreadable' failure, as parquet_file says
                total += 1
        else:
            return None
    return total


# --------------------------------------------------------------------------- records


def raw_id(text: str) -> str:
    """The stable id of a raw text: the first 16 hex digits of its SHA-256 (UTF-8).

    >>> raw_id("教育")
    'c883995ff5ab5961'
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _to_str(value: Any) -> str:
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return _to_str(value)


# A JSON "\ud800" escape that is not half of a pair parses to a lone surrogate: not a character, and
# no Parquet column, UTF-8 file or OpenCC call takes it (one such string in any field used to stop
# the whole build when the records were written). Such strings are rare, so the raw line is
# searched for the escape first and only then is the parsed object walked.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _scrub(value: Any) -> tuple[Any, int]:
    r"""``value`` (parsed JSON) with each lone surrogate in its strings and keys replaced by U+FFFD,
    and how many were replaced; json.loads has already joined the escapes that form a pair.

    >>> _scrub({"text": "教\udcb5育", "tags": ["\ud800", 1]})
    ({'text': '教\ufffd育', 'tags': ['\ufffd', 1]}, 2)
    """
    if isinstance(value, str):
        return _LONE_SURROGATE.subn("\ufffd", value)
    if isinstance(value, list):
        out, total = [], 0
        for v in value:
            v, n = _scrub(v)
            out.append(v)
            total += n
        return out, total
    if isinstance(value, dict):
        d, total = {}, 0
        for k, v in value.items():
            k, nk = _scrub(k)
            v, nv = _scrub(v)
            d[k] = v
            total += nk + nv
        return d, total
    return value, 0


def _failure(reason: str, detail: str, source_path: str, input_label: str, raw_text: Optional[str] = None) -> dict[str, Any]:
    return {
        "failure": reason,
        "detail": detail,
        "source_path": source_path,
        "input": input_label,
        "raw_text": raw_text,
        "raw_sha256": hashlib.sha256(raw_text.encode("utf-8", "surrogatepass")).hexdigest() if raw_text is not None else None,
        "id": None,
        "meta": {},
    }


def is_failure(record: dict[str, Any]) -> bool:
    """True for a failure record of :func:`iter_raw_records`."""
    return "failure" in record


class _Reader:
    """Turns inputs into records, assigning ids and remembering the ids already given."""

    def __init__(self, text_field: str, id_field: Optional[str]):
        self.text_field = text_field
        self.id_field = id_field
        # ids given so far: small per record, needed to keep ids unique across the build
        self.seen: set[str] = set()

    def record(
        self,
        text: str,
        source_path: str,
        input_label: str,
        *,
        meta: Optional[dict[str, Any]] = None,
        extra: Optional[dict[str, Any]] = None,
        given_id: Optional[str] = None,
        encoding: str = "utf-8",
        replaced: int = 0,
    ) -> dict[str, Any]:
        if not text.strip():
            return _failure("empty-text", f"{source_path}: the text is empty", source_path, input_label, text)
        if given_id is not None:
            if given_id in self.seen:
                return _failure(
                    "duplicate-id", f"{source_path}: id {given_id!r} was already used by an earlier record", source_path, input_label, text
                )
            rid = given_id
        else:
            base = raw_id(text)
            rid, n = base, 1
            while rid in self.seen:  # an exact copy of an earlier raw text
                n += 1
                rid = f"{base}-{n}"
        self.seen.add(rid)
        return {
            "id": rid,
            "text": text,
            "source_path": source_path,
            "input": input_label,
            "raw_sha256": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
            "meta": meta or {},
            "extra": extra or None,
            "encoding": encoding,
            "replaced_bytes": replaced,
        }

    def from_mapping(self, obj: Any, source_path: str, input_label: str, encoding: str = "utf-8", replaced: int = 0) -> dict[str, Any]:
        if not isinstance(obj, dict):
            return _failure("not-an-object", f"{source_path}: expected a JSON object, found {type(obj).__name__}", source_path, input_label)
        tf, idf = self.text_field, self.id_field
        if tf not in obj:
            fields = ", ".join(sorted(map(str, obj))) or "(none)"
            return _failure("missing-text-field", f"{source_path}: no field {tf!r} (fields: {fields}); use --text-field", source_path, input_label)
        text = obj[tf]
        if not isinstance(text, str):
            raw = None if text is None else json.dumps(_jsonable(text), ensure_ascii=False)
            return _failure(
                "text-not-string", f"{source_path}: field {tf!r} is {type(text).__name__}, not a string", source_path, input_label, raw
            )
        given = None
        if idf is not None:
            value = obj.get(idf)
            if value is None or value == "":
                return _failure("missing-id-field", f"{source_path}: no value in id field {idf!r}", source_path, input_label, text)
            given = _to_str(value)
        meta = {k: _to_str(obj[k]) for k in META_KEYS if k in obj and obj[k] is not None and k not in (tf, idf)}
        extra = {str(k): _jsonable(v) for k, v in obj.items() if k not in META_KEYS and k not in (tf, idf)}
        return self.record(text, source_path, input_label, meta=meta, extra=extra, given_id=given, encoding=encoding, replaced=replaced)

    # ---- per kind

    def text_file(self, item: InputItem) -> Iterator[dict[str, Any]]:
        try:
            data = item.path.read_bytes()
        except OSError as exc:
            yield _failure("unreadable", f"{item.label}: cannot read ({exc.strerror or exc})", item.label, item.label)
            return
        try:
            decoded = decode_bytes(data, item.label)
        except InputError as exc:
            yield _failure("undecodable", str(exc), item.label, item.label)
            return
        yield self.record(
            decoded.text, item.label, item.label, encoding=decoded.encoding, replaced=getattr(decoded, "replaced", 0)
        )

    def html_file(self, item: InputItem) -> Iterator[dict[str, Any]]:
        trafilatura = _trafilatura(item.label)
        try:
            data = item.path.read_bytes()
        except OSError as exc:
            yield _failure("unreadable", f"{item.label}: cannot read ({exc.strerror or exc})", item.label, item.label)
            return
        try:
            decoded = decode_bytes(data, item.label)
        except InputError as exc:
            yield _failure("undecodable", str(exc), item.label, item.label)
            return
        try:
            doc = trafilatura.bare_extraction(decoded.text, with_metadata=True, include_comments=False)
        except Exception as exc:  # trafilatura raises many types on broken markup
            yield _failure("html-extraction-failed", f"{item.label}: {type(exc).__name__}: {exc}", item.label, item.label)
            return
        if doc is not None and not isinstance(doc, dict):
            doc = doc.as_dict()
        text = (doc or {}).get("text") or ""
        if not text.strip():
            yield _failure("html-no-text", f"{item.label}: trafilatura found no main text", item.label, item.label)
            return
        # `filedate` is the day of extraction, not of the page: left out, it would break determinism
        mapping = {"title": "title", "published": "date", "author": "author", "source": "sitename", "url": "url"}
        meta = {k: _to_str(doc[v]) for k, v in mapping.items() if doc.get(v)}
        yield self.record(text, item.label, item.label, meta=meta, encoding=decoded.encoding, replaced=getattr(decoded, "replaced", 0))

    def jsonl_file(self, item: InputItem) -> Iterator[dict[str, Any]]:
        try:
            fh = open(item.path, "rb")
        except OSError as exc:
            yield _failure("unreadable", f"{item.label}: cannot read ({exc.strerror or exc})", item.label, item.label)
            return
        with fh:
            for lineno, line in _jsonl_lines(fh):
                where = f"{item.label}:{lineno}"
                try:
                    s = line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    yield _failure("undecodable", f"{where}: not valid UTF-8 (byte 0x{line[exc.start]:02x} at column {exc.start + 1})", where, item.label)
                    continue
                try:
                    obj = json.loads(s)
                except json.JSONDecodeError as exc:
                    yield _failure("broken-json", f"{where}: {exc.msg.removesuffix(' at')} at column {exc.colno}", where, item.label, s.rstrip("\r\n"))
                    continue
                n = 0
                if _SURROGATE_ESCAPE.search(s):
                    obj, n = _scrub(obj)
                yield self.from_mapping(obj, where, item.label, replaced=n)

    def json_file(self, item: InputItem) -> Iterator[dict[str, Any]]:
        try:
            data = item.path.read_bytes()
        except OSError as exc:
            yield _failure("unreadable", f"{item.label}: cannot read ({exc.strerror or exc})", item.label, item.label)
            return
        try:
            decoded = decode_bytes(data, item.label)
        except InputError as exc:
            yield _failure("undecodable", str(exc), item.label, item.label)
            return
        text = decoded.text
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            # the Hub's json loader also reads JSON Lines saved as .json
            first = text.lstrip().split("\n", 1)[0]
            try:
                json.loads(first)
                is_lines = "\n" in text.strip()
            except json.JSONDecodeError:
                is_lines = False
            if is_lines:
                yield from self.jsonl_file(item)
                return
            yield _failure("broken-json", f"{item.label}: {exc.msg} at line {exc.lineno} column {exc.colno}", item.label, item.label)
            return
        escapes = _SURROGATE_ESCAPE.search(text) is not None
        if isinstance(obj, list):
            for i, element in enumerate(obj):
                n = 0
                if escapes:
                    element, n = _scrub(element)
                # (bytes the decoder replaced belong to the file, not to one element: not counted here)
                yield self.from_mapping(element, f"{item.label}[{i}]", item.label, encoding=decoded.encoding, replaced=n)
        else:
            n = 0
            if escapes:
                obj, n = _scrub(obj)
            yield self.from_mapping(obj, item.label, item.label, encoding=decoded.encoding, replaced=decoded.replaced + n)

    def parquet_file(self, item: InputItem) -> Iterator[dict[str, Any]]:
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(item.path)
        except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for corrupt files
            yield _failure("unreadable", f"{item.label}: not a readable Parquet file ({exc})", item.label, item.label)
            return
        names = pf.schema_arrow.names
        if self.text_field not in names:
            yield _failure(
                "missing-text-field",
                f"{item.label}: no column {self.text_field!r} (columns: {', '.join(names)}); use --text-field",
                item.label,
                item.label,
            )
            return
        row = 0
        try:
            for batch in pf.iter_batches(batch_size=_BATCH_ROWS):
                for obj in batch.to_pylist():
                    yield self.from_mapping(obj, f"{item.label}[{row}]", item.label)
                    row += 1
        except Exception as exc:
            yield _failure("unreadable", f"{item.label}: reading failed after row {row} ({exc})", f"{item.label}[{row}]", item.label)

    def dataset_folder(self, item: InputItem) -> Iterator[dict[str, Any]]:
        import datasets

        try:
            if item.kind == "saved-dataset":
                loaded = datasets.load_from_disk(str(item.path))
            else:
                loaded = datasets.load_dataset(str(item.path), streaming=True)
        except Exception as exc:
            yield _failure("unreadable", f"{item.label}: cannot load as a datasets folder ({type(exc).__name__}: {exc})", item.label, item.label)
            return
        splits = sorted(loaded.items()) if isinstance(loaded, dict) else [(None, loaded)]
        for split, ds in splits:
            where = f"{item.label}/{split}" if split is not None else item.label
            columns = list(ds.column_names or []) if getattr(ds, "column_names", None) is not None else None
            if columns is not None and self.text_field not in columns:
                yield _failure(
                    "missing-text-field",
                    f"{where}: no column {self.text_field!r} (columns: {', '.join(columns)}); use --text-field",
                    where,
                    item.label,
                )
                continue
            row = 0
            try:
                for obj in ds:
                    yield self.from_mapping(obj, f"{where}[{row}]", item.label)
                    row += 1
            except Exception as exc:
                yield _failure("unreadable", f"{where}: reading failed after row {row} ({exc})", f"{where}[{row}]", item.label)

    def unsupported(self, item: InputItem) -> Iterator[dict[str, Any]]:
        yield _failure(
            "unsupported-file-type",
            f"{item.label}: not a type educorpus reads (.txt .text .md .html .htm .jsonl .json .parquet, datasets folders)",
            item.label,
            item.label,
        )


def iter_raw_records(
    inputs: Union[PathLike, Iterable[PathLike], list[InputItem]],
    *,
    text_field: str = "text",
    id_field: Optional[str] = None,
) -> Iterator[dict[str, Any]]:
    """Yield a raw record or a failure record for every input, in sorted input order.

    ``inputs`` are paths (or the result of :func:`plan_inputs`). Records are streamed: memory
    does not grow with the size of the input (except for the set of ids given so far).
    Raises :class:`DatasetError` at the call, as the build does before any work, for no inputs
    (an empty list), a missing one, or only empty directories (see :func:`plan_inputs`).
    """
    # an empty list is no inputs, whichever kind of list was meant
    plan = inputs if isinstance(inputs, list) and inputs and all(isinstance(i, InputItem) for i in inputs) else plan_inputs(inputs)  # type: ignore[arg-type]
    return _records(plan, _Reader(text_field, id_field))


def _records(plan: list[InputItem], reader: "_Reader") -> Iterator[dict[str, Any]]:
    handlers = {
        "text": reader.text_file,
        "html": reader.html_file,
        "jsonl": reader.jsonl_file,
        "json": reader.json_file,
        "parquet": reader.parquet_file,
        "saved-dataset": reader.dataset_folder,
        "hub-dataset": reader.dataset_folder,
        "unsupported": reader.unsupported,
    }
    for item in plan:
        yield from handlers[item.kind](item)
