"""The default corpus steps and a small in-memory runner of the two-pass protocol.

:func:`default_steps` gives the corpus steps in the order they should run:

1. ``site-boilerplate`` first, so that the quality filters and the comparison of copies see
   pages without their site's template;
2. ``quality`` next, so that dedup never keeps a copy that a filter would then drop (a garbled
   or emptied copy cannot win over its clean sibling);
3. ``dedup`` last, exact and near duplicates in one step, so that one ranking decides the kept
   copy of a whole group of copies and every dropped copy names a record that stays.

:func:`run_corpus_steps` runs steps over a list of records held in memory (tests, scripts,
small corpora); ``educorpus build`` streams records from disk through the same protocol.

Not handled here: reading or writing datasets.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping, Optional, Union

from . import CorpusStep, Exclusion
from .dedup import Dedup
from .options import CorpusOptions
from .quality import QualityFilter
from .site import SiteBoilerplate


def default_steps(options: Union[CorpusOptions, Mapping[str, Any], None] = None) -> list[CorpusStep]:
    """Fresh corpus steps for ``options`` (a :class:`CorpusOptions`, a dict of its fields, or None).

    >>> [s.name for s in default_steps()]
    ['site-boilerplate', 'quality', 'dedup']
    >>> [s.name for s in default_steps({"quality": False, "dedup_exact": False, "dedup_near": False})]
    ['site-boilerplate']
    """
    if options is None:
        o = CorpusOptions()
    elif isinstance(options, CorpusOptions):
        o = options
    else:
        o = CorpusOptions.from_dict(dict(options))
    steps: list[CorpusStep] = []
    if o.site_boilerplate:
        steps.append(SiteBoilerplate(o))
    if o.quality:
        steps.append(QualityFilter(o))
    if o.dedup_exact or o.dedup_near:
        steps.append(Dedup(o))
    return steps


def run_corpus_steps(
    records: Iterable[dict[str, Any]], steps: Optional[list[CorpusStep]] = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Run ``steps`` (default: :func:`default_steps`) over ``records`` held in memory.

    Each step observes every record still in the corpus, finalizes, then applies to each. Returns
    ``(kept, exclusions, stats)``: the kept records in input order (the inputs are not mutated);
    one exclusion per dropped record, ``{"id", "step", "reason", "detail"}``; and per step its
    ``finalize()`` statistics with ``"kept"`` and ``"excluded"`` (counts per reason) added.
    Records read back from a dataset's data files, whose ``edits`` is a list of
    ``{step, rule, count}``, are taken as they are and returned in that form.

    >>> kept, excluded, stats = run_corpus_steps(
    ...     [{"id": "a", "text": "教育部發佈通知，要求各地做好秋季學期開學工作，確保師生安全返校。"},
    ...      {"id": "b", "text": "教育部发布通知,要求各地做好秋季学期开学工作,确保师生安全返校."}],
    ...     default_steps({"min_chars": 10}))
    >>> [r["id"] for r in kept], [(e["id"], e["reason"], e["detail"]["kept"]) for e in excluded]
    (['a'], [('b', 'exact-duplicate', 'a')])
    """
    current = list(records)
    # records read back from a dataset's files (datasets.load_dataset, pyarrow) carry ``edits`` as
    # the files store them, a list of {step, rule, count}; the steps read the summary form
    # {step: {rule: count}}. Such records come back in the form they came in.
    as_rows = any(isinstance(r.get("edits"), list) for r in current)
    if as_rows:
        current = [_summary_form(r) for r in current]
    if steps is None:
        steps = default_steps()
    exclusions: list[dict[str, Any]] = []
    stats: dict[str, Any] = {}
    for step in steps:
        for record in current:
            step.observe(record)
        step_stats = dict(step.finalize())
        survivors: list[dict[str, Any]] = []
        reasons: Counter[str] = Counter()
        for record in current:
            out = step.apply(record)
            if isinstance(out, Exclusion):
                reasons[out.reason] += 1
                exclusions.append(
                    {"id": record.get("id"), "step": step.name, "reason": out.reason, "detail": dict(out.detail)}
                )
            else:
                survivors.append(out)
        step_stats["kept"] = len(survivors)
        step_stats["excluded"] = dict(sorted(reasons.items()))
        stats[step.name] = step_stats
        current = survivors
    if as_rows:
        current = [_rows_form(r) for r in current]
    return current, exclusions, stats


def _summary_form(record: dict[str, Any]) -> dict[str, Any]:
    edits = record.get("edits")
    if not isinstance(edits, list):
        return record
    summary: dict[str, dict[str, int]] = {}
    for e in edits:
        rules = summary.setdefault(e["step"], {})
        rules[e["rule"]] = rules.get(e["rule"], 0) + int(e.get("count") or 0)
    return {**record, "edits": summary}


def _rows_form(record: dict[str, Any]) -> dict[str, Any]:
    edits = record.get("edits")
    if not isinstance(edits, dict):
        return record
    return {**record, "edits": [{"step": step, "rule": rule, "count": int(n)} for step, rules in edits.items() for rule, n in rules.items()]}
