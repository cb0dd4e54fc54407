"""The edit bookkeeping: several passes of a step compose into one replayable log."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from educorpus.document import StepContext, apply_spans, replay


@st.composite
def passes(draw):
    text = draw(st.text(alphabet="abc教育,( )", max_size=30))
    steps = []
    cur = text
    for _ in range(draw(st.integers(1, 4))):
        cuts = sorted(draw(st.lists(st.integers(0, len(cur)), max_size=8)))
        spans = []
        last = -1
        for a, b in zip(cuts[::2], cuts[1::2]):
            if a <= last or (a == b and spans and spans[-1][1] == a):
                continue
            spans.append((a, b, draw(st.text(alphabet="xyz，", max_size=3)), draw(st.sampled_from(["r1", "r2"]))))
            last = b
        steps.append(spans)
        cur = apply_spans(cur, spans)
    return text, steps


@given(passes())
def test_multi_pass_edits_replay_from_the_step_input(case):
    text, steps = case
    ctx = StepContext(None, {}, {})
    ctx.begin("demo", text)
    cur = text
    for spans in steps:
        cur = ctx.replace(cur, spans)
    edits = ctx.finish()
    assert replay(text, edits) == cur
    for e in edits:
        assert text[e.position : e.position + len(e.before)] == e.before
        assert e.before != e.after


def test_two_insertions_at_one_place_replay_in_order():
    ctx = StepContext(None, {}, {})
    ctx.begin("demo", "ab")
    out = ctx.replace("ab", [(1, 1, "X", "r"), (1, 1, "Y", "r")])
    assert out == "aXYb"
    assert replay("ab", ctx.finish()) == "aXYb"


def test_merged_edits_name_each_rule_once_in_order_of_appearance():
    # a later pass's span touching an earlier edit merges with it: one edit, its rule the parts
    # of both, each once (one span in the group, and two)
    ctx = StepContext(None, {}, {})
    ctx.begin("demo", "abc")
    cur = ctx.replace("abc", [(1, 2, "X", "r1")])
    cur = ctx.replace(cur, [(1, 2, "Y", "r2")])
    cur = ctx.replace(cur, [(0, 2, "Z", "r1")])
    assert cur == "Zc"
    assert [(e.before, e.after, e.rule, e.position) for e in ctx.finish()] == [("ab", "Z", "r1+r2", 0)]

    ctx.begin("demo", "abcd")
    cur = ctx.replace("abcd", [(1, 3, "XY", "r1")])
    cur = ctx.replace(cur, [(1, 2, "P", "r2+r1"), (2, 3, "Q", "r3")])
    assert cur == "aPQd"
    assert [(e.before, e.after, e.rule, e.position) for e in ctx.finish()] == [("bc", "PQ", "r1+r2+r3", 1)]


def test_the_log_builds_edits_equal_to_the_dataclass():
    from educorpus.document import Edit, _edit

    args = ("normalize", "fullwidth-punct", ",", "，", 4, 2)
    made, plain = _edit(*args), Edit(*args)
    assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
    assert made.to_dict() == plain.to_dict()
