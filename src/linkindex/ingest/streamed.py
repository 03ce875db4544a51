"""One file read as it streams in (``stream.RemoteStream``) into parts held under temporary
names, published under the input's hash only once the stream proved to be the whole file.

The hash is known only at the stream's end, and no record counts before the file is verified:
so the parts get their final names (the same as from a copy on disk) last, or are deleted.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from linkindex.ingest.parts import PartWriter, remove_parts
from linkindex.ingest.reader import read_records
from linkindex.ingest.runner import FileResult, Reporter, read_into
from linkindex.ingest.stream import RemoteStream


def ingest_stream(
    stream: RemoteStream,
    crawl: str,
    crawl_dir: Path,
    known: frozenset[str],
    report: Reporter | None = None,
) -> FileResult:
    """Read ``stream`` to its end into its own parts under ``crawl_dir``, published once it
    arrived whole: ``ingest_file`` for a file read as it streams in. A file the reader finds
    damaged comes back incomplete with no parts (nothing of a download is kept unless whole).

    Raises the stream's failure (``DownloadFailed``: given up; ``StreamDamaged``: the bytes are
    not the file) with nothing left of what it wrote; otherwise never raises.
    """
    result = FileResult(stream.location)
    # The temporaries' name until the hash is known: any name no other file's parts take.
    token = f"stream{uuid.uuid4().hex[:16]}"
    pages = PartWriter(crawl_dir, "pages", token, crawl, hold=True)
    links = PartWriter(crawl_dir, "links", token, crawl, hold=True)
    try:
        try:
            read_into(read_records(stream), pages, links, result, report, lambda: stream.count)
            stream.drain()  # the reader may stop before the end: the checks need every byte
            pages.close()
            links.close()
        except Exception as exc:
            if stream.failure is None:  # the writer failed (disk full, ...): this file only
                error = f"{type(exc).__name__}: {exc}"
                return FileResult(stream.location, status="failed", complete=False, error=error)
        failure = stream.verdict()
        if failure is not None:
            raise failure
        result.sha256 = stream.sha256
        result.bytes = stream.count
        if result.sha256 in known:
            result.status = "unchanged"
            return result
        if not result.complete:
            return result
        stem = result.sha256[:16]
        # Parts with this stem and no current manifest entry: a killed run's, an older version's.
        remove_parts(crawl_dir, stem)
        result.parts = [p.name for p in pages.publish(stem) + links.publish(stem)]
        result.pages = pages.rows
        result.links = links.rows
        return result
    finally:
        pages.discard()  # what was not published
        links.discard()
