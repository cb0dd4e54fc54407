"""Quality filters: each drops what it names, with the measure; real pages pass them all."""

from __future__ import annotations

import pytest

import educorpus
from educorpus.corpus import CorpusOptions, run_corpus_steps
from educorpus.corpus.quality import QualityFilter

ARTICLE = (
    "乳山市认真贯彻办好人民满意的教育部署要求，坚持公平为先、质量为重，全力将办好每一所学校的理念贯穿义务教育优质均衡发展全过程。\n"
    "乳山市坚持科教兴市、教育优先发展战略，把义务教育均衡发展纳入经济社会发展总体规划，先后出台多项文件。\n"
    "同时，成立由市级领导牵头，教体、科技、财政等19个部门主要负责同志参与的市委教育工作领导小组。"
)


def verdict(text: str, **options) -> tuple[str | None, dict]:
    record = {"id": "r", "text": text, "spun_score": options.pop("spun_score", 0.0)}
    out = QualityFilter(CorpusOptions(**options)).apply(record)
    return (None, {}) if out is record else (out.reason, out.detail)


def test_a_real_article_passes():
    assert verdict(ARTICLE) == (None, {})


def test_seed_pages_pass_raw_and_cleaned(seeds):
    for name, raw in seeds.items():
        assert verdict(raw) == (None, {}), name
        assert verdict(educorpus.clean(raw)) == (None, {}), name


@pytest.mark.parametrize(
    "text, reason",
    [
        ("关于开学时间的通知：2月26日开学。", "too-short"),
        ("Ministry of Education notice: the autumn term begins on 1 September 2024 for all schools. " * 3 + "教育部通知", "low-chinese-ratio"),
        ("欢迎访问乳山市教育和体育局网站\n" * 12 + ARTICLE.split("\n")[0], "repetitive"),
        ("点击这里领取免费学习资料" * 30 + ARTICLE.split("\n")[0], "repetitive"),
        (ARTICLE.replace("教育", "锟斤拷"), "mojibake"),
        (ARTICLE.replace("教育", "\ufffd\ufffd"), "mojibake"),
    ],
)
def test_each_filter_names_its_reason(text, reason):
    got, detail = verdict(text)
    assert got == reason, detail
    assert detail  # the measured value and the threshold


def test_detail_holds_value_and_threshold():
    reason, detail = verdict("太短了")
    assert (reason, detail) == ("too-short", {"chars": 3, "min_chars": 50})


def test_filters_can_be_turned_off():
    assert verdict("关于开学时间的通知：2月26日开学。", min_chars=None) == (None, {})
    assert verdict(ARTICLE.replace("教育", "锟斤拷"), max_mojibake_ratio=None) == (None, {})


def test_spun_filter_is_off_by_default_and_can_be_turned_on():
    assert verdict(ARTICLE, spun_score=0.95) == (None, {})
    assert verdict(ARTICLE, spun_score=0.95, max_spun_score=0.8)[0] == "spun"
    assert verdict(ARTICLE, spun_score=0.5, max_spun_score=0.8) == (None, {})


def test_a_little_mojibake_is_tolerated():
    # one unrecoverable character in a long article: the page is still worth keeping
    assert verdict(ARTICLE.replace("财政", "财\ufffd", 1)) == (None, {})


def test_runner_reports_exclusions_with_step_and_reason():
    records = [{"id": "a", "text": ARTICLE}, {"id": "b", "text": "太短了"}]
    kept, excluded, stats = run_corpus_steps(records, [QualityFilter()])
    assert [r["id"] for r in kept] == ["a"]
    assert excluded == [{"id": "b", "step": "quality", "reason": "too-short", "detail": {"chars": 3, "min_chars": 50}}]
    assert stats["quality"]["excluded"] == {"too-short": 1} and stats["quality"]["kept"] == 1
