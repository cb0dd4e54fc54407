"""Step ``normalize``: Chinese punctuation back to full width, whitespace, one paragraph per line.

Pages and converters fold full-width punctuation to ASCII (``9月8日,淄博市``); this step restores
``，：；！？`` after Chinese text and ``（）`` around Chinese content, collapses spaces and
indentation (ASCII, no-break and ideographic spaces), and drops blank lines, so the output holds
one paragraph per line.

Not handled: ASCII punctuation that follows Latin text or digits (``1:1``, ``3.48亿元``,
``NASDAQ:YY``, URLs, e-mail addresses keep their ASCII), full stops (``.`` is too often a decimal
point or an abbreviation), and straight double quotes (their direction cannot be known locally).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..document import Span, StepContext, apply_spans
from ..pipeline import Step
from ._text import CJK_CONTEXT, HAN, KANA

_FULLWIDTH = str.maketrans(",:;!?()", "，：；！？（）")
# ASCII punctuation right after Chinese text (a run, so `?!` converts as a whole), or between a
# percentage and Chinese text (`占比38.3%,布局`)
_PUNCT_AFTER_CJK = re.compile(f"(?<=[{CJK_CONTEXT}])[,:;!?]+|(?<=%)[,;](?=[{HAN}])")
_HAS_CJK = re.compile(f"[{HAN}{KANA}]")
_PARENS = re.compile("[()（）]")

_WS = "[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
_WS_NOT_SPACE = "[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
_OPEN_OR_STOP = "，。、；：！？"
_CLOSE_OR_STOP = "，。、；：！？）》」』】〕"
_WHITESPACE = re.compile(
    f"(?m)(?P<edge>^{_WS}+|{_WS}+$|(?<=[{_OPEN_OR_STOP}]){_WS}+|{_WS}+(?=[{_CLOSE_OR_STOP}]))"
    f"|(?P<run>{_WS}{{2,}}|{_WS_NOT_SPACE})"
)
_BLANK_LINES = re.compile(r"\A\n+|\n+\Z|\n{2,}")


def punctuation_spans(text: str) -> list[Span]:
    """Spans turning ASCII ``,:;!?`` after Chinese text (or a full-width bracket) full width."""
    return [
        (m.start(), m.end(), m.group().translate(_FULLWIDTH), "fullwidth-punct")
        for m in _PUNCT_AFTER_CJK.finditer(text)
    ]


def paren_spans(text: str) -> list[Span]:
    """Spans turning a matched ``( )`` pair whose content holds Chinese full width.

    One linear pass with a stack, so nesting depth costs nothing; a pair mixing ASCII and full
    width is completed. Runs before :func:`punctuation_spans`, so ``(全国8个),`` gets both.
    """
    spans: list[Span] = []
    if "(" not in text and ")" not in text:
        return spans
    line_start = 0
    for line in text.split("\n"):
        if ("(" in line or ")" in line) and _HAS_CJK.search(line):
            cjk_at = [m.start() for m in _HAS_CJK.finditer(line)]
            stack: list[int] = []
            for m in _PARENS.finditer(line):
                i = m.start()
                if line[i] in "(（":
                    stack.append(i)
                elif stack:
                    j = stack.pop()
                    if line[j] == "(" or line[i] == ")":
                        k = bisect_right(cjk_at, j)
                        if k < len(cjk_at) and cjk_at[k] < i:  # Chinese inside the pair
                            if line[j] == "(":
                                spans.append((line_start + j, line_start + j + 1, "（", "fullwidth-paren"))
                            if line[i] == ")":
                                spans.append((line_start + i, line_start + i + 1, "）", "fullwidth-paren"))
        line_start += len(line) + 1
    spans.sort()
    return spans


def whitespace_spans(text: str) -> list[Span]:
    """Spans dropping indentation, trailing and punctuation-adjacent space; runs become one space."""
    return [
        (m.start(), m.end(), "" if m.group("edge") else " ", "whitespace")
        for m in _WHITESPACE.finditer(text)
        if m.group("edge") or m.group() != " "
    ]


def blank_line_spans(text: str) -> list[Span]:
    return [
        (m.start(), m.end(), "" if m.start() == 0 or m.end() == len(text) else "\n", "blank-lines")
        for m in _BLANK_LINES.finditer(text)
    ]


_PASSES = (paren_spans, punctuation_spans, whitespace_spans, blank_line_spans)


def normalize(text: str) -> str:
    """The whole step as a pure function.

    >>> normalize("  9月8日,淄博市(资料图)召开会议:  NASDAQ:YY, 3.48亿元 1:1\\n\\n\\n\\u3000\\u3000下一段")
    '9月8日，淄博市（资料图）召开会议：NASDAQ:YY, 3.48亿元 1:1\\n下一段'
    >>> normalize("Hello, world (see http://a.b/c?d=1)")
    'Hello, world (see http://a.b/c?d=1)'
    """
    for spans_of in _PASSES:
        text = apply_spans(text, spans_of(text))
    return text


def run(text: str, ctx: StepContext) -> str:
    for spans_of in _PASSES:
        text = ctx.replace(text, spans_of(text))
    return text


STEP = Step(
    "normalize",
    "ASCII punctuation after Chinese back to full width; spaces, indentation, blank lines; one paragraph per line",
    run,
    fix_field=lambda value, _ctx: normalize(value),
)
