"""The embedded build: ingested crawls in, one published index snapshot out, on DuckDB.

Computes the content-derived index_id first, so an identical rebuild publishes nothing new.
"""

from __future__ import annotations

import base64
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from linkindex.builder.aggregates import build_aggregates
from linkindex.builder.authority import build_authority
from linkindex.builder.inputs import (
    content_index_id,
    crawl_names,
    create_views,
    digest_parts,
    list_parts,
)
from linkindex.builder.link_outputs import prepare_link_tables
from linkindex.builder.link_state import build_link_state
from linkindex.builder.metric_history import first_capture_date, prepare_history_tables
from linkindex.builder.outputs import ROOT_DOMAINS, table_queries
from linkindex.builder.spam_scores import build_spam_scores
from linkindex.builder.state import load_state, plan_build, save_state
from linkindex.home import Home
from linkindex.index.layout import SnapshotLayout
from linkindex.index.schema import store_layout_digest
from linkindex.index.snapshot import NoSnapshot, Snapshot
from linkindex.index.writer import SnapshotWriter
from linkindex.scoring.calibration import REFERENCE
from linkindex.scoring.spam_model import MODEL_PATH, load_model
from linkindex.scoring.spam_signals import SIGNAL_NAMES

# Bump when a metric definition changes: the same crawls then give a new index_id.
ALGORITHM_VERSION = "linkindex-build-5"
BATCH_ROWS = 65536
# DuckDB's own default is 80% of RAM. A fixed budget keeps the whole build's peak predictable
# (DuckDB, plus the rank arrays and SQLite beside it); past it DuckDB spills to the build folder.
DEFAULT_MEMORY_LIMIT = "4GB"


@dataclass
class BuildResult:
    index_id: str
    snapshot: str
    reused: bool
    index_date: str
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    # How the link state was made: "full", "incremental" (new parts merged into the saved
    # state), or "none" when the current snapshot was kept; and why (builder/state.py's plan).
    link_state: str = "full"
    link_state_reason: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def snapshot_name(index_id: str) -> str:
    """A file-system-safe name for a snapshot folder (index ids are standard base64)."""
    return base64.b16encode(base64.b64decode(index_id)).decode("ascii").lower()


def _connect(work: Path, memory_limit: str | None) -> duckdb.DuckDBPyConnection:
    # An on-disk database in the build folder lets DuckDB spill instead of running out of RAM.
    con = duckdb.connect(str(work / "build.duckdb"))
    # Capture times are UTC; without this DuckDB shows them in the machine's zone, and dates,
    # the order of captures around a DST change and the index_id would depend on it.
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = false")
    spill = str(work / "spill").replace("'", "''")
    con.execute(f"SET temp_directory = '{spill}'")
    con.execute("SET memory_limit = ?", [memory_limit or DEFAULT_MEMORY_LIMIT])
    return con


