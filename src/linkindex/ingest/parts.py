"""The on-disk layout of an ingested crawl: Parquet parts named by input hash, and the manifest.

Parts appear under their final name only when complete; docs/ingest.md describes the layout.
"""

from __future__ import annotations

import fnmatch
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from linkindex.records import LINK_SCHEMA, PAGE_SCHEMA

MANIFEST = "manifest.json"
# What an input's parts hold: bump it when ingest writes other rows for the same input (a new
# column, a changed rule), so that inputs ingested before are read again. Manifest entries
# without one were written at version 1. 2: text_chars, contact_links and in_nav. 3: in_comments.
RECORDS_VERSION = 3
ROWS_PER_GROUP = 50_000  # rows held in memory before they go to disk
ROWS_PER_PART = 2_000_000  # a part is closed and a new one started past this many rows


def part_name(kind: str, stem: str, seq: int) -> str:
    return f"{kind}-{stem}-{seq:04d}.parquet"


def temporary_name(name: str) -> str:
    """The hidden name a file is written under before it is renamed to ``name``, whole."""
    return f".{name}.{os.getpid()}.tmp"


def is_part_of(name: str, stem: str) -> bool:
    """Whether the file ``name`` is a finished part written from the input ``stem`` names."""
    return any(fnmatch.fnmatchcase(name, f"{kind}-{stem}-*.parquet") for kind in ("links", "pages"))


def parts_of(crawl_dir: Path, stem: str) -> list[Path]:
    """Every finished part written from the input whose hash stem is ``stem``."""
    return sorted(p for p in crawl_dir.glob(f"*-{stem}-*.parquet") if is_part_of(p.name, stem))


def remove_temporaries(crawl_dir: Path) -> None:
    """Delete the hidden half-written parts a killed run left behind."""
    for path in crawl_dir.glob(".*.parquet.*.tmp"):
        path.unlink(missing_ok=True)


def remove_parts(crawl_dir: Path, stem: str) -> None:
    for path in parts_of(crawl_dir, stem):
        path.unlink(missing_ok=True)


def replace_file(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all: a hidden temporary, then a rename."""
    temp = path.with_name(temporary_name(path.name))
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


class CrawlFolder:
    """A crawl's folder on this machine (or a folder mounted at the same path everywhere):
    where ``ingest_file`` writes parts, and what the crawl's bookkeeping keeps up.

    ``ingest.remote.RemoteCrawlFolder`` is the same for a crawl at a Hadoop URI.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def location(self) -> Path:
        return self.path

    def prepare(self) -> None:
        """Make the folder, and delete a killed run's half-written parts."""
        self.path.mkdir(parents=True, exist_ok=True)
        remove_temporaries(self.path)

    def remove_parts(self, stem: str) -> None:
        remove_parts(self.path, stem)

    def read_text(self, name: str) -> str | None:
        try:
            return (self.path / name).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def replace_text(self, name: str, text: str) -> None:
        replace_file(self.path / name, text)


class PartWriter:
    """Writes rows of one kind from one input file in bounded row groups and parts.

    Rows are tuples in schema order without the leading ``crawl`` column.
    """

    def __init__(
        self,
        crawl_dir: Path,
        kind: str,
        stem: str,
        crawl: str,
        rows_per_group: int = ROWS_PER_GROUP,
        rows_per_part: int = ROWS_PER_PART,
    ) -> None:
        self.crawl_dir = crawl_dir
        self.kind = kind
        self.stem = stem
        self.crawl = crawl
        self.schema = LINK_SCHEMA if kind == "links" else PAGE_SCHEMA
        self.rows_per_group = rows_per_group
        self.rows_per_part = rows_per_part
        self.finished: list[Path] = []
        self.rows = 0
        self._buffer: list[Sequence[Any]] = []
        self._writer: pq.ParquetWriter | None = None
        self._temp: Path | None = None
        self._part_rows = 0
        self._row_type = pa.struct(list(self.schema)[1:])

    def add(self, rows: list[Any]) -> None:
        self._buffer.extend(rows)
        if len(self._buffer) >= self.rows_per_group:
            self._flush()

    def add_one(self, row: Any) -> None:
        self._buffer.append(row)
        if len(self._buffer) >= self.rows_per_group:
            self._flush()

    def _table(self, rows: list[Sequence[Any]]) -> pa.Table:
        # One C++ conversion of the row tuples to a struct array, then its columns: several
        # times faster than transposing in Python and converting column by column.
        struct = pa.array(rows, type=self._row_type)
        columns = [pa.repeat(pa.scalar(self.crawl, pa.string()), len(rows)), *struct.flatten()]
        return pa.Table.from_arrays(columns, schema=self.schema)

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self._writer is None:
            name = part_name(self.kind, self.stem, len(self.finished))
            # A dot name with a pid never matches the build's links-*.parquet glob and never
            # collides with another worker writing the same input.
            self._temp = self.crawl_dir / temporary_name(name)
            self._writer = pq.ParquetWriter(self._temp, self.schema, compression="zstd")
        self._writer.write_table(self._table(self._buffer), row_group_size=len(self._buffer))
        self.rows += len(self._buffer)
        self._part_rows += len(self._buffer)
        self._buffer = []
        if self._part_rows >= self.rows_per_part:
            self._finish_part()

    def _finish_part(self) -> None:
        if self._writer is None or self._temp is None:
            return
        self._writer.close()
        final = self.crawl_dir / part_name(self.kind, self.stem, len(self.finished))
        os.replace(self._temp, final)
        self.finished.append(final)
        self._writer = None
        self._temp = None
        self._part_rows = 0

    def close(self) -> list[Path]:
        """Write what is buffered and publish the last part; return every finished part."""
        self._flush()
        self._finish_part()
        return self.finished

    def abort(self) -> None:
        """Drop the part being written (finished parts stay: the caller decides)."""
        if self._writer is not None:
            self._writer.close()
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
        self._writer = None
        self._temp = None
        self._buffer = []


class Manifest:
    """The inputs already ingested into one crawl, keyed by content hash (manifest.json).

    ``folder`` is a ``CrawlFolder``, or anything with its ``read_text`` and ``replace_text``
    (the crawl folder at a Hadoop URI); a bare path is taken as a local folder.
    """

    def __init__(self, folder: Any) -> None:
        self.folder = CrawlFolder(folder) if isinstance(folder, Path) else folder
        self.files: dict[str, dict[str, Any]] = {}
        text = self.folder.read_text(MANIFEST)
        if text is not None:
            self.files = json.loads(text).get("files", {})

    def __contains__(self, sha256: str) -> bool:
        return sha256 in self.files

    def current(self) -> frozenset[str]:
        """The inputs whose parts this version of ingest would write again unchanged."""
        return frozenset(
            sha
            for sha, entry in self.files.items()
            if entry.get("records_version", 1) == RECORDS_VERSION
        )

    def add(self, sha256: str, entry: dict[str, Any]) -> None:
        self.files[sha256] = {
            **entry,
            "records_version": RECORDS_VERSION,
            "ingested_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }

    def remove(self, sha256: str) -> None:
        self.files.pop(sha256, None)

    def save(self) -> None:
        text = json.dumps({"version": 1, "files": self.files}, indent=1, sort_keys=True)
        self.folder.replace_text(MANIFEST, text)
