"""Fuzz ``educorpus build`` and ``educorpus clean`` with a folder of odd files, through the CLI.

Writes the odd shapes of the robustness brief (UTF-16 without a BOM, CR-only and CRLF line ends,
U+2028/2029, a BOM mid-text, zero-width joiners, combining marks, PUA, astral CJK, variation
selectors, long runs of GBK mojibake, ``&&&&&&&&``, pinyin notes thousands of times, HTML
fragments, JSON Lines with hostile fields) plus ``--random N`` files made by mutating the seeds'
bytes (flipped, dropped, inserted and truncated bytes; re-encoded in GB18030, Big5, UTF-16), then
checks:

- ``build`` exits 0 and prints no traceback; inputs = data rows + exclusion rows, each input once;
  no exclusion is a ``cleaning-error`` (a step that raised);
- every data row's text is a str UTF-8 can encode, with no NUL;
- ``clean`` over the text files prints no traceback and names every file it could not read.

Run: ``PYTHONPATH=src python bench/fuzz_build.py --random 40 [--seed N] [--big]`` (``--big`` adds
a 20 MB single line, minutes of CPU). Prints what it checked and exits 1 on a failure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
BODY = "全市中小学今天正式开学，教育局要求各校落实安全责任，做好课后服务和家校沟通工作。"


def fixed_files(big: bool) -> dict[str, bytes]:
    seed = SEEDS[1].read_text(encoding="utf-8")
    moj = (BODY * 40).encode("utf-8").decode("gbk", errors="replace")
    files = {
        "utf16le-nobom.txt": (BODY * 20).encode("utf-16-le"),
        "utf16be-nobom.txt": (BODY * 20).encode("utf-16-be"),
        "crlf.txt": seed.replace("\n", "\r\n").encode(),
        "cr-only.txt": seed.replace("\n", "\r").encode(),
        "u2028.txt": seed.replace("\n", "\u2028").encode(),
        "u2029.txt": seed.replace("\n", "\u2029").encode(),
        "bom-mid.txt": (BODY + "\ufeff" + BODY + "\ufeff\n" + BODY).encode(),
        "bom-utf8-then-utf16.txt": b"\xef\xbb\xbf" + BODY.encode() + "\ufeff教育".encode("utf-16-le"),
        "zwj.txt": ("\u200d".join(BODY) * 10).encode(),
        "combining.txt": ("".join(c + "\u0301\u0308" for c in BODY) * 10).encode(),
        "pua.txt": ("".join(c + "\ue000" for c in BODY) * 10 + "\uf8ff" * 500).encode(),
        "astral.txt": ("".join(chr(0x20000 + i) for i in range(2000)) + BODY).encode(),
        "variation.txt": ("".join(c + "\ufe0f\U000e0100" for c in BODY) * 10).encode(),
        "mojibake-run.txt": moj.encode(),
        "mojibake-gbk-shift.txt": ((BODY * 200).encode("gbk")[1:]).decode("gbk", "replace").encode(),
        "ampersands8.txt": ((BODY + "&&&&&&&&") * 200).encode(),
        "pinyin-thousands.txt": ("字(zì)" * 5000).encode(),
        "pinyin-lines.txt": ("教(jiào)育(yù)\n" * 3000).encode(),
        "html-fragment.txt": ("<html><head><title>通知</title></head><body><p>" + BODY + "</p><br/>&nbsp;&amp;&#20013;<script>var a=1;</script></body>" * 50).encode(),
        "lone-cr-lf-mix.txt": (BODY + "\r\r\n\n\r" + BODY + "\x85\x0b\x0c" + BODY).encode(),
        "only-marks.txt": ("\u0301" * 1000).encode(),
        "only-zw.txt": ("\u200b\u200d\ufeff" * 1000).encode(),
        "surrogate-escape-bytes.txt": BODY.encode() + bytes([0xED, 0xA0, 0x80]) + BODY.encode(),  # CESU/surrogate in UTF-8
        "gbk-file.txt": seed.encode("gbk", errors="replace"),
        "big5-file.txt": SEEDS[2].read_text(encoding="utf-8").encode("cp950", errors="replace"),
        "long-line-1mb.txt": (seed.replace("\n", " ") * (1_000_000 // len(seed.encode()) + 1)).encode(),
        "fffd-run.txt": ("\ufffd" * 5000 + BODY).encode(),
        "kaomoji.txt": ("(╯°□°）╯︵ ┻━┻" * 300 + BODY).encode(),
    }
    if big:
        line = seed.replace("\n", " ")
        files["line-20mb.txt"] = (line * (20_000_000 // len(line.encode()) + 1)).encode()
    return files


def jsonl_lines() -> list[str]:
    return [
        json.dumps({"text": BODY, "title": "\u2028标题\u2029", "id": 1}, ensure_ascii=False),
        '{"text": "' + BODY + '\\u0000\\u001b", "title": "\\u0000"}',
        '{"text": "' + BODY + '", "title": 5, "published": [1, 2], "author": {"a": null}}',
        '{"text": "' + BODY + '", "extra": 1e999}',  # Infinity
        '{"text": "' + BODY + '", "x": NaN}',
        '{"text": "\\ud83d\\ude00' + BODY + '"}',
        '{"text": "' + BODY + '", "text": "' + BODY + '重复"}',  # duplicate key
        '{"text": "' + "教" * 100 + '", "published": "9999-99-99"}',
        '{"text": ""}',
        '{"text": "   \\n\\t"}',
        '{}',
        '"just a string"',
        'null',
        '{"text": "' + BODY + '", "url": "javascript:alert(1)"}',
        '{"text": "' + BODY + '", "' + "k" * 1000 + '": 1}',
    ]


def mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 30)):
        op = rng.random()
        if not b:
            break
        i = rng.randrange(len(b))
        if op < 0.3:
            b[i] = rng.randrange(256)
        elif op < 0.5:
            del b[i : i + rng.randint(1, 4)]
        elif op < 0.7:
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
        elif op < 0.8:
            del b[rng.randrange(len(b)) :]
        else:
            j = rng.randrange(len(b))
            b[i:i] = b[j : j + rng.randint(1, 200)]
    return bytes(b)


def random_files(n: int, rng: random.Random) -> dict[str, bytes]:
    out = {}
    encs = ["utf-8", "gb18030", "cp950", "utf-16", "utf-16-le", "utf-8-sig"]
    for k in range(n):
        text = rng.choice(SEEDS).read_text(encoding="utf-8")
        if rng.random() < 0.5:
            a = rng.randrange(len(text))
            text = text[a : a + rng.randint(1, 3000)]
        enc = rng.choice(encs)
        data = text.encode(enc, errors="replace")
        out[f"rand-{k:03d}-{enc}.txt"] = mutate(data, rng) if rng.random() < 0.8 else data
    return out


def run(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "odd"
        src.mkdir()
        files = {**fixed_files(args.big), **random_files(args.random, rng)}
        for name, data in files.items():
            (src / name).write_bytes(data)
        lines = jsonl_lines()
        (src / "odd.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        expected = {f"odd/{n}" for n in files} | {f"odd/odd.jsonl:{i}" for i in range(1, len(lines) + 1)}
        t0 = time.time()
        r = subprocess.run(
            [sys.executable, "-m", "educorpus", "build", str(src), "--out", str(Path(tmp) / "dist"), "--name", "odd",
             "--version", "0.1.0", "--no-progress", *args.build_arg],
            capture_output=True, env=env,
        )
        err = r.stderr.decode("utf-8", "replace")
        print(f"build: exit {r.returncode}, {time.time() - t0:.0f} s wall, {len(expected)} inputs")
        if r.returncode != 0 or "Traceback" in err:
            problems.append(f"build exit {r.returncode}: {err[-3000:]}")
        else:
            import pyarrow.parquet as pq

            folder = Path(tmp) / "dist" / "odd" / "0.1.0"
            data = [row for f in sorted((folder / "data").glob("*.parquet")) for row in pq.read_table(f).to_pylist()]
            excl = [row for f in sorted((folder / "exclusions").glob("*.parquet")) for row in pq.read_table(f).to_pylist()]
            seen = [row["source_path"] for row in data + excl]
            if len(seen) != len(set(seen)) or set(seen) != expected:
                problems.append(f"records lost or doubled: missing {sorted(expected - set(seen))}, extra {sorted(set(seen) - expected)}")
            reasons: dict[str, int] = {}
            for row in excl:
                reasons[row["reason"]] = reasons.get(row["reason"], 0) + 1
                if row["reason"] == "cleaning-error":
                    problems.append(f"cleaning-error: {row['source_path']}: {row['detail'][:500]}")
            for row in data:
                if "\x00" in row["text"]:
                    problems.append(f"NUL in output: {row['source_path']}")
            print(f"  {len(data)} data rows, {len(excl)} exclusions {reasons}")
        texts = sorted(p for p in src.iterdir() if p.suffix == ".txt")
        t0 = time.time()
        r = subprocess.run(
            [sys.executable, "-m", "educorpus", "clean", *map(str, texts), "-o", str(Path(tmp) / "out")],
            capture_output=True, env=env,
        )
        err = r.stderr.decode("utf-8", "replace")
        print(f"clean: exit {r.returncode}, {time.time() - t0:.0f} s wall, {len(texts)} files")
        if "Traceback" in err or r.returncode not in (0, 1):
            problems.append(f"clean exit {r.returncode}: {err[-3000:]}")
        for p in texts:
            if not (Path(tmp) / "out" / p.name).exists() and p.name not in err:
                problems.append(f"clean: {p.name} neither written nor named")
    for p in problems:
        print("PROBLEM:", p)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--random", type=int, default=40, help="mutated seed files to add")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--big", action="store_true", help="add a 20 MB single line (minutes of CPU)")
    ap.add_argument("--build-arg", action="append", default=[], help="extra argument for build (repeatable)")
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
