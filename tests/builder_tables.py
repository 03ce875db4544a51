"""The build's logical tables as digests of their rows, and the generated web they are pinned on:
how tests/builder/test_declared_build.py compares a build with the pipeline before the steps.

tests/data/builder/tables-seed5.json holds the digests the pipeline made at 6652276, before the
steps (every snapshot table of this web compared equal row for row with the steps' build); a
deliberate change rewrites them: UPDATE_BUILD_TABLES=1 pytest tests/builder/test_declared_build.py.
Also: every row of a snapshot, to compare two builds' snapshots.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

import pyarrow as pa

from linkindex.home import Home
from linkindex.index.layout import SnapshotLayout
from linkindex.index.writer import STORE_FILE

GOLDEN = Path(__file__).parent / "data" / "builder" / "tables-seed5.json"
# The tables of the link state, the counts, spam and authority steps that the snapshot's
# queries read (the snapshot's own encoding is the index's, pinned by its own tests).
PINNED = (
    "captures", "page_latest", "links", "latest_links",
    "linking_roots_page", "linking_roots_subdomain", "linking_roots_root_domain",
    "counts_to_page", "counts_to_subdomain", "counts_to_root_domain",
    "indirect_to_page", "indirect_to_root_domain", "counts_from_page",
    "counts_from_root_domain", "crawled_per_root_domain", "spam_scores",
    "page_nodes", "root_nodes", "page_scores", "root_scores", "authority_sources",
)  # fmt: skip


def _plain(value: object) -> object:
    # Float sums may differ in their last bits between runs (threads meet rows in any order).
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def table_digest(table: pa.Table) -> dict[str, object]:
    """Columns, row count and a digest of the rows in any order."""
    rows = sorted(repr(tuple(map(_plain, row.values()))) for row in table.to_pylist())
    digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
    return {"columns": table.column_names, "rows": len(rows), "sha": digest}


def generated_web(crawls: Path) -> None:
    """Four crawls of a generated web: links gained and lost, redirects, canonicals, nofollow,
    pages dying and born between crawls, a link farm and spam sites."""
    from linkindex.synth import SynthParams, write_link_records

    write_link_records(SynthParams(seed=5, root_domains=40, crawls=4), crawls)


def golden() -> dict[str, dict[str, object]]:
    return json.loads(GOLDEN.read_text())


# Meta that says when or how a snapshot was built rather than what it holds.
_BUILD_FACTS = ("built_at", "published_at")


def snapshot_content(home: Home) -> dict[str, object]:
    """Every row of every table of the current snapshot, and its meta but the build facts."""
    layout = SnapshotLayout(home.snapshots)
    folder = layout.path_of(layout.current_name())
    con = sqlite3.connect((folder / STORE_FILE).as_uri() + "?mode=ro", uri=True)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    content: dict[str, object] = {}
    for table in sorted(tables):
        rows = [tuple(map(_exact_enough, r)) for r in con.execute(f'SELECT * FROM "{table}"')]
        content[table] = sorted(rows, key=repr)
    con.close()
    return content


def _exact_enough(value: object) -> object:
    # DuckDB sums floats (the explain shares) in whatever order its threads meet the rows, so
    # the last bits may differ from one build to the next; every score is an integer.
    return float(f"{value:.12g}") if isinstance(value, float) else value


def without_build_facts(content: dict[str, object]) -> dict[str, object]:
    meta = [row for row in content.get("meta", []) if row[0] not in _BUILD_FACTS]
    return {**content, "meta": meta}
