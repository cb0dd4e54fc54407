"""``educorpus build`` / ``build_dataset``: the folder, its schema, card, manifest, determinism, safety."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import educorpus
from educorpus import CleanConfig, build_dataset
from educorpus.corpus import CorpusStep, Exclusion
from educorpus.dataset import BuildLockedError, DatasetError, VersionExistsError
from educorpus.dataset.build import default_corpus_steps
from educorpus.dataset.inputs import raw_id
from educorpus.dataset.records import DATA_COLUMNS

from .conftest import ROOT, SEEDS

datasets = pytest.importorskip("datasets")
yaml = pytest.importorskip("yaml")

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def cli(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "educorpus", *args], capture_output=True, cwd=cwd, env=env)


def load(folder: Path, cache: Path, config: str | None = None):
    return datasets.load_dataset(str(folder), config, split="train", cache_dir=str(cache))


def front_matter(card: str) -> dict:
    assert card.startswith("---\n")
    end = card.index("\n---\n", 4)
    return yaml.safe_load(card[4:end])


def data_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for sub in ("data", "exclusions")
        for p in sorted((folder / sub).glob("*"))
    }


@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    path = build_dataset([SEEDS], out, "edu-seeds", version="0.1.0", progress=False)
    return path


def test_build_writes_the_hub_layout_and_load_dataset_reads_it(seeds_build, tmp_path, seeds):
    assert seeds_build.name == "0.1.0" and seeds_build.parent.name == "edu-seeds"
    assert sorted(p.name for p in seeds_build.iterdir()) == ["README.md", "data", "manifest.json"]
    assert [p.name for p in (seeds_build / "data").iterdir()] == ["train-00000-of-00001.parquet"]
    ds = load(seeds_build, tmp_path)
    assert ds.column_names == [name for name, _t, _d in DATA_COLUMNS]
    f = ds.features
    assert f["text"].dtype == "string" and f["n_chars"].dtype == "int64" and f["spun_score"].dtype == "float64"
    assert f["flags"].feature.dtype == "string"
    assert set(f["edits"].feature) == {"step", "rule", "count"}
    assert len(ds) == len(seeds) == 4
    by_path = {row["source_path"]: row for row in ds}
    assert sorted(by_path) == [f"seeds/{name}" for name in seeds]
    for name, raw in seeds.items():
        row = by_path[f"seeds/{name}"]
        # the id is derived from the raw text; the text is exactly what clean() makes of it
        assert row["id"] == raw_id(raw)
        assert row["text"] == educorpus.clean(raw)
        assert row["n_chars"] == len(row["text"])
        assert row["encoding"] == "utf-8"
        counts = {(e["step"], e["rule"]): e["count"] for e in row["edits"]}
        doc = educorpus.clean_and_explain(raw)
        assert sum(counts.values()) == len(doc.edits)


def test_card_is_valid_yaml_and_markdown_with_real_figures(seeds_build):
    card = (seeds_build / "README.md").read_text(encoding="utf-8")
    meta = front_matter(card)
    assert meta["language"] == ["zh"] and meta["pretty_name"] == "edu-seeds"
    assert meta["license"] == "unknown" and meta["size_categories"] == ["n<1K"]
    assert meta["task_categories"] == ["text-generation"]
    assert meta["configs"][0] == {
        "config_name": "default",
        "default": True,
        "data_files": [{"split": "train", "path": "data/train-*"}],
    }
    from huggingface_hub import DatasetCard

    hub_card = DatasetCard(card)  # the Hub's own parser accepts it
    assert hub_card.data.pretty_name == "edu-seeds"

    manifest = json.loads((seeds_build / "manifest.json").read_text(encoding="utf-8"))
    n_chars = manifest["counts"]["characters"]
    assert n_chars == sum(len(educorpus.clean(p.read_text(encoding="utf-8"))) for p in SEEDS.glob("*.txt"))
    assert f"| characters | {n_chars:,} |" in card
    assert "| records | 4 |" in card
    norm = manifest["stats"]["steps"]["normalize"]
    assert f"| `normalize` | 4 | {norm['edits']:,} | {norm['chars_removed']:,} | {norm['chars_added']:,} |" in card
    top_rule, top_n = max(norm["rules"].items(), key=lambda kv: kv[1])
    assert f"| `normalize/{top_rule}` | {top_n:,} |" in card
    for heading in ("## Summary", "### Spun-score histogram", "## Fields", "## How it was made", "## Changelog", "## License"):
        assert heading in card
    assert "First version" in card
    assert manifest["config_sha256"] in card
    # fenced code blocks are balanced: the markdown renders
    assert card.count("```") % 2 == 0


def test_manifest_records_config_inputs_libraries_and_statistics(seeds_build, seeds):
    m = json.loads((seeds_build / "manifest.json").read_text(encoding="utf-8"))
    assert m["version"] == "0.1.0" and m["name"] == "edu-seeds"
    assert CleanConfig.from_dict(m["config"]) == CleanConfig()
    assert m["config_sha256"] == CleanConfig().fingerprint()
    import hashlib

    files = {f["path"]: f for f in m["inputs"]["files"]}
    for name in seeds:
        data = (SEEDS / name).read_bytes()
        assert files[f"seeds/{name}"]["sha256"] == hashlib.sha256(data).hexdigest()
        assert files[f"seeds/{name}"]["bytes"] == len(data)
    for lib in ("educorpus", "opencc", "ftfy", "jieba", "datasets", "python"):
        assert m["libraries"][lib]
    assert m["counts"]["records"] == 4 and m["counts"]["exclusions"] == 0
    assert m["stats"]["documents"] == 4 and "normalize" in m["stats"]["steps"]
    assert m["build_options"] == {"text_field": "text", "id_field": None, "keep_raw": False, "license": None}
    assert m["published"] == [] and m["previous_version"] is None
    for f in m["files"]:
        assert (seeds_build / f["path"]).stat().st_size == f["bytes"]


def test_building_twice_gives_byte_identical_files(tmp_path):
    a = build_dataset(SEEDS, tmp_path / "a", "edu-seeds", version="0.1.0", progress=False)
    b = build_dataset(SEEDS, tmp_path / "b", "edu-seeds", version="0.1.0", progress=False)
    assert data_bytes(a) == data_bytes(b) and data_bytes(a)
    assert (a / "README.md").read_bytes() == (b / "README.md").read_bytes()
    ma = json.loads((a / "manifest.json").read_text(encoding="utf-8"))
    mb = json.loads((b / "manifest.json").read_text(encoding="utf-8"))
    ma.pop("built_at"), mb.pop("built_at")
    assert ma == mb


def _jsonl_corpus(path: Path, seeds: dict[str, str], n: int) -> Path:
    texts = list(seeds.values())
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            base = texts[i % len(texts)]
            lines = base.splitlines()
            text = "\n".join(lines[i % 7 :] + [f"第{i}号通知,请于{i % 28 + 1}日前报名。"])
            fh.write(json.dumps({"text": text, "url": f"http://school{i % 5}.edu.cn/{i}.html", "rank": i}, ensure_ascii=False) + "\n")
    return path


def test_worker_processes_give_the_same_bytes_in_input_order(tmp_path, seeds):
    # near-copies of the seeds: without corpus steps, so deduplication keeps them all
    src = _jsonl_corpus(tmp_path / "pages.jsonl", seeds, 200)
    one = build_dataset(src, tmp_path / "one", "pages", version="1.0.0", progress=False, corpus_steps=[])
    two = build_dataset(src, tmp_path / "two", "pages", version="1.0.0", progress=False, num_proc=2, corpus_steps=[])
    assert data_bytes(one) == data_bytes(two)
    ds = load(two, tmp_path / "cache")
    assert [json.loads(e)["rank"] for e in ds["extra"]] == list(range(200))
    assert ds[3]["url"] == "http://school3.edu.cn/3.html" and ds[3]["source_path"] == "pages.jsonl:4"


def test_existing_version_is_never_overwritten(seeds_build):
    before = data_bytes(seeds_build)
    with pytest.raises(VersionExistsError) as err:
        build_dataset(SEEDS, seeds_build.parent.parent, "edu-seeds", version="0.1.0", progress=False, config=CleanConfig(skip=("normalize",)))
    msg = str(err.value)
    assert "0.1.0 already exists" in msg and "--bump" in msg and "--force" in msg
    assert data_bytes(seeds_build) == before


def test_cli_build_and_building_the_same_version_again(tmp_path):
    r = cli("build", str(SEEDS), "--out", str(tmp_path / "dist"), "--name", "edu-seeds", "--version", "0.1.0")
    assert r.returncode == 0, r.stderr
    target = tmp_path / "dist" / "edu-seeds" / "0.1.0"
    assert r.stdout.decode().strip() == str(target)
    assert "4 records, 0 excluded" in r.stderr.decode()
    again = cli("build", str(SEEDS), "--out", str(tmp_path / "dist"), "--name", "edu-seeds", "--version", "0.1.0")
    assert again.returncode == 2
    err = again.stderr.decode()
    assert "already exists" in err and "never overwritten" in err and "Traceback" not in err


def test_force_replaces_an_unpublished_version_only(tmp_path):
    out = tmp_path / "dist"
    first = build_dataset(SEEDS, out, "s", version="0.1.0", progress=False)
    build_dataset(SEEDS, out, "s", version="0.1.0", progress=False, force=True, config=CleanConfig(skip=("normalize",)))
    m = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    assert m["config"]["skip"] == ["normalize"]
    assert sorted(p.name for p in (out / "s").iterdir()) == ["0.1.0"]  # no temporary or replaced folders left
    m["published"] = [{"repo": "org/s", "commit": "abc", "tag": "v0.1.0", "at": "2024-01-01T00:00:00+00:00"}]
    (first / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(VersionExistsError, match="published"):
        build_dataset(SEEDS, out, "s", version="0.1.0", progress=False, force=True)


def test_bump_minor_after_a_config_change_has_a_changelog_and_diff_lists_the_changes(tmp_path):
    out = tmp_path / "dist"
    build_dataset(SEEDS, out, "edu-seeds", version="0.1.0", progress=False)
    r = cli("build", str(SEEDS), "--out", str(out), "--name", "edu-seeds", "--bump", "minor", "--skip", "normalize")
    assert r.returncode == 0, r.stderr
    new = out / "edu-seeds" / "0.2.0"
    assert r.stdout.decode().strip() == str(new)
    card = (new / "README.md").read_text(encoding="utf-8")
    log = card[card.index("## Changelog") :]
    assert "0.2.0 (compared with 0.1.0)" in log
    assert "Records: 4 → 4 (0 added, 0 removed, 4 changed, 0 unchanged)" in log
    assert '`skip`: `[]` → `["normalize"]`' in log
    assert "Inputs: identical" in log
    # a sample of the text change: without normalize, ASCII ',' ':' stay as they were
    assert re.search(r"\[-[，：]-\]\{\+[,:]\+\}", log)
    m = json.loads((new / "manifest.json").read_text(encoding="utf-8"))
    assert m["previous_version"] == "0.1.0" and m["changes"]["records"]["changed"] == 4

    d = cli("diff", str(out / "edu-seeds" / "0.1.0"), str(new))
    assert d.returncode == 0, d.stderr
    text = d.stdout.decode()
    assert "0 added, 0 removed, 4 changed, 0 unchanged" in text
    assert "changed fields: " in text and "text 4" in text
    assert 'skip: [] → ["normalize"]' in text
    j = cli("diff", str(out / "edu-seeds" / "0.1.0"), str(new), "--json")
    data = json.loads(j.stdout.decode())
    assert data["records"]["changed"] == 4 and data["changed_fields"]["text"] == 4
    assert data["config"] == {"skip": [[], ["normalize"]]}
    assert data["samples"] and data["samples"][0]["text_diff"]

    assert build_dataset(SEEDS, out, "edu-seeds", bump="patch", progress=False).name == "0.2.1"


def test_corrupt_inputs_go_to_the_exclusions_and_the_build_goes_on(tmp_path):
    src = tmp_path / "raw"
    src.mkdir()
    (src / "good.txt").write_text("9月8日,淄博市召开教育大会。", encoding="utf-8")
    (src / "image.txt").write_bytes(PNG)
    (src / "nul.txt").write_bytes(b"abc\x00\x00def")
    (src / "photo.png").write_bytes(PNG)
    (src / ".DS_Store").write_bytes(b"\x00\x01")  # hidden: not content, skipped
    (src / "news.jsonl").write_text(
        '{"text": "第一篇,正文。", "title": "一"}\n{"text": "broken\n{"text": 7}\n{"body": "没有text字段"}\n\n{"text": "   "}\n',
        encoding="utf-8",
    )
    # no corpus steps: a quality filter would rightly drop these very short pages
    r = cli("build", str(src), "--out", str(tmp_path / "dist"), "--name", "raw", "--version", "0.1.0", "--no-corpus-steps")
    assert r.returncode == 0, r.stderr
    err = r.stderr.decode()
    assert "could not be read" in err and "image.txt" in err and "news.jsonl:2" in err
    # the library's warning in the command's own form, like every other line on stderr
    assert err.startswith("educorpus: warning: raw 0.1.0: 7 input(s) could not be read"), err
    assert "2 records, 7 excluded" in err
    folder = tmp_path / "dist" / "raw" / "0.1.0"
    ex = load(folder, tmp_path / "cache", "exclusions")
    rows = {row["source_path"]: row for row in ex}
    assert rows["raw/image.txt"]["reason"] == "undecodable" and "PNG" in json.loads(rows["raw/image.txt"]["detail"])["message"]
    assert rows["raw/nul.txt"]["reason"] == "undecodable"
    assert rows["raw/photo.png"]["reason"] == "unsupported-file-type"
    assert rows["raw/news.jsonl:2"]["reason"] == "broken-json" and rows["raw/news.jsonl:2"]["raw_text"] == '{"text": "broken'
    assert rows["raw/news.jsonl:3"]["reason"] == "text-not-string"
    assert rows["raw/news.jsonl:4"]["reason"] == "missing-text-field"
    assert rows["raw/news.jsonl:6"]["reason"] == "empty-text"
    assert all(row["stage"] == "input" for row in ex)
    ds = load(folder, tmp_path / "cache")
    assert sorted(ds["text"]) == ["9月8日，淄博市召开教育大会。", "第一篇，正文。"]
    assert ds.filter(lambda r: r["source_path"] == "raw/news.jsonl:1")[0]["title"] == "一"
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert [c["config_name"] for c in front_matter(card)["configs"]] == ["default", "exclusions"]
    assert "| `undecodable` | 2 |" in card


def test_unwritable_output_fails_before_any_work(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")

    class Boom(CorpusStep):
        name = "boom"

        def observe(self, record):
            raise AssertionError("work started")

    with pytest.raises(DatasetError, match="cannot create the output folder"):
        build_dataset(SEEDS, blocker / "dist", "s", version="0.1.0", corpus_steps=[Boom()], progress=False)
    r = cli("build", str(SEEDS), "--out", str(blocker / "dist"), "--name", "s", "--version", "0.1.0")
    assert r.returncode == 2 and b"choose another --out" in r.stderr


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_output_folder_fails_before_any_work(tmp_path):
    ro = tmp_path / "ro"
    (ro / "s").mkdir(parents=True)
    ro.chmod(0o555)
    (ro / "s").chmod(0o555)
    try:
        with pytest.raises(DatasetError, match="not writable"):
            build_dataset(SEEDS, ro, "s", version="0.1.0", progress=False)
    finally:
        (ro / "s").chmod(0o755)
        ro.chmod(0o755)


def test_missing_input_and_bad_options_fail_before_any_work(tmp_path):
    with pytest.raises(DatasetError, match="input not found: .*nope"):
        build_dataset([SEEDS, tmp_path / "nope"], tmp_path, "s", version="0.1.0", progress=False)
    with pytest.raises(DatasetError, match="X.Y.Z"):
        build_dataset(SEEDS, tmp_path, "s", version="1.0", progress=False)
    with pytest.raises(DatasetError, match="not both"):
        build_dataset(SEEDS, tmp_path, "s", version="1.0.0", bump="minor", progress=False)
    with pytest.raises(DatasetError, match="--version X.Y.Z"):
        build_dataset(SEEDS, tmp_path, "s", progress=False)
    with pytest.raises(DatasetError, match="dataset name"):
        build_dataset(SEEDS, tmp_path, "a/b", version="1.0.0", progress=False)
    assert not (tmp_path / "s" / "1.0.0").exists()


def test_empty_directories_fail_before_any_work_and_say_so(tmp_path):
    # the message was "no inputs given", and DIR/NAME/ was left behind
    (tmp_path / "raw" / "sub").mkdir(parents=True)
    (tmp_path / "raw" / ".hidden").write_text("x", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"nothing to read in .*raw: the directories are empty"):
        build_dataset(tmp_path / "raw", tmp_path / "dist", "s", version="0.1.0", progress=False)
    assert not (tmp_path / "dist").exists()


# ---------------------------------------------------------------- corpus steps


class DropShort(CorpusStep):
    """Needs the whole corpus: drops records shorter than the median length."""

    name = "drop-short"
    description = "test step: drop records shorter than the median"

    def __init__(self):
        self.lengths = []
        self.median = None
        self.applied_before_finalize = False

    def observe(self, record):
        if self.median is not None:
            self.applied_before_finalize = True
        self.lengths.append(record["n_chars"])

    def finalize(self):
        s = sorted(self.lengths)
        self.median = s[len(s) // 2]
        return {"median": self.median, "seen": len(s)}

    def apply(self, record):
        if record["n_chars"] < self.median:
            return Exclusion("too-short", {"n_chars": record["n_chars"], "median": self.median})
        return record


class StripMarker(CorpusStep):
    name = "strip-marker"

    def apply(self, record):
        if "【广告】" in record["text"]:
            n = record["text"].count("【广告】")
            record["text"] = record["text"].replace("【广告】", "")
            record["n_chars"] = len(record["text"])
            record["edits"].setdefault(self.name, {})["ad-marker"] = n
        return record


def test_corpus_steps_run_in_two_passes_and_are_recorded(tmp_path):
    src = tmp_path / "pages.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(1, 11):
            fh.write(json.dumps({"text": "【广告】" + "教育" * (i * 10)}, ensure_ascii=False) + "\n")
    drop, strip = DropShort(), StripMarker()
    folder = build_dataset(src, tmp_path / "dist", "c", version="0.1.0", corpus_steps=[strip, drop], progress=False, keep_raw=True)
    assert not drop.applied_before_finalize
    ds = load(folder, tmp_path / "cache")
    assert len(ds) == 5 and all("【广告】" not in t for t in ds["text"])
    assert all(row["raw"].startswith("【广告】") for row in ds)
    assert all({"step": "strip-marker", "rule": "ad-marker", "count": 1} in row["edits"] for row in ds)
    assert all(row["n_chars"] == len(row["text"]) for row in ds)
    ex = load(folder, tmp_path / "cache", "exclusions")
    assert len(ex) == 5 and set(ex["stage"]) == {"drop-short"} and set(ex["reason"]) == {"too-short"}
    assert all(r.startswith("【广告】") for r in ex["raw_text"])
    assert json.loads(ex[0]["detail"])["median"] == 120
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert m["corpus_steps"] == ["strip-marker", "drop-short"]
    assert m["corpus_stats"]["drop-short"]["stats"] == {"median": 120, "seen": 10}
    assert m["corpus_stats"]["drop-short"]["excluded"] == {"too-short": 5}
    assert m["corpus_stats"]["strip-marker"]["rewritten"] == 10 and m["corpus_stats"]["strip-marker"]["chars_removed"] == 40
    assert m["counts"]["exclusions_by_stage"] == {"drop-short": 5}
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "### Corpus steps" in card and "| `drop-short` | 10 | 5 | too-short 5 | 0 |" in card
    assert not list(folder.rglob(".spill*"))


def test_default_corpus_steps_come_from_the_corpus_package(tmp_path, monkeypatch):
    import educorpus.corpus as corpus

    if not hasattr(corpus, "default_steps"):
        assert default_corpus_steps() == []
    seen = []

    class Count(CorpusStep):
        name = "count"

        def observe(self, record):
            seen.append(record["id"])

    monkeypatch.setattr(corpus, "default_steps", lambda config: [Count()], raising=False)
    assert [s.name for s in default_corpus_steps(CleanConfig())] == ["count"]
    folder = build_dataset(SEEDS, tmp_path, "s", version="0.1.0", progress=False)
    assert len(seen) == 4
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["corpus_steps"] == ["count"]


# ---------------------------------------------------------------- safety


class Fail(CorpusStep):
    name = "fail"

    def __init__(self, exc):
        self.exc = exc

    def apply(self, record):
        raise self.exc


@pytest.mark.parametrize("exc", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_an_interrupted_build_leaves_no_half_version(tmp_path, exc):
    with pytest.raises(type(exc)):
        build_dataset(SEEDS, tmp_path, "s", version="0.1.0", corpus_steps=[Fail(exc)], progress=False)
    assert list((tmp_path / "s").iterdir()) == []  # no version, no temporary folder, no lock
    build_dataset(SEEDS, tmp_path, "s", version="0.1.0", corpus_steps=[], progress=False)
    assert (tmp_path / "s" / "0.1.0" / "manifest.json").is_file()


def test_two_concurrent_builds_of_one_version_one_wins(tmp_path):
    started, release = threading.Event(), threading.Event()

    class Slow(CorpusStep):
        name = "slow"

        def observe(self, record):
            started.set()
            release.wait(30)

    result = {}

    def first():
        try:
            result["path"] = build_dataset(SEEDS, tmp_path, "s", version="0.1.0", corpus_steps=[Slow()], progress=False)
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            result["error"] = exc

    t = threading.Thread(target=first)
    t.start()
    try:
        assert started.wait(30)
        with pytest.raises(BuildLockedError, match="another build of version 0.1.0 is running"):
            build_dataset(SEEDS, tmp_path, "s", version="0.1.0", corpus_steps=[], progress=False)
    finally:
        release.set()
        t.join(60)
    assert "error" not in result and result["path"].name == "0.1.0"
    with pytest.raises(VersionExistsError):
        build_dataset(SEEDS, tmp_path, "s", version="0.1.0", corpus_steps=[], progress=False)


def test_a_lock_left_by_a_dead_build_is_taken_over(tmp_path):
    import socket

    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    dead = int(proc.stdout)
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / ".0.1.0.lock").write_text(json.dumps({"pid": dead, "host": socket.gethostname()}))
    (tmp_path / "s" / f".0.1.0.tmp-{dead}").mkdir()  # its half-written folder
    build_dataset(SEEDS, tmp_path, "s", version="0.1.0", progress=False)
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == ["0.1.0"]


def test_no_progress_output_when_stderr_is_not_a_terminal(tmp_path, capfd):
    build_dataset(SEEDS, tmp_path, "s", version="0.1.0", progress=True)
    assert capfd.readouterr().err == ""


def test_an_unreadable_previous_version_does_not_stop_the_next_build(tmp_path):
    first = build_dataset(SEEDS, tmp_path, "s", version="0.1.0", progress=False)
    (first / "data" / "train-00000-of-00001.parquet").write_bytes(b"not parquet")
    second = build_dataset(SEEDS, tmp_path, "s", bump="minor", progress=False)
    card = (second / "README.md").read_text(encoding="utf-8")
    assert "### 0.2.0 (compared with 0.1.0)" in card and "could not be compared" in card
    assert "error" in json.loads((second / "manifest.json").read_text(encoding="utf-8"))["changes"]


def test_default_corpus_steps_and_their_options_are_recorded(tmp_path):
    import educorpus
    from educorpus.budget import check_against
    from educorpus.dataset import load_manifest

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    v = educorpus.build_dataset(seeds, tmp_path, "edu", version="1.0.0", corpus_options={"near_threshold": 0.5}, progress=False)
    m = load_manifest(v)
    assert m["corpus_steps"] == ["site-boilerplate", "quality", "dedup"]
    assert m["corpus_options"]["near_threshold"] == 0.5
    # re-cleaning the version runs the same corpus steps with the recorded options: no change
    report = check_against(v, budget="0")
    assert report.ok and report.n_changed == 0


def test_cli_corpus_switches(tmp_path):
    import subprocess
    import sys

    from educorpus.dataset import load_manifest

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    r = subprocess.run(
        [sys.executable, "-m", "educorpus", "build", str(seeds), "--out", str(tmp_path), "--name", "e", "--version", "1.0.0",
         "--no-dedup", "--corpus-option", "min_chars=10", "--no-progress"],
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    m = load_manifest(tmp_path / "e" / "1.0.0")
    assert m["corpus_steps"] == ["site-boilerplate", "quality"]
    assert m["corpus_options"]["min_chars"] == 10
    bad = subprocess.run(
        [sys.executable, "-m", "educorpus", "build", str(seeds), "--out", str(tmp_path), "--name", "e", "--version", "1.0.1",
         "--corpus-option", "bogus=1"],
        capture_output=True, text=True,
    )
    assert bad.returncode != 0 and "bogus" in bad.stderr


def test_a_build_with_no_record_left_fails_and_says_why(tmp_path):
    # a version of 0 rows was written and exit 0, but datasets cannot load an empty split
    # ('Instruction "train" corresponds to no data'): a version nobody could read
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "image.txt").write_bytes(PNG)
    (raw / "empty.txt").write_bytes(b"")
    with pytest.raises(DatasetError, match=r"no record left to write: all 2 were excluded \(empty-text 1, undecodable 1\): .*image\.txt.*nothing was written"):
        build_dataset(raw, tmp_path / "dist", "s", version="0.1.0", progress=False)
    assert sorted(p.name for p in (tmp_path / "dist" / "s").iterdir()) == []  # no version, no lock, no leftovers
