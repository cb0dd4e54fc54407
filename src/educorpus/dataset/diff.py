"""``educorpus diff A B``: what changed between two versions of a dataset.

Records are matched by ``id``: added, removed, changed (and which fields changed), unchanged;
plus a few sample text diffs, and the differences of the manifests: config, library versions,
input files, exclusions per reason.

Memory: one small fingerprint per record of version A (8 bytes per column), never the texts;
the sample texts are fetched in a second pass.

Not handled here: records whose id changed (a different raw text gives a different id: it shows
as one removed and one added record).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any, Iterator, Optional, Union

from ..display import format_change, narrow_change, shorten as _short, visible as _visible
from .errors import DatasetError
from .versions import read_manifest

_DIGEST = 8
_SHOW_IDS = 10


def _data_files(folder: Path) -> list[Path]:
    files = sorted((folder / "data").glob("*.parquet"))
    if not files:
        raise DatasetError(f"{folder}: no data/*.parquet files; not a dataset version folder")
    return files


def unreadable_data_file(f: Path, exc: Exception) -> DatasetError:
    # Arrow's errors name no file ('Parquet magic bytes not found in footer'): a damaged or
    # truncated data file came out as a traceback, or as an OSError without a name
    return DatasetError(f"{f}: cannot read this data file ({exc}); the version folder is damaged or incomplete")


def _columns(folder: Path) -> list[str]:
    import pyarrow.parquet as pq

    f = _data_files(folder)[0]
    try:
        return list(pq.read_schema(f).names)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowIOError and ArrowInvalid
        raise unreadable_data_file(f, exc) from None


def _rows(folder: Path, columns: list[str]) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    for f in _data_files(folder):
        try:  # (an exception of the consumer is not raised at the yield: only reading is caught)
            for batch in pq.ParquetFile(f).iter_batches(batch_size=1024, columns=columns):
                yield from batch.to_pylist()
        except (OSError, ValueError) as exc:
            raise unreadable_data_file(f, exc) from None


def _digest(value: Any) -> bytes:
    if isinstance(value, str):
        blob = b"s" + value.encode("utf-8", "surrogatepass")
    else:
        blob = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return hashlib.blake2b(blob, digest_size=_DIGEST).digest()


def text_changes(old: str, new: str, *, context: int = 12, max_hunks: int = 6) -> tuple[list[dict[str, Any]], bool]:
    r"""The changed spans of ``old`` → ``new``, paragraph by paragraph: ``(changes, more)``.

    Each change is ``{"line", "column", "old", "new", "before", "after"}``: where it starts in
    ``old`` (1-based line and column), the removed and added text, and up to ``context``
    characters of ``old`` around it. ``more`` is true when changes after ``max_hunks`` were left out.

    >>> text_changes("甲\n9月8日,淄博市召开会议", "甲\n9月8日，淄博市召开会议")
    ([{'line': 2, 'column': 5, 'old': ',', 'new': '，', 'before': '9月8日', 'after': '淄博市召开会议'}], False)
    """
    a_lines, b_lines = old.split("\n"), new.split("\n")
    lines = difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False)
    pairs: list[tuple[int, str, str]] = []  # (index of the first line in old, old part, new part)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            pairs.extend((i1 + k, a, b) for k, (a, b) in enumerate(zip(a_lines[i1:i2], b_lines[j1:j2])))
        else:
            pairs.append((i1, "\n".join(a_lines[i1:i2]), "\n".join(b_lines[j1:j2])))
    changes: list[dict[str, Any]] = []
    for first_line, a, b in pairs:
        # narrowed as every report narrows a change (in linear time past display.ALIGN_LIMIT:
        # SequenceMatcher over a 1 MB paragraph would take hours)
        for change in narrow_change(a, 0, a, b, context=context):
            if len(changes) >= max_hunks:
                return changes, True
            change["line"] += first_line
            changes.append(change)
    return changes, False


def inline_diff(old: str, new: str, *, context: int = 12, max_hunks: int = 6) -> list[str]:
    """Changed spans as ``…context[-removed-]{+added+}context…``, paragraph by paragraph.

    >>> inline_diff("9月8日,淄博市召开会议", "9月8日，淄博市召开会议")
    ['…9月8日[-,-]{+，+}淄博市召开会议…']
    """
    changes, more = text_changes(old, new, context=context, max_hunks=max_hunks)
    return [format_change(c) for c in changes] + (["…"] if more else [])


def edit_changes(a: Optional[list[dict[str, Any]]], b: Optional[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The step/rule counts that differ between two records' ``edits`` (0 where a rule is absent).

    >>> edit_changes([{"step": "pinyin", "rule": "note", "count": 3}, {"step": "normalize", "rule": "fullwidth-punct", "count": 2}],
    ...              [{"step": "normalize", "rule": "fullwidth-punct", "count": 2}, {"step": "normalize", "rule": "blank-line", "count": 1}])
    [{'step': 'normalize', 'rule': 'blank-line', 'a': 0, 'b': 1}, {'step': 'pinyin', 'rule': 'note', 'a': 3, 'b': 0}]
    """
    counts: dict[tuple[str, str], list[int]] = {}
    # B's order first (its steps in run order), then what only A has
    for side, edits in ((1, b), (0, a)):
        for e in edits or []:
            counts.setdefault((e["step"], e["rule"]), [0, 0])[side] += int(e.get("count") or 0)
    return [{"step": st, "rule": ru, "a": x, "b": y} for (st, ru), (x, y) in counts.items() if x != y]


