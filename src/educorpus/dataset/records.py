"""Cleaning raw records into dataset records, and the declared schema of the dataset's files.

A dataset record (the dict corpus steps see, see :mod:`educorpus.corpus`) has the columns of
:data:`DATA_COLUMNS` plus ``site`` (URL host or source, for site-level learning) and ``raw`` (the
raw text, kept in the build's spill so that an excluded record can be written with its raw text;
written to the data files only with ``keep_raw``). ``edits`` is ``{step: {rule: count}}`` in
memory and a list of ``{step, rule, count}`` in the files.

Not handled here: reading inputs (:mod:`.inputs`) and writing files (:mod:`.writer`).
"""

from __future__ import annotations

import json
from collections import Counter
from operator import attrgetter
from typing import Any, Optional
from urllib.parse import urlsplit

from .. import pipeline
from ..config import CleanConfig
from .inputs import META_KEYS, is_failure

#: (column, arrow type name, description) of the data config, in file order
DATA_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "string", "stable id: the input's id field, or the first 16 hex digits of SHA-256 of the raw text"),
    ("text", "string", "the cleaned text, one paragraph per line"),
    ("title", "string", "title (from the input, or found in the page by the boilerplate step)"),
    ("published", "string", "publication date/time as found"),
    ("source", "string", "publishing organisation (来源)"),
    ("author", "string", "author (作者)"),
    ("editor", "string", "editor (编辑/责任编辑)"),
    ("url", "string", "URL, when the input has one"),
    ("script_in", "string", "script the page came in: hans, hant or mixed"),
    ("source_path", "string", "where the raw text was read: file, file:line, file[row]"),
    ("raw_sha256", "string", "SHA-256 of the raw text (UTF-8)"),
    ("encoding", "string", "encoding the raw bytes were decoded from"),
    ("replaced_bytes", "int64", "undecodable bytes (and lone surrogate escapes in JSON) replaced by U+FFFD while reading"),
    ("spun_score", "float64", "how likely the text was machine-spun (0 = not scored or clean)"),
    ("flags", "list<string>", "findings reported but not changed (rule names)"),
    ("n_chars", "int64", "characters in text"),
    ("edits", "list<struct<step, rule, count>>", "edits per step and rule"),
    ("extra", "string", "other fields of the input record, as a JSON object"),
)
RAW_COLUMN = ("raw", "string", "the raw text (only with --keep-raw)")

#: (column, arrow type name, description) of the exclusions config
EXCLUSION_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "string", "id of the record (empty when the input could not be read)"),
    ("source_path", "string", "where the input was read"),
    ("stage", "string", "input, clean, or the name of the corpus step that excluded it"),
    ("reason", "string", "named reason, e.g. undecodable, broken-json, exact-duplicate"),
    ("detail", "string", "what happened, as a JSON object (message, kept id, scores ...)"),
    ("title", "string", "title, when known"),
    ("url", "string", "URL, when known"),
    ("raw_sha256", "string", "SHA-256 of the raw text, when there is one"),
    ("raw_text", "string", "the raw text, when there is one"),
)


def _arrow_type(name: str):
    import pyarrow as pa

    if name == "string":
        return pa.string()
    if name == "int64":
        return pa.int64()
    if name == "float64":
        return pa.float64()
    if name == "list<string>":
        return pa.list_(pa.string())
    if name.startswith("list<struct"):
        return pa.list_(pa.struct([("step", pa.string()), ("rule", pa.string()), ("count", pa.int64())]))
    raise ValueError(name)


def data_schema(keep_raw: bool = False):
    import pyarrow as pa

    cols = list(DATA_COLUMNS) + ([RAW_COLUMN] if keep_raw else [])
    return pa.schema([pa.field(n, _arrow_type(t), nullable=(n != "id")) for n, t, _ in cols])


def exclusion_schema():
    import pyarrow as pa

    return pa.schema([pa.field(n, _arrow_type(t)) for n, t, _ in EXCLUSION_COLUMNS])


def site_of(url: Optional[str], source: Optional[str]) -> Optional[str]:
    """The site a record belongs to: its URL host, else its source.

    >>> site_of("http://www.moe.gov.cn/a.html", "教育部"), site_of(None, "新华网")
    ('www.moe.gov.cn', '新华网')
    """
    if url:
        try:
            host = urlsplit(url if "//" in url else "//" + url).hostname
        except ValueError:
            host = None
        if host:
            return host
    return source or None


