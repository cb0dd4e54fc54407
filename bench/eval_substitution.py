"""Evaluate the ``substitution`` step: spun copies of clean text, repairs, damage, detection.

    PYTHONPATH=src python bench/eval_substitution.py            # the default figures
    PYTHONPATH=src python bench/eval_substitution.py --json     # the same as JSON
    PYTHONPATH=src python bench/eval_substitution.py --first-seed 5  # other spinner seeds (for tuning)
    PYTHONPATH=src python bench/eval_substitution.py --extra-clean some/clean.txt  # more clean text

Corpus (built from the repository, nothing downloaded):
- clean education text: seeds 001 and 002 after the whole pipeline (``to=None``, so 002 stays
  traditional) and the expected/negative texts of the project's own test cases
  (``tests/cases/<step>/``, every step but ``substitution``; cases quoting the spun seed 003 or
  seed 002's ``&&`` lines are left out); split into documents of about 800 characters at
  paragraph boundaries;
- clean text for damage and detection only: seed 000 after the pipeline, OpenCC's Chinese US
  constitution in simplified and three traditional conversions (``tests/peer/opencc/golden``),
  and the substitution step's own negative cases;
- spun copies of the education documents made by ``educorpus.spinner`` (its own table, blind
  substring replacement) at several rates and seeds.

Metrics:
- repair precision: of the step's spun-text repairs (rules ``spun-*``) on spun copies, the
  share that give back exactly the original text where they apply;
- repair recall: of the spinner's replacements, the share restored; reported for replacements
  the step's data knows (the same word → the same spun form) and for held-out ones;
- damage: substitution edits (any rule) on clean text per 100,000 characters (flags separately);
- detection: accuracy of ``scores["spun"] >= 0.5`` on clean documents and their spun copies.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import educorpus  # noqa: E402
from educorpus.cleaners import substitution as sub  # noqa: E402
from educorpus.spinner import KINDS, Substitution, spin, spinner_table  # noqa: E402

REPAIR_RULES = ("spun-never-legitimate", "spun-policy-phrase", "spun-collocation")
CASE_KINDS = ("in-the-wild", "synthetic", "negative")
#: a case with fewer Han characters than this is a fragment, not a paragraph of education prose
PROSE_HAN = 60


@dataclass
class Doc:
    name: str
    text: str
    source: str
    spin: bool  # education text we make spun copies of


def _paragraph_chunks(text: str, size: int = 800) -> list[str]:
    out, cur = [], []
    n = 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        cur.append(line)
        n += len(line)
        if n >= size:
            out.append("\n".join(cur))
            cur, n = [], 0
    if cur:
        if out and n < size // 3:
            out[-1] += "\n" + "\n".join(cur)
        else:
            out.append("\n".join(cur))
    return out


def _han(text: str) -> str:
    return "".join(ch for ch in sub.shadow(text) if "\u4e00" <= ch <= "\u9fff")


def _windows(text: str, width: int = 8) -> set[str]:
    han = _han(text)
    return {han[i : i + width] for i in range(len(han) - width + 1)}


def _damaged_seed_windows() -> tuple[set[str], set[str]]:
    """Han windows of seed 003 (a spun page) and of the lines of seed 002 with ``&`` placeholders."""
    seeds = ROOT / "seeds"
    spun = _windows(next(seeds.glob("003_*.txt")).read_text(encoding="utf-8"))
    lines = next(seeds.glob("002_*.txt")).read_text(encoding="utf-8").splitlines()
    placeholder = set().union(*(_windows(line) for line in lines if "&" in line))
    return spun, placeholder


def quotes_damaged_seed(text: str, windows: tuple[set[str], set[str]]) -> bool:
    """Does ``text`` quote seed 003, or seed 002 with its ``&&`` placeholders? Then it is not clean text."""
    mine = _windows(text)
    spun, placeholder = windows
    return bool(mine & spun) or ("&" in text and bool(mine & placeholder))


def case_texts(exclude: Iterable[str] = ("substitution",)) -> list[tuple[str, str]]:
    """``(label, text)`` of every clean text in the project's cases (inputs of negatives, expected outputs).

    Cases quoting seed 003 (a spun page) or the placeholder-damaged lines of seed 002 are left
    out: their text is not clean.
    """
    windows = _damaged_seed_windows()
    out = []
    cases = ROOT / "tests" / "cases"
    for folder in sorted(p for p in cases.iterdir() if p.is_dir() and p.name not in exclude):
        for kind in CASE_KINDS:
            f = folder / f"{kind}.json"
            if not f.exists():
                continue
            for i, case in enumerate(json.loads(f.read_text(encoding="utf-8"))):
                text = case["input"] if kind == "negative" and "expected" not in case else case["expected"]
                if not quotes_damaged_seed(text, windows):
                    out.append((f"{folder.name}/{kind}/{i}", text))
    return out


def extra_docs(paths: Sequence[str]) -> list[Doc]:
    """Clean text from outside the repository (``--extra-clean``): .txt as is, .html stripped of tags and code."""
    import html
    import re

    docs = []
    for p in paths:
        text = Path(p).read_text(encoding="utf-8")
        if p.endswith((".html", ".htm")):
            text = re.sub(r"(?s)<pre.*?</pre>|<code.*?</code>|<script.*?</script>|<style.*?</style>", "", text)
            text = html.unescape(re.sub(r"<[^>]+>", "", text))
            text = "\n".join(line.strip() for line in text.split("\n") if len(re.findall("[\u4e00-\u9fff]", line)) >= 5)
        for k, chunk in enumerate(_paragraph_chunks(text)):
            docs.append(Doc(f"{Path(p).name}#{k}", chunk, f"extra: {Path(p).name}", False))
    return docs


def corpus() -> list[Doc]:
    docs: list[Doc] = []
    seeds = ROOT / "seeds"
    for name, education in (("001", True), ("002", True), ("000", False)):
        path = next(seeds.glob(f"{name}_*.txt"))
        cleaned = educorpus.clean(path.read_text(encoding="utf-8"), to=None)
        for k, chunk in enumerate(_paragraph_chunks(cleaned)):
            docs.append(Doc(f"seed{name}#{k}", chunk, f"seed {name}", education))
    # The cases are test fixtures, not pages: the boilerplate step's synthetic pages repeat the
    # same bodies under different boilerplate, and the normalize/script cases are sentence
    # fragments (a title, a date line, 'これは，テスト'). So every paragraph counts once, and only
    # cases with running prose (>= PROSE_HAN Han characters after de-duplication) are education
    # documents that get spun copies; the fragments stay clean text for damage and detection.
    seen: set[str] = set()
    prose: list[str] = []
    fragments: list[str] = []
    for _label, text in case_texts():
        lines = []
        for line in text.split("\n"):
            key = line.strip()
            if key and key in seen:
                continue
            seen.add(key)
            lines.append(line)
        text = "\n".join(lines).strip("\n")
        han = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
        if han == 0:
            continue
        (prose if han >= PROSE_HAN else fragments).append(text)
    # joined and split into documents of about 800 characters at paragraph boundaries, like the seeds
    for label, texts, education in (("cases", prose, True), ("case-fragments", fragments, False)):
        for k, chunk in enumerate(_paragraph_chunks("\n".join(texts))):
            docs.append(Doc(f"{label}#{k}", chunk, f"project {label}", education))
    golden = ROOT / "tests" / "peer" / "opencc" / "golden"
    for f in [golden / "input" / "us_constitution_zhs.txt"] + [
        golden / "output" / f"us_constitution_zhs.{c}.txt" for c in ("s2t", "s2tw", "s2hk")
    ]:
        if f.exists():
            for k, chunk in enumerate(_paragraph_chunks(f.read_text(encoding="utf-8"))):
                docs.append(Doc(f"{f.name}#{k}", chunk, "opencc constitution", False))
    # OpenCC's own test sentences (both scripts), joined into documents of about 800 characters
    peer = ROOT / "tests" / "peer" / "opencc"
    sentences: list[str] = []
    tc = peer / "testcases.json"
    if tc.exists():
        import regex

        # the file has trailing commas, which json rejects
        data = json.loads(regex.sub(r",(\s*[\]}])", r"\1", tc.read_text(encoding="utf-8")))
        for case in data["cases"]:
            sentences.append(case["input"])
            sentences.extend(case["expected"].values())
    for f in sorted((peer / "legacy_testcases").glob("*")):
        if f.suffix in (".in", ".ans"):
            sentences.extend(line for line in f.read_text(encoding="utf-8").splitlines() if line.strip())
    for k, chunk in enumerate(_paragraph_chunks("\n".join(dict.fromkeys(sentences)))):
        docs.append(Doc(f"opencc-cases#{k}", chunk, "opencc test sentences", False))
    own = ROOT / "tests" / "cases" / "substitution" / "negative.json"
    if own.exists():
        for i, case in enumerate(json.loads(own.read_text(encoding="utf-8"))):
            docs.append(Doc(f"substitution-negative#{i}", case["input"], "substitution negatives", False))
    return docs


# ---------------------------------------------------------------------------------------------
# what the step's data knows about a spinner replacement


def known_pairs() -> set[tuple[str, str]]:
    """``(original word, spun form)`` pairs the step's tables contain (synonyms and tier a/b rows)."""
    pairs = {(w, f) for w, forms in sub.synonym_swaps().items() for f in forms}
    for r in sub.variant_rules():
        if r.tier in ("a", "b"):
            for (i1, i2, repl) in sub._changes(r.variant, r.canonical):
                pairs.add((repl, r.variant[i1:i2]))
    return pairs


