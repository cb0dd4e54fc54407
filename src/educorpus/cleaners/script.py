"""Step ``script``: detect a page's script and convert it to the target script with OpenCC.

Three pieces, usable on their own:

- :func:`detect_script` counts characters that exist only in simplified or only in traditional
  writing and returns ``hans``, ``hant`` or ``mixed`` (``None`` without evidence), with a
  regional hint ``tw`` or ``hk`` from the variant glyphs OpenCC uses for those regions.
- :func:`convert_script` is OpenCC (the ``opencc`` package, C++ core) under any of its config
  names, plus *protection* when converting to traditional: OpenCC segments by longest match, so a
  dictionary phrase can swallow the first character of the next word (考试制度 → 考|试制|度 →
  考試製度, 被发明 → 被髮明, 学习了如何 → 學習瞭如何). Terms in ``data/script/protected.tsv`` are
  converted as words of their own, so no phrase reaches across their edges.
- The step converts each page to ``CleanConfig.to``: a page already in the target script only
  has its stray characters of the other script converted (挂職 → 掛職 on a traditional page), and
  on traditional pages the conversion errors that protection prevents are repaired too (教研製度 →
  教研制度); converting to simplified, the words of ``data/script/protected_hans.tsv`` are written
  as they stand (毕昇, which t2s, keyed by traditional text, would make 毕升). Every
  context-driven choice among the candidates of a one-to-many character (发 → 發/髮, 制 → 制/製,
  了 → 了/瞭, 只 → 只/隻 …) is reported in the edit log with its neighbours.

Not handled: word-level regional vocabulary when the input is already traditional (``to="twp"``
turns 軟件 into 軟體 only from simplified input; traditional pages get Taiwan glyphs only);
Japanese shinjitai in the step (``convert_script`` does ``jp2t``/``t2jp``); protection for
terms not in the list — contexts OpenCC gets wrong that no term covers stay wrong (头发干了 →
頭髮幹了), and a protected term that is not a word where it occurs is converted as if it were
(头发展示 → 頭發展示); Taiwan's 著 for zhe (看著 → 看着) is recognised only on a page that shows a
Taiwan-only glyph (裡 啟 麵 …); a simplified name holding a character that t2s folds keeps it
only when simplified writing keeps that character in names by OpenCC's own tables (昇 陞:
``data/script/one_to_many_t2s.tsv``) or the name is in ``data/script/protected_hans.tsv``
(朱文榘 → 朱文矩: OpenCC has 榘 only as a traditional form of 矩).
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from importlib import resources
from typing import NamedTuple, Optional

from ..document import Span, StepContext
from ..pipeline import Step

# --------------------------------------------------------------------------------------------
# data files


def _table(name: str) -> list[list[str]]:
    """Rows of a tab-separated data file in ``data/script``, without comments and blank lines."""
    text = resources.files("educorpus").joinpath("data", "script", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def one_to_many() -> dict[str, str]:
    """Simplified character → its traditional candidates (OpenCC standard forms), e.g. 发 → 發髮."""
    return {row[0]: row[1] for row in _table("one_to_many.tsv")}


@lru_cache(maxsize=1)
def one_to_many_t2s() -> dict[str, str]:
    """Traditional character → its simplified candidates, e.g. 乾 → 干乾."""
    return {row[0]: row[1] for row in _table("one_to_many_t2s.tsv")}


@lru_cache(maxsize=1)
def variants() -> dict[str, str]:
    """Variant characters OpenCC leaves alone that every target writes otherwise (倣 → 仿)."""
    return {row[0]: row[1] for row in _table("variants.tsv")}


@lru_cache(maxsize=1)
def protected_terms() -> dict[str, Optional[str]]:
    """Protected simplified term → explicit traditional form, or None for OpenCC's of the term alone."""
    return {row[0].strip(): (row[1].strip() if len(row) > 1 and row[1].strip() else None) for row in _table("protected.tsv")}


@lru_cache(maxsize=1)
def protected_hans_terms() -> dict[str, str]:
    """Simplified words kept as written when text is converted to simplified → where each comes from.

    ``data/script/protected_hans.tsv``: words such as 毕昇 that OpenCC's t2s would change (昇 → 升)
    although simplified writing keeps the character in them (see the file's header).
    """
    return {row[0].strip(): (row[1].strip() if len(row) > 1 else "") for row in _table("protected_hans.tsv")}


# --------------------------------------------------------------------------------------------
# OpenCC


@lru_cache(maxsize=1)
def opencc_configs() -> tuple[str, ...]:
    """The config names the installed OpenCC provides (``s2t``, ``t2s``, ``s2twp``, …)."""
    import opencc

    return tuple(sorted(c[:-5] for c in opencc.CONFIGS if c.endswith(".json")))


def config_name(config: str) -> str:
    """``"s2t"`` or ``"s2t.json"`` → ``"s2t"``; anything else is a ValueError listing the valid names.

    >>> config_name("s2tw.json")
    's2tw'
    """
    if not isinstance(config, str):
        raise TypeError(f"OpenCC config must be a str such as 's2t', not {type(config).__name__}")
    name = config[:-5] if config.endswith(".json") else config
    if name not in opencc_configs():
        raise ValueError(f"unknown OpenCC config {config!r}; valid configs: {', '.join(opencc_configs())}")
    return name


@lru_cache(maxsize=None)
def _converter(name: str):
    """One OpenCC converter per config and process (building one loads its dictionaries)."""
    import opencc

    return opencc.OpenCC(name)


def _convert(text: str, name: str) -> str:
    return _converter(name).convert(text) if text else text


