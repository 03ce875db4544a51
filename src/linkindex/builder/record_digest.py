r"""The record digest: one unsigned 64-bit number per ingested record, from its content alone.

Defined here once, so that every build engine computes it the same way with standard SQL
functions (and a test reproduces it in plain Python):

1. The record's **canonical text**: every column of its schema, in schema order, each
   spelled as below and joined by the two characters ``\|``.

   - a string: the value with each ``\`` doubled (so no ``\|`` or ``\N`` inside a value
     can be read as a separator or a NULL);
   - an integer: its decimal digits (``-`` for a negative);
   - a boolean: ``t`` or ``f``;
   - a timestamp: the integer microseconds since 1970-01-01 UTC, in decimal (engines
     format timestamps differently, and writers store them at different resolutions);
   - NULL, of any type: ``\N`` (so it differs from the empty string).

2. The MD5 of the text's UTF-8 bytes; its first 8 bytes read as a big-endian unsigned
   integer (the first 16 hex digits of ``md5()``).

A part's digest is the sum of its records' digests modulo 2**64: order-independent, so the
same records in any file layout sum to the same total.
"""

from __future__ import annotations

import pyarrow as pa

# Recorded beside saved part sums (builder/state.py): sums made by another definition are
# not added to these. Change it whenever anything above changes.
RECORD_DIGEST = "md5-text-1"
MODULUS = 2**64
ESCAPE = "\\"
NULL = r"\N"
SEPARATOR = r"\|"
DIALECTS = ("duckdb", "spark")


def digest_sql(schema: pa.Schema, dialect: str = "duckdb") -> str:
    """A SQL expression for the digest of a row of ``schema``'s columns (an unsigned 64-bit
    integer in DuckDB; a DECIMAL(20, 0) in Spark, which has no unsigned 64-bit type)."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; one of {', '.join(DIALECTS)}")
    text = _text_sql(schema, dialect)
    if dialect == "duckdb":
        return f"('0x' || substr(md5({text}), 1, 16))::UBIGINT"
    return f"CAST(conv(substr(md5({text}), 1, 16), 16, 10) AS DECIMAL(20, 0))"


def sum_sql(schema: pa.Schema, dialect: str = "duckdb") -> str:
    """A SQL aggregate: the sum of the rows' digests modulo 2**64 (0 for no rows)."""
    digest = digest_sql(schema, dialect)
    if dialect == "duckdb":
        return f"coalesce(sum({digest}::HUGEINT) % {MODULUS}, 0)"
    # Spark sums DECIMAL(20, 0) into DECIMAL(30, 0): room for 5 * 10**10 records in one part.
    return f"coalesce(pmod(sum({digest}), CAST({MODULUS} AS DECIMAL(38, 0))), 0)"


def fold(sums: list[int]) -> int:
    """Digest sums of parts added up as one part's would be."""
    return sum(sums) % MODULUS


def _text_sql(schema: pa.Schema, dialect: str) -> str:
    fields = ", ".join(
        f"coalesce({_field_sql(f, dialect)}, {_literal(NULL, dialect)})" for f in schema
    )
    return f"concat_ws({_literal(SEPARATOR, dialect)}, {fields})"


def _field_sql(field: pa.Field, dialect: str) -> str:
    text_type = "VARCHAR" if dialect == "duckdb" else "STRING"
    name = field.name
    if pa.types.is_string(field.type):
        return f"replace({name}, {_literal(ESCAPE, dialect)}, {_literal(ESCAPE * 2, dialect)})"
    if pa.types.is_integer(field.type):
        return f"CAST({name} AS {text_type})"
    if pa.types.is_boolean(field.type):
        return f"CASE WHEN {name} THEN 't' WHEN NOT {name} THEN 'f' END"
    if pa.types.is_timestamp(field.type):
        micros = "epoch_us" if dialect == "duckdb" else "unix_micros"
        return f"CAST({micros}({name}) AS {text_type})"
    raise TypeError(f"no canonical text for column {name} of type {field.type}")


def _literal(text: str, dialect: str) -> str:
    """A SQL string literal; Spark SQL reads a backslash in one as an escape, DuckDB does not."""
    if dialect == "spark":
        return "'" + text.replace(ESCAPE, ESCAPE * 2).replace("'", ESCAPE + "'") + "'"
    return "'" + text.replace("'", "''") + "'"
