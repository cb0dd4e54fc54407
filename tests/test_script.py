"""The ``script`` step: detection, conversion with protection, the edit log, and the sentence set.

``tests/data/script_sentences.json`` holds sentences of education writing in simplified, standard
traditional (OpenCC's glyphs), Taiwan and Hong Kong forms; they must convert correctly in both
directions, through ``convert_script`` (OpenCC config names) and through the step (``to=``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import educorpus
from educorpus import convert_script
from educorpus.cleaners import script
from educorpus.cleaners.script import detect_script, to_script

DATA = json.loads((Path(__file__).parent / "data" / "script_sentences.json").read_text(encoding="utf-8"))
SENTENCES = DATA["sentences"]
TRAD = {"hant": "s2t", "tw": "s2tw", "hk": "s2hk"}
BACK = {"hant": "t2s", "tw": "tw2s", "hk": "hk2s"}


def _ids(s):
    return s["hans"][:16]


def test_sentence_set_is_large_and_covers_the_one_to_many_words():
    assert len(SENTENCES) >= 150
    hans = "".join(s["hans"] for s in SENTENCES)
    for word in (
        "制度 制造 发展 头发 发育 发明 了解 学习了 干部 干净 干燥 只有 一只 台湾 平台 台风 "
        "里面 公里 面条 方面 后来 皇后 钟表 钟情 松树 放松"
    ).split():
        assert word in hans, word


@pytest.mark.parametrize("s", SENTENCES, ids=_ids)
@pytest.mark.parametrize("target", ["hant", "tw", "hk"])
def test_simplified_to_traditional(s, target):
    assert convert_script(s["hans"], TRAD[target]) == s[target]
    assert to_script(s["hans"], target) == s[target]


@pytest.mark.parametrize("s", SENTENCES, ids=_ids)
@pytest.mark.parametrize("source", ["hant", "tw", "hk"])
def test_traditional_to_simplified(s, source):
    assert to_script(s[source], "hans") == s["hans"]


@pytest.mark.parametrize("s", SENTENCES, ids=_ids)
def test_traditional_to_simplified_with_opencc_configs(s):
    # OpenCC's own configs, for the regions they are made for (t2s keeps Taiwan's 著 for zhe,
    # so the Taiwan forms go through tw2s; the step handles 著 itself)
    for source in ("hant", "hk"):
        assert convert_script(s[source], BACK[source]) == s["hans"]


@pytest.mark.parametrize("s", SENTENCES, ids=_ids)
def test_traditional_page_in_its_own_target_is_unchanged(s):
    for target in ("hant", "tw", "hk"):
        assert to_script(s[target], target) == s[target]
    assert to_script(s["hans"], "hans") == s["hans"]


# --- convert_script ---------------------------------------------------------------------------


def test_convert_script_examples_from_the_issue():
    assert convert_script("教育考试制度改革", "s2t") == "教育考試制度改革"
    assert convert_script("被发明", "s2t") == "被發明"
    assert convert_script("学习了如何", "s2t") == "學習了如何"
    assert convert_script("胚胎发育", "s2t") == "胚胎發育"


def test_convert_script_accepts_json_names_and_rejects_unknown_ones():
    assert convert_script("发展", "s2tw.json") == convert_script("发展", "s2tw") == "發展"
    with pytest.raises(ValueError) as err:
        convert_script("发展", "s2x")
    assert "s2x" in str(err.value)
    for name in ("s2t", "t2s", "s2tw", "tw2s", "s2twp", "tw2sp", "s2hk", "hk2s", "t2tw", "t2hk", "tw2t", "hk2t", "t2jp", "jp2t"):
        assert name in str(err.value)
    with pytest.raises(TypeError):
        convert_script("发展", None)


def test_convert_script_reuses_converters():
    convert_script("学", "s2t")
    assert script._converter("s2t") is script._converter("s2t")


def test_protected_term_crossing_keeps_the_later_word():
    # 带头|发起: the phrase 头发 would make 帶頭髮起; 发起 is the word at risk
    assert convert_script("他带头发起倡议", "s2t") == "他帶頭發起倡議"
    assert convert_script("一个头发", "s2t") == "一個頭髮"
    # a term inside a longer OpenCC phrase that starts earlier is converted with it
    assert convert_script("打扫得干干净净", "s2t") == "打掃得乾乾淨淨"


def test_protected_terms_are_words_with_their_own_conversion():
    terms = script.protected_terms()
    assert "制度" in terms and "发展" in terms
    assert all(len(t) >= 2 for t in terms)


# --- simplified words that t2s would change (protected_hans.tsv, 昇/陞 in one_to_many_t2s) -------
# Written here rather than in tests/cases/script: the mojibake and substitution evaluations draw
# their clean text from tests/cases, and new cases there would change their samples.


def test_protected_hans_generated_rows_match_installed_opencc():
    # regenerate with: PYTHONPATH=src python tools/gen_script_tables.py
    terms = script.protected_hans_terms()
    generated = {t: src for t, src in terms.items() if src == script.OPENCC_TSPHRASES}
    assert generated == script.build_protected_hans()
    assert "毕昇" in generated and "杨联陞" in generated and "幺麽" in generated
    assert "不可赀計" not in generated  # an OpenCC value holding a traditional 計 by mistake
    assert all(src for src in terms.values())  # every hand row names its source
    assert {"昇", "陞"} <= set(script.ts_self_candidates())


@pytest.mark.parametrize(
    "text",
    [
        "活字印刷术是毕昇发明的。",  # a name: 昇 is no evidence of traditional text
        "龚喆、赵昇、吴堃、李旸和邝玥获得一等奖。",  # a name in no list
        "杨联陞是著名的历史学家。",
        "日本大藏大臣三塚博提交了辞呈，三塚辞职。",  # jieba's 三塚, 三塚博
        "《幺麽小丑》和芸薹属植物。",
    ],
)
def test_simplified_words_t2s_would_change_are_kept(text):
    assert to_script(text, "hans") == text
    assert educorpus.clean(text) == text
    assert detect_script("活字印刷术是毕昇发明的").traditional == 0


def test_protected_hans_words_survive_a_line_with_a_stray_traditional_character():
    # the line is converted (發 is traditional); the words in it are written as they stand
    assert to_script("毕昇發明了活字印刷术，三塚博發言。", "hans") == "毕昇发明了活字印刷术，三塚博发言。"
    assert to_script("杨联陞的學生", "hans") == "杨联陞的学生"
    doc = educorpus.clean_and_explain("毕昇發明了活字印刷术。", only=["script"])
    assert doc.text == "毕昇发明了活字印刷术。"
    assert "protected-term" in {e.rule for e in doc.edits}
    # to traditional, the same line: 毕昇 → 畢昇 (not 畢升)
    assert to_script("毕昇發明了活字印刷术", "hant") == "畢昇發明了活字印刷術"


def test_traditional_pages_still_convert_sheng_to_the_simplified_sheng():
    # 昇 and 陞 outside names are 升 in simplified writing: a traditional page still gets it
    assert to_script("溫度上昇，昇華，陞級考試，旭日東昇。", "hans") == "温度上升，升华，升级考试，旭日东升。"
    assert to_script("畢昇發明活字印刷", "hans") == "毕昇发明活字印刷"  # OpenCC's own phrase
    # 塚 is not kept in general: only the words of protected_hans.tsv
    assert to_script("古墓塚與衣冠塚，都在這裡。", "hans") == "古墓冢与衣冠冢，都在这里。"
    assert to_script("什麽時候", "hans") == "什么时候"  # 麽 stays an old variant to convert


# --- detection --------------------------------------------------------------------------------


def test_detection_on_the_seeds(seeds):
    got = {name[:3]: detect_script(text) for name, text in seeds.items()}
    assert got["000"].script == "hant" and got["002"].script == "hant"
    assert got["001"].script == "hans" and got["003"].script == "hans"
    assert got["002"].region == "hk"  # 説 throughout
    assert got["001"].traditional == 0 and got["002"].simplified > 0  # 挂職 on a traditional page


def test_detection_mixed_and_empty():
    assert detect_script("这是简体中文的一段话，我们学习发展。這是繁體中文的一段話，我們學習發展。").script == "mixed"
    assert detect_script("").script is None
    assert detect_script("Hello 123").script is None
    assert detect_script("平台").script is None  # 台 and 平 are valid in both scripts
    info = detect_script("教室裡面擺放著課桌，裡外都很乾淨，麵條")
    assert info.script == "hant" and info.region == "tw"


def test_generated_tables_match_installed_opencc():
    # regenerate with: PYTHONPATH=src python tools/gen_script_tables.py
    assert script.char_classes() == script.build_char_classes()
    assert script.st_candidates() == script.build_st_candidates()
    assert script.st_candidates()["发"] == "發髮" and script.st_candidates()["仑"] == "侖崙"


def test_one_to_many_candidates_are_traditional_forms_of_their_key():
    t2s = script._charmap("hk2s")
    for key, cands in script.one_to_many().items():
        assert key in cands or any(t2s.get(c, c) == key for c in cands), key
        assert len(cands) >= 2, key


# --- the step ---------------------------------------------------------------------------------


def test_meta_records_script_and_region(seeds):
    doc = educorpus.clean_and_explain(seeds["002_bbc10d50080da167.txt"], only=["script"])
    assert doc.meta["script_in"] == "hant" and doc.meta["script_region"] == "hk"
    doc = educorpus.clean_and_explain("我们的学校", only=["script"], to="hant")
    assert doc.text == "我們的學校" and doc.meta["script_in"] == "hans" and doc.meta["script_region"] is None


def test_mixed_page_comes_out_consistent(seeds):
    page = seeds["002_bbc10d50080da167.txt"]
    hans = educorpus.clean(page, only=["script"], to="hans")
    assert detect_script(hans).traditional == 0
    for bad in ("挂職", "製度", "倣", "産", "説"):
        assert bad in page
    for target in ("hant", "tw", "hk"):
        out = educorpus.clean(page, only=["script"], to=target)
        assert detect_script(out).simplified == 0, target
        assert "交流掛職" in out and "教研制度" in out and "産" not in out and "倣" not in out, target
    assert "着力" in educorpus.clean(page, only=["script"], to="hant")
    assert "著力" in educorpus.clean(page, only=["script"], to="tw")
    assert "説" in educorpus.clean(page, only=["script"], to="hk")
    assert "説" not in educorpus.clean(page, only=["script"], to="tw")


def test_keep_the_page_script(seeds):
    page = seeds["002_bbc10d50080da167.txt"]
    out = educorpus.clean(page, only=["script"], to=None)
    assert "交流掛職" in out and "教研制度" in out  # the page's own simplified characters and errors
    assert out.count("説") == page.count("説") and out.count("為") == page.count("為")  # its glyphs stay
    simplified = seeds["001_66d2ff1b538386e8.txt"]
    assert educorpus.clean(simplified, only=["script"], to=None) == simplified


def _edits(text, **kw):
    doc = educorpus.clean_and_explain(text, only=["script"], **kw)
    assert doc.replay(text) == doc.text
    return doc


def test_one_to_many_decisions_are_reported_with_context():
    doc = _edits("她的头发很长，一只小鸟飞过公里碑。", to="hant")
    assert doc.text == "她的頭髮很長，一隻小鳥飛過公里碑。"
    decisions = {(e.before, e.after) for e in doc.edits if e.rule == "one-to-many"}
    assert ("头发很", "頭髮很") in decisions  # 发 → 髮, not its default 發
    assert ("一只小", "一隻小") in decisions  # 只 → 隻
    assert ("公里碑", "公里碑") in decisions  # 里 stays 里 (default 裏): reported as a flag
    assert "one-to-many" in doc.meta["flags"]


def test_protection_is_reported():
    doc = _edits("深化教育考试制度改革", to="hant")
    assert doc.text == "深化教育考試制度改革"
    assert [(e.rule, e.before, e.after) for e in doc.edits if e.rule == "protected-term"] == [
        ("protected-term", "制", "制")
    ]


def test_conversion_errors_of_traditional_pages_are_repaired(seeds):
    doc = _edits(seeds["002_bbc10d50080da167.txt"], to="hant")
    fixes = [(e.before, e.after) for e in doc.edits if e.rule == "conversion-error"]
    assert ("製度", "制度") in fixes
    assert ("倣", "仿") in [(e.before, e.after) for e in doc.edits if e.rule == "variant"]
    mixed = [(e.before, e.after) for e in doc.edits if e.rule == "mixed-script"]
    assert ("挂", "掛") in mixed and ("産", "產") in mixed and ("説", "說") in mixed


def test_wrong_form_is_not_repaired_across_a_word_boundary():
    # 帶頭|發起 contains 頭發, a wrong form of 头发, but 發起 is the word there
    assert to_script("他帶頭發起倡議，學校的教研製度", "hant") == "他帶頭發起倡議，學校的教研制度"


def test_taiwan_zhe_to_simplified_and_standard():
    # 裡 shows a Taiwan page, where 著 is also zhe; elsewhere 著 is only zhù and stays
    tw = "他在教室裡看著黑板，這是著名的論著，成效卓著"
    assert to_script(tw, "hans") == "他在教室里看着黑板，这是著名的论著，成效卓著"
    assert to_script(tw, "hant") == "他在教室裏看着黑板，這是著名的論著，成效卓著"
    assert to_script("他看着黑板", "tw") == "他看著黑板"
    assert to_script("發展著作", "hans") == "发展著作"
    assert to_script("香港的論著", "hans") == "香港的论著"


def test_hong_kong_glyphs_to_simplified():
    assert to_script("衞生教育", "hans") == "卫生教育"


def test_step_is_idempotent_per_target(seeds):
    for text in seeds.values():
        for target in ("hans", "hant", "tw", "twp", "hk", None):
            once = educorpus.clean(text, only=["script"], to=target)
            assert educorpus.clean(once, only=["script"], to=target) == once, target


def test_taiwan_phrases_from_simplified():
    doc = _edits("学校的软件和网络", to="twp")
    assert doc.text == "學校的軟體和網路"


# --- properties -------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_FRAGMENTS = ["制度", "发展", "了解", "头发", "發展", "製度", "説", "着", "著", "倣", "挂職", "干干净净", "带头发起",
              "一个中", "臺灣", "台湾", "裡面", "群眾", "衞", "麹", "毕昇", "昇華", "三塚", "\n", "，", " ", "A"]
# OpenCC chains two single characters (s2tw: 幺 → 么 → 麼; s2t: 苎 → 苧 → 薴): a text of nothing but
# them cannot tell whether it was already converted. They are a known failure (below), kept out
# of the generated text so that the property speaks about everything else.
_CHAINS = "幺苎"
_TEXT = st.lists(
    st.one_of(
        st.sampled_from(_FRAGMENTS),
        st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF, blacklist_characters=_CHAINS), min_size=1, max_size=8),
    ),
    max_size=25,
).map("".join)


@pytest.mark.xfail(strict=True, reason="OpenCC's one-character chains: converting the output again goes one link further")
@pytest.mark.parametrize("text,to", [("幺", "tw"), ("幺", "twp")])
def test_known_failure_opencc_character_chains(text, to):
    once = educorpus.clean(text, only=["script"], to=to)
    assert educorpus.clean(once, only=["script"], to=to) == once


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT, st.sampled_from(["hans", "hant", "tw", "twp", "hk", None]))
def test_step_replays_and_is_idempotent_for_every_target(text, to):
    doc = educorpus.clean_and_explain(text, only=["script"], to=to)
    assert doc.replay(text) == doc.text
    assert educorpus.clean(doc.text, only=["script"], to=to) == doc.text
