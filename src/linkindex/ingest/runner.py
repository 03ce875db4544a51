"""The embedded runner: input discovery, crawl naming, one task per file, workers.

Owns the files-to-parts step around ``extract`` (``ingest_file``) and the crawl's bookkeeping
(``CrawlRun``), which the Spark runner (``spark_runner.py``) shares; only the mapping differs.
Files to download go through the same step (``ingest_input``, ``fetched.py``).
"""

from __future__ import annotations

import gc
import hashlib
import io
import multiprocessing
import re
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import IO, TYPE_CHECKING, Any

from fastwarc.warc import ArchiveIterator

from linkindex import locations
from linkindex.file_lock import try_lock
from linkindex.home import Home
from linkindex.ingest.extract import extract
from linkindex.ingest.parts import CrawlFolder, Manifest, PartWriter, remove_parts
from linkindex.ingest.progress import Progress
from linkindex.ingest.reader import Record, read_records
from linkindex.ingest.summary import IngestSummary

if TYPE_CHECKING:
    from linkindex.ingest.fetched import FetchPlan

INPUT_SUFFIXES = (".warc", ".warc.gz", ".wat", ".wat.gz")
_CC_CRAWL = re.compile(r"CC-MAIN-\d{4}-\d{2}(?!\d)")
_CRAWL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_REPORT_EVERY = 256  # records between two progress reports from a worker
# Records, or input bytes, between two collections of the two younger generations while a file
# is read with the automatic collector off (read_into): whichever comes first.
_COLLECT_EVERY = 4096
_COLLECT_EVERY_BYTES = 64 << 20
_PEEK_BYTES = 4 << 20  # of a file at a URI, read to find a Common Crawl id in its first records

NO_INPUT = "no such file or folder"
EMPTY_FILE = "empty file: no WARC or WAT record in it"
BAD_CRAWL_NAME = (
    "crawl name {name!r} is not usable as a folder name: use letters, digits, '.', '_' and '-', "
    "starting with a letter or digit (for example CC-MAIN-2024-10)"
)
TRUNCATED_FILE = "file is damaged or truncated ({error}); the records before the damage were kept"
NEEDS_SPARK = (
    "{location}: the embedded engine reads local paths (and file: URIs); s3a://, gs:// and "
    "hdfs:// are read by the Spark engine (--engine spark; docs/ingest.md, 'Hadoop URIs'), or "
    "copy the files to a local folder"
)

Reporter = Callable[[int, int, int, int], None]  # records, pages, links, bytes (deltas)


@dataclass
class FileResult:
    path: str
    sha256: str = ""
    status: str = "done"  # done | unchanged | failed
    complete: bool = True  # False when the file was damaged (what came before was kept)
    records: int = 0
    pages: int = 0
    links: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    bytes: int = 0  # the input's size
    parts: list[str] = field(default_factory=list)
    error: str | None = None


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Input files, folders searched recursively for WARC/WAT files; plus paths that are missing.

    A file named explicitly is read whatever its suffix; folder contents are sorted by path.
    """
    found: list[Path] = []
    missing: list[tuple[str, str]] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            candidates = sorted(
                p for p in path.rglob("*") if p.is_file() and p.name.endswith(INPUT_SUFFIXES)
            )
        elif path.is_file():
            candidates = [path]
        else:
            missing.append((str(path), NO_INPUT))
            continue
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found, missing


def _stem(name: str) -> str:
    for suffix in (".gz", ".warc", ".wat", ".arc"):
        name = name.removesuffix(suffix)
    return name


def _peek_crawl_id(path: locations.Location) -> str | None:
    # Common Crawl names its crawl in the warcinfo record (isPartOf: CC-MAIN-2014-35) and, in
    # WAT files, in the JSON of the first metadata record.
    try:
        if isinstance(path, Path):
            return _crawl_id_of(ArchiveIterator(str(path), parse_http=False))
        from linkindex.ingest.remote import open_input

        # FastWARC wants a seekable stream: the file's head is enough for three records.
        with open_input(path) as stream:
            head = io.BytesIO(stream.read(_PEEK_BYTES))
        return _crawl_id_of(ArchiveIterator(head, parse_http=False))
    except OSError:
        return None


def _crawl_id_of(records: Iterable[Any]) -> str | None:
    for i, record in enumerate(records):
        match = _CC_CRAWL.search(record.reader.read(65536).decode("utf-8", "replace"))
        if match or i >= 2:
            return match.group(0) if match else None
    return None


def _spelled(location: locations.Location) -> locations.Location:
    # Names are read from an input as given, a local path resolved first (so "." has a name).
    return location.resolve() if isinstance(location, Path) else location


def derive_crawl_name(inputs: list[locations.Location], files: list[locations.Location]) -> str:
    """A Common Crawl id found in the paths or the first file's header, else the first stem."""
    for path in [*inputs, *files]:
        spelled = _spelled(path)
        match = _CC_CRAWL.search(spelled.as_posix() if isinstance(spelled, Path) else spelled)
        if match:
            return match.group(0)
    if files and not _is_http(files[0]):
        crawl_id = _peek_crawl_id(files[0])
        if crawl_id:
            return crawl_id
    first = _spelled(inputs[0]) if inputs else Path("crawl")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", _stem(locations.name_of(first))).strip(".-_")
    return name or "crawl"


