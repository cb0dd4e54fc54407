"""The public API contract: names, options, config, batches, errors."""

from __future__ import annotations

import pytest

import educorpus
from educorpus import CleanConfig
from educorpus.document import Edit, replay


def test_steps_are_in_pipeline_order():
    order = ["unicode", "mojibake", "pinyin", "boilerplate", "substitution", "script", "normalize"]
    assert list(educorpus.STEPS) == [s for s in order if s in educorpus.STEPS]
    assert educorpus.STEPS[0] == "unicode" and educorpus.STEPS[-1] == "normalize"


@pytest.mark.parametrize("option", ["only", "skip"])
def test_unknown_step_name_lists_valid_ones(option):
    with pytest.raises(ValueError) as err:
        educorpus.clean("文本", **{option: ["boilerplat"]})
    assert "boilerplat" in str(err.value)
    for name in educorpus.STEPS:
        assert name in str(err.value)


def test_only_and_skip():
    text = "  9月8日,淄博\u200b市  "
    assert educorpus.clean(text, only=["unicode"]) == "  9月8日,淄博市  "
    assert educorpus.clean(text, skip=["unicode"]) == "9月8日，淄博\u200b市"
    assert educorpus.clean(text, only=[]) == text


def test_unknown_target_script():
    with pytest.raises(ValueError, match="hant"):
        educorpus.clean("文本", to="klingon")


def test_config_round_trip_and_fingerprint():
    cfg = CleanConfig(to="hant", only=("unicode", "normalize"), skip=("unicode",))
    again = CleanConfig.from_dict(cfg.to_dict())
    assert again == cfg
    assert again.fingerprint() == cfg.fingerprint() != CleanConfig().fingerprint()
    with pytest.raises(ValueError, match="unknown config option"):
        CleanConfig.from_dict({"bogus": 1})
    with pytest.raises(Exception):
        cfg.to = "hans"  # frozen


def test_keywords_override_config():
    cfg = CleanConfig(only=("unicode",))
    assert educorpus.clean("甲,乙", config=cfg) == "甲,乙"
    assert educorpus.clean("甲,乙", config=cfg, only=None) == "甲，乙"


def test_clean_rejects_non_text():
    with pytest.raises(TypeError, match="bytes"):
        educorpus.clean(b"bytes")


def test_document_fields():
    doc = educorpus.clean_and_explain("  甲,乙\r\n")
    assert doc.text == "甲，乙"
    assert set(["title", "published", "source", "author", "editor", "script_in"]) <= set(doc.meta)
    assert isinstance(doc.scores, dict)
    assert {e.step for e in doc.edits} == {"unicode", "normalize"}
    assert all(isinstance(e, Edit) for e in doc.edits)


def test_edits_of_several_passes_replay_in_step_coordinates():
    # normalize makes several passes (brackets, punctuation, whitespace, blank lines) whose edits
    # touch each other; the log must still replay from the text the step received
    text = "\n\n  说明 (见附件(一)) ,  好 \n\n\n下一段  "
    doc = educorpus.clean_and_explain(text, only=["normalize"])
    assert doc.replay(text) == doc.text == "说明 （见附件（一）） , 好\n下一段"
    for e in doc.edits:
        assert text[e.position : e.position + len(e.before)] == e.before


def test_replay_rejects_a_log_that_does_not_fit():
    with pytest.raises(ValueError, match="expects"):
        replay("abc", [Edit("normalize", "x", "z", "y", 0)])


def test_clean_batch_with_datasets_map():
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict({"text": ["9月8日,淄博", "  甲:乙  "], "id": ["a", "b"]})
    out = ds.map(educorpus.clean_batch, batched=True)
    assert out["clean_text"] == ["9月8日，淄博", "甲：乙"]
    assert out["id"] == ["a", "b"]
    assert out["text"] == ["9月8日,淄博", "  甲:乙  "]
    for column in ("title", "published", "source", "author", "editor", "script_in", "n_edits", "spun_score"):
        assert column in out.column_names


def test_clean_batch_names_bad_rows_and_columns():
    with pytest.raises(KeyError, match="content"):
        educorpus.clean_batch({"content": ["x"]})
    with pytest.raises(TypeError, match="row 1"):
        educorpus.clean_batch({"text": ["x", 3]})
    # inside datasets.map the index is the batch's, not the dataset's: the message says so
    with pytest.raises(TypeError, match=r"row 1 of this batch, column 'body', is NoneType.*filter"):
        educorpus.clean_batch({"body": ["x", None]}, text_column="body")


def test_stats_merge():
    from educorpus.pipeline import Stats

    a, b = Stats(), Stats()
    a.add(educorpus.clean_and_explain("甲,乙"))
    b.add(educorpus.clean_and_explain("丙:丁  "))
    b.add(educorpus.clean_and_explain("clean"))
    a.merge(b)
    d = a.to_dict()
    assert d["documents"] == 3
    assert d["steps"]["normalize"]["changed"] == 2
    assert d["steps"]["normalize"]["rules"]["fullwidth-punct"] == 2
    assert Stats.from_dict(d).to_dict() == d


def test_flags_are_logged_without_changing_text():
    from educorpus.document import StepContext

    ctx = StepContext(None, {}, {})
    ctx.begin("demo", "甲乙丙丁")
    text = ctx.replace("甲乙丙丁", [(0, 1, "", "drop")])
    ctx.flag(text, [(1, 2, "flag:odd")])
    edits = ctx.finish()
    assert [(e.rule, e.before, e.after, e.position) for e in edits] == [("drop", "甲", "", 0), ("flag:odd", "丙", "丙", 2)]
    assert ctx.meta["flags"] == ["flag:odd"]
    assert replay("甲乙丙丁", edits) == "乙丙丁"


def test_the_package_says_it_is_typed():
    # PEP 561: without py.typed in the wheel a type checker ignores the hints of clean() & co.
    import re
    from pathlib import Path

    import educorpus

    assert (Path(educorpus.__file__).parent / "py.typed").is_file()
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    package_data = re.search(r"\[tool\.setuptools\.package-data\]\n(?:#.*\n)*educorpus = \[(.*?)\]", pyproject, flags=re.S)
    assert package_data and '"py.typed"' in package_data.group(1)
