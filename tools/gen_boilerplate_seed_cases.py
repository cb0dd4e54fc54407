"""Write the seed pages' reviewed labels as cases of the boilerplate step.

The labels below were reviewed line by line (line numbers of ``text.split("\\n")``): they are the
truth, not the step's output. Seeds the step gets fully right go to in-the-wild.json; a seed with
a known miss goes to known-failures.json (strict xfail) with the reason, so that fixing it shows.

Usage: PYTHONPATH=src python tools/gen_boilerplate_seed_cases.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from educorpus.cleaners.boilerplate import drop_spans  # noqa: E402
from educorpus.document import apply_spans  # noqa: E402

CASES = ROOT / "tests" / "cases" / "boilerplate"

SEEDS = {
    "000_92af0b51e8934e6d.txt": {
        "label": "seed 000 (Zibo, traditional, pinyin notes and GBK runs left for other steps): title, source, file-photo mark, photo captions, reporter, tags and hot lists go",
        # 0 title, 2 source, 9 (資料圖), 15 21 29 33 43 51 57 59 photo captions, 63 reporter,
        # 65 correspondents, 67 tag line, 69 75 hot-list words, 71 73 `更多》` links
        "drop": [0, 2, 9, 15, 21, 29, 33, 43, 51, 57, 59, 63, 65, 67, 69, 71, 73, 75],
        "meta": {
            "title": "權(quán)威發(fā)布 | 淄博:聚力擴優(yōu)提質(zhì) 基礎(chǔ)教育發(fā)展再“加速”",
            "published": None, "source": "新聊齋", "author": "齊文華", "editor": None,
        },
        "why": "three photo captions stay: line 29 reads like a paragraph (it ends in `!`), line 21 starts like a heading (建立…), line 51 is a `label:text` line; the caption rules leave such lines alone so that headings and notices never lose a line",
    },
    "001_66d2ff1b538386e8.txt": {
        "label": "seed 001 (Rushan): header meta and share button, the whole footer (credits, related, ICP, licences, report lines, copyright, WeChat/Weibo blocks) go; all sections stay",
        "drop": [0, 1, 2, 58, 60, 62, 64, 66, 68, 69, 70, 71, 72, 73, 74, 76, 77, 79, 80, 82, 83, 85, 86],
        "meta": {
            "title": "乳山全力推进义务教育优质均衡发展 打造特色优势",
            "published": "2024-05-21T15:56", "source": "山东教育新闻网", "author": "徐明", "editor": "王骄",
        },
    },
    "002_bbc10d50080da167.txt": {
        "label": "seed 002 (Yinchuan, traditional): title with -新華網 suffix and its duplicate, date, source, 【糾錯】 editor line go",
        "drop": [0, 2, 4, 5, 63],
        "meta": {
            "title": "聽“銀”説丨銀川市教育局:全面統籌教育配比 助推教育高質量發展",
            "published": "2024-10-17T15:21:26", "source": "銀川市教育局", "author": None, "editor": "張潔龍",
        },
    },
    "003_7e4ad0116b8f5bc5.txt": {
        "label": "seed 003 (Rizhao, spun copy): ad header, breadcrumb, title, date/source line and footer go; the split first sentence and the # markers stay",
        "drop": [0, 1, 3, 5, 163, 165],
        "meta": {
            # 来源:网络 作者:佚名 责编:admin state nothing
            "title": "日照市基础教育质量提升三年行动计划(2023—2025年)",
            "published": "2023-06-02", "source": None, "author": None, "editor": None,
        },
    },
}


_A = "近年来，全市教育系统坚持立德树人根本任务，深入推进教育综合改革，教育教学质量稳步提升。"
_LONE_NAME = "\n\n".join([
    _A, "强化顶层设计，狠抓责任落实", _A, "加大财政投入，改善办学条件", _A,
    "乳山市第一实验小学", _A + "该校是我市第一所省级规范化学校。",
])
# known failures that are not seeds: input, expected, why
KNOWN = [
    {
        "label": "a lone school name introducing a paragraph, in an article with two-clause headings, is taken for a photo caption",
        "input": _LONE_NAME,
        "expected": _LONE_NAME,
        "why": "caption-off-style cannot tell a lone name line that belongs to the text from a caption naming the school in a photo",
    },
]


def case(name: str, spec: dict) -> dict:
    text = (ROOT / "seeds" / name).read_text(encoding="utf-8")
    expected = apply_spans(text, drop_spans(text, {i: "x" for i in spec["drop"]}))
    out = {"label": spec["label"], "seed": name, "input": text, "expected": expected, "meta": spec["meta"]}
    if "why" in spec:
        out["why"] = spec["why"]
    return out


def main() -> None:
    wild = [case(n, s) for n, s in SEEDS.items() if "why" not in s]
    known = [case(n, s) for n, s in SEEDS.items() if "why" in s] + KNOWN
    for fname, cases in (("in-the-wild.json", wild), ("known-failures.json", known)):
        (CASES / fname).write_text(
            "[\n" + ",\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\n]\n", encoding="utf-8"
        )
        print(f"{len(cases)} cases -> {CASES / fname}")


if __name__ == "__main__":
    main()