def _is_http(location: locations.Location) -> bool:
    from linkindex.ingest.download import is_http

    return isinstance(location, str) and is_http(location)


def check_crawl_name(name: str) -> str:
    if not _CRAWL_NAME.fullmatch(name):
        raise ValueError(BAD_CRAWL_NAME.format(name=name))
    return name


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def ingest_file(
    path: Path, crawl: str, crawl_dir: Path, known: frozenset[str], report: Reporter | None = None
) -> FileResult:
    """Read one input file into its own parts under ``crawl_dir``; never raises."""
    result = FileResult(str(path))
    if _size(path) == 0:
        return FileResult(str(path), status="failed", complete=False, error=EMPTY_FILE)
    try:
        result.sha256 = file_sha256(path)
    except OSError as exc:
        return FileResult(str(path), status="failed", complete=False, error=str(exc))
    if result.sha256 in known:
        result.status = "unchanged"
        return result
    stem = result.sha256[:16]
    # Parts with this stem and no current manifest entry are the leftovers of a killed run, or
    # the parts of an older ingest version: both are written again.
    remove_parts(crawl_dir, stem)
    pages = PartWriter(crawl_dir, "pages", stem, crawl)
    links = PartWriter(crawl_dir, "links", stem, crawl)
    try:
        read_into(read_records(path), pages, links, result, report, lambda: _size(path))
        result.parts = [p.name for p in pages.close() + links.close()]
    except Exception as exc:  # the writer failed (disk full, ...): this file only
        pages.abort()
        links.abort()
        remove_parts(crawl_dir, stem)
        return FileResult(
            str(path), result.sha256, "failed", False, error=f"{type(exc).__name__}: {exc}"
        )
    result.bytes = _size(path)
    result.pages = pages.rows
    result.links = links.rows
    return result


def read_into(
    records: Iterator[tuple[Record, int]],
    pages: PartWriter,
    links: PartWriter,
    result: FileResult,
    report: Reporter | None,
    size: Callable[[], int],
) -> None:
    """``extract`` every record into the writers, counting into ``result`` (``size``: the
    input's bytes, once read), and write what they buffer. What the reader raises is damage in
    the file: the records before it are kept and ``result`` says the file is incomplete. What
    the writers raise is raised."""
    # The automatic collector is off while a file is read: every link is a tuple that waits in
    # the writer's buffer, and the collections it set off traversed them again and again (11 %
    # of the bundled sample's ingest, 15 % of a link-heavy crawl's; bench/profile_ingest.py).
    # Records make (almost) no reference cycles; the two younger generations are collected every
    # _COLLECT_EVERY records or _COLLECT_EVERY_BYTES read all the same, so a file whose records
    # did would stay bounded (generation 1 too: a cycle still alive at one collection is moved
    # there, and would otherwise wait for the file's end).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _read_into(records, pages, links, result, report, size)
        # The rows still buffered are written now: once the collector is back on, its first
        # collection would traverse every one of them (about 10 ms a file on the sample).
        pages.flush()
        links.flush()
    finally:
        if collecting:
            gc.enable()


