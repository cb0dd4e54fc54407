"""Step ``mojibake``: GBK/GB18030/Big5-family mojibake inside already-decoded text.

ftfy repairs text that went through single-byte codecs; it says it cannot handle GBK/GB18030 or
Big5. This step can. Each damage class is a named rule:

- ``utf8-as-gbk``: UTF-8 bytes read as GBK/GB18030 (``鏁欒偛閮ㄥ叧`` → ``教育部关``), including
  runs whose last byte was lost (``涓?`` → ``中``);
- ``gbk-shift``: GBK text that lost or gained one byte and was decoded again as GBK, so that every
  character after the damage is read one byte off until an ASCII byte realigns the stream
  (seed 000: ``高興?!弊筒┦凶痛▍^`` → ``高興。”淄博市淄川區``; the ``!`` was a full-width ``！`` a
  later pass folded to ASCII, the ``?`` the byte the damage destroyed);
- ``utf8-as-big5``: UTF-8 bytes read as Big5/CP950 (``本站銋���⊥�����栏目`` → ``本站义务教育栏目``),
  with its own search in :mod:`._big5` (about half the bytes of such a run are lost); a run it
  cannot read surely is left as it is, and no other class may guess it;
- ``big5-as-gbk`` and ``gbk-as-big5``: the two confusions of traditional pages. A character such
  a reading guessed from destroyed bytes is written only when it is sure (no rival its seen byte
  allows comes within :data:`SURE_MARGIN`, see :func:`_guess_margins`), else as U+FFFD, one mark
  for the U+FFFD the input had there; a run that would not keep most of its characters is left
  as it is.

Private-use characters (U+E000–U+F8FF) inside such runs are GBK user-defined byte pairs, not
text: GB18030 maps them back to their bytes. ``?`` and U+FFFD stand for one destroyed byte each
(CPython's CJK codecs replace one byte per error); the decoder in :mod:`._redecode` fills them with
the bytes that make the most plausible text.

How a run is found and judged: cheap regular expressions find what clean Chinese text rarely has
(rare or unseen characters, private use, U+FFFD, box drawing, kana, ``?`` next to Chinese, a lone
Latin letter glued between characters, two characters whose GBK bytes look like UTF-8, a ``?``
after Chinese before ASCII or the line end, where a misread run's dangling byte would be); text
without two such marks close together is left alone at once, a cluster made only of rare but
known characters (names, places, classical text) first gets a one-decode look per damage class,
and a lone ``?`` counts only when no word ends before it and the characters before it read
better one byte over (or as UTF-8).
Around a cluster the step tries each damage class, every plausible start of the run (after the
last dictionary word before it: damage seldom reads as words) and (for
``gbk-shift``) each way a byte may have been lost or gained, ranks the readings with character
statistics, chooses each character a reading guessed from destroyed bytes again in its repaired
line (word statistics, quotation-mark pairing, whether a paragraph may end with it, and the
document's own text as a cache), ranks
the best few again with word statistics (:mod:`educorpus.charstats`), and keeps a reading only
when it beats the garbled text by a clear margin (a short ``gbk-shift`` run that ends where the
stream realigns may win on word statistics alone).

Unrecoverable damage is counted in ``scores["mojibake_unrecoverable"]`` and flagged
(``unrecoverable``: ``锟斤拷``/``錕斤拷`` runs, U+FFFD runs); with
``CleanConfig(mojibake_remove_unrecoverable=True)`` it is removed instead.
``scores["mojibake_repaired"]`` counts repaired runs. A document's search has a budget of work in
proportion to its length (:class:`SearchBudget`, ``docs/architecture.md``): clusters it does not
reach on a page garbled throughout are flagged (``unsearched``) and counted in
``scores["mojibake_unsearched"]``.

Not handled: a misread run of one character before its dangling ``?`` (two characters guessed
from half their bytes: questions end so too), damage that spans a line break, two byte losses inside one run, mojibake of other
multi-byte codecs (Shift-JIS, EUC-KR), double mojibake (a repaired run that is itself garbled),
and runs whose true text is mostly characters the statistics do not know.
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_left
from functools import lru_cache
from typing import Optional

from ..charstats import LOGP_SYMBOL, CharStats, charstats, frozen_lists, is_han, wordstats
from ..document import Span, StepContext, apply_spans
from ..pipeline import Step
from . import _big5
from ._redecode import SCRIPT_PENALTY, W, Exit, Lattice, Token, failing_byte_check, successor_set, two_byte

RULES = ("utf8-as-gbk", "gbk-shift", "utf8-as-big5", "big5-as-gbk", "gbk-as-big5")

# a Han character counted fewer times than this in the statistics is "rare" for the pre-check
COMMON_MIN_COUNT = 500
# characters never suspicious: ASCII except "?", whitespace, Latin letters with accents (pinyin,
# names), general punctuation, CJK symbols and punctuation, full-width forms, circled numbers
_SAFE_NON_HAN = (
    "\x00-\x3e\x40-\x7f\\s\u00a0-\u024f\u2010-\u2027\u2030-\u205e\u2103\u2116\u2160-\u216b"
    "\u2460-\u249b\u2500\u2501\u3000-\u303f\uff01-\uff5e\uffe0-\uffe5\u00b7\u00d7\u00f7"
)
# one ASCII character of the GBK trail-byte range (0x40-0x7E) right after a Han character and not
# part of a Latin word: misread traditional text leaves these (``紙F(學區)``, ``在k園``)
_GLUED = re.compile("[@-~](?<=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][@-~])(?![A-Za-z0-9])")
# "?" after a Han character, before the line end or an ASCII byte below 0x40 (digits, spaces,
# punctuation): where a run misread one byte off ends, its last lead byte has no trail and the
# decoder writes "?" for it (``责任率?`` for 责任落实, ``占比驳陀?50%`` for 占比不低于50%). Clean
# text has such "?" too (questions): this is one mark of two, and the reading must still win
_DANGLING = re.compile("[?](?<=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][?])(?=[\x00-\x3e]|$)", re.M)
_UNRECOVERABLE = re.compile("(?:[锟錕]斤拷)+(?:[锟錕]斤?)?|\ufffd+")
_DIGIT_RUN = re.compile("[0-9]+")
_STRONG = re.compile("[?\ufffd\ue000-\uf8ff\u2500-\u257f\u25a0-\u25ff]")
_KANA = re.compile("[\u3040-\u30ff]")
_ONLY_MARKS = re.compile("[“”‘’《》「」『』，。、：；！？0-9]+")
_NUMBER = re.compile("[0-9]{2,}")
_PINYIN_FRAGMENT = re.compile("\\(?[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\\)")

# finding clusters: weights of the marks (a cluster needs 2) and how close they must be
GLUED_WEIGHT = 2.0
DANGLING_WEIGHT = 1.0  # a "?" where a misaligned gbk-shift run meets the byte that realigns it
UTF8_PAIR_WEIGHT = 2.0
CLUSTER_GAP = 3

# judging a reading (natural-log units of the character statistics)
MIN_GAIN = 10.0  # total log-probability the reading must win by
MIN_GAIN_PER_CHAR = 1.0  # ... and per garbled character replaced
MIN_GAIN_SINGLE = 13.0  # ... and when the reading has no two Han characters in a row
MIN_GAIN_SIGNAL = 7.5  # a gbk-shift reading of text with a mark of damage (?, U+FFFD, glued letter)
MIN_WORD_GAIN_SHORT = 14.0  # ... or one the word statistics find this much better (all pairs known)
MIN_GAIN_MARKS = 5.0  # a reading of punctuation (and digits) only that pairs up quotation marks
MIN_KNOWN_PAIRS = 0.25  # share of the reading's adjacent Han pairs the statistics know ...
STRONG_GAIN_PER_CHAR = 6.0  # ... unless it wins by this much per garbled character
START_PENALTY = 3.0  # a lost byte at the start of a gbk-shift run
EXTRA_PENALTY = 14.0  # a stray byte at the start of a gbk-shift run: dropping it drops a character
FOLD_PENALTY = 1.0  # reading an ASCII character as the full-width one it was folded from
DROP_PENALTY = 3.0  # dropping a pinyin note glued inside a gbk-shift run
# restoring a digit a decoder swallowed is a bonus: the number is written elsewhere in the document
SWALLOW_PENALTY = -6.0
# characters on either side of a run in which quotation marks are paired and the script is judged
CONTEXT_REACH = 1000
QUOTE_WEIGHT = 3.0  # per quotation mark left unpaired (or paired) in the line
GLUED_COST = 4.0  # what a glued Latin letter costs the garbled text beyond its class
# classes decoded with Big5 on one side: CP950 rejects many byte pairs, so readings guess more
_LOSSY = frozenset({"utf8-as-big5", "gbk-as-big5", "big5-as-gbk"})
LOSSY_GAIN_PER_CHAR = 3.0
LOSSY_KNOWN_PAIRS = 0.5
PRESCREEN_MARGIN = 1.0  # mean log-probability a quick re-reading of a weak cluster must gain
RERANK = 8  # readings ranked again with word statistics
WORD_WEIGHT = 1.0  # weight of the word statistics' gain in that ranking


@lru_cache(maxsize=1)
def _trigger() -> re.Pattern:
    common = "".join(sorted(charstats().common(COMMON_MIN_COUNT)))
    return re.compile(f"[^{_SAFE_NON_HAN}{re.escape(common)}]")


@lru_cache(maxsize=1)
def _utf8_pair() -> re.Pattern:
    """Two characters whose GBK bytes look like UTF-8: the first a UTF-8 lead byte of a Chinese
    character (E4-E9) and a continuation byte, the second a continuation byte and the next lead
    (``鏁欒`` = E6 95 | 99 E8: the start of 教育 read as GBK). Clean text almost never has them
    side by side."""
    first, second = [], []
    for lead in range(0x80, 0xFF):
        for trail in range(0x80, 0xFF):
            if (0xE4 <= lead <= 0xE9 and trail <= 0xBF) or (lead <= 0xBF and 0xE4 <= trail <= 0xE9):
                try:
                    ch = bytes((lead, trail)).decode("gb18030")
                except UnicodeDecodeError:
                    continue
                (first if lead >= 0xE4 else second).append(ch)
    return re.compile(f"[{re.escape(''.join(first))}](?=[{re.escape(''.join(second))}])")


def _weight(ch: str, stats: CharStats) -> float:
    """How strongly one character suggests mojibake (0 for none)."""
    o = ord(ch)
    if o == 0xFFFD or 0xE000 <= o <= 0xF8FF:
        return 2.0
    if ch == "?":
        return 1.0
    if is_han(ch):
        return 1.0 if stats.unigrams.get(ch) else 1.5
    return 1.0


def find_clusters(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the places worth a closer look: two or more suspicious characters
    within three characters of each other on one line, or one that is U+FFFD or private use.

    >>> find_clusters("教育部召开会议")
    []
    >>> find_clusters("鏁欒偛閮ㄥ叧浜庤繘涓")
    [(0, 9)]
    """
    stats = charstats()
    hits: list[tuple[int, float]] = []
    for m in _trigger().finditer(text):
        i = m.start()
        if text[i] == "?":
            before = text[i - 1] if i else "\n"
            after = text[i + 1] if i + 1 < len(text) else "\n"
            if ord(before) < 0x80 and ord(after) < 0x80 and before not in "!?" and after not in "!?":
                continue
        hits.append((i, _weight(text[i], stats)))
    extra = [(m.start(), GLUED_WEIGHT) for m in _GLUED.finditer(text)]
    if "?" in text:
        extra += [(m.start(), DANGLING_WEIGHT) for m in _DANGLING.finditer(text) if _dangling_worth(text, m.start())]
    extra += [(m.start(), UTF8_PAIR_WEIGHT) for m in _utf8_pair().finditer(text)]
    if extra:
        hits = sorted(hits + extra)
    clusters: list[tuple[int, int]] = []
    weight = 0.0
    start = end = -10
    for i, w in hits:
        if i - end <= CLUSTER_GAP and "\n" not in text[end:i]:
            end = i + 1
            weight += w
            continue
        if weight >= 2.0:
            clusters.append((start, end))
        start, end, weight = i, i + 1, w
    if weight >= 2.0:
        clusters.append((start, end))
    return [piece for c in clusters if _readable(text, c) for piece in _pieces(c)]


