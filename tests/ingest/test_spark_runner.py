"""The Spark runner against the embedded one on the same files: the same parts row for row, the
same manifest entries and summary, and a build over either ingest gives the same index_id; from
file: URIs into a home at a file: URI too (the code that reads s3a://, gs:// and hdfs://)."""

from __future__ import annotations

from pathlib import Path

from spark_fixtures import manifest_entries, parts, sorted_table, summary_facts

from linkindex.builder.pipeline import build_index


def test_spark_writes_the_embedded_runners_parts_row_for_row(two_engine_ingest):
    embedded, spark = parts(two_engine_ingest.embedded), parts(two_engine_ingest.spark)
    assert sorted(spark) == sorted(embedded)
    assert any(name.startswith(tuple(two_engine_ingest.crawls)) for name in spark)
    for name, path in embedded.items():
        mine, theirs = sorted_table(spark[name]), sorted_table(path)
        assert mine.schema == theirs.schema, name
        assert mine.num_rows > 0, name
        assert mine.equals(theirs), name


def test_spark_writes_the_same_manifest_entries_and_summary(two_engine_ingest):
    for crawl, (embedded, spark) in two_engine_ingest.summaries.items():
        assert manifest_entries(two_engine_ingest.spark, crawl) == manifest_entries(
            two_engine_ingest.embedded, crawl
        )
        assert summary_facts(spark) == summary_facts(embedded)
    first = two_engine_ingest.summaries[next(iter(two_engine_ingest.crawls))][1]
    # The cut WARC and the empty file are in the first crawl: one damaged, one failed.
    assert [p.rsplit("/", 1)[-1] for p, _ in first.failed_files] == [
        "cut-CC-MAIN-20140820021334-00006-ip-10-180-136-8.ec2.internal.warc",
        "empty.warc.gz",
    ]


def test_spark_ingest_again_reads_nothing_new(two_engine_ingest, spark):
    from linkindex.ingest.spark_runner import run_spark_ingest

    crawl, paths = next(iter(two_engine_ingest.crawls.items()))
    before = manifest_entries(two_engine_ingest.spark, crawl)
    again = run_spark_ingest(paths, two_engine_ingest.spark, spark, crawl=crawl)
    assert again.files == 0 and len(again.unchanged_files) == len(before)
    assert manifest_entries(two_engine_ingest.spark, crawl) == before


def test_a_build_over_either_ingest_gives_the_same_index_id(two_engine_ingest):
    embedded = build_index(two_engine_ingest.embedded)
    spark = build_index(two_engine_ingest.spark)
    assert spark.index_id == embedded.index_id
    assert spark.counts == embedded.counts


def test_spark_from_uris_into_a_uri_home_writes_the_same_parts_and_manifest(two_engine_ingest):
    crawl = next(iter(two_engine_ingest.crawls))
    embedded = {k: v for k, v in parts(two_engine_ingest.embedded).items() if k.startswith(crawl)}
    mine = parts(two_engine_ingest.uris)
    assert sorted(mine) == sorted(embedded)
    for name, path in embedded.items():
        assert sorted_table(mine[name]).equals(sorted_table(path)), name
    uri = {e["path"]: e for e in manifest_entries(two_engine_ingest.uris, crawl).values()}
    local = manifest_entries(two_engine_ingest.embedded, crawl).values()
    # The manifest keeps each input as it was given: here its URI.
    as_given = [{**e, "path": Path(e["path"]).as_uri()} for e in local]
    assert uri == {e["path"]: e for e in as_given}
    want = summary_facts(two_engine_ingest.summaries[crawl][0])
    got = summary_facts(two_engine_ingest.uris_summary)
    as_uris = [(Path(p).as_uri(), error) for p, error in want.pop("failed_files")]
    assert [tuple(f) for f in got.pop("failed_files")] == as_uris
    assert got == want


