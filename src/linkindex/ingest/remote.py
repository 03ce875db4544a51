"""Crawl files and crawl folders at Hadoop URIs, for the Spark runner: inputs found by the
driver and fetched by each task to its local disk (downloads of https:// and s3:// files by
``fetched``), parts written there and put in the crawl's folder at the URI, the manifest read
and written there.

Everything goes through pyarrow's filesystems (``locations.filesystem``): a task's Python has
no way into its executor's JVM, so it cannot use Hadoop's FileSystem itself. The extraction is
the embedded runner's ``ingest_file`` on the fetched copy, so the parts are the same.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from linkindex import locations
from linkindex.ingest.parts import JOURNAL, is_part_of, temporary_name
from linkindex.ingest.runner import INPUT_SUFFIXES, NO_INPUT, FileResult, ingest_file

_COPY_BLOCK = 8 << 20  # bytes per read while fetching an input or putting a part
FETCH_FAILED = "could not read {uri}: {error}"
PUT_FAILED = "could not write the parts to {uri}: {error}"


def discover(uris: Iterable[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Input files at URIs (folders searched recursively for WARC/WAT files, sorted), plus the
    URIs that name nothing: ``runner.discover`` for URIs."""
    import pyarrow.fs as pafs

    found: list[str] = []
    missing: list[tuple[str, str]] = []
    seen: set[str] = set()
    for uri in uris:
        fs, path = locations.filesystem(uri)
        kind = fs.get_file_info(path).type
        if kind == pafs.FileType.Directory:
            candidates = [
                locations.join(uri, name)
                for name, _size, _mtime in locations.list_files(uri)
                if name.endswith(INPUT_SUFFIXES)
            ]
        elif kind == pafs.FileType.File:
            candidates = [uri]
        else:
            missing.append((uri, NO_INPUT))
            continue
        for candidate in candidates:
            key = locations.file_key(candidate)
            if key not in seen:
                seen.add(key)
                found.append(str(candidate))
    return found, missing


def open_input(uri: str) -> pa.NativeFile:
    """A binary stream of the file at ``uri``."""
    fs, path = locations.filesystem(uri)
    # The bytes as stored: pyarrow would otherwise undo a .gz itself.
    return fs.open_input_stream(path, compression=None)


def fetch(uri: str, folder: Path) -> Path:
    """Copy the file at ``uri`` into ``folder`` under its own name, a block at a time."""
    target = folder / locations.name_of(uri)
    with open_input(uri) as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, _COPY_BLOCK)
    return target