# simplified → traditional configs get protection; the value is the glyph standard of the target
_TO_TRAD = {"s2t": "hant", "s2tw": "tw", "s2twp": "tw", "s2hk": "hk", "s2hkp": "hk"}
# target of CleanConfig.to → OpenCC config from simplified
TARGET_CONFIG = {"hant": "s2t", "tw": "s2tw", "twp": "s2twp", "hk": "s2hk"}
# traditional (OpenCC standard) → regional glyphs
_T2X = {"hant": None, "tw": "t2tw", "hk": "t2hk"}
# traditional → simplified in the step: OpenCC's hk2s is t2s plus the Hong Kong glyphs t2s leaves
# alone (衞 敍 粧 衹 枱 糭); it changes nothing else (checked character by character)
HANS = "hk2s"


def _std_to(standard: str, text: str) -> str:
    name = _T2X[standard]
    return _convert(text, name) if name else text


# --------------------------------------------------------------------------------------------
# character tables

_BMP = 0x10000
_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))

S_ONLY, T_ONLY, HK, TW, AMB_S, AMB_T, VARIANT, TWICE = (1 << i for i in range(8))


@lru_cache(maxsize=None)
def _charmap(name: str) -> dict[str, str]:
    """Character → its conversion alone under config ``name``, for the CJK blocks (changed ones only)."""
    chars = [chr(c) for a, b in _RANGES for c in range(a, b)]
    out = _converter(name).convert("\n".join(chars)).split("\n")
    if len(out) != len(chars):  # cannot happen with OpenCC's dictionaries; be explicit if it does
        raise RuntimeError(f"OpenCC {name} changed the number of lines of the character table")
    return {c: o for c, o in zip(chars, out) if o != c and len(o) == 1}


def _compat(c: str) -> bool:
    """A CJK compatibility ideograph (U+F900–U+FAFF): OpenCC normalizes them, they tell no script."""
    return 0xF900 <= ord(c) <= 0xFAFF


def build_char_classes() -> dict[str, str]:
    """The character classes of ``data/script/char_classes.tsv``, computed from the installed OpenCC.

    ``simplified``: characters s2t, s2tw and s2hk all convert that are not themselves one of their
    traditional candidates (们, 发, 挂; not 台, 干, 后, nor Taiwan's 群). ``traditional``: characters hk2s converts that are not
    valid simplified characters too (們, 發; not 乾, 於). The variants of ``variants.tsv`` (倣) are
    in neither: every target writes them otherwise, so they tell nothing.
    The shipped file is checked against this in the tests, so an OpenCC upgrade that changes the
    tables shows up (regenerate with ``python tools/gen_script_tables.py``).
    """
    s2t, t2s = _charmap("s2t"), _charmap(HANS)
    regional = [_charmap("s2tw"), _charmap("s2hk")]
    amb, amb_t = one_to_many(), one_to_many_t2s()
    # converted by every traditional standard: 群 is Taiwan's form and 温 Hong Kong's, not evidence
    simplified = {c for c in s2t if c not in amb.get(c, "") and all(c in m for m in regional) and not _compat(c)}
    traditional = {c for c in t2s if c not in amb_t.get(c, "") and not _compat(c)}
    # hk2s is not idempotent on these (薴 → 苧 → 苎): converted twice
    twice = {c for c in t2s if t2s[c] in t2s}
    return {
        "simplified": "".join(sorted(simplified)),
        "traditional": "".join(sorted(traditional)),
        "twice": "".join(sorted(twice)),
    }


def _ocd2_values(name: str) -> list[list[str]]:
    """The value lists of an OpenCC ``.ocd2`` dictionary, in its own order (keys are not read).

    The file ends with OpenCC's serialized values: item count and buffer size (uint32), the
    buffer of NUL-terminated strings, then per item a uint16 count and a uint16 length per value.
    Used only to generate ``st_candidates.tsv`` and to check it against the installed OpenCC.
    """
    import os
    import struct

    import opencc

    path = os.path.join(os.path.dirname(opencc.__file__), "clib", "share", "opencc", name)
    with open(path, "rb") as fh:
        data = fh.read()
    for p in range(len(data) - 8):
        n, size = struct.unpack_from("<II", data, p)
        if not (0 < n < 1_000_000 and 0 < size and p + 8 + size <= len(data) and data[p + 8 + size - 1] == 0):
            continue
        buf, q, off, items = data[p + 8 : p + 8 + size], p + 8 + size, 0, []
        try:
            for _ in range(n):
                (k,) = struct.unpack_from("<H", data, q)
                q += 2
                vals = []
                for _ in range(k):
                    (length,) = struct.unpack_from("<H", data, q)
                    q += 2
                    vals.append(buf[off : off + length - 1].decode("utf-8"))
                    off += length
                items.append(vals)
        except (struct.error, UnicodeDecodeError):
            continue
        if off == size and q == len(data):
            return items
    raise ValueError(f"cannot read the values of OpenCC dictionary {path}")


def build_st_candidates() -> dict[str, str]:
    """Simplified character → all its traditional candidates in OpenCC's STCharacters (when several).

    The keys are not read from the file; each is the character s2t converts to the first
    candidate, among the hk2s forms of the candidates.
    """
    s2t, t2s = _charmap("s2t"), _charmap(HANS)
    out: dict[str, str] = {}
    for cands in _ocd2_values("STCharacters.ocd2"):
        if len(cands) < 2 or any(len(c) != 1 for c in cands):
            continue
        keys = {t2s.get(c, c) for c in cands}
        key = [k for k in keys if s2t.get(k, k) == cands[0]]
        if len(key) == 1:
            out[key[0]] = "".join(cands)
    return dict(sorted(out.items()))


