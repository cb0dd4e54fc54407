#!/usr/bin/env python3
"""Build the reading table the ``pinyin`` step checks notes against.

Source: pypinyin's character dictionary (``pypinyin.pinyin_dict``, MIT licence; its data come from
the Unicode Unihan database's kHanyuPinyin/kMandarin/kXHC1983 fields), every reading of every
character, with tone marks. pypinyin is needed only to run this script, never at run time.

Output: ``src/educorpus/data/pinyin/readings.txt.gz``, one line per character:
``<char> <reading>,<reading>,...`` (readings in pypinyin's order, tone marks as combining-free
NFC letters, e.g. ``權 quán,guàn``), and ``SOURCE.txt``.

Run from the repository root::

    python scripts/build_pinyin_table.py
"""

from __future__ import annotations

import argparse
import gzip
import unicodedata
from importlib import metadata
from pathlib import Path

from pypinyin import pinyin_dict

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "educorpus" / "data" / "pinyin"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    lines = []
    for code, readings in sorted(pinyin_dict.pinyin_dict.items()):
        rs = []
        for r in readings.split(","):
            r = unicodedata.normalize("NFC", r.strip())
            if r and r not in rs:
                rs.append(r)
        if rs:
            lines.append(f"{chr(code)} {','.join(rs)}\n")
    with open(args.out / "readings.txt.gz", "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
            gz.write("".join(lines).encode("utf-8"))
    (args.out / "SOURCE.txt").write_text(
        "Readings (pinyin with tone marks) of Han characters for educorpus's pinyin step.\n"
        f"Built by scripts/build_pinyin_table.py from pypinyin {metadata.version('pypinyin')} "
        "pinyin_dict (MIT licence; data from Unicode Unihan).\n"
        f"{len(lines)} characters.\n",
        encoding="utf-8",
    )
    print(f"wrote {args.out}: {len(lines)} characters")


if __name__ == "__main__":
    main()
