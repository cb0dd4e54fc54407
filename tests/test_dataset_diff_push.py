"""``educorpus diff`` and ``educorpus push`` (up to the HfApi boundary: a fake records the calls)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from educorpus import CleanConfig, build_dataset
from educorpus.dataset import DatasetError, VersionExistsError, diff_versions, format_diff, push_version
from educorpus.dataset.inputs import raw_id

from .conftest import ROOT


def write_jsonl(path: Path, texts: dict[str, str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for doc_id, text in texts.items():
            fh.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("diff")
    a_in = write_jsonl(tmp / "a" / "pages.jsonl", {"k1": "甲文,不变。", "k2": "乙文,将被删。", "k3": "丙文,将改。"})
    b_in = write_jsonl(tmp / "b" / "pages.jsonl", {"k1": "甲文,不变。", "k3": "丙文,已改。", "k4": "丁文,新增。"})
    out = tmp / "dist"
    # short pages: no corpus steps, so that no quality filter interferes with what is compared
    a = build_dataset(a_in, out, "d", version="0.1.0", id_field="id", progress=False, corpus_steps=[])
    b = build_dataset(b_in, out, "d", bump="minor", id_field="id", progress=False, config=CleanConfig(skip=("normalize",)), corpus_steps=[])
    return a, b


def test_diff_matches_records_by_id(two_versions):
    a, b = two_versions
    d = diff_versions(a, b)
    r = d["records"]
    # k1: unchanged text but normalize is skipped in b, so ',' stays: changed; k2 removed; k3 changed; k4 added
    assert (r["added"], r["removed"], r["changed"], r["unchanged"]) == (1, 1, 2, 0)
    assert r["added_ids"] == ["k4"] and r["removed_ids"] == ["k2"] and r["changed_ids"] == ["k1", "k3"]
    assert d["changed_fields"]["text"] == 2 and "edits" in d["changed_fields"]
    assert "id" not in d["changed_fields"]
    assert d["config"] == {"skip": [[], ["normalize"]]}
    assert d["inputs"]["changed"] == 1 and not d["inputs"]["same"]
    k3 = [s for s in d["samples"] if s["id"] == "k3"][0]
    assert k3["text_diff"] == ["…丙文[-，将-]{+,已+}改。…"]
    text = format_diff(d)
    assert "1 added, 1 removed, 2 changed, 0 unchanged" in text and "removed: k2" in text and "丙文[-，将-]{+,已+}改" in text


def test_diff_report_shows_each_text_change_at_its_place_and_edit_counts_per_rule(two_versions):
    a, b = two_versions
    d = diff_versions(a, b)
    k3 = [s for s in d["samples"] if s["id"] == "k3"][0]
    # for machines: where each change starts in the older text, and the counts as numbers
    assert k3["text_changes"] == [{"line": 1, "column": 3, "old": "，将", "new": ",已"}]
    assert k3["edits"] == [{"step": "normalize", "rule": "fullwidth-punct", "a": 1, "b": 0}]
    assert "edits" not in k3["values"]
    text = format_diff(d)
    assert "      1:3  …丙文[-，将-]{+,已+}改。…" in text.splitlines()
    assert "      normalize/fullwidth-punct: 1 → 0" in text.splitlines()
    assert '"count"' not in text and '"step"' not in text  # no JSON of the edits list, cut or whole
    # a reviewer who wants more than the first changes of a record can ask for them
    d = diff_versions(a, b, changes=0)
    k3 = [s for s in d["samples"] if s["id"] == "k3"][0]
    assert k3["text_changes"] == [] and k3["text_changes_more"]
    assert "(more changes not shown: --changes N shows more)" in format_diff(d)


def test_text_changes_name_line_and_column_and_show_invisible_characters():
    from educorpus.dataset.diff import format_change, text_changes

    old = "标题\n\u3000\u3000第一段,内容。\n第二段。"
    new = "标题\n第一段，内容。\n第二段。" + "附" * 200
    changes, more = text_changes(old, new)
    assert not more
    assert [(c["line"], c["column"], c["old"], c["new"]) for c in changes] == [
        (2, 1, "\u3000\u3000", ""),
        (2, 6, ",", "，"),
        (3, 5, "", "附" * 200),
    ]
    shown = [format_change(c) for c in changes]
    # an indentation removed is visible, not '[--]' around two blanks
    assert shown[0] == "…[-\\u3000\\u3000-]第一段,内容。…"
    # a long span keeps its head and its tail, and says how much is left out
    assert shown[2] == "…第二段。{+" + "附" * 53 + "…(+134)…" + "附" * 13 + "+}…"


def test_diff_of_a_version_with_itself_is_empty(two_versions):
    a, _ = two_versions
    d = diff_versions(a, a)
    assert d["records"]["unchanged"] == 3 and d["records"]["changed"] == d["records"]["added"] == d["records"]["removed"] == 0
    assert d["config"] == {} and d["libraries"] == {} and d["inputs"]["same"] and d["samples"] == []


def test_diff_cli_json_and_errors(two_versions, tmp_path):
    a, b = two_versions
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run([sys.executable, "-m", "educorpus", "diff", str(a), str(b), "--json"], capture_output=True, env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["records"]["added_ids"] == ["k4"]
    r = subprocess.run([sys.executable, "-m", "educorpus", "diff", str(a), str(tmp_path)], capture_output=True, env=env)
    assert r.returncode == 2 and b"no manifest.json" in r.stderr


def test_a_damaged_data_file_is_named_by_diff_and_check_against(two_versions, tmp_path):
    import shutil

    a, b = two_versions
    damaged = tmp_path / "d" / "0.2.0"
    shutil.copytree(b, damaged)
    data = sorted((damaged / "data").glob("*.parquet"))[0]
    data.write_bytes(data.read_bytes()[:200])  # a copy cut short
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for args in (["diff", str(a), str(damaged)], ["check", "--against", str(damaged)]):
        r = subprocess.run([sys.executable, "-m", "educorpus", *args], capture_output=True, env=env)
        err = r.stderr.decode()
        assert r.returncode == 2 and "Traceback" not in err, (args, err)
        assert f"{data}: cannot read this data file" in err and "damaged" in err, (args, err)


# ---------------------------------------------------------------- push


class FakeHfApi:
    """Stands in for huggingface_hub.HfApi: same method names and keywords, records every call."""

    def __init__(self, tags=()):
        self.calls = []
        self.tags = list(tags)

    def create_repo(self, repo_id, *, repo_type=None, private=False, exist_ok=False):
        self.calls.append(("create_repo", repo_id, {"repo_type": repo_type, "private": private, "exist_ok": exist_ok}))

    def list_repo_refs(self, repo_id, *, repo_type=None):
        self.calls.append(("list_repo_refs", repo_id, {"repo_type": repo_type}))
        return SimpleNamespace(tags=[SimpleNamespace(name=t) for t in self.tags], branches=[])

    def upload_folder(self, *, repo_id, folder_path, repo_type=None, commit_message=None, allow_patterns=None, delete_patterns=None):
        self.calls.append(
            ("upload_folder", repo_id, {"folder_path": folder_path, "repo_type": repo_type, "allow_patterns": allow_patterns, "delete_patterns": delete_patterns, "commit_message": commit_message})
        )
        return SimpleNamespace(oid="c0ffee" * 6 + "abcd", commit_url=f"https://huggingface.co/datasets/{repo_id}/commit/c0ffee")

    def create_tag(self, repo_id, *, tag, revision=None, repo_type=None, tag_message=None):
        self.calls.append(("create_tag", repo_id, {"tag": tag, "revision": revision, "repo_type": repo_type}))
        self.tags.append(tag)


@pytest.fixture
def version(tmp_path):
    src = write_jsonl(tmp_path / "in" / "p.jsonl", {"a": "一篇,文章。", "b": "另一篇。"})
    (tmp_path / "in" / "bad.txt").write_bytes(b"\x00\x01\x02")
    return build_dataset(tmp_path / "in", tmp_path / "dist", "edu", version="0.1.0", progress=False, corpus_steps=[])


def test_push_uploads_tags_and_records_publication(version):
    api = FakeHfApi()
    result = push_version(version, "my-org/edu", api=api)
    names = [c[0] for c in api.calls]
    assert names == ["create_repo", "list_repo_refs", "upload_folder", "create_tag"]
    up = api.calls[2][2]
    assert up["repo_type"] == "dataset" and up["folder_path"] == str(version)
    assert sorted(up["allow_patterns"]) == [
        "README.md",
        "data/train-00000-of-00001.parquet",
        "exclusions/train-00000-of-00001.parquet",
        "manifest.json",
    ]
    assert up["delete_patterns"] == ["data/*", "exclusions/*"]
    tag = api.calls[3][2]
    assert tag == {"tag": "v0.1.0", "revision": result["commit"], "repo_type": "dataset"}
    m = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    assert m["published"][-1]["repo"] == "my-org/edu" and m["published"][-1]["tag"] == "v0.1.0"
    assert len(m["published"]) == 1
    # published: not even --force replaces it, and the same tag is never pushed twice
    with pytest.raises(VersionExistsError, match="published"):
        build_dataset(version.parent.parent.parent / "in", version.parent.parent, "edu", version="0.1.0", force=True, progress=False)
    with pytest.raises(DatasetError, match="already has the tag v0.1.0"):
        push_version(version, "my-org/edu", api=api)


def test_push_checks_the_folder_before_sending_anything(version):
    api = FakeHfApi()
    with pytest.raises(DatasetError, match="ORG/NAME"):
        push_version(version, "edu", api=api)
    shard = version / "data" / "train-00000-of-00001.parquet"
    shard.write_bytes(shard.read_bytes() + b"x")
    with pytest.raises(DatasetError, match="modified after the build"):
        push_version(version, "my-org/edu", api=api)
    assert api.calls == []


def test_push_dry_run_and_cli(version):
    api = FakeHfApi()
    result = push_version(version, "my-org/edu", api=api, dry_run=True)
    assert result["dry_run"] and "manifest.json" in result["files"] and api.calls == []
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run([sys.executable, "-m", "educorpus", "push", str(version), "--repo", "my-org/edu", "--dry-run"], capture_output=True, env=env)
    assert r.returncode == 0, r.stderr
    assert b"would upload 4 files to my-org/edu and tag v0.1.0" in r.stdout
    assert json.loads((version / "manifest.json").read_text(encoding="utf-8"))["published"] == []


def test_push_names_a_hub_failure_as_such(version):
    # huggingface_hub's errors are OSErrors without a file name: the command line's general
    # handler printed 'educorpus: error: standard output: Cannot reach ...'. Offline mode makes
    # the Hub client fail at its first request, with no network used.
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HF_HUB_OFFLINE": "1", "HF_TOKEN": "hf_not_a_token"}
    r = subprocess.run([sys.executable, "-m", "educorpus", "push", str(version), "--repo", "my-org/edu"], capture_output=True, env=env, timeout=120)
    err = r.stderr.decode()
    assert r.returncode == 1, err
    assert err.startswith(f"educorpus: error: pushing {version} to my-org/edu failed: ") and "offline" in err
    assert "standard output" not in err
    assert json.loads((version / "manifest.json").read_text(encoding="utf-8"))["published"] == []