def test_spark_ingest_again_from_uris_reads_nothing_new(two_engine_ingest, spark):
    from linkindex.ingest.spark_runner import run_spark_ingest

    crawl, paths = next(iter(two_engine_ingest.crawls.items()))
    before = manifest_entries(two_engine_ingest.uris, crawl)
    uris = [p.as_uri() for p in paths]
    again = run_spark_ingest(uris, two_engine_ingest.uris, spark, crawl=crawl)
    assert again.files == 0 and len(again.unchanged_files) == len(before)
    assert manifest_entries(two_engine_ingest.uris, crawl) == before


def test_the_pool_is_as_large_as_the_clusters_task_slots(spark):
    from types import SimpleNamespace

    from pyspark import SparkConf

    from linkindex.ingest.spark_runner import task_slots

    def slots(parallelism: int, **conf: str) -> int:
        settings = SparkConf(loadDefaults=False).setAll(list(conf.items()))
        return task_slots(SimpleNamespace(defaultParallelism=parallelism, getConf=lambda: settings))

    assert task_slots(spark.sparkContext) == 2  # local[2]
    assert slots(8, **{"spark.task.cpus": "2"}) == 4
    dynamic = {"spark.dynamicAllocation.enabled": "true", "spark.executor.cores": "4"}
    assert slots(2, **dynamic, **{"spark.dynamicAllocation.maxExecutors": "10"}) == 40
    assert slots(2, **dynamic) == 2  # no cap: the cores there are now


def test_jobs_stay_in_flight_for_executors_that_register_later(spark):
    """A cluster counted before its executors register shows 2 slots: the jobs kept submitted
    are not held to that, so the tasks reach every executor that comes."""
    from types import SimpleNamespace

    from pyspark import SparkConf

    from linkindex.ingest.spark_runner import JOBS_IN_FLIGHT_FLOOR, jobs_in_flight

    def context(parallelism: int) -> SimpleNamespace:
        conf = SparkConf(loadDefaults=False)
        return SimpleNamespace(defaultParallelism=parallelism, getConf=lambda: conf)

    assert jobs_in_flight(context(2)) == JOBS_IN_FLIGHT_FLOOR
    assert jobs_in_flight(context(400)) == 400


def test_what_each_job_ships_does_not_grow_with_the_inputs_known(spark, tmp_path, monkeypatch):
    """The crawl's known inputs go to the executors once (a broadcast), not inside every one
    of a run's tasks: at a release's 90,000 files that would be 6 MB a task, 500 GB a run."""
    import pickle

    from ingest_helpers import known_inputs, write_warc
    from pyspark import cloudpickle
    from pyspark.core.context import SparkContext
    from pyspark.core.rdd import RDD

    from linkindex.home import Home
    from linkindex.ingest.spark_runner import run_spark_ingest

    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(2):
        page = {"url": f"http://site{i}.example/", "body": b"<a href='/x'>x</a>"}
        write_warc(inputs / f"f{i}.warc.gz", [page])
    shipped: list[int] = []
    parallelize, mapped = SparkContext.parallelize, RDD.map

    def measured_parallelize(self, data, *args, **kwargs):
        shipped.append(len(pickle.dumps(list(data))))
        return parallelize(self, data, *args, **kwargs)

    def measured_map(self, f, *args, **kwargs):
        shipped.append(len(cloudpickle.dumps(f)))
        return mapped(self, f, *args, **kwargs)

    monkeypatch.setattr(SparkContext, "parallelize", measured_parallelize)
    monkeypatch.setattr(RDD, "map", measured_map)
    per_run = {}
    for count in (1, 20_000):
        home = Home(tmp_path / f"home-{count}").ensure()
        known_inputs(home, "c", count)
        shipped.clear()
        summary = run_spark_ingest([inputs], home, spark, crawl="c")
        assert summary.files == 2 and len(shipped) == 4  # two jobs: their data and function
        per_run[count] = max(shipped)
    # 20,000 hashes are 1.3 MB pickled: what a job ships stays within a few bytes of the same.
    assert per_run[20_000] <= per_run[1] + 64, per_run
