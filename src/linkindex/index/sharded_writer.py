"""Writes a sharded snapshot: each table's rows into the shard of their target's root domain,
the shards in parallel, and the global lists with the metrics they show into global.sqlite.

Which table goes where, and why, is the table in docs/scale.md; ROUTES is that table as code.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa

from linkindex.index import schema
from linkindex.index.shards import GLOBAL_FILE, root_domain_of_key, shard_of, shard_paths
from linkindex.index.writer import StoreFile, Writer, batch_rows, checked

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
_REFERENCED = {
    "page": ("target_id", "source_id", "link_id"),
    "subdomain": ("target_subdomain_id", "source_subdomain_id"),
    "root_domain": ("target_root_id", "source_root_id"),
}
STAGED_KEYS = ".link-keys.sqlite"


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

    def _shard(self, scope: str, key: str) -> int:
        root = root_domain_of_key(scope, key)
        found = self._shard_of_root.get(root)
        if found is None:
            found = self._shard_of_root[root] = shard_of(root, self.count)
        return found

    def write(self, table: str, columns: tuple[str, ...], batches: Iterable[pa.RecordBatch]) -> int:
        batches = checked(table, columns, batches)
        if table in GLOBAL_TABLES:
            return _write_one(self._global, table, columns, batches)
        if table in KEY_TABLES:
            return self._write_keys(table, columns, batches)
        route = self._router(table, columns)
        rows = 0
        self._each_shard(lambda store: store.con.execute("BEGIN"))
        for batch in batches:
            shard = route(batch)
            parts = [batch.filter(pa.array(shard == n)) for n in range(self.count)]
            list(self._pool.map(lambda s, b: s.insert(table, columns, batch_rows(b)),
                                self._shards, parts))  # fmt: skip
            rows += batch.num_rows
        self._each_shard(lambda store: store.con.execute("COMMIT"))
        return rows

    def _router(
        self, table: str, columns: tuple[str, ...]
    ) -> Callable[[pa.RecordBatch], np.ndarray]:
        """The shard of each row of a batch of ``table``."""
        if table in NUMBERED_ROUTES:
            column, scope = NUMBERED_ROUTES[table]
            index = columns.index(column)
            return lambda b: self._key_shards[scope][b.column(index).to_numpy()]
        if table not in NAMED_ROUTES:
            raise ValueError(f"{table}: no shard route (index/sharded_writer.py, docs/scale.md)")
        column, scope = NAMED_ROUTES[table]
        index = columns.index(column)
        if scope.startswith("column:"):
            scopes = columns.index(scope.removeprefix("column:"))
            return lambda b: np.array(
                [
                    self._shard(s, k)
                    for s, k in zip(
                        b.column(scopes).to_pylist(), b.column(index).to_pylist(), strict=True
                    )
                ],
                dtype=np.int16,
            )

        def by_name(batch: pa.RecordBatch) -> np.ndarray:
            # Once per distinct key of the batch: a root domain's rows come together.
            names = batch.column(index).dictionary_encode()
            shard = [self._shard(scope, k) for k in names.dictionary.to_pylist()]
            return np.array(shard, dtype=np.int16)[names.indices.to_numpy()]

        return by_name

    def _write_keys(self, table: str, columns: tuple[str, ...], batches) -> int:
        scope = KEY_TABLES[table]
        numbers: list[np.ndarray] = []
        shards: list[list[int]] = []

        def noted(batch: pa.RecordBatch) -> pa.RecordBatch:
            numbers.append(batch.column(0).to_numpy())
            shards.append([self._shard(scope, k) for k in batch.column(1).to_pylist()])
            return batch

        rows = _write_one(self._staged, table, columns, map(noted, batches))
        ids = np.concatenate(numbers) if numbers else np.zeros(0, np.int64)
        of_key = np.full(int(ids.max(initial=0)) + 1, -1, dtype=np.int16)
        of_key[ids] = np.concatenate([np.asarray(s, np.int16) for s in shards]) if shards else []
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
        self._copy_global_metrics()
        self._global.index_and_close()

    def _finish_shard(self, store: StoreFile) -> None:
        number = self._shards.index(store)
        con = store.con
        con.execute("ATTACH DATABASE ? AS staged", (str(self._staged.path),))
        for table, scope in KEY_TABLES.items():
            own = np.nonzero(self._key_shards.get(scope, np.zeros(0)) == number)[0]
            con.execute("BEGIN")
            con.execute("CREATE TEMP TABLE wanted (id INTEGER PRIMARY KEY)")
            con.executemany("INSERT INTO wanted VALUES (?)", ((int(i),) for i in own))
            named = " UNION ".join(f"SELECT {c} FROM link_rows" for c in _REFERENCED[scope])
            con.execute(f"INSERT OR IGNORE INTO wanted {named}")
            con.execute(
                f"INSERT INTO main.{table} SELECT k.id, k.key FROM wanted w"
                f" JOIN staged.{table} k ON k.id = w.id ORDER BY w.id"
            )
            con.execute("DROP TABLE wanted")
            con.execute("COMMIT")
        con.execute("DETACH DATABASE staged")
        store.index_and_close()

    def _copy_global_metrics(self) -> None:
        """The global lists show each listed page's and root domain's URL metrics: copy their
        rows from the shards, so a global list is read from global.sqlite alone."""
        con = self._global.con
        for path in shard_paths(self._global.path.parent, self.count):
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


def _write_one(
    store: StoreFile, table: str, columns: tuple[str, ...], batches: Iterable[pa.RecordBatch]
) -> int:
    rows = 0
    store.con.execute("BEGIN")
    for batch in batches:
        store.insert(table, columns, batch_rows(batch))
        rows += batch.num_rows
    store.con.execute("COMMIT")
    return rows


def open_writer(folder: Path, shards: int = 1) -> Writer:
    """The writer of a snapshot of ``shards`` shards; 1 is the unsharded store, index.sqlite."""
    from linkindex.index.writer import SnapshotWriter

    return SnapshotWriter(folder) if shards == 1 else ShardedWriter(folder, shards)