def _read_into(
    records: Iterator[tuple[Record, int]],
    pages: PartWriter,
    links: PartWriter,
    result: FileResult,
    report: Reporter | None,
    size: Callable[[], int],
) -> None:
    skipped = result.skipped
    pending = [0, 0, 0]
    last_pos = 0
    since_collect = 0
    collected_at = 0
    while True:
        try:
            record, pos = next(records)
        except StopIteration:
            break
        except Exception as exc:
            result.complete = False
            result.error = TRUNCATED_FILE.format(error=exc)
            break
        page, rows, skip, dropped = extract(record)
        if page is not None:
            pages.add_one(page)
            pending[1] += 1
        if rows:
            links.add(rows)
            pending[2] += len(rows)
        if skip is not None:
            skipped[skip] = skipped.get(skip, 0) + 1
        for reason, n in dropped.items():
            skipped[reason] = skipped.get(reason, 0) + n
        pending[0] += 1
        since_collect += 1
        if since_collect >= _COLLECT_EVERY or pos - collected_at >= _COLLECT_EVERY_BYTES:
            gc.collect(1)
            since_collect, collected_at = 0, pos
        if report is not None and pending[0] >= _REPORT_EVERY:
            report(pending[0], pending[1], pending[2], pos - last_pos)
            last_pos = pos
            result.records += pending[0]
            pending = [0, 0, 0]
    result.records += pending[0]
    if report is not None:
        report(pending[0], pending[1], pending[2], max(0, size() - last_pos))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def ingest_input(
    location: locations.Location,
    crawl: str,
    crawl_dir: Path,
    known: frozenset[str],
    fetch: FetchPlan | None,
    report: Reporter | None = None,
) -> FileResult:
    """``ingest_file`` for a local path, ``fetched.ingest_fetched`` (with the ``FetchPlan``
    ``fetch``) for a file to download."""
    if isinstance(location, Path):
        return ingest_file(location, crawl, crawl_dir, known, report)
    if fetch is None:
        raise ValueError(f"{location}: a file to download needs a FetchPlan")
    from linkindex.ingest.fetched import ingest_fetched

    return ingest_fetched(location, crawl, crawl_dir, known, fetch, report)


# A pool worker's copy of the crawl's known inputs, given once as it starts (_start_worker): the
# set grows with the crawl (6 MB at a release's 90,000 files), and in every file's arguments it
# would be pickled and sent once a file.
_known: frozenset[str] = frozenset()


def _start_worker(known: frozenset[str]) -> None:
    global _known
    _known = known
    # Ctrl-C reaches every process of the terminal's group: the parent alone handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker(
    location: locations.Location,
    crawl: str,
    crawl_dir: str,
    fetch: FetchPlan | None,
    queue: Any,
) -> FileResult:
    def report(records: int, pages: int, links: int, nbytes: int) -> None:
        queue.put((records, pages, links, nbytes))

    return ingest_input(location, crawl, Path(crawl_dir), _known, fetch, report)


CRAWL_BUSY = (
    "another ingest into crawl {crawl!r} is running (it holds {lock}): wait for it to end, "
    "or ingest into another crawl with --crawl"
)
CRAWL_LOCK = ".ingest.lock"  # hidden: Spark and pyarrow datasets skip it


class CrawlBusy(ValueError):
    """Another run is ingesting into the same crawl of the same home."""


def lock_crawl(folder: Path, crawl: str) -> IO[str]:
    """The crawl folder's lock, held until the file returned is closed: two runs into one crawl
    would each save a manifest without the other's entries, and share its downloads' .part
    files. Raises CrawlBusy when another run holds it."""
    lock = try_lock(folder / CRAWL_LOCK)
    if lock is None:
        raise CrawlBusy(CRAWL_BUSY.format(crawl=crawl, lock=folder / CRAWL_LOCK))
    return lock


def _lock_folder(crawls: locations.Location, crawl: str) -> Path | None:
    # A crawl on this machine, or at a file: URI (a local folder all the same), is locked with
    # flock; an object store or HDFS has no lock that ends with its holder (docs/ingest.md).
    if isinstance(crawls, Path):
        return crawls / crawl
    if not locations.is_remote(crawls):
        return locations.local_path(str(locations.join(crawls, crawl)))
    return None


UNLOCKED = (
    "crawls at {location} are not locked (an object store or HDFS has no lock that ends with "
    "the run holding it): run one ingest into a crawl there at a time"
)


