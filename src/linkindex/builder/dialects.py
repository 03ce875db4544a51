"""The SQL dialects a build runs in: every step's query is written once in DuckDB's, and
rendered here for the engine that runs it (Spark SQL through sqlglot).

One definition of the transpiling, for the Spark engine, the snapshot queries and the tests.
"""

from __future__ import annotations

DUCKDB = "duckdb"
SPARK = "spark"
DIALECTS = (DUCKDB, SPARK)


def to_dialect(sql: str, dialect: str) -> str:
    """``sql``, written in the portable subset (DuckDB's dialect), in ``dialect``'s SQL; a
    construct sqlglot cannot carry over is an error, never a warning and a different query."""
    if dialect == DUCKDB:
        return sql
    if dialect != SPARK:
        raise ValueError(f"unknown SQL dialect {dialect!r}: one of {', '.join(DIALECTS)}")
    import sqlglot
    from sqlglot import ErrorLevel

    (spark_sql,) = sqlglot.transpile(
        sql, read=DUCKDB, write=SPARK, unsupported_level=ErrorLevel.RAISE
    )
    return spark_sql