def ts_self_candidates() -> dict[str, str]:
    """Characters OpenCC's TSCharacters gives as a simplified candidate of themselves although its
    t2s converts them alone (昇 → 升|昇), with the candidates: OpenCC's own record that simplified
    writing keeps them somewhere. Characters whose t2s form comes from TSCharactersExt (new
    Unicode forms of rare characters, 䂎 → 𥎝) are not among them.
    """
    t2s = _charmap(HANS)
    out: dict[str, str] = {}
    for cands in _ocd2_values("TSCharacters.ocd2"):
        for c in cands[1:]:
            if len(c) == 1 and t2s.get(c) in cands:
                out[c] = "".join(cands)
    return dict(sorted(out.items()))


OPENCC_TSPHRASES = "OpenCC TSPhrases"


def build_protected_hans() -> dict[str, str]:
    """The simplified words of OpenCC's TSPhrases that OpenCC's own t2s changes when given them.

    OpenCC's t2s dictionaries are keyed by traditional text: 畢昇 is a phrase whose simplified form
    it gives as 毕昇, but 毕昇 itself, on a simplified page, matches no key and each character is
    converted alone (昇 → 升). A value of TSPhrases counts when every character t2s changes in it
    is one that TSCharacters also lists as its own simplified form (:func:`ts_self_candidates`):
    so an entry whose value still holds a traditional character by mistake (不可赀計) does not.
    These are the generated rows of ``data/script/protected_hans.tsv``; the tests check them
    against the installed OpenCC.
    """
    conv = _converter(HANS)
    own = ts_self_candidates()
    out: dict[str, str] = {}
    for values in _ocd2_values("TSPhrases.ocd2"):
        for v in values:
            w = conv.convert(v)
            if w != v and len(w) == len(v) and all(a in own for a, b in zip(v, w) if a != b):
                out[v] = OPENCC_TSPHRASES
    return dict(sorted(out.items()))


@lru_cache(maxsize=1)
def st_candidates() -> dict[str, str]:
    """The shipped :func:`build_st_candidates` (``data/script/st_candidates.tsv``)."""
    return {row[0]: row[1] for row in _table("st_candidates.tsv")}


@lru_cache(maxsize=1)
def char_classes() -> dict[str, str]:
    """The shipped character classes (see :func:`build_char_classes`)."""
    return {row[0]: row[1] for row in _table("char_classes.tsv")}


@lru_cache(maxsize=1)
def region_glyphs() -> dict[str, str]:
    """Region → glyphs that show it (``data/script/regions.tsv``)."""
    return {row[0]: row[1] for row in _table("regions.tsv")}


class _Tables:
    """Per-character classes as a numpy lookup table over the BMP (characters above it: class 0)."""

    def __init__(self) -> None:
        import numpy as np

        self.np = np
        cls = np.zeros(_BMP, dtype=np.uint8)
        classes = char_classes()
        regions = region_glyphs()
        for chars, bit in (
            (classes["simplified"], S_ONLY),
            (classes["traditional"], T_ONLY),
            (regions["hk"], HK),
            (regions["tw"], TW),
            (one_to_many(), AMB_S),
            (one_to_many_t2s(), AMB_T),
            (variants(), VARIANT),
            (classes.get("twice", ""), TWICE),
        ):
            for c in chars:
                if ord(c) < _BMP:
                    cls[ord(c)] |= bit
        self.cls = cls

    # the passes of one page ask for the same arrays: the last text's are kept (one entry,
    # swapped in one assignment, so concurrent threads at worst recompute)
    _memo: tuple = (None, None, None)

    def codes(self, text: str):
        """Code points of ``text`` as uint32 (index i = text[i])."""
        memo = self._memo
        if memo[0] is text:
            return memo[1]
        codes = self.np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
        self._memo = (text, codes, None)
        return codes

    def classes(self, codes):
        memo = self._memo
        if memo[1] is codes and memo[2] is not None:
            return memo[2]
        # code points beyond the BMP read the last entry, as np.minimum(codes, _BMP - 1) did; take
        # clips in the gather itself (half the time: no clipped copy of the page's codes)
        cls = self.np.take(self.cls, codes, mode="clip")
        if memo[1] is codes:
            self._memo = (memo[0], codes, cls)
        return cls


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    return _Tables()


# --------------------------------------------------------------------------------------------
# detection


class ScriptInfo(NamedTuple):
    """What :func:`detect_script` found: the script, a regional hint, and the evidence counts."""

    script: Optional[str]  # "hans", "hant", "mixed", or None (no character tells)
    region: Optional[str]  # "tw", "hk" or None
    simplified: int  # characters that exist only in simplified writing
    traditional: int  # characters that exist only in traditional writing


# the minority script must reach both to make a page "mixed"; below, its characters are strays
MIXED_SHARE = 0.1
MIXED_MIN = 5
# regional glyphs needed for a hint (they are distinctive: no other writing uses them), and
# how much they must outnumber the other region's
REGION_MIN = 1


def classify(simplified: int, traditional: int) -> Optional[str]:
    """The script for these evidence counts.

    >>> classify(120, 0), classify(3, 400), classify(60, 50), classify(0, 0)
    ('hans', 'hant', 'mixed', None)
    """
    total = simplified + traditional
    if not total:
        return None
    minority = min(simplified, traditional)
    if minority >= MIXED_MIN and minority >= MIXED_SHARE * total:
        return "mixed"
    return "hans" if simplified >= traditional else "hant"