def unlocked_note(home: Home) -> str | None:
    """What to tell a user whose crawls are at a Hadoop URI, where no lock is taken (None for
    crawls that are locked): two runs into one crawl would lose manifest entries."""
    crawls = home.crawls_location
    if _lock_folder(crawls, "crawl") is not None:
        return None
    return UNLOCKED.format(location=crawls)


def take_crawl_lock(home: Home, crawl: str) -> IO[str] | None:
    """The lock of crawl ``crawl`` of ``home``, taken now by a caller with work to do before
    the run starts (a release's listing to fetch: a second run is refused before it): hand it
    to the run (``lock`` of ``open_crawl_run``, ``run_ingest``, ``run_spark_ingest``), which
    holds it to its end. None for a crawl at a Hadoop URI, which is never locked. Raises
    CrawlBusy when another run holds it, ValueError for an unusable name."""
    folder = _lock_folder(home.crawls_location, check_crawl_name(crawl))
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return lock_crawl(folder, crawl)


@dataclass
class CrawlRun:
    """One ingest into one crawl: its input files, its manifest, and the summary being filled.

    A runner maps ``ingest_file`` over ``files`` (skipping ``known`` inputs) however it likes,
    hands each result to ``record`` and ends with ``finish``. ``files`` and ``folder`` are local
    (paths, ``parts.CrawlFolder``) unless a Hadoop URI was given (strings,
    ``remote.RemoteCrawlFolder``), which only the Spark runner reads and writes.
    """

    files: list[locations.Location]
    crawl: str
    folder: Any  # parts.CrawlFolder or remote.RemoteCrawlFolder
    manifest: Manifest
    known: frozenset[str]
    summary: IngestSummary
    started: float
    done_in_run: set[str] = field(default_factory=set)
    lock: IO[str] | None = None  # take_crawl_lock's: a crawl not at a Hadoop URI, files to read

    @property
    def crawl_dir(self) -> Path:
        """The local crawl folder parts are written to (the embedded runner's)."""
        if not isinstance(self.folder, CrawlFolder):
            raise ValueError(NEEDS_SPARK.format(location=self.folder.location))
        return self.folder.path

    def to_read(self) -> list[locations.Location]:
        """The files to map, the files to download that this crawl already holds whole at
        this version left out (counted unchanged). A download's content hash is not known
        before it is fetched, so its ``bucket_key`` stands for it: the same Common Crawl
        file from any mirror, or from a copy on disk, is not fetched again."""
        from linkindex.ingest.commoncrawl import bucket_key

        done = {
            bucket_key(entry.get("path", ""))
            for sha, entry in self.manifest.files.items()
            if sha in self.known and entry.get("complete", True)
        }
        files: list[locations.Location] = []
        for location in self.files:
            if (
                isinstance(location, str)
                and locations.is_remote(location)
                and bucket_key(location) in done
            ):
                self.summary.unchanged_files.append(location)
            else:
                files.append(location)
        return files

    def record(self, result: FileResult) -> None:
        """Count one file's result and write its manifest entry (a journal file, at once)."""
        _record(self.summary, self.manifest, result, self.folder, self.done_in_run)

    def finish(self) -> IngestSummary:
        self.summary.seconds = time.perf_counter() - self.started
        self.release()
        return self.summary

    def release(self) -> None:
        """Fold the manifest's journal into manifest.json and let another run into the crawl
        (``finish`` does; a runner stopped early must)."""
        try:
            # Only a run with files to read owns the crawl (it holds the lock, when local):
            # one without would fold another run's journal under it.
            if self.files and self.manifest.journaled:
                self.manifest.save()
        finally:
            if self.lock is not None:
                self.lock.close()
                self.lock = None


def open_crawl_run(
    paths: list[locations.Location],
    home: Home,
    crawl: str | None = None,
    lock: IO[str] | None = None,
) -> CrawlRun:
    """Find the inputs, name the crawl, clear a killed run's temporaries and read the manifest.

    ``paths`` are local paths, Hadoop URIs or http(s) URLs (strings; a URL names one file),
    and the home's crawls may be at a Hadoop URI (``Home.uri``). ``lock`` is crawl ``crawl``'s
    lock when the caller took it already (``take_crawl_lock``); the run releases it. Raises
    ValueError for an unusable crawl name or an unknown URI scheme, CrawlBusy when another
    run holds the crawl's lock.
    """
    try:
        if lock is not None and crawl is None:
            raise ValueError("a lock taken before the run is that of a crawl the caller names")
        return _open_crawl_run(paths, home, crawl, lock)
    except BaseException:
        if lock is not None:  # a run that does not start releases it all the same
            lock.close()
        raise


