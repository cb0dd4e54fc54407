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


def test_every_command_help_says_where_its_output_goes_and_its_exit_status():
    for name in ("clean", "steps", "build", "diff", "push", "check"):
        text = run(name, "--help").stdout.decode()
        assert "\noutput: " in text and "\nexit status: 0 when" in text, name
        assert "standard output" in text.split("\noutput: ")[1], name


def test_build_help_names_every_corpus_option_and_its_default():
    # a pip-installed user has no docs/ folder: the help itself lists what --corpus-option takes
    import dataclasses

    from educorpus.corpus.options import CorpusOptions

    text = " ".join(run("build", "--help").stdout.decode().split())
    for f in dataclasses.fields(CorpusOptions):
        assert f"{f.name}={f.default}" in text, f.name
    assert "docs/" not in text


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


def test_clean_explain_shows_each_change_once_shortened_and_escaped():
    # a reviewer reads this log: a removed line was printed twice (quoted, then again inside its
    # context), a converted paragraph in full (lines of 255+ characters on the seeds), and the
    # U+3000 indentation as blanks; now each change once, as `educorpus diff` shows one
    paragraph = "\u3000\u3000" + "學校發展與教師隊伍建設" * 10
    r = run("clean", "-", "--explain", stdin=(paragraph + "\n\n責任編輯：王敏\n").encode())
    assert r.returncode == 0
    err = r.stderr.decode()
    lines = err.splitlines()
    assert lines[0] == "<stdin>: 4 edit(s)"
    removed = next(line for line in lines if "責任編輯" in line)
    assert removed.count("責任編輯：王敏") == 1 and "[-⏎⏎責任編輯：王敏-]⏎…" in removed
    # the converted paragraph: narrowed to the characters that changed, each with its column,
    # ten of them and a count of the rest (the edit log keeps the paragraph whole)
    at = lines.index("  script/hk2s @0: 41 changes in 112 characters (line 1)")
    assert lines[at + 1] == "      1:3: …\\u3000\\u3000[-學-]{+学+}校發展與教師隊伍…"
    assert lines[at + 2] == "      1:5: …\\u3000\\u3000學校[-發-]{+发+}展與教師隊伍建設…"
    assert lines[at + 11].startswith("      … and 31 more change(s); made more than once: 發→发 ×10, 與→与 ×10")
    assert paragraph[2:] not in err and max(map(len, lines)) < 120
    assert "\u3000" not in err


def test_a_flag_is_shown_as_kept_text_not_as_an_edit():
    from educorpus.cli.clean import explain_lines
    from educorpus.document import Document, Edit

    doc = Document(text="", edits=[Edit("mojibake", "unrecoverable", "锟斤拷", "锟斤拷", 2)])
    assert explain_lines("甲乙锟斤拷丙", doc) == ["  mojibake/unrecoverable @2 (1:3): flagged, kept: …甲乙[锟斤拷]丙…"]


def _explain_one(raw, step, rule, before, after, position):
    from educorpus.cli.clean import explain_lines
    from educorpus.document import Document, Edit

    assert raw[position : position + len(before)] == before
    return explain_lines(raw, Document(text="", edits=[Edit(step, rule, before, after, position)]))


def test_explain_narrows_a_converted_paragraph_to_the_characters_and_their_column():
    # a script edit covers its whole paragraph: shown whole it was cut to head…tail and the
    # two converted characters, in the middle, were not on screen
    filler = "这是一段文字" * 20
    para = filler + "他說" + filler + "說明"
    raw = "标题\n" + para + "\n"
    lines = _explain_one(raw, "script", "hk2s", para, para.replace("說", "说"), 3)
    assert lines == [
        "  script/hk2s @3: 2 changes in 244 characters (line 2)",
        "      2:122: …字这是一段文字他[-說-]{+说+}这是一段文字这是…",
        "      2:243: …文字这是一段文字[-說-]{+说+}明⏎…",
    ]


