"""The substitution step on the seeds, its score and options, and the evaluation floors.

The floors are computed by the evaluation harness (bench/eval_substitution.py) on a reduced
configuration (spinner rate 0.8, two seeds), so a change that makes repairs less precise, damages
clean text or stops detecting spun copies fails here.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys

import pytest

import educorpus
from educorpus import CleanConfig
from educorpus.cleaners import substitution as sub

from .conftest import ROOT


def _load(name: str):
    path = ROOT / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def harness():
    return _load("eval_substitution")


def _sub_edits(doc):
    return [e for e in doc.edits if e.step == "substitution" and e.before != e.after]


def _flags(doc, rule):
    return [e.before for e in doc.edits if e.step == "substitution" and e.rule == rule and e.before == e.after]


# ---------------------------------------------------------------------------------------------
# seed 003: the spun page


@pytest.fixture(scope="module")
def seed003(seeds):
    raw = seeds["003_7e4ad0116b8f5bc5.txt"]
    return raw, educorpus.clean_and_explain(raw, to=None)


@pytest.mark.parametrize("variant", ["花园共育", "医德师风", "少将额", "良好颓势", "打导致", "安装工程"])
def test_seed003_tier_a_variants_are_gone(seed003, variant):
    raw, doc = seed003
    assert variant in raw
    assert variant not in doc.text


def test_seed003_repairs_read_as_the_policy_phrases(seed003):
    _raw, doc = seed003
    for phrase in ("家园共育基地园", "师德师风建设", "大班额、超标准班额", "良好态势", "打造成优质", "学位充足供给工程"):
        assert phrase in doc.text, phrase


def test_seed003_spam_and_markers_are_gone(seed003):
    raw, doc = seed003
    assert raw.count("2023农村中小学远程教育资源网") == 2
    assert "资源网" not in doc.text
    assert "#" not in doc.text
    assert "为首席学院，确立以联合教研为重点" in doc.text


def test_seed003_is_scored_spun(seed003):
    _raw, doc = seed003
    assert doc.scores["spun"] >= 0.95


def test_seed003_title_and_city_inconsistencies_are_flagged(seed003):
    _raw, doc = seed003
    # the body restates the title 日照市基础教育质量提升三年行动计划 as …品质提高五年…: 品质 is
    # repaired (tier b), the rest is flagged, not guessed
    assert "number-vs-title" in doc.meta["flags"] and "title-mismatch" in doc.meta["flags"]
    assert _flags(doc, "number-vs-title") == ["五年"]
    assert _flags(doc, "title-mismatch") == ["提高"]
    assert "year-span-mismatch" in doc.meta["flags"]
    # 淄博 issuing a 日照 plan
    assert "淄博" in _flags(doc, "place-vs-title")
    assert "22.5万元" in _flags(doc, "amount-implausible")
    # antonyms: 公办…占比不高于50% (a floor turned into a ceiling), 标准低于“省标”
    assert {"不高于", "低于"} <= set(_flags(doc, "suspect-antonym"))
    assert doc.scores["substitution_flags"] >= 5


def test_seed003_flags_with_a_title_from_metadata(seeds):
    # once the boilerplate step fills meta["title"], the step uses it (here: given directly)
    raw = seeds["003_7e4ad0116b8f5bc5.txt"]
    body = raw[raw.index("近期") :]
    from educorpus.document import StepContext

    ctx = StepContext(CleanConfig(), {"title": "日照市基础教育质量提升三年行动计划(2023—2025年)", "flags": []}, {})
    ctx.begin("substitution", body)
    sub.run(body, ctx)
    assert {"place-vs-title", "number-vs-title", "title-mismatch"} <= set(ctx.meta["flags"])


# ---------------------------------------------------------------------------------------------
# seed 002: placeholders; seeds 001/002 and clean cases: nothing else


def test_seed002_placeholders_in_the_page_script(seeds):
    raw = seeds["002_bbc10d50080da167.txt"]
    assert raw.count("&&") == 5 and raw.count("舞&") == 1
    doc = educorpus.clean_and_explain(raw, to=None)
    assert "&" not in doc.text
    assert doc.text.count("平臺") == 5 and "舞臺" in doc.text
    rules = sorted(e.rule for e in _sub_edits(doc))
    assert rules == ["placeholder-platform"] * 5 + ["placeholder-tai"]


@pytest.mark.skipif("script" not in educorpus.STEPS, reason="needs the script step")
@pytest.mark.parametrize("to,platform,stage", [("hans", "平台", "舞台"), ("hant", "平臺", "舞臺")])
def test_seed002_placeholders_follow_the_target_script(seeds, to, platform, stage):
    text = educorpus.clean(seeds["002_bbc10d50080da167.txt"], to=to)
    assert text.count(platform) >= 5 and stage in text and "&" not in text


@pytest.mark.parametrize("name", ["001_66d2ff1b538386e8.txt", "002_bbc10d50080da167.txt", "000_92af0b51e8934e6d.txt"])
def test_clean_seeds_score_low_and_get_no_spun_repairs(seeds, name):
    doc = educorpus.clean_and_explain(seeds[name], to=None)
    assert doc.scores["spun"] < 0.1
    assert [e for e in _sub_edits(doc) if not e.rule.startswith("placeholder-")] == []
    assert doc.scores["substitution_flags"] == 0
    # and once cleaned, the step has nothing left to do at all
    again = educorpus.clean_and_explain(doc.text, only=["substitution"])
    assert again.edits == [] and again.scores["spun"] < 0.1


def test_project_clean_cases_get_no_substitution_edits(harness):
    texts = harness.case_texts()
    assert texts
    for label, text in texts:
        doc = educorpus.clean_and_explain(text, only=["substitution"])
        assert doc.edits == [], label
        assert doc.scores["spun"] < 0.5, label


# ---------------------------------------------------------------------------------------------
# score and options


def test_spun_score_is_a_probability_and_orders_pages(seeds):
    scores = {n: educorpus.clean_and_explain(t, only=["substitution"]).scores["spun"] for n, t in seeds.items()}
    assert all(0.0 <= s <= 1.0 for s in scores.values())
    assert scores["003_7e4ad0116b8f5bc5.txt"] > 0.9 > 0.1 > max(v for k, v in scores.items() if not k.startswith("003"))


SPUN_PARAGRAPH = "全市起码4个区县达到标准,努力办妥人民满意的教育。"


def test_threshold_gates_only_the_plausible_repairs():
    text = SPUN_PARAGRAPH + "强化医德师风建设。"
    score = educorpus.clean_and_explain(text, only=["substitution"]).scores["spun"]
    assert 0.5 < score < 1.0
    low = educorpus.clean(text, only=["substitution"], config=CleanConfig(spun_threshold=0.5))
    high = educorpus.clean(text, only=["substitution"], config=CleanConfig(spun_threshold=1.0))
    assert low == "全市至少4个区县达到标准,努力办好人民满意的教育。强化师德师风建设。"
    assert high == "全市起码4个区县达到标准,努力办妥人民满意的教育。强化师德师风建设。"  # tier a still


def test_threshold_option_is_validated_and_round_trips():
    cfg = CleanConfig(spun_threshold=0.8)
    assert CleanConfig.from_dict(cfg.to_dict()) == cfg
    assert cfg.fingerprint() != CleanConfig().fingerprint()
    with pytest.raises(ValueError, match="spun_threshold"):
        CleanConfig(spun_threshold=1.5)


def test_clean_batch_reports_the_spun_score(seeds):
    out = educorpus.clean_batch({"text": [seeds["003_7e4ad0116b8f5bc5.txt"], seeds["001_66d2ff1b538386e8.txt"]]})
    assert out["spun_score"][0] > 0.9 > 0.1 > out["spun_score"][1]


def test_every_edit_and_flag_replays(seeds):
    for name, raw in seeds.items():
        doc = educorpus.clean_and_explain(raw, only=["substitution"])
        assert doc.replay(raw) == doc.text, name
        for e in doc.edits:
            assert raw[e.position : e.position + len(e.before)] == e.before, (name, e)


def test_rule_names_are_stable_kebab_case(seeds):
    rules = {e.rule for raw in seeds.values() for e in educorpus.clean_and_explain(raw, only=["substitution"]).edits}
    assert rules
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", r) for r in rules), rules


def test_data_validates():
    problems = _load("validate_substitution_data").validate()
    assert problems == []


# ---------------------------------------------------------------------------------------------
# the evaluation floors


@pytest.fixture(scope="module")
def evaluation(harness):
    return harness.evaluate(rates=(0.8,), seeds=(0, 1))


def test_harness_repair_precision_floor(evaluation):
    r = evaluation["repair"]
    assert r["edits"] >= 50  # enough repairs to measure
    assert r["precision"] >= 0.95, r["wrong_examples"]


def test_harness_damage_on_clean_text_floor(evaluation):
    d = evaluation["damage"]
    assert d["chars"] >= 50_000
    assert d["edits_per_100k"] <= 1.0, d["examples"]


def test_harness_detection_floor(evaluation):
    # measured 0.979 (balanced 0.953) in this reduced configuration, 0.979 (0.975) with five
    # copies (bench/eval_substitution.py); the floor is the target
    assert evaluation["detection"]["accuracy"] >= 0.95
    assert evaluation["detection"]["balanced_accuracy"] >= 0.93


def test_one_piece_of_evidence_never_decides_two_do():
    # one spun word, one plausible phrase or one never-legitimate variant alone stays below the
    # threshold; two that agree go over it
    for text in ("提高教育品质。", "努力办妥人民满意的教育。", "强化医德师风建设。"):
        assert sub.spun_score(text) < 0.5, text
    for text in ("提高教育品质，起码确立一个机制。", "强化医德师风建设，努力办妥人民满意的教育。"):
        assert sub.spun_score(text) >= 0.5, text


def test_a_spun_word_inside_a_spun_phrase_counts_once():
    # 办妥 is both a swap pair (办好/办妥) and the spun place in 办妥人民满意的教育
    ev = sub.spun_evidence("努力办妥人民满意的教育。")
    assert ev.plausible == 1 and ev.swaps == 0.0


def test_harness_recall_floor(evaluation):
    # measured 0.32 on substitutions the data knows and 0.056 overall (held-out ones are not
    # repaired by design); the floors catch a regression, not a target
    r = evaluation["repair"]
    assert r["recall_known"] >= 0.28
    assert r["recall"] >= 0.045


def test_harness_spinner_is_not_the_inverse_of_the_repair_tables(harness):
    overlap = harness.table_overlap()
    assert overlap["also_in_repair_data"] < overlap["spinner_syn_pairs"] / 2


def test_harness_json_output_is_valid(harness, capsys):
    assert harness.main(["--json", "--seeds", "1", "--rates", "0.8"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"table_overlap", "seeds", "by_rate", "synonyms_only", "heldout_only"}


def test_a_spun_form_of_two_canonical_words_is_not_guessed():
    # 体制 is what spinners make of 制度 and of 体系 (and of 机制): in a spun page 帮扶体制 may be
    # 帮扶制度 or 帮扶机制 (seed 002 has 建立薄弱園幫扶機制), so it stays
    text = SPUN_PARAGRAPH + "建立薄弱园帮扶体制。"
    out = educorpus.clean(text, only=["substitution"], config=CleanConfig(spun_threshold=0.5))
    assert "至少" in out and "帮扶体制" in out