def _open_crawl_run(
    paths: list[locations.Location], home: Home, crawl: str | None, lock: IO[str] | None
) -> CrawlRun:
    started = time.perf_counter()
    paths = [
        p if _is_http(p) else locations.check_scheme(p) if locations.is_uri(p) else Path(p)
        for p in paths
    ]
    local, missing = discover([p for p in paths if isinstance(p, Path)])
    files: list[locations.Location] = list(local)
    files += [p for p in paths if _is_http(p)]
    uris = [p for p in paths if isinstance(p, str) and not _is_http(p)]
    if uris:
        from linkindex.ingest.remote import discover as discover_uris

        found, gone = discover_uris(uris)
        files += found
        missing += gone
    name = check_crawl_name(crawl if crawl else derive_crawl_name(paths, files))
    crawls = home.crawls_location
    if isinstance(crawls, Path):
        folder: Any = CrawlFolder(crawls / name)
    else:
        from linkindex.ingest.remote import RemoteCrawlFolder

        folder = RemoteCrawlFolder(str(locations.join(crawls, name)))
    if lock is None and files:
        # Before prepare: it deletes temporaries, which may be a running run's.
        lock = take_crawl_lock(home, name)
    try:
        if files:
            folder.prepare()
        manifest = Manifest(folder)
        # The entries of a killed run, folded before this run adds its own; and a crawl's first
        # run writes its (empty) manifest before any part: the build reads, of a crawl with a
        # manifest, only the parts it names (builder/inputs.py, ingested_parts).
        if files and (manifest.journaled or not manifest.found):
            manifest.save()
        current = manifest.current()
    except BaseException:
        if lock is not None:
            lock.close()
        raise
    # An input ingested by an older version (see parts.RECORDS_VERSION) is read again: its
    # parts are replaced (same names) and its manifest entry is rewritten.
    summary = IngestSummary(crawl=name, failed_files=list(missing))
    return CrawlRun(files, name, folder, manifest, current, summary, started, lock=lock)


def _same_input(given: str, other: str) -> bool:
    """Whether two manifest paths name one input: URIs as spelled, local paths resolved."""
    if locations.is_uri(given) or locations.is_uri(other):
        return locations.file_key(given) == locations.file_key(other)
    return Path(given).resolve() == Path(other).resolve()


def _record(
    summary: IngestSummary,
    manifest: Manifest,
    result: FileResult,
    folder: Any,
    done_in_run: set[str],
) -> None:
    if result.status == "unchanged" or (result.status == "done" and result.sha256 in done_in_run):
        summary.unchanged_files.append(result.path)
        return
    if result.status == "failed":
        summary.failed_files.append((result.path, result.error or "failed"))
        return
    summary.files += 1
    summary.bytes += result.bytes
    summary.records += result.records
    summary.pages += result.pages
    summary.links += result.links
    for reason, n in result.skipped.items():
        summary.count(reason, n)
    if not result.complete:
        summary.failed_files.append((result.path, result.error or "damaged"))
    name = locations.name_of(result.path if locations.is_uri(result.path) else Path(result.path))
    if result.complete:
        # A complete copy of a file that was ingested damaged before, from the same path (a
        # download that has since finished), replaces its records. A name alone proves nothing:
        # two crawlers' "site.warc.gz" are different files.
        damaged = [
            sha
            for sha in manifest.incomplete()
            if sha != result.sha256
            and _same_input(manifest.files[sha].get("path", ""), result.path)
        ]
        for sha in damaged:
            folder.remove_parts(sha[:16])
            manifest.remove(sha)
    done_in_run.add(result.sha256)
    manifest.add(
        result.sha256,
        {
            "name": name,
            "path": result.path,
            "complete": result.complete,
            "error": result.error,
            "records": result.records,
            "pages": result.pages,
            "links": result.links,
            "parts": result.parts,
            "skipped": result.skipped,
        },
    )


