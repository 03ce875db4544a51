"""PA and DA across builds: the previous snapshot's stored values carried forward, plus this
build's, one row per (target, day) on which a target's score changed, for spec 2.5's histories.

Declared as steps and snapshot tables; reads the previous snapshot through `Snapshot`.
"""

from __future__ import annotations

import calendar
import sqlite3
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path

import pyarrow as pa

from linkindex.builder.steps import Output, Step, Tables, python_step, sql_step, tables_read
from linkindex.index import schema
from linkindex.index.histories import AUTHORITY_TABLES, MONTHLY_MONTHS, authority_table
from linkindex.index.snapshot import HISTORY_ROW, NoSnapshot, Snapshot

# The scores of this build, per target key (tables made by builder/authority.py).
_CURRENT = {
    "page_authority": "SELECT page AS key, page_authority::INTEGER AS value FROM page_scores",
    "domain_authority": (
        "SELECT root_domain AS key, domain_authority::INTEGER AS value FROM root_scores"
    ),
}


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


# The index date, and the last day before the window (window_start); the index date is the
# newest capture's (build_facts), 1970-01-01 for an index of no captures.
def _history_window(tables: Tables) -> Mapping[str, pa.Table]:
    text = tables["build_facts"].column("index_date")[0].as_py()
    index_date = date.fromisoformat(text) if text else date(1970, 1, 1)
    window = {"index_day": [index_date], "cutoff": [window_start(index_date)]}
    return {"history_window": pa.table(window, pa.schema([("index_day", pa.date32()),
                                                          ("cutoff", pa.date32())]))}  # fmt: skip


_INDEX_DAY = "(SELECT index_day FROM history_window)"
_CUTOFF = "(SELECT cutoff FROM history_window)"


def history_sql(metric: str, index_day: str = _INDEX_DAY, cutoff: str = _CUTOFF) -> str:
    """Rows to store: earlier builds' rows from before this index date (a rebuild on the same
    date replaces that date's value), the last of them before the window kept as the value in
    force at its start, and this build's score where it differs from the last stored one.
    ``index_day`` and ``cutoff`` are SQL (dates, or by default read from history_window).
    Logical rows (key, day, value): the index stores them (encoding.stored_sql)."""
    return f"""
WITH earlier AS (
    SELECT key, day, value FROM previous_{metric} WHERE day < {index_day}
), latest AS (
    SELECT key, arg_max(value, day) AS value FROM earlier GROUP BY key
), kept AS (
    SELECT key, day, value FROM earlier WHERE day > {cutoff}
    UNION ALL
    SELECT key, max(day), arg_max(value, day) FROM earlier WHERE day <= {cutoff} GROUP BY key
), rows AS (
    SELECT key, day, value FROM kept
    UNION ALL
    SELECT c.key, {index_day}, c.value FROM current_{metric} c
    LEFT JOIN latest l USING (key)
    WHERE l.value IS DISTINCT FROM c.value
)
SELECT key, day, value FROM rows
"""


def history_steps(previous: Path | None) -> tuple[Step, ...]:
    """Steps making previous_<metric> (the rows of the published snapshot ``previous``, None
    for the first build), current_<metric> (this build's scores) and history_window."""
    steps = [python_step("history_window", ["build_facts"], ["history_window"], _history_window)]
    for metric in AUTHORITY_TABLES:
        table = f"previous_{metric}"
        steps.append(python_step(
            table, [], [table],
            # Streamed into the engine, which spills past its memory limit like the rest.
            lambda _tables, metric=metric, table=table: {table: previous_rows(previous, metric)},
        ))  # fmt: skip
        steps.append(sql_step(f"current_{metric}", tables_read(_CURRENT[metric]), _CURRENT[metric]))
    return tuple(steps)


def history_outputs() -> list[Output]:
    """The PA and DA history tables of the snapshot."""
    outputs = []
    for metric in AUTHORITY_TABLES:
        table = authority_table(metric)
        outputs.append(
            Output(table, schema.AUTHORITY_HISTORY_COLUMNS, history_sql(metric), stored=True)
        )
    return outputs
