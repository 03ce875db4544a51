"""Downloads (ingest/download.py) from a local mirror with faults: resumed with range requests,
retried with backoff on 5xx, 429 and cut connections (Retry-After honoured), verified whole,
and given up with a reason. The backoff's sleeps are recorded, not slept."""

from __future__ import annotations

import email.utils
import random
import time
import tracemalloc
import zlib

import pytest
from bucket_server import Fault
from ingest_helpers import write_gzip_bomb

from linkindex.ingest.download import (
    Downloader,
    DownloadFailed,
    DownloadPolicy,
    GzipTooLarge,
    gunzip_blocks,
    gzip_damage,
)


def downloader(slept: list[float], **policy) -> Downloader:
    return Downloader(DownloadPolicy(**policy), sleep=slept.append, rng=random.Random(0))


def test_a_file_arrives_byte_for_byte_with_no_part_left(bucket, mirror, tmp_path):
    listed = bucket.wat[0]
    target = downloader([]).fetch(mirror.url + listed, tmp_path / "f.wat.gz")
    assert target.read_bytes() == bucket.path(listed).read_bytes()
    assert not (tmp_path / "f.wat.gz.part").exists()


def test_downloads_ask_for_the_files_own_bytes(bucket, mirror, tmp_path):
    downloader([]).fetch(mirror.url + bucket.wat[0], tmp_path / "f.wat.gz")
    assert mirror.accept_encodings == ["identity"]


def test_a_body_sent_content_encoded_is_refused_and_nothing_kept(bucket, mirror, tmp_path):
    listed = bucket.wat[0]
    mirror.fail(listed, Fault(gzip=True))
    with pytest.raises(DownloadFailed, match="Content-Encoding gzip"):
        downloader([]).fetch(mirror.url + listed, tmp_path / "in" / "f.wat.gz")
    assert list((tmp_path / "in").iterdir()) == []


def test_5xx_is_retried_with_exponential_backoff(bucket, mirror, tmp_path):
    listed = bucket.wat[0]
    mirror.fail(listed, Fault(status=503), Fault(status=500), Fault(status=502))
    slept: list[float] = []
    downloader(slept, base_delay=1.0).fetch(mirror.url + listed, tmp_path / "f.wat.gz")
    assert [s for _, s in mirror.requests_for(listed)] == [503, 500, 502, 200]
    assert 0.5 <= slept[0] <= 1 and 1 <= slept[1] <= 2 and 2 <= slept[2] <= 4


def test_429_waits_as_long_as_retry_after_says(bucket, mirror, tmp_path):
    listed = bucket.wat[0]
    mirror.fail(listed, Fault(status=429, retry_after="7"))
    slept: list[float] = []
    downloader(slept).fetch(mirror.url + listed, tmp_path / "f.wat.gz")
    assert slept == [7.0]


def test_a_retry_after_longer_than_the_policy_allows_is_capped():
    assert Downloader(DownloadPolicy(max_retry_after=30)).delay(1, asked=3600) == 30


