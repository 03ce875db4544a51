"""A Common Crawl release by name (ingest/commoncrawl.py): the listing's URL, its lines, the
release name's check, and the seeded sample."""

from __future__ import annotations

import gzip
import zlib

import pytest

from linkindex.ingest.commoncrawl import (
    BAD_RELEASE,
    LISTING_LIMIT,
    bucket_key,
    file_url,
    listing_url,
    parse_listing,
    select,
)

PATHS = [f"crawl-data/CC-MAIN-2026-05/segments/1/wat/f-{i:03d}.warc.wat.gz" for i in range(100)]


def test_the_listing_is_under_crawl_data_of_the_release():
    url = listing_url("https://data.commoncrawl.org/", "CC-MAIN-2026-05", "wat")
    assert url == "https://data.commoncrawl.org/crawl-data/CC-MAIN-2026-05/wat.paths.gz"
    assert listing_url("s3://commoncrawl", "CC-MAIN-2026-05", "warc").endswith("/warc.paths.gz")


def test_a_release_name_that_is_not_cc_main_year_week_is_refused():
    with pytest.raises(ValueError, match="CC-MAIN-YYYY-WW"):
        listing_url("https://x/", "CC-MAIN-2026", "wat")
    assert "for example" in BAD_RELEASE


def test_the_listing_is_gzip_text_one_path_a_line():
    data = gzip.compress(("\n".join(PATHS[:3]) + "\n\n").encode())
    assert parse_listing(data) == PATHS[:3]
    assert parse_listing(b"a\r\nb\n") == ["a", "b"]


def test_a_listing_larger_than_the_limit_once_decompressed_is_refused():
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    line = PATHS[0].encode() + b"\n"
    text = line * (LISTING_LIMIT // len(line) + 1)
    with pytest.raises(ValueError, match="listing is too large"):
        parse_listing(packer.compress(text) + packer.flush())


def test_a_listed_path_is_relative_to_the_base_url():
    assert file_url("http://127.0.0.1:9/m/", PATHS[0]) == f"http://127.0.0.1:9/m/{PATHS[0]}"


def test_a_file_has_one_key_on_any_mirror_or_disk():
    assert bucket_key(f"https://mirror/x/{PATHS[0]}") == PATHS[0]
    assert bucket_key(f"/data/cc/{PATHS[0]}") == PATHS[0]
    assert bucket_key("https://example.com/a.warc.gz") == "https://example.com/a.warc.gz"


def test_without_a_sample_every_file_is_taken_sorted():
    assert select(list(reversed(PATHS))) == PATHS


def test_the_same_seed_picks_the_same_files_sorted():
    first = select(PATHS, files=10, seed=3)
    assert first == select(list(reversed(PATHS)), files=10, seed=3)
    assert first == sorted(first) and len(first) == 10
    assert first != select(PATHS, files=10, seed=4)


def test_a_larger_sample_holds_the_smaller_one():
    assert set(select(PATHS, files=10, seed=3)) <= set(select(PATHS, files=25, seed=3))


def test_a_fraction_is_rounded_up():
    assert len(select(PATHS, fraction=0.051, seed=1)) == 6
    assert select(PATHS, fraction=0.05, seed=1) == select(PATHS, files=5, seed=1)


def test_files_and_fraction_together_or_out_of_range_are_refused():
    for kwargs in ({"files": 2, "fraction": 0.5}, {"files": 0}, {"fraction": 0}, {"fraction": 2}):
        with pytest.raises(ValueError):
            select(PATHS, **kwargs)
