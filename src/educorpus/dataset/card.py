"""The dataset card (``README.md``): YAML front matter for the Hub, and a summary people can read.

Everything on the card comes from the manifest (and the diff against the previous version), so
the card is as deterministic as the data: it holds no time stamp.

Not handled here: editing a card after the build (users may edit the license and description
by hand; a rebuild writes a new version with a new card).
"""

from __future__ import annotations

import json
from typing import Any, Optional

from .records import DATA_COLUMNS, EXCLUSION_COLUMNS, RAW_COLUMN

_SIZES = [
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
]


def size_category(n: int) -> str:
    """The Hub's size category for ``n`` records.

    >>> size_category(4), size_category(1000), size_category(25_000)
    ('n<1K', '1K<n<10K', '10K<n<100K')
    """
    for limit, label in _SIZES:
        if n < limit:
            return label
    return "n>1B"


def has_exclusions(manifest: dict[str, Any]) -> bool:
    return bool(manifest["counts"]["exclusions"])


def front_matter(manifest: dict[str, Any]) -> dict[str, Any]:
    opts = manifest.get("build_options") or {}
    configs: list[dict[str, Any]] = [
        {"config_name": "default", "default": True, "data_files": [{"split": "train", "path": "data/train-*"}]}
    ]
    if has_exclusions(manifest):  # datasets cannot load a config whose split is empty
        configs.append({"config_name": "exclusions", "data_files": [{"split": "train", "path": "exclusions/train-*"}]})
    return {
        "license": opts.get("license") or "unknown",
        "language": ["zh"],
        "pretty_name": manifest["name"],
        "size_categories": [size_category(manifest["counts"]["records"])],
        "task_categories": ["text-generation"],
        "task_ids": ["language-modeling"],
        "tags": ["education", "chinese", "educorpus"],
        "configs": configs,
    }


def _n(x: Any) -> str:
    return f"{x:,}" if isinstance(x, int) else str(x)


def _cell(x: Any) -> str:
    return str(x).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}%" if total else "-"


def _command(manifest: dict[str, Any]) -> str:
    opts = manifest.get("build_options") or {}
    args = (manifest.get("inputs") or {}).get("arguments") or ["INPUT"]
    parts = ["educorpus build", *args, "--out DIR", f"--name {manifest['name']}", f"--version {manifest['version']}"]
    if opts.get("text_field") not in (None, "text"):
        parts.append(f"--text-field {opts['text_field']}")
    if opts.get("id_field"):
        parts.append(f"--id-field {opts['id_field']}")
    if opts.get("keep_raw"):
        parts.append("--keep-raw")
    if opts.get("license"):
        parts.append(f"--license {opts['license']}")
    if manifest.get("config") != _default_config():
        parts.append("--config config.json")
    return " ".join(parts)


def _default_config() -> dict[str, Any]:
    from ..config import CleanConfig

    return CleanConfig().to_dict()


