"""Fixtures for the ingest tests: one record through the adapter, pywb's iana.org crawl, and a
local mirror of a Common Crawl release."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bucket_server import Bucket, BucketServer, make_bucket
from ingest_helpers import IANA_CACHE, IANA_ENV, SAMPLE_IANA, write_warc

from linkindex.ingest import Extraction, extract, read_records
from linkindex.ingest.reader import OtherRecord


@pytest.fixture
def extract_one(tmp_path: Path) -> Callable[..., Extraction]:
    """Write one record to a real WARC file, read it back through the adapter, extract it."""

    def run(
        url: str = "http://example.com/page", body: bytes | str = b"", **spec: Any
    ) -> Extraction:
        data = body.encode("utf-8") if isinstance(body, str) else body
        path = write_warc(tmp_path / "one.warc.gz", [{"url": url, "body": data, **spec}])
        records = [r for r, _ in read_records(path) if not isinstance(r, OtherRecord)]
        assert len(records) == 1
        return extract(records[0])

    return run


def _download_iana(folder: Path) -> Path | None:
    folder.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
             "pywb", "-d", str(folder), "-q"],
            check=True, timeout=300, capture_output=True,
        )  # fmt: skip
    except (subprocess.SubprocessError, OSError):
        return None
    sdist = next(folder.glob("pywb-*.tar.gz"), None)
    if sdist is None:
        return None
    with tarfile.open(sdist) as tar:
        member = next((m for m in tar.getmembers() if m.name.endswith("warcs/iana.warc.gz")), None)
        if member is None:
            return None
        member.name = "iana.warc.gz"
        tar.extract(member, folder, filter="data")
    return folder / "iana.warc.gz"


@pytest.fixture(scope="session")
def iana_warc() -> Path:
    """pywb's iana.org crawl (2014, 343 records): not committed (GPL package, 786 KB).

    Taken from $LINKINDEX_TEST_IANA_WARC, the bundled sample (an unchanged copy), the cache, or
    pip download of pywb's sdist.
    """
    explicit = os.environ.get(IANA_ENV)
    if explicit and Path(explicit).is_file():
        return Path(explicit)
    if SAMPLE_IANA.is_file():
        return SAMPLE_IANA
    cached = IANA_CACHE / "iana.warc.gz"
    if cached.is_file():
        return cached
    fetched = _download_iana(IANA_CACHE)
    if fetched is None:
        pytest.skip(f"pywb's iana.warc.gz is unavailable: set {IANA_ENV} to its path")
    return fetched


@pytest.fixture(scope="session")
def bucket_template(tmp_path_factory) -> Bucket:
    """A generated release (bucket_server.make_bucket), made once; tests get a copy."""
    return make_bucket(tmp_path_factory.mktemp("bucket"))


@pytest.fixture
def bucket(bucket_template: Bucket, tmp_path: Path) -> Bucket:
    """A copy of the release this test may change (a cut file, another listing)."""
    root = tmp_path / "bucket"
    shutil.copytree(bucket_template.root, root)
    return Bucket(root, list(bucket_template.warc), list(bucket_template.wat))


@pytest.fixture
def mirror(bucket: Bucket):
    """The release served on 127.0.0.1 (bucket_server.BucketServer), stopped after the test."""
    server = BucketServer(bucket.root).start()
    yield server
    server.stop()
