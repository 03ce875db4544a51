"""The build: ingested crawls in, one published index snapshot out; its declared steps run
on an engine (DuckDB, or Spark given a session). Computes the content-derived index_id first,
so an identical rebuild publishes nothing new."""

from __future__ import annotations

import base64
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from linkindex.builder.declared import declared_build
from linkindex.builder.engines.duckdb_engine import DEFAULT_MEMORY_LIMIT, DuckDBEngine
from linkindex.builder.engines.engine import Engine
from linkindex.builder.inputs import content_index_id, crawl_names, list_parts
from linkindex.builder.runner import run_steps
from linkindex.builder.state import STATE_TABLES, load_state, plan_build, save_state
from linkindex.home import Home
from linkindex.index import history_summaries
from linkindex.index.layout import SnapshotLayout
from linkindex.index.schema import store_layout_digest
from linkindex.index.shards import MAX_SHARDS
from linkindex.index.snapshot import NoSnapshot, Snapshot
from linkindex.scoring import calibration
from linkindex.scoring.calibration import REFERENCE
from linkindex.scoring.spam_model import MODEL_PATH, load_model
from linkindex.scoring.spam_signals import SIGNAL_NAMES

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["DEFAULT_MEMORY_LIMIT", "BuildResult", "build_index"]

# Bump when a metric definition changes: the same crawls then give a new index_id.
ALGORITHM_VERSION = "linkindex-build-5"
# Tables the build reads itself once the steps have run (the snapshot's meta).
FACTS = "build_facts"
MEMORY_LIMIT_NOT_SPARK = (
    "--memory-limit is DuckDB's: with --engine spark, memory is Spark's "
    "(--conf spark.driver.memory=..., spark.executor.memory=...)"
)
SHARDS_OUT_OF_RANGE = f"--shards {{shards}}: give a number of shards from 1 to {MAX_SHARDS}"
URI_HOME_NEEDS_SPARK = (
    "{uri}: crawls at a Hadoop URI are read by the Spark build (--engine spark; "
    "docs/ingest.md, 'Hadoop URIs'); DuckDB's reads a local home"
)


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


def build_index(
    home: Home,
    *,
    force: bool = False,
    full: bool = False,
    memory_limit: str | None = None,
    keep: int = 3,
    on_step: Callable[[str], None] | None = None,
    spark: SparkSession | None = None,
    shards: int = 1,
) -> BuildResult:
    """Build a snapshot from every ingested crawl and publish it as current.

    The link state of the last build is kept (``home.link_state``): when the crawls since are
    new parts only, they are merged into it instead of re-reading every crawl; ``full``
    ignores it. ``memory_limit`` is DuckDB's (e.g. "8GB"; default DEFAULT_MEMORY_LIMIT).
    Given ``spark`` (a session the caller owns and stops), every step runs on Spark instead,
    and the crawls may be at a Hadoop URI (``home.uri``); the snapshot, the link state and the
    build folder are in ``home.root`` either way. ``shards`` > 1 splits the serving store by
    the targets' root domains (docs/scale.md); the index_id does not depend on it.
    """
    if not 1 <= shards <= MAX_SHARDS:
        raise ValueError(SHARDS_OUT_OF_RANGE.format(shards=shards))
    if spark is not None and memory_limit is not None:
        raise ValueError(MEMORY_LIMIT_NOT_SPARK)
    crawls = home.crawls_location
    if spark is None and not isinstance(crawls, Path):
        raise ValueError(URI_HOME_NEEDS_SPARK.format(uri=home.uri))
    started = time.monotonic()
    step = on_step or (lambda _name: None)
    home.ensure()
    parts = list_parts(crawls)
    layout = SnapshotLayout(home.snapshots)
    with layout.building() as work:
        plan = plan_build(load_state(home.link_state, ALGORITHM_VERSION), parts, full=full)
        engine = _open_engine(work, memory_limit, spark)
        try:
            step("hashing input records")
            digests = [*(plan.state.digests if plan.state else ()),
                       *engine.digest_parts(crawls, list(plan.new_parts))]  # fmt: skip
            index_id = content_index_id(f"{ALGORITHM_VERSION}+{scoring_digest()}", digests)
            name = snapshot_name(index_id)
            current = layout.current_name() or ""
            if not force and current.split("-")[0] == name:
                meta = _read_existing_meta(layout.path_of(current))
                same_store = meta.get("store_layout") == store_layout_digest()
                if same_store and meta.get("shards", 1) == shards:
                    return BuildResult(
                        index_id, current, True, str(meta.get("index_date", "")),
                        time.monotonic() - started, dict(meta.get("counts", {})),
                        "none", "unchanged content",
                    )  # fmt: skip
                force = True  # same records, another store layout or shard count: rebuild beside it
            step("loading inputs (read_parquet views)")
            engine.register_inputs(crawls, list(plan.new_parts), plan.state)
            model = load_model()
            previous_folder = layout.path_of(current) if current else None
            build = declared_build(plan.incremental, model, previous_folder)
            build.check()
            available = set(build.inputs)
            for number, (label, steps) in enumerate(build.phases):
                step(label)
                kept = {*build.read_after(number), *build.inputs, FACTS, *STATE_TABLES}
                run_steps(engine, steps, available, kept)
                available.update(t for s in steps for t in s.writes)
                if number == 0 and plan.new_parts:
                    step("saving the link state for the next build")
                    save_state(engine.save_parquet, home.link_state, ALGORITHM_VERSION, digests)
            previous = _read_existing_meta(previous_folder) if previous_folder else {}
            folder = work / "snapshot"
            folder.mkdir()
            writer = engine.snapshot_tables(folder, shards)
            counts: dict[str, int] = {}
            for output in build.outputs:
                step(f"writing {output.table}")
                sql = output.render(engine.dialect)
                counts[output.table] = writer.write(output.table, output.columns, sql)
            facts = engine.read_table(FACTS).to_pylist()[0]
            counts["links"] = facts["links"]
            counts["live_links"] = facts["live_links"]
            index_date = facts["index_date"]
            scale = calibration.moz_scale().to_json()
            meta = {
                "index_id": index_id,
                "index_date": index_date,
                "first_capture_date": facts["first_capture_date"],
                "built_at": int(time.time()),
                "algorithm": ALGORITHM_VERSION,
                "crawls": crawl_names(digests),
                "spam_score_update_days": _spam_update_days(previous, index_date),
                "spam_signals": list(SIGNAL_NAMES),
                "spam_model": model.fitted_on,
                "calibration": {metric: scale for metric in
                                ("domain_authority", "page_authority", "brand_authority")},
                "counts": counts,
                "store_layout": store_layout_digest(),
                "shards": shards,
            }  # fmt: skip
            writer.set_meta(meta)
        finally:
            engine.close()
        # After DuckDB has closed and released its buffers: SQLite sorts each index in memory.
        step("indexing")
        writer.finish()
        step("summarizing the heavy targets' histories")
        history_summaries.create(folder)
        step("publishing")
        published = layout.publish(folder, name, keep=keep, replace=force, record_time=True)
    return BuildResult(
        index_id, published, False, index_date, time.monotonic() - started, counts,
        "incremental" if plan.incremental else "full", plan.reason,
    )  # fmt: skip


def _open_engine(work: Path, memory_limit: str | None, spark: SparkSession | None) -> Engine:
    if spark is None:
        return DuckDBEngine.open(work, memory_limit)
    from linkindex.builder.engines.spark_engine import SparkEngine

    return SparkEngine.open(spark, work)


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
