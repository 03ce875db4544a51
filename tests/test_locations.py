"""Local paths and Hadoop URIs (linkindex/locations.py): telling them apart, joining, the one
key of a file however Spark spells it, and listing through pyarrow's filesystem (file: only:
no test reaches a network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkindex import locations


@pytest.mark.parametrize(
    ("text", "uri", "remote"),
    [("s3a://bucket/crawl/a.warc.gz", True, True), ("gs://b/k", True, True),
     ("hdfs://namenode:8020/li", True, True), ("file:///tmp/a.warc", True, False),
     ("file:/tmp/a.warc", True, False), ("/tmp/a.warc", False, False),
     ("relative/a.warc", False, False), ("C:/crawls/a.warc", False, False),
     ("https://mirror/a.warc.gz", True, True), ("http://10.0.0.2/a.warc.gz", True, True)],
)  # fmt: skip
def test_uris_are_told_from_paths(text, uri, remote):
    assert locations.is_uri(text) is uri
    assert locations.is_remote(text) is remote


def test_an_unknown_scheme_is_refused_with_the_ones_that_work():
    with pytest.raises(ValueError, match="not http://"):
        locations.check_scheme("http://example.com/a.warc.gz")
    assert locations.check_scheme("S3A://b/k") == "S3A://b/k"


def test_a_file_has_one_key_however_it_is_spelled(tmp_path):
    path = tmp_path / "crawls" / "c" / "links-0123-0000.parquet"
    spellings = [str(path), path.as_uri(), f"file:{path}", f"file://{path}"]
    assert {locations.file_key(s) for s in spellings} == {str(path)}
    quoted = "s3a://bucket/li/crawls/a%20b/links-1-0000.parquet"
    assert locations.file_key(quoted) == "s3a://bucket/li/crawls/a b/links-1-0000.parquet"


def test_join_name_and_local_path():
    assert locations.join("s3a://b/li/", "crawls", "c") == "s3a://b/li/crawls/c"
    assert locations.join(Path("/h"), "crawls") == Path("/h/crawls")
    assert locations.name_of("gs://b/x/CC-MAIN-1.warc.gz") == "CC-MAIN-1.warc.gz"
    assert locations.local_path("file:///tmp/a%20b") == Path("/tmp/a b")
    assert locations.as_local("file:///tmp/a") == Path("/tmp/a")
    assert locations.as_local("s3a://b/k") == "s3a://b/k"


def test_files_are_listed_recursively_through_the_filesystem_of_the_uri(tmp_path):
    (tmp_path / "c" / "d").mkdir(parents=True)
    (tmp_path / "c" / "a.parquet").write_bytes(b"12")
    (tmp_path / "c" / "d" / "b.parquet").write_bytes(b"123")
    listed = locations.list_files(tmp_path.as_uri())
    assert [(name, size) for name, size, _ in listed] == [("c/a.parquet", 2), ("c/d/b.parquet", 3)]
    assert listed[0][2] == (tmp_path / "c" / "a.parquet").stat().st_mtime_ns
    assert locations.list_files((tmp_path / "none").as_uri()) == []
    assert locations.exists((tmp_path / "c").as_uri())
    assert not locations.exists((tmp_path / "none").as_uri())
