#!/usr/bin/env python3
"""How much of a damaged run survives: lost bytes per character, per damage class.

A GBK/Big5 decoder that meets a byte it cannot pair writes U+FFFD and goes on, so the byte is
gone; only its place survives. A character whose bytes are all gone can be put back only by
guessing it from its neighbours. This script counts, on the same damaged copies as
``scripts/eval_mojibake.py`` (``tests/mojibake_damage.py``), how many characters of each damaged
span lost 0, 1, 2 or 3 of their UTF-8 bytes, and how many copies hold at least one character
that lost every byte: no repair that does not guess whole characters can bring those copies back
exactly, so their share bounds the exact-recovery rate of a rule that does not guess.

With ``--guess`` it also runs the ``mojibake`` step with the Big5 rule's runner-up margin
switched off (it then keeps its best reading however close the rival) and prints that exact
rate: what guessing with the shipped statistics would buy.

    PYTHONPATH=src python scripts/mojibake_lost_bytes.py
    PYTHONPATH=src python scripts/mojibake_lost_bytes.py --classes utf8-as-big5 --guess
"""

from __future__ import annotations

import argparse
import codecs
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from educorpus.cleaners._text import common_ends  # noqa: E402
from tests.mojibake_damage import samples  # noqa: E402

# the UTF-8 span classes: (class, codec the span was read with)
SPAN_CLASSES = {"utf8-as-gbk": None, "utf8-as-big5": "cp950"}
_lost: list[int] = []


def _record(exc: UnicodeDecodeError):
    _lost.extend(range(exc.start, exc.end))
    return "\ufffd", exc.end


codecs.register_error("educorpus-record-lost", _record)


def _damaged_span(clean: str, damaged: str) -> str:
    """The part of ``clean`` that the damage rewrote."""
    p, q = common_ends(clean, damaged)
    return clean[p : len(clean) - q]


def lost_per_char(span: str, codec: str) -> list[int]:
    """For each character of ``span``, how many of its UTF-8 bytes ``codec`` fails to read."""
    data = span.encode("utf-8")
    _lost.clear()
    data.decode(codec, "educorpus-record-lost")
    lost = set(_lost)
    out, i = [], 0
    for ch in span:
        n = len(ch.encode("utf-8"))
        out.append(sum(1 for j in range(i, i + n) if j in lost))
        i += n
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=200, help="damaged copies per class (default 200)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--classes", default="utf8-as-big5")
    ap.add_argument("--guess", action="store_true", help="also run the step with the Big5 rule's runner-up margin off")
    args = ap.parse_args()
    for cls in args.classes.split(","):
        if cls not in SPAN_CLASSES:
            ap.error(f"--classes: {cls!r} is not one of {', '.join(SPAN_CLASSES)}")
        batch = samples(cls, args.n, args.seed)
        hist: collections.Counter = collections.Counter()
        all_lost = 0
        for s in batch:
            # utf8-as-gbk copies were read with gb18030 or gbk: try both, keep the one that fits
            codecs_ = [SPAN_CLASSES[cls]] if SPAN_CLASSES[cls] else ["gb18030", "gbk"]
            span = _damaged_span(s.clean, s.damaged)
            counts = lost_per_char(span, codecs_[0])
            if len(codecs_) > 1 and span.encode("utf-8").decode(codecs_[0], "replace") not in s.damaged.replace("?", "\ufffd"):
                counts = lost_per_char(span, codecs_[1])
            wide = [c for ch, c in zip(span, counts) if len(ch.encode("utf-8")) == 3]
            hist.update(wide)
            all_lost += any(c == 3 for c in wide)
        total = sum(hist.values()) or 1
        shares = ", ".join(f"{k} lost: {hist[k] / total:.2f}" for k in range(4))
        print(f"{cls}: {len(batch)} copies, {total} three-byte characters in the damaged spans ({shares})")
        print(f"  copies with a character that lost all its bytes: {all_lost} ({all_lost / max(1, len(batch)):.3f});"
              f" exact recovery without guessing whole characters is at most {1 - all_lost / max(1, len(batch)):.3f}")
        if args.guess:
            import educorpus.cleaners._big5 as big5
            from educorpus.cleaners.mojibake import fix_mojibake

            big5.MIN_MARGIN = float("-inf")
            ok = sum(fix_mojibake(s.damaged) == s.clean for s in batch)
            print(f"  exact recovery with the runner-up margin off (best reading always kept): {ok / max(1, len(batch)):.3f}")


if __name__ == "__main__":
    main()
