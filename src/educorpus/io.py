"""Reading raw pages: bytes in, text and the chosen encoding out, with errors that name the input.

Encodings: UTF-8 (with or without BOM), UTF-16 (with BOM, or without one when the NUL pattern
shows it), GB18030 (which covers GBK and GB2312) and Big5 (CP950), and files that join UTF-8
and GB18030 parts (read stretch by stretch). Undecodable bytes never fail a
file: they become U+FFFD and are counted (``Decoded.replaced``).

Not handled here: repairing text that was decoded wrongly *before* it reached us (that is the
``mojibake`` step), other legacy codecs (Shift-JIS, EUC-KR, Latin-1 pages), and HTML ``<meta
charset>`` declarations (inputs are text, not HTML).
"""

from __future__ import annotations

import codecs
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

TEXT_SUFFIXES = (".txt", ".text", ".md")


class InputError(Exception):
    """An input that cannot be read as text; the message names the input and the problem."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    replaced: int = 0  # undecodable bytes replaced by U+FFFD


def looks_binary(data: bytes) -> str | None:
    """A reason when ``data`` is evidently not text (NUL bytes, known binary signatures)."""
    signatures = {
        b"\x89PNG": "a PNG image",
        b"\xff\xd8\xff": "a JPEG image",
        b"GIF8": "a GIF image",
        b"%PDF": "a PDF document",
        b"PK\x03\x04": "a ZIP archive (or Office document)",
        # compressed pages are not read (no run-time guess at archives): say how to get the text
        b"\x1f\x8b": "gzip-compressed data; decompress it first, e.g. gunzip -k FILE",
    }
    for sig, what in signatures.items():
        if data.startswith(sig):
            return f"binary file ({what})"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    head = data[:8192]
    nul = head.count(0)
    if nul:
        return f"binary file ({nul} NUL bytes in the first {len(head)} bytes)"
    return None


# candidate legacy codecs for text without a BOM that is not UTF-8, in the order ties go
LEGACY = ("gb18030", "cp950")
_GB18030_BOM = b"\x84\x31\x95\x33"
_SAMPLE = 64 * 1024  # bytes scored when two codecs both read a file


class _Count(threading.local):
    replaced = 0


_count = _Count()


def _count_and_replace(exc: UnicodeDecodeError):
    _count.replaced += exc.end - exc.start
    return ("\ufffd", exc.end)


codecs.register_error("educorpus-count", _count_and_replace)


def _decode(data: bytes, codec: str) -> tuple[str, int]:
    """Decode with ``codec``, replacing undecodable bytes; returns the text and how many bytes."""
    _count.replaced = 0
    text = data.decode(codec, errors="educorpus-count")
    return text, _count.replaced


def _strict(data: bytes, codec: str) -> Optional[str]:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _plausibility(text: str) -> float:
    """Mean log-probability per character of a sample (see :mod:`educorpus.charstats`)."""
    from .charstats import charstats

    sample = text[: _SAMPLE // 2]
    return charstats().score(sample) / max(1, len(sample))


def _utf16_without_bom(data: bytes) -> Optional[Decoded]:
    """UTF-16 text without a BOM: it decodes strictly, to printable text that reads as text."""
    # too short a sample and any few bytes "read" as some CJK characters (abc\0\0def → 慢挀d敦)
    if len(data) < MIN_UTF16_BYTES:
        return None
    # a page cut off mid-character (a truncated download) has an odd length: its last byte is
    # replaced and counted, as the BOM path does, rather than the whole page refused as binary
    cut = len(data) % 2
    best: Optional[Decoded] = None
    best_score = MIN_UTF16_PLAUSIBILITY
    for codec in ("utf-16-le", "utf-16-be"):
        text = _strict(data[: len(data) - cut], codec)
        if not text or "\x00" in text:
            continue
        printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
        if printable < 0.95 * len(text):
            continue
        score = _plausibility(text)
        if score > best_score:
            best, best_score = Decoded(text + "\ufffd" * cut, codec, cut), score
    return best


# mean log-probability per character a BOM-less UTF-16 reading needs (random bytes read as UTF-16
# give rare characters of many scripts, far below this)
MIN_UTF16_PLAUSIBILITY = -11.0
MIN_UTF16_BYTES = 32


def decode_bytes(data: bytes, name: str = "<input>") -> Decoded:
    """Decode a raw page: UTF-8 (with or without BOM), UTF-16 (BOM, or none with ASCII-range
    text), GB18030 (a superset of GBK and GB2312) or Big5 (CP950).

    A BOM decides. Otherwise UTF-8 wins when the bytes are valid UTF-8; then a codec that reads
    them without error (GB18030 reads most byte strings, so when Big5 reads them too, the
    character statistics choose the more plausible text). When no codec reads every byte, the
    most plausible reading is kept with its undecodable bytes replaced by U+FFFD, counted in
    ``replaced``. Raises :class:`InputError` naming ``name`` for binary data.

    >>> decode_bytes("教育".encode("utf-8")).text
    '教育'
    >>> decode_bytes(codecs.BOM_UTF8 + "教育".encode("utf-8")).encoding
    'utf-8-sig'
    >>> d = decode_bytes("權威發布：淄博市教育局將進一步深化改革".encode("big5"))
    >>> d.encoding, d.text[:4]
    ('cp950', '權威發布')
    >>> decode_bytes("教育局将进一步深化改革".encode("gb18030")).encoding
    'gb18030'
    >>> decode_bytes("教育".encode("utf-8") + bytes([0xFF, 0xFE]) + "局".encode("utf-8")).replaced
    2
    """
    if data.startswith(codecs.BOM_UTF8):
        text, bad = _decode(data[3:], "utf-8")
        return Decoded(text, "utf-8-sig", bad)
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            text, bad = _decode(data[2:], codec)
            return Decoded(text, "utf-16", bad)
    if data.startswith(_GB18030_BOM):
        text, bad = _decode(data[4:], "gb18030")
        return Decoded(text, "gb18030", bad)
    reason = looks_binary(data)
    if reason:
        utf16 = _utf16_without_bom(data) if "NUL" in reason else None
        if utf16 is not None:
            return utf16
        raise InputError(f"{name}: {reason}")
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8")
    readings = [(codec, _strict(data, codec)) for codec in LEGACY]
    whole = [(codec, t) for codec, t in readings if t is not None]
    if len(whole) == 1:
        return Decoded(whole[0][1], whole[0][0])
    if whole:
        codec, t = max(whole, key=lambda ct: _plausibility(ct[1]))
        return Decoded(t, codec)
    # no codec reads every byte: keep the most plausible reading, damage counted; a file that
    # joins UTF-8 and GB18030 parts (concatenated pages, a template in one and content in the
    # other) is also read line by line in whichever of the two fits each stretch
    best: Optional[Decoded] = None
    best_score = float("-inf")
    for codec in ("utf-8",) + LEGACY:
        t, bad = _decode(data, codec)
        score = _plausibility(t)
        if score > best_score:
            best, best_score = Decoded(t, codec, bad), score
    assert best is not None
    if best.replaced > MIXED_MIN_REPLACED:
        mixed = _decode_mixed(data)
        # here a replaced byte is priced as the mixed reading prices it (the plain plausibility
        # counts U+FFFD as an ordinary character, which a reading that lost half its bytes is not)
        if mixed is not None and mixed.replaced < best.replaced and _priced(mixed) > _priced(best):
            return mixed
    return best


def _priced(d: Decoded) -> float:
    return _plausibility(d.text) - _REPLACE_COST * d.replaced / max(1, len(d.text))


# the mixed reading is tried only when the best single reading lost more bytes than this, and only
# on this many bytes of lines that are not UTF-8 (its dynamic programme runs in Python; past the
# limit the single reading stands)
MIXED_MIN_REPLACED = 8
MIXED_MAX_BYTES = 2_000_000
# costs in nats: changing codec inside a line, and a byte neither codec reads
_SWITCH_COST = 30.0
_REPLACE_COST = 25.0


def _decode_mixed(data: bytes) -> Optional[Decoded]:
    """Read UTF-8 lines as UTF-8 and every other line by the cheapest segmentation into UTF-8 and
    GB18030 characters (cost: the characters' improbability, a fixed price per codec change and per
    unreadable byte). None when the lines to segment exceed :data:`MIXED_MAX_BYTES`.

    >>> d = _decode_mixed("淄博市教育局".encode("gbk") + "召开全市教育工作会议".encode("utf-8"))
    >>> d.text, d.encoding, d.replaced
    ('淄博市教育局召开全市教育工作会议', 'utf-8+gb18030', 0)
    """
    from .charstats import charstats

    lines = data.splitlines(keepends=True)
    parts: list[Optional[str]] = [_strict(line, "utf-8") for line in lines]
    if sum(len(line) for line, text in zip(lines, parts) if text is None) > MIXED_MAX_BYTES:
        return None
    logp1 = charstats().logp1
    replaced = 0
    for k, line in enumerate(lines):
        if parts[k] is None:
            text, bad, mixed = _segment_line(line, logp1)
            # a line best read without any UTF-8 is a GB18030 line: when GB18030 reads it whole, that
            # reading stands, so that a misaligned stretch is left to the mojibake step (which can
            # tell what the lost byte was) instead of being cut short here
            whole = None if mixed else _strict(line, "gb18030")
            if whole is None:
                parts[k] = text
                replaced += bad
            else:
                parts[k] = whole
    return Decoded("".join(parts), "utf-8+gb18030", replaced)


def _segment_line(line: bytes, logp1) -> tuple[str, int, bool]:
    """The cheapest reading of one line as UTF-8 and GB18030 characters (see :func:`_decode_mixed`):
    the text, the unreadable bytes, and whether any multi-byte character was read as UTF-8."""
    n = len(line)
    inf = float("inf")
    # cost[i][m]: cheapest reading of line[:i] whose last multi-byte character was read in mode m
    # (0 UTF-8, 1 GB18030); back[i][m]: (previous i, previous mode, character or None for U+FFFD)
    cost = [[inf, inf] for _ in range(n + 1)]
    back: list[list] = [[None, None] for _ in range(n + 1)]
    cost[0][0] = cost[0][1] = 0.0

    def relax(i: int, m: int, j: int, mj: int, c: float, ch: Optional[str]) -> None:
        if c < cost[j][mj]:
            cost[j][mj] = c
            back[j][mj] = (i, m, ch)

    for i in range(n):
        b = line[i]
        for m in (0, 1):
            c0 = cost[i][m]
            if c0 == inf:
                continue
            if b < 0x80:  # both codecs read ASCII alike, and it keeps the current mode
                relax(i, m, i + 1, m, c0 - logp1(chr(b)), chr(b))
                continue
            width = 2 if 0xC2 <= b <= 0xDF else 3 if 0xE0 <= b <= 0xEF else 4 if 0xF0 <= b <= 0xF4 else 0
            if width and i + width <= n:
                ch = _strict(line[i : i + width], "utf-8")
                if ch is not None:
                    relax(i, m, i + width, 0, c0 - logp1(ch) + (_SWITCH_COST if m else 0.0), ch)
            if 0x81 <= b <= 0xFE and i + 1 < n:
                width = 4 if 0x30 <= line[i + 1] <= 0x39 else 2
                ch = _strict(line[i : i + width], "gb18030") if i + width <= n else None
                if ch is not None and len(ch) == 1:
                    relax(i, m, i + width, 1, c0 - logp1(ch) + (0.0 if m else _SWITCH_COST), ch)
            relax(i, m, i + 1, m, c0 + _REPLACE_COST, None)
    m = 0 if cost[n][0] <= cost[n][1] else 1
    out: list[str] = []
    bad = 0
    utf8 = False
    j = n
    while j:
        i, prev, ch = back[j][m]
        if ch is None:
            bad += 1
            ch = "\ufffd"
        elif m == 0 and j - i > 1:
            utf8 = True
        out.append(ch)
        j, m = i, prev
    return "".join(reversed(out)), bad, utf8


def read_text_file(path: str | os.PathLike) -> Decoded:
    """Read and decode one file; every failure is an :class:`InputError` naming the file."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None
    return decode_bytes(data, str(p))


def skipped_files(folder: str | os.PathLike) -> list[Path]:
    """Files under ``folder`` that :func:`expand_inputs` does not take, sorted; names starting
    with a dot (``.git``, ``.DS_Store``) are left out, as they are not content."""
    root = Path(folder)
    return sorted(
        q
        for q in root.rglob("*")
        if q.is_file() and q.suffix.lower() not in TEXT_SUFFIXES and not any(part.startswith(".") for part in q.relative_to(root).parts)
    )


def expand_inputs(paths: list[str]) -> Iterator[Path]:
    """Files named directly, and the text files (``*.txt``, ``*.text``, ``*.md``) under directories, sorted."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in TEXT_SUFFIXES)
        else:
            yield p
