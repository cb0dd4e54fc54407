"""Step ``unicode``: Latin-codec mojibake (ftfy), control and zero-width characters, line breaks, NFC.

ftfy runs with CJK-safe settings: it never folds full-width punctuation (``，：（！？``) to ASCII
and never curls or uncurls quotes, and normalization is NFC, never NFKC. It runs only on lines that
hold a character ftfy could act on, so clean Chinese text costs one regex search.

Not handled: GBK/GB18030/Big5 mojibake (ftfy cannot handle multi-byte codecs; that is the
``mojibake`` step) and pinyin notes.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

import ftfy

from ..document import Span, StepContext
from ..pipeline import Step
from ._text import HAN, diff_spans

FTFY_CONFIG = ftfy.TextFixerConfig(
    fix_character_width=False,  # would fold ，：（！ to ASCII
    uncurl_quotes=False,  # Chinese text uses “” and ‘’ on purpose
    normalization="NFC",
    explain=True,
)

# Lines ftfy could act on. Strong signs: C0/C1 controls, the Latin-1 symbols that UTF-8
# continuation bytes become (not the no-break space, degree sign or middle dot of normal text),
# Â and Ã (UTF-8 lead bytes of Latin-1 letters), Latin Extended letters other than pinyin's, Greek and
# Cyrillic (cp1253/cp1251), Mac Roman symbols, box drawing (cp437), ligatures, surrogates, and HTML
# entities. Accented Latin letters count only in pairs or before a cp1252 punctuation mark
# (`Ã©`, `Ä…`), so pinyin notes like `權(quán)` do not send a line through ftfy. Chinese text's own
# “”‘’—… are not signs on their own.
# tone-marked pinyin letters (and ń ň ǹ ḿ): accented, but normal in Chinese teaching text
_PINYIN = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛÜńňǹḿ"


def _ranges(chars: list[int]) -> str:
    # a compact regex class body for a sorted list of code points
    out, i = [], 0
    while i < len(chars):
        j = i
        while j + 1 < len(chars) and chars[j + 1] == chars[j] + 1:
            j += 1
        out.append(re.escape(chr(chars[i])) + ("-" + re.escape(chr(chars[j])) if j > i else ""))
        i = j + 1
    return "".join(out)


_LATIN_EXT = _ranges([c for c in range(0x100, 0x250) if chr(c) not in _PINYIN])
_STRONG = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xa1-\xaf\xb1-\xb6\xb8-\xbf\xc2\xc3"
    + _LATIN_EXT
    + "\u02c6-\u02dd\u0370-\u04ff\u201a\u201e\u2020-\u2022"
    "\u2030\u2039\u203a\u2044\u20ac\u2122\u2200-\u22ff\u2500-\u25ff\uf8ff\ufb00-\ufb06\ud800-\udfff"
)
_WEAK = "\xc0-\xff" + "".join(c for c in _PINYIN if ord(c) > 0xFF)
_AFTER_WEAK = _WEAK + "\xa0-\xbf\u2010-\u203a\ufffd"
# the signs, stated plainly
_FTFY_SIGNS = f"[{_STRONG}]|[{_WEAK}][{_AFTER_WEAK}]|&#?[0-9A-Za-z]+;"
# the same matches (tests/test_unicode_trigger.py), written to start with one character class: the
# regex engine then skips in C to the next character that can start a sign; the plain alternation
# was tried at every position of the page (about 2x slower on Chinese pages)
_FTFY_TRIGGER = re.compile(
    f"[{_STRONG}{_WEAK}&](?:(?<=[{_STRONG}])|(?<=[{_WEAK}])[{_AFTER_WEAK}]|(?<=&)#?[0-9A-Za-z]+;)"
)

# line breaks: CRLF as one, else each of CR, U+2028/2029, NEL, VT, FF (the plain statement,
# "\r\n|[\r\u2028\u2029\u0085\x0b\x0c]", is _PLAIN_LINE_BREAKS in tests/test_unicode_trigger.py),
# written to start with one character class so the engine skips in C to the next candidate (the
# alternation was tried at every position: 2.3x slower on Chinese pages)
_LINE_BREAKS = re.compile("[\r\u2028\u2029\u0085\x0b\x0c](?:(?<=\r)\n)?")
# control characters left after ftfy (tab and newline are text)
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# zero-width characters that carry nothing in Chinese text; ZWJ/ZWNJ only between Han characters
# (elsewhere they shape emoji and Indic/Arabic scripts)
_ZERO_WIDTH = re.compile(f"[\u200b\u2060\u180e\ufeff]|(?<=[{HAN}])[\u200c\u200d](?=[{HAN}])")
# A surrogate code point is half of a UTF-16 pair, not a character: a str holds one when it was
# decoded with surrogateescape/surrogatepass or parsed from a JSON "\ud800" escape. No UTF-8 file,
# Parquet column or OpenCC call accepts it, so the later steps and every writer would fail on the
# page. A high-low pair becomes the character it encodes; a lone one becomes U+FFFD, the mark of
# a character that could not be read. ftfy's fix_surrogates does the same, but a line whose ftfy
# fix adds U+FFFD is left as it is (_ftfy_to_fixed_point), so surrogates are handled first, here.
_SURROGATES = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")


def _surrogate_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for m in _SURROGATES.finditer(text):
        s = m.group()
        if len(s) == 2:
            spans.append((m.start(), m.end(), s.encode("utf-16-le", "surrogatepass").decode("utf-16-le"), "surrogate-pair"))
        else:
            spans.append((m.start(), m.end(), "\ufffd", "lone-surrogate"))
    return spans


def fix_surrogates(text: str) -> str:
    r"""A surrogate pair becomes its character, a lone surrogate U+FFFD.

    >>> fix_surrogates("教\ud83d\ude00育\udcb5")
    '教😀育\ufffd'
    """
    from ..document import apply_spans

    return apply_spans(text, _surrogate_spans(text))


def fix_line_breaks(text: str) -> str:
    r"""CRLF, CR, U+2028/2029, NEL, VT and FF become ``\n``.

    >>> fix_line_breaks("a\r\nb\rc")
    'a\nb\nc'
    """
    return _LINE_BREAKS.sub("\n", text)


def remove_control_chars(text: str) -> str:
    """Drop C0/C1 control characters other than tab and newline, and invisible zero-width ones.

    >>> remove_control_chars("教\\u200b育\\x07")
    '教育'
    """
    return _ZERO_WIDTH.sub("", _CONTROLS.sub("", text))


def _ftfy_rule(explanation) -> str:
    names: list[str] = []
    for action, param in explanation or ():
        if action in ("encode", "decode", "transcode"):
            name = "latin-mojibake"
        elif action == "apply":
            name = param
        else:  # normalize
            name = f"normalize-{param}".lower()
        if name not in names:
            names.append(name)
    return "ftfy:" + ",".join(names) if names else "ftfy"


def _ftfy_to_fixed_point(line: str, rounds: int = 4):
    # One ftfy pass can leave text that a second pass changes again (a C1 control decoded as
    # cp1252 may complete a mojibake sequence); cleaning must be idempotent, so repeat until stable.
    steps = []
    for _ in range(rounds):
        fixed, explanation = ftfy.fix_and_explain(line, FTFY_CONFIG)
        if fixed == line or fixed.count("\ufffd") > line.count("\ufffd"):
            # ftfy turns a `?` that stood for a lost byte into U+FFFD (`à\x9c?`): cleaning never adds
            # U+FFFD, which would hide what was there; such a line is left as it is
            break
        steps.extend(explanation or ())
        line = fixed
    return line, steps


def ftfy_spans(text: str) -> list[Span]:
    """Spans for what ftfy (CJK-safe settings) changes, line by line, each named by ftfy's own plan."""
    spans: list[Span] = []
    m = _FTFY_TRIGGER.search(text)
    if m is None:
        return spans
    # the lines holding a sign (no sign spans two lines: a line keeps its line break, the only
    # separator a sign can end with), found by searching on from the start of the line after
    # each one found: a line of pinyin holds dozens of signs, and each used to cost a Python step
    lines = text.splitlines(keepends=True)
    starts = [0, *accumulate(map(len, lines))]
    search = _FTFY_TRIGGER.search
    while m is not None:
        k = bisect_right(starts, m.start()) - 1
        pos = starts[k]
        spans.extend((pos + s, pos + e, r, rule) for s, e, r, rule in _line_ftfy_spans(lines[k]))
        m = search(text, starts[k + 1])
    return spans


