"""The build as declared steps: each names the logical tables it reads and writes, and its body
(one SELECT in the portable SQL subset, or a Python function over Arrow tables, which a graph
step may pair with a distributed body for an engine that has one); their order.

The order comes from the declarations alone (docs/architecture.md, "The build's steps").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from linkindex.builder.dialects import DUCKDB, to_dialect
from linkindex.index.encoding import stored_sql

# A Python step's body: the declared input tables in, each declared output table out (a
# reader is streamed into the engine instead of being held whole).
Tables = Mapping[str, pa.Table]
Body = Callable[[Tables], Mapping[str, pa.Table | pa.RecordBatchReader]]


@dataclass(frozen=True)
class Distributed:
    """The same step over an engine's distributed tables (Spark DataFrames): its declared input
    tables in, each declared output table out, none of them collected into the driver.

    The step ranks a graph whose nodes are the rows of table ``nodes`` and whose edges are the
    rows of table ``edges``: an engine able to run ``body`` runs it when that graph's step is
    past what its driver may hold (engines/spark_rank.py, ranks_in_driver), the Arrow body
    otherwise. The maths is the Arrow body's, through the same functions."""

    body: Callable[[Mapping[str, Any]], Mapping[str, Any]]
    nodes: str
    edges: str


@dataclass(frozen=True)
class Step:
    """One step of the build: ``sql`` (a SELECT that makes ``writes[0]``) or ``body``, and
    optionally ``distributed``, the body's twin over distributed tables."""

    name: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    sql: str | None = None
    body: Body | None = field(default=None, compare=False)
    distributed: Distributed | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if (self.sql is None) == (self.body is None):
            raise ValueError(f"step {self.name}: give it either SQL or a Python body")
        if self.sql is not None and len(self.writes) != 1:
            raise ValueError(f"step {self.name}: a SQL step writes exactly one table")
        twin = self.distributed
        if twin is not None and (self.body is None or {twin.nodes, twin.edges} - {*self.reads}):
            raise ValueError(f"step {self.name}: a distributed body twins a Python body "
                             "over a graph of tables the step reads")  # fmt: skip

    def check_made(self, made: Mapping[str, object]) -> None:
        """A StepError unless a body made exactly the tables the step declares."""
        if set(made) != set(self.writes):
            raise StepError(f"step {self.name} made {sorted(made)}, declared {list(self.writes)}")


def sql_step(table: str, reads: Iterable[str], sql: str) -> Step:
    """A step that makes ``table`` from one SELECT over the ``reads`` tables."""
    return Step(table, tuple(reads), (table,), sql=sql)


def python_step(
    name: str,
    reads: Iterable[str],
    writes: Iterable[str],
    body: Body,
    distributed: Distributed | None = None,
) -> Step:
    return Step(name, tuple(reads), tuple(writes), body=body, distributed=distributed)


@dataclass(frozen=True)
class Output:
    """A snapshot table: its columns and the SELECT that makes its rows, over ``reads``.

    ``logical`` is written in the portable subset; when ``stored``, the index's encoding wraps
    it into the stored columns (index/encoding.py), rendered in each engine's own dialect.
    """

    table: str
    columns: tuple[str, ...]
    logical: str
    stored: bool = False
    reads: tuple[str, ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reads", tables_read(self.render(DUCKDB)))

    def render(self, dialect: str) -> str:
        """The SELECT of the table's rows in ``dialect``'s SQL (builder/dialects.py)."""
        logical = to_dialect(self.logical, dialect)
        return stored_sql(self.table, logical, dialect) if self.stored else logical


class StepError(ValueError):
    """The declared steps cannot run: a cycle, a missing table, or a table written twice."""


def order_steps(
    steps: Sequence[Step], inputs: Iterable[str], outputs: Sequence[Output] = ()
) -> list[Step]:
    """The steps in an order where each runs after the steps that write what it reads.

    Ties keep the declared order, so a build runs its steps the same way every time.
    """
    available = set(inputs)
    writer: dict[str, Step] = {}
    for step in steps:
        for table in step.writes:
            if table in available or table in writer:
                raise StepError(f"table {table} is written twice (step {step.name})")
            writer[table] = step
    for reader, reads in [*((s.name, s.reads) for s in steps),
                          *((f"output {o.table}", o.reads) for o in outputs)]:  # fmt: skip
        for table in reads:
            if table not in available and table not in writer:
                raise StepError(f"{reader} reads {table}, which no step writes")
    done = set(available)
    ordered: list[Step] = []
    pending = list(steps)
    while pending:
        ready = [s for s in pending if all(t in done for t in s.reads)]
        if not ready:
            names = ", ".join(s.name for s in pending)
            raise StepError(f"steps wait on each other in a cycle: {names}")
        step = ready[0]
        ordered.append(step)
        done.update(step.writes)
        pending.remove(step)
    return ordered


def last_readers(steps: Sequence[Step], keep: Iterable[str]) -> dict[str, list[str]]:
    """Per step name, the tables no later step reads and ``keep`` does not hold: dropped
    after it, so the build holds only what is still to be read."""
    kept = set(keep)
    last: dict[str, str] = {}
    for step in steps:
        for table in step.reads:
            last[table] = step.name
    for step in steps:
        for table in step.writes:
            last.setdefault(table, step.name)  # written, never read: dropped at once
    drops: dict[str, list[str]] = {s.name: [] for s in steps}
    for table, step_name in last.items():
        if table not in kept:
            drops[step_name].append(table)
    return drops


_CREATE = re.compile(r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+(\w+)\s+AS\s+(.*)", re.I | re.S)


def statement_steps(statements: str) -> list[Step]:
    """Steps from ``CREATE TABLE name AS SELECT ...`` statements (``;``-separated), each
    reading the tables its query names: how SQL written as statements joins the steps."""
    steps = []
    for statement in split_statements(statements):
        match = _CREATE.fullmatch(statement)
        if match is None:
            raise StepError(f"not a CREATE TABLE ... AS statement: {statement[:60]!r}")
        steps.append(sql_step(match[1], tables_read(match[2]), match[2]))
    return steps


def split_statements(sql: str) -> list[str]:
    """The statements of a ``;``-separated SQL text (a ``;`` inside a string stays)."""
    import sqlglot.tokens

    ends = [t.end for t in sqlglot.tokens.Tokenizer(dialect="duckdb").tokenize(sql)
            if t.token_type == sqlglot.tokens.TokenType.SEMICOLON]  # fmt: skip
    starts = [0, *(e + 1 for e in ends)]
    pieces = [sql[a:b] for a, b in zip(starts, [*ends, len(sql)], strict=True)]
    return [p.strip() for p in pieces if p.strip()]


def tables_read(sql: str) -> tuple[str, ...]:
    """The tables a query reads (its own CTEs are not tables), in name order."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    return tuple(sorted({t.name for t in tree.find_all(exp.Table)} - ctes))
