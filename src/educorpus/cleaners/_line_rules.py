"""Line rules as data: loading, widening to both scripts, and an index for finding them fast.

Rules live in ``data/boilerplate/rules/<family>.tsv`` (see ``data/boilerplate/README.md``). Each
pattern is written once, in simplified Chinese with full-width punctuation; :func:`widen` turns
every character into a class of its variants (``variants.tsv``, generated from OpenCC) so the
same rule matches traditional text and ASCII punctuation.

Trying ~100 patterns on every line would cost more than the rest of the pipeline, so the rules are
analysed once (:func:`index`): an alternative anchored at the line start can only match lines
starting with one of a set of characters; any other alternative needs one of a set of literal
strings somewhere in the line. :func:`match_line` tries a line only against the rules its first
character or the literals it contains point to. The analysis is conservative: what it cannot
bound is tried on every line, so the index never changes a result, only its cost.

Not handled here: what a match means for the page (zones, structure, metadata): that is the
``boilerplate`` step.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

DATA = Path(__file__).resolve().parent.parent / "data" / "boilerplate"
RULES_DIR = DATA / "rules"
VARIANTS_FILE = DATA / "variants.tsv"
COMMON_CHARS_FILE = DATA / "common_chars.txt"

# family order is rule priority: the first matching rule names the edit
FAMILIES = (
    "records", "copyright", "report", "disclaimer", "comments", "cms", "spam", "captions",
    "meta", "controls", "navigation", "social", "related", "ads",
)
ZONES = ("any", "edge", "header", "footer", "tail")
ROLES = ("-", "meta", "sep", "related", "caption")

# full-width punctuation a rule writes, and the ASCII a page may have folded it to
_PUNCT_ASCII = {"：": ":", "，": ",", "（": "(", "）": ")", "！": "!", "？": "?", "；": ";", "｜": "|"}


@dataclass(frozen=True)
class Rule:
    """One line rule: ``name`` is what the edit log shows; ``pattern`` is as written in the data file."""

    name: str
    family: str
    zone: str
    role: str
    max_len: int
    pattern: str
    regex: re.Pattern


# ---------------------------------------------------------------------------------------------
# loading the data

def data_rows(path: Path, columns: int) -> list[list[str]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = re.split(r"\t+", line, maxsplit=columns - 1)
        if len(parts) != columns:
            raise ValueError(f"{path}:{n}: expected {columns} tab-separated columns, found {len(parts)}")
        rows.append(parts)
    return rows


def word_list(name: str) -> tuple[str, ...]:
    """The entries of a one-word-per-line data file (``#`` starts a comment line)."""
    return tuple(
        w.strip() for w in (DATA / name).read_text(encoding="utf-8").splitlines() if w.strip() and not w.startswith("#")
    )


@lru_cache(maxsize=1)
def variants() -> dict[str, str]:
    """Simplified character → its traditional variants (from ``variants.tsv``)."""
    return {s: v for s, v in data_rows(VARIANTS_FILE, 2)}


def widen(pattern: str, table: Optional[dict[str, str]] = None) -> str:
    """Let a pattern written in simplified Chinese match traditional text and ASCII punctuation.

    Each character with variants becomes a class of them (inside a class, they are added to it).

    >>> widen("来源：", {"来": "來"})
    '[来來]源[：:]'
    >>> widen("[来源]", {"来": "來"})
    '[来來源]'
    """
    table = variants() if table is None else table
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            out.append(c)
            if c == "]":
                in_class = False
            elif not (i + 1 < n and pattern[i + 1] == "-") and not (pattern[i - 1] == "-"):
                out.append(table.get(c, "") + _PUNCT_ASCII.get(c, ""))
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":
                out.append("]")
                i += 1
            continue
        extra = table.get(c, "") + _PUNCT_ASCII.get(c, "")
        out.append(f"[{c}{extra}]" if extra else c)
        i += 1
    return "".join(out)


_MACRO = re.compile(r"\{\{([A-Z_]+)\}\}")


@lru_cache(maxsize=1)
def macros() -> dict[str, str]:
    """Shared pattern pieces from ``macros.tsv``, each with earlier macros substituted."""
    table: dict[str, str] = {}
    for name, pattern in data_rows(DATA / "macros.tsv", 2):
        table[name] = _expand_macros(pattern, table, f"macro {name}")
    return table


def _expand_macros(pattern: str, table: dict[str, str], where: str) -> str:
    def sub(m: re.Match) -> str:
        if m.group(1) not in table:
            raise ValueError(f"{where}: unknown macro {{{{{m.group(1)}}}}}")
        return f"(?:{table[m.group(1)]})"

    return _MACRO.sub(sub, pattern)


def compile_pattern(pattern: str, where: str = "pattern") -> re.Pattern:
    """Macros substituted, widened to both scripts, compiled; errors name the rule."""
    try:
        return re.compile(widen(_expand_macros(pattern, macros(), where)))
    except re.error as err:
        raise ValueError(f"{where}: bad pattern: {err}") from None


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """Every line rule, in priority order (family order of :data:`FAMILIES`, then file order)."""
    out: list[Rule] = []
    seen: set[str] = set()
    for family in FAMILIES:
        path = RULES_DIR / f"{family}.tsv"
        for name, zone, role, max_len, pattern in data_rows(path, 5):
            where = f"{path.name} rule {name!r}"
            if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name):
                raise ValueError(f"{where}: rule names are kebab-case")
            if name in seen:
                raise ValueError(f"{where}: duplicate rule name")
            if zone not in ZONES or role not in ROLES:
                raise ValueError(f"{where}: zone must be one of {ZONES}, role one of {ROLES}")
            seen.add(name)
            out.append(Rule(name, family, zone, role, int(max_len), pattern, compile_pattern(pattern, where)))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# fast candidate selection
