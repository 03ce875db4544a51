"""What a router and a shard host say to each other: the query, the rows, the holdings listing,
the shared secret; one definition for both sides (docs/scale.md, "Several servers").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec

QUERY_PATH = "/shards/query"
# Several statements in one call, answered in order: a router's fan-out, one call per host.
BATCH_PATH = "/shards/batch"
MAX_BATCH = 1000
HELD_PATH = "/shards/held"
# The file number of a snapshot's global.sqlite (or of an unsharded snapshot's index.sqlite).
GLOBAL = -1
# A snapshot folder's name as `linkindex build` publishes it: the index_id in hex, maybe "-N".
SNAPSHOT_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,127}")
MIN_SECRET_BYTES = 16


class Query(msgspec.Struct, forbid_unknown_fields=True):
    """One read statement on one file of one snapshot, named by its folder."""

    snapshot: str
    file: int  # a shard number, or GLOBAL
    sql: str
    params: list[Any] = []


class HeldSnapshot(msgspec.Struct):
    """The files of one published snapshot a host has: its shard count (0: unsharded), the shard
    numbers it holds, and whether it holds the global file."""

    name: str
    count: int
    shards: list[int]
    has_global: bool


class Holdings(msgspec.Struct):
    current: str | None  # the host's CURRENT pointer
    snapshots: list[HeldSnapshot]


class Refusal(msgspec.Struct):
    """A host's error answer; the HTTP status says which kind."""

    message: str


def _plain_number(value: object) -> object:
    # numpy integers in a statement's parameters: SQLite binds them as integers too.
    if hasattr(value, "__index__"):
        return int(value)  # type: ignore[call-overload]
    raise TypeError(f"cannot send a {type(value).__name__} as a query parameter")


encode = msgspec.msgpack.Encoder(enc_hook=_plain_number).encode
decode_query = msgspec.msgpack.Decoder(Query).decode
decode_batch = msgspec.msgpack.Decoder(list[Query]).decode
# Rows as tuples, as sqlite3 gives them: the Snapshot code indexes, zips and compares them.
decode_rows = msgspec.msgpack.Decoder(list[tuple[Any, ...]]).decode
decode_batch_rows = msgspec.msgpack.Decoder(list[list[tuple[Any, ...]]]).decode
decode_holdings = msgspec.json.Decoder(Holdings).decode
decode_refusal = msgspec.json.Decoder(Refusal).decode


def read_secret(path: Path) -> bytes:
    """The shared secret in a file (surrounding whitespace ignored); ValueError when short."""
    secret = path.read_bytes().strip()
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"{path}: the shared secret must be at least {MIN_SECRET_BYTES} bytes")
    if not all(33 <= byte < 127 for byte in secret):  # it travels in an HTTP header
        raise ValueError(f"{path}: the shared secret must be printable ASCII without spaces")
    return secret


def bearer(secret: bytes) -> dict[str, str]:
    return {"Authorization": "Bearer " + secret.decode("ascii")}