def table_overlap() -> dict:
    known = known_pairs()
    syn = [(w, r) for w, (repls, kind) in spinner_table().items() if kind == "syn" for r in repls]
    shared = sorted(p for p in syn if p in known)
    return {"spinner_syn_pairs": len(syn), "also_in_repair_data": len(shared), "shared": ["→".join(p) for p in shared]}


# ---------------------------------------------------------------------------------------------
# scoring one spun copy


def _original_of(spun: str, subs: Sequence[Substitution], a: int, b: int) -> tuple[int, int, str]:
    """Widen ``a:b`` of the spun text to whole substitutions; return it and the original text there."""
    for s in subs:
        if s.start < b and a < s.end or (a == b and s.start <= a < s.end):
            a, b = min(a, s.start), max(b, s.end)
    parts = []
    i = a
    for s in sorted(subs, key=lambda s: s.start):
        if s.end <= a or s.start >= b:
            continue
        parts.append(spun[i : s.start])
        parts.append(s.original)
        i = s.end
    parts.append(spun[i:b])
    return a, b, "".join(parts)


def score_copy(spun: str, subs: Sequence[Substitution], doc) -> dict:
    edits = [e for e in doc.edits if e.step == "substitution" and e.rule.split("+")[0] in REPAIR_RULES and e.before != e.after]
    correct = 0
    restored: set[int] = set()
    wrong: list[tuple[str, str, str]] = []
    for e in edits:
        p, q = e.position, e.position + len(e.before)
        a, b, original = _original_of(spun, subs, p, q)
        repaired = spun[a:p] + e.after + spun[q:b]
        if repaired == original:
            correct += 1
            for k, s in enumerate(subs):
                if a <= s.start and s.end <= b:
                    restored.add(k)
        else:
            wrong.append((spun[max(0, a - 6) : b + 6], e.before, e.after))
    return {"edits": len(edits), "correct": correct, "restored": restored, "wrong": wrong}


