"""Ingest of files to download (ingest/fetched.py, the runner, `linkindex ingest
--common-crawl`) from a local mirror of a release with faults: the same parts as from the files
on disk, broken files skipped and listed with none of their rows, nothing fetched twice, a
killed run resumed without a record read twice; on both engines."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from bucket_server import RELEASE, SEGMENT, Fault, write_listings
from ingest_helpers import CC_WARC
from spark_fixtures import manifest_entries, parts, sorted_table

from linkindex.home import Home
from linkindex.ingest import run_ingest
from linkindex.ingest.commoncrawl import release_files
from linkindex.ingest.download import DownloadPolicy
from linkindex.ingest.fetched import FetchPlan, download_path
from linkindex.ingest.parts import Manifest
from linkindex.ingest.spark_runner import run_spark_ingest

FAST = DownloadPolicy(base_delay=0.01, max_retry_after=0.01)


def same_rows(one: Home, other: Home) -> None:
    """Both homes hold the same parts, row for row, and the same manifest facts."""
    mine, theirs = parts(one), parts(other)
    assert sorted(mine) == sorted(theirs) and mine
    for name, path in mine.items():
        assert sorted_table(path).equals(sorted_table(theirs[name])), name
    facts = {"path", "name", "ingested_at"}
    for crawl in {name.split("/")[0] for name in mine}:
        a, b = manifest_entries(one, crawl), manifest_entries(other, crawl)
        assert {s: {k: v for k, v in e.items() if k not in facts} for s, e in a.items()} == {
            s: {k: v for k, v in e.items() if k not in facts} for s, e in b.items()
        }


def from_disk(bucket, tmp_path: Path, kind: str = "wat") -> Home:
    home = Home(tmp_path / "disk").ensure()
    run_ingest([bucket.root / SEGMENT / kind], home, crawl=RELEASE, progress=False)
    return home


def fetch_release(mirror, home: Home, tmp_path: Path, **plan) -> object:
    urls = release_files(mirror.url, RELEASE, "wat", tmp_path).urls
    fetch = FetchPlan(plan.pop("folder", home.root / "downloads"), policy=FAST, **plan)
    return run_ingest(urls, home, crawl=RELEASE, progress=False, fetch=fetch)


def test_a_release_from_a_mirror_gives_the_rows_of_its_files_on_disk(bucket, mirror, tmp_path):
    home = Home(tmp_path / "home").ensure()
    summary = fetch_release(mirror, home, tmp_path)
    assert summary.files == 3 and summary.failed_files == []
    assert summary.bytes == sum(bucket.path(p).stat().st_size for p in bucket.wat)
    same_rows(home, from_disk(bucket, tmp_path))
    entries = manifest_entries(home, RELEASE).values()
    assert sorted(e["path"] for e in entries) == [mirror.url + p for p in bucket.wat]


def test_faults_are_retried_and_broken_files_skipped_with_none_of_their_rows(
    bucket, mirror, tmp_path
):
    mirror.fail(bucket.wat[0], Fault(status=503), Fault(status=503))
    mirror.fail(bucket.wat[1], Fault(status=429, retry_after="30"))
    mirror.fail(bucket.wat[2], Fault(cut_after=20_000))
    cut = f"{SEGMENT}/broken/CC-MAIN-20260120000000-00009-cut.warc.wat.gz"
    whole = bucket.path(bucket.wat[0]).read_bytes()
    bucket.path(cut).parent.mkdir()
    bucket.path(cut).write_bytes(whole[: len(whole) // 2])
    gone = f"{SEGMENT}/wat/CC-MAIN-20260120000000-00010-gone.warc.wat.gz"
    write_listings(bucket, extra=[cut, gone])
    home = Home(tmp_path / "home").ensure()
    summary = fetch_release(mirror, home, tmp_path)
    assert summary.files == 3
    failed = dict(summary.failed_files)
    assert failed.keys() == {mirror.url + cut, mirror.url + gone}
    assert "damaged or cut short" in failed[mirror.url + cut]
    assert "HTTP 404" in failed[mirror.url + gone]
    same_rows(home, from_disk(bucket, tmp_path))  # nothing of the cut file


def test_a_mirror_on_disk_is_read_in_place(bucket, tmp_path):
    urls = release_files(str(bucket.root), RELEASE, "wat", tmp_path).urls
    assert urls == [(bucket.root / p).as_uri() for p in bucket.wat]
    home = Home(tmp_path / "home").ensure()
    summary = run_ingest(urls, home, crawl=RELEASE, progress=False)
    assert summary.files == 3 and not (home.root / "downloads").exists()
    same_rows(home, from_disk(bucket, tmp_path))


def test_listed_paths_outside_the_release_are_refused_never_read(bucket, tmp_path):
    (tmp_path / "secret.warc.gz").write_bytes(b"not for the index")
    escapes = [
        "../secret.warc.gz",
        f"crawl-data/{RELEASE}/../../../secret.warc.gz",
        "file:///etc/passwd",
        "crawl-data/CC-MAIN-2020-01/segments/x.warc.gz",
        f"{SEGMENT}/wat/x.warc.wat.gz?x=1",
        f"{SEGMENT}/wat/%2e%2e/x.warc.wat.gz",
    ]
    write_listings(bucket, extra=escapes)
    found = release_files(str(bucket.root), RELEASE, "wat", tmp_path)
    assert found.urls == [(bucket.root / p).as_uri() for p in bucket.wat]
    assert [p for p, _ in found.refused] == escapes
    assert all(why.startswith("not fetched: the listing names a path") for _, why in found.refused)


def test_a_second_run_fetches_nothing_it_holds(bucket, mirror, tmp_path):
    home = Home(tmp_path / "home").ensure()
    fetch_release(mirror, home, tmp_path)
    before = len(mirror.requests)
    again = fetch_release(mirror, home, tmp_path)
    assert again.files == 0 and len(again.unchanged_files) == 3
    assert [p for p, _, _ in mirror.requests[before:]] == [f"crawl-data/{RELEASE}/wat.paths.gz"]


def test_a_file_held_from_disk_is_not_fetched_again(bucket, mirror, tmp_path):
    home = from_disk(bucket, tmp_path)
    before = len(mirror.requests)
    again = fetch_release(mirror, home, tmp_path)
    assert again.files == 0 and len(mirror.requests) == before + 1  # the listing only


def test_downloads_are_deleted_once_read_unless_kept(bucket, mirror, tmp_path):
    home = Home(tmp_path / "home").ensure()
    fetch_release(mirror, home, tmp_path)
    assert [p for p in (home.root / "downloads").rglob("*") if p.is_file()] == []
    kept = tmp_path / "kept"
    other = Home(tmp_path / "other").ensure()
    fetch_release(mirror, other, tmp_path, folder=kept, keep=True)
    for listed in bucket.wat:
        assert (kept / listed).read_bytes() == bucket.path(listed).read_bytes()


def test_a_download_the_reader_finds_cut_keeps_none_of_its_rows(mirror, bucket, tmp_path):
    cut = CC_WARC.read_bytes()
    bucket.path("plain/cut.warc").parent.mkdir()
    bucket.path("plain/cut.warc").write_bytes(cut[: len(cut) * 2 // 3])
    home = Home(tmp_path / "home").ensure()
    fetch = FetchPlan(tmp_path / "dl", policy=FAST)
    summary = run_ingest([mirror.url + "plain/cut.warc"], home, crawl="c", fetch=fetch)
    (path, error), *_ = summary.failed_files
    assert "none of its records were kept" in error
    assert summary.files == 0 and parts(home) == {}


def test_a_kept_download_the_reader_finds_cut_is_deleted(mirror, bucket, tmp_path):
    cut = CC_WARC.read_bytes()
    bucket.path("plain/cut.warc").parent.mkdir()
    bucket.path("plain/cut.warc").write_bytes(cut[: len(cut) * 2 // 3])
    home = Home(tmp_path / "home").ensure()
    fetch = FetchPlan(tmp_path / "kept", keep=True, policy=FAST)
    summary = run_ingest([mirror.url + "plain/cut.warc"], home, crawl="c", fetch=fetch)
    assert len(summary.failed_files) == 1
    assert [p for p in (tmp_path / "kept").rglob("*") if p.is_file()] == []


def test_a_file_is_read_as_it_streams_in_and_never_whole_on_disk(bucket, mirror, tmp_path):
    listed = bucket.warc[0]
    size = bucket.path(listed).stat().st_size
    mirror.bytes_per_second = 40_000  # about two and a half seconds for the file
    home = Home(tmp_path / "home").ensure()
    fetch = FetchPlan(tmp_path / "dl", policy=FAST)
    done: list = []
    running = threading.Thread(
        target=lambda: done.append(
            run_ingest([mirror.url + listed], home, crawl="c", progress=False, fetch=fetch)
        )
    )
    running.start()
    looked = 0
    while running.is_alive():
        if 0 < mirror.sent[listed] < size:
            looked += 1
            # Nothing of the input is written anywhere while it arrives: no download folder,
            # and no file as large as the input under the home or the test's folder.
            assert not fetch.folder.exists()
            files = [p for p in tmp_path.rglob("*") if p.is_file() and "bucket" not in p.parts]
            assert all(p.stat().st_size < size for p in files)
        time.sleep(0.05)
    running.join()
    assert looked > 10 and done[0].files == 1 and done[0].failed_files == []
    assert mirror.requests_for(listed) == [(None, 200)]


def test_a_cut_mid_body_goes_on_with_a_range_and_gives_the_rows_of_a_clean_read(
    bucket, mirror, tmp_path
):
    for listed in bucket.wat:
        mirror.fail(listed, Fault(cut_after=20_000), Fault(status=503), Fault(cut_after=15_000))
    home = Home(tmp_path / "home").ensure()
    summary = fetch_release(mirror, home, tmp_path)
    assert summary.files == 3 and summary.failed_files == []
    for listed in bucket.wat:
        assert mirror.requests_for(listed) == [
            (None, 200),
            ("bytes=20000-", 503),
            ("bytes=20000-", 206),
            ("bytes=35000-", 206),
        ]
    same_rows(home, from_disk(bucket, tmp_path))


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: data[:-3], "gzip: the file ends inside a member"),  # FastWARC reads on
        (lambda data: data[: len(data) // 2], "damaged or cut short"),
        (lambda data: data[:-6] + bytes([data[-6] ^ 0xFF]) + data[-5:], "damaged or cut short"),
    ],
    ids=["cut-in-the-last-trailer", "cut-in-half", "bad-crc"],
)
def test_a_streamed_file_that_is_not_whole_yields_no_rows_and_a_failure(
    damage, reason, bucket, mirror, tmp_path
):
    listed = bucket.wat[0]
    bucket.path(listed).write_bytes(damage(bucket.path(listed).read_bytes()))
    home = Home(tmp_path / "home").ensure()
    fetch = FetchPlan(tmp_path / "dl", policy=FAST)
    summary = run_ingest([mirror.url + listed], home, crawl="c", progress=False, fetch=fetch)
    (path, error), *_ = summary.failed_files
    assert path == mirror.url + listed and reason in error, error
    assert summary.files == 0 and parts(home) == {}
    assert not [p for p in (home.crawls / "c").iterdir() if ".parquet" in p.name]  # temporaries
    assert len(mirror.requests_for(listed)) == 2  # read again once, from the start


def test_a_kept_download_is_a_mirror_read_from_disk_with_the_same_rows(bucket, mirror, tmp_path):
    kept = tmp_path / "kept"
    whole = bucket.path(bucket.wat[0]).read_bytes()
    first = kept / bucket.wat[0]
    first.parent.mkdir(parents=True)
    first.with_name(first.name + ".part").write_bytes(whole[:5000])  # a killed run's
    home = Home(tmp_path / "home").ensure()
    summary = fetch_release(mirror, home, tmp_path, folder=kept, keep=True)
    assert summary.files == 3 and summary.failed_files == []
    assert mirror.requests_for(bucket.wat[0]) == [("bytes=5000-", 206)]  # on byte for byte
    same_rows(home, from_disk(bucket, tmp_path))
    again = Home(tmp_path / "again").ensure()
    run_ingest([kept / "crawl-data"], again, crawl=RELEASE, progress=False)
    same_rows(again, home)


def linkindex(*args: str, home: Home) -> list[str]:
    return [sys.executable, "-m", "linkindex.cli", "ingest", *args, "--home", str(home.root)]


def test_the_command_prints_a_json_summary_and_exits_3_when_a_file_is_skipped(
    bucket, mirror, tmp_path
):
    write_listings(bucket, extra=[f"{SEGMENT}/wat/gone.warc.wat.gz", "../escape.warc.gz"])
    home = Home(tmp_path / "home")
    args = ["--common-crawl", RELEASE, "--base-url", mirror.url, "--json"]
    run = subprocess.run(linkindex(*args, home=home), capture_output=True, text=True, timeout=300)
    assert run.returncode == 3, run.stderr
    summary = json.loads(run.stdout)
    assert summary["crawl"] == RELEASE and summary["files"] == 3
    assert summary["pages"] > 0 and summary["links"] > 0 and summary["bytes"] > 0
    assert [p for p, _ in summary["failed_files"]] == [
        "../escape.warc.gz",
        f"{mirror.url}{SEGMENT}/wat/gone.warc.wat.gz",
    ]


def test_a_url_given_as_a_path_is_downloaded_into_the_crawl_its_path_names(
    bucket, mirror, tmp_path
):
    home = Home(tmp_path / "home")
    url = mirror.url + bucket.warc[0]
    run = subprocess.run(
        linkindex(url, "--json", home=home), capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["crawl"] == RELEASE and summary["files"] == 1 and summary["pages"] > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give the files to ingest or --common-crawl"),
        (["a.warc.gz", "--common-crawl", RELEASE], "one of the two"),
        (["--common-crawl", "CC-MAIN-26-05"], "CC-MAIN-YYYY-WW"),
        (["a.warc.gz", "--fraction", "0.5"], "add --common-crawl"),
        (["--common-crawl", RELEASE, "--files", "2", "--fraction", "0.5"], "not both"),
    ],
)
def test_options_that_do_not_fit_exit_2_before_any_download(args, message, tmp_path):
    home = Home(tmp_path / "home")
    run = subprocess.run(linkindex(*args, home=home), capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and message in " ".join(run.stderr.split()), run.stderr


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def manifest_size(home: Home) -> int:
    """How many inputs the crawl's manifest holds, journal folded in, as a running run sees."""
    return len(Manifest(home.crawls / RELEASE).files)


