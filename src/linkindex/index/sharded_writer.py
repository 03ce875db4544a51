"""Writes a sharded snapshot: each table's rows into the shard of their target's root domain,
the shards in parallel, and the global lists with the metrics they show into global.sqlite.

Which table goes where, and why, is the table in docs/scale.md; NAMED_ROUTES and NUMBERED_ROUTES
are that table as code. The shard of a batch's keys, the key tables' rule and the last step of a
shard are functions here that the Spark engine's shard tasks call too (engines/spark_shards.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from linkindex.index import schema
from linkindex.index.shards import GLOBAL_FILE, root_domain_of_key, shard_of, shard_paths
from linkindex.index.writer import StoreFile, Writer, batch_rows, checked, write_rows

# Tables of the whole index: global.sqlite only.
GLOBAL_TABLES = ("global_top_pages", "global_top_root_domains")

# Per-target tables keyed by a name: (the column with the target's key, its scope, or the
# column that holds its scope).
NAMED_ROUTES: dict[str, tuple[str, str]] = {
    "pages": ("root_domain", "root_domain"),
    "subdomains": ("subdomain", "subdomain"),
    "root_domains": ("root_domain", "root_domain"),
    "root_domain_scores": ("root_domain", "root_domain"),
    "authority_sources": ("target", "column:scope"),
    "distribution_groups": ("target", "column:scope"),
    # A redirect lives with the page that redirects; a chain is followed shard by shard.
    "redirects": ("page", "page"),
    **{schema.linking_root_table(s): ("target", s) for s in schema.LINKING_ROOT_SCOPES},
    **{schema.anchor_text_table(s): ("target", s) for s in schema.LINKING_ROOT_SCOPES},
    **{schema.top_pages_table(s): ("target", s) for s in schema.TOP_PAGES_SCOPES},
}
# Per-target tables keyed by a number of the key tables: (the column, the key table's scope).
NUMBERED_ROUTES: dict[str, tuple[str, str]] = {
    "link_rows": ("target_root_id", "root_domain"),
    **{t: ("target_id", s) for t, s in schema.AUTHORITY_HISTORY_SCOPES.items()},
}
# A shard's key tables hold its own keys and every key its link rows name, under the numbers
# of the whole index, so cursors and orders are the same whatever the shard count.
KEY_TABLES = {schema.link_key_table(s): s for s in schema.LINKING_ROOT_SCOPES}
REFERENCED = {
    "page": ("target_id", "source_id", "link_id"),
    "subdomain": ("target_subdomain_id", "source_subdomain_id"),
    "root_domain": ("target_root_id", "source_root_id"),
}
STAGED_KEYS = ".link-keys.sqlite"


@dataclass(frozen=True)
class Route:
    """Where a table's rows go: ``kind`` is "global" (global.sqlite), "keys" (a key table:
    its own shard and every shard whose link rows name it), "named" (the shard of the key in
    ``column``, of ``scope`` or of the scope in the column ``scope_column``) or "numbered"
    (the shard of the key numbered ``column`` in ``scope``'s key table)."""

    kind: str
    column: str = ""
    scope: str = ""
    scope_column: str = ""


def route_of(table: str) -> Route:
    if table in GLOBAL_TABLES:
        return Route("global")
    if table in KEY_TABLES:
        return Route("keys", "key", KEY_TABLES[table])
    if table in NUMBERED_ROUTES:
        return Route("numbered", *NUMBERED_ROUTES[table])
    if table not in NAMED_ROUTES:
        raise ValueError(f"{table}: no shard route (index/sharded_writer.py, docs/scale.md)")
    column, scope = NAMED_ROUTES[table]
    if scope.startswith("column:"):
        return Route("named", column, scope_column=scope.removeprefix("column:"))
    return Route("named", column, scope)


def shards_of_keys(
    scope: str | pa.Array, keys: pa.Array, count: int, known: dict[str, int] | None = None
) -> np.ndarray:
    """The shard of each key of ``keys`` (pages, subdomains or root domains of ``scope``, or
    each of the scope beside it in ``scope``); ``known`` caches the shard of each root domain
    seen so far."""
    known = {} if known is None else known

    def shard(key_scope: str, key: str) -> int:
        root = root_domain_of_key(key_scope, key)
        found = known.get(root)
        if found is None:
            found = known[root] = shard_of(root, count)
        return found

    if not isinstance(scope, str):
        pairs = zip(scope.to_pylist(), keys.to_pylist(), strict=True)
        return np.array([shard(s, k) for s, k in pairs], dtype=np.int16)
    # Once per distinct key of the batch: a root domain's rows come together.
    names = keys.dictionary_encode()
    shards = [shard(scope, k) for k in names.dictionary.to_pylist()]
    return np.array(shards, dtype=np.int16)[names.indices.to_numpy()]


class ShardedWriter:
    """Writes ``count`` shard files and global.sqlite into a snapshot folder."""

    def __init__(self, folder: Path, count: int) -> None:
        if count < 2:
            raise ValueError("a sharded snapshot has at least 2 shards")
        self.count = count
        self._global = StoreFile(folder / GLOBAL_FILE)
        self._shards = [StoreFile(path) for path in shard_paths(folder, count)]
        self._staged = StoreFile(folder / STAGED_KEYS)  # every key, until finish() splits them
        self._pool = ThreadPoolExecutor(max_workers=count)
        self._shard_of_root: dict[str, int] = {}
        self._key_shards: dict[str, np.ndarray] = {}  # scope -> shard of each key number

    def write(self, table: str, columns: tuple[str, ...], batches: Iterable[pa.RecordBatch]) -> int:
        batches = checked(table, columns, batches)
        route = route_of(table)
        if route.kind == "global":
            return write_rows(self._global, table, columns, batches)
        if route.kind == "keys":
            return self._write_keys(table, columns, batches)
        shards_of = self._router(route, columns)
        rows = 0
        self._each_shard(lambda store: store.con.execute("BEGIN"))
        for batch in batches:
            shard = shards_of(batch)
            parts = [batch.filter(pa.array(shard == n)) for n in range(self.count)]
            list(self._pool.map(lambda s, b: s.insert(table, columns, batch_rows(b)),
                                self._shards, parts))  # fmt: skip
            rows += batch.num_rows
        self._each_shard(lambda store: store.con.execute("COMMIT"))
        return rows

    def _router(
        self, route: Route, columns: tuple[str, ...]
    ) -> Callable[[pa.RecordBatch], np.ndarray]:
        """The shard of each row of a batch of a table routed by ``route``."""
        index = columns.index(route.column)
        if route.kind == "numbered":
            return lambda b: self._key_shards[route.scope][b.column(index).to_numpy()]
        known = self._shard_of_root
        if route.scope_column:
            scopes = columns.index(route.scope_column)
            return lambda b: shards_of_keys(b.column(scopes), b.column(index), self.count, known)
        return lambda b: shards_of_keys(route.scope, b.column(index), self.count, known)

    def _write_keys(self, table: str, columns: tuple[str, ...], batches) -> int:
        scope = KEY_TABLES[table]
        numbers: list[np.ndarray] = []
        shards: list[np.ndarray] = []

        def noted(batch: pa.RecordBatch) -> pa.RecordBatch:
            numbers.append(batch.column(0).to_numpy())
            shards.append(shards_of_keys(scope, batch.column(1), self.count, self._shard_of_root))
            return batch

        rows = write_rows(self._staged, table, columns, map(noted, batches))
        ids = np.concatenate(numbers) if numbers else np.zeros(0, np.int64)
        of_key = np.full(int(ids.max(initial=0)) + 1, -1, dtype=np.int16)
        of_key[ids] = np.concatenate(shards) if shards else []
        self._key_shards[scope] = of_key
        return rows

    def set_meta(self, values: dict[str, object]) -> None:
        self._global.set_meta(values)

    def _each_shard(self, work: Callable[[StoreFile], object]) -> None:
        list(self._pool.map(work, self._shards))

    def finish(self) -> None:
        self._staged.con.close()
        self._each_shard(self._finish_shard)
        self._pool.shutdown()
        os.remove(self._staged.path)
        copy_global_metrics(self._global, shard_paths(self._global.path.parent, self.count))
        self._global.index_and_close()

    def _finish_shard(self, store: StoreFile) -> None:
        number = self._shards.index(store)
        own = {
            scope: np.nonzero(self._key_shards.get(scope, np.zeros(0)) == number)[0]
            for scope in KEY_TABLES.values()
        }
        finish_shard(store, self._staged.path, own)


def finish_shard(store: StoreFile, staged: Path, own: Mapping[str, Iterable[int]]) -> None:
    """The last step of one shard, once its other tables are written: its key tables, then its
    indexes and statistics. ``staged`` is a file of key tables holding at least the shard's
    own keys (their numbers by scope in ``own``) and every key its link rows name."""
    con = store.con
    con.execute("ATTACH DATABASE ? AS staged", (str(staged),))
    for table, scope in KEY_TABLES.items():
        con.execute("BEGIN")
        con.execute("CREATE TEMP TABLE wanted (id INTEGER PRIMARY KEY)")
        con.executemany("INSERT INTO wanted VALUES (?)", ((int(i),) for i in own.get(scope, ())))
        named = " UNION ".join(f"SELECT {c} FROM link_rows" for c in REFERENCED[scope])
        con.execute(f"INSERT OR IGNORE INTO wanted {named}")
        con.execute(
            f"INSERT INTO main.{table} SELECT k.id, k.key FROM wanted w"
            f" JOIN staged.{table} k ON k.id = w.id ORDER BY w.id"
        )
        con.execute("DROP TABLE wanted")
        con.execute("COMMIT")
    con.execute("DETACH DATABASE staged")
    store.index_and_close()


def copy_global_metrics(store: StoreFile, shards: list[Path]) -> None:
    """The global lists show each listed page's and root domain's URL metrics: copy their rows
    from the shards, so a global list is read from global.sqlite alone."""
    con = store.con
    for path in shards:
        con.execute("ATTACH DATABASE ? AS shard", (str(path),))
        con.execute("BEGIN")
        con.execute(
            "INSERT INTO main.pages SELECT * FROM shard.pages"
            " WHERE page IN (SELECT page FROM main.global_top_pages)"
        )
        con.execute(
            "INSERT OR IGNORE INTO main.subdomains SELECT * FROM shard.subdomains"
            " WHERE subdomain IN (SELECT subdomain FROM main.pages)"
        )
        con.execute(
            "INSERT OR IGNORE INTO main.root_domains SELECT * FROM shard.root_domains"
            " WHERE root_domain IN (SELECT root_domain FROM main.pages"
            " UNION SELECT root_domain FROM main.global_top_root_domains)"
        )
        con.execute("COMMIT")
        con.execute("DETACH DATABASE shard")


def open_writer(folder: Path, shards: int = 1) -> Writer:
    """The writer of a snapshot of ``shards`` shards; 1 is the unsharded store, index.sqlite."""
    from linkindex.index.writer import SnapshotWriter

    return SnapshotWriter(folder) if shards == 1 else ShardedWriter(folder, shards)