# ---------------------------------------------------------------------------------------------


def evaluate(
    rates: Sequence[float] = (0.8, 0.5),
    seeds: Sequence[int] = (0, 1, 2),
    kinds: Sequence[str] = KINDS,
    heldout_only: bool = False,
    docs: Sequence[Doc] | None = None,
) -> dict:
    docs = corpus() if docs is None else docs
    known = known_pairs()
    table = None
    if heldout_only:
        from educorpus.spinner import spinner_table as _t

        simp = {w: (tuple(r for r in repls if (w, r) not in known), kind) for w, (repls, kind) in _t().items()}
        simp = {w: v for w, v in simp.items() if v[0]}
        import opencc

        s2t = opencc.OpenCC("s2t")
        table = dict(simp)
        for w, (repls, kind) in simp.items():
            tw = s2t.convert(w)
            if tw != w and tw not in table:
                table[tw] = (tuple(s2t.convert(r) for r in repls), kind)

    # damage on clean text
    damage = {"chars": 0, "edits": 0, "flags": 0, "by_source": {}, "examples": []}
    detect = {"clean": 0, "clean_ok": 0, "spun": 0, "spun_ok": 0}
    scores_clean: list[float] = []
    for d in docs:
        out = educorpus.clean_and_explain(d.text, only=["substitution"])
        edits = [e for e in out.edits if e.before != e.after]
        flags = [e for e in out.edits if e.before == e.after]
        src = damage["by_source"].setdefault(d.source, {"chars": 0, "edits": 0, "flags": 0, "docs": 0})
        for bucket in (damage, src):
            bucket["chars"] += len(d.text)
            bucket["edits"] += len(edits)
            bucket["flags"] += len(flags)
        src["docs"] += 1
        damage["examples"] += [(d.name, e.rule, e.before, e.after) for e in edits + flags][:3]
        detect["clean"] += 1
        detect["clean_ok"] += out.scores.get("spun", 0.0) < 0.5
        scores_clean.append(out.scores.get("spun", 0.0))
    for bucket in [damage] + list(damage["by_source"].values()):
        bucket["edits_per_100k"] = round(bucket["edits"] * 100_000 / max(1, bucket["chars"]), 3)
        bucket["flags_per_100k"] = round(bucket["flags"] * 100_000 / max(1, bucket["chars"]), 3)

    # spun copies
    rep = {"edits": 0, "correct": 0, "subs": 0, "subs_known": 0, "restored": 0, "restored_known": 0, "wrong": []}
    by_kind: dict[str, list[int]] = {}
    per_rate: dict[str, dict] = {}
    scores_spun: list[float] = []
    for rate in rates:
        pr = per_rate.setdefault(str(rate), {"spun": 0, "spun_ok": 0, "subs": 0})
        for seed in seeds:
            for i, d in enumerate(d for d in docs if d.spin):
                spun, subs = spin(d.text, rate=rate, seed=seed * 1000 + i, kinds=kinds, table=table)
                if not subs:
                    continue
                out = educorpus.clean_and_explain(spun, only=["substitution"])
                r = score_copy(spun, subs, out)
                rep["edits"] += r["edits"]
                rep["correct"] += r["correct"]
                rep["wrong"] += r["wrong"]
                for k, s in enumerate(subs):
                    pair = (sub.shadow(s.original), sub.shadow(s.replacement))
                    is_known = pair in known
                    rep["subs"] += 1
                    rep["subs_known"] += is_known
                    got = k in r["restored"]
                    rep["restored"] += got
                    rep["restored_known"] += got and is_known
                    kb = by_kind.setdefault(s.kind, [0, 0])
                    kb[0] += 1
                    kb[1] += got
                sc = out.scores.get("spun", 0.0)
                scores_spun.append(sc)
                detect["spun"] += 1
                detect["spun_ok"] += sc >= 0.5
                pr["spun"] += 1
                pr["spun_ok"] += sc >= 0.5
                pr["subs"] += len(subs)
    for pr in per_rate.values():
        pr["detection_recall"] = round(pr["spun_ok"] / max(1, pr["spun"]), 4)
    n_det = detect["clean"] + detect["spun"]
    heldout = rep["subs"] - rep["subs_known"]
    return {
        "documents": {"clean": len(docs), "spun_sources": sum(d.spin for d in docs), "clean_chars": damage["chars"]},
        "spinner": {"rates": list(rates), "seeds": list(seeds), "kinds": list(kinds), "heldout_only": heldout_only},
        "repair": {
            "edits": rep["edits"],
            "correct": rep["correct"],
            "precision": round(rep["correct"] / rep["edits"], 4) if rep["edits"] else None,
            "spinner_substitutions": rep["subs"],
            "recall": round(rep["restored"] / max(1, rep["subs"]), 4),
            "known_substitutions": rep["subs_known"],
            "recall_known": round(rep["restored_known"] / max(1, rep["subs_known"]), 4),
            "heldout_substitutions": heldout,
            "recall_heldout": round((rep["restored"] - rep["restored_known"]) / max(1, heldout), 4),
            "recall_by_kind": {k: round(v[1] / max(1, v[0]), 4) for k, v in sorted(by_kind.items())},
            "wrong_examples": rep["wrong"][:15],
        },
        "damage": {k: v for k, v in damage.items() if k != "examples"} | {"examples": damage["examples"][:15]},
        "detection": {
            "accuracy": round((detect["clean_ok"] + detect["spun_ok"]) / max(1, n_det), 4),
            "balanced_accuracy": round(
                (detect["clean_ok"] / max(1, detect["clean"]) + detect["spun_ok"] / max(1, detect["spun"])) / 2, 4
            ),
            "clean_docs": detect["clean"],
            "clean_scored_low": detect["clean_ok"],
            "spun_docs": detect["spun"],
            "spun_scored_high": detect["spun_ok"],
            "max_clean_score": max(scores_clean) if scores_clean else None,
            "min_spun_score": min(scores_spun) if scores_spun else None,
            "per_rate": per_rate,
        },
    }


