"""ftfy's own test cases (tests/peer/ftfy, Apache-2.0) through ``clean(..., only=["unicode"])``.

The cases ftfy fixes must still be fixed, apart from the differences this project makes on
purpose: it keeps curly quotes and full-width forms (Chinese text needs ``，：（！`` and “”), and
drops stray C1 control characters. Those cases are listed in
``tests/peer/ftfy_known_differences.json`` with the reason and the output we give instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import educorpus

PEER = Path(__file__).parent / "peer" / "ftfy" / "test-cases"
KNOWN = json.loads((Path(__file__).parent / "peer" / "ftfy_known_differences.json").read_text(encoding="utf-8"))


def _cases():
    out = []
    for f in sorted(PEER.glob("*.json")):
        for i, case in enumerate(json.loads(f.read_text(encoding="utf-8"))):
            if case["expect"] == "pass":
                out.append(pytest.param(f"{f.stem}/{i}", case, id=f"{f.stem}/{i}"))
    return out


@pytest.mark.parametrize("key,case", _cases())
def test_ftfy_case(key, case):
    ours = educorpus.clean(case["original"], only=["unicode"])
    if key in KNOWN:
        assert KNOWN[key]["label"] == case["label"]
        assert ours == KNOWN[key]["ours"] != case["fixed"], KNOWN[key]["reason"]
    else:
        assert ours == case["fixed"]


def test_known_differences_are_few_and_explained():
    assert len(KNOWN) <= 30
    assert all(v["reason"] for v in KNOWN.values())
