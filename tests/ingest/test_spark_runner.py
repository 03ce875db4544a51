"""The Spark runner against the embedded one on the same files: the same parts row for row, the
same manifest entries and summary, and a build over either ingest gives the same index_id."""

from __future__ import annotations

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
