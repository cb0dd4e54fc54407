"""The pytest plugin, run with pytester: each golden case an item, failures carry the diff."""

from __future__ import annotations

import shutil

import pytest

from educorpus import cleaners
from educorpus.pipeline import Step

from .conftest import ROOT

pytest_plugins = ["pytester"]

# `-p` loads the plugin when educorpus is only on PYTHONPATH; when it is installed, the entry
# point of the same name is used instead (it is never registered twice)
PLUGIN = ("-p", "educorpus.pytest_plugin", "-p", "no:cacheprovider")


@pytest.fixture(autouse=True)
def _only_our_plugin(monkeypatch):
    # other installed plugins (hypothesis, anyio) make each inner run seconds slower
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


@pytest.fixture
def golden(pytester):
    d = pytester.path / "golden"
    d.mkdir()
    for name, raw, expected in [
        ("comma", "甲,乙", "甲，乙"),
        ("school", "市教育局发布通知", "市教育局发布通知"),
        ("plain", "学校召开家长会。", "学校召开家长会。"),
    ]:
        (d / f"{name}.raw.txt").write_text(raw, encoding="utf-8")
        (d / f"{name}.expected.txt").write_text(expected + "\n", encoding="utf-8")
    return d


def test_each_case_is_an_item_and_passes(pytester, golden):
    result = pytester.runpytest(*PLUGIN, "--educorpus-cases", str(golden), "-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*golden/comma.raw.txt::comma PASSED*", "*golden/plain.raw.txt::plain PASSED*"])


def test_a_failing_case_reports_its_diff(pytester, golden):
    (golden / "comma.expected.txt").write_text("甲,乙\n", encoding="utf-8")
    result = pytester.runpytest(*PLUGIN, "--educorpus-cases", str(golden))
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*educorpus case comma*",
            "--- comma (expected)",
            "+++ comma (actual)",
            "-甲,乙",
            "+甲，乙",
            "*← normalize/fullwidth-punct: ',' → '，'",
            "FAILED golden/comma.raw.txt::comma*",
        ]
    )
    out = result.stdout.str()
    assert "output line 1: …甲[,→，]乙…" in out
    assert "Traceback" not in out


def test_a_deliberately_broken_rule_fails_the_cases_it_touches_by_name(pytester, golden, monkeypatch):
    # a rule that misspells 教育 (education) as 教肓, added to the normalize step
    (normalize,) = [s for s in cleaners.PIPELINE if s.name == "normalize"]

    def broken(text, ctx):
        text = normalize.run(text, ctx)
        i = text.find("教育")
        return ctx.replace(text, [(i, i + 2, "教肓", "misspell-education")] if i >= 0 else [])

    monkeypatch.setattr(
        cleaners, "PIPELINE", tuple(Step(s.name, s.description, broken) if s is normalize else s for s in cleaners.PIPELINE)
    )
    # the project's own golden cases too (a copy, so that pytest does not pick up our pyproject.toml):
    # every seed is about 教育
    shutil.copytree(ROOT / "tests" / "golden", pytester.path / "seeds")
    result = pytester.runpytest(*PLUGIN, "--educorpus-cases", str(golden), "--educorpus-cases", "seeds")
    names = sorted(p.stem for p in (ROOT / "seeds").glob("*.txt"))
    result.assert_outcomes(passed=2, failed=1 + len(names))
    result.stdout.fnmatch_lines(["FAILED golden/school.raw.txt::school*"])
    for name in names:
        result.stdout.fnmatch_lines([f"FAILED seeds/{name}.raw.txt::{name}*"])
    result.stdout.fnmatch_lines(["*← normalize/misspell-education: '教育' → '教肓'"])
    assert "…市教[育→肓]局发布通知…" in result.stdout.str()


def test_keyword_selects_cases(pytester, golden):
    result = pytester.runpytest(*PLUGIN, "--educorpus-cases", str(golden), "-k", "school")
    result.assert_outcomes(passed=1)


def test_ini_option_collects_cases_when_pytest_walks_their_folder(pytester, golden):
    pytester.makeini("[pytest]\neducorpus_cases = golden\n")
    pytester.makepyfile(test_other="def test_other():\n    pass\n")
    pytester.runpytest(*PLUGIN).assert_outcomes(passed=4)
    # asked to run one test file, pytest does not walk the case folder
    pytester.runpytest(*PLUGIN, "test_other.py").assert_outcomes(passed=1)


def test_jsonl_cases(pytester):
    f = pytester.path / "cases.jsonl"
    f.write_text(
        '{"name": "ok", "raw": "甲,乙", "expected": "甲，乙"}\n{"name": "bad", "raw": "丙,丁", "expected": "丙,丁"}\n',
        encoding="utf-8",
    )
    result = pytester.runpytest(*PLUGIN, "--educorpus-cases", str(f))
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["FAILED cases.jsonl::bad*"])


def test_a_broken_case_file_is_a_named_collection_error(pytester, golden):
    (golden / "comma.meta.json").write_text('{"options": {"to": "klingon"}}', encoding="utf-8")
    result = pytester.runpytest(*PLUGIN, "--educorpus-cases", str(golden))
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*comma.meta.json*unknown target script 'klingon'*"])


def test_a_missing_or_empty_case_folder_is_a_usage_error(pytester):
    result = pytester.runpytest(*PLUGIN, "--educorpus-cases", str(pytester.path / "nope"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--educorpus-cases*nope: no such folder*"])
    (pytester.path / "empty").mkdir()
    (pytester.path / "empty" / "stray.expected.txt").write_text("x\n", encoding="utf-8")
    result = pytester.runpytest(*PLUGIN, "--educorpus-cases", str(pytester.path / "empty"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*stray.expected.txt: no matching NAME.raw.txt*"])


def test_case_folder_outside_the_walked_paths_is_collected_once(pytester, golden, tmp_path):
    outside = tmp_path / "elsewhere"
    shutil.copytree(golden, outside)
    pytester.makepyfile(test_other="def test_other():\n    pass\n")
    # named explicitly but outside the paths pytest walks: added to them
    pytester.runpytest(*PLUGIN, "test_other.py", "--educorpus-cases", str(outside)).assert_outcomes(passed=4)
    # inside the walked paths: not collected twice
    pytester.runpytest(*PLUGIN, "--educorpus-cases", str(golden)).assert_outcomes(passed=4)


def _entry_point_installed() -> bool:
    from importlib.metadata import entry_points

    return any(ep.value == "educorpus.pytest_plugin" for ep in entry_points(group="pytest11"))


def test_pyproject_registers_the_plugin_under_its_module_name():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    # named after the module, so `-p educorpus.pytest_plugin` and the entry point are one plugin
    assert data["project"]["entry-points"]["pytest11"] == {"educorpus.pytest_plugin": "educorpus.pytest_plugin"}


@pytest.mark.skipif(not _entry_point_installed(), reason="educorpus is not installed (entry point absent)")
def test_installed_entry_point_is_enough(pytester, golden, monkeypatch):
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    quiet = ("-p", "no:hypothesispytest", "-p", "no:anyio")  # slow to load, not needed here
    pytester.runpytest(*quiet, "-p", "no:cacheprovider", "--educorpus-cases", str(golden)).assert_outcomes(passed=3)
    # and naming it as well does not register it twice
    pytester.runpytest(*quiet, *PLUGIN, "--educorpus-cases", str(golden)).assert_outcomes(passed=3)
