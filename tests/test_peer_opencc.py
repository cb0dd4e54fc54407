"""OpenCC's own test data (tests/peer/opencc, Apache-2.0) through ``educorpus.convert_script``.

Every case of ``testcases.json`` (JSON with trailing commas) and ``legacy_testcases/*.in/.ans``
must pass for every config, and the ``golden`` outputs must be reproduced, except where the
project's protection deliberately differs from OpenCC: those places are listed with the reason in
``tests/peer/opencc_known_differences.json``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from educorpus import convert_script

PEER = Path(__file__).parent / "peer" / "opencc"
KNOWN = json.loads((Path(__file__).parent / "peer" / "opencc_known_differences.json").read_text(encoding="utf-8"))


def _testcases():
    text = (PEER / "testcases.json").read_text(encoding="utf-8")
    data = json.loads(re.sub(r",(\s*[\]}])", r"\1", text))  # the file has trailing commas
    return [
        pytest.param(case["input"], config, expected, id=f"{case['id']}-{config}")
        for case in data["cases"]
        for config, expected in case["expected"].items()
    ]


def _legacy():
    params = []
    for f in sorted((PEER / "legacy_testcases").glob("*.in")):
        ins = f.read_text(encoding="utf-8").split("\n")
        ans = f.with_suffix(".ans").read_text(encoding="utf-8").split("\n")
        assert len(ins) == len(ans), f
        params += [pytest.param(a, f.stem, b, id=f"{f.stem}-{i}") for i, (a, b) in enumerate(zip(ins, ans)) if a or b]
    return params


TESTCASES = _testcases()
LEGACY = _legacy()


def test_suite_is_complete():
    # 543 cases over 16 configs in testcases.json, as DESIGN.md counts them
    assert len(TESTCASES) == 543
    assert len({p.values[1] for p in TESTCASES}) == 16
    assert len(LEGACY) >= 50


@pytest.mark.parametrize("text,config,expected", TESTCASES)
def test_opencc_testcases(text, config, expected):
    assert convert_script(text, config) == expected


@pytest.mark.parametrize("text,config,expected", LEGACY)
def test_opencc_legacy_testcases(text, config, expected):
    assert convert_script(text, config) == expected


@pytest.mark.parametrize("path", sorted((PEER / "golden" / "output").glob("*.txt")), ids=lambda p: p.name)
def test_opencc_golden(path):
    config = path.name.split(".")[1]
    if config.endswith("_jieba"):
        pytest.skip("output of OpenCC built with its jieba segmentation plugin, not part of the opencc package")
    expected = path.read_text(encoding="utf-8")
    for diff in KNOWN["golden"]:
        assert expected.count(diff["opencc"]) == 1, diff
        expected = expected.replace(diff["opencc"], diff["ours"])
    text = (PEER / "golden" / "input" / path.name.split(".")[0]).with_suffix(".txt").read_text(encoding="utf-8")
    assert convert_script(text, config) == expected


def test_known_differences_are_explained():
    assert all(d["reason"] and d["opencc"] != d["ours"] for d in KNOWN["golden"])
