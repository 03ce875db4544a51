"""Inputs ingest downloads (http(s)://, s3://, gs://): the file step both runners map over them
(fetch, ``ingest_file`` on the copy, delete it unless kept and whole), where the copies go,
what of them is stale, and the embedded runner's one-file-ahead prefetch.

A downloaded file is ingested whole or not at all: one the reader finds damaged has its parts
removed and is reported failed, so the next run fetches and reads it again.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from linkindex import locations
from linkindex.ingest.commoncrawl import bucket_key
from linkindex.ingest.download import Downloader, DownloadFailed, DownloadPolicy
from linkindex.ingest.parts import remove_parts
from linkindex.ingest.runner import FileResult, Reporter, ingest_file

DOWNLOAD_FAILED = "not downloaded: {error}"
# A download: the local copy, or the failed result saying why there is none.
Downloaded = Path | FileResult
DAMAGED_DOWNLOAD = "{error}; none of its records were kept (it is read again on the next run)"


@dataclass(frozen=True)
class FetchPlan:
    """Where downloads go: ``folder`` holds the file each running task is fetching or reading
    (``<name>.part`` while it arrives), deleted once ingested unless ``keep``."""

    folder: Path
    keep: bool = False
    policy: DownloadPolicy = field(default_factory=DownloadPolicy)


def download_path(folder: Path, location: str) -> Path:
    """Where ``location`` is downloaded under ``folder``: a Common Crawl file at its path in
    the bucket (so a kept folder is a mirror ``ingest`` reads from disk with the same result),
    anything else under its host and path."""
    key = bucket_key(location)
    if key == location:
        parts = location.split("://", 1)[-1]
        key = parts.replace(":", "_")
    return folder.joinpath(*[p for p in key.split("/") if p not in ("", ".", "..")])


def remove_stale(folder: Path, selected: list[str]) -> None:
    """Delete every file under ``folder`` but the downloads of ``selected`` (whole, or their
    ``.part``): what earlier runs left of files this run does not read (a killed run's
    ``.part``, a prefetched file never read) would otherwise stay for ever. Only for a folder
    this crawl's runs own, under the crawl's lock."""
    keep = set()
    for location in selected:
        target = download_path(folder, location)
        keep |= {target, target.with_name(target.name + ".part")}
    for path in sorted(folder.rglob("*"), reverse=True):  # files before their folders
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif path not in keep:
            path.unlink(missing_ok=True)


def download(location: str, plan: FetchPlan, downloader: Downloader | None = None) -> Downloaded:
    """Fetch ``location`` into ``plan.folder`` (resuming a killed run's ``.part``): the local
    copy, or the failed result saying why not. Never raises."""
    fetcher = downloader or Downloader(plan.policy)
    try:
        return fetcher.fetch(location, download_path(plan.folder, location))
    except DownloadFailed as exc:
        error = DOWNLOAD_FAILED.format(error=exc)
        return FileResult(location, status="failed", complete=False, error=error)
    except Exception as exc:  # a full disk, a bug: this file fails, not the run
        error = DOWNLOAD_FAILED.format(error=f"{type(exc).__name__}: {exc}")
        return FileResult(location, status="failed", complete=False, error=error)
    finally:
        if downloader is None:
            fetcher.close()


def ingest_downloaded(
    location: str,
    copy: Downloaded,
    crawl: str,
    crawl_dir: Path,
    known: frozenset[str],
    plan: FetchPlan,
    report: Reporter | None = None,
) -> FileResult:
    """Ingest the local ``copy`` of ``location`` whole or not at all, then delete it unless
    ``plan.keep`` and it was read whole; a failed download's result is returned as it is.
    Never raises."""
    if isinstance(copy, FileResult):
        return copy
    result = ingest_file(copy, crawl, crawl_dir, known, report)
    result.path = location
    if result.status == "done" and not result.complete:
        remove_parts(crawl_dir, result.sha256[:16])
        error = DAMAGED_DOWNLOAD.format(error=result.error)
        result = FileResult(location, result.sha256, "failed", False, error=error)
    if not plan.keep or result.status == "failed":
        # A kept copy the reader found damaged would be taken as whole by every later run.
        copy.unlink(missing_ok=True)
    return result


def ingest_fetched(
    location: str,
    crawl: str,
    crawl_dir: Path,
    known: frozenset[str],
    plan: FetchPlan,
    report: Reporter | None = None,
) -> FileResult:
    """``download`` then ``ingest_downloaded``: one task of a worker process or of Spark."""
    copy = download(location, plan)
    return ingest_downloaded(location, copy, crawl, crawl_dir, known, plan, report)


def prefetched(
    files: list[locations.Location], plan: FetchPlan
) -> Iterator[tuple[locations.Location, Downloaded | None]]:
    """Each file with its download (None for a local path), the next one downloading in a
    thread while the caller reads this one: one file ahead, so the disk holds two at most.

    The thread is a daemon: Ctrl-C does not wait for its download, whose ``.part`` the next
    run resumes.
    """
    ready: queue.Queue[tuple[locations.Location, Downloaded | None]] = queue.Queue()
    # Two permits: the file being read, and the next. The caller gives one back when it asks
    # for the file after.
    room = threading.Semaphore(2)

    def fetch_all() -> None:
        downloader = Downloader(plan.policy)
        try:
            for location in files:
                room.acquire()
                copy = download(location, plan, downloader) if isinstance(location, str) else None
                ready.put((location, copy))
        finally:
            downloader.close()

    threading.Thread(target=fetch_all, name="linkindex-prefetch", daemon=True).start()
    for n in range(len(files)):
        if n:
            room.release()
        yield ready.get()
