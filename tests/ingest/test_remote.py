"""Crawl files and crawl folders at Hadoop URIs (ingest/remote.py), through file: URIs (the
same code as s3a://, gs:// and hdfs://; no test reaches a network): inputs found and fetched
byte for byte, a crawl folder's parts, temporaries and manifest, and one file's ingest."""

from __future__ import annotations

import json

from linkindex.demo import sample_folder
from linkindex.home import Home
from linkindex.ingest import run_ingest
from linkindex.ingest.parts import JOURNAL, Manifest
from linkindex.ingest.remote import RemoteCrawlFolder, discover, fetch, ingest_at
from linkindex.ingest.runner import NO_INPUT, derive_crawl_name

CC_WARC = "CC-MAIN-20140820021334-00006-ip-10-180-136-8.ec2.internal.warc"


def test_inputs_at_a_uri_are_found_as_the_embedded_runner_finds_them(tmp_path):
    folder = sample_folder()
    found, missing = discover([folder.as_uri(), (tmp_path / "none").as_uri()])
    assert found == [p.as_uri() for p in sorted(folder.rglob("*.warc.gz"))]
    assert missing == [((tmp_path / "none").as_uri(), NO_INPUT)]


def test_a_gzipped_input_is_fetched_byte_for_byte(tmp_path):
    source = sample_folder() / "redirects.warc.gz"
    copy = fetch(source.as_uri(), tmp_path)
    assert copy.name == source.name and copy.read_bytes() == source.read_bytes()


def test_the_crawl_name_is_peeked_from_the_first_file_at_a_uri(tmp_path):
    from spark_fixtures import CC_DIR, CC_NAME

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.warc").write_bytes((CC_DIR / CC_NAME).read_bytes())
    uri = (tmp_path / "in").as_uri()
    assert derive_crawl_name([uri], [f"{uri}/a.warc"]) == "CC-MAIN-2014-35"
    assert derive_crawl_name(["s3a://b/x/my%20crawl.warc.gz"], []) == "my-crawl"


def test_a_crawl_folder_at_a_uri_keeps_parts_temporaries_and_manifest(tmp_path):
    folder = RemoteCrawlFolder((tmp_path / "crawls" / "c").as_uri())
    folder.prepare()
    local = tmp_path / "crawls" / "c"
    (local / ".links-0123-0000.parquet.9.tmp").write_bytes(b"half")
    (local / "links-0123-0000.parquet").write_bytes(b"old")
    (local / "pages-4567-0000.parquet").write_bytes(b"other")
    folder.prepare()
    assert not (local / ".links-0123-0000.parquet.9.tmp").exists()
    folder.remove_parts("0123")
    assert sorted(p.name for p in local.iterdir()) == ["pages-4567-0000.parquet"]
    manifest = Manifest(folder)
    manifest.add("ab" * 32, {"path": "s3a://b/k.warc.gz"})
    manifest.save()
    assert Manifest(folder).files.keys() == {"ab" * 32}
    assert json.loads((local / "manifest.json").read_text())["files"]["ab" * 32]["path"]


def test_a_crawl_folder_at_a_uri_keeps_the_manifests_journal(tmp_path):
    folder = RemoteCrawlFolder((tmp_path / "c").as_uri())
    folder.prepare()
    Manifest(folder).add("ab" * 32, {"path": "s3a://b/k.warc.gz"})
    journal = tmp_path / "c" / JOURNAL
    assert [p.name for p in journal.iterdir()] == [f"{'ab' * 32}.json"]
    (journal / f".{'cd' * 32}.json.9.tmp").write_text("half")  # a killed run's
    folder.prepare()
    manifest = Manifest(folder)
    assert manifest.files.keys() == {"ab" * 32}
    manifest.save()
    assert list(journal.iterdir()) == []
    assert json.loads((tmp_path / "c" / "manifest.json").read_text())["files"] == manifest.files


def test_one_file_from_a_uri_into_a_uri_folder_gives_the_embedded_runners_parts(tmp_path):
    source = sample_folder() / "redirects.warc.gz"
    embedded = Home(tmp_path / "embedded").ensure()
    run_ingest([source], embedded, crawl="r", progress=False)
    crawl_at = (tmp_path / "uris" / "r").as_uri()
    RemoteCrawlFolder(crawl_at).prepare()
    result = ingest_at(source.as_uri(), "r", crawl_at, frozenset())
    assert result.status == "done" and result.path == source.as_uri()
    want = sorted(p.name for p in (embedded.crawls / "r").glob("*.parquet"))
    assert sorted(result.parts) == want
    for name in want:
        mine = (tmp_path / "uris" / "r" / name).read_bytes()
        assert len(mine) > 0
    missing = ingest_at((tmp_path / "gone.warc.gz").as_uri(), "r", crawl_at, frozenset())
    assert missing.status == "failed" and "could not read" in (missing.error or "")
