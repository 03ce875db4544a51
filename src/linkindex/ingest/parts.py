"""The on-disk layout of an ingested crawl: Parquet parts named by input hash, and the manifest.

Parts appear under their final name only when complete; docs/ingest.md describes the layout.
The manifest is manifest.json plus a journal of entry files, one per input recorded since
manifest.json was last written, folded into it when a run ends (or starts after a killed one).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from linkindex.records import LINK_SCHEMA, PAGE_SCHEMA

MANIFEST = "manifest.json"
# The manifest's journal: one file per recorded input, <sha256>.json, holding its entry (or
# null: the input was removed). Writing one is constant work, where rewriting manifest.json
# grows with the crawl (about 2 s at the 90,000 inputs of a whole Common Crawl release).
JOURNAL = "manifest.d"
_JOURNAL_ENTRY = re.compile(r"[0-9a-f]{64}\.json")
_READ_TRIES = 10  # folds of a manifest another process was folding at the same moment
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
    path.parent.mkdir(parents=True, exist_ok=True)
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
        """Make the folder, and delete a killed run's half-written parts and journal entries."""
        self.path.mkdir(parents=True, exist_ok=True)
        remove_temporaries(self.path)
        for path in (self.path / JOURNAL).glob(".*.tmp"):
            path.unlink(missing_ok=True)

    def remove_parts(self, stem: str) -> None:
        remove_parts(self.path, stem)

    def read_text(self, name: str) -> str | None:
        try:
            return (self.path / name).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def replace_text(self, name: str, text: str) -> None:
        """Write the file ``name`` (a path under the folder) whole, its folder made if need be."""
        replace_file(self.path / name, text)

    def delete_text(self, name: str) -> None:
        (self.path / name).unlink(missing_ok=True)

    def names(self, sub: str) -> list[str]:
        """The names of the files in the subfolder ``sub``; none when it does not exist."""
        folder = self.path / sub
        return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


