"""Rank candidate protected terms for src/educorpus/data/script/protected.tsv (a review aid).

    PYTHONPATH=src python tools/derive_protected_terms.py [--words 3000] [--contexts 1500] [--top 300]

Takes the most frequent words of jieba's dictionary that contain a one-to-many character
(data/script/one_to_many.tsv) and puts each after and before the most frequent words. Where
OpenCC's s2t of the pair differs from converting the two words separately, the pair counts *for*
protecting the word when jieba segments the pair at that boundary (学生|发展: OpenCC writes
學生髮展) and *against* it when jieba segments it elsewhere (头发|展示 against 发展), weighted by
the product of the two words' jieba frequencies. Prints word, OpenCC's conversion of the word
alone, gain, loss, loss/gain and examples. The list in protected.tsv was chosen from this output
by hand (see its header); this script does not write it. Takes a minute or two.
"""

from __future__ import annotations

import argparse
import collections
import os

import jieba

from educorpus.cleaners.script import _converter, one_to_many


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=3000, help="candidate words (most frequent first)")
    ap.add_argument("--contexts", type=int, default=1500, help="context words (most frequent first)")
    ap.add_argument("--top", type=int, default=300, help="rows to print")
    args = ap.parse_args()

    jieba.setLogLevel(60)
    s2t = _converter("s2t")
    amb = set(one_to_many())
    words: list[tuple[int, str]] = []
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as fh:
        for line in fh:
            w, f, _pos = line.split()
            if all("\u4e00" <= c <= "\u9fff" for c in w):
                words.append((int(f), w))
    words.sort(reverse=True)
    freq = {w: f for f, w in words}
    top = [w for _f, w in words if len(w) <= 4]
    cands = [w for w in top if len(w) >= 2 and any(c in amb for c in w)][: args.words]
    contexts = top[: args.contexts]

    def batch(strings: list[str]) -> list[str]:
        out = s2t.convert("\n".join(strings)).split("\n")
        assert len(out) == len(strings)
        return out

    vocab = sorted(set(cands + contexts))
    alone = dict(zip(vocab, batch(vocab)))
    gain: collections.Counter = collections.Counter()
    loss: collections.Counter = collections.Counter()
    examples: dict[str, list] = collections.defaultdict(list)
    for side in ("left", "right"):
        pairs = [(p, w) if side == "left" else (w, p) for w in cands for p in contexts]
        for (a, b), joined in zip(pairs, batch([a + b for a, b in pairs])):
            separate = alone[a] + alone[b]
            if joined == separate:
                continue
            w = b if side == "left" else a
            score = freq[a] * freq[b]
            seg = jieba.lcut(a + b, HMM=False)
            if seg == [a, b]:
                gain[w] += score
                examples[w].append((score, f"{a}{b}→{joined}"))
            else:
                loss[w] += score
                examples[w].append((score, f"{a}{b}→{joined} ({'/'.join(seg)}) against"))
    rows = sorted(((gain[w], loss[w], w) for w in set(gain) | set(loss)), reverse=True)
    for g, l, w in rows[: args.top]:
        ex = [e for _s, e in sorted(examples[w], reverse=True)[:3]]
        print(f"{w}\t{alone[w]}\t{g}\t{l}\t{l / (g + 1):.3f}\t{' '.join(ex)}")


if __name__ == "__main__":
    main()
