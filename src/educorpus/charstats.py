"""How plausible a string is as Chinese text: character unigram and bigram statistics.

The counts come from jieba's dictionary (its words and frequencies, each word also in its OpenCC
traditional forms), built by ``scripts/build_charstats.py`` into ``data/charstats/``. Bigrams are
pairs of adjacent characters *inside* a dictionary word, so a pair that spans two words is unseen
even in perfect text; the model therefore interpolates every bigram with the unigram of its second
character and is meant for *comparing* readings of the same bytes (the ``mojibake`` step, the byte
decoder), not as an absolute measure of quality.

Characters the dictionary does not cover get a fixed log-probability by class: Chinese
punctuation, digits, Latin letters, kana, symbols, private-use characters, U+FFFD.

Not handled: word segmentation, and any notion of what a text is about.
"""

from __future__ import annotations

import gzip
import math
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Optional

_DATA = resources.files("educorpus") / "data" / "charstats"

# interpolation weight of the in-word bigram against the unigram of the second character
LAMBDA = 0.6
_LOG_BACKOFF = math.log(1 - LAMBDA)
_DIGITS = frozenset("0123456789０１２３４５６７８９")

# log-probabilities by class for characters the dictionary does not count (natural log)
_PUNCT_LOGP = {
    "，": -3.0, "。": -3.7, "、": -4.6, "“": -5.0, "”": -5.0, "：": -5.3, "；": -6.5, "！": -6.5,
    "？": -6.5, "（": -6.0, "）": -6.0, "《": -6.0, "》": -6.0, "「": -7.0, "」": -7.0, "『": -7.5,
    "』": -7.5, "【": -7.0, "】": -7.0, "—": -7.0, "…": -7.0, "·": -7.5, "‘": -7.5, "’": -7.5,
    "〈": -8.0, "〉": -8.0, "％": -8.0, "～": -8.5, "\u3000": -7.0,
}
LOGP_DIGIT = -5.5
LOGP_LATIN = -6.5
LOGP_ASCII_PUNCT = -6.5
LOGP_ASCII_OTHER = -8.5
LOGP_SPACE = -6.0
LOGP_FULLWIDTH = -9.0  # Ａ ０ and other full-width forms
LOGP_LATIN_EXT = -10.0  # é ü ā ... (pinyin vowels, names)
LOGP_KANA = -11.0
LOGP_SYMBOL = -13.0  # box drawing, circled numbers, Greek, Cyrillic, arrows, ...
LOGP_HAN_UNSEEN = -17.0
LOGP_PUA = -16.0
LOGP_REPLACEMENT = -8.0  # U+FFFD stands for some character: replacing it is no evidence by itself

def is_han(ch: str) -> bool:
    """True for a CJK ideograph (unified, extensions, compatibility).

    >>> is_han("教"), is_han("ア"), is_han("A")
    (True, False, False)
    """
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3134F or 0xF900 <= o <= 0xFAFF


# two or more Han characters in a row (is_han's ranges): known_pairs counts the pairs inside such runs
_HAN_RUN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\U00020000-\U0003134f\uf900-\ufaff]{2,}")


def _class_logp(ch: str) -> float:
    if ch in _PUNCT_LOGP:
        return _PUNCT_LOGP[ch]
    o = ord(ch)
    if o < 0x80:
        if ch.isdigit():
            return LOGP_DIGIT
        if ch.isalpha():
            return LOGP_LATIN
        if ch in " \t\n":
            return LOGP_SPACE
        if ch in ",.:;!?()%-/\"'":
            return LOGP_ASCII_PUNCT
        return LOGP_ASCII_OTHER
    if 0xE000 <= o <= 0xF8FF:
        return LOGP_PUA
    if o == 0xFFFD:
        return LOGP_REPLACEMENT
    if 0xFF01 <= o <= 0xFF5E:
        return LOGP_FULLWIDTH
    if 0x3040 <= o <= 0x30FF:
        return LOGP_KANA
    if 0xC0 <= o <= 0x24F:
        return LOGP_LATIN_EXT
    cat = unicodedata.category(ch)
    if cat.startswith("P"):
        return LOGP_SYMBOL + 2  # other punctuation: unusual in Chinese text, but text
    return LOGP_SYMBOL


