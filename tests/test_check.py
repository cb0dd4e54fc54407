"""Golden cases: `educorpus check` passing, failing with a diff, --explain, --update, and bad case files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from educorpus import cleaners
from educorpus.check import (
    CaseError,
    check,
    differing_spans,
    explain_result,
    load_cases,
    trace_edits,
    update_cases,
)
from educorpus.document import StepContext, step_groups
from educorpus.pipeline import Step

from .conftest import ROOT


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "educorpus", "check", *args], capture_output=True, text=True, cwd=cwd)


def write_case(folder: Path, name: str, raw: str, expected: str | None = None, meta_file: dict | None = None) -> None:
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.raw.txt").write_text(raw, encoding="utf-8")
    if expected is not None:
        (folder / f"{name}.expected.txt").write_text(expected + "\n", encoding="utf-8")
    if meta_file is not None:
        (folder / f"{name}.meta.json").write_text(json.dumps(meta_file, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def cases(tmp_path) -> Path:
    """Three cases whose expectations hold today."""
    folder = tmp_path / "golden"
    write_case(folder, "punct", "9月8日,淄博市\n\n  教育局:好!", "9月8日，淄博市\n教育局：好！")
    write_case(folder, "clean", "学校召开家长会。", "学校召开家长会。")
    write_case(folder, "nested/only-unicode", "甲,乙\u200b", "甲,乙", {"options": {"only": ["unicode"]}})
    return folder


def test_check_passes_when_output_is_as_expected(cases):
    summary = check(cases)
    assert summary.ok
    assert [r.case.name for r in summary.results] == ["clean", "nested/only-unicode", "punct"]
    assert summary.line() == "3 passed, 0 failed (3 cases)"
    r = run_cli(str(cases))
    assert r.returncode == 0, r.stderr
    assert "3 passed, 0 failed" in r.stderr and r.stdout == ""


def test_check_fails_with_a_readable_diff(cases):
    # the expectation says the comma stays ASCII: the pipeline disagrees
    (cases / "punct.expected.txt").write_text("9月8日,淄博市\n教育局：好！\n", encoding="utf-8")
    summary = check(cases)
    assert not summary.ok
    [failed] = summary.failed
    assert failed.case.name == "punct"
    report = failed.report()
    assert "--- punct (expected)" in report and "+++ punct (actual)" in report
    assert "\n-9月8日,淄博市\n+9月8日，淄博市\n" in report
    assert "…9月8日[,→，]淄博市⏎教育局：…" in report  # the one changed character, with context
    r = run_cli(str(cases))
    assert r.returncode == 1
    assert "FAIL case punct" in r.stdout and "-9月8日,淄博市" in r.stdout and "+9月8日，淄博市" in r.stdout
    assert "2 passed, 1 failed (3 cases in" in r.stderr


def test_explain_names_the_rule_behind_a_difference(cases):
    (cases / "punct.expected.txt").write_text("9月8日,淄博市\n教育局：好！\n", encoding="utf-8")
    [failed] = check(cases).failed
    lines = explain_result(failed)
    assert lines[0] == "  output line 1: …9月8日[,→，]淄博市⏎教育局：…"
    assert lines[1] == "      ← normalize/fullwidth-punct: ',' → '，'"
    r = run_cli(str(cases), "--explain")
    assert r.returncode == 1
    assert "normalize/fullwidth-punct: ',' → '，'" in r.stdout
    assert "normalize/fullwidth-punct" not in run_cli(str(cases)).stdout  # only with --explain


def test_explain_says_when_no_rule_made_the_expected_change(cases):
    # the expectation wants a change (a rule that no longer fires): no edit is at that place
    (cases / "clean.expected.txt").write_text("学校召开家长会议。\n", encoding="utf-8")
    [failed] = check(cases).failed
    assert explain_result(failed) == [
        "  output line 1: …学校召开家长会[议→]。…",
        "      ← no edit here: the output keeps the raw text unchanged at this place",
    ]


def test_explain_follows_edits_through_later_steps(monkeypatch, tmp_path):
    # "early" rewrites a word; "late" then inserts and deletes text before it, shifting it:
    # the difference must still be traced to early/bad-word, not to the late edits
    def early(text, ctx):
        return ctx.replace(text, [(m, m + 2, "教肓", "bad-word") for m in _find_all(text, "教育")])

    def late(text, ctx):
        spans = [(0, 0, "【通知】", "add-tag")]
        if "广告" in text:
            i = text.index("广告")
            spans.append((i, i + 2, "", "drop-ad"))
        return ctx.replace(text, spans)

    monkeypatch.setattr(cleaners, "PIPELINE", (Step("early", "", early), Step("late", "", late)))
    write_case(tmp_path, "c", "广告市教育局发布", "【通知】市教育局发布")
    [failed] = check(tmp_path).failed
    assert failed.doc.text == "【通知】市教肓局发布"
    assert explain_result(failed) == [
        "  output line 1: …【通知】市教[育→肓]局发布…",
        "      ← early/bad-word: '教育' → '教肓'",
    ]


def _find_all(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def test_explain_names_a_deletion_behind_a_missing_line(monkeypatch, tmp_path):
    def drop_footer(text, ctx):
        i = text.find("责任编辑")
        return ctx.replace(text, [(i - 1, len(text), "", "editor-line")] if i > 0 else [])

    monkeypatch.setattr(cleaners, "PIPELINE", (Step("footer", "", drop_footer),))
    write_case(tmp_path, "c", "正文第一段\n责任编辑：王敏", "正文第一段\n责任编辑：王敏")
    [failed] = check(tmp_path).failed
    assert failed.doc.text == "正文第一段"
    lines = explain_result(failed)
    assert lines[0] == "  output line 1: …正文第一段[⏎责任编辑：王敏→]…"
    assert lines[1] == "      ← footer/editor-line: removed '⏎责任编辑：王敏'"


def test_spans_and_their_edits_escape_invisible_characters_alike(tmp_path):
    # an expectation that keeps its U+3000 indentation: the span printed the removed indentation
    # as two blanks ([　　甲,→甲，]) while the edit under it said '\u3000\u3000'
    write_case(tmp_path, "c", "\u3000\u3000甲,乙", "\u3000\u3000甲,乙")
    [failed] = check(tmp_path).failed
    lines = explain_result(failed)
    assert lines[0] == "  output line 1: …[\\u3000\\u3000甲,→甲，]乙…"
    assert "      ← normalize/whitespace: removed '\\u3000\\u3000'" in lines
    assert not any("\u3000" in line for line in lines)


def test_a_long_span_is_cut_to_head_and_tail_as_diff_cuts_it(monkeypatch, tmp_path):
    def drop_footer(text, ctx):
        i = text.find("版权所有")
        return ctx.replace(text, [(i - 1, len(text), "", "footer")] if i > 0 else [])

    monkeypatch.setattr(cleaners, "PIPELINE", (Step("footer", "", drop_footer),))
    footer = "版权所有" + "甲" * 60 + "未经授权禁止转载"
    write_case(tmp_path, "c", "正文\n" + footer, "正文\n" + footer)
    [failed] = check(tmp_path).failed
    lines = explain_result(failed)
    # the end of a cut span is shown too: where the removed text ended
    assert lines[0] == "  output line 1: …正文[⏎版权所有" + "甲" * 21 + "…(+41)…授权禁止转载→]…"
    assert lines[1] == "      ← footer/footer: removed '⏎版权所有" + "甲" * 21 + "…(+41)…授权禁止转载'"


def test_explain_says_what_changed_inside_a_long_edit(monkeypatch, tmp_path):
    # a conversion edit covers its paragraph: quoted, it was cut to head…tail at 40 characters
    # and the converted characters past them were not shown
    def convert(text, ctx):
        return ctx.replace(text, [(0, len(text), text.replace("說", "说"), "hk2s")])

    def widen(text, ctx):
        i = text.find(",")
        return ctx.replace(text, [(0, len(text), text[:i] + "，" + text[i + 1 :], "punct")] if i >= 0 else [])

    monkeypatch.setattr(cleaners, "PIPELINE", (Step("script", "", convert),))
    page = "这是一段文字" * 8 + "他說" + "这是一段文字" * 8 + "說明，說好"
    write_case(tmp_path, "c", page, page)
    [failed] = check(tmp_path).failed
    assert explain_result(failed)[1] == "      ← script/hk2s: 3 changes in 103 characters: 說→说 ×3"

    monkeypatch.setattr(cleaners, "PIPELINE", (Step("normalize", "", widen),))
    page = "这是一段文字" * 8 + "他说,好"
    write_case(tmp_path, "c", page, page)
    [failed] = check(tmp_path).failed
    assert explain_result(failed)[1] == "      ← normalize/punct: ',' → '，'"


def test_update_accepts_the_current_output_and_counts_changes(cases):
    (cases / "punct.expected.txt").write_text("stale\n", encoding="utf-8")
    write_case(cases, "new", "新,案例")  # no expectation yet
    summary = update_cases(cases)
    assert summary.changed == ["punct"] and summary.new == ["new"]
    assert summary.line() == "updated 2 of 4 case(s) (1 changed, 1 new); 2 unchanged"
    assert (cases / "punct.expected.txt").read_text(encoding="utf-8") == "9月8日，淄博市\n教育局：好！\n"
    assert (cases / "new.expected.txt").read_text(encoding="utf-8") == "新，案例\n"
    assert check(cases).ok
    # through the CLI: nothing left to change
    r = run_cli(str(cases), "--update")
    assert r.returncode == 0
    assert "updated 0 of 4 case(s) in" in r.stderr and "(0 changed, 0 new); 4 unchanged" in r.stderr


def test_cli_update_names_the_cases_it_rewrote(cases):
    (cases / "clean.expected.txt").write_text("old\n", encoding="utf-8")
    r = run_cli(str(cases), "--update")
    assert r.returncode == 0
    assert r.stdout == "updated clean\n"
    assert "updated 1 of 3 case(s)" in r.stderr and "(1 changed, 0 new); 2 unchanged" in r.stderr


def test_a_case_without_expectation_fails_and_shows_the_output(tmp_path):
    write_case(tmp_path, "todo", "甲,乙")
    [failed] = check(tmp_path).failed
    assert "no expectation yet" in failed.report() and "| 甲，乙" in failed.report()


def test_the_command_a_case_without_expectation_suggests_works(tmp_path):
    # it said `educorpus check --update`, which fails without the cases' folder (exit 2)
    import re
    import shlex

    write_case(tmp_path / "cases", "sub/todo", "甲,乙")
    (tmp_path / "more.jsonl").write_text(json.dumps({"name": "j", "raw": "丙,丁"}, ensure_ascii=False) + "\n", encoding="utf-8")
    for where in (tmp_path / "cases", tmp_path / "more.jsonl"):
        [failed] = check(where).failed
        command = re.search(r"no expectation yet: .*`educorpus (check .* --update)`", failed.report()).group(1)
        r = subprocess.run([sys.executable, "-m", "educorpus", *shlex.split(command)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert check(where).ok


def test_expected_metadata_is_compared_and_updated(tmp_path):
    write_case(tmp_path, "m", "甲,乙", "甲，乙", {"meta": {"title": "标题", "flags": []}, "note": "pins the title"})
    [failed] = check(tmp_path).failed
    assert failed.meta_diffs == [("title", "标题", None)]
    assert "meta 'title': expected '标题', got None" in failed.report()
    assert "pins the title" in failed.report()
    update_cases(tmp_path)
    data = json.loads((tmp_path / "m.meta.json").read_text(encoding="utf-8"))
    assert data == {"meta": {"title": None, "flags": []}, "note": "pins the title"}
    assert check(tmp_path).ok


def test_options_of_a_case_are_used(cases):
    [r] = [r for r in check(cases).results if r.case.name == "nested/only-unicode"]
    assert r.doc.text == "甲,乙" and {e.step for e in r.doc.edits} == {"unicode"}


def test_jsonl_cases_check_and_update(tmp_path):
    f = tmp_path / "cases.jsonl"
    rows = [
        {"name": "a", "raw": "甲,乙", "expected": "甲，乙", "note": "keep me"},
        {"name": "b", "raw": "丙,丁", "expected": "丙,丁"},
        {"raw": "戊,己"},
    ]
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    summary = check(f)
    assert [r.case.name for r in summary.failed] == ["b", "line-3"]
    assert summary.failed[0].case.where == f"{f}:2"
    up = update_cases(f)
    assert up.changed == ["b"] and up.new == ["line-3"]
    after = [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()]
    assert after == [
        {"name": "a", "raw": "甲,乙", "expected": "甲，乙", "note": "keep me"},
        {"name": "b", "raw": "丙,丁", "expected": "丙，丁"},
        {"raw": "戊,己", "expected": "戊，己"},
    ]
    assert check(f).ok


@pytest.mark.parametrize(
    "setup,message",
    [
        (lambda d: (d / "gone.expected.txt").write_text("x\n"), "gone.expected.txt: no matching NAME.raw.txt"),
        (lambda d: (d / "punct.meta.json").write_text("{oops"), "punct.meta.json: not valid JSON"),
        (lambda d: (d / "punct.meta.json").write_text('{"option": {}}'), "punct.meta.json: unknown key(s) option"),
        (lambda d: (d / "punct.meta.json").write_text('{"options": {"skip": ["boilerplat"]}}'), "boilerplat"),
        (lambda d: (d / "punct.raw.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"), "punct.raw.txt"),
    ],
)
def test_bad_case_files_are_named(cases, setup, message):
    setup(cases)
    with pytest.raises(CaseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_cases(cases)
    r = run_cli(str(cases))
    assert r.returncode == 2 and message in r.stderr


def test_bad_jsonl_lines_are_named(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text('{"name": "a", "raw": "x"}\n{"name": "a", "raw": "y"}\n', encoding="utf-8")
    with pytest.raises(CaseError, match=r"c.jsonl:2: duplicate case name 'a' \(first on line 1\)"):
        load_cases(f)
    f.write_text('{"name": "a"}\n', encoding="utf-8")
    with pytest.raises(CaseError, match=r"c.jsonl:1: needs \"raw\""):
        load_cases(f)
    with pytest.raises(CaseError, match="no such folder"):
        load_cases(tmp_path / "missing")


def test_a_step_that_raises_fails_its_case_by_name_and_the_others_still_run(monkeypatch, cases):
    def boom(text, ctx):
        if "淄博" in text:
            raise RuntimeError("rule exploded")
        return text

    monkeypatch.setattr(cleaners, "PIPELINE", (*cleaners.PIPELINE, Step("boom", "", boom)))
    summary = check(cases)
    assert [r.case.name for r in summary.failed] == ["punct"]
    assert "cleaning failed: RuntimeError: rule exploded" in summary.failed[0].report()
    assert summary.line() == "2 passed, 1 failed, 1 raised (3 cases)"
    up = update_cases(cases)
    assert up.changed == [] and len(up.errors) == 1


def test_cli_needs_cases_or_against():
    r = run_cli()
    assert r.returncode == 2 and "--against" in r.stderr


def test_the_projects_own_golden_cases_are_the_seeds():
    golden = ROOT / "tests" / "golden"
    names = sorted(c.name for c in load_cases(golden))
    assert names == sorted(p.stem for p in (ROOT / "seeds").glob("*.txt"))
    for c in load_cases(golden):
        assert c.raw == (ROOT / "seeds" / f"{c.name}.txt").read_text(encoding="utf-8"), c.name


# --------------------------------------------------------------------------- the tracing machinery


def test_differing_spans_for_added_and_removed_lines():
    assert differing_spans("甲\n乙\n丙", "甲\n丙") == [(2, 2, "乙\n", "")]
    assert differing_spans("甲", "甲\n乙") == [(1, 3, "", "\n乙")]
    assert differing_spans("甲乙丙丁戊", "甲X丙Y戊") == [(1, 4, "乙丙丁", "X丙Y")]  # close changes merge


@st.composite
def _pipelines(draw):
    """A text and up to four steps, each a list of random non-overlapping spans."""
    text = draw(st.text(alphabet="甲乙丙丁\n", min_size=0, max_size=30))
    steps = []
    for _ in range(draw(st.integers(1, 4))):
        cuts = sorted(draw(st.lists(st.integers(0, 40), max_size=8)))
        pairs = [(a, b) for a, b in zip(cuts[::2], cuts[1::2])]
        reps = [draw(st.text(alphabet="XYZ", max_size=3)) for _ in pairs]
        steps.append(list(zip(pairs, reps)))
    return text, steps


@settings(max_examples=200, deadline=None)
@given(_pipelines())
def test_traced_edits_sit_where_their_text_is_in_the_output(pipeline):
    text, steps = pipeline
    original = text
    ctx = StepContext(None, {}, {})
    edits = []
    for k, spans in enumerate(steps):
        # one step run in successive rounds: its groups are told apart by their round
        ctx.begin("s", text)
        n = len(text)
        clamped: dict[tuple[int, int], str] = {}  # two insertions at one place are not a valid pass
        for (a, b), r in spans:
            if min(a, n) < min(b, n) or r:
                clamped.setdefault((min(a, n), min(b, n)), r)
        text = ctx.replace(text, [(a, b, r, f"r{k}") for (a, b), r in clamped.items()])
        edits.extend(ctx.finish(k + 1))
    traced = trace_edits(edits)
    assert len(traced) == len(edits)
    # oracle: replay the edits on a list of (character, index of the edit that wrote it)
    chars: list[tuple[str, int | None]] = [(c, None) for c in original]
    i = 0
    for group in step_groups(edits):
        j = i + len(group)
        for k in sorted(range(i, j), key=lambda k: (edits[k].position, edits[k].position + len(edits[k].before)), reverse=True):
            e = edits[k]
            chars[e.position : e.position + len(e.before)] = [(c, k) for c in e.after]
        i = j
    assert "".join(c for c, _ in chars) == text
    for k, (e, a, b) in enumerate(traced):
        assert 0 <= a <= b <= len(text)
        written = [pos for pos, (_c, origin) in enumerate(chars) if origin == k]
        assert all(a <= pos < b for pos in written), (e, a, b, written)
        if len(written) == len(e.after) and all(origin == k for _c, origin in chars[a:b]):
            # nothing later touched it: the footprint is exactly the replacement
            assert text[a:b] == e.after, (e, a, b, text)