#
# Trying ~100 patterns on every line would cost more than the rest of the pipeline. So each rule is
# analysed once (on its compiled, widened pattern): an alternative anchored at the line start can
# only match lines starting with one of a set of characters; any other alternative needs one of
# a set of literal strings somewhere in the line. A line is then tried only against the rules its
# first character or the literals it contains point to, found with one regex of plain literals.
# The analysis is conservative: what it cannot bound is tried on every line.

try:  # Python 3.11+
    from re import _constants as _sre_c, _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_MAX_SET = 64
_GATE_LEN = 3  # characters of a literal the gate looks for
_MAX_FIRST = 300  # an anchored alternative that may start with more characters is indexed by its literals


def _cases(c: str, icase: bool) -> set[str]:
    return {c, c.lower(), c.upper()} if icase and c.isascii() else {c}


def _chars(op, av, icase: bool) -> Optional[set[str]]:
    """A one-character item as the finite set of characters it matches, else None."""
    if op is _sre_c.LITERAL:
        return _cases(chr(av), icase)
    if op is _sre_c.IN:
        out: set[str] = set()
        for o, a in av:
            if o is _sre_c.LITERAL:
                out |= _cases(chr(a), icase)
            elif o is _sre_c.RANGE and a[1] - a[0] < 32:
                for x in range(a[0], a[1] + 1):
                    out |= _cases(chr(x), icase)
            else:
                return None
        return out
    return None


def _finite(op, av, icase: bool) -> Optional[set[str]]:
    """Every string an item can match, when that is a small finite set."""
    if op in (_sre_c.AT, _sre_c.ASSERT, _sre_c.ASSERT_NOT):
        return {""}
    if op in (_sre_c.LITERAL, _sre_c.IN):
        return _chars(op, av, icase)
    if op is _sre_c.SUBPATTERN:
        return _exact(list(av[3].data), icase or bool(av[1] & _sre_c.SRE_FLAG_IGNORECASE))
    if op is _sre_c.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            e = _exact(list(alt.data), icase)
            if e is None:
                return None
            out |= e
        return out if len(out) <= _MAX_SET else None
    if op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) and av[1] <= 1:
        e = _exact(list(av[2].data), icase)
        if e is None:
            return None
        return (e | {""}) if av[0] == 0 else e
    return None


def _exact(items, icase: bool) -> Optional[set[str]]:
    cur = {""}
    for op, av in items:
        f = _finite(op, av, icase)
        if f is None or len(cur) * len(f) > _MAX_SET:
            return None
        cur = {a + b for a in cur for b in f}
    return cur


@lru_cache(maxsize=1)
def simplified() -> dict[str, str]:
    return {v: s for s, vs in variants().items() for v in vs}


@lru_cache(maxsize=1)
def _common_rank() -> dict[str, int]:
    chars = "".join(word_list(COMMON_CHARS_FILE.name))
    return {c: k for k, c in enumerate(chars)}


_COMMON_SYMBOLS = set("0123456789()（）,，.。:：;；、-+%/“”\"'《》·—…!！?？ ")