# Hostile input (20,000 `?` in a row, `教?` repeated for a megabyte) must cost linear time: a run
# made of `?`/`!` alone holds no bytes to read back, and a long cluster is looked at in windows of
# bounded size, each with a bounded number of attempts (see repair_spans).
MAX_CLUSTER = 256
MAX_ATTEMPTS = 400


MEMO_LIMIT = 20_000  # entries of a document's memo of decodes (see _best_repair)
SHIFT_REACH = 200  # characters a gbk-shift reading may run past the start of its cluster
MAX_LOST = 24  # destroyed bytes (`?`, U+FFFD) a run may hold; each one multiplies the search


# A document's search has a budget of work in proportion to its length (see SearchBudget): a page
# of web text has a few damaged runs, each searched in a few milliseconds, but a page that is
# garbled throughout (a whole page decoded with the wrong codec, private-use or rare characters on
# every line) holds a run every few characters, each costing up to a hundred times an ordinary
# search, and would hold a worker for many minutes per megabyte. Work is counted, not timed, so
# that the answer does not depend on the machine: an attempt (tokens, setup) costs ATTEMPT_WORK,
# a decode the readings it returns, a window of the utf8-as-big5 search BIG5_WORK per reading it
# offered its states (a state costs about a tenth of what a decoded reading does). A unit is about
# 0.1 ms of CPU. The seed-derived corpus spends ~90 units per 1,000 characters of its damaged
# pages and at most ~1,500 on one page; a line of the mojibake evaluation at most ~10,200 (a short
# utf8-as-big5 run whose windows are costly), and "为什么????????!!!!!!!!" ~2,200 to find nothing
# to repair. A document may spend SEARCH_BASE + SEARCH_PER_CHAR per character: none of those comes
# near it, and it bounds any page at about 2 s + 25 s per million characters per search
# (bench/bench_tail.py). What the budget does not reach is flagged.
SEARCH_BASE = 20_000
SEARCH_PER_CHAR = 0.25
ATTEMPT_WORK = 20
BIG5_WORK = 0.12


class SearchBudget:
    """Work a document's search may still do; ``spent`` counts it (deterministic, not time).

    ``windows`` are the utf8-as-big5 windows already paid for: the attempts of one cluster share
    a window (and its search, see :mod:`._big5`), so it is counted once.
    """

    def __init__(self, text: str) -> None:
        self.limit = SEARCH_BASE + SEARCH_PER_CHAR * len(text)
        self.spent = 0.0
        self.windows: set = set()

    @property
    def exhausted(self) -> bool:
        return self.spent >= self.limit

    def window(self, key: tuple, work: int) -> None:
        if key not in self.windows:
            self.windows.add(key)
            self.spent += BIG5_WORK * work


def _readable(text: str, cluster: tuple[int, int]) -> bool:
    run = text[cluster[0] : cluster[1]]
    return run.count("?") + run.count("\ufffd") <= MAX_LOST


def _pieces(cluster: tuple[int, int]) -> list[tuple[int, int]]:
    c0, c1 = cluster
    return [(a, min(c1, a + MAX_CLUSTER)) for a in range(c0, c1, MAX_CLUSTER)]


# -- tokens: the garbled characters as the bytes they may stand for --------------------------------

def _tokens(text: str, start: int, end: int, source: str, shift: bool, numbers: frozenset = frozenset()) -> list[Token]:
    """Tokens for ``text[start:end]`` under ``source``, up to the first character it cannot write.

    ``numbers`` are the numbers written elsewhere in the document: a decoder that failed on a
    lead byte followed by a digit may have swallowed the digit with it (seed 000: ``?023`` for
    ``“2023``), and the document says which digit it was.
    """
    codec = two_byte(source)
    plain = _PLAIN_ALTS.setdefault(source, {})
    out: list[Token] = []
    k = start
    while k < end:
        ch = text[k]
        o = ord(ch)
        if shift and ch in "(abcdefghijklmnopqrstuvwxyzāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü":
            m = _PINYIN_FRAGMENT.match(text, k, end)
            if m and m.end() - k >= 2 and _is_syllable(m.group().strip("()")):
                data = b"".join(_char_bytes(c, codec) or b"?" for c in m.group())
                out.append(Token(k, ((tuple(data), 0.0, "plain"), ((), DROP_PENALTY, "drop"))))
                k = m.end()
                continue
        if ch == "\ufffd":
            alts = (((W,), 0.0, "plain"),)
        elif ch == "€" and source == "gb18030":
            alts = (((0x80,), 0.0, "plain"), ((0xA2, 0xE3), 0.0, "plain"))  # cp936 has € at 0x80
        elif ch == "?":
            alts = (((W,), 0.0, "plain"), ((0x3F,), 0.0, "literal"))
            if shift:
                alts += (((0xA3, 0xBF), FOLD_PENALTY, "fold"),)
                m = _DIGIT_RUN.match(text, k + 1, end)
                if m and numbers:
                    alts += tuple(
                        ((W, ord(d)), SWALLOW_PENALTY, "fold") for d in "0123456789" if d + m.group() in numbers
                    )
        elif o < 0x80:
            alts = (((o,), 0.0, "plain"),)
            if shift and 0x21 <= o <= 0x7E:
                alts += (((0xA3, o + 0x80), FOLD_PENALTY, "fold"),)
        else:
            alts = plain.get(ch, plain)
            if alts is plain:
                alts = _plain_alts(ch, codec, plain)
            if alts is None:
                break  # the run cannot go on past a character the codec cannot write
        out.append(Token(k, alts))
        k += 1
    return out


# the alternatives of a character written with two bytes (its bytes, plainly), per source codec:
# a run's characters are looked at again by every start and attempt. Pure in the character; a
# bounded pure-function table (emptied past 65,536 characters, as _redecode's _encode)
_PLAIN_ALTS: dict = {}


def _plain_alts(ch: str, codec, plain: dict) -> Optional[tuple]:
    b = _char_bytes(ch, codec)
    alts = None if b is None else ((tuple(b), 0.0, "plain"),)
    if len(plain) >= 65536:
        plain.clear()
    plain[ch] = alts
    return alts


def _char_bytes(ch: str, codec) -> Optional[bytes]:
    if ord(ch) < 0x80:
        return ch.encode("ascii")
    b = codec.encode(ch)
    return b if b is not None and len(b) == 2 else None


@lru_cache(maxsize=1)
def _syllables() -> frozenset:
    from .pinyin import toneless_syllables

    return toneless_syllables()


def _is_syllable(s: str) -> bool:
    from .pinyin import strip_tones

    return strip_tones(s) in _syllables()


def _shift_starts(tokens: list[Token]) -> list[tuple[list[Token], str]]:
    """The ways the first token of a ``gbk-shift`` run may have lost or gained a byte."""
    first = tokens[0]
    data = first.alts[0][0]
    variants: list[tuple[tuple, str]] = []
    if W in data:
        variants.append((None, "wildcard"))  # the run starts at a destroyed byte: read as it is
    variants.append((((W,) + data), "lost-before"))
    if len(data) == 2:
        variants.append(((data[0], W, data[1]), "lost-inside"))
        variants.append(((data[1],), "extra-before"))
        variants.append(((data[0],), "extra-inside"))
    out = []
    for new, name in variants:
        if new is None:
            out.append((tokens, name))
        else:
            pen = EXTRA_PENALTY if name.startswith("extra") else START_PENALTY
            out.append(([Token(first.gpos, ((new, pen, "plain"),))] + tokens[1:], name))
    return out


# -- judging ---------------------------------------------------------------------------------------

# marks that come in pairs in Chinese text (full-width brackets too: a folded or misread "（" leaves
# its "）" alone in the line)
_QUOTES = {"“": "”", "‘": "’", "《": "》", "「": "」", "『": "』", "（": "）"}
_CLOSERS = {v: k for k, v in _QUOTES.items()}
_QUOTE_CHARS = frozenset(_QUOTES) | frozenset(_CLOSERS)
_QUOTE_FIND = re.compile("[" + "".join(sorted(_QUOTE_CHARS)) + "]").findall