def _dict_changes(a: dict[str, Any], b: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [a.get(k), b.get(k)] for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}


def _input_changes(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    fa = {f["path"]: f.get("sha256") for f in (a.get("files") or [])}
    fb = {f["path"]: f.get("sha256") for f in (b.get("files") or [])}
    added = [p for p in fb if p not in fa]
    removed = [p for p in fa if p not in fb]
    changed = [p for p in fb if p in fa and fa[p] != fb[p]]
    return {
        "same": a.get("sha256") == b.get("sha256"),
        "added": len(added),
        "removed": len(removed),
        "changed": len(changed),
        "added_files": added[:_SHOW_IDS],
        "removed_files": removed[:_SHOW_IDS],
        "changed_files": changed[:_SHOW_IDS],
    }


def diff_folders(a: Union[str, os.PathLike], b: Union[str, os.PathLike], *, samples: int = 3, changes: int = 6) -> dict[str, Any]:
    """Compare two version folders; a JSON-ready dict (see :func:`format_diff` for reading it).

    ``samples`` changed records are shown with their first ``changes`` text changes each.
    """
    a, b = Path(a), Path(b)
    ma, mb = read_manifest(a), read_manifest(b)
    cols_a, cols_b = _columns(a), _columns(b)
    if "id" not in cols_a or "id" not in cols_b:
        raise DatasetError(f"{a if 'id' not in cols_a else b}: the data files have no id column")
    common = [c for c in cols_b if c in cols_a and c != "id"]

    index: dict[str, bytes] = {}
    n_a = 0
    for row in _rows(a, ["id", *common]):
        n_a += 1
        index[row["id"]] = b"".join(_digest(row[c]) for c in common)
    n_b = added = changed = unchanged = 0
    changed_fields: Counter = Counter()
    added_ids: list[str] = []
    changed_ids: list[str] = []
    sample_rows: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for row in _rows(b, ["id", *common]):
        n_b += 1
        old = index.pop(row["id"], None)
        if old is None:
            added += 1
            if len(added_ids) < _SHOW_IDS:
                added_ids.append(row["id"])
            continue
        new = b"".join(_digest(row[c]) for c in common)
        if new == old:
            unchanged += 1
            continue
        changed += 1
        fields = [c for i, c in enumerate(common) if old[i * _DIGEST : (i + 1) * _DIGEST] != new[i * _DIGEST : (i + 1) * _DIGEST]]
        changed_fields.update(fields)
        if len(changed_ids) < _SHOW_IDS:
            changed_ids.append(row["id"])
        if len(sample_rows) < samples:
            sample_rows[row["id"]] = (row, fields)
    removed_ids = list(index)[:_SHOW_IDS]
    removed = len(index)
    del index

    sample_list = []
    if sample_rows:
        old_rows: dict[str, dict[str, Any]] = {}
        for row in _rows(a, ["id", *common]):
            if row["id"] in sample_rows:
                old_rows[row["id"]] = row
                if len(old_rows) == len(sample_rows):
                    break
        for rid, (row, fields) in sample_rows.items():
            old = old_rows.get(rid, {})
            entry: dict[str, Any] = {"id": rid, "source_path": row.get("source_path"), "fields": fields}
            if "text" in fields:
                found, more = text_changes(old.get("text") or "", row.get("text") or "", max_hunks=changes)
                entry["text_diff"] = [format_change(c) for c in found] + (["…"] if more else [])
                entry["text_changes"] = [{k: c[k] for k in ("line", "column", "old", "new")} for c in found]
                entry["text_changes_more"] = more
            if "edits" in fields:
                entry["edits"] = edit_changes(old.get("edits"), row.get("edits"))
            entry["values"] = {
                f: [_short(old.get(f)), _short(row.get(f))] for f in fields if f not in ("text", "raw", "edits")
            }
            sample_list.append(entry)

    ca, cb = ma.get("counts") or {}, mb.get("counts") or {}
    ra, rb = ca.get("exclusions_by_reason") or {}, cb.get("exclusions_by_reason") or {}
    return {
        "from": ma.get("version"),
        "to": mb.get("version"),
        "a": str(a),
        "b": str(b),
        "records": {
            "a": n_a,
            "b": n_b,
            "added": added,
            "removed": removed,
            "changed": changed,
            "unchanged": unchanged,
            "added_ids": added_ids,
            "removed_ids": removed_ids,
            "changed_ids": changed_ids,
        },
        "changed_fields": dict(sorted(changed_fields.items(), key=lambda kv: (-kv[1], kv[0]))),
        "columns": {"added": [c for c in cols_b if c not in cols_a], "removed": [c for c in cols_a if c not in cols_b]},
        "config": _dict_changes(ma.get("config") or {}, mb.get("config") or {}),
        "config_sha256": [ma.get("config_sha256"), mb.get("config_sha256")],
        "corpus_steps": [ma.get("corpus_steps"), mb.get("corpus_steps")] if ma.get("corpus_steps") != mb.get("corpus_steps") else None,
        "libraries": _dict_changes(ma.get("libraries") or {}, mb.get("libraries") or {}),
        "inputs": _input_changes(ma.get("inputs") or {}, mb.get("inputs") or {}),
        "exclusions": {
            "a": ca.get("exclusions", 0),
            "b": cb.get("exclusions", 0),
            "by_reason": {r: [ra.get(r, 0), rb.get(r, 0)] for r in sorted(set(ra) | set(rb)) if ra.get(r, 0) != rb.get(r, 0)},
        },
        "samples": sample_list,
    }


def diff_versions(a: Union[str, os.PathLike], b: Union[str, os.PathLike], *, samples: int = 3, changes: int = 6) -> dict[str, Any]:
    """Public name of :func:`diff_folders`: ``educorpus diff A B``."""
    for p in (a, b):
        if not Path(p).is_dir():
            raise DatasetError(f"{p}: no such version folder")
    return diff_folders(a, b, samples=samples, changes=changes)


def _fmt_value(v: Any) -> str:
    """A value in the text report: strings quoted with invisible characters escaped, others as JSON."""
    if isinstance(v, str):
        return "'" + _visible(v) + "'"
    return json.dumps(v, ensure_ascii=False)


def format_diff(d: dict[str, Any]) -> str:
    """A readable report of :func:`diff_folders`'s result."""
    r = d["records"]
    out = [f"{d['a']} ({d['from']}) → {d['b']} ({d['to']})"]
    out.append(
        f"records: {r['a']} → {r['b']}: {r['added']} added, {r['removed']} removed, "
        f"{r['changed']} changed, {r['unchanged']} unchanged"
    )
    if d["changed_fields"]:
        out.append("changed fields: " + ", ".join(f"{k} {v}" for k, v in d["changed_fields"].items()))
    if d["columns"]["added"] or d["columns"]["removed"]:
        out.append(f"columns: added {d['columns']['added'] or '-'}, removed {d['columns']['removed'] or '-'}")
    for label, key in (("added", "added_ids"), ("removed", "removed_ids"), ("changed", "changed_ids")):
        ids = r[key]
        if ids:
            more = r[label] - len(ids)
            out.append(f"  {label}: " + ", ".join(ids) + (f" (+{more} more)" if more > 0 else ""))
    if d["config"]:
        out.append("config:")
        out.extend(f"  {k}: {_fmt_value(a)} → {_fmt_value(b)}" for k, (a, b) in d["config"].items())
    if d.get("corpus_steps"):
        a, b = d["corpus_steps"]
        out.append(f"corpus steps: {a} → {b}")
    if d["libraries"]:
        out.append("libraries:")
        out.extend(f"  {k}: {a} → {b}" for k, (a, b) in d["libraries"].items())
    inp = d["inputs"]
    if inp["same"]:
        out.append("inputs: identical")
    else:
        out.append(f"inputs: {inp['added']} files added, {inp['removed']} removed, {inp['changed']} changed")
        for key in ("added_files", "removed_files", "changed_files"):
            if inp[key]:
                out.append(f"  {key.split('_')[0]}: " + ", ".join(inp[key]))
    ex = d["exclusions"]
    out.append(f"exclusions: {ex['a']} → {ex['b']}")
    out.extend(f"  {reason}: {a} → {b}" for reason, (a, b) in ex["by_reason"].items())
    if d["samples"]:
        out.append("samples (changed records; text as [-removed-]{+added+} at line:column of the older text):")
        for s in d["samples"]:
            out.append(f"  {s['id']} ({s['source_path']}): {', '.join(s['fields'])} changed")
            changes = s.get("text_changes")
            if changes is not None:
                out.append("    text:")
                width = max((len(f"{c['line']}:{c['column']}") for c in changes), default=0)
                for c, shown in zip(changes, s["text_diff"]):
                    out.append(f"      {c['line']}:{c['column']}".ljust(width + 6) + f"  {shown}")
                if s.get("text_changes_more"):
                    out.append("      … (more changes not shown: --changes N shows more)")
            elif s.get("text_diff"):  # a result of an older diff_folders, without positions
                out.append("    text:")
                out.extend(f"      {h}" for h in s["text_diff"])
            if s.get("edits"):
                out.append("    edits (step/rule: count in the older → the newer):")
                out.extend(f"      {e['step']}/{e['rule']}: {e['a']} → {e['b']}" for e in s["edits"])
            for f, (a, b) in s["values"].items():
                out.append(f"    {f}: {_fmt_value(a)} → {_fmt_value(b)}")
    return "\n".join(out) + "\n"
