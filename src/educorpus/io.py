"""Reading raw pages: bytes in, text and the chosen encoding out, with errors that name the input.

Not handled here: repairing text that was decoded wrongly *before* it reached us (that is the
``mojibake`` step).
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

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
        b"\x1f\x8b": "gzip-compressed data",
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


def decode_bytes(data: bytes, name: str = "<input>") -> Decoded:
    """Decode a raw page: UTF-8 with or without BOM, UTF-16 with BOM.

    Raises :class:`InputError` naming ``name`` for binary data or bytes that are not UTF-8.

    >>> decode_bytes("教育".encode("utf-8")).text
    '教育'
    >>> decode_bytes(codecs.BOM_UTF8 + "教育".encode("utf-8")).encoding
    'utf-8-sig'
    """
    reason = looks_binary(data)
    if reason:
        raise InputError(f"{name}: {reason}")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return Decoded(data[3:].decode("utf-8"), "utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: invalid UTF-8 at byte {exc.start + 3}") from None
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return Decoded(data[2:].decode(enc), "utf-16")
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: invalid UTF-16 at byte {exc.start + 2}") from None
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None


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


def expand_inputs(paths: list[str]) -> Iterator[Path]:
    """Files named directly, and the text files (``*.txt``, ``*.text``, ``*.md``) under directories, sorted."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in TEXT_SUFFIXES)
        else:
            yield p
