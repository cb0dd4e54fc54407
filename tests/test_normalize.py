"""The normalize step's span finders agree with the patterns that state its rules.

The finders scan for runs in C and decide in Python once per run (see normalize.py); these
properties keep them equal to the plain statements of the rules they replace.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from educorpus.cleaners import normalize as nz

# the characters the rules look at: Chinese, Latin, digits, ASCII and full-width punctuation and
# brackets, the spaces of _WS, and newlines
_ALPHABET = "教育ab1%,:;!?()（），。 \t\u00a0\u3000\n"
texts = st.text(alphabet=_ALPHABET, max_size=60)


@settings(max_examples=400)
@given(texts)
def test_blank_lines_found_as_the_pattern_states(text):
    expected = [
        (m.start(), m.end(), "" if m.start() == 0 or m.end() == len(text) else "\n", "blank-lines")
        for m in nz._BLANK_LINES.finditer(text)
    ]
    assert nz.blank_line_spans(text) == expected


@settings(max_examples=400)
@given(texts)
def test_whitespace_found_as_the_pattern_states(text):
    expected = [
        (m.start(), m.end(), "" if m.group("edge") else " ", "whitespace")
        for m in nz._WHITESPACE.finditer(text)
        if m.group("edge") or m.group() != " "
    ]
    assert nz.whitespace_spans(text) == expected


@settings(max_examples=400)
@given(texts)
def test_punctuation_found_as_the_pattern_states(text):
    expected = [
        (m.start(), m.end(), m.group().translate(nz._FULLWIDTH), "fullwidth-punct")
        for m in nz._PUNCT_AFTER_CJK.finditer(text)
    ]
    assert nz.punctuation_spans(text) == expected


def _paren_spans_line_by_line(text):
    # the statement of the bracket rule, line by line
    spans = []
    line_start = 0
    for line in text.split("\n"):
        stack = []
        for i, ch in enumerate(line):
            if ch in "(（":
                stack.append(i)
            elif ch in ")）" and stack:
                j = stack.pop()
                if (line[j] == "(" or ch == ")") and nz._HAS_CJK.search(line[j + 1 : i]):
                    if line[j] == "(":
                        spans.append((line_start + j, line_start + j + 1, "（", "fullwidth-paren"))
                    if ch == ")":
                        spans.append((line_start + i, line_start + i + 1, "）", "fullwidth-paren"))
        line_start += len(line) + 1
    return sorted(spans)


@settings(max_examples=400)
@given(texts)
def test_brackets_found_as_the_rule_states(text):
    assert nz.paren_spans(text) == _paren_spans_line_by_line(text)


@settings(max_examples=3000)
@given(texts)
def test_normalize_is_idempotent(text):
    # a space the step drops can bring an ASCII mark next to Chinese context, and converting a
    # mark can bring a space next to it: the step goes on until neither has work left, so that
    # cleaning its own output changes nothing
    once = nz.normalize(text)
    assert nz.normalize(once) == once


def test_a_mark_a_dropped_space_exposes_is_converted_in_the_same_run():
    assert nz.normalize("束?? ?熁") == "束？？？熁"
    assert nz.normalize("中文， ? ， ?x") == "中文，？，？x"
    # ... and only there: after Latin text or a kept space the ASCII mark stays
    assert nz.normalize("Hello, world ?") == "Hello, world ?"
    assert nz.normalize("教育 ?") == "教育 ?"
