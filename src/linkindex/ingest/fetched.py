"""Inputs ingest downloads (https://, s3://, gs://): the file step both runners map over them
(fetch, ``ingest_file`` on the copy, delete it unless kept) and where the copies go.

A downloaded file is ingested whole or not at all: one the reader finds damaged has its parts
removed and is reported failed, so the next run fetches and reads it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from linkindex.ingest.commoncrawl import bucket_key
from linkindex.ingest.download import Downloader, DownloadFailed, RetryPolicy
from linkindex.ingest.parts import remove_parts
from linkindex.ingest.runner import FileResult, Reporter, ingest_file

DOWNLOAD_FAILED = "not downloaded: {error}"
DAMAGED_DOWNLOAD = "{error}; none of its records were kept (it is read again on the next run)"


@dataclass(frozen=True)
class FetchPlan:
    """Where downloads go: ``folder`` holds the file each running task is fetching or reading
    (``<name>.part`` while it arrives), deleted once ingested unless ``keep``."""

    folder: Path
    keep: bool = False
    policy: RetryPolicy = field(default_factory=RetryPolicy)


def download_path(folder: Path, location: str) -> Path:
    """Where ``location`` is downloaded under ``folder``: a Common Crawl file at its path in
    the bucket (so a kept folder is a mirror ``ingest`` reads from disk with the same result),
    anything else under its host and path."""
    key = bucket_key(location)
    if key == location:
        parts = location.split("://", 1)[-1]
        key = parts.replace(":", "_")
    return folder.joinpath(*[p for p in key.split("/") if p not in ("", ".", "..")])


def ingest_fetched(
    location: str,
    crawl: str,
    crawl_dir: Path,
    known: frozenset[str],
    plan: FetchPlan,
    report: Reporter | None = None,
    downloader: Downloader | None = None,
) -> FileResult:
    """Download ``location`` (resuming a killed run's ``.part``) and ingest it; never raises."""
    fetcher = downloader or Downloader(plan.policy)
    target = download_path(plan.folder, location)
    try:
        fetcher.fetch(location, target)
    except DownloadFailed as exc:
        error = DOWNLOAD_FAILED.format(error=exc)
        return FileResult(location, status="failed", complete=False, error=error)
    finally:
        if downloader is None:
            fetcher.close()
    result = ingest_file(target, crawl, crawl_dir, known, report)
    result.path = location
    if result.status == "done" and not result.complete:
        remove_parts(crawl_dir, result.sha256[:16])
        error = DAMAGED_DOWNLOAD.format(error=result.error)
        result = FileResult(location, result.sha256, "failed", False, error=error)
    if not plan.keep:
        target.unlink(missing_ok=True)
    return result
