"""Narrowing a change to the characters that differ (educorpus.display), and its cost bound."""

from __future__ import annotations

import time

from educorpus.display import ALIGN_LIMIT, changed_parts, narrow_change


def test_a_one_to_one_conversion_is_compared_position_by_position():
    old, new = "他說，學校說明了", "他说，学校说明了"
    assert changed_parts(old, new) == [(1, 2, 1, 2), (3, 4, 3, 4), (5, 6, 5, 6)]


def test_text_that_moved_is_aligned_by_matching_not_by_position():
    # one character removed at the start and one added at the end: position by position every
    # character would differ
    old, new = "甲乙丙丁戊己庚辛", "乙丙丁戊己庚辛壬"
    assert changed_parts(old, new) == [(0, 1, 0, 0), (8, 8, 7, 8)]


def test_gap_joins_parts_close_together():
    assert changed_parts("甲,乙,丙", "甲，乙，丙") == [(1, 2, 1, 2), (3, 4, 3, 4)]
    assert changed_parts("甲,乙,丙", "甲，乙，丙", gap=1) == [(1, 4, 1, 4)]


def test_past_the_limit_unequal_lengths_are_one_change_without_the_common_ends():
    old = "甲" * 50 + "乙丙丁" + "戊" * 50
    new = "甲" * 50 + "丁乙" + "戊" * 50
    assert changed_parts(old, new) == [(50, 50, 50, 51), (51, 53, 52, 52)]
    assert changed_parts(old, new, limit=2) == [(50, 53, 50, 52)]


def test_past_the_limit_equal_lengths_are_still_compared_position_by_position():
    old = "說" + "甲" * 10 + "說"
    assert changed_parts(old, old.replace("說", "说"), limit=2) == [(0, 1, 0, 1), (11, 12, 11, 12)]


def test_a_one_megabyte_paragraph_is_narrowed_in_linear_time():
    # explain runs on a user's page: a converted paragraph of 1 MB, and one whose length changed
    # (past ALIGN_LIMIT: no SequenceMatcher, which would take hours)
    para = "這是學校說明會的內容，我們說了很多話。" * 18_000  # 342,000 characters, 1 MB of UTF-8
    conv = para.replace("這", "这").replace("學", "学").replace("說", "说").replace("會", "会").replace("們", "们").replace("話", "话")
    assert len(para) > ALIGN_LIMIT * 100
    t0 = time.process_time()
    changes = narrow_change(para, 0, para, conv)
    whole = narrow_change(para, 0, para, conv[:-1])
    took = time.process_time() - t0
    assert len(changes) == 18_000 * 6 and changes[0]["old"] == "這" and changes[1]["column"] == 3
    assert len(whole) == 1 and whole[0]["column"] == 1
    assert took < 10, took  # about 0.2 s of CPU on the 2-core machine


def test_diff_shows_a_paragraph_past_the_limit_whose_length_changed_as_one_change():
    # educorpus diff aligned every changed paragraph with SequenceMatcher, unbounded: a 1 MB
    # paragraph took hours. Past the limit it is one change, its common ends left out.
    from educorpus.dataset.diff import text_changes

    para = "這是學校說明會的內容，我們說了很多話。" * 200  # 3,800 characters
    new = para.replace("說", "说")[:-1]
    changes, more = text_changes("标题\n" + para, "标题\n" + new)
    assert not more and len(changes) == 1
    assert changes[0]["line"] == 2 and changes[0]["column"] == 5 and changes[0]["old"].startswith("說明會")
    # below the limit the same change is narrowed to its characters
    changes, more = text_changes(para[:190], new[:190], max_hunks=20)
    assert [c["old"] for c in changes] == ["說"] * 20 and not more
