"""``iter_raw_records``: every input type, ids, metadata, and failure records that name the input."""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import pytest

from educorpus.dataset import DatasetError, MissingExtraError, build_dataset, iter_raw_records
from educorpus.dataset.inputs import is_failure, plan_inputs, raw_id

from .conftest import SEEDS


def records(*inputs, **kw):
    return list(iter_raw_records(list(inputs), **kw))


def test_text_directory_sorted_with_ids_hashes_and_encoding(seeds):
    recs = records(SEEDS)
    assert [r["source_path"] for r in recs] == [f"seeds/{n}" for n in sorted(seeds)]
    for r in recs:
        raw = seeds[Path(r["source_path"]).name]
        assert r["text"] == raw and r["id"] == raw_id(raw)
        import hashlib

        assert r["raw_sha256"] == hashlib.sha256(raw.encode("utf-8")).hexdigest()
        assert r["encoding"] == "utf-8" and r["replaced_bytes"] == 0 and not is_failure(r)


def test_argument_order_does_not_change_the_record_order(tmp_path):
    (tmp_path / "b.txt").write_text("乙", encoding="utf-8")
    (tmp_path / "a.txt").write_text("甲", encoding="utf-8")
    one = records(tmp_path / "b.txt", tmp_path / "a.txt")
    two = records(tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "a.txt")  # the same file twice: read once
    assert [r["text"] for r in one] == [r["text"] for r in two] == ["甲", "乙"]