def test_a_retry_after_date_is_utc_whatever_the_local_zone(bucket, mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    listed = bucket.wat[0]
    # formatdate writes "-0000", which Python's date parser returns without a zone.
    mirror.fail(listed, Fault(status=503, retry_after=email.utils.formatdate(1000.0)))
    slept: list[float] = []
    fetcher = Downloader(DownloadPolicy(), sleep=slept.append, clock=lambda: 990.0)
    try:
        fetcher.fetch(mirror.url + listed, tmp_path / "f.wat.gz")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert slept == [10.0]


def test_a_status_the_server_will_never_serve_is_not_retried(bucket, mirror, tmp_path):
    for status in (501, 505):
        mirror.fail(bucket.wat[0], Fault(status=status))
        with pytest.raises(DownloadFailed, match=f"HTTP {status}.*not retried"):
            downloader([]).fetch(mirror.url + bucket.wat[0], tmp_path / "f.wat.gz")
    assert len(mirror.requests_for(bucket.wat[0])) == 2


def test_a_cut_connection_resumes_from_the_last_byte_received(bucket, mirror, tmp_path):
    listed = bucket.warc[0]
    mirror.fail(listed, Fault(cut_after=10_000))
    target = downloader([]).fetch(mirror.url + listed, tmp_path / "f.warc.gz")
    assert target.read_bytes() == bucket.path(listed).read_bytes()
    assert mirror.requests_for(listed) == [(None, 200), ("bytes=10000-", 206)]


def test_a_part_left_by_a_killed_run_is_resumed(bucket, mirror, tmp_path):
    listed = bucket.warc[0]
    whole = bucket.path(listed).read_bytes()
    (tmp_path / "f.warc.gz.part").write_bytes(whole[:5000])
    target = downloader([]).fetch(mirror.url + listed, tmp_path / "f.warc.gz")
    assert target.read_bytes() == whole
    assert mirror.requests_for(listed) == [("bytes=5000-", 206)]


def test_a_server_answering_a_range_with_the_whole_file_starts_it_over(bucket, mirror, tmp_path):
    listed = bucket.warc[0]
    whole = bucket.path(listed).read_bytes()
    (tmp_path / "f.warc.gz.part").write_bytes(b"x" * 5000)
    mirror.fail(listed, Fault(ignore_range=True))
    assert downloader([]).fetch(mirror.url + listed, tmp_path / "f.warc.gz").read_bytes() == whole
    assert mirror.requests_for(listed) == [("bytes=5000-", 200)]


def test_a_part_holding_every_byte_is_finished_without_a_body(bucket, mirror, tmp_path):
    listed = bucket.warc[0]
    whole = bucket.path(listed).read_bytes()
    (tmp_path / "f.warc.gz.part").write_bytes(whole)
    assert downloader([]).fetch(mirror.url + listed, tmp_path / "f.warc.gz").read_bytes() == whole


def test_a_file_cut_short_at_the_source_is_given_up_and_nothing_kept(bucket, mirror, tmp_path):
    listed = bucket.warc[0]
    whole = bucket.path(listed).read_bytes()
    bucket.path(listed).write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(DownloadFailed, match="damaged or cut short"):
        downloader([]).fetch(mirror.url + listed, tmp_path / "in" / "f.warc.gz")
    assert list((tmp_path / "in").iterdir()) == []
    assert len(mirror.requests_for(listed)) == 2  # fetched again once, from the start


def test_an_empty_body_is_not_a_whole_file(bucket, mirror, tmp_path):
    listed = bucket.warc[0]
    bucket.path(listed).write_bytes(b"")
    with pytest.raises(DownloadFailed, match="damaged or cut short \\(the body is empty\\)"):
        downloader([]).fetch(mirror.url + listed, tmp_path / "in" / "f.warc.gz")
    assert list((tmp_path / "in").iterdir()) == []


def test_a_damaged_file_already_at_the_target_is_fetched_again(bucket, mirror, tmp_path):
    listed = bucket.warc[0]
    whole = bucket.path(listed).read_bytes()
    (tmp_path / "f.warc.gz").write_bytes(whole[:-3])
    assert downloader([]).fetch(mirror.url + listed, tmp_path / "f.warc.gz").read_bytes() == whole
    assert mirror.requests_for(listed) == [(None, 200)]


def test_a_missing_file_is_not_retried(mirror, tmp_path):
    with pytest.raises(DownloadFailed, match="HTTP 404.*not retried"):
        downloader([]).fetch(mirror.url + "crawl-data/nope.warc.gz", tmp_path / "f.warc.gz")
    assert len(mirror.requests) == 1


def test_a_server_that_keeps_failing_is_given_up_after_the_tries(bucket, mirror, tmp_path):
    listed = bucket.wat[0]
    mirror.fail(listed, *[Fault(status=503)] * 10)
    slept: list[float] = []
    with pytest.raises(DownloadFailed, match="gave up after 4 tries: HTTP 503"):
        downloader(slept, tries=4).fetch(mirror.url + listed, tmp_path / "f.wat.gz")
    assert len(slept) == 3 and len(mirror.requests_for(listed)) == 4


def test_a_file_at_a_pyarrow_uri_is_fetched_and_resumed(bucket, tmp_path):
    source = bucket.path(bucket.warc[1])
    (tmp_path / "f.warc.gz.part").write_bytes(source.read_bytes()[:777])
    target = downloader([]).fetch(source.as_uri(), tmp_path / "f.warc.gz")
    assert target.read_bytes() == source.read_bytes()


def test_gzip_damage_finds_a_cut_member_and_a_bad_crc(bucket, tmp_path):
    whole = bucket.path(bucket.warc[0]).read_bytes()
    assert gzip_damage(bucket.path(bucket.warc[0])) is None
    (tmp_path / "cut.gz").write_bytes(whole[:-3])
    assert "ends inside a member" in (gzip_damage(tmp_path / "cut.gz") or "")
    flipped = bytearray(whole)
    flipped[-6] ^= 0xFF  # in the last member's CRC-32
    (tmp_path / "crc.gz").write_bytes(bytes(flipped))
    assert gzip_damage(tmp_path / "crc.gz") is not None


def test_gzip_damage_reads_a_bomb_in_bounded_memory(tmp_path):
    write_gzip_bomb(tmp_path / "bomb.gz")
    tracemalloc.start()
    try:
        assert gzip_damage(tmp_path / "bomb.gz") is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20


@pytest.mark.parametrize("blocks", [1, 64], ids=["one block", "small blocks"])
def test_the_decompression_limit_counts_every_byte_out_once(blocks):
    """One input block leaves most of its output held back for after the last block; small
    blocks give it out as they go: the limit is met exactly and passed by one byte either way."""
    size = 5 << 20
    data = zlib.compress(b"\0" * size, wbits=31)
    step = -(-len(data) // blocks)
    pieces = [data[i : i + step] for i in range(0, len(data), step)]
    assert sum(map(len, gunzip_blocks(pieces, limit=size))) == size
    with pytest.raises(GzipTooLarge):
        for _ in gunzip_blocks(pieces, limit=size - 1):
            pass


def test_progress_resets_the_count_only_so_many_times(bucket, mirror, tmp_path):
    listed = bucket.warc[0]
    mirror.fail(listed, *[Fault(cut_after=1000)] * 10)
    with pytest.raises(DownloadFailed, match="gave up after 4 tries"):
        downloader([], tries=3, progress_resets=2).fetch(mirror.url + listed, tmp_path / "f.gz")
    assert len(mirror.requests_for(listed)) == 4  # 2 resets, then 2 more cut tries


def test_waits_past_the_files_time_budget_give_it_up(bucket, mirror, tmp_path):
    listed = bucket.wat[0]
    mirror.fail(listed, *[Fault(status=503, retry_after="300")] * 10)
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    fetcher = Downloader(DownloadPolicy(budget=600), sleep=sleep, clock=lambda: now[0])
    with pytest.raises(DownloadFailed, match="past the 600 s a file may take: HTTP 503"):
        fetcher.fetch(mirror.url + listed, tmp_path / "f.wat.gz")
    assert slept == [300, 300]


def test_a_transfer_past_the_files_time_budget_is_given_up_and_resumable(bucket, mirror, tmp_path):
    listed = bucket.warc[0]
    mirror.bytes_per_second = 20_000
    with pytest.raises(DownloadFailed, match="past the 0 s a file may take.*still going"):
        downloader([], budget=0.3).fetch(mirror.url + listed, tmp_path / "f.warc.gz")
    assert (tmp_path / "f.warc.gz.part").stat().st_size > 0