def seed_checks() -> dict:
    """The acceptance items on the seeds, as numbers."""
    out = {}
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        doc = educorpus.clean_and_explain(raw, to=None)
        edits = [e for e in doc.edits if e.step == "substitution" and e.before != e.after]
        out[path.name[:3]] = {
            "spun": doc.scores.get("spun"),
            "edits": len(edits),
            "edits_by_rule": _count(e.rule for e in edits),
            "flags": [f for f in doc.meta.get("flags", []) if f in _FLAG_RULES],
        }
    return out


_FLAG_RULES = {"title-mismatch", "number-vs-title", "place-vs-title", "amount-implausible", "year-span-mismatch", "suspect-antonym", "suspect-term"}


def _count(items: Iterable[str]) -> dict[str, int]:
    c: dict[str, int] = {}
    for i in items:
        c[i] = c.get(i, 0) + 1
    return dict(sorted(c.items()))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rates", type=float, nargs="+", default=[0.8, 0.5, 0.3], help="spinner rates; the first is the headline")
    ap.add_argument("--seeds", type=int, default=5, help="spun copies per document and rate")
    ap.add_argument(
        "--first-seed", type=int, default=0, metavar="N",
        help="spinner seeds N .. N+seeds-1 (default 0: the reported figures); tune on other seeds, e.g. --first-seed 5",
    )
    ap.add_argument("--extra-clean", nargs="*", default=[], metavar="FILE", help="more clean text (.txt, or .html stripped of markup) for damage and detection")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.time()
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    docs = corpus() + extra_docs(args.extra_clean)
    head = args.rates[0]
    result = {
        "table_overlap": table_overlap(),
        "seeds": seed_checks(),
        "by_rate": {str(r): evaluate((r,), seeds, docs=docs) for r in args.rates},
        "synonyms_only": evaluate((head,), seeds, kinds=("syn",), docs=docs),
        "heldout_only": evaluate((head,), seeds, heldout_only=True, docs=docs),
    }
    result["seconds"] = round(time.time() - t0, 1)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    ov = result["table_overlap"]
    print(f"spinner table: {ov['spinner_syn_pairs']} synonym pairs, {ov['also_in_repair_data']} also in the repair data: {' '.join(ov['shared'])}")
    for name, s in result["seeds"].items():
        print(f"seed {name}: spun={s['spun']} substitution edits={s['edits']} {s['edits_by_rule']} flags={s['flags']}")
    first = result["by_rate"][str(head)]
    dm = first["damage"]
    print(f"\nclean text: {first['documents']['clean']} documents, {dm['chars']} characters")
    print(f"damage: {dm['edits_per_100k']} substitution edits per 100k characters ({dm['edits']} edits); flags {dm['flags_per_100k']} per 100k ({dm['flags']})")
    for src, b in dm["by_source"].items():
        print(f"   {src}: {b['docs']} docs, {b['chars']} chars, {b['edits']} edits, {b['flags']} flags")
    if dm["examples"]:
        print("   edits/flags on clean text:", dm["examples"][:10])
    rows = [(f"full spinner, rate {r}", v) for r, v in result["by_rate"].items()]
    rows += [(f"synonyms only, rate {head}", result["synonyms_only"]), (f"held-out pairs only, rate {head}", result["heldout_only"])]
    print(f"\n{'spinner':34} {'copies':>6} {'prec':>6} {'repairs':>8} {'recall':>7} {'r.known':>8} {'r.held':>7} {'det.acc':>8} {'balanced':>8} {'spun>=.5':>9}")
    for label, r in rows:
        rp, dt = r["repair"], r["detection"]
        prec = "-" if rp["precision"] is None else f"{rp['precision']:.3f}"
        print(
            f"{label:34} {dt['spun_docs']:>6} {prec:>6} {rp['correct']:>3}/{rp['edits']:<4} {rp['recall']:>7.3f} "
            f"{rp['recall_known']:>8.3f} {rp['recall_heldout']:>7.3f} {dt['accuracy']:>8.3f} {dt['balanced_accuracy']:>8.3f} "
            f"{dt['spun_scored_high']:>4}/{dt['spun_docs']:<4}"
        )
    print("(recall: of all spinner substitutions; r.known: of those whose pair is in the repair data; r.held: the others)")
    for label, r in rows:
        if r["repair"]["wrong_examples"]:
            print(f"wrong repairs, {label}:", r["repair"]["wrong_examples"][:5])
    print(f"\n({result['seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
