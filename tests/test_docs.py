"""The examples README.md and docs/ show are what the code does: a reader copies them."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest

from .conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _code_blocks(path, language: str):
    text = path.read_text(encoding="utf-8")
    return re.findall(r"```" + language + r"\n(.*?)```", text, flags=re.S)


def _claims():
    """``educorpus.f(...)   # 'result'`` lines of the Python blocks: the call and the result shown."""
    for path in DOCS:
        for block in _code_blocks(path, "python"):
            for line in block.splitlines():
                m = re.match(r"(educorpus\.\w+\(.*\))\s+#\s*('.*?')(\s|$)", line.strip())
                if m and "…" not in m.group(1):
                    yield pytest.param(m.group(1), ast.literal_eval(m.group(2)), id=f"{path.name}:{m.group(1)[:40]}")


@pytest.mark.parametrize("call, shown", list(_claims()))
def test_a_result_shown_in_a_comment_is_the_result(call, shown):
    import educorpus

    assert eval(call, {"educorpus": educorpus}) == shown


def test_there_are_such_claims():
    assert len(list(_claims())) >= 3


def _check_example(path):
    text = path.read_text(encoding="utf-8")
    m = re.search(r"```\n(?:\$ educorpus check cases/ --explain\n)?(FAIL case notice \(cases/notice\.raw\.txt\)\n.*?)```", text, flags=re.S)
    assert m, f"{path.name}: the failing-case example is gone; update this test"
    return m.group(1)


@pytest.mark.parametrize("doc", ["README.md", "docs/ci.md"])
def test_the_failing_case_example_is_real_output(doc, tmp_path):
    shown = _check_example(ROOT / doc)
    # the case the example describes: a page approved when it was left as it came (its ASCII
    # comma kept), which the pipeline now widens: raw page and expectation are the diff's '-'
    # and ' ' lines
    hunk = shown.split("\n@@", 1)[1].split("\ndiffering spans", 1)[0].splitlines()[1:]
    diff = [line for line in hunk if line[:1] in ("-", "+", " ")]
    expected = "".join(line[1:] + "\n" for line in diff if line[0] in "- ")
    raw = expected
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "notice.raw.txt").write_text(raw, encoding="utf-8")
    (cases / "notice.expected.txt").write_text(expected, encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "educorpus", "check", "cases/", "--explain"], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stdout + r.stderr == shown


def test_the_clean_explain_example_is_real_output():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"```\n\$ printf '(.*?)' \| educorpus clean - --explain\n(.*?)```", text, flags=re.S)
    assert m, "README.md: the clean --explain example is gone; update this test"
    # printf's escapes: \uXXXX and \n
    page = re.sub(r"\\u([0-9a-fA-F]{4})", lambda u: chr(int(u.group(1), 16)), m.group(1)).replace("\\n", "\n")
    r = subprocess.run([sys.executable, "-m", "educorpus", "clean", "-", "--explain"], input=page.encode(), capture_output=True)
    assert r.returncode == 0
    assert r.stdout.decode() + r.stderr.decode() == m.group(2)