def test_exact_copies_get_distinct_ids_and_utf16_and_bom_decode(tmp_path):
    (tmp_path / "a.txt").write_text("同一篇文章", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("\ufeff同一篇文章".encode("utf-8"))
    (tmp_path / "c.txt").write_bytes("同一篇文章".encode("utf-16"))
    recs = records(tmp_path)
    base = raw_id("同一篇文章")
    assert [r["id"] for r in recs] == [base, f"{base}-2", f"{base}-3"]
    assert [r["text"] for r in recs] == ["同一篇文章"] * 3
    assert recs[0]["encoding"] == "utf-8" and all(r["encoding"].startswith("utf") for r in recs)


def test_jsonl_fields_ids_metadata_and_broken_lines(tmp_path):
    f = tmp_path / "news.jsonl"
    f.write_text(
        "\n".join(
            [
                json.dumps({"content": "正文一", "doc_id": 17, "title": "标题", "url": "http://a.cn/1", "published": "2024-05-21", "lang": "zh", "tags": ["x"]}, ensure_ascii=False),
                '{"content": "正文二", "doc_id": 17}',
                '{"content": "正文三"',
                '{"content": ["列表"], "doc_id": 3}',
                '{"content": "正文四"}',
                '["not", "an", "object"]',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    recs = records(f, text_field="content", id_field="doc_id")
    ok = recs[0]
    assert ok["id"] == "17" and ok["text"] == "正文一" and ok["source_path"] == "news.jsonl:1"
    assert ok["meta"] == {"title": "标题", "url": "http://a.cn/1", "published": "2024-05-21"}
    assert ok["extra"] == {"lang": "zh", "tags": ["x"]}
    assert [r.get("failure") for r in recs[1:]] == ["duplicate-id", "broken-json", "text-not-string", "missing-id-field", "not-an-object"]
    assert recs[2]["source_path"] == "news.jsonl:3" and "news.jsonl:3" in recs[2]["detail"]
    assert recs[3]["detail"] == "news.jsonl:4: field 'content' is list, not a string"
    missing = records(f)  # default text field 'text'
    assert missing[0]["failure"] == "missing-text-field" and "--text-field" in missing[0]["detail"]


def test_jsonl_line_that_is_not_utf8(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_bytes(b'{"text": "\xff\xfe"}\n{"text": "\xe5\xa5\xbd"}\n')
    recs = records(f)
    assert recs[0]["failure"] == "undecodable" and recs[0]["source_path"] == "x.jsonl:1"
    assert recs[1]["text"] == "好"


def test_json_array_object_and_json_lines(tmp_path):
    (tmp_path / "arr.json").write_text(json.dumps([{"text": "一"}, {"text": "二"}], ensure_ascii=False), encoding="utf-8")
    (tmp_path / "one.json").write_text(json.dumps({"text": "三", "author": "张三"}, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "lines.json").write_text('{"text": "四"}\n{"text": "五"}\n', encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"text": ', encoding="utf-8")
    recs = records(tmp_path)
    got = {r["source_path"]: r.get("text", r.get("failure")) for r in recs}
    assert got == {
        f"{tmp_path.name}/arr.json[0]": "一",
        f"{tmp_path.name}/arr.json[1]": "二",
        f"{tmp_path.name}/bad.json": "broken-json",
        f"{tmp_path.name}/lines.json:1": "四",
        f"{tmp_path.name}/lines.json:2": "五",
        f"{tmp_path.name}/one.json": "三",
    }
    assert [r for r in recs if r.get("text") == "三"][0]["meta"] == {"author": "张三"}


def test_a_json_file_in_gb18030_records_its_encoding(tmp_path):
    # before: every record of a .json file said "utf-8", whatever the decoder read it as
    page = {"text": "全市中小学今天正式开学，教育局要求各校落实安全责任。"}
    (tmp_path / "arr.json").write_bytes(json.dumps([page], ensure_ascii=False).encode("gb18030"))
    (tmp_path / "one.json").write_bytes(b'{"text": "' + page["text"].encode("gb18030") + b'\xff"}')
    recs = {r["source_path"].split("/")[-1]: r for r in records(tmp_path)}
    assert (recs["arr.json[0]"]["text"], recs["arr.json[0]"]["encoding"]) == (page["text"], "gb18030")
    one = recs["one.json"]
    assert (one["text"], one["encoding"], one["replaced_bytes"]) == (page["text"] + "\ufffd", "gb18030", 1)


def test_parquet_rows_and_a_corrupt_parquet_file(tmp_path):
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(
        pa.table({"text": ["甲", None, "丙"], "published": [datetime.date(2024, 1, 2)] * 3, "n": [1, 2, 3]}),
        tmp_path / "t.parquet",
    )
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    recs = records(tmp_path)
    by = {r["source_path"]: r for r in recs}
    p = tmp_path.name
    assert by[f"{p}/broken.parquet"]["failure"] == "unreadable"
    assert by[f"{p}/t.parquet[0]"]["text"] == "甲" and by[f"{p}/t.parquet[0]"]["meta"] == {"published": "2024-01-02"}
    assert by[f"{p}/t.parquet[0]"]["extra"] == {"n": 1}
    assert by[f"{p}/t.parquet[1]"]["failure"] == "text-not-string"
    assert by[f"{p}/t.parquet[2]"]["text"] == "丙"


def test_saved_and_hub_layout_datasets_folders(tmp_path):
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict({"text": ["一", "二"], "source": ["甲校", "乙校"]})
    ds.save_to_disk(str(tmp_path / "saved"))
    datasets.DatasetDict({"train": ds, "test": ds.select([0])}).save_to_disk(str(tmp_path / "dict"))
    recs = records(tmp_path / "saved")
    assert [(r["source_path"], r["text"], r["meta"]) for r in recs] == [
        ("saved[0]", "一", {"source": "甲校"}),
        ("saved[1]", "二", {"source": "乙校"}),
    ]
    recs = records(tmp_path / "dict")
    assert [r["source_path"] for r in recs] == ["dict/test[0]", "dict/train[0]", "dict/train[1]"]
    # a version folder we built is itself in the Hub's layout: it can be an input
    built = build_dataset(SEEDS, tmp_path / "dist", "s", version="0.1.0", progress=False)
    again = records(built)
    assert len(again) == 4 and all(r["source_path"].startswith("0.1.0/train[") for r in again)
    assert all(r["meta"].get("url") is None for r in again)
    assert {"raw_sha256", "n_chars", "edits"} <= set(again[0]["extra"])


def test_html_through_trafilatura(tmp_path):
    pytest.importorskip("trafilatura")
    body = "<p>9月8日，某校召开教育工作会议，会议强调要办好人民满意的教育，落实立德树人根本任务。</p>" * 3
    (tmp_path / "a.html").write_text(
        f"<html><head><title>某校召开会议</title><meta name='date' content='2023-09-08'></head>"
        f"<body><nav>首页 | 新闻</nav><article><h1>某校召开会议</h1>{body}</article></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    recs = records(tmp_path)
    ok = [r for r in recs if not is_failure(r)]
    assert len(ok) == 1 and "办好人民满意的教育" in ok[0]["text"]
    assert ok[0]["meta"]["title"] == "某校召开会议" and ok[0]["meta"]["published"] == "2023-09-08"
    assert [r["failure"] for r in recs if is_failure(r)] == ["html-no-text"]


def test_html_without_the_extra_fails_before_any_work_with_the_install_hint(tmp_path, monkeypatch):
    (tmp_path / "a.html").write_text("<html><body><p>正文</p></body></html>", encoding="utf-8")
    real_import = builtins.__import__

    def no_trafilatura(name, *args, **kw):
        if name == "trafilatura":
            raise ImportError("No module named 'trafilatura'")
        return real_import(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_trafilatura)
    with pytest.raises(MissingExtraError, match=r"pip install 'educorpus\[html\]'"):
        build_dataset(tmp_path, tmp_path / "dist", "h", version="0.1.0", progress=False)
    assert not (tmp_path / "dist" / "h" / "0.1.0").exists()
    with pytest.raises(MissingExtraError, match="a.html"):
        records(tmp_path)


def test_plan_rejects_missing_and_empty_inputs(tmp_path):
    with pytest.raises(DatasetError, match="input not found"):
        plan_inputs([tmp_path / "missing"])
    with pytest.raises(DatasetError, match="no inputs"):
        plan_inputs([])
    named = tmp_path / "page.htmlx"
    named.write_text("文本", encoding="utf-8")
    assert [i.kind for i in plan_inputs([named])] == ["text"]  # named explicitly: read as text
    assert [i.kind for i in plan_inputs([tmp_path])] == ["unsupported"]  # inside a directory: reported


def test_count_records_is_what_iter_raw_records_yields(tmp_path):
    # the progress bar's total: a count that is off makes the bar end short of 100% or overrun
    import pyarrow as pa
    import pyarrow.parquet as pq

    from educorpus.dataset.inputs import count_records

    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "a.txt").write_text("教育,甲", encoding="utf-8")
    (raw / "empty.txt").write_bytes(b"")
    (raw / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (raw / "notes.csv").write_text("a,b\n", encoding="utf-8")
    (raw / "sub" / "pages.jsonl").write_bytes(
        b'\xef\xbb\xbf{"text": "\xe7\x94\xb2"}\n\n   \n{"text": broken\n{"text": 5}\n\xff\xfe\n{"body": 1}\n{"text": "\xe4\xb9\x99"}'
    )
    pq.write_table(pa.table({"text": ["甲", "乙", None]}), raw / "rows.parquet")
    pq.write_table(pa.table({"body": ["甲"]}), raw / "no_text.parquet")
    (raw / "broken.parquet").write_bytes(b"PAR1 not really")
    plan = plan_inputs([raw])
    assert count_records(plan) == len(list(iter_raw_records(plan))) == 15
    (tmp_path / "array.json").write_text('[{"text": "甲"}, {"text": "乙"}]', encoding="utf-8")
    assert count_records(plan_inputs([raw, tmp_path / "array.json"])) is None  # would need parsing


def test_no_inputs_and_empty_directories_fail_alike_for_the_build_and_iter_raw_records(tmp_path):
    # iter_raw_records([]) failed only when iterated, and a folder of empty directories gave no
    # record at all, where the build says 'nothing to read in ...': the same guard now, at the call
    (tmp_path / "raw" / "sub").mkdir(parents=True)
    (tmp_path / "raw" / ".hidden").write_text("x", encoding="utf-8")
    for inputs, message in (([], "no inputs given: name at least one file or directory"), ([tmp_path / "raw"], r"nothing to read in .*raw: the directories are empty")):
        with pytest.raises(DatasetError, match=message):
            iter_raw_records(inputs)  # not iterated: the error comes at the call
        with pytest.raises(DatasetError, match=message):
            build_dataset(inputs, tmp_path / "dist", "s", version="0.1.0", progress=False)
        with pytest.raises(DatasetError, match=message):
            plan_inputs(inputs)
    assert not (tmp_path / "dist").exists()
    # an empty directory beside a page is no problem: the page is read
    (tmp_path / "page.txt").write_text("文本", encoding="utf-8")
    assert [r["text"] for r in iter_raw_records([tmp_path / "raw", tmp_path / "page.txt"])] == ["文本"]
