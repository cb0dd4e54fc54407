"""_big5's word index, built per first character on first use, equals the index a single pass
over the dictionary builds."""

from __future__ import annotations

import math

from educorpus.charstats import wordstats
from educorpus.cleaners import _big5


def test_word_index_parts_equal_the_one_pass_index():
    # each part must be the one a single pass over the dictionary builds, in the same order
    # (the search breaks ties by it)
    words = wordstats()
    ref: dict = {}
    for w, f in words.freq.items():
        if 2 <= len(w) <= _big5.MAX_WORD:
            ref.setdefault(w[0], {}).setdefault(w[1], []).append((w, math.log(f) - words.log_total))
    index = _big5._word_index()
    for first, part in ref.items():
        got = index.get(first)
        # (the parts hold tuples: tables kept for the process, see charstats.frozen_lists)
        assert list(got) == list(part) and {k: list(v) for k, v in got.items()} == part
    assert index.get("x") is None and index.get("\u3000") is None
