"""The unicode step's trigger patterns match what their plain statements match.

unicode.py writes its signs of Latin mojibake as one pattern that starts with a character class,
so the regex engine can skip ahead in C; these properties keep it equal to the plain alternation,
and the step's page-at-once search of lines equal to searching every line.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from educorpus.cleaners import unicode as uc
from educorpus.cleaners._text import diff_spans

# Chinese, Latin, pinyin, Latin-1 mojibake material, entity material, and line separators
_ALPHABET = "教育a;#&1éÃ©\xa0\xb7\u0101\u01ce\u2014\u201c\u2122\ufffd\x85\x0b\x1c\r\n\u2028\u200b"
texts = st.text(alphabet=_ALPHABET, max_size=40)
_PLAIN_SIGNS = re.compile(uc._FTFY_SIGNS)
_PLAIN_ANYTHING = re.compile(uc._FTFY_SIGNS + f"|[{uc._OTHER}]")
_PLAIN_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\u0085\x0b\x0c]")


@settings(max_examples=500)
@given(texts)
def test_trigger_matches_the_plain_signs(text):
    assert [m.span() for m in uc._FTFY_TRIGGER.finditer(text)] == [m.span() for m in _PLAIN_SIGNS.finditer(text)]
    assert bool(uc._ANYTHING.search(text)) == bool(_PLAIN_ANYTHING.search(text))


def _ftfy_spans_every_line(text):
    spans = []
    pos = 0
    for line in text.splitlines(keepends=True):
        if _PLAIN_SIGNS.search(line):
            fixed, explanation = uc._ftfy_to_fixed_point(line)
            if fixed != line:
                rule = uc._ftfy_rule(explanation)
                spans.extend((pos + s, pos + e, r, rule) for s, e, r, _ in diff_spans(line, fixed, rule))
        pos += len(line)
    return spans


@settings(max_examples=300, deadline=None)
@given(texts)
def test_ftfy_spans_as_if_every_line_were_searched(text):
    assert uc.ftfy_spans(text) == _ftfy_spans_every_line(text)


@settings(max_examples=500)
@given(texts)
def test_line_breaks_match_the_plain_statement(text):
    assert [m.span() for m in uc._LINE_BREAKS.finditer(text)] == [m.span() for m in _PLAIN_LINE_BREAKS.finditer(text)]
