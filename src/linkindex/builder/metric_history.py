"""PA and DA across builds: the previous snapshot's stored values carried forward, plus this
build's, one row per (target, day) on which a target's score changed, for spec 2.5's histories.

Reads the previous snapshot through `Snapshot`; index/histories.py answers from the tables.
"""

from __future__ import annotations

import calendar
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from linkindex.index import encoding, schema
from linkindex.index.histories import AUTHORITY_TABLES, MONTHLY_MONTHS, authority_table
from linkindex.index.snapshot import HISTORY_ROW, NoSnapshot, Snapshot

# The scores of this build, per target key (tables made by builder/authority.py).
_CURRENT = {
    "page_authority": "SELECT page AS key, page_authority::INTEGER AS value FROM page_scores",
    "domain_authority": (
        "SELECT root_domain AS key, domain_authority::INTEGER AS value FROM root_scores"
    ),
}


def first_capture_date(con: duckdb.DuckDBPyConnection) -> str:
    """The day of the index's oldest capture: histories show no values before it."""
    return con.execute(
        "SELECT coalesce(strftime(min(fetch_time), '%Y-%m-%d'), '') FROM captures"
    ).fetchall()[0][0]


def window_start(index_date: date) -> date:
    """The last day before the oldest month a monthly history can ask for: the score in force
    on that day is the one the oldest monthly delta compares with."""
    year, month = index_date.year, index_date.month - (MONTHLY_MONTHS + 1)
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, calendar.monthrange(year, month)[1])


def previous_rows(folder: Path | None, metric: str) -> pa.RecordBatchReader:
    """(key, day, value) rows of a published snapshot's history of one score, streamed; none
    for a snapshot made before the history tables existed."""
    return pa.RecordBatchReader.from_batches(HISTORY_ROW, _previous_batches(folder, metric))


def _previous_batches(folder: Path | None, metric: str) -> Iterator[pa.RecordBatch]:
    if folder is None:
        return
    try:
        yield from Snapshot(folder).authority_history(metric)
    except (NoSnapshot, sqlite3.DatabaseError):
        return


def _date(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def history_sql(metric: str, index_date: date, cutoff: date) -> str:
    """Rows to store: earlier builds' rows from before this index date (a rebuild on the same
    date replaces that date's value), the last of them before the window kept as the value in
    force at its start, and this build's score where it differs from the last stored one."""
    index_day = _date(index_date)
    return f"""
WITH earlier AS (
    SELECT key, day, value FROM previous_{metric} WHERE day < {index_day}
), latest AS (
    SELECT key, arg_max(value, day) AS value FROM earlier GROUP BY key
), kept AS (
    SELECT key, day, value FROM earlier WHERE day > {_date(cutoff)}
    UNION ALL
    SELECT key, max(day), arg_max(value, day) FROM earlier WHERE day <= {_date(cutoff)}
    GROUP BY key
), rows AS (
    SELECT key, day, value FROM kept
    UNION ALL
    SELECT c.key, {index_day}, c.value FROM current_{metric} c
    LEFT JOIN latest l USING (key)
    WHERE l.value IS DISTINCT FROM c.value
)
SELECT key, day, value FROM rows
"""


def prepare_history_tables(
    con: duckdb.DuckDBPyConnection, previous: Path | None
) -> list[tuple[str, tuple[str, ...], str]]:
    """(index table, columns, SELECT) for the PA and DA history tables.

    Needs page_scores, root_scores, captures and the link key tables (link_outputs.py);
    ``previous`` is the published snapshot this build follows (None for the first build)."""
    index_date = con.execute(
        "SELECT coalesce(max(latest_time)::DATE, DATE '1970-01-01') FROM page_latest"
    ).fetchall()[0][0]
    cutoff = window_start(index_date)
    queries = []
    for metric in AUTHORITY_TABLES:
        # Streamed into a DuckDB table, which spills past the memory limit like the rest.
        con.register("previous_reader", previous_rows(previous, metric))
        con.execute(f"CREATE OR REPLACE TABLE previous_{metric} AS SELECT * FROM previous_reader")
        con.unregister("previous_reader")
        con.execute(f"CREATE OR REPLACE TABLE current_{metric} AS {_CURRENT[metric]}")
        table = authority_table(metric)
        logical = history_sql(metric, index_date, cutoff)
        queries.append(
            (table, schema.AUTHORITY_HISTORY_COLUMNS, encoding.stored_sql(table, logical))
        )
    return queries