def _rarity(c: str) -> float:
    """How rarely ``c`` occurs in body text, 0 (everywhere) to 1 (almost never)."""
    rank = _common_rank()
    c = simplified().get(c, c)
    if c in rank:
        return rank[c] / (len(rank) + 1)
    if c in _COMMON_SYMBOLS:
        return 0.02
    if c.isascii() and c.isalpha():
        return 0.3
    return 1.0


def _rarest(lit: str) -> int:
    # where the gate starts looking for a literal: at its rarest character, but so that at least
    # two characters follow (a lone common character would send many lines to the rules)
    last = max(len(lit) - 2, 0)
    return max(range(last + 1), key=lambda j: _rarity(lit[j]))


def _score(lits: set[str]) -> tuple[float, int, int]:
    if not lits or "" in lits:
        return (-1.0, 0, 0)
    return (min(_rarity(lit[_rarest(lit)]) for lit in lits), min(map(len, lits)), -len(lits))


def _required(items, icase: bool) -> Optional[set[str]]:
    """A set of literals one of which occurs in every match of ``items``, or None."""
    found: list[set[str]] = []
    cur = {""}
    for op, av in items:
        f = _finite(op, av, icase)
        if f is not None and len(cur) * len(f) <= _MAX_SET:
            cur = {a + b for a in cur for b in f}
            continue
        found.append(cur)
        cur = {""}
        inner = None
        if op is _sre_c.ASSERT and av[0] == 1:
            inner = _required(list(av[1].data), icase)
        elif op is _sre_c.SUBPATTERN:
            inner = _required(list(av[3].data), icase or bool(av[1] & _sre_c.SRE_FLAG_IGNORECASE))
        elif op is _sre_c.BRANCH:
            parts = [_required(list(alt.data), icase) for alt in av[1]]
            if all(p for p in parts):
                inner = set().union(*parts)
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) and av[0] >= 1:
            inner = _required(list(av[2].data), icase)
        if inner:
            found.append(inner)
    found.append(cur)
    best = max(found, key=_score)
    return best if _score(best)[0] >= 0 else None


def _first(items, icase: bool) -> tuple[Optional[set[str]], bool]:
    """Characters a match of ``items`` can start with (None: any), and whether it can be empty."""
    acc: set[str] = set()
    for op, av in items:
        if op is _sre_c.ASSERT and av[0] == 1:
            # a lookahead: what follows starts as the lookahead does
            f, nullable = _first(list(av[1].data), icase)
            if f is None or nullable:
                continue
            return acc | f, False
        if op in (_sre_c.AT, _sre_c.ASSERT, _sre_c.ASSERT_NOT):
            continue
        f, nullable = _first_item(op, av, icase)
        if f is None:
            return None, False
        acc |= f
        if not nullable:
            return acc, False
    return acc, True


def _first_item(op, av, icase: bool) -> tuple[Optional[set[str]], bool]:
    if op is _sre_c.LITERAL:
        return _cases(chr(av), icase), False
    if op is _sre_c.IN:
        chars: set[str] = set()
        for o, a in av:
            if o is _sre_c.LITERAL:
                chars |= _cases(chr(a), icase)
            elif o is _sre_c.RANGE:
                if a[1] - a[0] > _MAX_FIRST:
                    return None, False
                for x in range(a[0], a[1] + 1):
                    chars |= _cases(chr(x), icase)
            elif o is _sre_c.CATEGORY and a is _sre_c.CATEGORY_SPACE:
                pass  # lines are stripped: a line never starts with a space
            else:
                return None, False
        return chars, False
    if op is _sre_c.SUBPATTERN:
        return _first(list(av[3].data), icase or bool(av[1] & _sre_c.SRE_FLAG_IGNORECASE))
    if op is _sre_c.BRANCH:
        acc: set[str] = set()
        nullable = False
        for alt in av[1]:
            f, n = _first(list(alt.data), icase)
            if f is None:
                return None, False
            acc |= f
            nullable = nullable or n
        return acc, nullable
    if op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT):
        f, n = _first(list(av[2].data), icase)
        return f, (av[0] == 0 or n)
    return None, False


def _alternatives(regex: re.Pattern) -> list[list]:
    items = list(_sre_parse.parse(regex.pattern, regex.flags).data)
    if len(items) == 1 and items[0][0] is _sre_c.BRANCH:
        return [list(alt.data) for alt in items[0][1][1]]
    return [items]


def _anchored(items) -> bool:
    return bool(items) and items[0] == (_sre_c.AT, _sre_c.AT_BEGINNING)