@lru_cache(maxsize=1024)
def _line_ftfy_spans(line: str) -> tuple[Span, ...]:
    # what ftfy changes in one line, in the line's coordinates: a pure function of the line, kept
    # per process because the same lines come back, in the recheck after the step's own run (a
    # line no later step touched) and across the pages of a site (its menus and footers); 1024
    # lines hold a page's worth many times over and bound the memory a long paragraph can take
    fixed, explanation = _ftfy_to_fixed_point(line)
    if fixed == line:
        return ()
    return tuple(diff_spans(line, fixed, _ftfy_rule(explanation)))


def fix_unicode(text: str) -> str:
    """The whole step as a pure function.

    >>> fix_unicode("ï¼Œ caf\\u00c3\\u00a9")  # UTF-8 read as cp1252, repaired; full-width comma kept
    '， café'
    >>> fix_unicode("9月8日，淄博：“加速”")
    '9月8日，淄博：“加速”'
    """
    from ..document import apply_spans

    text = fix_surrogates(text)
    text = apply_spans(text, ftfy_spans(text))
    text = remove_control_chars(fix_line_breaks(text))
    return unicodedata.normalize("NFC", text)


def _regex_spans(pattern: re.Pattern, text: str, repl: str, rule: str) -> list[Span]:
    return [(m.start(), m.end(), repl, rule) for m in pattern.finditer(text)]


