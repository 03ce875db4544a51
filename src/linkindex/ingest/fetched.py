"""Inputs ingest downloads (http(s)://, s3://, gs://): the file step both runners map over them
(read as it streams in, a copy kept on disk only if asked), where kept copies go, what is stale.

A downloaded file is ingested whole or not at all: one that arrives damaged, or that the reader
finds damaged, leaves no parts and is reported failed, so the next run reads it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from linkindex.ingest.commoncrawl import bucket_key
from linkindex.ingest.download import NOT_WHOLE, Downloader, DownloadFailed, DownloadPolicy, damage
from linkindex.ingest.parts import remove_parts
from linkindex.ingest.runner import FileResult, Reporter, ingest_file
from linkindex.ingest.stream import RemoteStream, StreamDamaged
from linkindex.ingest.streamed import ingest_stream

DOWNLOAD_FAILED = "not downloaded: {error}"
DAMAGED_DOWNLOAD = "{error}; none of its records were kept (it is read again on the next run)"


@dataclass(frozen=True)
class FetchPlan:
    """Where downloads go: with ``keep``, ``folder`` holds a copy of each file read
    (``<name>.part`` while it arrives); without, files are read as they stream in and nothing
    of them is written there."""

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
    ``.part``, a file an older version fetched and never read) would otherwise stay for ever.
    Only for a folder this crawl's runs own, under the crawl's lock."""
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


def ingest_fetched(
    location: str,
    crawl: str,
    crawl_dir: Path,
    known: frozenset[str],
    plan: FetchPlan,
    report: Reporter | None = None,
) -> FileResult:
    """Ingest ``location`` as it streams in, whole or not at all: one task of a worker process
    or of Spark. With ``plan.keep`` its bytes are also written to its copy in ``plan.folder``
    (``<name>.part`` until whole, so a killed run's goes on byte for byte), and a copy already
    whole there is read from disk instead. Never raises."""
    target = download_path(plan.folder, location)
    try:
        if plan.keep and target.is_file():
            # A kept file of an earlier run (or a version that checked less) is checked again.
            if damage(target) is None:
                return _from_disk(location, target, crawl, crawl_dir, known, report)
            target.unlink()
        downloader = Downloader(plan.policy)
        try:
            return _streamed(location, target, crawl, crawl_dir, known, plan, downloader, report)
        finally:
            downloader.close()
    except DownloadFailed as exc:
        error = DOWNLOAD_FAILED.format(error=exc)
        return FileResult(location, status="failed", complete=False, error=error)
    except Exception as exc:  # a full disk, a bug: this file fails, not the run
        error = DOWNLOAD_FAILED.format(error=f"{type(exc).__name__}: {exc}")
        return FileResult(location, status="failed", complete=False, error=error)


def _streamed(
    location: str,
    target: Path,
    crawl: str,
    crawl_dir: Path,
    known: frozenset[str],
    plan: FetchPlan,
    downloader: Downloader,
    report: Reporter | None,
) -> FileResult:
    part = target.with_name(target.name + ".part") if plan.keep else None
    attempts = downloader.attempts()  # one budget for the file, whatever the reads
    for read in range(1, plan.policy.damaged_tries + 1):
        gzip = target.name.endswith(".gz")
        try:
            with RemoteStream(location, downloader, gzip, part, attempts) as stream:
                result = ingest_stream(stream, crawl, crawl_dir, known, report)
        except StreamDamaged as exc:
            # The bytes are not the file: read it again from the start (a kept .part too).
            if part is not None:
                part.unlink(missing_ok=True)
            if read >= plan.policy.damaged_tries:
                raise DownloadFailed(NOT_WHOLE.format(error=exc)) from None
            continue
        result.path = location
        if result.status == "done" and not result.complete:
            if part is not None:
                part.unlink(missing_ok=True)  # a kept copy would be taken as whole by later runs
            error = DAMAGED_DOWNLOAD.format(error=result.error)
            return FileResult(location, result.sha256, "failed", False, error=error)
        if part is not None and result.status != "failed":
            part.replace(target)
        return result
    raise AssertionError("unreachable: the last read returns or raises")


def _from_disk(
    location: str,
    copy: Path,
    crawl: str,
    crawl_dir: Path,
    known: frozenset[str],
    report: Reporter | None,
) -> FileResult:
    """A kept copy, whole on disk, read as a local file would be: the same parts."""
    result = ingest_file(copy, crawl, crawl_dir, known, report)
    result.path = location
    if result.status == "done" and not result.complete:
        remove_parts(crawl_dir, result.sha256[:16])
        error = DAMAGED_DOWNLOAD.format(error=result.error)
        result = FileResult(location, result.sha256, "failed", False, error=error)
    if result.status == "failed":
        # A kept copy the reader found damaged would be taken as whole by every later run.
        copy.unlink(missing_ok=True)
    return result
