"""run_ingest: files and folders in, crawl parts out; re-runs, damaged files, workers, naming."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ingest_helpers import CC_DIR, CC_WARC, write_warc
from rich.console import Console
from warcio.archiveiterator import ArchiveIterator as WarcioIterator

from linkindex.home import Home
from linkindex.ingest import print_summary, reasons, run_ingest
from linkindex.ingest.parts import JOURNAL, RECORDS_VERSION, PartWriter
from linkindex.ingest.runner import (
    CRAWL_LOCK,
    CrawlBusy,
    file_sha256,
    ingest_file,
    open_crawl_run,
    take_crawl_lock,
    unlocked_note,
)
from linkindex.records import LINK_SCHEMA, PAGE_SCHEMA
from linkindex.urls import canonicalize


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def site(n: int, prefix: str = "http://site.example/") -> list[dict]:
    """n linked HTML pages, each linking to the next and to one outside page."""
    return [
        {
            "url": f"{prefix}p{i}",
            "body": f'<html><a href="p{i + 1}">next</a><a href="http://out.example/{i}">o</a>'
            f"{'<p>filler text</p>' * 40}</html>".encode(),
        }
        for i in range(n)
    ]


def table(home: Home, kind: str, crawl: str = "*"):
    files = sorted(home.crawls.glob(f"{crawl}/{kind}-*.parquet"))
    return pq.read_table(files) if files else None


def rows(home: Home, kind: str) -> list[dict]:
    t = table(home, kind)
    return sorted((t.to_pylist() if t is not None else []), key=repr)


def as_written(schema: pa.Schema) -> list[tuple[str, str, bool]]:
    """Parquet has no second-resolution timestamps: timestamp[s] is stored as timestamp[ms]."""

    def kind(t: pa.DataType) -> str:
        return f"timestamp[{t.tz}]" if pa.types.is_timestamp(t) else str(t)

    return [(f.name, kind(f.type), f.nullable) for f in schema]


def test_ingest_writes_pages_and_links_with_the_exact_schemas(home):
    summary = run_ingest([CC_DIR], home, progress=False)
    crawl_dir = home.crawls / summary.crawl
    links = sorted(crawl_dir.glob("links-*.parquet"))
    pages = sorted(crawl_dir.glob("pages-*.parquet"))
    assert links and pages
    assert all(as_written(pq.read_schema(p)) == as_written(LINK_SCHEMA) for p in links)
    assert all(as_written(pq.read_schema(p)) == as_written(PAGE_SCHEMA) for p in pages)
    assert pq.read_table(links).cast(LINK_SCHEMA).schema.equals(LINK_SCHEMA)
    assert table(home, "links").num_rows == summary.links > 0
    assert table(home, "pages").num_rows == summary.pages > 0
    assert set(table(home, "links").column("crawl").to_pylist()) == {summary.crawl}


def test_the_crawl_name_is_the_common_crawl_id_in_the_file(home):
    # Neither path names the crawl; the warcinfo record says isPartOf: CC-MAIN-2014-35.
    assert run_ingest([CC_WARC], home, progress=False).crawl == "CC-MAIN-2014-35"


def test_the_crawl_name_is_the_common_crawl_id_in_the_path(home, tmp_path):
    folder = tmp_path / "crawl-data" / "CC-MAIN-2019-04" / "segments"
    folder.mkdir(parents=True)
    write_warc(folder / "part.warc.gz", site(2))
    assert run_ingest([tmp_path / "crawl-data"], home, progress=False).crawl == "CC-MAIN-2019-04"


def test_the_crawl_name_defaults_to_the_stem_of_the_first_input(home, tmp_path):
    path = write_warc(tmp_path / "my site.warc.gz", site(2))
    summary = run_ingest([path], home, progress=False)
    assert summary.crawl == "my-site"
    assert (home.crawls / "my-site").is_dir()


def test_an_explicit_crawl_name_wins_and_must_be_a_safe_folder_name(home, tmp_path):
    path = write_warc(tmp_path / "a.warc.gz", site(2))
    assert run_ingest([path], home, crawl="demo-1", progress=False).crawl == "demo-1"
    with pytest.raises(ValueError, match="not usable as a folder name"):
        run_ingest([path], home, crawl="../escape", progress=False)


def test_re_ingesting_the_same_file_adds_nothing(home, tmp_path):
    path = write_warc(tmp_path / "a.warc.gz", site(5))
    first = run_ingest([path], home, crawl="c", progress=False)
    before = sorted(p.name for p in (home.crawls / "c").iterdir())
    copy = tmp_path / "renamed-copy.warc.gz"
    shutil.copy(path, copy)
    second = run_ingest([path, copy], home, crawl="c", progress=False)
    assert (first.pages, first.links) == (5, 10)
    assert (second.files, second.pages, second.links) == (0, 0, 0)
    assert second.unchanged_files == [str(path), str(copy)]
    assert sorted(p.name for p in (home.crawls / "c").iterdir()) == before
    assert len(rows(home, "links")) == 10


def record_ends(path: Path) -> list[tuple[str | None, int]]:
    """(target URI, end offset) of each record, read independently with warcio."""
    ends = []
    with open(path, "rb") as stream:
        iterator = WarcioIterator(stream)
        for record in iterator:
            record.content_stream().read()
            iterator.read_to_end(record)
            ends.append(
                (record.rec_headers.get_header("WARC-Target-URI"), iterator.get_record_offset()
                 + iterator.get_record_length())
            )  # fmt: skip
    return ends


def test_truncated_file_keeps_records_read_before_the_cut(home, tmp_path):
    full = write_warc(tmp_path / "full.warc.gz", site(20))
    ends = record_ends(full)
    cut = (ends[11][1] + ends[12][1]) // 2  # in the middle of the 13th record
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(full.read_bytes()[:cut])
    summary = run_ingest([damaged], home, crawl="c", progress=False)
    before_cut = {url for url, end in ends if end <= cut}
    got = {r["url"] for r in rows(home, "pages")}
    # The record the cut falls in may still be whole up to its payload's end (only its gzip
    # trailer lost): keeping it is fine, dropping a record before the cut is not.
    assert before_cut <= got <= before_cut | {ends[12][0]}
    assert len(before_cut) == 12
    assert [path for path, _ in summary.failed_files] == [str(damaged)]
    assert "truncated" in summary.failed_files[0][1]


def test_a_record_cut_inside_its_payload_is_skipped_as_truncated(home, tmp_path):
    full = write_warc(tmp_path / "full.warc", site(6), gzip=False)
    ends = record_ends(full)
    cut = ends[3][1] - 200  # inside the 4th record's HTML
    damaged = tmp_path / "damaged.warc"
    damaged.write_bytes(full.read_bytes()[:cut])
    summary = run_ingest([damaged], home, crawl="c", progress=False)
    assert sorted(r["url"] for r in rows(home, "pages")) == sorted(u for u, _ in ends[:3])
    assert summary.skipped[reasons.TRUNCATED] == 1


def test_a_file_cut_between_two_records_is_reported_too(home, tmp_path):
    full = write_warc(tmp_path / "full.warc", site(6), gzip=False)
    ends = record_ends(full)
    damaged = tmp_path / "damaged.warc"
    damaged.write_bytes(full.read_bytes()[: ends[2][1] + 40])  # inside the 4th record's header
    summary = run_ingest([damaged], home, crawl="c", progress=False)
    assert summary.pages == 3
    assert [path for path, _ in summary.failed_files] == [str(damaged)]


def test_a_corrupt_file_does_not_stop_the_run(home, tmp_path):
    write_warc(tmp_path / "b-good.warc.gz", site(3, "http://good.example/"))
    data = bytearray(write_warc(tmp_path / "a-bad.warc.gz", site(10)).read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = b"\x00garbage" * 8
    (tmp_path / "a-bad.warc.gz").write_bytes(bytes(data))
    summary = run_ingest([tmp_path], home, crawl="c", progress=False)
    assert [p for p, _ in summary.failed_files] == [str(tmp_path / "a-bad.warc.gz")]
    subdomains = [r["subdomain"] for r in rows(home, "pages")]
    assert subdomains.count("good.example") == 3
    assert 0 < subdomains.count("site.example") < 10  # the bad file's first records were kept


def test_missing_inputs_are_reported_not_fatal(home, tmp_path):
    good = write_warc(tmp_path / "good.warc.gz", site(2))
    summary = run_ingest([tmp_path / "nope.warc.gz", good], home, crawl="c", progress=False)
    assert summary.failed_files == [(str(tmp_path / "nope.warc.gz"), "no such file or folder")]
    assert summary.pages == 2


def test_folders_are_searched_recursively_for_warc_and_wat_files(home, tmp_path):
    (tmp_path / "in" / "deep" / "er").mkdir(parents=True)
    write_warc(tmp_path / "in" / "a.warc.gz", site(1, "http://a.example/"))
    write_warc(tmp_path / "in" / "deep" / "er" / "b.warc", site(1, "http://b.example/"), gzip=False)
    (tmp_path / "in" / "notes.txt").write_text("not a warc")
    summary = run_ingest([tmp_path / "in"], home, crawl="c", progress=False)
    assert (summary.files, summary.failed_files) == (2, [])
    assert {r["subdomain"] for r in rows(home, "pages")} == {"a.example", "b.example"}


def test_a_killed_ingest_leaves_no_part_the_build_would_read(tmp_path):
    writer = PartWriter(tmp_path, "links", "0123456789abcdef", "c", rows_per_group=1)
    row = ("http://a/", "a/", "a", "a", "http://b/", "b/", "b", "b", "", False, False, False,
           False, False, False, False, 0)  # fmt: skip
    writer.add([row])  # a row group is on disk, the part is not finished: then the kill
    assert list(tmp_path.glob("links-*.parquet")) == []
    assert len(list(tmp_path.iterdir())) == 1


def test_a_build_after_a_killed_ingest_reads_nothing_of_the_file_cut_off(
    home, tmp_path, monkeypatch
):
    """A file of several parts killed after its first ones: those are whole, under their own
    names, but no manifest entry names them, so the build leaves them out (the next ingest
    writes them again)."""
    from functools import partial

    from linkindex.builder.inputs import list_parts
    from linkindex.builder.pipeline import build_index
    from linkindex.ingest import runner

    a = write_warc(tmp_path / "a.warc.gz", site(3))
    b = write_warc(tmp_path / "b.warc.gz", site(12, "http://other.example/"))
    small = partial(PartWriter, rows_per_group=4, rows_per_part=4)  # parts of 4 rows
    monkeypatch.setattr(runner, "PartWriter", small)
    clean = Home(tmp_path / "clean").ensure()
    run_ingest([a], clean, crawl="c", progress=False)
    calls = []

    def killed_at_the_9th_record_of_b(record):
        calls.append(record)
        if len(calls) == 3 + 9:  # a's 3 records, then b's 9th: the process stops here
            raise KeyboardInterrupt
        return extract(record)

    extract = runner.extract
    monkeypatch.setattr(runner, "extract", killed_at_the_9th_record_of_b)
    with pytest.raises(KeyboardInterrupt):
        run_ingest([a, b], home, crawl="c", progress=False)
    cut_off = f"links-{file_sha256(b)[:16]}-0000.parquet"
    assert (home.crawls / "c" / cut_off).is_file()  # b's first parts are whole on disk
    assert [p.name for p in list_parts(home.crawls)] == [p.name for p in list_parts(clean.crawls)]
    at_uri = list_parts(home.crawls.as_uri())  # as a crawl at a Hadoop URI is listed
    assert [p.name for p in at_uri] == [p.name for p in list_parts(clean.crawls)]
    built, expected = build_index(home), build_index(clean)
    assert (built.index_id, built.counts) == (expected.index_id, expected.counts)


def test_the_next_run_removes_what_a_killed_run_half_wrote(home, tmp_path):
    crawl_dir = home.crawls / "c"
    crawl_dir.mkdir(parents=True)
    PartWriter(crawl_dir, "links", "0123456789abcdef", "c", rows_per_group=1).add(
        [("http://a/", "a/", "a", "a", "http://b/", "b/", "b", "b", "", False, False, False,
          False, False, False, False, 0)]
    )  # fmt: skip
    run_ingest([write_warc(tmp_path / "a.warc.gz", site(2))], home, crawl="c", progress=False)
    # The run's lock file stays, as a lock file must (unlinked, a waiting run would lock a ghost).
    left = [p for p in crawl_dir.iterdir() if p.name.startswith(".") and p.name != CRAWL_LOCK]
    assert left == []


def test_leftovers_of_a_killed_run_are_replaced_on_the_next_run(home, tmp_path):
    path = write_warc(tmp_path / "a.warc.gz", site(4))
    run_ingest([path], home, crawl="c", progress=False)
    crawl_dir = home.crawls / "c"
    (crawl_dir / "manifest.json").unlink()  # as if killed before the manifest was written
    stem = next(crawl_dir.glob("links-*.parquet")).name.split("-")[1]
    shutil.copy(next(crawl_dir.glob("links-*.parquet")), crawl_dir / f"links-{stem}-0009.parquet")
    run_ingest([path], home, crawl="c", progress=False)
    assert len(rows(home, "links")) == 8
    assert not (crawl_dir / f"links-{stem}-0009.parquet").exists()


def test_a_run_killed_between_files_keeps_their_entries_and_the_next_skips_them(home, tmp_path):
    a = write_warc(tmp_path / "a.warc.gz", site(2))
    b = write_warc(tmp_path / "b.warc.gz", site(3, "http://other.example/"))
    run = open_crawl_run([a, b], home, "c")
    run.record(ingest_file(a, "c", run.crawl_dir, run.known))
    assert run.lock is not None
    run.lock.close()  # killed here: its end frees the lock, and nothing of the run's end runs
    crawl_dir = home.crawls / "c"
    # The entry cost no manifest rewrite: manifest.json is the empty one the run began with.
    assert json.loads((crawl_dir / "manifest.json").read_text())["files"] == {}
    assert [p.name for p in (crawl_dir / JOURNAL).glob("*.json")] == [f"{file_sha256(a)}.json"]
    again = run_ingest([a, b], home, crawl="c", progress=False)
    assert (again.files, again.unchanged_files) == (1, [str(a)])
    assert len(rows(home, "links")) == 10


def test_a_crawl_at_a_file_uri_is_locked_as_a_local_one(tmp_path):
    given = [write_warc(tmp_path / "a.warc.gz", site(2)).as_uri()]
    home = Home(tmp_path / "home", uri=(tmp_path / "home").as_uri())  # as Spark's runs see it
    run = open_crawl_run(given, home, "c")
    try:
        with pytest.raises(CrawlBusy):
            open_crawl_run(given, home, "c")
    finally:
        run.release()
    open_crawl_run(given, home, "c").release()  # released with the run


@pytest.mark.parametrize("uri", ["s3://bucket/li", "gs://bucket/li", "hdfs://namenode:8020/li"])
def test_crawls_at_a_hadoop_uri_take_no_lock_and_the_user_is_told(uri, tmp_path):
    at_uri = Home(tmp_path / "local", uri=uri)
    assert take_crawl_lock(at_uri, "c") is None
    assert unlocked_note(at_uri) == (
        f"crawls at {uri}/crawls are not locked (an object store or HDFS has no lock that ends "
        "with the run holding it): run one ingest into a crawl there at a time"
    )
    assert unlocked_note(Home(tmp_path / "home")) is None
    assert unlocked_note(Home(tmp_path / "home", uri=(tmp_path / "home").as_uri())) is None


def test_a_runs_end_leaves_one_manifest_and_no_journal(home, tmp_path):
    paths = [write_warc(tmp_path / f"{i}.warc.gz", site(2, f"http://s{i}.example/"))
             for i in range(3)]  # fmt: skip
    run_ingest(paths, home, crawl="c", workers=2, progress=False)
    crawl_dir = home.crawls / "c"
    assert list((crawl_dir / JOURNAL).glob("*")) == []
    assert len(json.loads((crawl_dir / "manifest.json").read_text())["files"]) == 3


def test_parts_are_written_in_bounded_batches(tmp_path):
    writer = PartWriter(tmp_path, "pages", "0123456789abcdef", "c", rows_per_group=10,
                        rows_per_part=25)  # fmt: skip
    page = ("http://a/", "a/", "a", "a", 0, 200, None, 10, None, None)
    for _ in range(7):
        writer.add([page] * 10)
        assert len(writer._buffer) < 10  # never more than one row group held in memory
    parts = writer.close()
    sizes = [pq.read_metadata(p).num_rows for p in parts]
    assert sum(sizes) == 70 and len(sizes) == 3 and max(sizes) <= 30
    assert [p.name for p in parts] == [f"pages-0123456789abcdef-000{i}.parquet" for i in range(3)]


def test_a_complete_copy_at_the_same_path_replaces_a_damaged_earlier_ingest(home, tmp_path):
    full = write_warc(tmp_path / "full.warc.gz", site(10))
    data = full.read_bytes()
    ends = record_ends(full)
    segment = tmp_path / "seg.warc.gz"
    segment.write_bytes(data[: (ends[4][1] + ends[5][1]) // 2])  # a download cut short
    run_ingest([segment], home, crawl="c", progress=False)
    segment.write_bytes(data)  # the download finished
    run_ingest([segment], home, crawl="c", progress=False)
    assert len(rows(home, "pages")) == 10


def test_a_different_file_with_the_same_name_keeps_the_damaged_ones_records(home, tmp_path):
    first = write_warc(tmp_path / "a.warc.gz", site(10))
    data = first.read_bytes()
    ends = record_ends(first)
    (tmp_path / "runA").mkdir()
    (tmp_path / "runB").mkdir()
    (tmp_path / "runA" / "site.warc.gz").write_bytes(data[: (ends[4][1] + ends[5][1]) // 2])
    other = write_warc(tmp_path / "runB" / "site.warc.gz", site(3, "http://other.example/"))
    run_ingest([tmp_path / "runA" / "site.warc.gz"], home, crawl="c", progress=False)
    kept = len(rows(home, "pages"))
    run_ingest([other], home, crawl="c", progress=False)
    assert kept > 0 and len(rows(home, "pages")) == kept + 3


def test_workers_give_the_same_rows_as_one_worker(tmp_path):
    inputs = [
        write_warc(tmp_path / "a.warc.gz", site(6, "http://a.example/")),
        write_warc(tmp_path / "b.warc.gz", site(4, "http://b.example/")),
        CC_WARC,
    ]
    one = Home(tmp_path / "one")
    two = Home(tmp_path / "two")
    s1 = run_ingest(inputs, one, crawl="c", workers=1, progress=False)
    s2 = run_ingest(inputs, two, crawl="c", workers=2, progress=True)
    assert s1.as_dict() | {"seconds": 0} == s2.as_dict() | {"seconds": 0}
    assert rows(one, "links") == rows(two, "links")
    assert rows(one, "pages") == rows(two, "pages")


def test_what_each_worker_is_sent_a_file_does_not_grow_with_the_inputs_known(tmp_path, monkeypatch):
    """The crawl's known inputs go to each worker once, as it starts, not with every file: at a
    release's 90,000 files they are 6 MB, and 500 GB sent over a run."""
    import pickle
    from concurrent.futures import ProcessPoolExecutor

    from ingest_helpers import known_inputs

    from linkindex.ingest import runner

    sent: list[int] = []

    class Measured(ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            sent.append(len(pickle.dumps((fn, args, kwargs))))
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(runner, "ProcessPoolExecutor", Measured)
    paths = [write_warc(tmp_path / f"{i}.warc.gz", site(2, f"http://s{i}.example/"))
             for i in range(2)]  # fmt: skip
    per_run = {}
    for count in (1, 20_000):
        home = Home(tmp_path / f"home-{count}").ensure()
        known_inputs(home, "c", count)
        sent.clear()
        summary = run_ingest(paths, home, crawl="c", workers=2, progress=False)
        assert summary.files == 2 and len(sent) == 2
        per_run[count] = max(sent)
    assert per_run[20_000] <= per_run[1] + 64, per_run  # 20,000 hashes pickle to 1.3 MB


def test_the_summary_counts_skips_by_reason_and_prints_them(home):
    summary = run_ingest([CC_DIR], home, progress=False)
    data = summary.as_dict()
    assert set(data) >= {"crawl", "files", "records", "pages", "links", "skipped", "failed_files"}
    assert data["skipped"][reasons.NOT_RESPONSE] > 0
    assert data["skipped"][reasons.LINK_NON_HTTP] > 0
    console = Console(record=True, width=120)
    print_summary(summary, console)
    text = console.export_text()
    assert "non-http(s) scheme" in text and summary.crawl in text


def test_capture_dates_survive_the_round_trip_through_parquet(home):
    expected = {}
    with open(CC_WARC, "rb") as stream:
        for record in WarcioIterator(stream):
            if record.rec_type == "response":
                url = record.rec_headers.get_header("WARC-Target-URI")
                expected[canonicalize(url).url] = datetime.fromisoformat(
                    record.rec_headers.get_header("WARC-Date")
                )
    run_ingest([CC_WARC], home, crawl="c", progress=False)
    assert {r["url"]: r["fetch_time"] for r in rows(home, "pages")} == expected


def featured_site() -> list[dict]:
    """A page with a navigation link, a body link, a mailto: link and a script; and an image."""
    body = (
        '<html><body><nav><a href="/home">Home</a></nav><p>Some  text <a href="/b">here</a>'
        '</p><a href="mailto:me@site.example">mail</a><script>var hidden;</script></body></html>'
    )
    return [
        {"url": "http://site.example/p", "body": body.encode()},
        {"url": "http://site.example/i.png", "body": b"\x89PNG",
         "headers": [("Content-Type", "image/png")]},
    ]  # fmt: skip


def test_page_features_reach_the_parquet_parts(home, tmp_path):
    run_ingest([write_warc(tmp_path / "f.warc.gz", featured_site())], home, progress=False)
    pages = {r["url"]: (r["text_chars"], r["contact_links"]) for r in rows(home, "pages")}
    assert pages == {
        "http://site.example/p": (len("HomeSome text heremail"), 1),
        "http://site.example/i.png": (None, None),
    }
    links = {r["target_url"]: r["in_nav"] for r in rows(home, "links")}
    assert links == {"http://site.example/home": True, "http://site.example/b": False}


def _as_version_1(crawl_dir: Path) -> None:
    """Rewrite a crawl as ingest wrote it before text_chars, contact_links and in_nav."""
    for part in crawl_dir.glob("*.parquet"):
        t = pq.read_table(part)
        new = [c for c in ("text_chars", "contact_links", "in_nav") if c in t.column_names]
        pq.write_table(t.drop_columns(new), part)
    manifest = json.loads((crawl_dir / "manifest.json").read_text())
    for entry in manifest["files"].values():
        del entry["records_version"]
    (crawl_dir / "manifest.json").write_text(json.dumps(manifest))


def test_a_file_ingested_by_an_older_version_is_read_again(home, tmp_path):
    path = write_warc(tmp_path / "f.warc.gz", featured_site())
    run_ingest([path], home, crawl="c", progress=False)
    crawl_dir = home.crawls / "c"
    names = sorted(p.name for p in crawl_dir.glob("*.parquet"))
    _as_version_1(crawl_dir)
    assert "in_nav" not in pq.read_schema(next(crawl_dir.glob("links-*.parquet"))).names
    again = run_ingest([path], home, crawl="c", progress=False)
    assert (again.files, again.unchanged_files) == (1, [])
    assert sorted(p.name for p in crawl_dir.glob("*.parquet")) == names  # replaced, not added
    assert len(rows(home, "links")) == 2
    assert {r["in_nav"] for r in rows(home, "links")} == {True, False}
    [entry] = json.loads((crawl_dir / "manifest.json").read_text())["files"].values()
    assert entry["records_version"] == RECORDS_VERSION
    third = run_ingest([path], home, crawl="c", progress=False)
    assert third.unchanged_files == [str(path)]


def test_parts_without_the_new_columns_still_read_by_name(home, tmp_path):
    # The build reads parts with union_by_name: an old part's missing columns read as null.
    run_ingest([write_warc(tmp_path / "old.warc.gz", site(1))], home, crawl="c", progress=False)
    _as_version_1(home.crawls / "c")
    run_ingest([write_warc(tmp_path / "f.warc.gz", featured_site())], home, crawl="c",
               progress=False)  # fmt: skip
    glob = str(home.crawls / "c" / "pages-*.parquet")
    got = duckdb.sql(
        f"SELECT url, text_chars, contact_links FROM read_parquet('{glob}', union_by_name=true)"
    ).fetchall()
    assert sorted(got, key=repr) == sorted(
        [("http://site.example/p0", None, None),
         ("http://site.example/p", len("HomeSome text heremail"), 1),
         ("http://site.example/i.png", None, None)], key=repr,
    )  # fmt: skip
