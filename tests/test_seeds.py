"""The four seed pages through the whole pipeline."""

from __future__ import annotations

import re

import pytest

import educorpus


def test_idempotent_on_seeds(seeds):
    for name, text in seeds.items():
        once = educorpus.clean(text)
        assert educorpus.clean(once) == once, name


def test_edits_replay_on_seeds(seeds):
    for name, text in seeds.items():
        doc = educorpus.clean_and_explain(text)
        assert doc.replay(text) == doc.text, name


def test_unicode_step_keeps_fullwidth_punctuation(seeds):
    for name, text in seeds.items():
        out = educorpus.clean(text, only=["unicode"])
        for ch in "，：（）！？；、。“”":
            assert out.count(ch) == text.count(ch), (name, ch)


def test_ascii_commas_and_colons_between_chinese_become_fullwidth(seeds):
    between = re.compile(r"[\u4e00-\u9fff][,:][\u4e00-\u9fff]")
    for name, text in seeds.items():
        assert between.search(text), name  # the seeds do have them
        out = educorpus.clean(text)
        assert not between.search(out), (name, between.search(out).group())


def test_one_paragraph_per_line(seeds):
    for name, text in seeds.items():
        out = educorpus.clean(text)
        lines = out.split("\n")
        assert all(line.strip() == line and line for line in lines), name


def test_metadata_reaches_the_target_script_and_punctuation(seeds):
    doc = educorpus.clean_and_explain(seeds["002_bbc10d50080da167.txt"])
    assert doc.meta["source"] == "银川市教育局"
    assert doc.meta["editor"] == "张洁龙"
    assert "：" in doc.meta["title"] and "銀" not in doc.meta["title"]
    kept = educorpus.clean_and_explain(seeds["002_bbc10d50080da167.txt"], to=None)
    assert kept.meta["source"] == "銀川市教育局"