def _changelog(manifest: dict[str, Any], changes: Optional[dict[str, Any]]) -> list[str]:
    out = ["## Changelog", ""]
    prev = manifest.get("previous_version")
    if not prev:
        return out + [f"### {manifest['version']}", "", "First version of this dataset.", ""]
    out += [f"### {manifest['version']} (compared with {prev})", ""]
    if not changes or "error" in changes:
        return out + [f"The previous version could not be compared: {(changes or {}).get('error', 'unknown error')}.", ""]
    r = changes["records"]
    out.append(
        f"- Records: {_n(r['a'])} → {_n(r['b'])} ({_n(r['added'])} added, {_n(r['removed'])} removed, "
        f"{_n(r['changed'])} changed, {_n(r['unchanged'])} unchanged)."
    )
    if changes["changed_fields"]:
        out.append("- Changed fields: " + ", ".join(f"`{k}` ({_n(v)})" for k, v in changes["changed_fields"].items()) + ".")
    if changes["config"]:
        out.append(
            "- Config: "
            + "; ".join(f"`{k}`: `{json.dumps(a, ensure_ascii=False)}` → `{json.dumps(b, ensure_ascii=False)}`" for k, (a, b) in changes["config"].items())
            + "."
        )
    else:
        out.append("- Config: unchanged.")
    if changes.get("corpus_steps"):
        a, b = changes["corpus_steps"]
        out.append(f"- Corpus steps: {a} → {b}.")
    if changes["libraries"]:
        out.append("- Libraries: " + "; ".join(f"{k} {a} → {b}" for k, (a, b) in changes["libraries"].items()) + ".")
    inp = changes["inputs"]
    if inp["same"]:
        out.append("- Inputs: identical.")
    else:
        out.append(f"- Inputs: {inp['added']} files added, {inp['removed']} removed, {inp['changed']} changed.")
    ex = changes["exclusions"]
    line = f"- Exclusions: {_n(ex['a'])} → {_n(ex['b'])}"
    if ex["by_reason"]:
        line += " (" + ", ".join(f"{k} {a} → {b}" for k, (a, b) in ex["by_reason"].items()) + ")"
    out.append(line + ".")
    samples = [s for s in changes.get("samples") or [] if s.get("text_diff")]
    if samples:
        out += ["", "Sample text changes (`[-removed-]{+added+}`):", ""]
        for s in samples:
            out.append(f"- `{s['id']}` ({s['source_path']}):")
            out += [f"  - {h}" for h in s["text_diff"][:4]]
    return out + [""]


