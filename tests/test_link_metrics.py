"""The declarations of linkindex.link_metrics render the same rule in SQLite, DuckDB and numpy."""

from __future__ import annotations

import sqlite3

import duckdb
import numpy as np
import pytest

from linkindex.index.schema import URL_METRIC_FIELDS
from linkindex.link_metrics import (
    BUCKETS,
    DISTRIBUTIONS,
    HOP,
    NOFOLLOW,
    PAGE_ATTRIBUTES,
    count_fields,
    mask,
    sql,
)


def by_root_domains(n: int) -> int:
    """Spec 2.5: [0, 1-9, 10-99, ..., 100000000+]."""
    return 0 if n <= 0 else min(len(str(n)), 9)


def by_score(value: int) -> int:
    """Spec 2.5: [1-10, 11-20, ..., 91-100]."""
    return max(0, (value - 1) // 10)


def rendered(by: str, value: int) -> tuple[int, int, int]:
    """(SQLite, DuckDB, numpy) bucket of a value."""
    expression = BUCKETS[by].sql("v")
    query = f"SELECT {expression} FROM (SELECT ? AS v)"
    lite = sqlite3.connect(":memory:").execute(query, [value])
    duck = duckdb.sql(f"SELECT {expression} FROM (SELECT {int(value)}::BIGINT AS v)")
    numpy = BUCKETS[by].of(np.array([value], dtype=np.int64))
    return lite.fetchone()[0], duck.fetchall()[0][0], int(numpy[0])


@pytest.mark.parametrize(
    ("n", "bucket"),
    [(0, 0), (1, 1), (9, 1), (10, 2), (99, 2), (100, 3), (999, 3), (1000, 4), (99_999, 5),
     (100_000, 6), (9_999_999, 7), (10_000_000, 8), (99_999_999, 8), (100_000_000, 9),
     (5_000_000_000, 9)],
)  # fmt: skip
def test_root_domain_bucket_edges(n, bucket):
    assert rendered("root_domains", n) == (bucket, bucket, bucket)
    assert bucket == by_root_domains(n)


@pytest.mark.parametrize(
    ("score", "bucket"), [(0, 0), (1, 0), (10, 0), (11, 1), (20, 1), (50, 4), (91, 9), (100, 9)]
)
def test_domain_authority_and_spam_score_bucket_edges(score, bucket):
    assert rendered("domain_authority", score) == (bucket, bucket, bucket)
    assert rendered("spam_score", score) == (bucket, bucket, bucket)
    assert bucket == by_score(score)


def test_a_linker_without_a_spam_score_has_no_bucket():
    assert rendered("spam_score", -1) == (-1, -1, -1)
    assert rendered("domain_authority", -1) == (0, 0, 0)


def test_null_has_no_bucket_in_sql():
    for rule in BUCKETS.values():
        assert sqlite3.connect(":memory:").execute(f"SELECT {rule.sql('NULL')}").fetchone() == (
            None,
        )
        assert duckdb.sql(f"SELECT {rule.sql('NULL::INTEGER')}").fetchall() == [(None,)]


def every_row(names: list[str]) -> dict[str, np.ndarray]:
    """Every combination of true and false for the named attributes, one row each."""
    rows = np.array(np.meshgrid(*[[False, True]] * len(names))).reshape(len(names), -1)
    return dict(zip(names, rows, strict=True))


@pytest.mark.parametrize(
    "predicate", [*PAGE_ATTRIBUTES.values(), NOFOLLOW, HOP], ids=lambda p: sql(p)
)
def test_a_predicate_is_the_same_in_sql_and_numpy(predicate):
    names = ["live", "followed", "redirect", "rel_canonical", "live_follow", "live_redirect"]
    values = every_row(names)
    table = ", ".join(
        f"({', '.join(str(bool(values[n][i])).upper() for n in names)})"
        for i in range(len(values["live"]))
    )
    query = f"SELECT {sql(predicate)} FROM (VALUES {table}) AS t({', '.join(names)})"
    assert [r[0] for r in duckdb.sql(query).fetchall()] == mask(predicate, values).tolist()


def test_nofollow_renders_over_other_columns():
    columns = {"live": "pages > 0", "live_follow": "has_follow"}
    assert sql(NOFOLLOW, columns) == "(pages > 0) AND (NOT has_follow)"


def test_the_declared_counts_are_the_url_metrics_link_counts():
    assert sorted(count_fields()) == sorted(f for f in URL_METRIC_FIELDS if "_to_" in f)


def test_the_distributions_are_the_13_of_spec_2_5_of_declared_counts():
    assert len(DISTRIBUTIONS) == 13
    assert all(f"{d.count}_to_{d.scope}" in count_fields() for d in DISTRIBUTIONS)