def edit_summary(doc) -> dict[str, dict[str, int]]:
    """``{step: {rule: count}}`` of a :class:`~educorpus.document.Document`, steps in run order."""
    out: dict[str, dict[str, int]] = {}
    # counted in C over (step, rule) pairs, grouped by step after (a build summarises about
    # 27,000 edits per MB); the pairs' first appearances keep the steps in run order
    for (step, rule), n in Counter(map(_STEP_RULE, doc.edits)).items():
        out.setdefault(step, {})[rule] = n
    return {step: dict(sorted(c.items())) for step, c in out.items()}


_STEP_RULE = attrgetter("step", "rule")


def clean_raw(raw: dict[str, Any], config: CleanConfig):
    """Clean one raw record: ``(record, document)``, or ``(failure, None)``.

    Input metadata is given to the steps and wins over what they find in the page: a title in a
    structured input is more reliable than one guessed from the text.
    """
    if is_failure(raw):
        return raw, None
    meta_in = raw.get("meta") or {}
    try:
        doc = pipeline.run(raw["text"], config, meta=dict(meta_in))
    except Exception as exc:  # a bug in one step must not stop the build; the record is kept as an exclusion
        return {
            "failure": "cleaning-error",
            "stage": "clean",
            "detail": f"{raw['source_path']}: {type(exc).__name__}: {exc}",
            "source_path": raw["source_path"],
            "input": raw.get("input"),
            "raw_text": raw["text"],
            "raw_sha256": raw["raw_sha256"],
            "id": raw["id"],
            "meta": meta_in,
        }, None
    meta = doc.meta
    for k, v in meta_in.items():
        meta[k] = v
    text = doc.text
    if not text.strip():
        return {
            "failure": "empty-after-cleaning",
            "stage": "clean",
            "detail": f"{raw['source_path']}: nothing left after cleaning ({len(doc.edits)} edits)",
            "source_path": raw["source_path"],
            "input": raw.get("input"),
            "raw_text": raw["text"],
            "raw_sha256": raw["raw_sha256"],
            "id": raw["id"],
            "meta": {k: meta.get(k) for k in META_KEYS if meta.get(k) is not None},
        }, doc

    def s(key: str) -> Optional[str]:
        v = meta.get(key)
        return None if v is None else str(v)

    extra = raw.get("extra")
    record = {
        "id": raw["id"],
        "text": text,
        "title": s("title"),
        "published": s("published"),
        "source": s("source"),
        "author": s("author"),
        "editor": s("editor"),
        "url": s("url"),
        "script_in": s("script_in"),
        "source_path": raw["source_path"],
        "raw_sha256": raw["raw_sha256"],
        "encoding": raw.get("encoding"),
        "replaced_bytes": int(raw.get("replaced_bytes") or 0),
        "spun_score": float(doc.scores.get("spun", 0.0)),
        "flags": [str(f) for f in (meta.get("flags") or [])],
        "n_chars": len(text),
        "edits": edit_summary(doc),
        "extra": json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None,
        "site": site_of(s("url"), s("source")),
        "raw": raw["text"],
    }
    return record, doc


def clean_chunk(chunk: list[dict[str, Any]], config: CleanConfig):
    """Clean a list of raw records: ``(records and failures in order, Stats of the cleaned ones)``."""
    stats = pipeline.Stats()
    out = []
    for raw in chunk:
        rec, doc = clean_raw(raw, config)
        if doc is not None:
            stats.add(doc)
        out.append(rec)
    return out, stats


def data_row(record: dict[str, Any], keep_raw: bool) -> dict[str, Any]:
    """A record as a row of the data files."""
    row = {name: record.get(name) for name, _t, _d in DATA_COLUMNS}
    row["edits"] = [
        {"step": step, "rule": rule, "count": int(n)} for step, rules in (record.get("edits") or {}).items() for rule, n in rules.items()
    ]
    row["flags"] = list(record.get("flags") or [])
    if keep_raw:
        row["raw"] = record.get("raw")
    return row


def exclusion_row(
    *,
    stage: str,
    reason: str,
    detail: Any,
    record: dict[str, Any],
) -> dict[str, Any]:
    """A row of the exclusions config, from a failure record or from an excluded dataset record."""
    meta = record.get("meta") or {}
    raw_text = record.get("raw") if "raw" in record else record.get("raw_text")
    return {
        "id": record.get("id"),
        "source_path": record.get("source_path"),
        "stage": stage,
        "reason": reason,
        "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
        "title": record.get("title", meta.get("title")),
        "url": record.get("url", meta.get("url")),
        "raw_sha256": record.get("raw_sha256"),
        "raw_text": raw_text,
    }
