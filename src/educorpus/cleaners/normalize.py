"""Step ``normalize``: Chinese punctuation back to full width, whitespace, one paragraph per line.

Pages and converters fold full-width punctuation to ASCII (``9月8日,淄博市``); this step restores
``，：；！？`` after Chinese text and ``（）`` around Chinese content, collapses spaces and
indentation (ASCII, no-break and ideographic spaces), and drops blank lines, so the output holds
one paragraph per line.

Not handled: ASCII punctuation that follows Latin text or digits (``1:1``, ``3.48亿元``,
``NASDAQ:YY``, URLs, e-mail addresses keep their ASCII), emoticons (``好饱了:)``, ``:-(``), full
stops (``.`` is too often a decimal point or an abbreviation), and straight double quotes (their
direction cannot be known locally).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..document import Span, StepContext, apply_spans
from ..pipeline import Step
from ._text import CJK_CONTEXT, HAN, KANA

_FULLWIDTH = str.maketrans(",:;!?()", "，：；！？（）")
# ASCII punctuation right after Chinese text (a run, so `?!` converts as a whole), or between a
# percentage and Chinese text (`占比38.3%,布局`)
#
# A colon or semicolon that a bracket follows with nothing to enclose is the eye of an emoticon,
# not a mark (``吃得好饱了:)``, ``上网:-)``, ``纸太糙了:(``): converted, the face is broken. A colon
# opening a bracketed item (``如下:(一)``, ``:(1)``) has a character after its bracket and converts.
_MOUTH = r"-?\)|-?\((?![\w(（])"
_MARK = f"(?:[,!?]|[:;](?!{_MOUTH}))"
_PUNCT_AFTER_CJK = re.compile(f"(?<=[{CJK_CONTEXT}]){_MARK}+|(?<=%)[,;](?=[{HAN}])")
# what _PUNCT_AFTER_CJK matches (tests/test_normalize.py checks it), written to start with
# the punctuation class: the engine scans in C for the next ASCII mark, instead of trying the
# lookbehinds at every position of the page; a run converts as a whole after Chinese context
# (its first mark has Chinese before it: any later mark has a mark before it, so only the run's
# start can match the first branch), or `%,` / `%;` before Chinese converts its one mark
_PUNCT_SPANS = re.compile(
    f"[,:;!?](?:(?<=[{CJK_CONTEXT}][,!?])|(?<=[{CJK_CONTEXT}][:;])(?!{_MOUTH})){_MARK}*|[,;](?<=%[,;])(?=[{HAN}])"
)
_HAS_CJK = re.compile(f"[{HAN}{KANA}]")
_PARENS = re.compile("[()（）]")
_ASCII_PAREN = re.compile("[()]")

_WS = "[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
_WS_NOT_SPACE = "[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
_OPEN_OR_STOP = "，。、；：！？"
_CLOSE_OR_STOP = "，。、；：！？）》」』】〕"
_WHITESPACE = re.compile(
    f"(?m)(?P<edge>^{_WS}+|{_WS}+$|(?<=[{_OPEN_OR_STOP}]){_WS}+|{_WS}+(?=[{_CLOSE_OR_STOP}]))"
    f"|(?P<run>{_WS}{{2,}}|{_WS_NOT_SPACE})"
)
# every match of _WHITESPACE is a whole maximal run of _WS (neither alternative can start or end
# inside one), so the step finds the runs with a plain character class (the engine scans for it
# in C) and decides in Python, once per run, what the alternatives would have decided
_WS_RUN = re.compile(f"{_WS}+")
_BLANK_LINES = re.compile(r"\A\n+|\n+\Z|\n{2,}")
_NEWLINE_RUNS = re.compile("\n\n+")


def punctuation_spans(text: str) -> list[Span]:
    """Spans turning ASCII ``,:;!?`` after Chinese text (or a full-width bracket) full width."""
    return [(m.start(), m.end(), m.group().translate(_FULLWIDTH), "fullwidth-punct") for m in _PUNCT_SPANS.finditer(text)]


def paren_spans(text: str) -> list[Span]:
    """Spans turning a matched ``( )`` pair whose content holds Chinese full width.

    One linear pass with a stack, so nesting depth costs nothing; a pair mixing ASCII and full
    width is completed. Runs before :func:`punctuation_spans`, so ``(全国8个),`` gets both.
    """
    spans: list[Span] = []
    if "(" not in text and ")" not in text:
        return spans
    # only the lines holding an ASCII bracket: found by a scan in C, not a Python loop over lines
    nxt = 0
    for hit in _ASCII_PAREN.finditer(text):
        at = hit.start()
        if at < nxt:
            continue  # a line already done
        line_start = text.rfind("\n", 0, at) + 1
        nl = text.find("\n", at)
        nxt = len(text) + 1 if nl < 0 else nl + 1
        line = text[line_start : nxt - 1]
        if _HAS_CJK.search(line):
            # each opening bracket is stacked with the first Chinese character after it (n: none);
            # the openings come in order, so a search is needed only past the last one found, and
            # the searches scan disjoint stretches of the line: linear whatever the nesting
            stack: list[tuple[int, int]] = []
            n = len(line)
            first = -1  # the first Chinese character after the last opening stacked
            for m in _PARENS.finditer(line):
                i = m.start()
                if line[i] in "(（":
                    if first <= i:
                        cjk = _HAS_CJK.search(line, i + 1)
                        first = cjk.start() if cjk else n
                    stack.append((i, first))
                elif stack:
                    j, after_j = stack.pop()
                    if line[j] == "(" or line[i] == ")":
                        if after_j < i:  # Chinese inside the pair
                            if line[j] == "(":
                                spans.append((line_start + j, line_start + j + 1, "（", "fullwidth-paren"))
                            if line[i] == ")":
                                spans.append((line_start + i, line_start + i + 1, "）", "fullwidth-paren"))
    spans.sort()
    return spans


def whitespace_spans(text: str) -> list[Span]:
    """Spans dropping indentation, trailing and punctuation-adjacent space; runs become one space."""
    spans: list[Span] = []
    n = len(text)
    for m in _WS_RUN.finditer(text):
        s, e = m.span()
        before = text[s - 1] if s else "\n"
        after = text[e] if e < n else "\n"
        if before == "\n" or after == "\n" or before in _OPEN_OR_STOP or after in _CLOSE_OR_STOP:
            spans.append((s, e, "", "whitespace"))  # indentation, trailing, next to punctuation
        elif e - s >= 2 or text[s] != " ":
            spans.append((s, e, " ", "whitespace"))  # a run, or one odd space, becomes one space
    return spans


def blank_line_spans(text: str) -> list[Span]:
    # what _BLANK_LINES matches: a run of newlines at either end of the text, or of two or more.
    # The runs of two or more are found by a pattern starting with a literal (scanned for in C);
    # the ends are looked at directly, so a page's single line breaks cost nothing. _BLANK_LINES's
    # anchors and alternation were tried at every position of the page.
    n = len(text)
    spans = [(s, e, "" if s == 0 or e == n else "\n", "blank-lines") for s, e in map(re.Match.span, _NEWLINE_RUNS.finditer(text))]
    if text.startswith("\n") and not text.startswith("\n\n"):  # one line break opening the text
        spans.insert(0, (0, 1, "", "blank-lines"))
    if n > 1 and text.endswith("\n") and not text.endswith("\n\n"):  # one closing it (not the same)
        spans.append((n - 1, n, "", "blank-lines"))
    return spans


_PASSES = (paren_spans, punctuation_spans, whitespace_spans, blank_line_spans)
# The passes meet each other: dropping a space after a full-width mark brings the ASCII mark
# after it next to Chinese context (``束?? ?熁`` → ``束？？?熁``), which a second run of the step
# would convert, and converting it can make the space after it one to drop (``。 : : :``). So,
# on each line where the punctuation pass still finds work, punctuation and whitespace run again
# until it finds none. Only those two can have more: brackets and blank lines do not depend on
# marks or spaces within a line. Both look at one line at a time (a space run never holds a line
# break, and the line's edges count as line breaks), and each round converts at least one mark,
# so a line costs at most a round per mark on it.


def _rounds(text: str, apply) -> str:
    for spans_of in _PASSES:
        text = apply(text, spans_of(text))
    m = _PUNCT_SPANS.search(text)
    while m:
        ls = text.rfind("\n", 0, m.start()) + 1
        before = text
        for spans_of in (punctuation_spans, whitespace_spans):
            le = text.find("\n", ls)
            line = text[ls : len(text) if le < 0 else le]
            text = apply(text, [(s + ls, e + ls, r, rule) for s, e, r, rule in spans_of(line)])
        if text == before:  # (never: the line's own punctuation pass converts what m found)
            break
        m = _PUNCT_SPANS.search(text, ls)
    return text


def normalize(text: str) -> str:
    """The whole step as a pure function.

    >>> normalize("  9月8日,淄博市(资料图)召开会议:  NASDAQ:YY, 3.48亿元 1:1\\n\\n\\n\\u3000\\u3000下一段")
    '9月8日，淄博市（资料图）召开会议：NASDAQ:YY, 3.48亿元 1:1\\n下一段'
    >>> normalize("Hello, world (see http://a.b/c?d=1)")
    'Hello, world (see http://a.b/c?d=1)'
    >>> normalize("束?? ?熁")  # the space goes, and so the last mark follows a full-width one
    '束？？？熁'
    """
    return _rounds(text, apply_spans)


def run(text: str, ctx: StepContext) -> str:
    return _rounds(text, ctx.replace)


# metadata values repeat across the pages of a site (source, author, editor): normalized once per
# process each
_normalize_field = lru_cache(maxsize=4096)(normalize)


STEP = Step(
    "normalize",
    "ASCII punctuation after Chinese back to full width; spaces, indentation, blank lines; one paragraph per line",
    run,
    fix_field=lambda value, _ctx: _normalize_field(value),
)
