"""Character-level body precision and recall of the boilerplate step on the labelled pages.

The labelled pages are the project's own test data: the four seed pages with reviewed labels
(tests/cases/boilerplate/in-the-wild.json and known-failures.json) and the synthetic pages
(synthetic.json: site templates around article bodies, plus hand-written pages, both scripts).
Each holds the page and its expected body (the page without its boilerplate lines).

Body characters are the non-space characters of the text's lines, without the `#` paragraph
markers of seed 003 (they belong to the substitution step). Lines are compared as a multiset:
precision = body characters kept that the label keeps / characters kept; recall = body
characters kept that the label keeps / characters the label keeps. Metadata accuracy counts the
fields (title, published, source, author, editor) the step extracts exactly as labelled.

Usage: PYTHONPATH=src python bench/eval_boilerplate.py [-v]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

import educorpus

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "boilerplate"
FILES = ("in-the-wild.json", "known-failures.json", "synthetic.json")
FIELDS = ("title", "published", "source", "author", "editor")
_NOISE = re.compile(r"[\s#]+")


def labelled_pages() -> list[dict]:
    pages = []
    for name in FILES:
        for case in json.loads((CASES / name).read_text(encoding="utf-8")):
            pages.append({**case, "file": name})
    return pages


def body_lines(text: str) -> Counter[str]:
    return Counter(s for s in (_NOISE.sub("", line) for line in text.split("\n")) if s)


def overlap(got: str, expected: str) -> tuple[int, int, int]:
    """(characters kept and labelled body, characters kept, characters labelled body)."""
    g, e = body_lines(got), body_lines(expected)
    tp = sum(min(n, e[line]) * len(line) for line, n in g.items())
    return tp, sum(len(line) * n for line, n in g.items()), sum(len(line) * n for line, n in e.items())


def evaluate(pages: list[dict] | None = None) -> dict:
    """Scores over ``pages`` (default: all labelled pages): overall and per group, plus per page."""
    pages = labelled_pages() if pages is None else pages
    groups: dict[str, list[int]] = {}
    rows = []
    for page in pages:
        doc = educorpus.clean_and_explain(page["input"], only=["boilerplate"])
        tp, kept, body = overlap(doc.text, page["expected"])
        meta = page.get("meta", {})
        right = sum(1 for f in FIELDS if f in meta and doc.meta.get(f) == meta[f])
        asked = sum(1 for f in FIELDS if f in meta)
        group = "seeds" if "seed" in page else "synthetic"
        for key in (group, "all"):
            acc = groups.setdefault(key, [0, 0, 0, 0, 0, 0])
            for k, v in enumerate((tp, kept, body, right, asked, 1)):
                acc[k] += v
        rows.append({"label": page["label"], "file": page["file"], "tp": tp, "kept": kept, "body": body,
                     "meta_right": right, "meta_asked": asked,
                     "meta_wrong": {f: (doc.meta.get(f), meta[f]) for f in FIELDS if f in meta and doc.meta.get(f) != meta[f]}})
    scores = {
        key: {
            "pages": n, "precision": tp / kept if kept else 1.0, "recall": tp / body if body else 1.0,
            "meta_accuracy": right / asked if asked else 1.0, "body_chars": body,
        }
        for key, (tp, kept, body, right, asked, n) in groups.items()
    }
    return {"scores": scores, "pages": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="list every page, not only the imperfect ones")
    args = ap.parse_args()
    result = evaluate()
    for row in result["pages"]:
        p = row["tp"] / row["kept"] if row["kept"] else 1.0
        r = row["tp"] / row["body"] if row["body"] else 1.0
        if args.verbose or p < 1 or r < 1 or row["meta_wrong"]:
            wrong = f"  meta wrong: {row['meta_wrong']}" if row["meta_wrong"] else ""
            print(f"  P {p:.3f}  R {r:.3f}  {row['label'][:90]}{wrong}")
    print(f"{'group':10} {'pages':>5} {'body chars':>10} {'precision':>9} {'recall':>7} {'meta':>6}")
    for key in ("seeds", "synthetic", "all"):
        s = result["scores"][key]
        print(f"{key:10} {s['pages']:5d} {s['body_chars']:10d} {s['precision']:9.4f} {s['recall']:7.4f} {s['meta_accuracy']:6.3f}")


if __name__ == "__main__":
    main()
