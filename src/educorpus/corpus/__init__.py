"""Corpus-level steps: work that needs more than one document at a time.

The dataset build runs each corpus step in two passes over the cleaned records, in input order:
``observe(record)`` for every record, then ``finalize()`` (decide; return JSON-able statistics for
the manifest), then ``apply(record)`` for every record, which returns the record (possibly with
changed text) or an :class:`Exclusion` with a named reason. Records are plain dicts in the
dataset's schema (``id``, ``text``, ``title``, ``published``, ``source``, ``url``, ``script_in``,
``source_path``, ``raw_sha256``, ``spun_score``, ``flags``, ``n_chars``, ``edits`` — a summary
``{step: {rule: count}}`` — and ``site``, the URL host or the source, used for site learning).

A step that changes ``text`` in ``apply`` updates ``n_chars`` and adds its counts to
``edits[step.name]``. State kept between the passes must be small per record (hashes,
signatures), never the texts themselves, so memory stays bounded however large the corpus.

Not handled here: reading inputs and writing the dataset (``educorpus build``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


@dataclass(frozen=True)
class Exclusion:
    """Why a record leaves the dataset: a named ``reason`` and JSON-able ``detail``."""

    reason: str
    detail: dict[str, Any] = field(default_factory=dict)


class CorpusStep:
    """Base of corpus-level steps; the defaults observe nothing and keep every record."""

    name: str = ""
    description: str = ""

    def observe(self, record: dict[str, Any]) -> None:
        return None

    def finalize(self) -> dict[str, Any]:
        return {}

    def apply(self, record: dict[str, Any]) -> Union[dict[str, Any], Exclusion]:
        return record


# the steps and their runner import the protocol above, so they come last
from .options import CorpusOptions  # noqa: E402
from .runner import default_steps, run_corpus_steps  # noqa: E402