class RemoteCrawlFolder:
    """A crawl's folder at a Hadoop URI: ``parts.CrawlFolder``'s operations, through pyarrow.

    A part is put under a hidden temporary name, then moved to its own, so the build's
    ``*/links-*.parquet`` never matches a part still being written (on S3 and GCS, where a
    move is a copy, an object only appears once it is whole anyway).
    """

    def __init__(self, uri: str) -> None:
        self.uri = uri.rstrip("/")
        self.fs, self.path = locations.filesystem(self.uri)
        self._made: set[str] = set()  # subfolders made by this object (``_put``)

    @property
    def location(self) -> str:
        return self.uri

    def _names(self) -> list[str]:
        return [name for name, _size, _mtime in locations.list_files(self.uri) if "/" not in name]

    def prepare(self) -> None:
        self.fs.create_dir(self.path, recursive=True)
        for name in self._names():
            if name.startswith(".") and name.endswith(".tmp"):
                self.fs.delete_file(f"{self.path}/{name}")
        for name in self.names(JOURNAL):
            if name.startswith(".") and name.endswith(".tmp"):
                self.delete_text(f"{JOURNAL}/{name}")

    def remove_parts(self, stem: str) -> None:
        for name in self._names():
            if is_part_of(name, stem):
                self.fs.delete_file(f"{self.path}/{name}")

    def read_text(self, name: str) -> str | None:
        import pyarrow.fs as pafs

        target = f"{self.path}/{name}"
        if self.fs.get_file_info(target).type == pafs.FileType.NotFound:
            return None
        with self.fs.open_input_stream(target, compression=None) as stream:
            return stream.read().decode("utf-8")

    def replace_text(self, name: str, text: str) -> None:
        self._put(name, io.BytesIO(text.encode("utf-8")))

    def delete_text(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):  # deleted already: what was asked
            self.fs.delete_file(f"{self.path}/{name}")

    def names(self, sub: str) -> list[str]:
        """The names of the files in the subfolder ``sub``; none when it does not exist."""
        listed = locations.list_files(str(locations.join(self.uri, sub)))
        return [name for name, _size, _mtime in listed if "/" not in name]

    def put(self, local: Path) -> None:
        """Copy a finished local part into the folder under its own name."""
        with open(local, "rb") as source:
            self._put(local.name, source)

    def _put(self, name: str, source: BinaryIO) -> None:
        # ``name`` may be a path under the folder (a journal entry): the temporary goes beside
        # the file, and a local or HDFS folder for it is made once (object stores have none).
        sub, _, base = name.rpartition("/")
        folder = f"{self.path}/{sub}" if sub else self.path
        if sub and sub not in self._made:
            self.fs.create_dir(folder, recursive=True)
            self._made.add(sub)
        temp = f"{folder}/{temporary_name(base)}"
        with self.fs.open_output_stream(temp, compression=None) as out:
            shutil.copyfileobj(source, out, _COPY_BLOCK)
        self.fs.move(temp, f"{self.path}/{name}")


def _scratch_root() -> str | None:
    # A Python worker of Spark's is told its executor's local folders (spark.local.dir).
    dirs = os.environ.get("SPARK_LOCAL_DIRS", "")
    return dirs.split(",")[0] or None


def ingest_at(
    source: str, crawl: str, crawl_at: str, known: frozenset[str], keep: str | None = None
) -> FileResult:
    """``ingest_file`` for an input and a crawl folder each a local path or a Hadoop URI: a
    ``file:`` URI input is copied to this machine's scratch folder first, an http(s) URL or
    another store's URI downloaded there (``fetched.ingest_fetched``; into ``keep``, a local
    folder, when given, and kept), and parts meant for a URI are written there, then put in
    the crawl's folder. Never raises."""
    from linkindex.ingest.fetched import FetchPlan, ingest_fetched

    if not locations.is_uri(source) and not locations.is_uri(crawl_at):
        return ingest_file(Path(source), crawl, Path(crawl_at), known)
    with tempfile.TemporaryDirectory(prefix="linkindex-ingest-", dir=_scratch_root()) as tmp:
        scratch = Path(tmp)
        local = Path(source)
        if locations.is_uri(source) and not locations.is_remote(source):
            try:
                local = fetch(source, scratch)
            except Exception as exc:  # a file gone since it was listed
                error = FETCH_FAILED.format(uri=source, error=exc)
                return FileResult(source, status="failed", complete=False, error=error)
        remote = RemoteCrawlFolder(crawl_at) if locations.is_uri(crawl_at) else None
        parts_dir = scratch / "parts" if remote is not None else Path(crawl_at)
        parts_dir.mkdir(exist_ok=True)
        if locations.is_remote(source):
            plan = FetchPlan(Path(keep), keep=True) if keep else FetchPlan(scratch / "downloads")
            result = ingest_fetched(source, crawl, parts_dir, known, plan)
        else:
            result = ingest_file(local, crawl, parts_dir, known)
        result.path = source
        if remote is None or result.status != "done":
            return result
        stem = result.sha256[:16]
        try:
            # Parts of this input and no manifest entry: a killed run's, or an older version's.
            remote.remove_parts(stem)
            for name in result.parts:
                remote.put(parts_dir / name)
        except Exception as exc:
            remote.remove_parts(stem)
            error = PUT_FAILED.format(uri=crawl_at, error=exc)
            return FileResult(source, result.sha256, "failed", False, error=error)
        return result