def streaming(mirror, bucket, home: Home) -> bool:
    """Whether a file the crawl's manifest does not hold yet is halfway through its body."""
    held = {e["path"] for e in Manifest(home.crawls / RELEASE).files.values()}
    return any(
        0 < mirror.sent[p] < bucket.path(p).stat().st_size // 2 and mirror.url + p not in held
        for p in bucket.wat
    )


@pytest.mark.parametrize(
    ("sig", "workers", "keep"),
    [
        (signal.SIGKILL, "1", False),
        (signal.SIGINT, "1", False),
        (signal.SIGINT, "2", False),
        (signal.SIGKILL, "1", True),
    ],
)
def test_a_run_killed_mid_file_reads_it_again_without_a_record_twice(
    sig, workers, keep, bucket, mirror, tmp_path
):
    home = Home(tmp_path / "home")
    mirror.bytes_per_second = 40_000  # a file takes about a second and a half
    args = ["--common-crawl", RELEASE, "--base-url", mirror.url, "--workers", workers]
    kept = tmp_path / "kept"
    if keep:
        args += ["--keep-downloads", str(kept)]
    # A session of its own: the signal goes to the command and its workers, as Ctrl-C in a
    # terminal (or kill -9 of the group) does.
    first = subprocess.Popen(
        linkindex(*args, home=home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    wait_for(lambda: manifest_size(home) >= 1)
    wait_for(lambda: streaming(mirror, bucket, home))  # killed mid-stream, not between files
    os.killpg(first.pid, sig)
    _, stderr = first.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert first.returncode == 130 and "run the same command again" in " ".join(stderr.split())
        assert "Traceback" not in stderr
    assert 1 <= manifest_size(home) < 3
    read = {e["path"] for e in Manifest(home.crawls / RELEASE).files.values()}
    cut = [p for p in kept.rglob("*.part") if p.stat().st_size > 0]
    assert bool(cut) == keep
    if not keep:  # nothing of a streamed file on disk but the parts' temporaries
        assert not (home.root / "downloads" / RELEASE).exists() or not any(
            p.is_file() for p in (home.root / "downloads" / RELEASE).rglob("*")
        )
    mirror.bytes_per_second = None
    before = len(mirror.requests)
    second = subprocess.run(
        linkindex(*args, home=home), capture_output=True, text=True, timeout=300
    )
    assert second.returncode == 0, second.stderr
    again = mirror.requests[before:]
    assert {p for p, _, _ in again if p.endswith(".wat.gz")} == {
        p for p in bucket.wat if mirror.url + p not in read
    }
    ranges = [r for _, r, _ in again if r]
    # Per byte with --keep-downloads (each cut copy went on where it stopped), else per file.
    assert len(ranges) == len(cut)
    same_rows(home, from_disk(bucket, tmp_path))
    assert not list((home.crawls / RELEASE).glob(".*.tmp"))


def has_bytes(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:  # renamed or deleted since it was listed
        return False


def process_tree(pid: int) -> set[int]:
    """``pid`` and every process it started, and theirs (Spark's JVM and its Python workers,
    which put themselves in a process group of their own)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended since it was listed
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grown = {pid}, True
    while grown:
        found = {child for child, parent in parents.items() if parent in tree}
        grown = bool(found - tree)
        tree |= found
    return tree


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; its parent has not collected it yet


@pytest.mark.spark_process
def test_a_spark_run_killed_mid_file_resumes_without_a_record_twice(bucket, mirror, tmp_path):
    """`linkindex ingest --engine spark` killed with SIGKILL, driver, JVM and all, while its
    tasks download and read: the next run gives a clean run's rows."""
    home = Home(tmp_path / "home")
    mirror.bytes_per_second = 20_000  # a file takes about three seconds
    scratch = tmp_path / "spark-local"  # the executors' folder
    args = ["--common-crawl", RELEASE, "--base-url", mirror.url, "--engine", "spark",
            "--master", "local[2]", "--conf", f"spark.local.dir={scratch}"]  # fmt: skip
    first = subprocess.Popen(
        linkindex(*args, home=home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for(lambda: manifest_size(home) >= 1, timeout=120)  # the JVM takes a while
        wait_for(lambda: streaming(mirror, bucket, home))  # killed mid-stream
        tree = process_tree(first.pid)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.communicate(timeout=60)
    assert len(tree) >= 3  # the command, its JVM, Spark's Python workers
    wait_for(lambda: not any(alive(pid) for pid in tree), timeout=30)
    assert 1 <= manifest_size(home) < 3
    mirror.bytes_per_second = None
    second = subprocess.run(
        linkindex(*args, home=home), capture_output=True, text=True, timeout=300
    )
    assert second.returncode == 0, second.stderr
    same_rows(home, from_disk(bucket, tmp_path))


def test_spark_ingests_a_release_from_a_mirror_as_the_embedded_engine(
    bucket, mirror, tmp_path, spark
):
    mirror.fail(bucket.wat[1], Fault(status=503))
    urls = release_files(mirror.url, RELEASE, "wat", tmp_path).urls
    home = Home(tmp_path / "spark").ensure()
    kept = tmp_path / "kept"
    summary = run_spark_ingest(urls, home, spark, crawl=RELEASE, keep_downloads=kept, progress=True)
    assert summary.files == 3 and summary.failed_files == []
    assert [s for _, s in mirror.requests_for(bucket.wat[1])] == [503, 200]
    same_rows(home, from_disk(bucket, tmp_path))
    assert all((kept / p).read_bytes() == bucket.path(p).read_bytes() for p in bucket.wat)


def test_spark_goes_on_from_the_files_a_stopped_run_kept(bucket, mirror, tmp_path, spark):
    urls = release_files(mirror.url, RELEASE, "wat", tmp_path).urls
    home = Home(tmp_path / "spark").ensure()
    mirror.bytes_per_second = 40_000
    first: list = []
    running = threading.Thread(
        target=lambda: first.append(run_spark_ingest(urls, home, spark, crawl=RELEASE))
    )
    running.start()
    wait_for(lambda: manifest_size(home) >= 1)
    # Jobs cancelled in-process, as a stop's cancel leaves the run (no driver is killed here):
    # every job from now on is cancelled, the ones a free slot starts after this moment too.
    while running.is_alive():
        spark.sparkContext.cancelAllJobs()
        running.join(timeout=0.05)
    assert first[0].files < 3 and manifest_size(home) == first[0].files
    assert all("Spark job of this file failed" in e for _, e in first[0].failed_files)
    mirror.bytes_per_second = None
    again = run_spark_ingest(urls, home, spark, crawl=RELEASE)
    assert again.files == 3 - first[0].files and len(again.unchanged_files) == first[0].files
    same_rows(home, from_disk(bucket, tmp_path))


def test_a_stopped_spark_run_cancels_its_own_jobs_and_no_others(
    bucket, mirror, tmp_path, spark, monkeypatch
):
    from linkindex.ingest.runner import CrawlRun

    urls = release_files(mirror.url, RELEASE, "wat", tmp_path).urls
    mirror.bytes_per_second = 40_000
    released = tmp_path / "released"
    others: list = []

    def hold_a_slot(path: str) -> int:
        # Defined here so Spark ships it by value: holds its slot until the run has stopped.
        deadline = time.monotonic() + 120
        while not Path(path).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return 1

    def other_user() -> None:
        spark.sparkContext.setJobGroup("someone-else", "another job on the same context")
        rdd = spark.sparkContext.parallelize([str(released)], 1).map(hold_a_slot)
        try:
            others.append(rdd.collect())
        except Exception as exc:
            others.append(exc)

    record = CrawlRun.record

    def ctrl_c_after_the_first_file(run: CrawlRun, result) -> None:
        record(run, result)
        raise KeyboardInterrupt

    monkeypatch.setattr(CrawlRun, "record", ctrl_c_after_the_first_file)
    other = threading.Thread(target=other_user)
    other.start()
    home = Home(tmp_path / "spark").ensure()
    with pytest.raises(KeyboardInterrupt):
        run_spark_ingest(urls, home, spark, crawl=RELEASE)
    released.touch()
    other.join(timeout=120)
    assert others == [[1]]
    assert manifest_size(home) == 1


def test_a_second_run_into_the_same_crawl_exits_2_while_the_first_runs(bucket, mirror, tmp_path):
    home = Home(tmp_path / "home")
    mirror.bytes_per_second = 40_000
    args = ["--common-crawl", RELEASE, "--base-url", mirror.url]
    first = subprocess.Popen(
        linkindex(*args, home=home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    listing = f"crawl-data/{RELEASE}/wat.paths.gz"
    try:
        wait_for(lambda: any(mirror.sent.values()))  # the first file is streaming in
        second = subprocess.run(
            linkindex(*args, home=home), capture_output=True, text=True, timeout=300
        )
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.communicate(timeout=60)
    assert second.returncode == 2
    assert "another ingest into crawl" in " ".join(second.stderr.split())
    # Refused before any network work: the listing was fetched by the first run alone.
    assert len(mirror.requests_for(listing)) == 1


def test_what_older_runs_left_in_the_downloads_folder_is_removed_at_a_runs_start(
    bucket, mirror, tmp_path
):
    home = Home(tmp_path / "home").ensure()
    urls = [mirror.url + p for p in bucket.wat]
    folder = home.root / "downloads" / RELEASE
    selected, prefetched_before, killed = (download_path(folder, u) for u in urls)
    for path in (selected, prefetched_before, killed):
        path.parent.mkdir(parents=True, exist_ok=True)
    whole = bucket.path(bucket.wat[0]).read_bytes()
    selected.with_name(selected.name + ".part").write_bytes(whole[:5000])
    prefetched_before.write_bytes(bucket.path(bucket.wat[1]).read_bytes())
    killed.with_name(killed.name + ".part").write_bytes(b"x" * 100)
    summary = run_ingest(urls[:1], home, crawl=RELEASE, progress=False)
    assert summary.files == 1
    # Read as it streams in: an older version's .part of it is not used, and is removed.
    assert mirror.requests_for(bucket.wat[0]) == [(None, 200)]
    assert [p for p in folder.rglob("*") if p.is_file()] == []
