"""A download read as it arrives (ingest/stream.py) from a local mirror with faults: one stream
of the file's bytes across cut connections, hashed and checked as they pass, in bounded memory,
and given up by the Downloader's rules."""

from __future__ import annotations

import hashlib
import random
import tracemalloc

import pytest
from bucket_server import Fault
from ingest_helpers import write_gzip_bomb

from linkindex.ingest.download import Downloader, DownloadFailed, DownloadPolicy
from linkindex.ingest.stream import RemoteStream, StreamDamaged


def read_all(stream: RemoteStream) -> bytes:
    blocks = []
    while block := stream.read(65536):
        blocks.append(block)
    return b"".join(blocks)


def streamed(location: str, tee=None, **policy) -> RemoteStream:
    fetcher = Downloader(DownloadPolicy(**policy), sleep=lambda _: None, rng=random.Random(0))
    return RemoteStream(location, fetcher, location.endswith(".gz"), tee)


def test_a_stream_goes_on_across_cuts_and_a_server_ignoring_the_range(bucket, mirror):
    listed = bucket.warc[0]
    whole = bucket.path(listed).read_bytes()
    mirror.fail(listed, Fault(cut_after=10_000), Fault(ignore_range=True, cut_after=30_000))
    with streamed(mirror.url + listed) as stream:
        assert read_all(stream) == whole
        assert stream.verdict() is None and stream.count == len(whole)
        assert stream.sha256 == hashlib.sha256(whole).hexdigest()
    assert mirror.requests_for(listed) == [
        (None, 200),
        ("bytes=10000-", 200),  # the whole file again: its first 10,000 bytes skipped
        ("bytes=30000-", 206),
    ]


def test_a_stream_at_a_pyarrow_uri_goes_on_from_a_kept_part(bucket, tmp_path):
    source = bucket.path(bucket.warc[1])
    part = tmp_path / "f.warc.gz.part"
    part.write_bytes(source.read_bytes()[:777])
    with streamed(source.as_uri(), tee=part) as stream:
        assert read_all(stream) == source.read_bytes() and stream.verdict() is None
    assert part.read_bytes() == source.read_bytes()


def test_a_stream_cut_at_the_source_is_damaged(bucket, mirror):
    listed = bucket.wat[0]
    bucket.path(listed).write_bytes(bucket.path(listed).read_bytes()[:-3])
    with streamed(mirror.url + listed) as stream:
        read_all(stream)
        assert isinstance(stream.verdict(), StreamDamaged)
        assert "ends inside a member" in str(stream.verdict())


def test_a_stream_past_its_time_budget_is_given_up(bucket, mirror):
    listed = bucket.warc[0]
    mirror.bytes_per_second = 20_000
    with streamed(mirror.url + listed, budget=0.3) as stream:
        with pytest.raises(DownloadFailed, match="past the 0 s a file may take.*still going"):
            read_all(stream)
        assert isinstance(stream.verdict(), DownloadFailed)


def test_a_stream_that_keeps_failing_is_given_up_after_the_tries(bucket, mirror):
    listed = bucket.wat[0]
    mirror.fail(listed, Fault(cut_after=1000), *[Fault(status=503)] * 10)
    stream = streamed(mirror.url + listed, tries=3)
    with stream, pytest.raises(DownloadFailed, match="gave up after 3 tries: HTTP 503"):
        read_all(stream)
    assert [s for _, s in mirror.requests_for(listed)] == [200, 503, 503]


def test_a_stream_is_checked_in_bounded_memory(tmp_path):
    write_gzip_bomb(tmp_path / "bomb.gz")
    tracemalloc.start()
    try:
        with streamed((tmp_path / "bomb.gz").as_uri()) as stream:
            while stream.read(65536):
                pass
            assert stream.verdict() is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20