def run_ingest(
    paths: list[locations.Location],
    home: Home,
    crawl: str | None = None,
    workers: int = 1,
    progress: bool = True,
    fetch: FetchPlan | None = None,
    lock: IO[str] | None = None,
) -> IngestSummary:
    """Ingest WARC/WAT files and folders into crawl ``crawl`` of ``home``.

    Writes pages-*.parquet and links-*.parquet under ``home.crawls / crawl``; files already
    ingested (same content) are not read again. ``paths`` may also be http(s) URLs and s3://,
    gs:// or hdfs:// URIs (strings): those files are downloaded first, as ``fetch`` (a
    ``fetched.FetchPlan``; default: ``home/downloads/<crawl>``, copies deleted once read) says,
    and one already in the crawl is not downloaded again. Raises ValueError for an unusable
    crawl name. With ``workers`` > 1 the workers are spawned, so a script calling this must do
    it under ``if __name__ == "__main__":`` (multiprocessing's rule for spawn). ``lock``: the
    crawl's lock, taken already (``take_crawl_lock``), which the run then holds and releases.
    """
    if home.uri and locations.is_remote(home.uri):
        if lock is not None:
            lock.close()
        raise ValueError(NEEDS_SPARK.format(location=home.uri))
    # file: URIs are local paths here.
    paths = [locations.as_local(p) if isinstance(p, str) else p for p in paths]
    if home.uri:
        home = Home(locations.local_path(home.uri))
    run = open_crawl_run(paths, home, crawl, lock)
    if fetch is None and any(isinstance(p, str) for p in run.files):
        from linkindex.ingest.fetched import FetchPlan

        fetch = FetchPlan(home.root / "downloads" / run.crawl)
    try:
        files = run.to_read()
        owned = home.root / "downloads" / run.crawl
        if run.lock is not None and owned.is_dir():
            from linkindex.ingest.fetched import remove_stale

            # Files are read as they stream in: what is there was left by an older version,
            # unless the run keeps its downloads in that very folder.
            kept = fetch is not None and fetch.keep and fetch.folder.resolve() == owned.resolve()
            remove_stale(owned, [p for p in files if isinstance(p, str)] if kept else [])
    except BaseException:
        run.release()
        raise
    sizes = None if any(isinstance(p, str) for p in files) else sum(_size(p) for p in files)
    bar = Progress(progress, run.crawl, len(files), sizes)
    try:
        if workers <= 1 or len(files) <= 1:
            _run_here(files, run, fetch, bar)
        else:
            _run_pool(files, run.crawl, run.crawl_dir, run.known, fetch, workers, bar, run.record)
    finally:
        bar.stop()
        run.release()
    return run.finish()


def _run_here(
    files: list[locations.Location], run: CrawlRun, fetch: FetchPlan | None, bar: Progress
) -> None:
    """One file after the other in this process. A file to download is read as it streams in,
    so its transfer overlaps its reading by itself (the socket's buffer fills while records are
    read)."""
    for path in files:
        run.record(ingest_input(path, run.crawl, run.crawl_dir, run.known, fetch, bar.advance))
        bar.file_done()


def _run_pool(
    files: list[locations.Location],
    crawl: str,
    crawl_dir: Path,
    known: frozenset[str],
    fetch: FetchPlan | None,
    workers: int,
    bar: Progress,
    on_result: Callable[[FileResult], None],
) -> None:
    # spawn, not fork: the parent holds a live progress display and possibly other threads.
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(files)),
            mp_context=context,
            initializer=_start_worker,
            initargs=(known,),
        )
        try:
            queue = manager.Queue()
            futures: dict[Future[FileResult], locations.Location] = {
                pool.submit(_worker, p, crawl, str(crawl_dir), fetch, queue): p for p in files
            }
            pending = set(futures)
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                _drain(queue, bar)
                for future in done:
                    try:
                        result = future.result()
                    except Exception as exc:  # a dead worker fails its file, not the run
                        result = FileResult(
                            str(futures[future]),
                            status="failed",
                            complete=False,
                            error=f"worker failed: {exc}",
                        )
                    on_result(result)
                    bar.file_done()
            _drain(queue, bar)
        except BaseException:
            # Ctrl-C: stop the workers now rather than after their files (a download can take
            # minutes). They leave what a killed run leaves, which the next run clears or resumes.
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()


def _drain(queue: Any, bar: Progress) -> None:
    while True:
        try:
            bar.advance(*queue.get_nowait())
        except Empty:
            return
