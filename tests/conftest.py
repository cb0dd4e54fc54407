from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# property tests: a few hundred examples by default; EDUCORPUS_HYPOTHESIS=thorough for 10,000 each
settings.register_profile("default", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("EDUCORPUS_HYPOTHESIS", "default"))

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
SEEDS = ROOT / "seeds"
KINDS = ("in-the-wild", "synthetic", "negative", "known-failures")


def load_cases():
    """Every case of tests/cases/<step>/<kind>.json as a pytest param."""
    params = []
    for folder in sorted(p for p in CASES.iterdir() if p.is_dir()):
        for kind in KINDS:
            f = folder / f"{kind}.json"
            if not f.exists():
                continue
            for i, case in enumerate(json.loads(f.read_text(encoding="utf-8"))):
                marks = [pytest.mark.xfail(strict=True, reason=case.get("why", "known failure"))] if kind == "known-failures" else []
                params.append(pytest.param(folder.name, kind, case, id=f"{folder.name}/{kind}/{i}:{case['label'][:50]}", marks=marks))
    return params


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: minutes on a small machine; runs only with EDUCORPUS_SLOW=1")
    config.addinivalue_line(
        "markers", "ray_cluster: starts a Ray head of its own (17-25 s CPU; 55-85 s wall on 2 loaded cores); runs by default, CI too; -m 'not ray_cluster' leaves it out"
    )
