"""The command line, through a subprocess as users run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SEEDS


def run(*args, stdin: bytes | None = None, cwd=None):
    return subprocess.run([sys.executable, "-m", "educorpus", *args], input=stdin, capture_output=True, cwd=cwd)


def test_every_command_has_help_with_an_example():
    from educorpus.cli import build_parser

    parser = build_parser()
    names = list(parser._subparsers._group_actions[0].choices)
    assert {"clean", "steps"} <= set(names)
    for name in names:
        r = run(name, "--help")
        assert r.returncode == 0, name
        assert b"example" in r.stdout, name
    top = run("--help")
    assert top.returncode == 0 and b"example" in top.stdout


def test_no_command_prints_help_and_fails():
    r = run()
    assert r.returncode == 2 and b"COMMAND" in r.stderr


def test_steps_lists_names_in_order():
    import educorpus

    r = run("steps")
    assert r.returncode == 0
    lines = r.stdout.decode().splitlines()
    assert [line.split()[1] for line in lines] == list(educorpus.STEPS)


def test_clean_stdin_to_stdout_with_explain():
    r = run("clean", "-", "--explain", stdin="9月8日,淄博".encode())
    assert r.returncode == 0
    assert r.stdout.decode() == "9月8日，淄博\n"
    assert "normalize/fullwidth-punct" in r.stderr.decode()


def test_clean_directory_to_directory(tmp_path):
    r = run("clean", str(SEEDS), "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(p.name for p in SEEDS.glob("*.txt"))
    import educorpus

    for p in SEEDS.glob("*.txt"):
        assert (tmp_path / "out" / p.name).read_text(encoding="utf-8") == educorpus.clean(p.read_text(encoding="utf-8")) + "\n"


def test_bad_file_is_named_and_the_rest_goes_on(tmp_path):
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    good = tmp_path / "good.txt"
    good.write_text("甲,乙", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    r = run("clean", str(png), str(missing), str(good), "-o", str(tmp_path / "out"))
    assert r.returncode == 1
    err = r.stderr.decode()
    assert "image.txt" in err and "binary" in err
    assert "missing.txt" in err
    assert "cleaned 1 of 3" in err
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == "甲，乙\n"


def test_utf8_bom_and_invalid_utf8(tmp_path):
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + "甲,乙".encode())
    r = run("clean", str(bom))
    assert r.returncode == 0 and r.stdout.decode() == "甲，乙\n"


def test_unknown_step_is_a_usage_error():
    r = run("clean", "--skip", "nope", stdin=b"x")
    assert r.returncode == 2
    assert b"nope" in r.stderr and b"normalize" in r.stderr


def test_json_output(tmp_path):
    r = run("clean", str(SEEDS / "001_66d2ff1b538386e8.txt"), "--json")
    assert r.returncode == 0
    record = json.loads(r.stdout.decode().splitlines()[0])
    assert set(record) == {"source_path", "text", "meta", "scores", "edits"}
    assert record["edits"] and record["meta"]["encoding"] == "utf-8"