class PartWriter:
    """Writes rows of one kind from one input file in bounded row groups and parts.

    Rows are tuples in schema order without the leading ``crawl`` column. Each part is renamed
    to its final name as it fills, unless ``hold``: then every part stays under its temporary
    name until ``publish`` names them all after the input's hash, known only at the end of a
    file read as it streams in (``stem`` is then any name for the temporaries), or ``discard``
    deletes them.
    """

    def __init__(
        self,
        crawl_dir: Path,
        kind: str,
        stem: str,
        crawl: str,
        rows_per_group: int = ROWS_PER_GROUP,
        rows_per_part: int = ROWS_PER_PART,
        hold: bool = False,
    ) -> None:
        self.crawl_dir = crawl_dir
        self.hold = hold
        self.held: list[Path] = []  # finished parts still under their temporary names
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
            self.flush()

    def add_one(self, row: Any) -> None:
        self._buffer.append(row)
        if len(self._buffer) >= self.rows_per_group:
            self.flush()

    def _table(self, rows: list[Sequence[Any]]) -> pa.Table:
        # One C++ conversion of the row tuples to a struct array, then its columns: several
        # times faster than transposing in Python and converting column by column.
        struct = pa.array(rows, type=self._row_type)
        columns = [pa.repeat(pa.scalar(self.crawl, pa.string()), len(rows)), *struct.flatten()]
        return pa.Table.from_arrays(columns, schema=self.schema)

    def flush(self) -> None:
        """Write the buffered rows as a row group (``close`` does, first)."""
        if not self._buffer:
            return
        if self._writer is None:
            name = part_name(self.kind, self.stem, len(self.finished) + len(self.held))
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
        if self.hold:
            self.held.append(self._temp)
        else:
            final = self.crawl_dir / part_name(self.kind, self.stem, len(self.finished))
            os.replace(self._temp, final)
            self.finished.append(final)
        self._writer = None
        self._temp = None
        self._part_rows = 0

    def close(self) -> list[Path]:
        """Write what is buffered and publish the last part; return every finished part."""
        self.flush()
        self._finish_part()
        return self.finished

    def publish(self, stem: str) -> list[Path]:
        """Give the held parts (``close`` first) their final names, after ``stem``, in order."""
        for temp in self.held:
            final = self.crawl_dir / part_name(self.kind, stem, len(self.finished))
            os.replace(temp, final)
            self.finished.append(final)
        self.held = []
        return self.finished

    def discard(self) -> None:
        """Drop the part being written and every held part."""
        self.abort()
        for temp in self.held:
            temp.unlink(missing_ok=True)
        self.held = []

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
    """The inputs already ingested into one crawl, keyed by content hash: manifest.json folded
    with the journal (``JOURNAL``), whose entry of an input wins over manifest.json's.

    ``add`` and ``remove`` write one journal file each, at once, so a run killed between two
    files keeps every entry it recorded; ``save`` writes the fold as manifest.json, then
    deletes the journal files it holds. In that order, a crash anywhere leaves each entry once:
    an entry file still there after manifest.json was written says the same as it does.

    ``folder`` is a ``CrawlFolder``, or anything with its ``read_text``, ``replace_text``,
    ``delete_text`` and ``names`` (the crawl folder at a Hadoop URI); a bare path is taken as
    a local folder.
    """

    def __init__(self, folder: Any) -> None:
        self.folder = CrawlFolder(folder) if isinstance(folder, Path) else folder
        self.files: dict[str, dict[str, Any]] = {}
        self.journaled: set[str] = set()  # the journal files not yet folded into manifest.json
        self.found = False  # whether the folder had a manifest (manifest.json, or a journal)
        self._incomplete: set[str] = set()
        self._read()

    def _read(self) -> None:
        for _ in range(_READ_TRIES):
            # The journal is listed before manifest.json is read: a fold by another process
            # writes manifest.json before it deletes the files it folded, so a listed file
            # that is gone by the time it is read means a fold ran in between: read again.
            names = [n for n in self.folder.names(JOURNAL) if _JOURNAL_ENTRY.fullmatch(n)]
            text = self.folder.read_text(MANIFEST)
            files = json.loads(text).get("files", {}) if text is not None else {}
            for name in names:
                entry_text = self.folder.read_text(f"{JOURNAL}/{name}")
                if entry_text is None:
                    break
                entry = json.loads(entry_text)
                sha = name.removesuffix(".json")
                if entry is None:
                    files.pop(sha, None)
                else:
                    files[sha] = entry
            else:
                self.files = files
                self.journaled = set(names)
                self.found = text is not None or bool(names)
                self._incomplete = {s for s, e in files.items() if not e.get("complete", True)}
                return
        raise RuntimeError(f"{JOURNAL} kept changing while it was read: another run is folding it")

    def __contains__(self, sha256: str) -> bool:
        return sha256 in self.files

    def incomplete(self) -> list[str]:
        """The inputs ingested damaged (entries with ``complete`` false), kept as entries come
        and go: ingest asks after every file, and a scan of every entry grows with the crawl."""
        return sorted(self._incomplete)

    def current(self) -> frozenset[str]:
        """The inputs whose parts this version of ingest would write again unchanged."""
        return frozenset(
            sha
            for sha, entry in self.files.items()
            if entry.get("records_version", 1) == RECORDS_VERSION
        )

    def add(self, sha256: str, entry: dict[str, Any]) -> None:
        """Record an input's entry, in the journal at once."""
        self.files[sha256] = {
            **entry,
            "records_version": RECORDS_VERSION,
            "ingested_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        if entry.get("complete", True):
            self._incomplete.discard(sha256)
        else:
            self._incomplete.add(sha256)
        self._journal(sha256, self.files[sha256])

    def remove(self, sha256: str) -> None:
        """Forget an input, in the journal at once (a null entry)."""
        self.files.pop(sha256, None)
        self._incomplete.discard(sha256)
        self._journal(sha256, None)

    def _journal(self, sha256: str, entry: dict[str, Any] | None) -> None:
        name = f"{sha256}.json"
        self.folder.replace_text(f"{JOURNAL}/{name}", json.dumps(entry, sort_keys=True))
        self.journaled.add(name)

    def save(self) -> None:
        """Write every entry as manifest.json, then delete the journal files it now holds."""
        text = json.dumps({"version": 1, "files": self.files}, indent=1, sort_keys=True)
        self.folder.replace_text(MANIFEST, text)
        for name in sorted(self.journaled):
            self.folder.delete_text(f"{JOURNAL}/{name}")
        self.journaled = set()