def build_index(
    home: Home,
    *,
    force: bool = False,
    full: bool = False,
    memory_limit: str | None = None,
    keep: int = 3,
    on_step: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build a snapshot from every ingested crawl and publish it as current.

    The link state of the last build is kept (``home.link_state``): when the crawls since are
    new parts only, they are merged into it instead of re-reading every crawl; ``full``
    ignores it. ``memory_limit`` is DuckDB's (e.g. "8GB"; default DEFAULT_MEMORY_LIMIT).
    """
    started = time.monotonic()
    step = on_step or (lambda _name: None)
    home.ensure()
    parts = list_parts(home.crawls)
    layout = SnapshotLayout(home.snapshots)
    with layout.building() as work:
        plan = plan_build(load_state(home.link_state, ALGORITHM_VERSION), parts, full=full)
        con = _connect(work, memory_limit)
        try:
            step("hashing input records")
            digests = [*(plan.state.digests if plan.state else ()),
                       *digest_parts(con, home.crawls, list(plan.new_parts))]  # fmt: skip
            index_id = content_index_id(f"{ALGORITHM_VERSION}+{scoring_digest()}", digests)
            name = snapshot_name(index_id)
            current = layout.current_name() or ""
            if not force and current.split("-")[0] == name:
                meta = _read_existing_meta(layout.path_of(current))
                if meta.get("store_layout") == store_layout_digest():
                    return BuildResult(
                        index_id, current, True, str(meta.get("index_date", "")),
                        time.monotonic() - started, dict(meta.get("counts", {})),
                        "none", "unchanged content",
                    )  # fmt: skip
                force = True  # same records in an older store layout: rebuild beside it
            step("loading inputs (read_parquet views)")
            create_views(con, home.crawls, list(plan.new_parts))
            step(
                "merging new records into the saved link state"
                if plan.incremental
                else "tracking links across crawls"
            )
            build_link_state(con, plan.state)
            if plan.new_parts:
                step("saving the link state for the next build")
                save_state(con, home.link_state, ALGORITHM_VERSION, digests)
            step("counting links at every scope")
            build_aggregates(con)
            step("scoring spam signals")
            model = load_model()
            build_spam_scores(con, model)
            step("ranking pages and root domains")
            previous = _read_existing_meta(layout.path_of(current)) if current else {}
            authority = build_authority(con)
            con.execute(ROOT_DOMAINS)
            folder = work / "snapshot"
            folder.mkdir()
            writer = SnapshotWriter(folder)
            counts: dict[str, int] = {}
            previous_folder = layout.path_of(current) if current else None
            for table, columns, sql in [
                *table_queries(),
                *prepare_link_tables(con),
                *prepare_history_tables(con, previous_folder),
            ]:
                step(f"writing {table}")
                reader = con.sql(sql).to_arrow_reader(BATCH_ROWS)
                counts[table] = writer.write(table, columns, reader)
            counts["links"] = con.execute("SELECT count(*) FROM links").fetchone()[0]
            counts["live_links"] = con.execute("SELECT count(*) FROM links WHERE live").fetchone()[
                0
            ]
            index_date = con.execute(
                "SELECT coalesce(strftime(max(latest_time), '%Y-%m-%d'), '') FROM page_latest"
            ).fetchone()[0]
            crawls = crawl_names(digests)
            meta = {
                "index_id": index_id,
                "index_date": index_date,
                "first_capture_date": first_capture_date(con),
                "built_at": int(time.time()),
                "algorithm": ALGORITHM_VERSION,
                "crawls": crawls,
                "spam_score_update_days": _spam_update_days(previous, index_date),
                "spam_signals": list(SIGNAL_NAMES),
                "spam_model": model.fitted_on,
                "calibration": {k: c.to_json() for k, c in authority.calibrations.items()},
                "counts": counts,
                "store_layout": store_layout_digest(),
            }
            writer.set_meta(meta)
        finally:
            con.close()
        # After DuckDB has closed and released its buffers: SQLite sorts each index in memory.
        step("indexing")
        writer.finish()
        step("publishing")
        published = layout.publish(folder, name, keep=keep, replace=force)
    return BuildResult(
        index_id, published, False, index_date, time.monotonic() - started, counts,
        "incremental" if plan.incremental else "full", plan.reason,
    )  # fmt: skip


def scoring_digest() -> str:
    """A digest of what scores an index besides its code: the spam model and the scale's
    reference. A refitted model or a new reference makes a new index of the same crawls."""
    import hashlib
    from importlib import resources

    digest = hashlib.blake2b(digest_size=8)
    digest.update(MODEL_PATH.read_bytes())
    digest.update(resources.files("linkindex").joinpath(f"data/reference/{REFERENCE}").read_bytes())
    return digest.hexdigest()


def _read_existing_meta(folder: Path) -> dict:
    """The published snapshot's own metadata (its store keeps it; nothing else does)."""
    try:
        return Snapshot(folder).meta
    except (NoSnapshot, sqlite3.DatabaseError):
        return {}


def _spam_update_days(meta: dict, index_date: str) -> list[str]:
    """Every index date on which spam scores were computed, oldest first (this build's too)."""
    days = [d for d in meta.get("spam_score_update_days", []) if d < index_date]
    return [*days, index_date] if index_date else days
