"""The public entry points: ``clean``, ``clean_and_explain`` and ``clean_batch``.

Each takes the same keyword options, which map onto :class:`~educorpus.config.CleanConfig`.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from . import pipeline
from .config import _UNSET, CleanConfig, resolve_config
from .document import Document

# columns clean_batch adds (besides ``clean_text``), always present, None when unknown
BATCH_META_COLUMNS = ("title", "published", "source", "author", "editor", "script_in", "script_region")


def clean_and_explain(
    text: str,
    *,
    to: Optional[str] = _UNSET,
    only: Optional[Iterable[str]] = _UNSET,
    skip: Optional[Iterable[str]] = _UNSET,
    config: Optional[CleanConfig] = None,
) -> Document:
    """Clean ``text`` and explain it: the :class:`Document` has ``.text``, ``.meta``, ``.edits``, ``.scores``.

    >>> doc = clean_and_explain("9月8日,淄博市")
    >>> doc.text, [(e.step, e.rule, e.before, e.after, e.position) for e in doc.edits]
    ('9月8日，淄博市', [('normalize', 'fullwidth-punct', ',', '，', 4)])
    """
    cfg = resolve_config(config, to=to, only=only, skip=skip)
    return pipeline.run(text, cfg)


def clean(
    text: str,
    *,
    to: Optional[str] = _UNSET,
    only: Optional[Iterable[str]] = _UNSET,
    skip: Optional[Iterable[str]] = _UNSET,
    config: Optional[CleanConfig] = None,
) -> str:
    """Clean one page of text and return the cleaned text.

    ``to`` is the target script (``"hans"`` by default; ``None`` keeps the page's script);
    ``only``/``skip`` take step names from :data:`educorpus.STEPS`; ``config`` a
    :class:`CleanConfig` whose fields the keywords override.

    >>> clean("  发布会上,他说:好!  ")
    '发布会上，他说：好！'
    """
    return clean_and_explain(text, to=to, only=only, skip=skip, config=config).text


def clean_batch(
    batch: dict[str, list],
    *,
    text_column: str = "text",
    to: Optional[str] = _UNSET,
    only: Optional[Iterable[str]] = _UNSET,
    skip: Optional[Iterable[str]] = _UNSET,
    config: Optional[CleanConfig] = None,
) -> dict[str, list]:
    """Clean a batch in ``datasets`` layout (``{column: [values]}``), for ``Dataset.map(batched=True)``.

    Returns the input columns unchanged plus ``clean_text``, the metadata columns
    ``title, published, source, author, editor, script_in, script_region`` (strings or None), ``n_edits`` and
    ``spun_score`` (float, 0.0 when no step scores spinning).

    >>> out = clean_batch({"text": ["9月8日,淄博市"], "id": [7]})
    >>> out["clean_text"], out["id"], out["title"]
    (['9月8日，淄博市'], [7], [None])
    """
    if text_column not in batch:
        raise KeyError(f"batch has no column {text_column!r}; columns: {', '.join(batch) or '(none)'}")
    cfg = resolve_config(config, to=to, only=only, skip=skip)
    out: dict[str, list] = {k: list(v) for k, v in batch.items()}
    added: dict[str, list] = {"clean_text": [], **{c: [] for c in BATCH_META_COLUMNS}, "n_edits": [], "spun_score": []}
    for i, text in enumerate(batch[text_column]):
        if not isinstance(text, str):
            # datasets.map passes batches, so i is not the dataset's row number: say so, and how
            # to get rid of such rows (a None text is the usual case)
            raise TypeError(
                f"row {i} of this batch, column {text_column!r}, is {type(text).__name__}, not str; "
                f"drop or fill such rows first, e.g. ds.filter(lambda r: isinstance(r[{text_column!r}], str))"
            )
        doc = pipeline.run(text, cfg)
        added["clean_text"].append(doc.text)
        for c in BATCH_META_COLUMNS:
            v = doc.meta.get(c)
            added[c].append(None if v is None else str(v))
        added["n_edits"].append(len(doc.edits))
        added["spun_score"].append(float(doc.scores.get("spun", 0.0)))
    out.update(added)
    return out


def describe_steps() -> list[tuple[str, str]]:
    """``(name, description)`` of every implemented step, in pipeline order."""
    return [(s.name, s.description) for s in pipeline.steps()]