def _unpaired(line: str) -> int:
    """Quotation marks and title brackets in ``line`` without their partner."""
    stack: list[str] = []
    bad = 0
    for ch in _QUOTE_FIND(line):  # only the marks matter: let the regex engine skip the rest
        if ch in _QUOTES:
            stack.append(ch)
        elif ch in _CLOSERS:
            if stack and stack[-1] == _CLOSERS[ch]:
                stack.pop()
            else:
                bad += 1
    return bad + len(stack)


# marks after which a paragraph goes on: pauses, opening brackets and quotation marks
_NOT_FINAL = frozenset("，、；“‘（《「『【〈")


def _final_cost(ch: str, right: str) -> float:
    """What a guessed mark costs when the line ends after it: a paragraph does not end with a mark
    that asks for more text (强调，), as improbable as a mark left unpaired, weighed the same way."""
    return (1 + WORD_WEIGHT) * QUOTE_WEIGHT if not right and ch in _NOT_FINAL else 0.0


_BAD_OUTPUT = re.compile("[\ufffd\ue000-\uf8ff\x00-\x08\x0a-\x1f]")
# what a repair of Chinese text brings: a Chinese character or CJK punctuation (a reading into
# Latin letters alone, 脩脡 → ÑÉ, is no repair of Chinese)
_CJK = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e\u2014\u2018\u2019\u201c\u201d\u2026]"
)
# a "?" kept between Chinese characters: a destroyed byte read as a literal question mark
_QUESTION_IN_HAN = re.compile("(?<=[\u3400-\u9fff])[?]+(?=[\u3400-\u9fff])")


