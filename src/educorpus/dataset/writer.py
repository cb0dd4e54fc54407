"""Writing rows into Parquet shards with fixed options, and the disk spill between passes.

Byte-identical output for identical rows: row groups and shards are cut by row counts and
text sizes (never by time or memory), the writer options are fixed here, and shards are named
``PREFIX-00000-of-00003.parquet`` the way the Hub names them.

Not handled here: what the rows contain (:mod:`.records`).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from pathlib import Path
from typing import Any, Iterator

# fixed writer options: part of the determinism contract, change them only with a version bump
PARQUET_OPTIONS = dict(
    compression="zstd",
    compression_level=3,
    use_dictionary=True,
    write_statistics=True,
    version="2.6",
    data_page_size=1 << 20,
)
ROW_GROUP_ROWS = 5_000
ROW_GROUP_BYTES = 32 << 20  # text bytes per row group: bounds the writer's memory
SHARD_BYTES = 512 << 20  # text bytes per shard


def _row_size(row: dict[str, Any]) -> int:
    n = 64
    for v in row.values():
        if isinstance(v, str):
            n += len(v) * 3  # upper bound of UTF-8 bytes, without encoding it
    return n


class ShardedParquetWriter:
    """Rows in, ``folder/PREFIX-NNNNN-of-MMMMM.parquet`` out (at least one file, even if empty)."""

    def __init__(self, folder: Path, prefix: str, schema, *, shard_bytes: int = SHARD_BYTES, group_rows: int = ROW_GROUP_ROWS, group_bytes: int = ROW_GROUP_BYTES):
        self.folder = Path(folder)
        self.prefix = prefix
        self.schema = schema
        self.shard_bytes = shard_bytes
        self.group_rows = group_rows
        self.group_bytes = group_bytes
        self.buffer: list[dict[str, Any]] = []
        self.buffer_bytes = 0
        self.shard_index = -1
        self.shard_written = 0
        self.writer = None
        self.partials: list[tuple[Path, int]] = []  # (path, rows)
        self.rows = 0
        self.folder.mkdir(parents=True, exist_ok=True)

    def _open_shard(self) -> None:
        import pyarrow.parquet as pq

        self._close_shard()
        self.shard_index += 1
        path = self.folder / f"{self.prefix}-{self.shard_index:05d}.parquet.partial"
        self.writer = pq.ParquetWriter(str(path), self.schema, **PARQUET_OPTIONS)
        self.partials.append((path, 0))
        self.shard_written = 0

    def _close_shard(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def _flush(self) -> None:
        import pyarrow as pa

        if not self.buffer:
            return
        if self.writer is None or self.shard_written >= self.shard_bytes:
            self._open_shard()
        table = pa.Table.from_pylist(self.buffer, schema=self.schema)
        self.writer.write_table(table, row_group_size=len(self.buffer))
        path, n = self.partials[-1]
        self.partials[-1] = (path, n + len(self.buffer))
        self.shard_written += self.buffer_bytes
        self.buffer = []
        self.buffer_bytes = 0

    def add(self, row: dict[str, Any]) -> None:
        self.buffer.append(row)
        self.buffer_bytes += _row_size(row)
        self.rows += 1
        if len(self.buffer) >= self.group_rows or self.buffer_bytes >= self.group_bytes:
            self._flush()

    def close(self, *, keep_empty: bool = True) -> list[tuple[Path, int]]:
        """Finish every shard and give them their final names; returns ``(path, rows)`` per shard.

        With no rows at all, one empty file is written, or none (and the folder removed) when
        ``keep_empty`` is false: ``datasets`` cannot load a config whose only split is empty.
        """
        self._flush()
        if self.writer is None:
            if not keep_empty:
                shutil.rmtree(self.folder, ignore_errors=True)
                return []
            self._open_shard()
        self._close_shard()
        total = len(self.partials)
        final = []
        for i, (path, n) in enumerate(self.partials):
            target = self.folder / f"{self.prefix}-{i:05d}-of-{total:05d}.parquet"
            os.replace(path, target)
            final.append((target, n))
        return final


class Spill:
    """Records pickled one after another into a file; read back in the same order."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.count = 0
        self._fh = open(self.path, "wb")

    def write(self, record: dict[str, Any]) -> None:
        pickle.dump(record, self._fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def close(self) -> "Spill":
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        return self

    def __iter__(self) -> Iterator[dict[str, Any]]:
        with open(self.path, "rb") as fh:
            while True:
                try:
                    yield pickle.load(fh)
                except EOFError:
                    return

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
