"""Change budgets: `educorpus check --against VERSION --budget N%` on versions built by educorpus."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import importlib.util

import pytest

from educorpus import cleaners
from educorpus.budget import Budget, BudgetError, check_against, compare_versions, parse_budget
from educorpus.pipeline import Step

from .conftest import SEEDS

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

# the end-to-end tests build versions with educorpus.dataset (the `educorpus build` machinery)
needs_dataset = pytest.mark.skipif(
    importlib.util.find_spec("educorpus.dataset") is None, reason="the dataset build (educorpus.dataset) is not in this tree"
)

PAGES = [
    "9月8日,淄博市召开发布会。",
    "市教育局发布通知,要求各校做好开学准备。",
    "学校召开家长会。",
    "今年全市新建幼儿园12所,新增学位3600个。",
]


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "educorpus", "check", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def version(tmp_path_factory) -> Path:
    """A version built from eight small pages and the four seeds."""
    from educorpus import dataset

    root = tmp_path_factory.mktemp("budget")
    raw = root / "raw"
    raw.mkdir()
    for i, text in enumerate(PAGES * 2):
        (raw / f"page{i}.txt").write_text(text + ("" if i < len(PAGES) else f"第{i}页。"), encoding="utf-8")
    for p in SEEDS.glob("*.txt"):
        shutil.copy(p, raw / p.name)
    # no corpus steps: the short pages would be filtered, and this version is about cleaning changes
    return dataset.build_dataset([str(raw)], root / "dist", "edu-test", version="1.0.0", corpus_steps=[], progress=False)


@pytest.fixture
def misspelling_rule(monkeypatch):
    """A deliberately broken rule: normalize also misspells 教育 (education) as 教肓."""
    (normalize,) = [s for s in cleaners.PIPELINE if s.name == "normalize"]

    def broken(text, ctx):
        text = normalize.run(text, ctx)
        spans, i = [], text.find("教育")
        while i >= 0:
            spans.append((i, i + 2, "教肓", "misspell-education"))
            i = text.find("教育", i + 2)
        return ctx.replace(text, spans)

    monkeypatch.setattr(
        cleaners, "PIPELINE", tuple(Step(s.name, s.description, broken) if s is normalize else s for s in cleaners.PIPELINE)
    )


def _affected(version: Path) -> int:
    texts = [t for f in sorted((version / "data").glob("*.parquet")) for t in pq.read_table(f, columns=["text"])["text"].to_pylist()]
    return sum("教育" in t for t in texts)


@needs_dataset
def test_unchanged_code_is_within_a_zero_budget(version):
    report = check_against(version, budget="0")
    assert report.ok and report.n_changed == 0
    assert report.total == report.unchanged == 12
    assert "0 of 12 record(s) would change (0%)" in report.render()
    r = run_cli("--against", str(version), "--budget", "0.5%")
    assert r.returncode == 0, r.stderr
    assert "within budget" in r.stdout


@needs_dataset
def test_a_broken_rule_exceeds_the_budget_and_names_records_and_rule(version, misspelling_rule):
    n = _affected(version)
    assert 4 < n < 12  # the seeds and two of the pages, not the rest
    report = check_against(version, budget="10%")
    assert not report.ok
    assert (report.changed, report.removed, report.added, report.unchanged) == (n, 0, 0, 12 - n)
    text = report.render(top=3)
    assert f"{n} of 12 record(s) would change" in text and "OVER BUDGET" in text
    assert "most changed records (top 3 of" in text
    # the most changed record is the longest seed full of 教育, shown with its source path
    first = report.records[0]
    assert first.source_path.endswith("003_7e4ad0116b8f5bc5.txt") and first.source_path in text
    assert "[育→肓]" in text
    assert "← normalize/misspell-education: '教育' → '教肓'" in text
    assert report.rules["normalize/misspell-education"] == n
    assert "  normalize/misspell-education: " in text.split("rules behind the differences")[1]


@needs_dataset
def test_a_budget_large_enough_passes(version, misspelling_rule):
    n = _affected(version)
    assert check_against(version, budget=str(n)).ok
    assert not check_against(version, budget=str(n - 1)).ok
    assert check_against(version, budget="100%").ok


@needs_dataset
def test_cli_budget_exit_status_and_report(version, tmp_path):
    # a rule change the CLI sees: a golden-free way is a config change, so edit a copy's manifest
    copy = tmp_path / "edu-test" / "1.0.0"
    shutil.copytree(version, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["config"]["skip"] = ["normalize"]  # as if the version had been built without normalize
    (copy / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    # re-cleaning without normalize changes every record with ASCII punctuation after Chinese
    r = run_cli("--against", str(copy), "--budget", "0.5%", "--top", "1")
    assert r.returncode == 1, r.stderr
    assert "OVER BUDGET" in r.stdout and "most changed records (top 1 of" in r.stdout
    assert "normalize" not in r.stdout.split("rules behind the differences")[1]
    assert "(no edit: the raw text is kept there)" in r.stdout


@needs_dataset
def test_changed_inputs_stop_the_check(version, tmp_path):
    copy_raw = tmp_path / "raw"
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    shutil.copytree(manifest["inputs"]["arguments"][0], copy_raw)
    # the same files elsewhere: fine
    assert check_against(version, inputs=[copy_raw]).ok
    (copy_raw / "page0.txt").write_text("改过的文本", encoding="utf-8")
    with pytest.raises(BudgetError, match=r"raw/page0.txt changed \(SHA-256"):
        check_against(version, inputs=[copy_raw])
    (copy_raw / "page0.txt").unlink()
    with pytest.raises(BudgetError, match="raw/page0.txt is missing"):
        check_against(version, inputs=[copy_raw])
    r = run_cli("--against", str(version), "--inputs", str(copy_raw))
    assert r.returncode == 2 and "page0.txt is missing" in r.stderr


@needs_dataset
def test_the_rebuilds_unreadable_inputs_are_a_note_of_the_report_not_a_warning(tmp_path):
    # printed as 'educorpus: warning: NAME X.Y.Z: 1 input(s) could not be read', the rebuild's own
    # warning read in a CI log like a result of the user's build
    from educorpus import dataset

    raw = tmp_path / "raw"
    raw.mkdir()
    for p in SEEDS.glob("*.txt"):
        shutil.copy(p, raw / p.name)
    (raw / "notes.xyz").write_text("x", encoding="utf-8")  # a type educorpus does not read
    version = dataset.build_dataset([str(raw)], tmp_path / "dist", "edu-x", version="1.0.0", corpus_steps=[], progress=False)
    r = run_cli("--against", str(version))
    assert r.returncode == 0, r.stderr
    assert r.stderr == "" and "could not be read" not in r.stderr
    assert "note: the rebuild of the published version could not read 1 input(s) (the published version's build " \
        "could not read 1 either); they are excluded records, not data: raw/notes.xyz: not a type" in r.stdout
    # the library's own build still warns: only the check folds it into its report
    import logging

    seen = []
    handler = logging.Handler()
    handler.emit = seen.append
    logging.getLogger("educorpus.dataset").addHandler(handler)
    try:
        dataset.build_dataset([str(raw)], tmp_path / "dist", "edu-x", version="1.0.1", corpus_steps=[], progress=False)
        check_against(version)
    finally:
        logging.getLogger("educorpus.dataset").removeHandler(handler)
    assert [rec.getMessage().split(":")[0] for rec in seen] == ["edu-x 1.0.1"]


def test_not_a_version_folder(tmp_path):
    with pytest.raises(BudgetError, match="no manifest.json"):
        check_against(tmp_path)
    r = run_cli("--against", str(tmp_path))
    assert r.returncode == 2 and "no manifest.json" in r.stderr


def test_parse_budget():
    assert parse_budget("0.5%") == Budget(fraction=0.005)
    assert parse_budget(" 2 % ") == Budget(fraction=0.02)
    assert parse_budget("3") == Budget(count=3)
    assert Budget(fraction=0.005).allowed(1000) == 5
    for bad in ("-1", "0.5", "abc", "150%"):
        with pytest.raises(BudgetError, match="budget"):
            parse_budget(bad)


# ------------------------------------------------------------- hand-built version folders (no build)


def _version(folder: Path, records: list[tuple[str, str]]) -> Path:
    """A version folder as `educorpus build` writes it, reduced to what the comparison reads."""
    (folder / "data").mkdir(parents=True)
    table = pa.table(
        {
            "id": [i for i, _t in records],
            "text": [t for _i, t in records],
            "source_path": [f"raw/{i}.txt" for i, _t in records],
            "raw_sha256": ["0" * 64 for _ in records],
        }
    )
    pq.write_table(table, folder / "data" / "train-00000-of-00001.parquet")
    manifest = {"name": "hand", "version": folder.name, "config": {"to": "hans"}, "inputs": {"arguments": [], "files": []}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_compare_counts_changed_removed_and_added_records_and_ranks_them(tmp_path):
    old = _version(tmp_path / "a" / "1.0.0", [("r1", "甲乙丙"), ("r2", "学校召开家长会。"), ("r3", "不变"), ("r4", "将被排除")])
    new = _version(tmp_path / "b" / "1.0.0", [("r1", "甲乙丁"), ("r2", "学校召开了家长大会！"), ("r3", "不变"), ("r5", "新记录")])
    report = compare_versions(old, new, "50%")
    assert (report.changed, report.removed, report.added, report.unchanged, report.total) == (2, 1, 1, 1, 4)
    assert report.n_changed == 4 and not report.ok
    assert [(r.id, r.kind) for r in report.records] == [("r2", "changed"), ("r1", "changed"), ("r4", "removed"), ("r5", "added")]
    assert report.records[1].changed_chars == 1 and report.records[1].spans == 1
    text = report.render()
    assert "4 of 4 record(s) would change (100%); budget 50% (≤ 2 record(s)): OVER BUDGET" in text
    assert "r4 (raw/r4.txt): no longer in the data (excluded now)" in text and "r5 (raw/r5.txt): newly in the data" in text
    assert compare_versions(old, new, "4").ok and not compare_versions(old, new, "3").ok


def test_compare_identical_versions_is_within_a_zero_budget(tmp_path):
    records = [(f"r{i}", f"第{i}条记录。") for i in range(50)]
    report = compare_versions(_version(tmp_path / "a" / "1.0.0", records), _version(tmp_path / "b" / "1.0.0", records))
    assert report.ok and report.unchanged == 50 and report.records == []


def test_compare_rejects_folders_that_are_not_versions(tmp_path):
    good = _version(tmp_path / "a" / "1.0.0", [("r1", "甲")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(BudgetError, match="no data/\\*.parquet"):
        compare_versions(good, tmp_path / "empty")