@dataclass(frozen=True)
class _Index:
    order: tuple[Rule, ...]  # rules that apply anywhere first, then the others, each in file order
    always: frozenset[int]
    first: dict[str, frozenset[int]]
    literals: dict[str, frozenset[int]]
    # one literal regex per length class: a line of length n is searched with the regex of the
    # rules whose max_len >= n, so long body paragraphs meet only the few long-line rules
    limits: tuple[int, ...]
    gates: tuple[Optional[re.Pattern], ...]


def _literal_regex(literals: set[str]) -> Optional[re.Pattern]:
    # plain literals grouped by first character: every top-level branch starts with a literal,
    # which lets the regex engine skip positions whose character starts no literal
    if not literals:
        return None
    groups: dict[str, list[str]] = {}
    for lit in literals:
        groups.setdefault(lit[0], []).append(lit[1:])
    parts = []
    for c, rests in sorted(groups.items()):
        rests.sort(key=lambda r: (-len(r), r))  # longest first: a match is the longest literal there
        alts = "|".join(re.escape(r) for r in rests)
        parts.append(re.escape(c) + (f"(?:{alts})" if any(rests) else ""))
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def index() -> _Index:
    order = tuple(r for r in rules() if r.zone == "any") + tuple(r for r in rules() if r.zone != "any")
    always: set[int] = set()
    first: dict[str, set[int]] = {}
    lit_rules: dict[str, set[int]] = {}
    for k, r in enumerate(order):
        for alt in _alternatives(r.regex):
            chars, nullable = _first(alt, False) if _anchored(alt) else (None, True)
            if chars is not None and (nullable or len(chars) > _MAX_FIRST):
                chars = None
            lits = _required(alt, False) if chars is None else None
            if chars is not None:
                for c in chars:
                    first.setdefault(c, set()).add(k)
            elif lits is not None:
                for lit in lits:
                    # any piece of a required literal is required too: start at its rarest character
                    j = _rarest(lit)
                    lit_rules.setdefault(lit[j : j + _GATE_LEN], set()).add(k)
            else:
                always.add(k)
    # a literal found stands for every literal that is a prefix of it (they start at the same place)
    closed = {
        lit: frozenset().union(*(lit_rules[lit[:j]] for j in range(1, len(lit) + 1) if lit[:j] in lit_rules))
        for lit in lit_rules
    }
    limits = tuple(sorted({order[k].max_len for ks in lit_rules.values() for k in ks}))
    gates = tuple(
        _literal_regex({lit for lit, ks in lit_rules.items() if any(order[k].max_len >= limit for k in ks)})
        for limit in limits
    )
    return _Index(order, frozenset(always), {c: frozenset(v) for c, v in first.items()}, closed, limits, gates)


_NONE: frozenset[int] = frozenset()


def match_line(s: str) -> Optional[Rule]:
    """The rule naming line ``s`` (stripped), by priority: rules that apply anywhere first."""
    # short lines (headers, footers, menus) repeat across the pages of a site: remember them
    return _match_short(s) if len(s) <= _CACHED_LEN else _match(s)


_CACHED_LEN = 80


@lru_cache(maxsize=1 << 14)
def _match_short(s: str) -> Optional[Rule]:
    return _match(s)


def _match(s: str) -> Optional[Rule]:
    ix = index()
    n = len(s)
    cands = ix.first.get(s[0], _NONE) | ix.always
    g = bisect_left(ix.limits, n)
    if g < len(ix.gates):
        gate = ix.gates[g]
        m = gate.search(s) if gate is not None else None
        while m:
            cands = cands | ix.literals[m.group()]
            m = gate.search(s, m.start() + 1)
    if not cands:
        return None
    for k in sorted(cands):
        r = ix.order[k]
        if n <= r.max_len and r.regex.search(s):
            return r
    return None


# ---------------------------------------------------------------------------------------------
# the variants table (tools/gen_boilerplate_variants.py writes it; a test checks it against OpenCC)


def opencc_variants() -> dict[str, set[str]]:
    """Simplified character → traditional variants according to OpenCC (t2s inverted; s2t/s2hk/s2tw)."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    s2x = [opencc.OpenCC(c) for c in ("s2t", "s2hk", "s2tw")]
    table: dict[str, set[str]] = {}
    for cp in list(range(0x3400, 0x4DC0)) + list(range(0x4E00, 0xA000)):
        c = chr(cp)
        s = t2s.convert(c)
        if len(s) == 1 and s != c:
            table.setdefault(s, set()).add(c)
        for cc in s2x:
            v = cc.convert(c)
            if len(v) == 1 and v != c:
                table.setdefault(c, set()).add(v)
    return table
