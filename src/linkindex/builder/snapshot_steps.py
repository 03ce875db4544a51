"""The steps and snapshot tables of outputs.py, link_outputs.py and page_lists.py, declared
from their statements and queries as written, and the facts a snapshot's meta records.

Each query's reads are the tables it names (steps.tables_read).
"""

from __future__ import annotations

from linkindex.builder import link_outputs, outputs
from linkindex.builder.steps import Output, Step, StepError, sql_step, statement_steps

# What the meta says of the build: the index date (its newest capture's day), its oldest
# capture's day (histories show no values before it), and how many links it tracks.
BUILD_FACTS = """
SELECT coalesce(strftime(max(latest_time), '%Y-%m-%d'), '') AS index_date,
       (SELECT coalesce(strftime(min(fetch_time), '%Y-%m-%d'), '') FROM captures)
           AS first_capture_date,
       (SELECT count(*) FROM links) AS links,
       (SELECT count(*) FROM links WHERE live) AS live_links
FROM page_latest
"""


class _Statements:
    """Stands in for a connection: keeps the statements a function executes, runs none."""

    def __init__(self) -> None:
        self.executed: list[str] = []

    def execute(self, sql: str, *parameters: object) -> _Statements:
        if parameters:
            raise StepError("a step's statement takes no parameters")
        self.executed.append(sql)
        return self


def snapshot_steps() -> tuple[list[Step], list[Output]]:
    """The steps of the tables the snapshot's queries read beyond the scores (out_root_domains,
    the link rows and keys, build_facts), and those queries (the history tables' aside)."""
    statements = _Statements()
    link_queries = link_outputs.prepare_link_tables(statements)  # type: ignore[arg-type]
    steps = [
        *statement_steps(outputs.ROOT_DOMAINS),
        *(step for sql in statements.executed for step in statement_steps(sql)),
        sql_step("build_facts", ["captures", "links", "page_latest"], BUILD_FACTS),
    ]
    return steps, [*outputs.table_queries(), *link_queries]