def _nfc_spans(text: str) -> list[Span]:
    if unicodedata.is_normalized("NFC", text):
        return []
    spans: list[Span] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        if not unicodedata.is_normalized("NFC", line):
            spans.extend((pos + s, pos + e, r, rl) for s, e, r, rl in diff_spans(line, unicodedata.normalize("NFC", line), "nfc"))
        pos += len(line)
    return spans


_ZERO_WIDTH_ANY = re.compile("[\u200b\u2060\u180e\ufeff\u200c\u200d]")

# anything this step could act on; clean Chinese text costs one search and an NFC check
_OTHER = "\r\u2028\u2029\u0085\x0b\x0c\u200b\u2060\u180e\ufeff\u200c\u200d"
_ANYTHING = re.compile(
    f"[{_STRONG}{_WEAK}&{_OTHER}](?:(?<=[{_STRONG}{_OTHER}])|(?<=[{_WEAK}])[{_AFTER_WEAK}]|(?<=&)#?[0-9A-Za-z]+;)"
)


def run(text: str, ctx: StepContext) -> str:
    if not _ANYTHING.search(text) and unicodedata.is_normalized("NFC", text):
        return text
    if _SURROGATES.search(text):  # before ftfy, which would leave a line with a lone one as it is
        text = ctx.replace(text, _surrogate_spans(text))
    text = ctx.replace(text, ftfy_spans(text))
    text = ctx.replace(text, _regex_spans(_LINE_BREAKS, text, "\n", "line-breaks"))
    spans = _regex_spans(_CONTROLS, text, "", "control-chars")
    if _ZERO_WIDTH_ANY.search(text):  # the lookbehind of _ZERO_WIDTH is tried at every position
        spans += _regex_spans(_ZERO_WIDTH, text, "", "zero-width")
    text = ctx.replace(text, sorted(spans))
    return ctx.replace(text, _nfc_spans(text))


def may_change_again(text: str) -> bool:
    """Whether ftfy would still act on ``text`` once later steps changed what surrounds a run.

    The trigger alone is not enough of an answer: pinyin tone marks and ``·`` match it on half
    of all pages, and each false yes costs the pipeline a whole extra round.

    >>> may_change_again("教育部 jiào yù bù")
    False
    >>> may_change_again("caf\u00c3\u00a9")
    True

    A joiner kept beside a non-Han character can end up between two Han characters once a later
    step removes what stood there (``字(zì)\u200c来`` after the pinyin step): the step would now
    drop it.

    >>> may_change_again("字\u200c来")
    True
    """
    if _ZERO_WIDTH_ANY.search(text) and _ZERO_WIDTH.search(text):
        return True
    return _FTFY_TRIGGER.search(text) is not None and bool(ftfy_spans(text))


STEP = Step(
    "unicode",
    "Latin-codec mojibake (ftfy, CJK-safe), control and zero-width characters, line breaks, NFC",
    run,
    recheck=may_change_again,
)