class CharStats:
    """Unigram/bigram statistics and the log-probabilities built on them.

    Use :func:`charstats` for the shared instance (loaded once per process).
    """

    def __init__(self, unigrams: dict[str, int], bigrams: Optional[dict[str, int]] = None):
        self.unigrams = unigrams
        self._bigrams = bigrams
        self.first: dict[str, int] = {}  # total count of the bigrams each character begins
        if bigrams:
            for ab, n in bigrams.items():
                self.first[ab[0]] = self.first.get(ab[0], 0) + n
        self.total = sum(unigrams.values())
        self._log_total = math.log(self.total)
        self._uni_cache: dict[str, float] = {}
        self._pair_cache: dict[str, float] = {}
        self._successors: Optional[dict[str, str]] = None
        # "s" for characters only simplified text uses, "t" for those only traditional text uses
        self.scripts: dict[str, str] = {}
        self.starts: dict[str, float] = {}
        self.ends: dict[str, float] = {}
        self.after_numeral: dict[str, int] = {}
        self._numeral_total = 1
        # script_counts' patterns: (the scripts dict they were built from, one pattern per script),
        # built on first use and again if ``scripts`` is replaced (load() sets it after __init__)
        self._script_res: Optional[tuple] = None

    @classmethod
    def load(cls) -> "CharStats":
        """Unigrams now; bigrams (the larger file) on first use."""
        unigrams: dict[str, int] = {}
        scripts: dict[str, str] = {}
        first: dict[str, int] = {}
        initial: dict[str, int] = {}
        final: dict[str, int] = {}
        after_numeral: dict[str, int] = {}
        for line in (_DATA / "unigrams.txt").read_text(encoding="utf-8").splitlines():
            ch, n, script, f, ini, fin, num = line.split(" ")
            unigrams[ch] = int(n)
            if script != "-":
                scripts[ch] = script
            first[ch] = int(f)
            initial[ch] = int(ini)
            final[ch] = int(fin)
            if num != "0":
                after_numeral[ch] = int(num)
        stats = cls(unigrams)
        stats.scripts = scripts
        stats.first = first
        stats._set_boundaries(initial, final, after_numeral)
        return stats

    def _set_boundaries(self, initial: dict[str, int], final: dict[str, int], after_numeral: dict[str, int]) -> None:
        """Log-factors for a character next to punctuation (word starts and ends) and after a number."""
        total = sum(self.unigrams.values()) or 1
        base_ini = (sum(initial.values()) or 1) / total
        base_fin = (sum(final.values()) or 1) / total

        def factor(count: int, n: int, base: float) -> float:
            return max(-3.0, min(1.5, math.log(((count + 0.5) / (n + 1)) / base)))

        self.starts = {c: factor(initial.get(c, 0), n, base_ini) for c, n in self.unigrams.items()}
        self.ends = {c: factor(final.get(c, 0), n, base_fin) for c, n in self.unigrams.items()}
        self.after_numeral = after_numeral
        self._numeral_total = sum(after_numeral.values()) or 1

    @property
    def bigrams(self) -> dict[str, int]:
        if self._bigrams is None:
            parts = gzip.decompress((_DATA / "bigrams.txt.gz").read_bytes()).decode("utf-8").split()
            self._bigrams = dict(zip(parts[0::2], map(int, parts[1::2])))
        return self._bigrams

    def successors(self, ch: str) -> str:
        """The characters the bigram statistics know after ``ch`` (the byte decoder scores only
        those exactly among a wildcard's many candidates). Indexed once, on first use."""
        if self._successors is None:
            index: dict[str, list[str]] = {}
            for ab in self.bigrams:
                index.setdefault(ab[0], []).append(ab[1])
            self._successors = {a: "".join(bs) for a, bs in index.items()}
        return self._successors.get(ch, "")

    def logp1(self, ch: str) -> float:
        """Log-probability of one character on its own."""
        v = self._uni_cache.get(ch)
        if v is None:
            if is_han(ch):
                n = self.unigrams.get(ch)
                v = math.log(n) - self._log_total if n else LOGP_HAN_UNSEEN
            else:
                v = _class_logp(ch)
            self._uni_cache[ch] = v
        return v

    def logp2(self, prev: str, ch: str) -> float:
        """Log-probability of ``ch`` after ``prev`` (bigram interpolated with the unigram)."""
        key = prev + ch
        v = self._pair_cache.get(key)
        if v is not None:
            return v
        p1 = self.logp1(ch)
        n = self.bigrams.get(key) if prev else None
        if n:
            v = math.log(LAMBDA * n / self.first[prev] + (1 - LAMBDA) * math.exp(p1))
        elif not prev:
            v = p1
        elif is_han(ch):
            if is_han(prev):
                v = p1 + _LOG_BACKOFF
            elif prev in _DIGITS:
                # after a number: what follows Chinese numerals in the dictionary (月, 个, 年)
                k = self.after_numeral.get(ch, 0)
                v = math.log(LAMBDA * k / self._numeral_total + (1 - LAMBDA) * math.exp(p1))
            elif prev in _PUNCT_LOGP or not prev.isalnum():
                v = p1 + self.starts.get(ch, 0.0)  # punctuation stands before a word
            else:
                v = p1
        elif is_han(prev) and (ch in _PUNCT_LOGP or not ch.isalnum()):
            v = p1 + self.ends.get(prev, 0.0)  # ... and after one
        else:
            v = p1
        if len(self._pair_cache) > 1_000_000:  # bounded: long runs see many distinct pairs
            self._pair_cache.clear()
        self._pair_cache[key] = v
        return v

    def score(self, text: str, prev: str = "") -> float:
        """Total log-probability of ``text`` (after ``prev``, if given).

        >>> cs = charstats()
        >>> cs.score("教育部关于") > cs.score("鏁欒偛閮ㄥ叧")
        True
        """
        # logp2's cache read here (a method call per character was most of the cost), the same
        # floats added in the same order
        cache = self._pair_cache
        total = 0.0
        for ch in text:
            v = cache.get(prev + ch)
            if v is None:
                v = self.logp2(prev, ch)
            total += v
            prev = ch
        return total

    def running_scores(self, text: str, prev: str = "") -> list[float]:
        """``[score(text[:0], prev), score(text[:1], prev), ...]``: :meth:`score` of every prefix
        of ``text``, the same floats (each is the running total of the same sums).

        >>> cs = charstats()
        >>> cs.running_scores("教育部", "，")[2] == cs.score("教育", "，")
        True
        """
        cache = self._pair_cache
        total = 0.0
        out = [total]
        for ch in text:
            v = cache.get(prev + ch)
            if v is None:
                v = self.logp2(prev, ch)
            total += v
            out.append(total)
            prev = ch
        return out

    def known_pairs(self, text: str) -> tuple[int, int]:
        """``(seen, all)`` adjacent Han-Han pairs of ``text``, ``seen`` counting those in the statistics."""
        # the pairs lie inside runs of Han characters, found by one regex scan instead of two
        # is_han calls per character
        bigrams = self.bigrams
        seen = total = 0
        for m in _HAN_RUN.finditer(text):
            run = m.group()
            total += len(run) - 1
            for i in range(len(run) - 1):
                if run[i : i + 2] in bigrams:
                    seen += 1
        return seen, total

    def script_of(self, text: str) -> str:
        """``"s"`` or ``"t"`` when ``text`` clearly uses one script, else ``""``.

        >>> charstats().script_of("教育部关于"), charstats().script_of("教育部關於"), charstats().script_of("教育")
        ('s', 't', '')
        """
        return self.script_from_counts(*self.script_counts(text))

    def script_counts(self, text: str) -> tuple[int, int]:
        """Characters of ``text`` that only simplified and only traditional text use: the counts
        :meth:`script_of` judges, which a caller can add up over pieces of a text."""
        # one character class per script, matched in C, instead of a dict look-up per character
        # (the callers count the few hundred characters of a line around a run)
        res = self._script_res
        if res is None or res[0] is not self.scripts:
            res = self._script_res = (self.scripts, _char_class(self.scripts, "s"), _char_class(self.scripts, "t"))
        return len(res[1].findall(text)), len(res[2].findall(text))

    @staticmethod
    def script_from_counts(s: int, t: int) -> str:
        """:meth:`script_of`'s verdict from :meth:`script_counts`: one script clearly, or ``""``."""
        if s > 2 * t:
            return "s"
        if t > 2 * s:
            return "t"
        return ""

    def common(self, min_count: int) -> frozenset[str]:
        """Han characters counted at least ``min_count`` times."""
        return frozenset(c for c, n in self.unigrams.items() if n >= min_count and is_han(c))


