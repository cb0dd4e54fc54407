"""The tables a process builds once for the mojibake search are invisible to Python's cycle
collector once it has seen them: tuples and dicts of strings, numbers and bytes, not lists and
sets, which every full collection visits again (they cost about 10% of a mojibake-heavy
pipeline's CPU; see charstats.frozen_lists)."""

from __future__ import annotations

import gc
from pathlib import Path

from educorpus.charstats import frozen_lists, wordstats
from educorpus.cleaners import _big5, _redecode
from educorpus.cleaners.mojibake import fix_mojibake

ROOT = Path(__file__).resolve().parent.parent


def test_frozen_lists_keeps_keys_values_and_order():
    index = {"a": [3, 1, 2], "b": [], "c": (1,), "d": "xy"}
    assert frozen_lists(index) == {"a": (3, 1, 2), "b": (), "c": (1,), "d": "xy"}
    assert list(frozen_lists(index)) == ["a", "b", "c", "d"]


def test_search_tables_leave_the_cycle_collectors_view():
    # seed 000 makes the search build its tables (two-byte codecs, UTF-8 and Big5 indexes, word index)
    text = (ROOT / "seeds" / "000_92af0b51e8934e6d.txt").read_text(encoding="utf-8")
    assert fix_mojibake(text) != text
    assert fix_mojibake("鏁欒偛閮ㄥ叧浜庤繘涓€姝ュ姞寮?") == "教育部关于进一步加强"
    _big5._word_index().get("教")
    gc.collect()
    gc.collect()
    tables = {
        "WordStats heads": wordstats()._heads,
        "gb18030 pairs by lead": _redecode.two_byte("gb18030").by_lead,
        "gb18030 valid pairs": _redecode.valid_pairs("gb18030"),
        "big5 sorted words": _big5._word_index()._sorted,
        "big5 words of 教": _big5._word_index().get("教"),
    }
    tracked = [name for name, table in tables.items() if gc.is_tracked(table)]
    assert tracked == []
    # and what they hold: no list or set inside
    by_lead = _redecode.two_byte("gb18030").by_lead
    assert all(type(v) is tuple for v in by_lead.values())
