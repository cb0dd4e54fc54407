"""Reading pages in GB18030, Big5, UTF-16 and UTF-8 (with and without BOM): library and CLI."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys

import pytest

from educorpus.io import InputError, decode_bytes, read_text_file

SIMPLIFIED = "9月8日，淄博市人民政府新闻办公室组织召开新闻发布会，向社会发布全市教育工作情况。"
TRADITIONAL = "權威發布：淄博市教育局將進一步解難點、破痛點，努力做到讓每一個孩子都能享受到公平而有質量的教育。"

ENCODED = {
    "gb18030": (SIMPLIFIED.encode("gb18030"), "gb18030", SIMPLIFIED),
    "gbk-traditional": (TRADITIONAL.encode("gbk"), "gb18030", TRADITIONAL),
    "big5": (TRADITIONAL.encode("big5"), "cp950", TRADITIONAL),
    "utf-16-le-bom": (codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"), "utf-16", SIMPLIFIED),
    "utf-16-be-bom": (codecs.BOM_UTF16_BE + TRADITIONAL.encode("utf-16-be"), "utf-16", TRADITIONAL),
    "utf-16-le-no-bom": (SIMPLIFIED.encode("utf-16-le"), "utf-16-le", SIMPLIFIED),
    "utf-8-bom": (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig", SIMPLIFIED),
    "utf-8": (TRADITIONAL.encode("utf-8"), "utf-8", TRADITIONAL),
}


@pytest.mark.parametrize("label", sorted(ENCODED))
def test_decode_bytes_chooses_the_encoding(label):
    data, encoding, text = ENCODED[label]
    d = decode_bytes(data, label)
    assert (d.text, d.encoding, d.replaced) == (text, encoding, 0)


def test_utf16_without_bom_cut_to_an_odd_length_keeps_the_page():
    # a truncated download: the last code unit lost one byte. Before: "binary file (N NUL bytes)";
    # with a BOM the same page was kept with 1 replaced byte (found by bench/fuzz_build.py)
    page = "2024年9月8日\n" + SIMPLIFIED
    for codec in ("utf-16-le", "utf-16-be"):
        d = decode_bytes(page.encode(codec)[:-1], "cut")
        assert (d.text, d.encoding, d.replaced) == (page[:-1] + "\ufffd", codec, 1)
    # random bytes of odd length are still binary
    with pytest.raises(InputError, match="binary"):
        decode_bytes(bytes(range(0, 256, 3)) * 3 + b"\x00", "noise")


def test_undecodable_bytes_are_replaced_and_counted_not_fatal():
    damaged = SIMPLIFIED[:10].encode("utf-8") + b"\xff\xfe\xff" + SIMPLIFIED[10:].encode("utf-8")
    d = decode_bytes(damaged, "x")
    assert d.encoding == "utf-8"
    assert d.replaced == 3
    assert d.text.replace("\ufffd", "") == SIMPLIFIED

    big5 = TRADITIONAL.encode("big5")
    d = decode_bytes(big5[:20] + b"\xff" + big5[20:], "y")  # 0xFF is valid in neither codec
    assert d.replaced == 1 and "淄博市教育" in d.text and "局將進一步" in d.text


@pytest.mark.parametrize("order", ["gbk-first", "utf8-first"])
def test_a_file_joining_gbk_and_utf8_parts_is_read_part_by_part(order):
    gbk, utf8 = SIMPLIFIED.encode("gbk"), TRADITIONAL.encode("utf-8")
    data = gbk + utf8 if order == "gbk-first" else utf8 + gbk
    d = decode_bytes(data, order)
    assert d.text == (SIMPLIFIED + TRADITIONAL if order == "gbk-first" else TRADITIONAL + SIMPLIFIED)
    assert (d.encoding, d.replaced) == ("utf-8+gb18030", 0)


def test_mixed_reading_counts_bytes_neither_codec_reads_and_keeps_other_lines():
    data = SIMPLIFIED.encode("gbk") + b"\xff" + TRADITIONAL.encode("utf-8") + b"\n" + SIMPLIFIED.encode("utf-8")
    d = decode_bytes(data, "x")
    assert d.text == SIMPLIFIED + "\ufffd" + TRADITIONAL + "\n" + SIMPLIFIED
    assert (d.encoding, d.replaced) == ("utf-8+gb18030", 1)


def test_mixed_reading_leaves_a_misaligned_gbk_line_to_the_mojibake_step():
    # a GBK line that lost one byte still reads whole as GB18030: that reading stands (the mojibake
    # step knows how to realign it) instead of the line being cut at the damage
    run = "淄博市教育局召开全市教育工作会议".encode("gbk")
    shifted = b"2024" + run[1:] + b"\xa1" + b"2025"  # lost its first byte, gained one at the end
    data = shifted + b"\n" + ("\u3000" + TRADITIONAL).encode("utf-8") * 2
    d = decode_bytes(data, "x")
    assert d.text.split("\n")[0] == shifted.decode("gb18030")
    assert d.replaced == 0


def test_a_big5_page_with_a_bad_byte_is_still_read_as_big5():
    data = TRADITIONAL.encode("big5") * 3 + b"\xff" + TRADITIONAL.encode("big5")
    d = decode_bytes(data, "x")
    assert d.encoding == "cp950" and d.text.startswith(TRADITIONAL) and d.replaced == 1


def test_binary_input_raises_naming_the_file(tmp_path):
    png = tmp_path / "logo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(InputError, match="logo.png.*PNG"):
        read_text_file(png)
    blob = tmp_path / "data.bin"
    blob.write_bytes(bytes([0, 1, 2, 3, 0, 0, 7, 255, 0, 9] * 10))
    with pytest.raises(InputError, match="data.bin.*binary"):
        read_text_file(blob)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "educorpus", *args], capture_output=True)


def test_cli_reads_every_encoding_and_reports_binary_files_by_name(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for label, (data, _encoding, _text) in ENCODED.items():
        (raw / f"{label}.txt").write_bytes(data)
    (raw / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    out = tmp_path / "docs.jsonl"
    r = _cli("clean", str(raw), "--json", "-o", str(out), "--only", "unicode")
    assert r.returncode == 1  # one input failed ...
    err = r.stderr.decode()
    assert "broken.txt" in err and "PNG" in err
    assert f"cleaned {len(ENCODED)} of {len(ENCODED) + 1}" in err  # ... the others went on
    docs = {json.loads(line)["source_path"].rsplit("/", 1)[-1]: json.loads(line) for line in out.read_text("utf-8").splitlines()}
    for label, (_data, encoding, text) in ENCODED.items():
        doc = docs[f"{label}.txt"]
        assert doc["text"] == text, label
        assert doc["meta"]["encoding"] == encoding, label
        assert doc["scores"]["replaced_bytes"] == 0, label


def test_cli_counts_replaced_bytes_in_scores(tmp_path):
    f = tmp_path / "damaged.txt"
    f.write_bytes(SIMPLIFIED[:5].encode("utf-8") + b"\xff\xff" + SIMPLIFIED[5:].encode("utf-8"))
    r = _cli("clean", str(f), "--json", "--only", "unicode")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["meta"]["encoding"] == "utf-8"
    assert doc["scores"]["replaced_bytes"] == 2
    assert "2 undecodable byte(s)" in r.stderr.decode()
