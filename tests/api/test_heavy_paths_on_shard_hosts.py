"""Every heavy-target path at once (link orders, linking-root orders, packed sources, history
summaries) in a sharded build read through a shard host's guarded connections: the answers are
those of a one-file build in which no target is heavy."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from pathlib import Path

import pytest
from link_web import link_web
from paging import every_page_of

from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.index import schema
from linkindex.index.histories import DELTA_METRICS, VALUE_METRICS, HistoryRequest
from linkindex.index.layout import SnapshotLayout
from linkindex.index.link_queries import LinkQuery
from linkindex.index.snapshot import RootDomainQuery, Snapshot
from linkindex.index.stores import Stores
from linkindex.route.remote import RemoteCursor
from linkindex.shardhost.guard import GuardedConnection, QueryBounds
from linkindex.urls import parse_target

TARGETS = {"page": "t.com/", "subdomain": "t.com", "root_domain": "t.com"}
EVERY_HISTORY = HistoryRequest(
    daily_history_deltas=DELTA_METRICS,
    daily_history_values=VALUE_METRICS,
    monthly_history_deltas=DELTA_METRICS,
    monthly_history_values=VALUE_METRICS,
)


class _Guarded:
    """A connection that reads as a shard host does (shardhost/guard.py)."""

    def __init__(self, path: Path) -> None:
        self.guarded = GuardedConnection(path)

    def execute(self, sql: str, params=()) -> RemoteCursor:
        return RemoteCursor(self.guarded.rows(sql, list(params), QueryBounds()))


class _GuardedStores(Stores):
    def _connect(self, path: Path):  # type: ignore[override]
        return _Guarded(path)


def _built(root: Path, shards: int) -> Path:
    home = Home(root / "home").ensure()
    for crawl in link_web():
        crawl.write(home.crawls)
    build_index(home, shards=shards)
    layout = SnapshotLayout(home.snapshots)
    return layout.path_of(layout.current_name())


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> tuple[Snapshot, Snapshot]:
    plain = _built(tmp_path_factory.mktemp("plain"), 1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "HEAVY_LINK_ROWS", 2)
        patch.setattr(schema, "HEAVY_LINKING_ROOTS", 1)
        heavy = _built(tmp_path_factory.mktemp("heavy"), 4)
    return Snapshot(plain), Snapshot(heavy, _GuardedStores(heavy))


def test_links_answer_the_same_through_a_shard_hosts_guard(snapshots):
    plain, heavy = snapshots
    for (scope, target), sort, source_scope in itertools.product(
        TARGETS.items(), schema.LINK_SORT_COLUMNS, ("page", "root_domain")
    ):
        query = LinkQuery(scope=scope, target=target, sort=sort, source_scope=source_scope)
        assert every_page_of(heavy.links, query) == every_page_of(plain.links, query), query


def test_linking_root_domains_answer_the_same_through_a_shard_hosts_guard(snapshots):
    plain, heavy = snapshots
    for (scope, target), sort in itertools.product(TARGETS.items(), schema.LINKING_ROOT_SORT_KEYS):
        query = RootDomainQuery(scope=scope, target=target, sort=sort)
        read = heavy.linking_root_domains
        assert every_page_of(read, query) == every_page_of(plain.linking_root_domains, query), query


def test_link_intersect_answers_the_same_through_a_shard_hosts_guard(snapshots):
    plain, heavy = snapshots
    positives = [("root_domain", "t.com"), ("page", "u.com/")]
    for sort in ("matching_target_count", "source_spam_score", "source_domain_authority"):
        args = (positives, [], "page", sort, 1, None, 50)
        assert heavy.link_intersect(*args) == plain.link_intersect(*args), sort


def test_metric_histories_answer_the_same_through_a_shard_hosts_guard(snapshots):
    plain, heavy = snapshots
    for url in ("t.com/", "t.com", "u.com/"):
        target = parse_target(url)
        want = plain.metric_histories(target, EVERY_HISTORY)
        assert heavy.metric_histories(target, EVERY_HISTORY) == want, url


def test_a_summary_without_a_metric_the_server_knows_is_not_read(snapshots, tmp_path):
    # A store summarized by an older linkindex serves on after an upgrade that adds a metric:
    # the history is computed from its link rows, not a KeyError.
    plain, heavy = snapshots
    folder = tmp_path / "older"
    shutil.copytree(heavy.folder, folder)
    dropped = DELTA_METRICS[0]
    for path in folder.glob("*.sqlite"):
        with sqlite3.connect(path) as con:
            con.execute(f"DELETE FROM {schema.HISTORY_SUMMARY_TABLE} WHERE metric = ?", (dropped,))
    older = Snapshot(folder)
    target = parse_target("t.com")
    assert older.metric_histories(target, EVERY_HISTORY) == plain.metric_histories(
        target, EVERY_HISTORY
    )
