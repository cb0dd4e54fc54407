"""Step ``normalize``: Chinese punctuation back to full width, whitespace, one paragraph per line.

Pages and converters fold full-width punctuation to ASCII (``9月8日,淄博市``); this step restores
``，：；！？`` after Chinese text and ``（）`` around Chinese content, collapses spaces and
indentation (ASCII, no-break and ideographic spaces), and drops blank lines, so the output holds
one paragraph per line.

Program text keeps its ASCII (:func:`code_ranges`): inline code between backticks, a call with a
quoted argument (``print("你好,世界")``), a quoted literal after ``=`` or opening a list or object
(``s = "你好,世界"``, ``["中文,英文"]``, ``{"城市": "北京,上海"}``), a statement line
(``total = 语文 + 数学;``), and a URL's own characters (``https://baike.baidu.com/item/教育?fr=1``).

Not handled: ASCII punctuation that follows Latin text or digits (``1:1``, ``3.48亿元``,
``NASDAQ:YY``, e-mail addresses, file paths, version numbers and times keep their ASCII: no Chinese
stands before their marks), emoticons (``好饱了:)``, ``:-(``), full stops (``.`` is too often a
decimal point or an abbreviation), straight double quotes (their direction cannot be known
locally), and program text of other shapes: code blocks over several lines are not recognised
as such (each line is judged alone), nor pseudo-code without quotes or a final ``;``
(``如果 成绩>90:``); the whitespace rules apply to code as to prose (a run of spaces becomes one).
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

# Program text (see code_ranges). Each alternative stays within a line ([^\n]), so a line judged
# alone (the step's later rounds) gets the ranges the whole text gave it.
_IDENT = r"[A-Za-z_$][\w$]*"  # an ASCII identifier (\w then admits digits and, harmlessly, Han)
_STRING = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""  # a quoted literal, escapes allowed
_CODE = re.compile(
    # inline code between backticks (markdown, forum pages): with a Latin letter in it and no
    # full-width punctuation, single backticks (informal text types runs of them for pauses:
    # 不错哈``, 怎么这样啊`三本书那质量都？？？不过…``)
    r"(?P<tick>(?<!`)`(?=[^`\n]*[A-Za-z_])[^`\n\u3000-\u303f\uff01-\uff65]+`(?!`))"
    # a call whose first argument is a quoted literal, a string prefix such as f"" allowed (matched
    # up to its bracket: code_ranges follows it to the bracket that closes it)
    rf"|(?P<call>(?<![\w$.])(?:{_IDENT}\.)*{_IDENT}\()(?=[ \t]*(?:[rRbBfFuU]{{1,2}})?[\"'])"
    # a statement line: an identifier (after optional keywords or a type), an assignment, a final `;`
    rf"|(?P<stmt>(?<![^\n])[ \t]*(?:{_IDENT}[ \t]+)*{_IDENT}(?:\[[^\]\n]*\])?[ \t]*[-+*/%|&^]?=(?!=)[^\n]*;[ \t]*(?![^\n]))"
    # a quoted literal after an assignment, opening a list or object (`s = "…"`, `["…"`,
    # `{"…": "…"}`), after a literal and `:` or `,` inside those (`"a": "…"`, `"a", "…"`), or
    # after return/echo/print
    rf"|(?P<lit>(?:(?:(?<![=!<>])=|[\[{{]|(?<=[\"'])[ \t]*[:,])[ \t]*|(?<![\w$])(?:return|echo|print)[ \t]){_STRING})"
    # a URL: ASCII URL characters (brackets left out: a URL inside brackets is common, one with
    # brackets rare), and Han ones only where the path or query goes on after them
    rf"|(?P<url>(?:(?:https?|ftp)://|www\.)(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]|[{HAN}]+(?=[/?#=&.]))+)"
)
# what every alternative of _CODE needs somewhere on its line. Most pages have none, and _CODE,
# whose identifiers may start at any letter, is run only on the lines that have one. Written to
# start with a character class, so the engine scans for its next candidate in C.
_CODE_HINT = re.compile(
    r"""[`(=\[{"':.](?:(?<=`)|(?<=[(=\[{])[ \t]*(?:[rRbBfFuU]{1,2})?["']|(?<=["'])[ \t]*[:,][ \t]*["']"""
    r"""|(?<=return[ \t]["'])|(?<=echo[ \t]["'])|(?<=print[ \t]["'])|(?<=:)//|(?<=www\.)|(?<==)[^\n;]*;)"""
)


def _call_end(text: str, i: int) -> int:
    """Just past the bracket closing the call whose opening bracket is at ``text[i - 1]``, brackets
    inside quoted literals not counted; the end of the line if it never closes."""
    end = text.find("\n", i)
    end = len(text) if end < 0 else end
    depth = 1
    quote = ""
    while i < end:
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if not depth:
                return i + 1
        i += 1
    return end


def code_ranges(text: str) -> list[tuple[int, int]]:
    """Sorted, disjoint ranges of ``text`` holding program text, whose ASCII marks are its own.

    A Chinese string inside code is still code: converting its comma or brackets changes what the
    program prints or breaks it (``print("你好,世界")`` would become ``print（"你好，世界"）``).

    >>> t = 'print("你好,世界") 与 s = "甲,乙" 及 `f(中文)`'
    >>> [t[a:b] for a, b in code_ranges(t)]
    ['print("你好,世界")', '= "甲,乙"', '`f(中文)`']
    >>> code_ranges("今天,我们去学校(小学)!")
    []
    """
    out: list[tuple[int, int]] = []
    done = 0  # lines before this position are done
    for hint in _CODE_HINT.finditer(text):
        if hint.start() < done:
            continue
        # only the lines with a hint are searched (every alternative stays within its line)
        pos = text.rfind("\n", 0, hint.start()) + 1
        end = text.find("\n", hint.start())
        end = len(text) if end < 0 else end
        while True:
            m = _CODE.search(text, pos, end)
            if not m:
                break
            a, b = m.span()
            if m.lastgroup == "call":
                b = _call_end(text, b)
            out.append((a, b))
            pos = max(b, a + 1)
        done = end + 1
    return out


def _outside_code(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` less those that touch program text (:func:`code_ranges`)."""
    if not spans:
        return spans
    ranges = code_ranges(text)
    if not ranges:
        return spans
    out = []
    k = 0
    for span in spans:  # both sorted by start; the ranges do not overlap
        while k < len(ranges) and ranges[k][1] <= span[0]:
            k += 1
        if k < len(ranges) and ranges[k][0] < span[1]:
            continue
        out.append(span)
    return out


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


def _paren_pass(text: str) -> list[Span]:
    return _outside_code(text, paren_spans(text))


def _punct_pass(text: str) -> list[Span]:
    return _outside_code(text, punctuation_spans(text))


_PASSES = (_paren_pass, _punct_pass, whitespace_spans, blank_line_spans)
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
        for spans_of in (_punct_pass, whitespace_spans):
            le = text.find("\n", ls)
            line = text[ls : len(text) if le < 0 else le]
            text = apply(text, [(s + ls, e + ls, r, rule) for s, e, r, rule in spans_of(line)])
        if text == before:
            # what m found is program text (the line's punctuation pass converts anything else it
            # finds): nothing more to do on this line, go on after it
            le = text.find("\n", m.start())
            if le < 0:
                break
            m = _PUNCT_SPANS.search(text, le + 1)
            continue
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
