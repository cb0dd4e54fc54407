"""Narrowing a change to the characters that differ (educorpus.display), and its cost bound."""

from __future__ import annotations

import random
import time

from educorpus.display import ALIGN_LIMIT, changed_parts, narrow_change

HAN = "".join(map(chr, range(0x4E00, 0x4E00 + 2000)))


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


def test_past_the_limit_unequal_lengths_are_walked_once():
    # a page whose every paragraph changed (commas widened, blank lines dropped): past the limit
    # the texts are walked, resuming where six characters agree again, with the same result here
    rng = random.Random(1)
    paragraphs = ["".join(rng.choice(HAN) for _ in range(10)) for _ in range(200)]
    old = "\n\n".join(f"{p[:5]},{p[5:]}。" for p in paragraphs)
    new = "\n".join(f"{p[:5]}，{p[5:]}。" for p in paragraphs)
    walked = changed_parts(old, new)
    assert len(old) > ALIGN_LIMIT and walked == changed_parts(old, new, limit=len(old))
    assert [(old[i1:i2], new[j1:j2]) for i1, i2, j1, j2 in walked[:3]] == [(",", "，"), ("\n", ""), (",", "，")]


def test_a_difference_longer_than_the_walk_looks_ahead_is_one_change():
    old = "甲" * 10 + "".join(map(chr, range(0x4E00, 0x4E00 + 300))) + "，" + "尾" * 10
    new = "甲" * 10 + "".join(map(chr, range(0x5E00, 0x5E00 + 299))) + "," + "尾" * 10
    assert changed_parts(old, new, limit=2) == [(10, 311, 10, 310)]


def test_parts_always_describe_the_change_exactly():
    # whatever the alignment (by position, SequenceMatcher, walked), the text between parts is
    # equal on both sides and the parts rebuild the new text from the old
    rng = random.Random(3)
    for _ in range(2000):
        old = "".join(rng.choice("甲乙丙丁，,\n") for _ in range(rng.randint(0, 60)))
        chars = list(old)
        for _ in range(rng.randint(0, 6)):
            k, op = rng.randint(0, len(chars)), rng.random()
            if op < 0.4:
                chars.insert(k, rng.choice("甲乙戊，"))
            elif chars:
                k = min(k, len(chars) - 1)
                if op < 0.7:
                    del chars[k]
                else:
                    chars[k] = "己"
        new = "".join(chars)
        for limit in (0, 3, ALIGN_LIMIT):
            for gap in (0, 2):
                parts = changed_parts(old, new, gap=gap, limit=limit)
                rebuilt, i = [], 0
                for i1, i2, j1, j2 in parts:
                    assert i1 >= i and old[i:i1] == new[len("".join(rebuilt)) : len("".join(rebuilt)) + i1 - i]
                    rebuilt += [old[i:i1], new[j1:j2]]
                    i = i2
                assert "".join(rebuilt) + old[i:] == new
                assert (parts == []) == (old == new)


def test_past_the_limit_equal_lengths_are_still_compared_position_by_position():
    old = "說" + "甲" * 10 + "說"
    assert changed_parts(old, old.replace("說", "说"), limit=2) == [(0, 1, 0, 1), (11, 12, 11, 12)]


def test_a_one_megabyte_paragraph_is_narrowed_in_linear_time():
    # explain runs on a user's page: a converted paragraph of 1 MB, and one whose length changed
    # (past ALIGN_LIMIT: no SequenceMatcher, which would take hours)
    para = "這是學校說明會的內容，我們說了很多話。" * 18_000  # 342,000 characters, 1 MB of UTF-8
    conv = para.replace("這", "这").replace("學", "学").replace("說", "说").replace("會", "会").replace("們", "们").replace("話", "话")
    assert len(para) > ALIGN_LIMIT * 100
    spaced = para.replace("，", ",").replace("。", "。\n\n")  # commas narrowed, blank lines added
    t0 = time.process_time()
    changes = narrow_change(para, 0, para, conv)
    walked = narrow_change(para, 0, para, spaced)
    whole = narrow_change(para, 0, para, conv[:-1])  # no six characters agree: one change
    took = time.process_time() - t0
    assert len(changes) == 18_000 * 6 and changes[0]["old"] == "這" and changes[1]["column"] == 3
    assert len(walked) == 18_000 * 2 and {(c["old"], c["new"]) for c in walked} == {("，", ","), ("", "\n\n")}
    assert len(whole) == 1 and whole[0]["column"] == 1
    assert took < 10, took  # about 0.5 s of CPU on the 2-core machine


def test_diff_narrows_a_paragraph_past_the_limit_in_linear_time():
    # educorpus diff aligned every changed paragraph with SequenceMatcher, unbounded: this one
    # took 10 s of CPU, a 1 MB one hours. Past the limit it is walked (linear), still narrowed.
    from educorpus.dataset.diff import text_changes

    para = "這是學校說明會的內容，我們說了很多話。" * 200  # 3,800 characters
    new = para.replace("說", "说").replace("。", "。\n\n")
    t0 = time.process_time()
    changes, more = text_changes("标题\n" + para, "标题\n" + new, max_hunks=5)
    took = time.process_time() - t0
    assert more and [(c["line"], c["column"], c["old"], c["new"]) for c in changes] == [
        (2, 5, "說", "说"),
        (2, 14, "說", "说"),
        (2, 20, "", "\n\n"),
        (2, 24, "說", "说"),
        (2, 33, "說", "说"),
    ]
    assert took < 3, took  # 0.01 s


def test_diff_shows_a_paragraph_converted_throughout_past_the_limit_as_one_change():
    # no six characters agree again after the first difference: the walk stops, the rest is one
    # change (its common ends left out), cut to head…tail when shown
    from educorpus.dataset.diff import text_changes

    para = "這是學校說明會的內容，我們說了很多話。" * 200
    conv = para.replace("這", "这").replace("學", "学").replace("說", "说").replace("會", "会").replace("們", "们").replace("話", "话")
    changes, more = text_changes("标题\n" + para, "标题\n" + conv[:-1])
    assert not more and len(changes) == 1 and changes[0]["line"] == 2 and changes[0]["column"] == 1
    # below the limit the same change is narrowed to its characters
    changes, more = text_changes(para[:190], conv[:190], max_hunks=200)
    assert len(changes) == 60 and not more
