"""A Common Crawl release by name: its path listing under a bucket's base URL, and the seeded
sample of files to ingest from it (``linkindex ingest --common-crawl``).

The bucket layout is Common Crawl's: ``<base>/crawl-data/<release>/<kind>.paths.gz`` lists, one a
line, each file's path relative to ``<base>``.
"""

from __future__ import annotations

import hashlib
import math
import re
import zlib
from pathlib import Path
from typing import NamedTuple

from linkindex import locations
from linkindex.ingest.download import Downloader, DownloadFailed, GzipTooLarge, gunzip_blocks

DEFAULT_BASE_URL = "https://data.commoncrawl.org/"
KINDS = ("wat", "warc")
_RELEASE = re.compile(r"CC-MAIN-\d{4}-\d{2}")
_BUCKET_ROOT = "crawl-data/"
# A release's listing of ~100,000 paths is ~10 MB of text; a listing far past that is not one.
LISTING_LIMIT = 64 << 20

BAD_RELEASE = (
    "{name!r} is not a Common Crawl release name: they read CC-MAIN-YYYY-WW (year and week), "
    "for example CC-MAIN-2024-10, as listed on https://data.commoncrawl.org/crawl-data/"
)
BAD_KIND = "--kind is wat or warc, not {kind!r}"
BAD_SAMPLE = "give --files N or --fraction F, not both"
BAD_FRACTION = "--fraction is above 0 and at most 1, not {fraction}"
BAD_FILES = "--files is at least 1, not {files}"
EMPTY_LISTING = "{url} lists no files"
LISTING_TOO_LARGE = (
    "the listing is too large ({error}; a release's is about 10 MB): not a Common Crawl listing"
)
OUTSIDE_RELEASE = "not fetched: the listing names a path outside crawl-data/{release}/"
UNSAFE_PATH = "not fetched: the listing names a path with {what}"
LISTING_FAILED = (
    "could not read the release's listing {url} ({error}): check the release name and "
    "--base-url (a mirror laid out as Common Crawl's bucket: crawl-data/<release>/...)"
)


def check_release(name: str) -> str:
    if not _RELEASE.fullmatch(name):
        raise ValueError(BAD_RELEASE.format(name=name))
    return name


def listing_url(base_url: str, release: str, kind: str) -> str:
    """Where the release's listing of ``kind`` files is under ``base_url``."""
    if kind not in KINDS:
        raise ValueError(BAD_KIND.format(kind=kind))
    return f"{base_url.rstrip('/')}/crawl-data/{check_release(release)}/{kind}.paths.gz"


def file_url(base_url: str, path: str) -> str:
    """The URL of a file the listing names (relative to the bucket's root)."""
    return f"{base_url.rstrip('/')}/{path.lstrip('/')}"


def parse_listing(data: bytes) -> list[str]:
    """The paths of a ``*.paths.gz`` listing (gzip, or already plain text), blank lines out.
    Raises ValueError for a listing past ``LISTING_LIMIT`` bytes once decompressed, or damaged."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = b"".join(gunzip_blocks([data], LISTING_LIMIT))
        except (zlib.error, EOFError) as exc:
            raise ValueError(f"the listing is not whole gzip ({exc})") from None
        except GzipTooLarge as exc:
            raise ValueError(LISTING_TOO_LARGE.format(error=exc)) from None
    elif len(data) > LISTING_LIMIT:
        raise ValueError(LISTING_TOO_LARGE.format(error=f"{len(data):,} bytes"))
    return [line.strip() for line in data.decode("utf-8").splitlines() if line.strip()]


def refusal(path: str, release: str) -> str | None:
    """Why a listed path is not fetched, or None: only a path under the release's own folder
    is joined onto the base URL, so a listing cannot point at another file (``..``, another
    scheme, a query) on the mirror or, with a local base, anywhere on the disk."""
    if not path.startswith(f"{_BUCKET_ROOT}{release}/"):
        return OUTSIDE_RELEASE.format(release=release)
    for what, found in (
        ("a '..' segment", ".." in path.split("/")),
        ("'?' or '#'", "?" in path or "#" in path),
        ("'%' or '\\' (encoded or other separators)", "%" in path or "\\" in path),
    ):
        if found:
            return UNSAFE_PATH.format(what=what)
    return None


class Release(NamedTuple):
    """A release's files to ingest (URLs), and the listed paths refused, each with why."""

    urls: list[str]
    refused: list[tuple[str, str]]


def bucket_key(location: str) -> str:
    """One name for a Common Crawl file wherever it is read from: its path from ``crawl-data/``
    on (any mirror, a local copy), else the location as given."""
    at = location.find(_BUCKET_ROOT)
    return location[at:] if at >= 0 else location


def _rank(seed: int, path: str) -> bytes:
    return hashlib.sha256(f"{seed}\n{bucket_key(path)}".encode()).digest()


def check_sample(files: int | None, fraction: float | None) -> None:
    """ValueError with what to send instead when the sample asked for is not one."""
    if files is not None and fraction is not None:
        raise ValueError(BAD_SAMPLE)
    if files is not None and files < 1:
        raise ValueError(BAD_FILES.format(files=files))
    if fraction is not None and not 0 < fraction <= 1:
        raise ValueError(BAD_FRACTION.format(fraction=fraction))


def select(
    paths: list[str], files: int | None = None, fraction: float | None = None, seed: int = 0
) -> list[str]:
    """The files to ingest: all of them, or the ``files`` (or ``fraction`` of them, rounded
    up) that rank first by a hash of the seed and the path, in sorted order.

    Ranking each path on its own, not shuffling the list, makes a sample independent of the
    listing's order and lets it grow: ``--files 20`` holds every file ``--files 10`` picked
    with the same seed, so a larger run re-reads none of them (they are in the manifest).
    """
    check_sample(files, fraction)
    unique = sorted(set(paths))
    if fraction is not None:
        files = math.ceil(fraction * len(unique))
    if files is None or files >= len(unique):
        return unique
    return sorted(sorted(unique, key=lambda p: _rank(seed, p))[:files])


def release_files(
    base_url: str,
    release: str,
    kind: str,
    scratch: Path,
    files: int | None = None,
    fraction: float | None = None,
    seed: int = 0,
    downloader: Downloader | None = None,
) -> Release:
    """The URLs of the release's files to ingest: its listing read (with the downloads'
    retries), its paths checked (``refusal``) and sampled by ``select``. A ``base_url`` that is
    a local folder is taken as its ``file:`` URI: ingest reads such files in place. Raises
    ValueError with what to fix."""
    if not locations.is_uri(base_url):
        base_url = Path(base_url).expanduser().resolve().as_uri()
    url = listing_url(base_url, release, kind)
    fetcher = downloader or Downloader()
    try:
        paths = parse_listing(fetcher.read_bytes(url, scratch))
    except ValueError as exc:
        raise ValueError(f"{url}: {exc}") from None
    except DownloadFailed as exc:
        raise ValueError(LISTING_FAILED.format(url=url, error=exc)) from exc
    finally:
        if downloader is None:
            fetcher.close()
    if not paths:
        raise ValueError(EMPTY_LISTING.format(url=url))
    refused = [(p, why) for p in paths if (why := refusal(p, release)) is not None]
    taken = [p for p in paths if refusal(p, release) is None]
    urls = [file_url(base_url, p) for p in select(taken, files, fraction, seed)] if taken else []
    return Release(urls, refused)
