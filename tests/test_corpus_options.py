"""Corpus options: typed, frozen, round-tripping; each step can be switched off."""

from __future__ import annotations

import dataclasses

import pytest

from educorpus.corpus import CorpusOptions, default_steps


def test_round_trip_and_fingerprint():
    o = CorpusOptions(near_threshold=0.6, max_spun_score=0.8, site_boilerplate=False)
    again = CorpusOptions.from_dict(o.to_dict())
    assert again == o and again.fingerprint() == o.fingerprint() != CorpusOptions().fingerprint()
    with pytest.raises(dataclasses.FrozenInstanceError):
        o.near_threshold = 0.1


def test_unknown_option_lists_the_known_ones():
    with pytest.raises(ValueError, match="near_treshold.*near_threshold"):
        CorpusOptions.from_dict({"near_treshold": 0.5})


def test_a_value_of_the_wrong_type_names_the_option():
    # from the command line (--corpus-option near_threshold=abc) or a hand-written JSON file:
    # it failed later as "'<=' not supported between instances of 'float' and 'str'"
    with pytest.raises(ValueError, match="near_threshold must be a number, not 'abc'"):
        CorpusOptions.from_dict({"near_threshold": "abc"})
    with pytest.raises(ValueError, match="quality must be true or false, not 'no'"):
        CorpusOptions.from_dict({"quality": "no"})
    with pytest.raises(ValueError, match=r"min_chars must be a whole number or null \(off\), not 50.5"):
        CorpusOptions.from_dict({"min_chars": 50.5})
    # JSON's 1 is a number; None turns a threshold off
    assert CorpusOptions.from_dict({"near_threshold": 1, "max_spun_score": None}).near_threshold == 1


def test_lsh_shape_is_checked():
    with pytest.raises(ValueError, match="exceeds num_perm"):
        CorpusOptions(num_perm=64, lsh_bands=32, lsh_rows=3)


@pytest.mark.parametrize(
    "off, expected",
    [
        ({}, ["site-boilerplate", "quality", "dedup"]),
        ({"site_boilerplate": False}, ["quality", "dedup"]),
        ({"quality": False}, ["site-boilerplate", "dedup"]),
        ({"dedup_exact": False}, ["site-boilerplate", "quality", "dedup"]),
        ({"dedup_exact": False, "dedup_near": False}, ["site-boilerplate", "quality"]),
    ],
)
def test_each_step_can_be_switched_off(off, expected):
    assert [s.name for s in default_steps(CorpusOptions(**off))] == expected
    assert [s.name for s in default_steps(off)] == expected  # a plain dict works too


def test_default_steps_are_fresh_objects():
    a, b = default_steps(), default_steps()
    assert all(x is not y for x, y in zip(a, b))