def _char_class(scripts: dict[str, str], script: str) -> "re.Pattern[str]":
    """A pattern matching any one character that ``scripts`` gives ``script``."""
    chars = sorted(ch for ch, k in scripts.items() if k == script)
    return re.compile("[" + "".join(re.escape(ch) for ch in chars) + "]" if chars else "(?!)")


def frozen_lists(index: dict) -> dict:
    """``index`` with each list value made a tuple, for the tables a process builds once and keeps.

    Python's cycle collector visits every list and set at each full collection, and the search's
    tables hold tens of thousands (about 10% of a mojibake-heavy pipeline's CPU went to it). Tuples
    of strings, numbers and bytes, and dicts of those, are dropped from its view after it has seen
    them once, so a table built of them costs nothing later.
    """
    return {k: tuple(v) if type(v) is list else v for k, v in index.items()}


@lru_cache(maxsize=1)
def charstats() -> CharStats:
    """The shared :class:`CharStats`, loaded on first use."""
    return CharStats.load()


class WordStats:
    """Word frequencies from jieba's own dictionary (read from the installed jieba package), for
    scoring a short text by its best segmentation into words.

    Traditional text is scored through its OpenCC ``t2s`` form, since the dictionary is simplified.
    Use :func:`wordstats` for the shared instance.
    """

    MAX_WORD = 6

    def __init__(self, freq: dict[str, int], single: Optional[dict[str, int]] = None):
        self.freq = freq
        self.log_total = math.log(sum(freq.values()) or 1)
        # how often a character stands alone as a word in running text (jieba's dictionary counts
        # 的 318,825 times as a word of its own): the character statistics count a character in
        # every word it is part of, which says little about 的 or 了 between two words. Over the
        # total of all the dictionary's counts, one-character words included, as jieba's own
        # segmenter weighs them (the words keep theirs: a constant per word, which the callers'
        # comparisons of readings of one run mostly cancel)
        single = single or {}
        lt = math.log(sum(freq.values()) + sum(single.values()) or 1)
        self.single = {ch: math.log(n) - lt for ch, n in single.items() if n > 0}
        # the first two characters of every word: most places of a text start no word, and this
        # says so with one look instead of one per word length
        # (a dict, not a set: the cycle collector visits a set's items at every full collection,
        # see frozen_lists)
        # Each head maps to the length of its longest word (at most MAX_WORD), so that the look-ups
        # at a place stop there: the lengths beyond it hold no word with that head
        # (written for speed: it runs over the 349,000 words once per process)
        heads: dict[str, int] = {}
        get = heads.get
        cap = self.MAX_WORD
        for w in freq:
            n = len(w)
            if n >= 2:
                h = w[:2]
                if get(h, 0) < n:
                    heads[h] = n if n < cap else cap
        self._heads = heads
        # what a character alone adds to a segmentation (score's single-character step, the same
        # float), filled on first use: at most one entry per distinct character scored
        self._one: dict[str, float] = {}
        import opencc

        self._t2s = opencc.OpenCC("t2s")

    @classmethod
    def load(cls) -> "WordStats":
        from pathlib import Path

        import jieba

        raw = (Path(jieba.__file__).parent / "dict.txt").read_text(encoding="utf-8").split("\n")
        freq: dict[str, int] = {}
        single: dict[str, int] = {}
        for line in raw:
            parts = line.split(" ", 2)
            if len(parts) >= 2:
                (freq if len(parts[0]) > 1 else single)[parts[0]] = int(parts[1])
        return cls(freq, single)

    def simplified(self, text: str) -> str:
        """``text`` in the simplified form the dictionary is written in."""
        return self._t2s.convert(text)

    def score(self, text: str) -> float:
        """Log-probability of ``text``'s best segmentation: dictionary words of two or more
        characters, and single characters scored by how often jieba counts them as a word of
        their own (or, for one it does not count, by :class:`CharStats`).

        >>> ws = wordstats()
        >>> ws.score("服务许可证") > ws.score("服务许可说")
        True
        >>> ws.score("拨打12377") == ws.score("拨打377")  # a number is one token
        True
        >>> ws.score("5月21日") > ws.score("5有21日")  # ... followed by what follows numbers
        True
        >>> ws.score("部署了今年") > ws.score("部署于今年")  # 了 stands alone more often than 于
        True
        """
        text = self._t2s.convert(text)
        n = len(text)
        best = [0.0] + [-1e18] * n
        freq = self.freq
        heads = self._heads
        lt = self.log_total
        one = self._one
        log = math.log
        # (no digit, as in most windows: the number steps below never apply)
        digits = _DIGIT.search(text) is not None
        for i in range(n):
            b = best[i]
            ch = text[i]
            if digits and i and text[i - 1] in _ASCII_DIGITS:
                if ch in _ASCII_DIGITS:
                    # a number is one token whatever its length: its further digits cost nothing
                    s1 = b
                else:
                    # after a number: what follows numerals (月 年 个 所), as the character
                    # statistics know
                    s1 = b + charstats().logp2(text[i - 1], ch) + _SINGLE_PENALTY
            else:
                v = one.get(ch)
                if v is None:
                    v = self._single_cost(ch)
                s1 = b + v
            if s1 > best[i + 1]:
                best[i + 1] = s1
            m = heads.get(text[i : i + 2])
            if m is None:
                continue  # no word starts here
            for j in range(i + 2, min(n, i + m) + 1):
                f = freq.get(text[i:j])
                if f:
                    s = b + log(f) - lt
                    if s > best[j]:
                        best[j] = s
        return best[n]

    def _single_cost(self, ch: str) -> float:
        """What ``ch`` standing alone adds to a segmentation (not after a digit): how often jieba
        counts it as a word of its own, or its character probability with the single penalty."""
        one = self.single.get(ch)
        v = self._one[ch] = one if one is not None else charstats().logp1(ch) + _SINGLE_PENALTY
        return v


# a character that is not part of a dictionary word pays this on top of its own probability
_SINGLE_PENALTY = -1.0
_ASCII_DIGITS = frozenset("0123456789")
_DIGIT = re.compile("[0-9]")


@lru_cache(maxsize=1)
def wordstats() -> WordStats:
    """The shared :class:`WordStats`, loaded on first use."""
    return WordStats.load()
