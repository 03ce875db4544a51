"""Running declared steps on an engine: in dependency order, each handed only the tables it
declares, and every table dropped once nothing still to run reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from linkindex.builder.engines.engine import Engine
from linkindex.builder.steps import Step, last_readers, order_steps


def run_step(engine: Engine, step: Step) -> None:
    """Make the step's tables on the engine from the tables it reads."""
    if step.sql is not None:
        engine.create_table(step.writes[0], step.sql)
        return
    if engine.run_distributed(step):
        return
    assert step.body is not None
    made = step.body({table: engine.read_table(table) for table in step.reads})
    step.check_made(made)
    for table in step.writes:
        engine.write_table(table, made[table])


def run_steps(
    engine: Engine, steps: Sequence[Step], available: Iterable[str], keep: Iterable[str]
) -> None:
    """Run ``steps`` over the ``available`` tables; a table they read or write is dropped
    after the last of them that reads it, unless ``keep`` holds it."""
    ordered = order_steps(steps, available)
    drops = last_readers(ordered, keep)
    for step in ordered:
        run_step(engine, step)
        if drops[step.name]:
            engine.drop_tables(drops[step.name])
