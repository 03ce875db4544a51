"""The build's inputs: the ingested Parquet parts, a content digest per part, and DuckDB views.

Part digests are order-independent sums of record digests (record_digest.py), so they add up
to the index_id.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from linkindex import locations
from linkindex.builder import record_digest
from linkindex.builder.dialects import DUCKDB, SPARK
from linkindex.locations import Location
from linkindex.records import LINK_SCHEMA, PAGE_SCHEMA

# The records' column types in each engine's SQL. A capture time is a UTC instant: DuckDB's
# TIMESTAMP under the build's UTC session zone, Spark's (session-zoned) TIMESTAMP; not the
# TIMESTAMP_NTZ sqlglot would make of DuckDB's, so the records' rule is spelled per dialect.
_SQL_TYPES = {
    DUCKDB: {"string": "VARCHAR", "int16": "SMALLINT", "int32": "INTEGER", "bool": "BOOLEAN",
             "timestamp": "TIMESTAMP"},
    SPARK: {"string": "STRING", "int16": "SMALLINT", "int32": "INT", "bool": "BOOLEAN",
            "timestamp": "TIMESTAMP"},
}  # fmt: skip
PART_KINDS: dict[str, pa.Schema] = {"pages": PAGE_SCHEMA, "links": LINK_SCHEMA}


class NothingToBuild(RuntimeError):
    pass


@dataclass(frozen=True)
class InputPart:
    """One ingested Parquet file, named relative to the crawls folder, as found on disk."""

    kind: str  # "pages" or "links"
    name: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class PartDigest:
    """What a build needs to know of a part without reading it again."""

    part: InputPart
    rows: int
    hash_sum: int
    crawls: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {**asdict(self.part), "rows": self.rows, "hash_sum": str(self.hash_sum),
                "crawls": list(self.crawls)}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict) -> PartDigest:
        part = InputPart(str(data["kind"]), str(data["name"]), int(data["size"]),
                         int(data["mtime_ns"]))  # fmt: skip
        return cls(part, int(data["rows"]), int(data["hash_sum"]), tuple(data["crawls"]))


def list_parts(crawls: Location) -> list[InputPart]:
    """Every ingested part under ``crawls`` (a folder, or a Hadoop URI), pages first, in name
    order: of a crawl with a manifest, only the parts it names (``ingested_parts``)."""
    parts = []
    if isinstance(crawls, Path):
        for kind in PART_KINDS:
            for path in sorted(crawls.glob(f"*/{kind}-*.parquet")):
                stat = path.stat()
                name = path.relative_to(crawls).as_posix()
                parts.append(InputPart(kind, name, stat.st_size, stat.st_mtime_ns))
    else:
        listed = locations.list_files(crawls)
        for kind in PART_KINDS:
            pattern = re.compile(rf"[^/]+/{kind}-[^/]*\.parquet")
            parts += [InputPart(kind, name, size, mtime_ns)
                      for name, size, mtime_ns in listed if pattern.fullmatch(name)]  # fmt: skip
    found = {p.name.split("/")[0] for p in parts}
    named = {crawl: ingested_parts(crawls, crawl) for crawl in found}
    parts = [p for p in parts if _named(named, p.name)]
    if not parts:
        raise NothingToBuild(f"no ingested crawls under {crawls}; run `linkindex ingest` first")
    return parts


def ingested_parts(crawls: Location, crawl: str) -> frozenset[str] | None:
    """The parts the manifest of crawl ``crawl`` names, or None for a crawl without one.

    Ingest writes a crawl's manifest before any part, and an input's entry only once all its
    parts are whole; so a part no entry names is one a killed run left: the first parts of a
    file cut off before its last, or every part of a file whose entry was never written. The
    next ingest writes them again; the build leaves them out until then. A folder without a
    manifest holds parts put there otherwise (``linkindex synth --format parquet``, by hand):
    every one is read.
    """
    from linkindex.ingest.parts import CrawlFolder, Manifest

    if isinstance(crawls, Path):
        manifest = Manifest(CrawlFolder(crawls / crawl))
    else:
        from linkindex.ingest.remote import RemoteCrawlFolder

        manifest = Manifest(RemoteCrawlFolder(str(locations.join(crawls, crawl))))
    if not manifest.found:
        return None
    return frozenset(name for entry in manifest.files.values() for name in entry.get("parts", ()))


def _named(named: dict[str, frozenset[str] | None], part: str) -> bool:
    crawl, _, name = part.partition("/")
    return named[crawl] is None or name in named[crawl]


def create_views(con: duckdb.DuckDBPyConnection, crawls: Path, parts: list[InputPart]) -> None:
    """Create views ``raw_pages`` and ``raw_links`` over the given parts (either may be empty)."""
    for kind, schema in PART_KINDS.items():
        files = [crawls / p.name for p in parts if p.kind == kind]
        con.execute(f"CREATE OR REPLACE VIEW raw_{kind} AS {_records_sql(con, files, schema)}")


def records_sql(
    source: str | None,
    schema: pa.Schema,
    present: Collection[str],
    dialect: str = DUCKDB,
    carry: Sequence[str] = (),
) -> str:
    """The records of the parts ``source`` reads, as every engine's build reads them: one
    definition, in ``dialect``'s SQL (builder/dialects.py).

    Every column of ``schema`` in its type: parts written before a column existed lack it, and
    it reads as NULL ("not measured"); Parquet has no second-resolution timestamps, so writers
    differ (ms, us) and capture times are normalized to TIMESTAMP; a record without a capture
    time cannot be placed in history and is left out. ``present`` names the columns the parts
    have; ``carry`` names columns of ``source`` passed through after the schema's (the Spark
    engine's file of each record). ``source`` None: no parts, no rows, the same columns.
    """
    columns = [
        f"CAST({f.name if f.name in present else 'NULL'} AS {_sql_type(f, dialect)}) AS {f.name}"
        for f in schema
    ]
    if source is None:  # a crawl of pages without links (or the reverse) is still a crawl
        carried = [f"CAST(NULL AS {_SQL_TYPES[dialect]['string']}) AS {name}" for name in carry]
        return f"SELECT {', '.join([*columns, *carried])} LIMIT 0"
    return f"SELECT {', '.join([*columns, *carry])} FROM {source} WHERE fetch_time IS NOT NULL"


def _records_sql(con: duckdb.DuckDBPyConnection, files: list[Path], schema: pa.Schema) -> str:
    if not files:
        return records_sql(None, schema, ())
    # A view cannot take bind parameters, so the file list is spelled as quoted literals.
    listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    source = f"read_parquet([{listing}], union_by_name = true)"
    present = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    return records_sql(source, schema, present)


def _sql_type(field: pa.Field, dialect: str) -> str:
    kind = "timestamp" if pa.types.is_timestamp(field.type) else str(field.type)
    return _SQL_TYPES[dialect][kind]


def digest_parts(
    con: duckdb.DuckDBPyConnection, crawls: Path, parts: list[InputPart]
) -> list[PartDigest]:
    """Count and digest every record of each part, as the views read it (one scan per part)."""
    digests = []
    for part in parts:
        schema = PART_KINDS[part.kind]
        rows, hash_sum, crawl_names = con.execute(
            f"SELECT count(*), {record_digest.sum_sql(schema)}, list(DISTINCT crawl ORDER BY crawl)"
            f" FROM ({_records_sql(con, [crawls / part.name], schema)})"
        ).fetchone()
        digests.append(PartDigest(part, rows, int(hash_sum), tuple(crawl_names or ())))
    return digests


def content_index_id(algorithm: str, digests: list[PartDigest]) -> str:
    """The index_id of these records: the same records in any file layout give the same id,
    and any added, removed or changed record gives another."""
    totals = {}
    for kind in PART_KINDS:
        mine = [d for d in digests if d.part.kind == kind]
        totals[kind] = (sum(d.rows for d in mine), record_digest.fold([d.hash_sum for d in mine]))
    text = f"{algorithm}|{totals['links']}|{totals['pages']}"
    return base64.b64encode(hashlib.sha256(text.encode()).digest()[:16]).decode("ascii")


def crawl_names(digests: list[PartDigest]) -> list[str]:
    return sorted({c for d in digests if d.part.kind == "pages" for c in d.crawls})
