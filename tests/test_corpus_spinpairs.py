"""Mining spin substitutions from spun copies with a clean sibling (scripts/mine_spin_pairs.py)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from educorpus.corpus.spinpairs import aligned_differences

ROOT = Path(__file__).resolve().parent.parent
CLEAN = (
    "为着力解决我市基础教育发展不平衡不充分问题，持续扩大优质教育资源供给，推动基础教育质量提升，办好人民满意的教育。\n"
    "全面落实立德树人根本任务，推进办学体制机制改革，提升办学质量，推动构建幼有善育、学有优教的基础教育高质量发展体系。\n"
    "到2025年，全市所有区县达到学前教育普及普惠县标准，至少4个区县达到义务教育优质均衡发展县创建标准。"
)
SPIN = {"质量": "品质", "办好": "办妥", "推动": "促使", "至少": "起码"}


def spun(text: str) -> str:
    for a, b in SPIN.items():
        text = text.replace(a, b)
    return text.replace("均衡发展", "均衡发展2023农村中小学远程教育资源网", 1)


def load_script():
    spec = importlib.util.spec_from_file_location("mine_spin_pairs", ROOT / "scripts" / "mine_spin_pairs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_aligned_differences_find_the_substitutions_and_the_spam():
    found = {(d.kind, d.clean, d.spun) for d in aligned_differences(CLEAN, spun(CLEAN))}
    for a, b in SPIN.items():
        assert ("replace", a, b) in found
    assert ("insert", "", "2023农村中小学远程教育资源网") in found


def test_identical_texts_have_no_differences():
    assert aligned_differences(CLEAN, CLEAN) == []


def test_script_mines_pairs_from_records(tmp_path):
    lines = [
        {"id": "clean", "text": CLEAN, "spun_score": 0.0, "published": "2023-06-02"},
        {"id": "spun", "text": spun(CLEAN), "spun_score": 0.9, "published": "2023-06-01"},
        {"id": "other", "text": "乳山市第一实验小学开展读书节活动，全校师生共读经典，学校还评选了书香班级和阅读之星。", "spun_score": 0.9},
    ]
    src = tmp_path / "records.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8")
    out = tmp_path / "candidates.tsv"
    assert load_script().main([str(src), "-o", str(out)]) == 0
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0] == ["kind", "clean", "spun", "pairs", "count", "example"]
    got = {(r[0], r[1], r[2]) for r in rows[1:]}
    assert ("replace", "质量", "品质") in got and ("replace", "至少", "起码") in got
    assert all(r[3] == "1" for r in rows[1:])  # one pair
