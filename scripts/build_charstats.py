#!/usr/bin/env python3
"""Build the character statistics the ``mojibake`` step and the byte decoder score text with.

Source: jieba's own dictionary (``jieba/dict.txt`` in the installed jieba package, MIT licence):
about 349,000 words with frequencies. Every word is counted as it is and, because many pages are
traditional (seed 000, seed 002), also in its OpenCC ``s2t``, ``s2hk`` and ``s2tw`` forms (word by
word, so OpenCC's phrase tables apply); each distinct form of a word is counted once with the
word's frequency.

Output, in ``src/educorpus/data/charstats/``:

- ``unigrams.txt``: ``<char> <count> <script> <first> <initial> <final> <after-numeral>`` per
  line, most frequent first, where script is ``s`` for a character only simplified text uses
  (OpenCC t2s keeps it, s2t changes it), ``t`` for one only traditional text uses (the reverse),
  ``-`` for both; first is the total count of the bigrams the character begins; initial and
  final count the words it begins and ends (where punctuation may stand before or after it);
  after-numeral counts it right after a Chinese numeral (二..九 十 百 千 两 零: 三年, 五个), which
  stands in for "after a number written in digits";
- ``bigrams.txt.gz``: ``<char><char> <count>`` per line (pairs of adjacent characters inside a word);
- ``SOURCE.txt``: where the numbers come from and the tool versions used.

Run from the repository root::

    python scripts/build_charstats.py

Not covered by these statistics: punctuation, digits and Latin letters (jieba's dictionary holds
only words); the scorer in ``educorpus.charstats`` gives those fixed class probabilities.
"""

from __future__ import annotations

import argparse
import gzip
from collections import Counter
from importlib import metadata
from pathlib import Path

import jieba
import opencc

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "educorpus" / "data" / "charstats"
CONVERSIONS = ("s2t", "s2hk", "s2tw")


def read_jieba_dict() -> list[tuple[str, int]]:
    path = Path(jieba.__file__).parent / "dict.txt"
    words = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                words.append((parts[0], int(parts[1])))
    return words


# Chinese numerals whose followers stand in for "what follows a number" (9月, 19个, 3所); 一 is
# left out because it starts too many words that are not numbers (一般, 一起)
NUMERALS = set("〇零二两三四五六七八九十百千")


def count(words: list[tuple[str, int]]) -> tuple[Counter, ...]:
    # one OpenCC call per conversion over all words joined by newlines: fast, and still word by word
    blob = "\n".join(w for w, _ in words)
    forms = [opencc.OpenCC(c).convert(blob).split("\n") for c in CONVERSIONS]
    assert all(len(f) == len(words) for f in forms)
    uni: Counter = Counter()
    bi: Counter = Counter()
    initial: Counter = Counter()
    final: Counter = Counter()
    after_numeral: Counter = Counter()
    for i, (word, freq) in enumerate(words):
        for form in {word, *(f[i] for f in forms)}:
            for ch in form:
                uni[ch] += freq
            initial[form[0]] += freq
            final[form[-1]] += freq
            for a, b in zip(form, form[1:]):
                bi[a + b] += freq
                if a in NUMERALS and b not in NUMERALS:
                    after_numeral[b] += freq
    return uni, bi, initial, final, after_numeral


def char_scripts(chars: list[str]) -> dict[str, str]:
    """``s``/``t``/``-`` per character, from OpenCC's character-level s2t and t2s."""
    blob = "\n".join(chars)
    s2t = opencc.OpenCC("s2t").convert(blob).split("\n")
    t2s = opencc.OpenCC("t2s").convert(blob).split("\n")
    out = {}
    for ch, t, s in zip(chars, s2t, t2s):
        if t != ch and s == ch:
            out[ch] = "s"
        elif s != ch and t == ch:
            out[ch] = "t"
        else:
            out[ch] = "-"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    words = read_jieba_dict()
    uni, bi, initial, final, after_numeral = count(words)
    chars = [ch for ch, _ in sorted(uni.items(), key=lambda kv: (-kv[1], kv[0])) if not ch.isspace()]
    scripts = char_scripts(chars)
    first: Counter = Counter()
    for ab, n in bi.items():
        first[ab[0]] += n
    with (args.out / "unigrams.txt").open("w", encoding="utf-8", newline="\n") as f:
        for ch in chars:
            f.write(f"{ch} {uni[ch]} {scripts[ch]} {first[ch]} {initial[ch]} {final[ch]} {after_numeral[ch]}\n")
    # mtime=0: the same input gives byte-identical output
    with open(args.out / "bigrams.txt.gz", "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
            lines = (f"{ab} {n}\n" for ab, n in sorted(bi.items()) if not any(c.isspace() for c in ab))
            gz.write("".join(lines).encode("utf-8"))
    (args.out / "SOURCE.txt").write_text(
        "Character unigram and bigram counts for educorpus's plausibility scorer.\n"
        f"Built by scripts/build_charstats.py from jieba {metadata.version('jieba')} dict.txt "
        f"({len(words)} words, MIT licence), each word also in its OpenCC {metadata.version('opencc')} "
        f"{', '.join(CONVERSIONS)} forms.\n"
        f"{len(uni)} characters, {len(bi)} bigrams.\n",
        encoding="utf-8",
    )
    print(f"wrote {args.out}: {len(uni)} characters, {len(bi)} bigrams")


if __name__ == "__main__":
    main()