def test_explain_lists_ten_changes_of_an_edit_and_counts_the_rest():
    para = "，".join(["他說好"] * 30)
    lines = _explain_one(para, "script", "hk2s", para, para.replace("說", "说"), 0)
    assert lines[0] == "  script/hk2s @0: 30 changes in 119 characters (line 1)"
    assert [line.split(":")[1] for line in lines[1:11]] == [str(2 + 4 * k) for k in range(10)]
    assert lines[11:] == ["      … and 20 more change(s); made more than once: 說→说 ×30"]


def test_explain_shows_a_normalize_edit_as_just_its_comma():
    # normalize merges spans that touch into one edit; the display shows the one mark it widened
    raw = "2024年政府工作报告中提出,扩大优质教育资源供给"
    lines = _explain_one(raw, "normalize", "fullwidth-punct+whitespace", raw[4:], raw[4:].replace(",", "，"), 4)
    assert lines == ["  normalize/fullwidth-punct+whitespace @4 (1:15): …府工作报告中提出[-,-]{+，+}扩大优质教育资源…"]


def test_explain_escapes_invisible_characters_of_a_narrowed_change():
    para = "\u3000\u3000" + "教育工作" * 10 + "\u200b說明" + "教育工作" * 10
    new = "教育工作" * 10 + "說明".replace("說", "说") + "教育工作" * 10
    lines = _explain_one(para, "normalize", "whitespace", para, new, 0)
    assert lines[0] == "  normalize/whitespace @0: 2 changes in 85 characters (line 1)"
    assert lines[1] == "      1:1: …[-\\u3000\\u3000-]教育工作教育工作…"
    assert lines[2] == "      1:43: …教育工作教育工作[-\\u200b說-]{+说+}明教育工作教育工…"
    assert "\u200b" not in "".join(lines) and "\u3000" not in "".join(lines)


def test_explain_still_cuts_a_long_single_change():
    footer = "本站所有内容均来自互联网，仅供学习交流使用，如有侵权请联系删除。" * 4
    raw = "正文。\n" + footer
    [line] = _explain_one(raw, "boilerplate", "footer", "\n" + footer, "", 3)
    assert line.startswith("  boilerplate/footer @3 (1:4): …正文。[-⏎本站所有内容") and "…(+" in line
    assert footer not in line and len(line) < 120


