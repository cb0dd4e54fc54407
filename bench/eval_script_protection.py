"""Compare ways of converting simplified to traditional across word boundaries.

    PYTHONPATH=src python bench/eval_script_protection.py

(a) OpenCC alone; (b) OpenCC with educorpus's protected terms (what ``convert_script`` does);
(c) word by word after jieba segmentation (jieba's default dictionary, HMM on; each word
converted by OpenCC on its own); (d) jieba words, then OpenCC with protected terms inside each.
Prints, for s2t, s2tw and s2hk: sentences right out of tests/data/script_sentences.json, OpenCC's
own test cases (tests/peer/opencc/testcases.json + legacy) right, and throughput on the simplified
seed pages. The sentence set was written together with the protected list (many sentences test a
protected term), so it favours (b); OpenCC's cases are independent of both.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from educorpus.cleaners.script import _converter, _separator, convert_script

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {"s2t": "hant", "s2tw": "tw", "s2hk": "hk"}

_tok = None


def _tokenizer():
    global _tok
    if _tok is None:
        import jieba

        jieba.setLogLevel(60)
        _tok = jieba.Tokenizer()
        _tok.initialize()
    return _tok


def words_then(convert):
    def run(text: str, cfg: str) -> str:
        words = _tokenizer().lcut(text)
        sep = _separator(text)
        out = convert(sep.join(words), cfg).split(sep)
        return "".join(out)

    return run


def opencc_alone(text: str, cfg: str) -> str:
    return _converter(cfg).convert(text)


METHODS = {
    "OpenCC alone": opencc_alone,
    "OpenCC + protected terms": convert_script,
    "jieba words, OpenCC each": words_then(opencc_alone),
    "jieba words + protected terms": words_then(convert_script),
}


def opencc_cases():
    text = (ROOT / "tests/peer/opencc/testcases.json").read_text(encoding="utf-8")
    data = json.loads(re.sub(r",(\s*[\]}])", r"\1", text))
    cases = [(c["input"], cfg, exp) for c in data["cases"] for cfg, exp in c["expected"].items() if cfg in CONFIGS]
    for f in sorted((ROOT / "tests/peer/opencc/legacy_testcases").glob("*.in")):
        if f.stem in CONFIGS:
            ins = f.read_text(encoding="utf-8").split("\n")
            ans = f.with_suffix(".ans").read_text(encoding="utf-8").split("\n")
            cases += [(a, f.stem, b) for a, b in zip(ins, ans) if a or b]
    return cases


def main() -> None:
    sentences = json.loads((ROOT / "tests/data/script_sentences.json").read_text(encoding="utf-8"))["sentences"]
    cases = opencc_cases()
    pages = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    simplified = [p for p in pages if convert_script(p, "t2s") == p]
    size = sum(len(p.encode("utf-8")) for p in simplified) / 1e6
    print(f"{len(sentences)} sentences x {len(CONFIGS)} configs; {len(cases)} OpenCC cases for {', '.join(CONFIGS)}")
    for name, fn in METHODS.items():
        right = sum(fn(s["hans"], cfg) == s[target] for s in sentences for cfg, target in CONFIGS.items())
        ok = sum(fn(i, cfg) == e for i, cfg, e in cases)
        dt = float("inf")
        for _ in range(5 if "jieba" not in name else 1):  # best of a few runs: the machine is shared
            t = time.perf_counter()
            for p in simplified:
                fn(p, "s2t")
            dt = min(dt, time.perf_counter() - t)
        print(
            f"{name:30s} sentences {right}/{len(sentences) * len(CONFIGS)}"
            f"  OpenCC cases {ok}/{len(cases)}  s2t {size / dt:5.1f} MB/s"
        )


if __name__ == "__main__":
    main()