def render_card(manifest: dict[str, Any], changes: Optional[dict[str, Any]] = None) -> str:
    """The whole ``README.md``: front matter, summary, fields, how it was made, changelog."""
    import yaml

    c = manifest["counts"]
    s = manifest["summary"]
    st = manifest["stats"]
    name, version = manifest["name"], manifest["version"]
    records = c["records"]
    yaml_text = yaml.safe_dump(front_matter(manifest), allow_unicode=True, sort_keys=False, default_flow_style=False)
    lines = ["---", yaml_text.rstrip("\n"), "---", ""]
    lines += [
        f"# {name}",
        "",
        f"Chinese web pages about education (news, notices, announcements), cleaned by "
        f"educorpus {manifest['libraries'].get('educorpus')}. Version **{version}**.",
        "",
    ]
    excl_by_reason = c.get("exclusions_by_reason") or {}
    excl_text = _n(c["exclusions"])
    if excl_by_reason:
        excl_text += " (" + ", ".join(f"{k} {_n(v)}" for k, v in excl_by_reason.items()) + ")"
    lines += _table(
        ["", ""],
        [
            ["records", _n(records)],
            ["characters", _n(c["characters"])],
            ["average characters per record", _n(round(c["characters"] / records)) if records else "-"],
            ["excluded", excl_text],
            ["input files", _n(c["input_files"])],
            ["raw records read", _n(c["raw_records"])],
        ],
    )
    lines += [
        "",
        "## Loading",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        f'ds = load_dataset("ORG/{name}", split="train")  # or the path of this folder',
        *([f'excluded = load_dataset("ORG/{name}", "exclusions", split="train")'] if has_exclusions(manifest) else []),
        "```",
        "",
        "Every record the build read is either in the default config or in `exclusions`, with the reason."
        + ("" if has_exclusions(manifest) else " This version excluded nothing, so it has no `exclusions` config."),
        "",
        "## Summary",
        "",
        "### Scripts the pages came in",
        "",
    ]
    lines += _table(["script_in", "records", "share"], [[k, _n(v), _pct(v, records)] for k, v in s["scripts"].items()])
    lines += ["", f"### Sources (top 10 of {_n(s['distinct_sources'])})", ""]
    lines += _table(["source", "records", "share"], [[k, _n(v), _pct(v, records)] for k, v in list(s["sources"].items())[:10]])
    lines += ["", "### Cleaning steps", "", f"Over the {_n(st['documents'])} documents cleaned (before corpus steps):", ""]
    step_rows = [
        [f"`{k}`", _n(v["changed"]), _n(v["edits"]), _n(v["chars_removed"]), _n(v["chars_added"])] for k, v in st["steps"].items()
    ]
    lines += _table(["step", "documents changed", "edits", "characters removed", "characters added"], step_rows or [["(no edits)", 0, 0, 0, 0]])
    if manifest.get("corpus_stats"):
        lines += ["", "### Corpus steps", ""]
        lines += _table(
            ["step", "records in", "records out", "excluded", "rewritten", "characters removed"],
            [
                [f"`{k}`", _n(v["records_in"]), _n(v["records_out"]), ", ".join(f"{r} {_n(n)}" for r, n in v["excluded"].items()) or "0", _n(v["rewritten"]), _n(v["chars_removed"])]
                for k, v in manifest["corpus_stats"].items()
            ],
        )
    rules = sorted(
        ((f"{step}/{rule}", n) for step, v in st["steps"].items() for rule, n in v["rules"].items()), key=lambda kv: (-kv[1], kv[0])
    )
    lines += ["", "### Top rules", ""]
    lines += _table(["step/rule", "edits"], [[f"`{k}`", _n(n)] for k, n in rules[:15]] or [["(none)", 0]])
    if s.get("flags"):
        lines += ["", "### Flags (reported, not changed)", ""]
        lines += _table(["flag", "records"], [[f"`{k}`", _n(v)] for k, v in list(s["flags"].items())[:15]])
    hist = s["spun_score_histogram"]
    top = max(hist.values()) if hist else 0
    lines += ["", "### Spun-score histogram", "", "```"]
    for label, n in hist.items():
        bar = "█" * (round(30 * n / top) if top else 0)
        lines.append(f"{label}  {bar} {_n(n)}")
    lines += ["```", ""]
    by_stage = c.get("exclusions_by_stage") or {}
    if excl_by_reason:
        lines += ["### Exclusions", ""]
        lines += _table(["stage", "records"], [[k, _n(v)] for k, v in by_stage.items()])
        lines.append("")
        lines += _table(["reason", "records"], [[f"`{k}`", _n(v)] for k, v in excl_by_reason.items()])
        lines.append("")
    lines += ["## Fields", "", "Default config (`data/train-*.parquet`):", ""]
    cols = list(DATA_COLUMNS) + ([RAW_COLUMN] if (manifest.get("build_options") or {}).get("keep_raw") else [])
    lines += _table(["column", "type", "description"], [[f"`{n}`", t, d] for n, t, d in cols])
    lines += ["", "Config `exclusions` (`exclusions/train-*.parquet`):", ""]
    lines += _table(["column", "type", "description"], [[f"`{n}`", t, d] for n, t, d in EXCLUSION_COLUMNS])
    lines += [
        "",
        "## How it was made",
        "",
        f"Built with `{_command(manifest)}` (config below). Same inputs, config and "
        "library versions give byte-identical data files; `manifest.json` records all of them, the "
        "input files' SHA-256 and the per-step and per-rule statistics.",
        "",
        f"- Config hash (SHA-256): `{manifest['config_sha256']}`",
        f"- Input fingerprint (SHA-256 over {_n(c['input_files'])} files): `{manifest['inputs']['sha256']}`",
        f"- Corpus steps: {', '.join(f'`{x}`' for x in manifest.get('corpus_steps') or []) or 'none'}",
        "",
        "```json",
        json.dumps(manifest["config"], ensure_ascii=False, indent=2, sort_keys=True),
        "```",
        "",
    ]
    lines += _table(["library", "version"], [[k, v or "not installed"] for k, v in manifest["libraries"].items()])
    lines.append("")
    lines += _changelog(manifest, changes)
    license_ = (manifest.get("build_options") or {}).get("license")
    lines += ["## License", ""]
    if license_:
        lines.append(f"`{license_}` (as declared by the builder). The pages keep their publishers' rights.")
    else:
        lines.append(
            "Not set (`license: unknown`): set it with `educorpus build --license ...` or edit the front matter. "
            "The pages keep their publishers' rights."
        )
    return "\n".join(lines) + "\n"