def _plausible_output(text: str, garbled: str, x: Exit, stats: CharStats) -> bool:
    """Whether a reading may replace ``garbled`` at all, before any scoring.

    A reading never holds U+FFFD, private use or control characters; it holds a Chinese character
    or CJK punctuation; it brings a character the garbled text did not have (deleting characters
    is not a repair); at least half its bytes were seen, not guessed; and characters the
    statistics call symbols or do not know are at most one in eight (none in a short reading).
    """
    if _BAD_OUTPUT.search(text) or not _CJK.search(text) or _QUESTION_IN_HAN.search(text):
        return False
    chars = set(text)
    if not chars - set(garbled):
        return False
    if 2 * x.wildcards > len(x.data):
        return False
    if len(text) > 1 and ((_LATIN_LETTER(text[0]) and is_han(text[1])) or (_LATIN_LETTER(text[-1]) and is_han(text[-2]))):
        # a Latin letter with a diacritic glued to a Chinese character at the edge of a reading is
        # a wrong run boundary: a sound character whose GBK bytes happen to be valid UTF-8 (每 =
        # C3 BF, read as "ÿ"), not text (pinyin and names stand apart from the characters)
        return False
    # (each distinct character classed once per process: the byte-for-byte confusions ask this of
    # a reading at every character boundary of their run, each one a character longer)
    odd_chars = chars & _symbols(stats, chars)
    if not odd_chars:
        return True
    odd = [i for i, ch in enumerate(text) if ch in odd_chars]
    if any(not is_han(text[i]) for i in (odd[0], odd[-1]) if i in (0, len(text) - 1)):
        return False  # a wrong run boundary reads a symbol at the edge (校 read as UTF-8 "У")
    return len(odd) <= max(1 if len(text) >= 4 else 0, len(text) // 8)


_SYMBOL_TABLES: dict = {}  # id(stats) -> (stats, characters classed, those that are symbols)


def _symbols(stats: CharStats, chars: set) -> set:
    """The characters classed so far whose unigram is a symbol's (``logp1 <= LOGP_SYMBOL``),
    ``chars`` among them. A bounded pure-function table (a character's class depends on the
    statistics only), emptied past 65,536 characters."""
    got = _SYMBOL_TABLES.get(id(stats))
    if got is None or got[0] is not stats:
        got = _SYMBOL_TABLES[id(stats)] = (stats, set(), set())
    _stats, seen, symbols = got
    new = chars - seen
    if new:
        if len(seen) > 65536:
            seen.clear()
            symbols.clear()
            new = chars
        logp1 = stats.logp1
        seen.update(new)
        symbols.update(ch for ch in new if logp1(ch) <= LOGP_SYMBOL)
    return symbols


def _LATIN_LETTER(ch: str) -> bool:
    return "\u00c0" <= ch <= "\u024f" and ch not in "\u00d7\u00f7"


class _Candidate:
    __slots__ = (
        "start", "end", "text", "gain", "rule", "known", "rank", "paired", "signal",
        "exit", "lattice", "source", "wgain", "garbled", "kana", "realigned", "leave",
    )

    def __init__(self, start, end, text, gain, rule):
        self.start, self.end, self.text, self.gain, self.rule = start, end, text, gain, rule
        self.known = (0, 0)  # (known, all) adjacent Han pairs of the reading in its context
        self.rank = gain  # gain, plus the word statistics' view once the best few are ranked
        self.wgain = None  # the word statistics' view alone (None: not ranked)
        self.garbled = ""  # the text the reading replaces
        self.realigned = False  # the run ends where an ASCII byte (or the line end) realigns a shift
        self.kana = False  # the line around it holds kana (Japanese text: Chinese statistics do not apply)
        self.paired = False  # the reading pairs up quotation marks of its line
        self.signal = False  # the garbled text holds ?, U+FFFD, private use, symbols or glued letters
        self.exit = None  # the lattice's Exit, its lattice and the source codec (for refinement)
        self.lattice = None
        self.source = None
        self.leave = False  # not a reading: damage to leave as it is, all of it (see _try_big5)


def _gain(
    stats, text: str, start: int, x: Exit, line_start: int, line_end: int, olds: Optional[list] = None
) -> tuple[float, float]:
    """How much better the reading ``x`` of ``text[start:x.end]`` is, and how much of that comes
    from quotation marks it pairs up in the line. ``olds`` may hold the running scores of the text
    from ``start`` on (``CharStats.running_scores``, after the same ``prev``) up to ``x.end`` at
    least: ``stats.score(text[start : x.end], prev)`` is ``olds[x.end - start]``."""
    prev = text[start - 1] if start > line_start else ""
    nxt = text[x.end] if x.end < line_end else ""
    old = (stats.score(text[start : x.end], prev) if olds is None else olds[x.end - start]) + (
        stats.logp2(text[x.end - 1], nxt) if nxt else 0.0
    )
    new = x.score + (stats.logp2(x.text[-1] if x.text else prev, nxt) if nxt else 0.0)
    # a lone Latin letter glued between Chinese characters is itself a sign of misread bytes
    old -= GLUED_COST * len(_GLUED.findall(text, max(line_start, start - 1), x.end))
    quotes = 0.0
    if _QUOTE_CHARS.intersection(x.text) or _QUOTE_CHARS.intersection(text[start : x.end]):
        # the line around the run (bounded: a giant line must cost linear time)
        lo = max(line_start, start - CONTEXT_REACH)
        hi = min(line_end, x.end + CONTEXT_REACH)
        line_old = text[lo:hi]
        line_new = text[lo:start] + x.text + text[x.end : hi]
        quotes = QUOTE_WEIGHT * (_unpaired(line_old) - _unpaired(line_new))
    return new - old + quotes, quotes


_MODES = (
    # rule, source codec (how the garbled text was decoded), target (how the bytes were written)
    ("utf8-as-gbk", "gb18030", "utf-8"),
    ("utf8-as-big5", "cp950", "utf-8"),
    ("big5-as-gbk", "gb18030", "cp950"),
    ("gbk-as-big5", "cp950", "gb18030"),
)


# decoders that may have produced the garbled text, per source codec: they differ in which byte
# pairs they reject (GB18030 maps user-defined pairs to private use, GBK rejects them)
_DECODERS = {"gb18030": ("gb18030", "gbk"), "cp950": ("cp950", "big5")}
_PUA = re.compile("[\ue000-\uf8ff]")


def _line_decoders(text: str, line_start: int, line_end: int, source: Optional[str]) -> Optional[tuple]:
    """The decoders that may have garbled this line: a private-use character in it is a
    user-defined GBK pair that only GB18030 reads (GBK writes "?" for it), so a line that holds one
    was decoded with GB18030, and a byte pair GBK alone rejects cannot be one of its "?"."""
    if source == "gb18030" and _has_pua(text, line_start, line_end):
        return ("gb18030",)
    return None


# (text, positions of its private-use characters) for the last text asked about. Every attempt at
# every cluster asks about its line; a search of the line each time made a long line with many
# clusters and no PUA quadratic (a 80,000-character line of Han with combining marks: 35 s, 9x
# the 20,000-character one). One scan per text, then a binary search per question.
_PUA_LAST: tuple = ("", ())


def _has_pua(text: str, start: int, end: int) -> bool:
    global _PUA_LAST
    last = _PUA_LAST
    if last[0] is not text:
        last = (text, [m.start() for m in _PUA.finditer(text)])
        _PUA_LAST = last  # one assignment: another thread sees the old pair or the new one
    at = last[1]
    i = bisect_left(at, start)
    return i < len(at) and at[i] < end


def _consistent(data: bytes, garbled: str, source: str, decoders: Optional[tuple] = None) -> bool:
    """Whether some decoder of ``source`` (or of ``decoders``) reads ``data`` back as the garbled
    text (``?`` = U+FFFD)."""
    # Windows code page 936 reads a lone 0x80 as "€"; Python's gbk does not
    target = garbled.replace("\ufffd", "?").replace("€", "?")
    for codec in decoders or _DECODERS[source]:
        back = data.decode(codec, errors="replace").replace("\ufffd", "?").replace("€", "?")
        if back == target:
            return True
    return False


def _best_repair(
    text: str,
    c0: int,
    c1: int,
    line_start: int,
    line_end: int,
    numbers: frozenset = frozenset(),
    memo: Optional[dict] = None,
    rules: Optional[tuple] = None,
    budget: Optional[SearchBudget] = None,
) -> Optional[_Candidate]:
    """The best reading of a run that covers ``text[c0]`` (the first suspicious character), over
    every damage class, start and byte hypothesis; None when nothing reads better.

    Readings are found and scored with the character bigram statistics; the best few are then
    ranked again with word statistics (:class:`educorpus.charstats.WordStats`), which know that
    许可证 is a word and 许可知 is not.

    ``memo`` (one per document) keeps the lattice's readings of each start: the next attempt in
    the same cluster tries mostly the same starts, and a decode is pure in its arguments.
    ``rules`` (default: every damage class) are the classes tried. ``budget`` counts the work
    done (see :class:`SearchBudget`).
    """
    stats = charstats()
    if rules is _DANGLING_RULES:
        # clean text has many such "?" (questions): a cheap look first, before any setup
        rules = _dangling_prescreen(text, c0, _first_start(text, max(line_start, c0 - START_REACH), c0), stats)
        if not rules:
            return None
    memo = {} if memo is None else memo
    found: dict[tuple, _Candidate] = {}
    kana = _KANA.search(text, max(line_start, c0 - REFINE_REACH), min(line_end, c1 + REFINE_REACH)) is not None

    # the line says once which decoders may have garbled it (gb18030 is the only source it narrows)
    gb_decoders = _line_decoders(text, line_start, line_end, "gb18030")

    # what consider() finds in one list of readings depends on that list, its start, the source
    # codec (and so the line's decoders) and the line's bounds, not on the attempt: the walk of a
    # cluster (see repair_spans) meets the same memoized readings at each of its attempts, so the
    # document's memo keeps the outcome (the list itself is kept with it: its id is the key).
    # Only readings that end past the attempt's first character count; attempts come in text
    # order, so the outcome is kept for those past the first attempt that asked (its c0, kept
    # with it: an earlier attempt would compute it again)
    cmemo = memo.setdefault("consider", {})

    def consider(start, exits, rule, source=None, lattice=None):
        ckey = (id(exits), start, source, line_start, line_end)
        got = cmemo.get(ckey)
        if got is None or c0 < got[1]:
            got = cmemo[ckey] = (exits, c0, _considered(start, exits, source))
        for x, g, quotes, known, signal, garbled, realigned in got[2]:
            if x.end <= c0:
                continue
            key = (start, x.end, x.text)
            if key not in found or found[key].gain < g:
                c = found[key] = _Candidate(start, x.end, x.text, g, rule)
                c.paired = quotes > 0
                c.known = known
                c.signal = signal
                c.exit, c.lattice, c.source = x, lattice, source
                c.garbled = garbled
                c.kana = kana
                c.realigned = realigned

    def _considered(start, exits, source) -> list:
        """The readings of ``exits`` that may replace the text they read, with what is known of
        each: ``(exit, gain, quotes, known pairs, signal, garbled, realigned)``."""
        out = []
        # the old text's score up to each reading's end: the readings of a list share their start,
        # so its running score serves them all (the same sums as stats.score of each)
        olds = None
        for x in exits:
            if x.end <= c0:
                continue
            garbled = text[start : x.end]
            if x.text == garbled or not _plausible_output(x.text, garbled, x, stats):
                continue
            if source is not None and not _consistent(
                x.data, garbled, source, gb_decoders if source == "gb18030" else None
            ):
                continue
            if "?" in x.text and _QUESTION_IN_HAN.search(
                text[max(line_start, start - 1) : start] + x.text + text[x.end : min(line_end, x.end + 1)]
            ):
                # a "?" the reading keeps at its edge, between Han characters once the text around
                # it is counted, is a destroyed byte it failed to read (鎵? left before 示的)
                continue
            if olds is None or len(olds) <= x.end - start:
                olds = stats.running_scores(
                    text[start : max(y.end for y in exits)], text[start - 1] if start > line_start else ""
                )
            g, quotes = _gain(stats, text, start, x, line_start, line_end, olds)
            # pairs the reading makes, with the characters on either side of it
            left = text[start - 1] if start > line_start else ""
            right = text[x.end] if x.end < line_end else ""
            known = stats.known_pairs(left + x.text + right)
            signal = bool(_STRONG.search(garbled) or _GLUED.search(text, max(line_start, start - 1), x.end))
            realigned = x.end >= line_end or ord(text[x.end]) < 0x80
            out.append((x, g, quotes, known, signal, garbled, realigned))
        return out

    def strong() -> bool:
        # a reading this much better is not beaten by another damage class: stop early
        if not found:
            return False
        b = max(found.values(), key=lambda c: c.gain)
        return b.gain >= max(2 * MIN_GAIN, 3.0 * (b.end - b.start))

    rules = _ORDER if rules is None else rules
    if _weak_cluster(text, c0, c1, stats):
        window = text[max(line_start, c0 - 2) : min(line_end, c1 + 2)]
        rules = tuple(rule for rule in rules if _prescreen(rule, window, stats))
        if not rules:
            return None
    around = text[max(line_start, c0 - CONTEXT_REACH) : c0] + text[c1 : min(line_end, c1 + CONTEXT_REACH)]
    script = stats.script_of(around)
    first = _first_start(text, max(line_start, c0 - START_REACH), c0)
    unsure = None
    for rule in rules:
        if rule == "gbk-shift":
            _try_shift(text, c0, c1, line_start, line_end, stats, script, consider, numbers, memo, first, budget)
        elif rule == "utf8-as-big5":
            unsure = _try_big5(text, c0, c1, line_start, line_end, stats, found, budget)
        else:
            _try_confusion(rule, text, c0, c1, line_start, line_end, stats, script, consider, memo, first, budget)
        if strong():
            break
    if unsure is not None:
        # a run that reads best as UTF-8 read as Big5, but not surely: leave it as it is
        u0, u1, ugain = unsure
        for key in [k for k, c in found.items() if c.start < u1 and u0 < c.end and c.gain < ugain]:
            del found[key]
        if not found:
            c = _Candidate(u0, u1, text[u0:u1], -math.inf, "utf8-as-big5")
            c.leave = True
            return c
    if not found:
        return None
    # refining guesses makes readings converge: keep distinct ones, looking further down the list
    distinct: dict[tuple, _Candidate] = {}
    for c in sorted(found.values(), key=lambda c: -c.gain)[: 2 * RERANK]:
        if c.exit is not None and c.exit.guesses:
            _refine(c, text, line_start, line_end, stats, memo)
        key = (c.start, c.end, c.text)
        if key in distinct:
            if c.gain > distinct[key].gain:
                distinct[key] = c
            continue
        distinct[key] = c
        if len(distinct) >= RERANK:
            break
    top = sorted(distinct.values(), key=lambda c: -c.gain)
    if len(top) > 1:
        words = wordstats()
        # readings of one run (most of the few ranked here) weigh the same old text: scored once
        olds: dict[tuple[int, int], float] = {}
        for c in top:
            lo = max(line_start, c.start - 3)
            hi = min(line_end, c.end + 3)
            old = olds.get((lo, hi))
            if old is None:
                old = olds[lo, hi] = words.score(text[lo:hi])
            new = words.score(text[lo : c.start] + c.text + text[c.end : hi])
            c.wgain = new - old
            c.rank = c.gain + WORD_WEIGHT * c.wgain
    top.sort(key=lambda c: -c.rank)
    # the best reading decides where the run is; if it is not acceptable, another reading of the
    # same run may be (。。 versus 。“2 for ?!?, where only the second pairs the line's quotes)
    for c in top:
        if (c.start, c.end) == (top[0].start, top[0].end) and _accept(c):
            return c
    return top[0]


REFINE_KEEP = 8  # alternatives of a guessed character scored with word statistics
REFINE_REACH = 300  # characters of the line on either side of the run it looks at
REFINE_CONTEXT = 4  # characters on either side of it that the word statistics see
CACHE_REACH = 2000  # characters of the document on either side of a run that count as its context
CACHE_WEIGHT = 0.3  # weight of the context's own counts against the statistics


def _context(text: str, start: int, end: int) -> str:
    """The document around a run (:data:`CACHE_REACH` characters on either side) whose own
    counts weigh a guess (:func:`_cache_bonus`)."""
    return text[max(0, start - CACHE_REACH) : start] + "\n" + text[end : end + CACHE_REACH]


def _cache_bonus(stats: CharStats, context: str, left: str, ch: str, right: str, count=None) -> float:
    """What the document's own text adds to the log-probability of ``ch`` between ``left`` and
    ``right``: a cache model, the context's counts interpolated with the statistics, so a
    character or pair the document uses elsewhere gains much when the statistics find it rare
    and little when they already expect it.

    >>> cs = charstats()
    >>> with_cache = _cache_bonus(cs, "全市共有学校9所,幼儿园12所", "9", "所", ",")
    >>> with_cache > _cache_bonus(cs, "全市共有学校", "9", "所", ",")
    True

    ``count`` counts a string in ``context`` (a memo of ``context.count``, which it replaces).
    """
    count = count or context.count
    n = count(ch)
    if not n:
        return 0.0
    lp = stats.logp1(ch)
    bonus = math.log(CACHE_WEIGHT * n / len(context) + (1 - CACHE_WEIGHT) * math.exp(lp)) - lp
    for pair, cond in ((left + ch, left), (ch + right, right)):
        if len(pair) == 2:
            k = count(pair)
            if k:
                lp = stats.logp2(left, ch) if cond == left else stats.logp2(ch, right)
                p = CACHE_WEIGHT * k / count(cond) + (1 - CACHE_WEIGHT) * math.exp(lp)
                bonus += math.log(p) - lp
    return bonus


def _refine(
    c: _Candidate, text: str, line_start: int, line_end: int, stats: CharStats, memo: dict
) -> None:
    """Choose again each character the search guessed from destroyed bytes, one at a time, with
    word statistics on its context as well as character statistics.

    The search keeps a few readings per position ranked by character pairs alone, so a frequent
    guess (``、`` for the lead byte of ``立``, ``一`` for ``中``) can push the right one out; here
    every character the bytes allow is weighed in the repaired line (``坚持立德树人`` rather than
    ``坚持、德树人``). The candidate's text, bytes and gain are updated in place. ``memo`` (one
    per document) keeps the scores of the windows weighed: candidates of a run share most.
    """
    wmemo = memo.setdefault("windows", {})
    qmemo = memo.setdefault("quick", {})
    x, lattice = c.exit, c.lattice
    # the outcome depends on the reading (all of its Exit), where it lies and the text only: the
    # next attempt in the same cluster refines the same readings again, so it reuses the outcome
    rkey = ("refine", id(lattice), c.source, c.start, c.end, line_start, line_end, x.end, x.score, x.text,
            x.data, x.wildcards, x.rank, x.guesses)
    done = memo.get(rkey)
    if done is not None:
        if done:
            c.gain, c.paired, c.rank, c.text, c.exit, c.known = done
        return
    memo[rkey] = ()  # (no change; replaced below when the reading changes)
    words = wordstats()
    # the context, its characters and the counts asked of it depend on the run's place only:
    # readings of one run share them
    ckey = ("context", c.start, c.end)
    got = memo.get(ckey)
    if got is None:
        context = _context(text, c.start, c.end)
        got = memo[ckey] = (context, frozenset(context), {})
    context, present, counted = got

    def count(sub: str) -> int:
        n = counted.get(sub)
        if n is None:
            n = counted[sub] = context.count(sub)
        return n

    scripts, logp2 = stats.scripts, stats.logp2
    # the line around the run (bounded, so that a giant line costs linear time)
    head = text[max(line_start, c.start - REFINE_REACH) : c.start]
    tail = text[c.end : min(line_end, c.end + REFINE_REACH)]
    # the script of the line as the reading repairs it (the garbled run may look like the other)
    # (stats.script_of of head + reading + tail, with the counts of head and tail kept per run place)
    skey = ("script", c.start, c.end, line_start, line_end)
    counts = memo.get(skey)
    if counts is None:
        counts = memo[skey] = stats.script_counts(head + tail)
    s_n, t_n = stats.script_counts(c.text)
    script = stats.script_from_counts(s_n + counts[0], t_n + counts[1])
    reading = list(c.text)
    data = bytearray(x.data)
    decoders = _line_decoders(text, line_start, line_end, c.source)
    changed = False
    for k, pattern, next_byte, offset in x.guesses:
        alts = lattice.alternatives(pattern, next_byte)
        if len(alts) < 2:
            continue
        pos = len(head) + k
        line = head + "".join(reading) + tail
        lo = max(0, pos - REFINE_CONTEXT)
        left = line[pos - 1] if pos > 0 else ""
        right = line[pos + 1] if pos + 1 < len(line) else ""

        def bonus(alt):
            _cb, ch, pen = alt
            s = -pen
            k_script = scripts.get(ch)
            if script and k_script is not None and k_script != script:
                s -= SCRIPT_PENALTY
            s -= _final_cost(ch, right)
            # the document's own text says which characters and pairs it uses (one it never
            # uses gains nothing, as _cache_bonus would find after counting)
            return s + (_cache_bonus(stats, context, left, ch, right, count) if ch in present else 0.0)

        # a quick look at the alternatives (bonus and the pairs with its neighbours): a wildcard
        # has a hundred-odd, so only those that can make the best few are looked at (see
        # _quick_candidates); the look depends on the pattern, the neighbours, the script and the
        # context (the run's place), so readings of the same run share it
        qkey = ("quick", id(lattice), c.start, c.end, pattern, next_byte, script, left, right)
        looked = qmemo.get(qkey)
        if looked is None:
            look = _quick_candidates(lattice, alts, pattern, next_byte, script, left, right, present, stats)
            keys = {}
            bonuses = {}
            # bonus() written out (a hundred-odd alternatives per look: the calls were a third
            # of its cost), the same sums in the same order
            for j in look:
                _cb, ch, pen = alts[j]
                s = -pen
                if script:
                    k_script = scripts.get(ch)
                    if k_script is not None and k_script != script:
                        s -= SCRIPT_PENALTY
                s += _cache_bonus(stats, context, left, ch, right, count) if ch in present else 0.0
                # bonus(alts[j]) for the windows below (with the line-end cost, which the quick
                # look's ranking leaves out)
                bonuses[j] = s - _final_cost(ch, right)
                s += logp2(left, ch)
                keys[j] = s + logp2(ch, right) if right else s
            top = sorted(look, key=keys.__getitem__, reverse=True)[:REFINE_KEEP]
            looked = qmemo[qkey] = ([alts[j] for j in top], {alts[j]: bonuses[j] for j in top})
        scored, known_bonus = looked
        scored = list(scored)
        current = reading[k]
        listed = current in {ch for _cb, ch, _p in scored}
        if not listed:
            scored += [a for a in alts if a[1] == current][:1]
        quotes = current in _QUOTE_CHARS or any(a[1] in _QUOTE_CHARS for a in scored)
        # the choice depends on the quick look (qkey), the characters the windows see and the
        # current character (when the quick look did not list it) -- not on the rest of the
        # reading, unless quotation marks are weighed (the whole line): readings of a run mostly
        # differ in one guessed character, so most of their choices are the same
        best, best_score = None, None
        dkey = None
        # what the windows see on either side of the guessed character (the same for each alternative)
        before, after = line[lo:pos], line[pos + 1 : pos + 1 + REFINE_CONTEXT]
        if not quotes:
            dkey = ("choice", qkey, before, after, None if listed else current)
            chosen = qmemo.get(dkey, qmemo)
            if chosen is not qmemo:
                best, scored, dkey = chosen, (), None
        for alt in scored:
            window = before + alt[1] + after
            got = wmemo.get(window)
            if got is None:
                got = wmemo[window] = (stats.score(window), words.score(window))
            b = known_bonus.get(alt)
            s = (bonus(alt) if b is None else b) + got[0] + WORD_WEIGHT * got[1]
            if quotes:
                # character and word statistics both weigh the context: pairing weighs for both
                s -= (1 + WORD_WEIGHT) * QUOTE_WEIGHT * _unpaired(line[:pos] + alt[1] + line[pos + 1 :])
            if best_score is None or s > best_score:
                best, best_score = alt, s
        if dkey is not None:
            qmemo[dkey] = best
        if best is None or best[1] == current:
            continue
        cb = best[0]
        trial = data[:offset] + cb + data[offset + len(cb) :]
        garbled = text[c.start : c.end]
        if c.source is not None and not _consistent(bytes(trial), garbled, c.source, decoders):
            continue
        reading[k] = best[1]
        data = trial
        changed = True
    if not changed:
        return
    new_text = "".join(reading)
    prev = head[-1] if head else ""
    score = x.score + stats.score(new_text, prev) - stats.score(c.text, prev)
    nx = Exit(x.end, score, new_text, bytes(data), x.wildcards, x.rank, x.guesses)
    if not _plausible_output(new_text, text[c.start : c.end], nx, stats):
        return
    c.gain, quotes = _gain(stats, text, c.start, nx, line_start, line_end)
    c.paired = quotes > 0
    c.rank = c.gain
    c.text = new_text
    c.exit = nx
    left = head[-1] if head else ""
    right = tail[:1]
    c.known = stats.known_pairs(left + new_text + right)
    memo[rkey] = (c.gain, c.paired, c.rank, c.text, c.exit, c.known)


# -- sure guesses ----------------------------------------------------------------------------------

# a character guessed from destroyed bytes is sure when it scores (as _refine scores it) this much
# better than every other character its known bytes allow: the margin the utf8-as-big5 search asks
# of its runner-up (_big5.MIN_MARGIN), e^2 ~ 7 times as likely by the statistics
SURE_MARGIN = 2.0
SURE_KEEP = 40  # readings of a group of guesses side by side (by character pairs) weighed in full
_CONFUSIONS = frozenset({"big5-as-gbk", "gbk-as-big5"})


def _guess_margins(c: _Candidate, text: str, line_start: int, line_end: int, stats: CharStats) -> dict:
    """``{k: margin}`` for each character ``c.text[k]`` guessed from destroyed bytes: how much
    better the reading scores with it than with the best other character that its known bytes
    allow and the garbled text is consistent with (``inf``: there is none; ``-inf``: no byte of
    it was seen, so every character of the codec is allowed).

    The score is :func:`_refine`'s: the document's cache, the script, character and word
    statistics of the guess with :data:`REFINE_CONTEXT` characters on either side, quotation
    marks. The context holds only characters read from bytes that were seen: guesses side by
    side would vouch for each other (``時間`` read for ``冊，`` is a word, each character sure given
    the other), so guesses side by side are weighed together: the best :data:`SURE_KEEP` readings
    of the group under character pairs (a beam over every alternative of each), weighed in full,
    and a character is sure when the best of them with it beats the best without it.
    """
    x, lattice = c.exit, c.lattice
    words = wordstats()
    context = _context(text, c.start, c.end)
    present = frozenset(context)
    head = text[max(line_start, c.start - REFINE_REACH) : c.start]
    tail = text[c.end : min(line_end, c.end + REFINE_REACH)]
    line = head + c.text + tail
    script = stats.script_of(line)
    decoders = _line_decoders(text, line_start, line_end, c.source)
    garbled = text[c.start : c.end]
    info = {k: (pattern, next_byte, offset) for k, pattern, next_byte, offset in x.guesses}
    out: dict = {}
    groups: list[list[int]] = []
    for k in sorted(info):
        if all(b == W for b in info[k][0]):
            # nothing of it was seen: the statistics alone chose among thousands (and of the few
            # hundred most frequent the search may guess, the favourites 爲, 會, 人 come first)
            out[k] = -math.inf
        elif groups and groups[-1][-1] == k - 1:
            groups[-1].append(k)
        else:
            groups.append([k])

    def bonus(ch: str, left: str, right: str) -> float:
        # (no penalty for a filled byte the decoder would have read with the next byte: where
        # the reading goes on, the garbled text rules such a byte out (_consistent below);
        # where it ends, the run may have been decoded on its own, and the text cannot tell)
        s = 0.0
        k_script = stats.scripts.get(ch)
        if script and k_script is not None and k_script != script:
            s -= SCRIPT_PENALTY
        return s + (_cache_bonus(stats, context, left, ch, right) if ch in present else 0.0)

    for group in groups:
        first, last = len(head) + group[0], len(head) + group[-1]
        lo = first
        while lo > max(0, first - REFINE_CONTEXT) and (lo - 1 - len(head)) not in info:
            lo -= 1
        hi = last + 1
        while hi < min(len(line), last + 1 + REFINE_CONTEXT) and (hi - len(head)) not in info:
            hi += 1
        before, after = line[lo:first], line[last + 1 : hi]
        alts = [lattice.alternatives(info[k][0], info[k][1]) for k in group]
        quotes = any(a[1] in _QUOTE_CHARS for lst in alts for a in lst) or any(
            c.text[k] in _QUOTE_CHARS for k in group
        )

        def score(chars: tuple) -> float:
            window = before + "".join(chars) + after
            s = stats.score(window) + WORD_WEIGHT * words.score(window)
            for i, ch in enumerate(chars):
                j = len(before) + i
                s += bonus(ch, window[j - 1 : j], window[j + 1 : j + 2])
            if quotes:
                s -= (1 + WORD_WEIGHT) * QUOTE_WEIGHT * _unpaired(line[:first] + "".join(chars) + line[last + 1 :])
            return s

        held = tuple(next((a for a in alts[i] if a[1] == c.text[k]), None) for i, k in enumerate(group))
        if None in held:
            out.update((k, -math.inf) for k in group)  # (a character its bytes do not allow)
            continue
        # the group's readings by character pairs and script (what the search itself weighs)
        beam = [(0.0, ())]
        for i, lst in enumerate(alts):
            grown = []
            nxt = after[:1] if i == len(alts) - 1 else ""
            for sc, combo in beam:
                prev = combo[-1][1] if combo else before[-1:]
                for a in lst:
                    k_script = stats.scripts.get(a[1])
                    s = sc + stats.logp2(prev, a[1]) + (stats.logp2(a[1], nxt) if nxt else 0.0)
                    if script and k_script is not None and k_script != script:
                        s -= SCRIPT_PENALTY
                    grown.append((s, combo + (a,)))
            beam = heapq.nlargest(SURE_KEEP, grown, key=lambda t: t[0])
        keep = {combo for _sc, combo in beam} | {held}
        combos = sorted(((score(tuple(a[1] for a in combo)), combo) for combo in keep), key=lambda t: -t[0])
        for i, k in enumerate(group):
            current = c.text[k]
            mine = next(s for s, combo in combos if combo[i][1] == current)
            rival = -math.inf
            # the best without it the garbled text is consistent with (one a clear margin below
            # needs no check: the guess is sure whatever follows)
            for s, combo in combos:
                if combo[i][1] == current:
                    continue
                if mine - s < SURE_MARGIN and c.source is not None:
                    trial = bytearray(x.data)
                    for j, kk in enumerate(group):
                        offset = info[kk][2]
                        trial[offset : offset + len(combo[j][0])] = combo[j][0]
                    if not _consistent(bytes(trial), garbled, c.source, decoders):
                        continue
                rival = s
                break
            out[k] = mine - rival
    return out


def _sure_text(c: _Candidate, text: str, line_start: int, line_end: int) -> Optional[str]:
    """What an accepted reading may write: for the two confusion rules, each character guessed
    from destroyed bytes that is not sure (see :func:`_guess_margins`) becomes U+FFFD, counted as
    unrecoverable like any other, so the output never holds an invented character; None (leave
    the run as it is) when half of the reading's characters or more would be marks (the garbled
    text still holds every byte that was seen, U+FFFD holds none) or when the marks would be more
    than the U+FFFD the run holds (its destroyed bytes written as "?", or lost at its end).
    Other rules' readings are written as they are.
    """
    if c.rule not in _CONFUSIONS or c.exit is None or not c.exit.guesses:
        return c.text
    margins = _guess_margins(c, text, line_start, line_end, charstats())
    unsure = {k for k, m in margins.items() if m < SURE_MARGIN}
    if not unsure:
        return c.text
    garbled = text[c.start : c.end]
    if 2 * len(unsure) >= len(c.text) or "?" in garbled or len(unsure) > garbled.count("\ufffd"):
        # (a "?" for a destroyed byte, or a byte lost at the run's end: a mark written for it
        # would be a U+FFFD the input did not have, and cleaning adds none. Where the input has
        # U+FFFD, each mark stands for one or two of them: the marks of lost bytes move)
        return None
    return "".join("\ufffd" if k in unsure else ch for k, ch in enumerate(c.text))


def _marks_stay(
    text: str, spans: list, start: int, end: int, marked: str, line_start: int, line_end: int,
    budget: Optional[SearchBudget] = None,
) -> bool:
    """Whether the step run again over the line, with the repairs so far and ``marked`` in place
    of ``text[start:end]``, would leave ``marked`` as it is. U+FFFD is a mark of damage: the step
    run again (the pipeline does, after later steps) reads the marks as destroyed bytes and may
    guess them after all; marks it would read again are not written (the run is left as it is,
    which the step leaves again). The look spends the document's ``budget``: on a long line it is
    a search as long as the document's own; if the budget runs out during it, the marks are
    not written."""
    before = [(s, e, t, r) for s, e, t, r in spans if s >= line_start]
    line = apply_spans(text[line_start:start], [(s - line_start, e - line_start, t, r) for s, e, t, r in before])
    a = len(line)
    b = a + len(marked)
    line += marked + text[end:line_end]
    unsearched: list = []
    found = repair_spans(line, check=False, budget=budget, unsearched=unsearched)
    return not unsearched and not any(s < b and a < e for s, e, *_ in found)


def _quick_candidates(lattice, alts, pattern, next_byte, script, left, right, present, stats) -> list:
    """Indices of the alternatives of a guessed character that can be among the
    :data:`REFINE_KEEP` best in :func:`_refine`'s quick look, in their order.

    Between two Han characters, an alternative the document never uses, whose pairs with both
    neighbours the statistics do not know, scores its unigram backed off twice, its penalty and
    nothing else: those were sorted once for the pattern, so only the best of them need the full
    look, with every alternative that has a known pair, a cache bonus or is not Han.

    Next to a character that is not Han (punctuation: a guess that ends a run before ``?`` or
    ``，`` or starts one after ``“``), the unknown pair with it scores the guess's word-end or
    word-start factor on top (``stats.ends``/``stats.starts``, one per character) or nothing (a
    Latin letter, the line's edge): next to punctuation the order is sorted with the factor
    (one order per pattern and side), so it holds there too. After a digit the pair scores what
    follows numbers, which has no such bound: all.
    """
    n = len(alts)
    if n <= REFINE_KEEP or left.isdigit():
        return list(range(n))
    starts = bool(left) and not is_han(left) and not left.isalnum()
    ends = bool(right) and not is_han(right) and not right.isalnum()
    order, bound, special, index, chars = _quick_order(lattice, pattern, next_byte, script, starts, ends)
    chosen = set(special)
    # the alternatives the document uses or whose pair with a neighbour the statistics know: set
    # intersections with the pattern's characters instead of three look-ups per alternative
    hit = chars & present
    if left:
        hit |= chars & successor_set(stats, left)
    if right:
        hit |= _before(chars, right)
    for ch in hit:
        chosen.update(index[ch])
    taken = 0
    last = 0.0
    for j in order:
        if j in chosen:
            continue
        b = bound[j]
        if taken >= REFINE_KEEP and b < last - 1e-6:
            break
        chosen.add(j)
        taken += 1
        last = b
    return sorted(chosen)


@lru_cache(maxsize=4096)
def _before(chars: frozenset, right: str) -> frozenset:
    """The characters of ``chars`` (a pattern's alternatives) whose pair with ``right`` the bigram
    statistics know: one look-up per character, kept per pattern and neighbour (an index of
    predecessors would cost 0.2 s per process to build)."""
    bigrams = charstats().bigrams
    return frozenset(ch for ch in chars if ch + right in bigrams)


@lru_cache(maxsize=1024)  # about 6 kB each
def _quick_order(lattice, pattern, next_byte, script, starts: bool = False, ends: bool = False) -> tuple:
    """``(order, bound, special, index, chars)`` for :func:`_quick_candidates`: the Han
    alternatives by what they score with no known pair and no cache bonus (less a constant; with
    ``starts``/``ends`` after/before punctuation, whose unknown pair adds the alternative's
    word-start/word-end factor), the non-Han ones apart, each character's alternatives and the
    set of those characters."""
    stats = charstats()
    alts = lattice.alternatives(pattern, next_byte)
    bound = []
    special = []
    index: dict = {}
    for j, (_cb, ch, _pen) in enumerate(alts):
        index.setdefault(ch, []).append(j)
    for j, (_cb, ch, pen) in enumerate(alts):
        if not is_han(ch):
            special.append(j)
            bound.append(0.0)
            continue
        b = -pen
        k_script = stats.scripts.get(ch)
        if script and k_script is not None and k_script != script:
            b -= SCRIPT_PENALTY
        b += stats.logp1(ch)
        if starts:
            b += stats.starts.get(ch, 0.0)
        if ends:
            b += stats.ends.get(ch, 0.0)
        bound.append(b)
    order = sorted((j for j in range(len(alts)) if j not in set(special)), key=lambda j: -bound[j])
    # tuples: kept for the process, and the cycle collector skips them (see charstats.frozen_lists)
    return tuple(order), tuple(bound), tuple(special), frozen_lists(index), frozenset(index)


def _weak_cluster(text: str, c0: int, c1: int, stats: CharStats) -> bool:
    """A cluster whose only evidence is rare characters the statistics know (a name, a place, a
    classical phrase): clean text has many such, so it gets a cheap look before a full search."""
    for m in _trigger().finditer(text, c0, c1):
        ch = m.group()
        if not is_han(ch) or not stats.unigrams.get(ch):
            return False
    return not _GLUED.search(text, c0, c1) and not _utf8_pair().search(text, c0, c1)


def _mean_logp(text: str, stats: CharStats) -> float:
    return sum(stats.logp1(ch) for ch in text) / max(1, len(text))


def _prescreen(rule: str, window: str, stats: CharStats) -> bool:
    """Whether reading ``window`` the way damage class ``rule`` would is worth a full search: one
    decode in C and a unigram score, against the window as it is."""
    try:
        if rule == "gbk-shift":
            other = window.encode("gb18030")[1:].decode("gb18030", "replace")
        elif rule == "utf8-as-gbk":
            other = window.encode("gb18030").decode("utf-8", "replace")
        elif rule == "big5-as-gbk":
            other = window.encode("gb18030").decode("cp950", "replace")
        elif rule == "gbk-as-big5":
            other = window.encode("cp950").decode("gb18030", "replace")
        else:  # utf8-as-big5
            other = window.encode("cp950").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return False
    if other.count("\ufffd") > len(other) // 4:
        return False
    return _mean_logp(other, stats) > _mean_logp(window, stats) + PRESCREEN_MARGIN


def _dangling_worth(text: str, i: int) -> bool:
    """Whether the lone "?" at ``i`` (a match of _DANGLING) may end a misread run (see
    _dangling_prescreen), judged before it makes a cluster: clean text has many such "?"."""
    # a misread run is non-ASCII up to the "?" (an ASCII byte would have realigned it): the
    # stretch of such characters before it, at most as far back as a run may start
    lo = i
    while lo > 0 and i - lo < START_REACH and ord(text[lo - 1]) >= 0x80:
        lo -= 1
    if i - lo < 2:
        return False  # a run of one character is not searched (see _dangling_prescreen)
    stats = charstats()
    if text[i - 2 : i] in stats.bigrams:
        # the two characters before it are a pair seen inside a dictionary word (规划, 規劃): a word
        # ends there, as _first_start would find at more cost, and no run can
        return False
    first = _first_start(text, lo, i)
    return first < i - 1 and bool(_dangling_prescreen(text, i, first, stats))


def _dangling_prescreen(text: str, c0: int, first: int, stats: CharStats) -> tuple:
    """The classes worth a full search for a lone "?" at ``c0`` where the stream realigns: a cheap
    look at the characters before it, from each start the search would try, read again in C.

    A gbk-shift run of k misread characters before its dangling byte holds the bytes of its true
    characters 2..k from its second byte on, whichever byte was lost or gained at its start: so
    those bytes, decoded, must read better than the run. A UTF-8 run whose last byte was lost
    reads back as UTF-8 up to that byte. A run of one character leaves nothing to compare, and
    is not searched: its reading would be two guessed characters."""
    passed: set = set()
    for j in range(first, c0 - 1):
        window = text[j:c0]
        try:
            data = window.encode("gb18030")
        except UnicodeEncodeError:
            continue
        mean = None
        for rule in _DANGLING_RULES:
            if rule in passed:
                continue
            if rule == "gbk-shift":
                other = data[1:].decode("gb18030", "replace")
            else:
                other = data.decode("utf-8", "replace")
            other = other.rstrip("\ufffd?")
            if not other or "\ufffd" in other:
                continue
            if mean is None:
                mean = stats.score(window) / len(window)
            # per character, with the pairs the statistics know (匪浅 of 受益匪浅 against 婪饲场)
            if stats.score(other) / len(other) > mean + PRESCREEN_MARGIN:
                passed.add(rule)
        if len(passed) == len(_DANGLING_RULES):
            break
    out = [rule for rule in _DANGLING_RULES if rule in passed]
    return tuple(out)


# the order damage classes are tried in: the strict ones (UTF-8 must be valid) first
_ORDER = ("utf8-as-gbk", "gbk-shift", "big5-as-gbk", "utf8-as-big5", "gbk-as-big5")
_CODECS = {rule: (source, target) for rule, source, target in _MODES}
_DANGLING_RULES = ("utf8-as-gbk", "gbk-shift")


START_REACH = 12  # characters before a cluster a run may start at (the most any class looks back)


def _first_start(text: str, lo: int, c0: int) -> int:
    """The first position a run covering ``text[c0]`` may start at: after the last dictionary word
    (two characters or more) that lies between ``lo`` and ``c0``. Damage reads as characters drawn
    almost at random, which seldom make a word; a word there says the text is sound, so the run
    starts after it (a run starting inside sound text would read it as garbage and lose anyway)."""
    seg = text[lo:c0]
    if len(seg) < 2:
        return lo
    words = wordstats()
    simple = words.simplified(seg)
    if len(simple) != len(seg):
        return lo  # the conversion changed the length: positions would not match
    freq = words.freq
    last = -1
    for i in range(len(simple) - 1):
        for j in range(i + 2, min(len(simple), i + words.MAX_WORD) + 1):
            if simple[i:j] in freq:
                last = i
                break
    return lo + last + 1


@lru_cache(maxsize=None)
def _lattice(target: str, source: Optional[str], decoders: Optional[tuple] = None) -> Lattice:
    # one per codec pair (and set of decoders) and process: a lattice keeps the candidate tables
    # of the byte patterns it has seen (pure in the pattern), which every run reading the same
    # codecs reuses
    w_check = failing_byte_check(decoders or _DECODERS[source]) if source else None
    return Lattice(charstats(), target, w_check=w_check)


def _try_confusion(rule, text, c0, c1, line_start, line_end, stats, script, consider, memo, first, budget=None) -> None:
    """Byte-for-byte confusions: the run is a stretch of characters the source codec can encode."""
    source, target = _CODECS[rule]
    codec = two_byte(source)
    if any(_char_bytes(ch, codec) is None and ch != "\ufffd" for ch in text[c0:c1]):
        return
    lo = c0
    while lo > line_start and c0 - lo < 12 and _stretchable(text[lo - 1], codec):
        lo -= 1
    hi = c1
    while hi < line_end and hi - c1 < 40 and _stretchable(text[hi], codec):
        hi += 1
    # a destroyed byte is one the line's decoder failed on (see _line_decoders)
    lattice = _lattice(target, source, _line_decoders(text, line_start, line_end, source))
    # as in _try_shift: later starts take the tail of the first start's tokens
    shared: Optional[list] = None
    at: dict = {}
    for start in range(max(lo, first), c0 + 1):
        if ord(text[start]) < 0x80 and text[start] != "?":
            continue
        prev = text[start - 1] if start > line_start else ""
        key = (rule, start, hi, prev, script, min(line_end, hi + 1))
        exits = memo.get(key)
        if exits is None or c0 < memo.get(("unread",) + key, c0):
            memo.pop(("unread",) + key, None)
            if start in at:
                toks = shared[at[start] :]
            else:
                toks = _tokens(text, start, hi, source, shift=False)
                if shared is None:
                    shared, at = toks, {t.gpos: i for i, t in enumerate(toks)}
            if not toks:
                continue
            end = toks[-1].gpos + 1
            if not lattice.may_exit_past(toks, end, c0):
                # no reading of this start gets past the attempt's first garbled character (the
                # target codec has no character for its bytes before that): see _try_shift
                exits = memo[key] = ()
                memo[("unread",) + key] = c0
                continue
            right = text[start : min(line_end, hi + 1)]
            exits = memo[key] = lattice.decode(toks, prev, end, script=script, right=right)
            if budget is not None:
                budget.spent += len(exits)
        if exits:
            consider(start, exits, rule, source, lattice)


def _try_big5(text, c0, c1, line_start, line_end, stats, found, budget=None) -> Optional[tuple]:
    """utf8-as-big5: half the bytes of such a run are lost, so it has its own search
    (:mod:`._big5`), which keeps a reading only when no other comes close. A run it finds to be
    this damage but cannot read surely is returned as ``(start, end, gain)``: a reading of it
    under another damage class that gains less is a guess at the wrong damage."""
    v = _big5.repair(text, c0, c1, line_start, line_end, budget)
    if v is None:
        return None
    garbled = text[v.start : v.end]
    prev = text[v.start - 1] if v.start > line_start else ""
    nxt = text[v.end] if v.end < line_end else ""
    gain = stats.score(v.text + nxt, prev) - stats.score(garbled + nxt, prev)
    if not v.sure:
        return v.start, v.end, gain
    c = _Candidate(v.start, v.end, v.text, gain, "utf8-as-big5")
    c.known = stats.known_pairs(prev + v.text + nxt)
    c.garbled = garbled
    c.signal = True
    found[(v.start, v.end, v.text)] = c
    return None


def _try_shift(
    text, c0, c1, line_start, line_end, stats, script, consider, numbers, memo, first, budget=None
) -> None:
    """gbk-shift: one byte lost or gained at the start of the run; realigns at an ASCII byte."""
    lo = max(line_start, c0 - 8)
    # a misaligned run goes on until an ASCII byte realigns it, however few of its characters
    # look odd: the reading may need to go far past the cluster to reach that point
    hi = min(line_end, max(c1 + 12, c0 + SHIFT_REACH))
    lattice = _lattice("gb18030", None)
    # a token depends on its own place and the run's end only, not on where the run starts: the
    # tokens of the first start hold those of every later start that begins at one of them
    shared: Optional[list] = None
    at: dict = {}
    for start in range(max(lo, first), c0 + 1):
        # a run starts at a character GBK writes with two bytes, at "?", or at an ASCII character
        # that was a trail byte (0x40-0x7E: 辦 = DE 6B read from its second byte is "k")
        if ord(text[start]) < 0x40 and text[start] != "?":
            continue
        prev = text[start - 1] if start > line_start else ""
        key = ("gbk-shift", start, hi, prev, script, line_end)
        done = memo.get(key)
        if done is not None and c0 >= memo.get(("unread",) + key, c0):
            for exits in done:
                if exits:
                    consider(start, exits, "gbk-shift", None, lattice)
            continue
        memo.pop(("unread",) + key, None)
        if start in at:
            toks = shared[at[start] :]
        else:
            toks = _tokens(text, start, hi, "gb18030", shift=True, numbers=numbers)
            if shared is None:
                shared, at = toks, {t.gpos: i for i, t in enumerate(toks)}
        if not toks:
            continue
        end = _token_end(text, toks)
        trailing = end == line_end
        done = []
        for variant, _name in _shift_starts(toks):
            if not lattice.may_exit_past(variant, end, c0, trailing, stop_at_sync=True):
                # every reading of this start ends by the attempt's first garbled character, where
                # consider() throws it away (and so would every later attempt, which starts further
                # on): not decoded. The memo says up to where that holds
                done.append(())
                memo[("unread",) + key] = c0
                continue
            exits = lattice.decode(
                variant,
                prev,
                end,
                allow_trailing_wildcard=trailing,
                script=script,
                right=text[start : min(line_end, hi + 1)],
                stop_at_sync=True,
            )
            if budget is not None:
                budget.spent += len(exits)
            done.append(exits)
            consider(start, exits, "gbk-shift", None, lattice)
        memo[key] = done


def _token_end(text: str, toks: list[Token]) -> int:
    last = toks[-1]
    m = _PINYIN_FRAGMENT.match(text, last.gpos) if len(last.alts) > 1 and last.alts[-1][2] == "drop" else None
    return m.end() if m else last.gpos + 1


def _stretchable(ch: str, codec) -> bool:
    # ASCII is the same byte in UTF-8, GBK and Big5, so a run may go on across it
    return ch != "\n" and _char_bytes(ch, codec) is not None or ch == "\ufffd"


def _accept(c: _Candidate) -> bool:
    """Repair only with a clear margin, and only into text whose character pairs are known."""
    n = c.end - c.start
    if c.paired and _ONLY_MARKS.fullmatch(c.text) and c.gain >= MIN_GAIN_MARKS:
        # a short run that reads as punctuation only (``?!?`` → ``。“``): the evidence is the
        # quotation mark it pairs up in the line
        return True
    if not c.garbled.strip("?!"):
        # a run of ``?`` and ``!`` alone (``??!!!!!!``) holds no misread character: every byte it
        # stands for is guessed, and clean text writes such runs for emphasis (``怎么住啊????!!!!``).
        # Read as folded ``！`` shifted by a byte it comes out as ``。浚。。。`` or ``。。。。``: marks
        # and characters invented from marks. Only a reading into marks that pairs a quotation
        # mark of the line (above) has evidence. (A lone trail byte such as ``|`` between Chinese
        # characters is a misread character: 教學|量 is 教學質量 that lost a byte.)
        return False
    if (
        c.rule == "gbk-shift"
        and c.signal
        and not c.kana
        and c.realigned
        and c.gain > 0
        and c.wgain is not None
        and c.wgain >= MIN_WORD_GAIN_SHORT
        and c.known[0] == c.known[1]
    ):
        # a short misread run at the end of a line or before ASCII (``能帧?`` → ``能手。``) whose
        # character gain is small (a destroyed byte is cheap as ``?``) but which the word
        # statistics read as words, every pair of it known
        return True
    if c.gain < MIN_GAIN_PER_CHAR * n:
        return False
    if c.rule == "gbk-shift" and c.signal and c.known[0] >= 1 and c.gain >= MIN_GAIN_SIGNAL:
        # a short misread run (traditional text realigns after a character or two) with a mark
        # clean text does not have, read into a known pair of characters
        return True
    if c.gain < MIN_GAIN:
        return False
    seen, pairs = c.known
    if c.rule in _LOSSY:
        # Big5 readings guess many destroyed bytes: ask for more, and for words
        return c.gain >= LOSSY_GAIN_PER_CHAR * n and pairs > 0 and seen >= LOSSY_KNOWN_PAIRS * pairs
    if n <= 2 and not c.signal and seen == 0:
        # two rare characters side by side, with no mark of damage, are what clean text has too
        # (绱漖 → 紝], 娲乲 → 洁k): without a pair the statistics know there is no evidence
        return False
    if pairs == 0:
        return c.gain >= MIN_GAIN_SINGLE
    return seen >= MIN_KNOWN_PAIRS * pairs or c.gain >= STRONG_GAIN_PER_CHAR * n


def repair_spans(
    text: str,
    check: bool = True,
    budget: Optional[SearchBudget] = None,
    unsearched: Optional[list] = None,
) -> list[Span]:
    """Spans replacing each garbled run by its repaired reading, named by damage class
    (``check``: marks of characters that could not be read surely are written only where the
    step run again leaves them, see :func:`_marks_stay`).

    The search spends ``budget`` (default: a new one for ``text``, see :class:`SearchBudget`);
    once it is spent, the clusters not yet searched (``(start, end)``) go to ``unsearched``.
    """
    clusters = find_clusters(text)
    if not clusters:
        return []
    if budget is None:
        budget = SearchBudget(text)
    spans: list[Span] = []
    done = 0
    trigger = _trigger()
    numbers = frozenset(_NUMBER.findall(text))
    memo: dict = {}  # readings already decoded in this document (see _best_repair)
    starved = False
    for i, (c0, c1) in enumerate(clusters):
        if c1 <= done:
            continue
        line_start = text.rfind("\n", 0, c0) + 1
        nl = text.find("\n", c1)
        line_end = len(text) if nl < 0 else nl
        c0 = max(c0, done)
        # a cluster that is one "?" where the stream realigns (see _DANGLING) is the mark of the
        # two classes that leave one there: a gbk-shift run's dangling lead byte, a UTF-8 run's
        # lost last byte; clean text has many such "?" (questions), and the other classes'
        # searches are the costly ones
        rules = _DANGLING_RULES if c1 - c0 == 1 and text[c0] == "?" else None
        # a cluster may hold several runs (separated by ASCII, or by text that was not damaged)
        attempts = 0
        while c0 < c1 and attempts < MAX_ATTEMPTS:
            if budget.exhausted:
                starved = True
                break
            attempts += 1
            budget.spent += ATTEMPT_WORK
            if len(memo) + sum(len(memo.get(k, ())) for k in ("windows", "quick", "consider")) > MEMO_LIMIT:
                # a giant document: keep the memo's memory bounded
                memo.clear()
            cand = _best_repair(text, c0, c1, max(line_start, done), line_end, numbers, memo, rules, budget)
            accepted = cand is not None and _accept(cand)
            # (a confusion reading with too few sure characters is None: left as it is)
            sure = _sure_text(cand, text, line_start, line_end) if accepted else None
            if sure is not None and check and sure != cand.text:
                if not _marks_stay(text, spans, cand.start, cand.end, sure, line_start, line_end, budget):
                    sure = None
            if sure is not None:
                spans.append((cand.start, cand.end, sure, cand.rule))
                done = cand.end
                nxt = done
            elif accepted or (cand is not None and cand.leave):
                nxt = cand.end  # damage that cannot be read surely: no other reading of it either
            else:
                nxt = c0 + 1  # nothing reads better here: this character may be sound text
            m = trigger.search(text, nxt, c1)
            if m is None:
                break
            c0 = m.start()
        if starved:
            # this cluster's rest and every later one: not searched, and said so
            if unsearched is not None:
                unsearched.append((c0, c1))
                unsearched.extend(clusters[i + 1 :])
            break
    return spans


def unrecoverable_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of ``锟斤拷`` runs and U+FFFD runs.

    >>> unrecoverable_spans("教育锟斤拷锟斤拷局\\ufffd\\ufffd")
    [(2, 8), (9, 11)]
    """
    if "\ufffd" not in text and "斤拷" not in text:
        return []
    return [(m.start(), m.end()) for m in _UNRECOVERABLE.finditer(text)]


def fix_mojibake(text: str, remove_unrecoverable: bool = False) -> str:
    """The whole step as a pure function.

    >>> fix_mojibake("鏁欒偛閮ㄥ叧浜庤繘涓€姝ュ姞寮?")  # UTF-8 read as GBK, last byte lost
    '教育部关于进一步加强'
    >>> fix_mojibake("家長也非常高興?!弊筒┦凶痛▍^小學")
    '家長也非常高興。”淄博市淄川區小學'
    >>> fix_mojibake("真的吗?!我不信。")
    '真的吗?!我不信。'
    """
    text = apply_spans(text, repair_spans(text))
    if remove_unrecoverable:
        text = apply_spans(text, [(s, e, "", "unrecoverable") for s, e in unrecoverable_spans(text)])
    return text


@lru_cache(maxsize=2)
def _spans_of(text: str) -> tuple[tuple[Span, ...], tuple[tuple[int, int], ...]]:
    # the pipeline asks about the text it is about to clean again (see may_repair_again): the
    # step's run on that same text in the next round reuses the answer instead of searching twice
    unsearched: list = []
    spans = repair_spans(text, unsearched=unsearched)
    return tuple(spans), tuple(unsearched)


def may_repair_again(text: str) -> bool:
    """Whether this step would repair ``text``: a later step can turn a run it left alone into one
    it reads differently (script conversion changes the characters of an unrepaired run, and so
    its bytes), so the pipeline runs another round and cleaning stays idempotent.

    Not when the search ran out of budget (see :class:`SearchBudget`): another round would spend
    another budget on the runs this one left, and a page over budget is not cleaned to the end
    (cleaning its output again goes on where the budget stopped)."""
    spans, unsearched = _spans_of(text)
    return bool(spans) and not unsearched


def run(text: str, ctx: StepContext) -> str:
    found, unsearched = _spans_of(text)
    spans = list(found)
    if unsearched:
        # the search's budget ran out: what it did not reach is damage nobody looked at, said so
        # (in the coordinates of the text the step received, before its repairs)
        ctx.scores["mojibake_unsearched"] = len(unsearched)
        ctx.flag(text, [(s, e, "unsearched") for s, e in unsearched])
    else:
        ctx.scores.pop("mojibake_unsearched", None)
    if spans:
        ctx.scores["mojibake_repaired"] = ctx.scores.get("mojibake_repaired", 0) + len(spans)
        text = ctx.replace(text, spans)
    bad = unrecoverable_spans(text)
    if getattr(ctx.config, "mojibake_remove_unrecoverable", False):
        if bad:  # removals add up over the pipeline's rounds, as repairs do
            ctx.scores["mojibake_unrecoverable"] = ctx.scores.get("mojibake_unrecoverable", 0) + len(bad)
            text = ctx.replace(text, [(s, e, "", "unrecoverable") for s, e in bad])
    elif bad:
        # flagged damage stays in the text, and a later round finds it again: the count is what
        # the text holds now, not a sum over rounds
        ctx.scores["mojibake_unrecoverable"] = len(bad)
        ctx.flag(text, [(s, e, "unrecoverable") for s, e in bad])
    else:
        ctx.scores.pop("mojibake_unrecoverable", None)
    return text


STEP = Step(
    "mojibake",
    "GBK/GB18030/Big5 mojibake: UTF-8 read as GBK or Big5, GBK byte misalignment, GBK/Big5 confusion; counts 锟斤拷 and U+FFFD",
    run,
    recheck=may_repair_again,
)
