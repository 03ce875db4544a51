"""The encoding's Spark rendering stores the same rows as its DuckDB rendering, so a Spark build
that produces the build's logical tables produces the same snapshot (index/encoding.py)."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from linkindex.index import encoding, schema
from linkindex.scoring.spam_signals import SIGNAL_NAMES

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java", allow_module_level=True)

_NULL_DATE = "CAST(NULL AS DATE)"
_HITS = ", ".join(
    f"{'true' if bit % 3 == 0 else 'false'} AS {encoding.spam_hit_column(name)}"
    for bit, name in enumerate(SIGNAL_NAMES)
)
_COUNTS = schema.PAGE_COLUMNS[6:]
# Logical rows with every encoded form in them: states, NULL dates, negative and zero sort values.
LOGICAL = {
    "nodes": "SELECT * FROM (VALUES ('a.com/', 'a.com', 'a.com'), ('a.com/x', 'www.a.com',"
    " 'a.com'), ('b.com/', 'b.com', 'b.com'), ('t.com/', 't.com', 't.com'))"
    " v(page, subdomain, root_domain)",
    "links": "SELECT * FROM (VALUES"
    " ('t.com/', 't.com', 't.com', 'a.com/x', 'www.a.com', 'a.com', 't.com/', true, true, false,"
    " false, false, false, false, false, false, 30, 40, 0.5, 3, 2, 5, DATE '2026-01-02',"
    f" DATE '2026-03-01', {_NULL_DATE}, 'widgets'),"
    " ('t.com/', 't.com', 't.com', 'b.com/', 'b.com', 'b.com', 'a.com/', true, false, false,"
    " true, true, false, true, false, true, 10, 20, 0.0, -1, 0, 1, DATE '2025-12-31',"
    " DATE '2026-02-01', DATE '2026-02-15', ''))"
    " v(target_page, target_subdomain, target_root_domain, source_page, source_subdomain,"
    " source_root_domain, link_page, external, nofollow, redirect, rel_canonical, via_redirect,"
    " via_rel_canonical, deleted, shadowed_subdomain, shadowed_root_domain,"
    " source_page_authority, source_domain_authority, source_link_propensity,"
    " source_spam_score, root_domains_to_source_page, root_domains_to_source_root_domain,"
    " date_gained, last_seen, date_lost, anchor_text)",
    "roots": "SELECT * FROM (VALUES ('t.com', 'a.com', 40, 0.5, 3, 7, 2, 1, 0, 0, true,"
    f" DATE '2026-01-02', {_NULL_DATE}), ('t.com', 'b.com', 20, 0.0, -1, 1, 1, 0, 0, 1, false,"
    " DATE '2025-12-31', DATE '2026-02-15')) v(target, source, domain_authority,"
    " link_propensity, spam_score, root_domains_to_root_domain, pages, nofollow_pages,"
    " redirect_pages, deleted_pages, has_follow, date_gained, date_lost)",
    "anchors": "SELECT * FROM (VALUES ('t.com/', 2, 3, 'widgets'), ('t.com/', 5, 5, ''))"
    " v(target, root_domains, pages, anchor_text)",
    "history": "SELECT * FROM (VALUES ('a.com', DATE '2026-01-15', 12),"
    " ('b.com', DATE '2026-03-01', 30)) v(key, day, value)",
    "scores": "SELECT 'a.com' AS root_domain, 0.1 AS domain_rank, 2.0 AS authority_evidence,"
    " 1.0 AS trust, 3 AS followed_roots_out, 2 AS independent_linkers, 5 AS brand_authority,"
    f" 1 AS branded_linkers, {_HITS}, '{{}}' AS spam_signals",
    "pages": "SELECT 'a.com/' AS page, 'a.com' AS subdomain, 'a.com' AS root_domain, 'A' AS title,"
    " DATE '2026-03-01' AS last_crawled, 200 AS http_code, "
    + ", ".join(f"{i} AS {column}" for i, column in enumerate(_COUNTS))
    + f" UNION ALL SELECT 'b.com/', 'b.com', 'b.com', '', {_NULL_DATE}, 0, "
    + ", ".join("0" for _ in _COUNTS),
}
STORED = {
    "link_rows": "links",
    "linking_roots_page": "roots",
    "anchor_texts_page": "anchors",
    "page_authority_history": "history",
    "root_domain_scores": "scores",
    "pages": "pages",
}


def test_spark_and_duckdb_store_the_same_rows(spark):
    duck = duckdb.connect()
    for name, sql in LOGICAL.items():
        duck.execute(f"CREATE TABLE {name} AS {sql}")
        spark.sql(sql).createOrReplaceTempView(name)
    for statement in encoding.key_table_statements("nodes"):
        duck.execute(statement)
        table, select = statement.removeprefix("CREATE TABLE ").split(" AS ", 1)
        spark.sql(select).createOrReplaceTempView(table)
    for table, logical in STORED.items():
        on_duckdb = duck.execute(encoding.stored_sql(table, f"SELECT * FROM {logical}")).fetchall()
        stored_sql = encoding.stored_sql(table, f"SELECT * FROM {logical}", "spark")
        on_spark = [tuple(row) for row in spark.sql(stored_sql).collect()]
        assert on_spark == on_duckdb, table
