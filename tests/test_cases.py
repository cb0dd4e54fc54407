"""Runs tests/cases/<step>/*.json: expected output, metadata, replayable edits, idempotence."""

from __future__ import annotations

import pytest

import educorpus

from .conftest import load_cases

CASES = load_cases()


def _options(step: str, case: dict) -> dict:
    options = dict(case.get("options", {}))
    if step != "pipeline" and "only" not in options and "skip" not in options:
        options["only"] = [step]
    return options


@pytest.mark.parametrize("step,kind,case", CASES)
def test_case(step, kind, case):
    doc = educorpus.clean_and_explain(case["input"], **_options(step, case))
    expected = case["input"] if kind == "negative" and "expected" not in case else case["expected"]
    assert doc.text == expected
    for key, value in case.get("meta", {}).items():
        assert doc.meta.get(key) == value, key
    if kind == "negative":
        assert doc.edits == []
    assert doc.replay(case["input"]) == doc.text


@pytest.mark.parametrize("step,kind,case", [c for c in CASES if not c.marks])
def test_pipeline_idempotent_on_case(step, kind, case):
    once = educorpus.clean(case["input"])
    assert educorpus.clean(once) == once