def test_steps_with_standard_output_closed_fails():
    # Python sets sys.stdout to None when the process starts with it closed (`>&-`): print wrote
    # nothing and `educorpus steps` exited 0, unlike an unwritable one (`1</dev/null`: exit 1)
    import os

    r = subprocess.run([sys.executable, "-m", "educorpus", "steps"], stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    assert r.returncode == 1
    assert r.stderr.decode() == "educorpus: error: standard output: Bad file descriptor (closed when the command started)\n"


def test_clean_to_a_directory_needs_no_standard_output(tmp_path):
    import os

    page = tmp_path / "page.txt"
    page.write_text("甲,乙", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "educorpus", "clean", str(page), "-o", str(tmp_path / "out") + "/"],
                       stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    assert r.returncode == 0 and r.stderr == b""
    assert (tmp_path / "out" / "page.txt").read_text(encoding="utf-8") == "甲，乙\n"


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


def test_an_output_that_cannot_be_written_is_an_error_not_a_traceback(tmp_path):
    a_file = tmp_path / "taken.txt"
    a_file.write_text("x", encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text("甲,乙", encoding="utf-8")
    # a directory of inputs into a path that is a file: fails before any cleaning
    r = run("clean", str(SEEDS), "-o", str(a_file))
    err = r.stderr.decode()
    assert r.returncode == 2 and "Traceback" not in err
    assert "taken.txt" in err and "directory" in err
    r = run("clean", str(SEEDS), "-o", str(a_file / "sub"))
    assert r.returncode == 2 and "Traceback" not in r.stderr.decode() and "cannot write" in r.stderr.decode()
    # one page into a path under a file: that page fails, named, with the reason
    r = run("clean", str(page), "-o", str(a_file / "out.txt"))
    err = r.stderr.decode()
    assert r.returncode == 1 and "Traceback" not in err
    assert "page.txt" in err and "out.txt" in err and "Not a directory" in err
    r = run("clean", str(page), "--json", "-o", str(a_file / "out.jsonl"))
    assert r.returncode == 2 and "Traceback" not in r.stderr.decode()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_under_stdout_is_one_line():
    with open("/dev/full", "wb") as full:
        r = subprocess.run([sys.executable, "-m", "educorpus", "clean", str(SEEDS / "001_66d2ff1b538386e8.txt")], stdout=full, stderr=subprocess.PIPE)
    err = r.stderr.decode()
    assert r.returncode == 1 and "Traceback" not in err
    assert "educorpus: error: standard output: No space left on device" in err
    # output that is still buffered when the command returns: written inside the handler too
    with open("/dev/full", "wb") as full:
        r = subprocess.run([sys.executable, "-m", "educorpus", "steps"], stdout=full, stderr=subprocess.PIPE)
    err = r.stderr.decode()
    assert r.returncode == 1 and err == "educorpus: error: standard output: No space left on device\n"


def test_an_os_error_without_a_file_name_is_not_blamed_on_standard_output(tmp_path):
    # a library's own OSError (an Arrow read error, a connection reset) names no file; the general
    # handler called every such error 'standard output', which sent users after the wrong thing
    code = (
        "import errno, os, sys\n"
        "import educorpus.cli.diff as d\n"
        "def fail(*a, **k): raise OSError(errno.EIO, os.strerror(errno.EIO))\n"
        "d.diff_versions = fail\n"
        "from educorpus.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    r = subprocess.run([sys.executable, "-c", code, "diff", str(tmp_path), str(tmp_path)], capture_output=True)
    err = r.stderr.decode()
    assert r.returncode == 1 and "Traceback" not in err
    assert "standard output" not in err
    assert err.startswith("educorpus: error: Input/output error (the error names no file")


def test_describe_os_error_names_both_paths_of_a_rename():
    from educorpus.cli import describe_os_error

    assert describe_os_error(OSError(18, "Invalid cross-device link", "a/x", None, "b/x")) == "a/x -> b/x: Invalid cross-device link"


def test_clean_with_standard_input_closed_names_it(tmp_path):
    r = subprocess.run([sys.executable, "-m", "educorpus", "clean"], stdin=None, capture_output=True, close_fds=True,
                       preexec_fn=lambda: __import__("os").close(0))
    err = r.stderr.decode()
    assert r.returncode == 1 and "Traceback" not in err
    assert "<stdin>: standard input is closed" in err


def test_a_directory_without_pages_is_a_failed_input(tmp_path):
    (tmp_path / "empty").mkdir()
    page = tmp_path / "page.txt"
    page.write_text("甲,乙", encoding="utf-8")
    r = run("clean", str(tmp_path / "empty"), str(page))
    assert r.returncode == 1
    assert r.stdout.decode() == "甲，乙\n"
    err = r.stderr.decode()
    assert "empty: directory holds no" in err and "cleaned 1 of 2 input(s), 1 failed" in err


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_clean_at_a_terminal_says_it_reads_standard_input():
    import os
    import pty

    master, slave = pty.openpty()
    try:
        p = subprocess.Popen([sys.executable, "-m", "educorpus", "clean"], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        os.write(master, "甲,乙\n".encode() + b"\x04")  # a line, then Ctrl-D
        out, err = p.communicate(timeout=120)
    finally:
        os.close(master)
        os.close(slave)
    assert p.returncode == 0
    assert out.decode() == "甲，乙\n"
    assert "standard input" in err.decode() and "Ctrl-D" in err.decode()


def test_an_unknown_option_shows_the_commands_usage_and_a_suggestion():
    r = run("clean", "--frobnicate", stdin=b"x")
    err = r.stderr.decode()
    assert r.returncode == 2
    assert err.startswith("usage: educorpus clean") and "--only" in err  # not the top-level usage line
    assert "educorpus clean: error: unrecognized arguments: --frobnicate" in err
    r = run("build", "seeds", "--out", "d", "--name", "x", "--version", "1.0.0", "--num-porc", "2")
    assert r.returncode == 2 and "did you mean --num-proc?" in r.stderr.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_build_progress_bar_has_a_total_on_a_terminal_and_is_silent_in_a_log(tmp_path):
    import fcntl
    import os
    import pty
    import struct
    import termios
    import threading

    args = ["build", str(SEEDS), "--name", "s", "--version", "0.1.0", "--no-corpus-steps"]
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    seen = bytearray()

    def drain():
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            seen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        p = subprocess.run([sys.executable, "-m", "educorpus", *args, "--out", str(tmp_path / "tty")], stderr=slave, stdout=subprocess.PIPE, timeout=300)
    finally:
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)
    assert p.returncode == 0
    shown = seen.decode("utf-8", "replace")
    assert "cleaning: 100%" in shown and "4/4" in shown  # a total: how far, and how long to go
    # in a CI log (stderr not a terminal) no bar at all, only the result line
    r = run(*args, "--out", str(tmp_path / "log"))
    assert r.returncode == 0
    assert b"\r" not in r.stderr and r.stderr.decode().startswith("built ")


def test_clean_warns_that_a_jsonl_file_is_one_page_not_records(tmp_path):
    f = tmp_path / "pages.jsonl"
    f.write_text('{"text": "甲,乙"}\n', encoding="utf-8")
    r = run("clean", str(f))
    assert r.returncode == 0
    assert "pages.jsonl: cleaned as one plain-text page" in r.stderr.decode() and "educorpus build" in r.stderr.decode()
    page = tmp_path / "page.txt"
    page.write_text("甲,乙", encoding="utf-8")
    assert run("clean", str(page)).stderr == b""


def test_a_mistyped_required_option_gets_the_suggestion_not_the_required_error():
    # argparse checks required options inside the parse, before the unknown ones are reported:
    # the user saw '--version or --bump is required' for a typo of --version
    for typo in (["--versoin", "0.1.0"], ["--versoin=0.1.0"]):
        r = run("build", "seeds", "--out", "d", "--name", "x", *typo)
        err = r.stderr.decode()
        assert r.returncode == 2
        assert "did you mean --version?" in err and "is required" not in err, err
    r = run("build", "seeds", "--out", "d", "--nmae", "x", "--version", "0.1.0")
    assert r.returncode == 2 and "did you mean --name?" in r.stderr.decode()
    # a required option that is really missing is still reported as such
    r = run("build", "seeds", "--out", "d", "--name", "x")
    assert r.returncode == 2 and "one of the arguments --version --bump is required" in r.stderr.decode()
    # and --help still shows which options are required (not relaxed by the second parse)
    usage = run("build", "--help").stdout.decode().split("\n\n")[0]
    assert "--out DIR --name NAME" in usage and "(--version X.Y.Z | --bump" in usage and "[--out" not in usage


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_ctrl_c_during_a_build_says_no_version_was_written(tmp_path):
    import signal
    import time

    pages = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    raw = tmp_path / "many.jsonl"
    raw.write_text("".join(json.dumps({"text": f"第{i}篇。" + pages[i % len(pages)]}, ensure_ascii=False) + "\n" for i in range(4000)), encoding="utf-8")
    root = tmp_path / "dist" / "m"
    p = subprocess.Popen(
        [sys.executable, "-m", "educorpus", "build", str(raw), "--out", str(tmp_path / "dist"), "--name", "m", "--version", "0.1.0", "--no-corpus-steps"],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not list(root.glob(".0.1.0.tmp-*")):  # the build is at work in its temporary folder
            assert p.poll() is None and time.monotonic() < deadline, p.stderr.read() if p.poll() is not None else "timeout"
            time.sleep(0.05)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 130
    assert "no version was written" in err.decode() and "run the same command again" in err.decode(), err
    assert not (root / "0.1.0").exists() and not list(root.glob(".0.1.0.tmp-*"))


def test_the_interrupt_message_tells_a_replaced_version_from_an_untouched_one(tmp_path):
    from educorpus.cli.build import _interrupted, _versions

    root = tmp_path / "edu"
    assert "no version was written" in _interrupted(root, _versions(root))  # DIR/NAME not even made
    (root / "0.1.0").mkdir(parents=True)
    before = _versions(root)
    assert "dist" not in _interrupted(root, before) and "as they were" in _interrupted(root, before)
    # interrupted after a --force build renamed its new folder into place: that version is complete
    (root / "0.1.0").rename(root / ".0.1.0.replaced-1")
    (root / "0.1.0").mkdir()
    assert "interrupted after" in _interrupted(root, before) and "0.1.0 was written" in _interrupted(root, before)


def test_clean_of_a_directory_names_the_files_it_skips(tmp_path):
    # a folder of saved pages often holds .html or .jsonl too: clean reads only .txt/.text/.md,
    # and the others were left out without a word
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.txt").write_text("甲,乙", encoding="utf-8")
    (tmp_path / "p" / "b.jsonl").write_text('{"text": "丙"}\n', encoding="utf-8")
    (tmp_path / "p" / "sub").mkdir()
    (tmp_path / "p" / "sub" / "c.html").write_text("<p>丁</p>", encoding="utf-8")
    (tmp_path / "p" / ".git").mkdir()
    (tmp_path / "p" / ".git" / "config").write_text("x", encoding="utf-8")
    r = run("clean", str(tmp_path / "p"))
    err = r.stderr.decode()
    assert r.returncode == 0 and r.stdout.decode().endswith("a.txt <==\n甲，乙\n")
    assert "2 file(s) skipped, not .txt/.text/.md (b.jsonl, sub/c.html)" in err
    assert ".git" not in err


def test_clean_warns_of_an_empty_input_and_of_a_page_cleaned_to_nothing(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "footer.txt").write_text("关于我们 | 联系我们 | 网站地图\n版权所有 © 2024 某某教育局\n", encoding="utf-8")
    (tmp_path / "page.txt").write_text("甲,乙", encoding="utf-8")
    r = run("clean", str(tmp_path / "empty.txt"), str(tmp_path / "footer.txt"), str(tmp_path / "page.txt"))
    err = r.stderr.decode()
    assert r.returncode == 0  # each input still has its output, empty as it is
    assert f"{tmp_path / 'empty.txt'}: the input is empty" in err
    assert f"{tmp_path / 'footer.txt'}: nothing left after cleaning" in err
    assert "page.txt: " not in err


def test_a_gzip_page_is_named_with_how_to_read_it(tmp_path):
    import gzip

    page = tmp_path / "page.txt.gz"
    page.write_bytes(gzip.compress("甲,乙".encode("utf-8")))
    r = run("clean", str(page))
    err = r.stderr.decode()
    assert r.returncode == 1 and "Traceback" not in err
    assert f"{page}: binary file (gzip-compressed data; decompress it first, e.g. gunzip -k FILE)" in err


def test_build_config_that_is_no_json_object_says_what_it_should_be(tmp_path):
    bad = tmp_path / "c.json"
    bad.write_text("[1]", encoding="utf-8")
    r = run("build", str(SEEDS), "--out", str(tmp_path / "d"), "--name", "z", "--version", "1.0.0", "--config", str(bad))
    err = r.stderr.decode()
    assert r.returncode == 2 and "Traceback" not in err
    assert f"--config {bad}: expected a JSON object of CleanConfig fields (or a manifest.json), not list" in err
    good = tmp_path / "ok.json"
    good.write_text('{"to": 5}', encoding="utf-8")
    r = run("build", str(SEEDS), "--out", str(tmp_path / "d"), "--name", "z", "--version", "1.0.0", "--config", str(good))
    assert r.returncode == 2 and "unknown target script 5" in r.stderr.decode()
