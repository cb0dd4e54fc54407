"""A seed-derived corpus of configurable size, deterministic for a given ``seed``.

Every page is built from ``seeds/``: a header and a footer taken from one seed (publication
line, source, share buttons, ICP/licence/report blocks, ``【糾錯】 責任編輯``, ``标签: 推荐``...),
a body of paragraphs sampled from a main seed and mixed with paragraphs of others (machine-spun
paragraphs of seed 003 included at their natural rate or more), and a unique notice line. Then,
with per-page variation:

- script: the whole page converted with OpenCC to traditional (``s2t``) or simplified (``t2s``),
  or left as the seeds have it (so mixed pages occur);
- numbers and dates changed; full-width ``，：！；`` folded to ASCII;
- pinyin notes ``質(zhì)`` glued after characters (the character/reading pairs of seed 000);
- GBK byte-misalignment mojibake runs copied verbatim from seed 000 (``高興?!弊筒┦凶痛▍^(qū)``);
- ``&&`` for 平台/平臺 (and ``&`` for 台/臺) as in seed 002;
- spun paragraphs with ``#`` paragraph markers from seed 003.

Not handled: Latin-1/UTF-8 mojibake (the seeds have none), HTML, non-education pages.

    from corpus_gen import generate_pages
    pages = generate_pages(mb=8, seed=7)          # list of str, about 8 MB of UTF-8
    python bench/corpus_gen.py --mb 1 --out corpus.jsonl
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# how many leading/trailing non-blank lines of each seed are header/footer (read off the seeds)
_HEAD_FOOT = {
    "000": (2, 9),
    "001": (3, 18),
    "002": (5, 1),
    "003": (5, 2),
}
_PINYIN_NOTE = re.compile(r"([\u4e00-\u9fff])\(([a-zü\u00e0-\u01dc]+)\)")
# a GBK misalignment run of seed 000: a few characters before the lost byte (shown as ?), the
# run of wrongly paired characters after it
_MOJIBAKE_RUN = re.compile(r"[^\s,，。“”]{1,3}\?[!\"“”]?[^\s,，。]{2,14}")
_DIGITS = re.compile(r"\d+")
_ASCII_FOLD = str.maketrans({"，": ",", "：": ":", "！": "!", "；": ";"})


@functools.lru_cache(maxsize=None)
def _seed_parts() -> tuple[dict, ...]:
    parts = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        head, foot = _HEAD_FOOT.get(path.name[:3], (1, 1))
        parts.append(
            {
                "name": path.name[:3],
                "head": lines[:head],
                "body": lines[head : len(lines) - foot],
                "foot": lines[len(lines) - foot :],
            }
        )
    return tuple(parts)


@functools.lru_cache(maxsize=None)
def _seed000_damage() -> tuple[dict[str, str], tuple[str, ...]]:
    text = (SEEDS / "000_92af0b51e8934e6d.txt").read_text(encoding="utf-8")
    notes: dict[str, str] = {}
    for ch, note in _PINYIN_NOTE.findall(text):
        notes.setdefault(ch, note)
    runs = tuple(dict.fromkeys(m.group(0) for m in _MOJIBAKE_RUN.finditer(text)))
    return notes, runs


@functools.lru_cache(maxsize=None)
def _converters():
    import opencc

    return opencc.OpenCC("s2t"), opencc.OpenCC("t2s")


def make_page(rng: random.Random, i: int) -> str:
    """One page; ``i`` makes its notice line unique."""
    seeds = _seed_parts()
    notes, runs = _seed000_damage()
    s2t, t2s = _converters()
    frame = seeds[rng.randrange(len(seeds))]
    main = seeds[rng.randrange(len(seeds))]
    body = main["body"]
    start = rng.randrange(max(1, len(body) // 3))
    lines = body[start : start + rng.randint(6, max(6, len(body)))]
    for other in rng.sample(seeds, k=rng.randint(0, 2)):
        lines = lines + rng.sample(other["body"], k=min(len(other["body"]), rng.randint(1, 5)))
    if rng.random() < 0.25:  # a page that is mostly spun text
        spun = seeds[-1]["body"]
        lines = lines + rng.sample(spun, k=min(len(spun), rng.randint(4, 12)))
    if rng.random() < 0.3:
        rng.shuffle(lines)
    lines = [_DIGITS.sub(lambda m: str(rng.randint(1, 2030)), ln) if rng.random() < 0.3 else ln for ln in lines]
    notice = f"第{i}号通知：{2018 + i % 7}年{i % 12 + 1}月{i % 28 + 1}日，关于第{i}批教育项目的安排"
    page = "\n\n".join([*frame["head"], notice, *lines, *frame["foot"]])

    r = rng.random()
    if r < 0.4:
        page = s2t.convert(page)
    elif r < 0.8:
        page = t2s.convert(page)
    if rng.random() < 0.5:
        page = page.translate(_ASCII_FOLD)
    if rng.random() < 0.3:  # pinyin notes after some characters that have one in seed 000
        rate = rng.uniform(0.05, 0.4)
        page = "".join(
            ch + f"({notes[ch]})" if ch in notes and rng.random() < rate else ch for ch in page
        )
    if rng.random() < 0.25:  # mojibake runs at sentence ends
        parts = page.split("。")
        for _ in range(rng.randint(1, 4)):
            k = rng.randrange(len(parts))
            parts[k] = parts[k] + runs[rng.randrange(len(runs))]
        page = "。".join(parts)
    if rng.random() < 0.2:
        page = page.replace("平台", "&&").replace("平臺", "&&")
        if rng.random() < 0.5:
            page = page.replace("舞台", "舞&").replace("舞臺", "舞&")
    return page + "\n"


def iter_pages(seed: int = 7) -> Iterator[str]:
    """An endless, deterministic stream of pages."""
    rng = random.Random(seed)
    i = 0
    while True:
        yield make_page(rng, i)
        i += 1


def generate_pages(mb: float, seed: int = 7) -> list[str]:
    """Pages totalling about ``mb`` MB (10**6 bytes) of UTF-8."""
    target = int(mb * 1_000_000)
    out, size = [], 0
    for page in iter_pages(seed):
        if size >= target:
            break
        out.append(page)
        size += len(page.encode("utf-8"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True, help="JSON Lines file with one {'text', 'url'} per page")
    args = ap.parse_args()
    with open(args.out, "w", encoding="utf-8") as fh:
        for i, text in enumerate(generate_pages(args.mb, args.seed)):
            url = f"http://www.school{i % 50}.edu.cn/news/{i}.html"
            fh.write(json.dumps({"text": text, "url": url}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
