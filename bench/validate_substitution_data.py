"""Validate the data of the ``substitution`` step (``src/educorpus/data/substitution/``).

    PYTHONPATH=src python bench/validate_substitution_data.py      # prints problems, exit 1 if any

Checks:
- policy_phrases.txt: at least 1,000 phrases, simplified script, Han only, >= 3 characters, no
  duplicates;
- variants.tsv: known tiers, regular expressions that compile, simplified script; no row (of any
  tier) matches anywhere in the project's clean text; a tier-a variant without context is not a word of
  jieba's dictionary (a dictionary word is legitimate somewhere);
- synonyms.tsv: simplified, no word mapped to itself;
- the derived spun forms of the canonical phrases (tier b): none occurs in the project's clean
  text outside a longer canonical phrase, and none is a jieba dictionary word with a frequency of
  3 or more (legitimate words would be "repaired" in spun pages); forms that fail belong in
  derived_exclusions.txt;
- places.tsv: each city in one province; the ambiguous names are known cities;
- the segmentation dictionary (data/segment/education.dict): one entry per line, no duplicates.

The clean text is the harness corpus of ``bench/eval_substitution.py`` (seeds 001/002/000 after
cleaning, the project's clean cases, OpenCC's test texts, the substitution negatives).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import regex  # noqa: E402

from educorpus.cleaners import substitution as sub  # noqa: E402
from educorpus.segment import tokenizer, user_words  # noqa: E402

HAN_ONLY = regex.compile(r"^[\p{Han}、，·（）〇—0-9A-Za-z+.%Ⅰ-Ⅻ]+$")


def _simplified(s: str) -> bool:
    return sub._t2s(s) == s


def validate(clean_texts: list[str] | None = None) -> list[str]:
    """Every problem found, as a readable line; an empty list means the data is valid."""
    if clean_texts is None:
        import eval_substitution as ev

        clean_texts = [d.text for d in ev.corpus()]
    clean = [sub.shadow(t) for t in clean_texts]
    problems: list[str] = []
    freq = tokenizer().FREQ

    phrases = sub.policy_phrases()
    raw_lines = [r[0].strip() for r in sub._rows("policy_phrases.txt")]
    if len(phrases) < 1000:
        problems.append(f"policy_phrases.txt: {len(phrases)} phrases, want at least 1000")
    dups = sorted({p for p in raw_lines if raw_lines.count(p) > 1})
    if dups:
        problems.append(f"policy_phrases.txt: duplicates {dups[:10]}")
    for p in phrases:
        if len(p) < 3:
            problems.append(f"policy_phrases.txt: {p!r} is shorter than 3 characters")
        if not _simplified(p):
            problems.append(f"policy_phrases.txt: {p!r} is not in simplified script")
        if not HAN_ONLY.match(p):
            problems.append(f"policy_phrases.txt: {p!r} has characters other than Han, digits, Latin letters and 、，·（）—+.%")

    for rule, pat in sub._compiled_rules():
        where = f"variants.tsv: {rule.variant!r}"
        if rule.variant == rule.canonical:
            problems.append(f"{where} maps to itself")
        if not (_simplified(rule.variant) and _simplified(rule.canonical)):
            problems.append(f"{where} is not in simplified script")
        for t in clean:  # tier c too: a flag on clean text is noise
            m = pat.search(t)
            if m:
                problems.append(f"{where} (tier {rule.tier}) matches clean text: …{t[max(0, m.start() - 10):m.end() + 10]}…")
                break
        if rule.tier == "a" and not rule.left and not rule.right and freq.get(rule.variant, 0) > 0:
            problems.append(f"{where} (tier a, no context) is a jieba dictionary word (freq {freq[rule.variant]})")

    for word, forms in sub.synonym_swaps().items():
        for f in forms:
            if f == word:
                problems.append(f"synonyms.tsv: {word!r} maps to itself")
            if not (_simplified(word) and _simplified(f)):
                problems.append(f"synonyms.tsv: {word!r} → {f!r} is not in simplified script")

    derived = sub.derived_variants()
    for variant in sorted(derived):
        if freq.get(variant, 0) >= 3:
            problems.append(f"derived form {variant!r} (of {derived[variant]!r}) is a jieba dictionary word (freq {freq[variant]})")
    for t in clean:
        for s, e in sub._derived_index().find_all(t):
            cand = sub._Candidate(s, e, derived[t[s:e]], "b", "spun-policy-phrase")
            if not sub._inside_canonical(t, cand):
                problems.append(f"derived form {t[s:e]!r} (of {derived[t[s:e]]!r}) occurs in clean text: …{t[max(0, s - 10):e + 10]}…")

    city_province, ambiguous = sub._places()
    seen: dict[str, str] = {}
    for row in sub._rows("places.tsv"):
        province = row[0].strip()
        if province == "-":
            continue
        for c in row[1].split():
            if c in seen and c != province and seen[c] != province:
                problems.append(f"places.tsv: {c!r} listed under {seen[c]!r} and {province!r}")
            seen[c] = province
    for a in ambiguous:
        if a not in city_province:
            problems.append(f"places.tsv: ambiguous name {a!r} is not a listed city")

    words = user_words()
    dups = sorted({w for w in words if words.count(w) > 1})
    if dups:
        problems.append(f"education.dict: duplicates {dups}")
    return problems


def main() -> int:
    problems = validate()
    for p in problems:
        print(p)
    print(
        f"{len(sub.policy_phrases())} canonical phrases, {len(sub.variant_rules())} explicit variants, "
        f"{len(sub.synonym_swaps())} swap words, {len(sub.derived_variants())} derived spun forms: "
        f"{'OK' if not problems else f'{len(problems)} problem(s)'}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