def detect_script(text: str) -> ScriptInfo:
    """Detect the script of ``text`` from character classes (fast: one table lookup per character).

    >>> detect_script("我们的学校在发展")
    ScriptInfo(script='hans', region=None, simplified=3, traditional=0)
    >>> detect_script("聽“銀”説丨銀川市教育局：全面統籌，着力發展，説明")
    ScriptInfo(script='hant', region='hk', simplified=0, traditional=8)
    >>> detect_script("2024年").script is None
    True
    """
    if not text:
        return ScriptInfo(None, None, 0, 0)
    t = _tables()
    cls = t.classes(t.codes(text))
    np = t.np
    s = int(np.count_nonzero(cls & S_ONLY))
    tr = int(np.count_nonzero(cls & T_ONLY))
    script = classify(s, tr)
    region = None
    if script in ("hant", "mixed"):
        hk = int(np.count_nonzero(cls & HK))
        tw = int(np.count_nonzero(cls & TW))
        if hk >= REGION_MIN and hk >= 2 * tw:
            region = "hk"
        elif tw >= REGION_MIN and tw >= 2 * hk:
            region = "tw"
    return ScriptInfo(script, region, s, tr)


# --------------------------------------------------------------------------------------------
# protection


class _Protection:
    """Protected terms for one config: matcher and forced forms.

    Simplified → traditional configs protect ``protected.tsv`` (制度 stays 制度 in 考試制度); the
    step's traditional → simplified conversion (``hk2s``) protects ``protected_hans.tsv``, simplified
    words written as they stand (毕昇, not 毕升).
    """

    def __init__(self, name: str) -> None:
        self.forms: dict[str, str] = {}
        if name == HANS:
            terms: dict = protected_hans_terms()
            self.forms = {term: term for term in terms}
        else:
            std = _TO_TRAD[name]
            terms = protected_terms()
            for term, explicit in terms.items():
                self.forms[term] = _std_to(std, explicit) if explicit else _convert(term, name)
        self.by_pair = _by_pair(terms)
        self.pairs = _pairs(terms)


@lru_cache(maxsize=None)
def _protection(name: str) -> _Protection:
    return _Protection(name)


_PAIR_BITS = 20


def _pair_hash(first, second):
    """A hash of two code points into ``_PAIR_BITS`` bits (numpy arrays or ints)."""
    return ((first << 10) ^ second) & ((1 << _PAIR_BITS) - 1)


def _pairs(terms):
    """A table over :func:`_pair_hash` marking the first two characters of ``terms`` (a prefilter)."""
    np = _tables().np
    table = np.zeros(1 << _PAIR_BITS, dtype=bool)
    for w in terms:
        if len(w) > 1:
            table[_pair_hash(ord(w[0]), ord(w[1]))] = True
    return table


def _by_pair(terms) -> dict[str, tuple[str, ...]]:
    """The terms by their first two characters, longest first (the check after the prefilter)."""
    out: dict[str, list[str]] = {}
    for w in sorted(terms, key=len, reverse=True):
        out.setdefault(w[:2], []).append(w)
    return {k: tuple(v) for k, v in out.items()}


def _find_terms(text: str, codes, by_pair, pairs) -> list[tuple[int, int]]:
    """Every start of a term in ``text`` with the longest term there (occurrences may overlap)."""
    np = _tables().np
    if len(codes) < 2:
        return []
    found: list[tuple[int, int]] = []
    for i in np.flatnonzero(pairs[_pair_hash(codes[:-1], codes[1:])]).tolist():
        for w in by_pair.get(text[i : i + 2], ()):
            if text.startswith(w, i):
                found.append((i, i + len(w)))
                break
    return found


