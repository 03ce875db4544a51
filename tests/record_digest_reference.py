"""The record digest (src/linkindex/builder/record_digest.py) again, in plain Python.

An oracle for the engines' SQL: pyarrow reads the part, hashlib hashes each record's text.
Written from the module's docstring, not from its SQL.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def records(path: Path, schema: pa.Schema) -> list[tuple]:
    """A part's records as the build reads them: the schema's columns in its order, a
    column the part lacks as NULLs, timestamps as microseconds since the epoch, and the
    records without a capture time left out."""
    table = pq.read_table(path)
    columns = []
    for field in schema:
        if field.name not in table.column_names:
            columns.append([None] * table.num_rows)
            continue
        column = table.column(field.name)
        if pa.types.is_timestamp(column.type):
            column = column.cast(pa.timestamp("us", column.type.tz), safe=False).cast(pa.int64())
        columns.append(column.to_pylist())
    fetch_time = schema.get_field_index("fetch_time")
    return [row for row in zip(*columns, strict=True) if row[fetch_time] is not None]


def canonical_text(record: tuple) -> str:
    return "\\|".join(_spell(value) for value in record)


def _spell(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    return str(value).replace("\\", "\\\\")


def digest(record: tuple) -> int:
    return int.from_bytes(hashlib.md5(canonical_text(record).encode()).digest()[:8], "big")


def part_sum(path: Path, schema: pa.Schema) -> tuple[int, int]:
    """(records, sum of their digests modulo 2**64) of one part."""
    rows = records(path, schema)
    return len(rows), sum(digest(r) for r in rows) % 2**64
