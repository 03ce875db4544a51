"""Where crawl files and ingested crawls are: a local path, or a Hadoop URI (``s3a://``,
``gs://``, ``hdfs://``, ``file://``) that the Spark engine reads and writes.

Owns telling the two apart, the one mapping of a Hadoop URI onto a pyarrow filesystem (what the
Spark runner's tasks read inputs and write parts through, and what the build lists parts with;
Spark itself reads the parts through Hadoop's FileSystem), and the key under which a file Spark
names (``input_file_name()``) is matched with the one asked for.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    import pyarrow.fs as pafs

# Two letters at least: "C:/" is a Windows drive, not a scheme.
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+):/")

LOCAL_SCHEME = "file"
S3_SCHEMES = ("s3a", "s3", "s3n")
GCS_SCHEMES = ("gs", "gcs")
HDFS_SCHEMES = ("hdfs", "viewfs")
SCHEMES = (LOCAL_SCHEME, *S3_SCHEMES, *GCS_SCHEMES, *HDFS_SCHEMES)

UNKNOWN_SCHEME = (
    "{uri}: inputs and homes are local paths or file://, s3a:// (s3://), gs:// and hdfs:// "
    "URIs (inputs also https:// URLs), not {scheme}:// (docs/ingest.md, 'Hadoop URIs')"
)

# A local path or a URI: what ingest's inputs and a home's crawls folder are given as.
Location = Path | str


def scheme_of(text: str | os.PathLike[str]) -> str | None:
    """The lowercase scheme of a URI, None for a local path."""
    match = _SCHEME.match(os.fspath(text))
    return match.group(1).lower() if match else None


def is_uri(text: str | os.PathLike[str]) -> bool:
    return isinstance(text, str) and scheme_of(text) is not None


def is_remote(text: str | os.PathLike[str]) -> bool:
    """A URI of a file or folder not on this machine: any scheme but ``file:`` (a local path).
    The embedded engine downloads such a file before reading it, and cannot keep a home there;
    Spark's tasks read it where it is."""
    return is_uri(text) and scheme_of(text) != LOCAL_SCHEME


def check_scheme(uri: str) -> str:
    """``uri`` when its scheme is one linkindex maps (SCHEMES); ValueError otherwise."""
    scheme = scheme_of(uri)
    if scheme not in SCHEMES:
        raise ValueError(UNKNOWN_SCHEME.format(uri=uri, scheme=scheme))
    return uri


def local_path(uri: str) -> Path:
    """The file or folder of a ``file:`` URI (``file:///a/b``, or Hadoop's ``file:/a/b``)."""
    if scheme_of(uri) != LOCAL_SCHEME:
        raise ValueError(f"{uri} is not a file: URI")
    return Path(unquote(urlsplit(uri).path))


def as_local(text: str) -> Location:
    """A ``file:`` URI as its path; any other text as it was (a path, or a URI left as is)."""
    return local_path(text) if scheme_of(text) == LOCAL_SCHEME else text


def join(location: Location, *names: str) -> Location:
    """``location`` / names, a URI staying a URI."""
    if isinstance(location, Path):
        return location.joinpath(*names)
    return "/".join([location.rstrip("/"), *names])


def name_of(location: Location) -> str:
    """The last segment: a file's name."""
    if isinstance(location, Path):
        return location.name
    return unquote(urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1])


def file_key(text: str | os.PathLike[str]) -> str:
    """One spelling of a file however it is named: a local path, its ``file:`` URI in any of
    Hadoop's forms (what ``input_file_name()`` gives), or another scheme's URI, unquoted."""
    text = os.fspath(text)
    scheme = scheme_of(text)
    if scheme is None:
        return os.path.abspath(text)  # normalised as Hadoop's paths are, links kept
    if scheme == LOCAL_SCHEME:
        return os.path.abspath(local_path(text))
    parts = urlsplit(text)
    return f"{scheme}://{parts.netloc}{unquote(parts.path)}"


def filesystem(uri: str) -> tuple[pafs.FileSystem, str]:
    """The pyarrow filesystem of a URI, and the path in it.

    ``s3a://`` and ``s3n://`` are Hadoop's names for S3: pyarrow's S3FileSystem reads them,
    with the AWS SDK's credential chain (environment, profile, instance role). ``gs://`` is
    pyarrow's GcsFileSystem (Google's application default credentials), ``hdfs://`` its
    HadoopFileSystem (Hadoop's own client through libhdfs), ``file:`` the local filesystem.
    """
    import pyarrow.fs as pafs

    scheme = scheme_of(check_scheme(uri))
    if scheme == LOCAL_SCHEME:
        return pafs.LocalFileSystem(), str(local_path(uri))
    parts = urlsplit(uri)
    if scheme in S3_SCHEMES:
        return pafs.FileSystem.from_uri(f"s3://{parts.netloc}{parts.path}")
    if scheme in GCS_SCHEMES:
        return pafs.FileSystem.from_uri(f"gs://{parts.netloc}{parts.path}")
    return pafs.HadoopFileSystem.from_uri(f"{scheme}://{parts.netloc}"), unquote(parts.path)


def exists(uri: str) -> bool:
    import pyarrow.fs as pafs

    fs, path = filesystem(uri)
    return fs.get_file_info(path).type != pafs.FileType.NotFound


def list_files(uri: str) -> list[tuple[str, int, int]]:
    """Every file under the folder ``uri``, recursively: (name relative to it, size, mtime_ns),
    sorted by name; none when the folder does not exist."""
    import pyarrow.fs as pafs

    fs, path = filesystem(uri)
    base = path.rstrip("/")
    selector = pafs.FileSelector(base, recursive=True, allow_not_found=True)
    found = []
    for info in fs.get_file_info(selector):
        if info.type == pafs.FileType.File:
            name = info.path[len(base) :].lstrip("/")
            found.append((name, info.size or 0, info.mtime_ns or 0))
    return sorted(found)
