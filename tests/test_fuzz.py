"""A bounded slice of ``bench/fuzz_clean.py``: hostile page-shaped text through every target and
through ``only=``/``skip=`` subsets (hypothesis, fixed example counts, no deadline).

``tests/test_properties.py`` covers arbitrary and Chinese-heavy text without surrogates with the
default target; this file adds what the fuzzer found worth generating: surrogate code points,
line and paragraph separators, BOMs, zero-width joiners, combining marks, variation selectors,
PUA and astral characters, GBK/Big5 mojibake runs, long runs of ``&`` ``#`` ``?`` and pinyin notes,
HTML fragments, for each target script and for step subsets. The full run:
``PYTHONPATH=src python bench/fuzz_clean.py --examples 2000``.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from educorpus.config import TARGETS

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
try:
    import fuzz_clean
finally:
    sys.path.remove(str(ROOT / "bench"))

BOUNDED = settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@BOUNDED
@given(fuzz_clean.hostile, st.sampled_from([*TARGETS, None]))
def test_hostile_text_every_target(text, to):
    fuzz_clean.check(text, to)


@BOUNDED
@given(fuzz_clean.hostile, st.sets(st.sampled_from(fuzz_clean.STEPS)), st.sampled_from(["hans", None]))
def test_hostile_text_step_subsets(text, skip, to):
    fuzz_clean.check(text, to, skip=sorted(skip), idempotent=False)


@pytest.mark.parametrize("skip", [[], ["unicode"], ["mojibake", "substitution"]])
def test_check_accepts_what_the_library_promises(skip):
    # the checker itself: surrogates without the unicode step must raise, with it must not
    fuzz_clean.check("教\udcb5育\ud83d\ude00", "hans", skip=skip, idempotent=not skip)
