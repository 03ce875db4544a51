"""The `linkindex` command as users and scripts call it: exit codes and --json outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from linkindex.demo import sample_folder


def linkindex(*args: str, home) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "linkindex.cli", *args, "--home", str(home.root)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ingest_build_and_keys_as_a_script_would(home):
    sample = sample_folder() / "docs-sphinx.warc.gz"
    ingest = linkindex("ingest", str(sample), "--crawl", "sphinx", home=home)
    assert ingest.returncode == 0, ingest.stderr
    built = linkindex("build", "--json", home=home)
    assert built.returncode == 0, built.stderr
    result = json.loads(built.stdout)
    assert len(result["index_id"]) == 24 and result["counts"]["pages"] > 0
    again = json.loads(linkindex("build", "--json", home=home).stdout)
    assert again["index_id"] == result["index_id"] and again["reused"]
    keys = json.loads(linkindex("keys", "create", "--json", home=home).stdout)
    assert sorted(keys) == ["access_id", "secret_key", "token"]
    listed = linkindex("keys", "list", home=home).stdout
    assert keys["access_id"] in listed and keys["secret_key"] not in listed


def test_a_second_crawl_is_merged_and_full_rereads_every_crawl(home):
    sample = sample_folder()
    linkindex("ingest", str(sample / "docs-sphinx.warc.gz"), "--crawl", "sphinx", home=home)
    first = json.loads(linkindex("build", "--json", home=home).stdout)
    assert first["link_state"] == "full"
    linkindex("ingest", str(sample / "docs-django.warc.gz"), "--crawl", "django", home=home)
    merged = linkindex("build", home=home)
    assert merged.returncode == 0 and "incremental link state" in merged.stderr, merged.stderr
    full = json.loads(linkindex("build", "--json", "--full", "--force", home=home).stdout)
    assert full["link_state"] == "full" and not full["reused"]


def test_build_with_nothing_ingested_fails_with_a_clear_message(home):
    built = linkindex("build", home=home)
    assert built.returncode == 1
    assert "linkindex ingest" in built.stderr


def test_ingest_of_a_missing_path_fails(home):
    ingest = linkindex("ingest", "/no/such/file.warc.gz", home=home)
    assert ingest.returncode == 2
    assert "No such file" in ingest.stderr


def test_ingest_options_that_do_not_fit_together_exit_2_before_any_work(home):
    sample = str(sample_folder() / "redirects.warc.gz")
    cases = [
        (["--master", "local[1]"], "add --engine spark"),
        (["--conf", "spark.executor.memory=1g"], "add --engine spark"),
        (["--engine", "spark", "--workers", "2"], "--workers is the embedded engine's"),
        (["--engine", "spark", "--conf", "no-equals-sign"], "--conf takes key=value"),
    ]
    for options, message in cases:
        run = linkindex("ingest", sample, *options, home=home)
        assert run.returncode == 2 and message in " ".join(run.stderr.split()), options
    assert not home.crawls.exists() or not any(home.crawls.iterdir())


def test_a_home_at_a_hadoop_uri_is_the_spark_engines_and_other_commands_read_a_local_home(
    home, tmp_path
):
    """No URI here reaches a network: each is refused before anything opens it. (Inputs at
    s3a://, gs:// and https:// are downloaded by either engine: ingest/test_fetch_ingest.py.)"""
    sample = str(sample_folder() / "redirects.warc.gz")
    bucket = "s3a://bucket/li"
    cases = [
        (["ingest", sample, "--home", "hdfs://namenode/li"], "read by the Spark engine"),
        (["ingest", "ftp://example.com/a.warc.gz"], "not ftp://"),
        (["build", "--home", bucket], "read by the Spark engine"),
        (["build", "--local-home", str(tmp_path)], "--local-home is for a --home at a"),
        (["keys", "list", "--home", bucket], "pass that folder as --home"),
    ]
    for args, message in cases:
        run = subprocess.run(
            [sys.executable, "-m", "linkindex.cli", *args], capture_output=True, text=True,
            timeout=300, env={**os.environ, "LINKINDEX_HOME": str(home.root)},
        )  # fmt: skip
        assert run.returncode == 2 and message in " ".join(run.stderr.split()), (args, run.stderr)
    assert not home.crawls.exists() or not any(home.crawls.iterdir())


def test_a_file_uri_is_a_local_path_to_the_embedded_engine(home, tmp_path):
    sample = (sample_folder() / "redirects.warc.gz").as_uri()
    uri_home = (tmp_path / "home").as_uri()
    ingest = subprocess.run(
        [sys.executable, "-m", "linkindex.cli", "ingest", sample, "--crawl", "r", "--home",
         uri_home], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert ingest.returncode == 0, ingest.stderr
    assert list((tmp_path / "home" / "crawls" / "r").glob("pages-*.parquet"))


def test_build_options_that_do_not_fit_together_exit_2_before_any_work(home):
    cases = [
        (["--master", "local[1]"], "add --engine spark"),
        (["--engine", "spark", "--memory-limit", "1GB"], "--memory-limit is DuckDB's"),
        (["--engine", "spark", "--conf", "no-equals-sign"], "--conf takes key=value"),
    ]
    for options, message in cases:
        run = linkindex("build", *options, home=home)
        assert run.returncode == 2 and message in " ".join(run.stderr.split()), options
    assert not home.snapshots.exists() or not any(home.snapshots.iterdir())


def test_a_missing_path_among_good_ones_is_reported_and_the_rest_read_exit_3(home):
    sample = sample_folder() / "docs-sphinx.warc.gz"
    ingest = linkindex("ingest", str(sample), "/no/such/file.warc.gz", "--crawl", "s", home=home)
    assert ingest.returncode == 3
    assert "/no/such/file.warc.gz" in ingest.stderr
    assert list((home.crawls / "s").glob("links-*.parquet"))


def test_an_empty_file_is_a_failed_input_not_a_complete_one(home, tmp_path):
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    ingest = linkindex("ingest", str(empty), "--crawl", "e", home=home)
    assert ingest.returncode == 3 and "empty file" in ingest.stderr


def test_a_damaged_file_exits_3_with_what_came_before_the_damage_kept(home, tmp_path):
    data = (sample_folder() / "docs-sphinx.warc.gz").read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) // 2])
    ingest = linkindex("ingest", str(cut), "--crawl", "cut", home=home)
    assert ingest.returncode == 3 and "damaged" in ingest.stderr
    assert list((home.crawls / "cut").glob("pages-*.parquet"))


def test_revoking_an_unknown_key_fails(home):
    assert linkindex("keys", "revoke", "linkindex-nope", home=home).returncode == 1


def test_a_record_whose_bytes_were_changed_fails_its_digest_is_skipped_and_exit_is_3(
    home, tmp_path
):
    import gzip
    import io

    from fastwarc.warc import ArchiveIterator

    raw = gzip.decompress((sample_folder() / "docs-sphinx.warc.gz").read_bytes())
    (tmp_path / "plain.warc").write_bytes(raw)
    # Change one byte inside the block of the first response record that has a digest.
    for record in ArchiveIterator(io.BytesIO(raw), parse_http=False):
        if record.headers.get("WARC-Type") == "response" and record.headers.get(
            "WARC-Block-Digest"
        ):
            offset = record.stream_pos + raw[record.stream_pos :].index(b"\r\n\r\n") + 200
            break
    changed = bytearray(raw)
    changed[offset] = (changed[offset] + 1) % 256
    damaged = tmp_path / "damaged.warc"
    damaged.write_bytes(bytes(changed))
    ingest = linkindex("ingest", str(damaged), "--crawl", "d", home=home)
    assert ingest.returncode == 3
    assert "WARC-Block-Digest" in ingest.stderr
    clean = linkindex("ingest", str(tmp_path / "plain.warc"), "--crawl", "p", home=home)
    assert clean.returncode == 0, clean.stderr
