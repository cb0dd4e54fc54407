"""educorpus.segment: sentences and words; and the evaluation spinner."""

from __future__ import annotations

import threading

import pytest

from educorpus import segment
from educorpus.spinner import restore, spin


def test_sentences_keep_quotes_and_brackets_whole():
    text = "他说：“今天开学。你们好！”大家鼓掌。会议（详见附件一。）结束？\n第二段"
    assert segment.sentences(text) == ["他说：“今天开学。你们好！”大家鼓掌。", "会议（详见附件一。）结束？", "第二段"]


def test_sentence_spans_point_into_the_text():
    text = "  甲。乙！\n\n丙  "
    spans = segment.sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["甲。", "乙！", "丙"]


def test_unclosed_quote_does_not_swallow_the_page():
    assert segment.sentences("他说：“没有结束。\n下一行。再一句。") == ["他说：“没有结束。", "下一行。", "再一句。"]


def test_ellipsis_and_ascii_marks_end_sentences():
    assert segment.sentences("好吗?好!走吧……然后") == ["好吗?", "好!", "走吧……", "然后"]


@pytest.mark.parametrize(
    "term", ["五育并举", "立德树人", "双减", "县管校聘", "集团化办学", "大班额", "控辍保学", "家园共育", "强基计划", "强镇筑基", "课后服务", "研学实践"]
)
def test_education_terms_are_single_words(term):
    assert term in segment.words(f"全面推进{term}工作")


def test_words_are_deterministic_and_drop_whitespace():
    text = "深化县管校聘改革，  推进集团化办学\n落实双减"
    first = segment.words(text)
    assert first == segment.words(text)
    assert all(w.strip() for w in first)


def test_global_jieba_is_untouched():
    jieba = pytest.importorskip("jieba")
    segment.words("县管校聘")
    assert segment.tokenizer() is not jieba.dt
    # 县管校聘 is not in jieba's own dictionary; our user dictionary must not leak into jieba.dt
    assert jieba.dt.FREQ.get("县管校聘") is None


def test_tokenizer_is_built_once_across_threads():
    got = []
    threads = [threading.Thread(target=lambda: got.append(segment.tokenizer())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(t) for t in got}) == 1


def test_spinner_is_deterministic_and_reversible():
    text = "坚持立德树人，提高教育质量，打造成优质学校，至少建立一个机制。"
    a = spin(text, rate=0.8, seed=3)
    assert a == spin(text, rate=0.8, seed=3)
    spun, subs = a
    assert restore(spun, subs) == text
    for s in subs:
        assert spun[s.start : s.end] == s.replacement


def test_spinner_kinds_and_traditional_text():
    spun, subs = spin("投资3亿元，高于全省平均水平", rate=1.0, kinds=("syn",))
    assert "亿元" in spun and all(s.kind == "syn" for s in subs)
    spun, subs = spin("提高教育質量", rate=1.0)
    assert "品質" in spun
    with pytest.raises(ValueError):
        spin("甲", rate=2)