def _resolve(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Non-overlapping occurrences out of ``found``: the set covering the most characters wins
    (钟表|情有独钟 over 表情; 干干净净 over 干净), and between equals the later one (带头|发起 over
    头发: the list protects words from a phrase that ends inside them, so the later word is the
    one at risk)."""
    found = sorted(found)
    if len(found) < 2 or all(a[1] <= b[0] for a, b in zip(found, found[1:])):
        return found
    # weighted interval scheduling over the (few) occurrences
    found.sort(key=lambda h: (h[1], h[0]))
    ends = [e for _s, e in found]
    best: list[tuple[int, tuple]] = [(0, ())]  # (covered, chosen) over the first k occurrences
    for k, (s, e) in enumerate(found):
        p = bisect_right(ends, s, 0, k)
        take = (best[p][0] + e - s, best[p][1] + ((s, e),))
        best.append(take if take[0] >= best[k][0] else best[k])
    return sorted(best[-1][1])


def _term_hits(text: str, codes, by_pair, pairs) -> list[tuple[int, int]]:
    """Occurrences of terms in ``text`` that do not overlap (see :func:`_resolve`)."""
    return _resolve(_find_terms(text, codes, by_pair, pairs))


def _separator(text: str) -> str:
    """A private-use character absent from ``text``: OpenCC passes it through and no phrase spans it."""
    for cp in range(0xF8FF, 0xE000, -1):
        if chr(cp) not in text:
            return chr(cp)
    raise ValueError("text uses every private-use character; cannot split it for conversion")


def _convert_protected(text: str, name: str, report: bool = True) -> tuple[str, list[tuple[int, int]]]:
    """OpenCC ``name`` (simplified → traditional, or the step's ``hk2s``) with protected terms
    converted on their own.

    Returns the text and, with ``report``, the ranges of the input where protection changed
    OpenCC's result (found by converting a few characters around each term without protection).
    """
    if not text:
        return text, []
    prot = _protection(name)
    t = _tables()
    hits = _term_hits(text, t.codes(text), prot.by_pair, prot.pairs)
    if not hits:
        return _convert(text, name), []
    sep = _separator(text)
    pieces: list[str] = []
    last = 0
    for s, e in hits:
        pieces.append(text[last:s])
        pieces.append(text[s:e])
        last = e
    pieces.append(text[last:])
    # the windows around the terms, unprotected, ride along in the same call; a window starts
    # before the compared part, since its own edge may cut a word (the term and one character on
    # each side are compared)
    n = len(text)
    windows = [(max(0, s - 3), min(n, e + 3)) for s, e in hits] if report else []
    pieces.extend(text[a:b] for a, b in windows)
    conv = _convert(sep.join(pieces), name).split(sep)
    k = 2 * len(hits) + 1
    body, plain = conv[:k], conv[k:]
    for j, (s, e) in enumerate(hits):
        body[2 * j + 1] = prot.forms[text[s:e]]
    out = "".join(body)
    changed: list[tuple[int, int]] = []
    if len(out) == n:
        for (s, e), (a, b), p in zip(hits, windows, plain):
            if len(p) == b - a and p != out[a:b]:
                lo, hi = max(a, s - 1), min(b, e + 1)
                d = [i for i in range(lo, hi) if p[i - a] != out[i]]
                if d:
                    changed.append((d[0], d[-1] + 1))
    return out, changed


def convert_script(text: str, config: str) -> str:
    """Convert ``text`` with OpenCC config ``config`` (``"s2t"``, ``"t2s"``, ``"s2twp"``, ``"hk2s"``,
    … or ``"s2t.json"``), with protected terms when converting simplified to traditional.

    >>> convert_script("教育考试制度改革", "s2t")
    '教育考試制度改革'
    >>> convert_script("被发明的技术让学生学习了如何思考", "s2tw")
    '被發明的技術讓學生學習了如何思考'
    >>> convert_script("軟體與網路", "tw2sp")
    '软件与网络'
    """
    name = config_name(config)
    if name in _TO_TRAD:
        return _convert_protected(text, name, report=False)[0]
    return _convert(text, name)


# --------------------------------------------------------------------------------------------
# the step: choosing what to convert, and reporting it

# rules of the edit log, with their precedence where marks overlap
RULE_PRIORITY = {"mixed-script": 0, "one-to-many": 1, "variant": 2, "protected-term": 3, "conversion-error": 4}
# marks whose text may come out unchanged and are then reported as flags
_FLAG_RULES = ("one-to-many", "protected-term")

Mark = tuple[int, int, str]  # (start, end, rule) in the text the step received


@lru_cache(maxsize=None)
def _defaults(name: str) -> dict[str, str]:
    """What config ``name`` makes of each one-to-many character on its own (发 → 發 for s2t)."""
    chars = one_to_many_t2s() if name == HANS else one_to_many()
    return {c: _convert(c, name) for c in chars}


@lru_cache(maxsize=None)
def _default_codes(name: str):
    """Code point → code point of its conversion alone under ``name``, for the one-to-many characters."""
    np = _tables().np
    table = np.zeros(_BMP, dtype="<u4")
    for c, d in _defaults(name).items():
        if len(d) == 1 and ord(c) < _BMP:
            table[ord(c)] = ord(d)
    return table


def _decisions(src: str, out: str, name: str, bit: int, codes=None) -> list[Mark]:
    """Context-driven choices: one-to-many characters whose conversion is not their conversion alone.

    ``src`` and ``out`` have the same length; each mark covers the character and its neighbours
    on the same line (头发 → 頭髮 is reported as 头发展 → 頭髮展 with rule ``one-to-many``).
    """
    t = _tables()
    np = t.np
    if codes is None:
        codes = t.codes(src)
    # gathers clipped to the BMP tables (take's clip mode: no clipped copy of the codes)
    amb = (np.take(t.cls, codes, mode="clip") & bit) != 0
    if not amb.any():
        return []
    pos = np.flatnonzero(amb & (t.codes(out) != np.take(_default_codes(name), codes, mode="clip"))).tolist()
    n = len(src)
    marks: list[Mark] = []
    for i in pos:
        s = i - 1 if i > 0 and src[i - 1] != "\n" else i
        e = i + 2 if i + 1 < n and src[i + 1] != "\n" else i + 1
        marks.append((s, e, "one-to-many"))
    return marks


def _splice(text: str, changes: list[tuple[int, int, str]]) -> str:
    """``text`` with the sorted, non-overlapping ``(start, end, replacement)`` applied."""
    if not changes:
        return text
    out: list[str] = []
    last = 0
    for s, e, r in changes:
        out.append(text[last:s])
        out.append(r)
        last = e
    out.append(text[last:])
    return "".join(out)


def _variant_marks(src: str, codes) -> tuple[str, list[Mark]]:
    """Replace the variants OpenCC leaves alone (倣 → 仿); returns the text and the marks."""
    t = _tables()
    pos = t.np.flatnonzero(t.classes(codes) & VARIANT).tolist()
    if not pos:
        return src, []
    table = variants()
    return _splice(src, [(i, i + 1, table[src[i]]) for i in pos]), [(i, i + 1, "variant") for i in pos]


@lru_cache(maxsize=1)
def zhu_words() -> frozenset[str]:
    """Words, simplified and traditional, in which 著 is zhù and stays 著 (``data/script/zhu.tsv``)."""
    return frozenset(w for row in _table("zhu.tsv") for w in row[:2])


def _zhe_marks(text: str) -> tuple[str, list[Mark]]:
    """著 → 着 outside the words where it is zhù (看著 → 看着, 著名 stays); Taiwan writes 著 for both."""
    if "著" not in text:
        return text, []
    words = zhu_words()
    changes: list[tuple[int, int, str]] = []
    marks: list[Mark] = []
    i = text.find("著")
    while i >= 0:
        if text[max(0, i - 1) : i + 1] not in words and text[i : i + 2] not in words and text[max(0, i - 2) : i + 1] not in words:
            changes.append((i, i + 1, "着"))
            marks.append((i - 1 if i and text[i - 1] != "\n" else i, i + 1, "one-to-many"))
        i = text.find("著", i + 1)
    return _splice(text, changes), marks


def _simplified(text: str) -> str:
    """hk2s with the simplified words of ``protected_hans.tsv`` written as they stand (毕昇)."""
    return _convert_protected(text, HANS, report=False)[0]


def _to_hans(src: str, taiwan: bool = False) -> tuple[str, list[Mark]]:
    """Protected hk2s on ``src`` (and 著 → 着 for Taiwan text); marks for decisions when aligned."""
    out, changed = _convert_protected(src, HANS)
    t = _tables()
    codes = t.codes(src)
    if t.np.count_nonzero(t.classes(codes) & TWICE):
        out = _simplified(out)
    if len(out) != len(src):
        return out, []
    marks = _decisions(src, out, HANS, AMB_T, codes)
    marks.extend((s, e, "protected-term") for s, e in changed)
    out, zmarks = _zhe_marks(out) if taiwan else (out, [])
    return out, marks + zmarks


def _to_trad_simplified(src: str, name: str) -> tuple[str, list[Mark]]:
    """Protected s2X on simplified ``src``: decisions and protection overrides as marks."""
    out, changed = _convert_protected(src, name)
    if len(out) != len(src):
        return out, []
    marks = _decisions(src, out, name, AMB_S)
    marks.extend((s, e, "protected-term") for s, e in changed)
    return out, marks


class _Foreign:
    """For one traditional target: which characters do not belong (foreign) and the error fixes."""

    def __init__(self, target: str, lenient: bool) -> None:
        t = _tables()
        np = t.np
        self.name = TARGET_CONFIG[target]
        std = _TO_TRAD[self.name]
        foreign = np.zeros(_BMP, dtype=bool)
        t2s, s2x = _charmap(HANS), _charmap(self.name)
        amb = one_to_many()
        if lenient:  # keep the page's own traditional glyphs; only simplified characters are foreign
            chars = char_classes()["simplified"]
        else:
            t2x = _charmap(_T2X[std]) if _T2X[std] else {}
            # valid: what s2X writes for the simplified form, any other of OpenCC's candidates for
            # it (崙 and 侖 for 仑, 麴 for 曲), and the simplified character itself only where it is
            # a traditional word too (台, 干, 后; not 挂, 产)
            valid: dict[str, set[str]] = {}
            for key, cands in st_candidates().items():
                valid[key] = {t2x.get(x, x) for x in cands if x != key}
            for key, cands in amb.items():
                valid.setdefault(key, set()).update(t2x.get(x, x) for x in cands)
            chars = []
            for a, b in _RANGES:
                for cp in range(a, b):
                    c = chr(cp)
                    s = t2s.get(c, c)
                    # the character tables cover the BMP blocks; a simplified form beyond them
                    # (瓄 → 𪻨) is converted back on its own
                    x = s2x.get(s, s) if ord(s) < _BMP else _convert(s, self.name)
                    if c == x or c in valid.get(s, ()):
                        continue
                    chars.append(c)
        # a foreign character whose simplified form is not one-to-many is replaced without context
        # (為 → 爲, 産 → 產); the others (发 on a traditional page) are converted in their line
        self.replace: dict[str, str] = {}
        for c in chars:
            foreign[ord(c)] = True
            s = t2s.get(c, c)
            if s not in amb:
                self.replace[c] = s2x.get(s, s) if ord(s) < _BMP else _convert(s, self.name)
        self.foreign = foreign
        # wrong forms of the protected terms in this target's glyphs → the right form
        prot = _protection(self.name)
        amb = one_to_many()
        t2x = _charmap(_T2X[std]) if _T2X[std] else {}
        rights = {right for right in prot.forms.values()}
        wrong: dict[str, str] = {}
        for term, right in prot.forms.items():
            if len(right) != len(term):
                continue
            options = []
            for sc, rc in zip(term, right):
                # the simplified character itself is left out: 台灣 for 臺灣 is Taiwan's own
                # spelling, not an error; 製 for 制, 髮 for 發 are
                alts = {rc} | ({t2x.get(x, x) for x in amb[sc] if x != sc} if sc in amb else set())
                options.append(sorted(alts))
            forms = [""]
            for alts in options:
                forms = [f + a for f in forms for a in alts]
                if len(forms) > 64:
                    break
            else:
                for f in forms:
                    if f not in rights:
                        wrong.setdefault(f, right)
        self.wrong = wrong
        self.rights = rights
        self.by_pair = _by_pair(wrong)
        self.right_lengths = sorted({len(w) for w in rights}, reverse=True)
        self.pairs = _pairs(wrong)

    def repairs(self, text: str, codes) -> list[tuple[int, int, str]]:
        """Wrong forms of protected terms in ``text`` with their right form, unless a right form
        crossing them wins the overlap (帶頭|發起 holds 頭發, a wrong form of 頭髮)."""
        out = []
        longest = self.right_lengths[0] if self.right_lengths else 0
        for s, e in _resolve(_find_terms(text, codes, self.by_pair, self.pairs)):
            local = [(s, e)]
            for a in range(max(0, s - longest + 1), e):
                for n in self.right_lengths:
                    if a + n > s and text[a : a + n] in self.rights:
                        local.append((a, a + n))
                        break
            if (s, e) in _resolve(local):
                out.append((s, e, self.wrong[text[s:e]]))
        return out


@lru_cache(maxsize=None)
def _foreign(target: str, lenient: bool) -> _Foreign:
    return _Foreign(target, lenient)


# characters of context on each side when a foreign character is converted in context
CONTEXT = 8


def _to_trad_traditional(src: str, target: str, lenient: bool, taiwan: bool = False) -> tuple[str, list[Mark]]:
    """A traditional ``src`` into ``target``: foreign characters converted, errors repaired.

    A foreign character (挂, 産, 為 for the standard 爲) whose simplified form has one
    traditional form is replaced directly; one whose form depends on the word (发 on a
    traditional page) is converted in its context the long way (hk2s, then protected s2X) and
    takes the result, while its neighbours keep the page's own valid choices (台灣, 瞭解). Then
    the wrong forms of protected terms (教研製度) are repaired.
    """
    t = _tables()
    np = t.np
    f = _foreign(target, lenient)
    codes = t.codes(src)
    marks: list[Mark] = []
    changes: list[tuple[int, int, str]] = []
    out = src
    # gathers clipped to the BMP tables (take's clip mode: no clipped copy of the codes)
    pos = np.flatnonzero(np.take(f.foreign, codes, mode="clip")).tolist()
    if pos:
        repl = f.replace
        context = [i for i in pos if src[i] not in repl]
        decided: dict[int, tuple[str, str]] = {}  # position → (its simplified form, chosen)
        if context:
            # all the windows in one call each way, split on a character absent from the page
            sep = _separator(src)
            n = len(src)
            wins = [(max(0, i - CONTEXT), min(n, i + CONTEXT + 1)) for i in context]
            simp = _simplified(sep.join(src[a:b] for a, b in wins))
            back = _convert_protected(simp, f.name, report=False)[0].split(sep)
            for i, (a, b), sw, bw in zip(context, wins, simp.split(sep), back):
                if len(sw) == b - a == len(bw):
                    decided[i] = (sw[i - a], bw[i - a])
                else:
                    one = _convert(src[i], HANS)
                    decided[i] = (one, _convert(one, f.name))
        default = _defaults(f.name)
        amb = np.take(t.cls, codes, mode="clip") & AMB_S
        for i in pos:
            ch = repl.get(src[i])
            sc = ""
            if ch is None:
                sc, ch = decided[i]
            if len(ch) != 1 or ch == src[i]:
                continue
            changes.append((i, i + 1, ch))
            if amb[i] or (sc in default and ch != default[sc]):
                marks.append((i - 1 if i and src[i - 1] != "\n" else i, i + 2 if src[i + 1 : i + 2] not in ("", "\n") else i + 1, "one-to-many"))
            else:
                marks.append((i, i + 1, "mixed-script"))
        out = _splice(src, changes)
    if taiwan and not lenient and _TO_TRAD[f.name] != "tw":  # standard and Hong Kong write 看着
        out, zmarks = _zhe_marks(out)
        marks.extend(zmarks)
    # repair the wrong forms of protected terms
    fixes = f.repairs(out, t.codes(out) if out is not src else codes)
    if fixes:
        out = _splice(out, fixes)
        marks.extend((s, e, "conversion-error") for s, e, _r in fixes)
    return out, marks


def _target(to: Optional[str], info: ScriptInfo) -> tuple[Optional[str], bool]:
    """The target for a page, and whether it is lenient.

    ``to=None`` keeps the page's script: a traditional page keeps its own glyphs (lenient: only its
    simplified characters are converted, with the glyphs of its region when it shows one).
    """
    if to is not None:
        return to, False
    if info.script is None:
        return None, False
    if info.script == "hans" or (info.script == "mixed" and info.simplified >= info.traditional):
        return "hans", False
    return info.region or "hant", True


def _line_spans(src: str, out: str, a: int, b: int, rule: str, spans: list) -> None:
    """The span for [a, b) of aligned ``src``/``out``: from the first changed line to the last.

    One span per stretch between reported choices rather than one per line: the edit log of a
    converted page stays short (and the step fast), and lines that did not change at either end
    are left out.
    """
    if a >= b or src[a:b] == out[a:b]:
        return
    while True:  # skip unchanged lines at the start
        e = src.find("\n", a, b)
        if e < 0 or src[a:e] != out[a:e]:
            break
        a = e + 1
    while True:  # and at the end
        s = src.rfind("\n", a, b)
        if s < 0 or src[s + 1 : b] != out[s + 1 : b]:
            break
        b = s
    spans.append((a, b, out[a:b], rule))


def _edits(src: str, out: str, marks: list[Mark], rule: str) -> tuple[list[Span], list[tuple[int, int, str]]]:
    """Spans and flags for the change ``src`` → ``out``: a span per mark and one for each stretch between.

    Overlapping marks merge and keep the rule of higher precedence; a mark whose text does not
    change becomes a flag. Without alignment (a phrase of another length, s2twp), one span per
    changed line.
    """
    spans: list[Span] = []
    flags: list[tuple[int, int, str]] = []
    if len(src) != len(out):
        src_lines, out_lines = src.split("\n"), out.split("\n")
        if len(src_lines) != len(out_lines):
            return [(0, len(src), out, rule)], []
        a = 0
        for sl, ol in zip(src_lines, out_lines):
            if sl != ol:
                spans.append((a, a + len(sl), ol, rule))
            a += len(sl) + 1
        return spans, []
    merged: list[list] = []
    for s, e, r in sorted(marks):
        if merged and s < merged[-1][1]:
            m = merged[-1]
            m[1] = max(m[1], e)
            if RULE_PRIORITY[r] > RULE_PRIORITY[m[2]]:
                m[2] = r
        else:
            merged.append([s, e, r])
    pos = 0
    for s, e, r in merged:
        _line_spans(src, out, pos, s, rule, spans)
        if src[s:e] != out[s:e]:
            spans.append((s, e, out[s:e], r))
        elif r in _FLAG_RULES:
            flags.append((s, e, r))
        pos = e
    _line_spans(src, out, pos, len(src), rule, spans)
    return spans, flags


def _plan(text: str, to: Optional[str], info: ScriptInfo) -> tuple[str, list[Mark], str]:
    """The converted text, its marks, and the rule of the plain conversion around them.

    Variants that no target writes (倣 → 仿) are replaced first, whatever the target.
    """
    t = _tables()
    text, vmarks = _variant_marks(text, t.codes(text)) if text else (text, [])
    out, marks, rule = _convert_page(text, to, info)
    return out, vmarks + marks, rule


def _convert_page(text: str, to: Optional[str], info: ScriptInfo) -> tuple[str, list[Mark], str]:
    target, lenient = _target(to, info)
    if target is None:
        return text, [], HANS
    # Taiwan writes 著 for zhe (看著); elsewhere 著 is only zhù. A page that writes 着 is not Taiwan's
    taiwan = info.region == "tw" and "着" not in text
    if target == "hans":
        if not info.traditional:
            return text, [], HANS
        if info.script == "hant":
            out, marks = _to_hans(text, taiwan)
            return out, marks, HANS
        return _by_line(text, lambda line, s, tr: _to_hans(line, taiwan) if tr else (line, []), "mixed-script")
    name = TARGET_CONFIG[target]
    if not info.traditional:
        out, marks = _to_trad_simplified(text, name)
        return out, marks, name
    if info.script == "hant":
        out, marks = _to_trad_traditional(text, target, lenient, taiwan)
        if info.traditional <= MIXED_MIN and detect_script(out).script is None and len(out) == len(text):
            # its repairs took the page's last traditional characters (了解製度 → 了解制度): the
            # text now reads as simplified too, so it gets what a simplified text gets, and
            # cleaning it again changes nothing
            out, more = _to_trad_simplified(out, name)
            if len(out) == len(text):
                marks.extend(more)
        return out, marks, "mixed-script"

    simplified_page = info.simplified >= info.traditional

    def line_to_trad(line: str, s: int, tr: int):
        # a line without evidence goes with the page
        if s > tr or (s == tr and simplified_page):  # a simplified line (stray traditional: the long way)
            simp = _simplified(line) if tr else line
            out, marks = _to_trad_simplified(simp, name)
            return (out, marks) if simp is line or len(out) == len(line) else (out, [])
        return _to_trad_traditional(line, target, lenient, taiwan)

    return _by_line(text, line_to_trad, "mixed-script")


def _by_line(text: str, convert, rule: str) -> tuple[str, list[Mark], str]:
    """Convert a mixed page line by line, each line by its own majority script."""
    t = _tables()
    np = t.np
    # each line's evidence counts from running counts over the page's classes (one array for
    # the page instead of encoding and classifying every line again)
    cls = t.classes(t.codes(text))
    s_run = np.concatenate(([0], np.cumsum((cls & S_ONLY) != 0))).tolist()
    t_run = np.concatenate(([0], np.cumsum((cls & T_ONLY) != 0))).tolist()
    outs: list[str] = []
    marks: list[Mark] = []
    a = 0
    for line in text.split("\n"):
        b = a + len(line)
        out, line_marks = convert(line, s_run[b] - s_run[a], t_run[b] - t_run[a]) if line else (line, [])
        if len(out) != len(line):  # keep the page aligned: a line that changed length is one mark
            out, line_marks = out, []
        outs.append(out)
        marks.extend((a + ms, a + me, r) for ms, me, r in line_marks)
        a += len(line) + 1
    return "\n".join(outs), marks, rule


def to_script(text: str, to: Optional[str] = "hans") -> str:
    """The whole step as a pure function: ``text`` in the target script ``to``.

    >>> to_script("教育考試製度改革，學習了如何思考")
    '教育考试制度改革，学习了如何思考'
    >>> to_script("教育考试制度改革，被发明了", to="hant")
    '教育考試制度改革，被發明了'
    >>> to_script("交流挂職，教研製度，倣真實驗，産教融合", to="tw")
    '交流掛職，教研制度，仿真實驗，產教融合'
    >>> to_script("已是简体的文本。", to="hans")
    '已是简体的文本。'
    """
    return _plan(text, to, detect_script(text))[0]


def run(text: str, ctx: StepContext) -> str:
    info = detect_script(text)
    if ctx.meta.get("script_in") is None:  # a later pipeline round sees converted text: keep the first
        ctx.meta["script_in"] = info.script
        ctx.meta["script_region"] = info.region
    out, marks, rule = _plan(text, ctx.config.to, info)
    if out == text and not marks:
        return text
    spans, flags = _edits(text, out, marks, rule)
    if flags:
        ctx.flag(text, flags)
    return ctx.replace(text, spans)


def fix_field(value: str, ctx: StepContext) -> str:
    """A metadata value (title, source, ...) converted to the target script like the page."""
    return _field_in(value, ctx.config.to)


@lru_cache(maxsize=4096)
def _field_in(value: str, to: Optional[str]) -> str:
    # a pure function of the value and the target, kept per process: the pages of a site repeat
    # their source, author and editor (23 distinct values among 234 in a megabyte of the bench
    # corpus), and each conversion of a short value costs numpy and OpenCC calls
    out, _marks, _rule = _plan(value, to, detect_script(value))
    return out


STEP = Step(
    "script",
    "detect each page's script (hans, hant, mixed; tw/hk hint) and convert it to the target with OpenCC, protecting word boundaries",
    run,
    fix_field=fix_field,
)
