"""Reads one published snapshot, and follows the CURRENT pointer to the newest one.

The API asks questions in Moz's terms (a target at a scope, a sort, a cursor); only this module
turns them into queries on the serving store.
"""

from __future__ import annotations

import functools
import heapq
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pyarrow as pa

from linkindex.index import (
    distributions,
    encoding,
    histories,
    link_queries,
    linking_root_orders,
    page_lists,
)
from linkindex.index.layout import PUBLISHED_AT, SnapshotLayout, publish_time
from linkindex.index.schema import (
    LINKING_ROOT_HEAVY_TERM,
    LINKING_ROOT_SORT_KEYS,
    PAGE_COLUMNS,
    ROOT_DOMAIN_COLUMNS,
    ROOT_DOMAIN_SCORE_COLUMNS,
    SUBDOMAIN_COLUMNS,
    URL_METRIC_FIELDS,
    link_key_table,
    linking_root_table,
)
from linkindex.index.stores import NoStore, Stores
from linkindex.urls import CanonicalURL, Scope

if TYPE_CHECKING:
    from linkindex.route.remote import RemoteStores

RECENT_DAYS = 60  # the window of the gained_last_60_days / lost_last_60_days filters


class NoSnapshot(RuntimeError):
    """No index has been built and published yet."""

    # What an API client is told instead of the APIs' own "no index has been built" (a router's
    # shard hosts hold no whole snapshot); the exception's text is for the log.
    public: str | None = None


@dataclass(frozen=True)
class RootDomainQuery:
    """One page of a linking-root-domains list, in the index's own terms."""

    scope: Scope
    target: str  # the target's key at that scope
    sort: str
    require_follow: bool = False
    require_all_nofollow: bool = False
    require_deleted: bool = False
    require_not_deleted: bool = False
    gained_since: date | None = None
    lost_since: date | None = None
    begin_date: date | None = None
    end_date: date | None = None
    after: tuple[float, str] | None = None  # keyset cursor: (stored sort value, source)
    limit: int = 25


class LinkingRootRow(NamedTuple):
    """One linking root domain, columns in the order _LINKING_ROOT_SELECT produces them."""

    root_domain: str
    root_domains_to_root_domain: int
    domain_authority: int
    link_propensity: float
    spam_score: int
    pages: int
    nofollow_pages: int
    redirect_pages: int
    deleted_pages: int
    gained_day: int
    lost_day: int | None
    cursor_value: float

    @property
    def date_gained(self) -> str:
        return encoding.iso_day(self.gained_day)

    @property
    def date_lost(self) -> str:
        return encoding.iso_day(self.lost_day)

    @property
    def cursor(self) -> tuple[float, str]:
        return (self.cursor_value, self.root_domain)


class BrandEvidence(NamedTuple):
    """What the index knows about one root domain's brand (docs/metrics.md, Brand Authority)."""

    root_domain: str
    branded_linkers: int  # root domains linking to it with its brand name in the anchor
    stored_score: int | None  # the build's Brand Authority, None when it computed none


# Undo the stored negations in SQL: rows then map straight onto LinkingRootRow.
_LINKING_ROOT_SELECT = (
    "SELECT source, root_domains_to_root_domain, -neg_domain_authority,"
    " -neg_link_propensity + 0.0, -neg_spam_score, pages, nofollow_pages, redirect_pages,"
    " deleted_pages, -neg_gained_day, -neg_lost_day, {sort_column}"
)


# What a target the index has not seen gets (the three keys come from the target itself).
_UNSEEN_DEFAULTS: dict[str, str] = {
    "title": "''",
    "last_crawled": "''",
    "page_authority": "1",
    "domain_authority": "1",
    "link_propensity": "0.0",
    "spam_score": "-1",
}


def _url_metrics_sql(targets: str) -> str:
    """One statement for all 52 metrics: three primary-key lookups joined on each target.
    ``targets`` is a SELECT of (i, page, subdomain, root_domain); i comes back first, so a row
    finds its target whatever order SQLite returns the rows in."""
    sources = {
        **{c: "p" for c in PAGE_COLUMNS},
        **{c: "s" for c in SUBDOMAIN_COLUMNS},
        **{c: "r" for c in ROOT_DOMAIN_COLUMNS},
    }
    keys = ("page", "subdomain", "root_domain")
    columns = [
        f"q.{field}" if field in keys
        else f"coalesce({sources[field]}.{field}, {_UNSEEN_DEFAULTS.get(field, '0')})"
        for field in URL_METRIC_FIELDS
    ]  # fmt: skip
    return (
        f"SELECT q.i, {', '.join(columns)}"
        f" FROM ({targets}) q"
        " LEFT JOIN pages p ON p.page = q.page"
        " LEFT JOIN subdomains s ON s.subdomain = q.subdomain"
        " LEFT JOIN root_domains r ON r.root_domain = q.root_domain"
    )


# One target, its three keys bound as parameters.
_URL_METRICS_SQL = _url_metrics_sql("SELECT 0 AS i, ? AS page, ? AS subdomain, ? AS root_domain")
# Several targets of one file in one statement: a JSON array of [page, subdomain, root_domain],
# one text for any count, so each connection prepares it once. Run one target at a time, fifty
# targets on four shards switched between four connections' statements (program, registers,
# column names) at every target, and missed the CPU's cache about twice as often as in one
# file (docs/scale.md, "Serving speed"); one statement per file also halves the SQLite steps,
# each a release of the GIL. One target keeps the plain statement: the JSON costs it more.
_URL_METRICS_MANY_SQL = _url_metrics_sql(
    "SELECT key AS i, json_extract(value, '$[0]') AS page,"
    " json_extract(value, '$[1]') AS subdomain, json_extract(value, '$[2]') AS root_domain"
    " FROM json_each(?)"
)

# Pages known by their key alone (a links page's two ends): their subdomain and root domain from
# `pages` in the same statement, the page itself for both where the index holds no row of it
# (page_metrics' rule), so a file's pages take one statement, not one more per page.
_PAGE_METRICS_MANY_SQL = _url_metrics_sql(
    "SELECT j.key AS i, j.value AS page, coalesce(k.subdomain, j.value) AS subdomain,"
    " coalesce(k.root_domain, j.value) AS root_domain"
    " FROM json_each(?) j LEFT JOIN pages k ON k.page = j.value"
)


Keys = tuple[str, str, str]  # a target's (page, subdomain, root_domain)


def _json_keys(keys: Sequence[Keys] | Sequence[str]) -> str:
    """``keys`` as the one JSON text json_each reads."""
    payload = json.dumps(keys, ensure_ascii=False)
    # SQLite's JSON functions end a string at an escaped NUL. Canonical keys never hold one
    # (urls.py percent-encodes it), so this refuses only a key the index cannot hold.
    if "\\u0000" in payload and "\x00" in "".join(
        part for key in keys for part in ((key,) if isinstance(key, str) else key)
    ):
        raise ValueError("a key with a NUL character")
    return payload


def _metrics_statement(keys: Sequence[Keys]) -> tuple[str, tuple]:
    """The statement and parameters that read the 52 metrics of targets of one file."""
    if len(keys) == 1:
        return _URL_METRICS_SQL, keys[0]
    return _URL_METRICS_MANY_SQL, (_json_keys(keys),)


def _page_metrics_statement(pages: Sequence[str]) -> tuple[str, tuple]:
    """The same for pages of one file known by their key alone."""
    return _PAGE_METRICS_MANY_SQL, (_json_keys(pages),)


def _metrics_in_order(rows: Sequence[tuple], count: int) -> list[dict[str, object]]:
    """A metrics statement's rows as dicts, in the order of its targets (each row starts with
    its target's place)."""
    found: list[dict[str, object]] = [{}] * count
    for row in rows:
        found[row[0]] = dict(zip(URL_METRIC_FIELDS, row[1:], strict=True))
    return found


def _metrics_rows(con: sqlite3.Connection, keys: Sequence[Keys]) -> list[dict[str, object]]:
    """The 52 metrics of each (page, subdomain, root_domain), in the order given, from one file."""
    sql, params = _metrics_statement(keys)
    return _metrics_in_order(con.execute(sql, params).fetchall(), len(keys))


class Snapshot:
    """A read-only view of one immutable snapshot; safe to share between threads."""

    def __init__(self, folder: Path, stores: Stores | RemoteStores | None = None) -> None:
        """``stores``: the files' connections when they are not the folder's own (a router's
        connections to shard hosts, route/remote.py); ``folder`` then only names the snapshot."""
        self.folder = folder
        try:
            self.stores = stores or Stores(folder)
        except NoStore as exc:
            raise NoSnapshot(str(exc)) from exc
        self.path = self.stores.global_path
        meta = self.stores.global_lists().execute("SELECT key, value FROM meta").fetchall()
        self.meta = {k: json.loads(v) for k, v in meta}
        published = publish_time(folder) if stores is None else None
        if published:  # made current again since its meta was written
            self.meta[PUBLISHED_AT] = published
        self.index_id: str = self.meta["index_id"]
        index_date = self.meta.get("index_date") or encoding.EPOCH.isoformat()
        self.index_date: date = date.fromisoformat(index_date)

    def _merged(self, sql: str) -> list[tuple]:
        """Rows of every shard, merged in their first column's order (each shard's ORDER BY)."""
        every = [con.execute(sql) for con in self.stores.every_shard()]
        return list(heapq.merge(*every, key=lambda row: row[0]))

    @property
    def recent_since(self) -> date:
        return self.index_date - timedelta(days=RECENT_DAYS)

    def url_metrics(self, target: CanonicalURL) -> dict[str, object]:
        """All 52 URL metrics of a target, zeros (and -1 spam) for what the index has not seen."""
        con = self.stores.of_root(target.root_domain)
        return _metrics_rows(con, [(target.page, target.subdomain, target.root_domain)])[0]

    def url_metrics_many(self, targets: Sequence[CanonicalURL]) -> list[dict[str, object]]:
        """url_metrics of each target, in the order given (a target given twice is answered
        twice), with one statement for each file the targets live in, the files' statements
        run together (on a router, one round trip per shard host)."""
        return self._metrics_many(
            [
                (self.stores.of_root(t.root_domain), (t.page, t.subdomain, t.root_domain))
                for t in targets
            ]
        )

    def _metrics_many(
        self,
        targets: Sequence[tuple[object, Any]],
        statement: Callable[[list[Any]], tuple[str, tuple]] = _metrics_statement,
    ) -> list[dict[str, object]]:
        """The metrics of each (file's connection, what names the target), in order, one
        ``statement`` per file, the files' statements run together."""
        places: dict[object, list[int]] = {}
        for place, (con, _) in enumerate(targets):
            places.setdefault(con, []).append(place)
        statements = [
            (con, *statement([targets[i][1] for i in in_file])) for con, in_file in places.items()
        ]
        results: list[dict[str, object]] = [{}] * len(targets)
        for in_file, rows in zip(places.values(), self.stores.run_all(statements), strict=True):
            for place, metrics in zip(in_file, _metrics_in_order(rows, len(in_file)), strict=True):
                results[place] = metrics
        return results

    def holds(self, target: CanonicalURL) -> tuple[bool, bool]:
        """Whether the index has the target's (page, root domain): a page captured, or a link
        to or from it. url_metrics answers an unheld one with defaults, as Moz does."""
        sql = (
            "SELECT EXISTS (SELECT 1 FROM pages WHERE page = ?),"
            " EXISTS (SELECT 1 FROM root_domains WHERE root_domain = ?)"
        )
        con = self.stores.of_root(target.root_domain)
        page, root_domain = con.execute(sql, (target.page, target.root_domain)).fetchone()
        return bool(page), bool(root_domain)

    def root_domain_scores(self, root_domain: str) -> dict[str, object] | None:
        """Why a root domain scores what it does: rank, trust, brand and spam evidence."""
        cursor = self.stores.of_root(root_domain).execute(
            f"SELECT {', '.join(ROOT_DOMAIN_SCORE_COLUMNS)} FROM root_domain_scores"
            " WHERE root_domain = ?",
            (root_domain,),
        )
        row = cursor.fetchone()
        if row is None:
            return None
        scores = dict(zip(ROOT_DOMAIN_SCORE_COLUMNS, row, strict=True))
        scores["spam_signals"] = json.loads(str(scores["spam_signals"]))
        scores["spam_hits"] = self._spam_hits(int(scores.pop("spam_flags") or 0))
        return scores

    def _spam_hits(self, flags: int) -> list[str]:
        return encoding.spam_signals_hit(flags, self.meta.get("spam_signals", []))

    def brand_evidence(self, root_domain: str) -> BrandEvidence | None:
        """A root domain's Brand Authority inputs and stored score; None if not in the index."""
        row = (
            self.stores.of_root(root_domain)
            .execute(
                "SELECT coalesce(s.branded_linkers, 0), s.brand_authority FROM root_domains r"
                " LEFT JOIN root_domain_scores s USING (root_domain) WHERE r.root_domain = ?",
                (root_domain,),
            )
            .fetchone()
        )
        if row is None:
            return None
        branded, score = int(row[0]), row[1]
        # The build scores only root domains with branded linkers; the others get a filler.
        return BrandEvidence(root_domain, branded, int(score) if branded > 0 else None)

    def root_domain_score_rows(self) -> list[tuple[str, int, int, int, int]]:
        """(root domain, DA, Spam Score, linking root domains, Brand Authority) of every one."""
        return self._merged(
            "SELECT r.root_domain, r.domain_authority, r.spam_score,"
            " r.root_domains_to_root_domain, coalesce(s.brand_authority, 1)"
            " FROM root_domains r LEFT JOIN root_domain_scores s USING (root_domain)"
            " ORDER BY r.root_domain"
        )

    def page_authority_rows(self) -> list[tuple[str, int, int]]:
        """(page, PA, linking root domains) of every page the index knows."""
        return self._merged(
            "SELECT page, page_authority, root_domains_to_page FROM pages ORDER BY page"
        )

    def spam_hit_rows(self) -> list[tuple[str, list[str]]]:
        """(root domain, the Spam Score signals it hit) of every root domain with a Spam Score."""
        rows = self._merged(
            "SELECT s.root_domain, s.spam_flags FROM root_domain_scores s"
            " JOIN root_domains r USING (root_domain) WHERE r.spam_score >= 0"
            " ORDER BY s.root_domain"
        )
        return [(root_domain, self._spam_hits(flags)) for root_domain, flags in rows]

    def authority_sources(self, scope: str, target: str) -> list[tuple[str, float]]:
        """The strongest linking root domains of a page or root domain, with their rank share."""
        return (
            self.stores.of_key(scope, target)
            .execute(
                "SELECT source, share FROM authority_sources WHERE scope = ? AND target = ?"
                " ORDER BY share DESC, source",
                (scope, target),
            )
            .fetchall()
        )

    def linking_root_domains(self, query: RootDomainQuery) -> list[LinkingRootRow]:
        sort_column = LINKING_ROOT_SORT_KEYS[query.sort]
        conditions = ["target = ?"]
        params: list[object] = [query.target]
        if query.require_deleted:
            conditions.append("deleted_pages > 0")
        elif query.gained_since is None and query.lost_since is None:
            conditions.append("pages > 0")  # by default only root domains linking now
        if query.require_follow:
            conditions.append("has_follow = 1")
        if query.require_all_nofollow:
            conditions.append("has_follow = 0")
        if query.require_not_deleted:
            conditions.append("deleted_pages = 0")
        for column, since in (
            ("neg_gained_day", query.gained_since),
            ("neg_lost_day", query.lost_since),
        ):
            if since is None:
                continue
            conditions.append(f"{column} <= ?")
            params.append(-encoding.day_number(max(since, query.begin_date or since)))
            if query.end_date is not None:
                conditions.append(f"{column} >= ?")
                params.append(-encoding.day_number(query.end_date))
        if query.after is not None:
            conditions.append(f"({sort_column}, source) > (?, ?)")
            params.extend(query.after)
        params.append(query.limit)
        con = self.stores.of_key(query.scope, query.target)
        table = linking_root_table(query.scope)
        # The key orders the DA sort; another sort walks its index if the target has one.
        if sort_column != LINKING_ROOT_SORT_KEYS["source_domain_authority"] and (
            self.has_partial_root_orders
        ):
            index = linking_root_orders.heavy_order(con, query.scope, query.target, query.sort)
            if index is not None:
                table += f" INDEXED BY {index}"
                conditions.append(LINKING_ROOT_HEAVY_TERM)
        sql = (
            _LINKING_ROOT_SELECT.format(sort_column=sort_column)
            + f" FROM {table} WHERE {' AND '.join(conditions)}"
            + f" ORDER BY {sort_column}, source LIMIT ?"
        )
        return list(map(LinkingRootRow._make, con.execute(sql, params)))

    @functools.cached_property
    def has_partial_root_orders(self) -> bool:
        """False for a snapshot written before the linking-root orders were only the heavy
        targets' (its every file is written by one version)."""
        return linking_root_orders.partial(self.stores.every_shard()[0])

    # Page lists and distributions: the queries live in index/page_lists.py and distributions.py.
    def top_pages(self, query: page_lists.TopPagesQuery) -> list[page_lists.ListedPage]:
        """The pages under a subdomain or root domain (or the page itself), sorted, filtered."""
        return page_lists.top_pages(self.stores.of_key(query.scope, query.target), query)

    def global_top_pages(self, after_rank: int, limit: int) -> list[page_lists.ListedPage]:
        return page_lists.global_top_pages(self.stores.global_lists(), after_rank, limit)

    def global_top_root_domains(
        self, after_rank: int, limit: int
    ) -> list[page_lists.RankedRootDomain]:
        return page_lists.global_top_root_domains(self.stores.global_lists(), after_rank, limit)

    def final_redirect(self, page: str) -> str | None:
        """Where a page's chain of HTTP redirects ends; None if it has none or never ends."""
        return page_lists.final_redirect(self._of_page, page)

    def _of_page(self, page: str) -> sqlite3.Connection:
        return self.stores.of_key("page", page)

    def url_distributions(self, target: CanonicalURL) -> dict[str, list[int]]:
        """The 13 distribution arrays of spec 2.5 for a target."""
        return distributions.url_distributions(self.stores.of_root(target.root_domain), target)

    # Link-level endpoints: the queries live in index/link_queries.py.
    @functools.cached_property
    def has_link_tables(self) -> bool:
        """False for a snapshot published before the link tables existed."""
        sql = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'link_rows'"
        return self.stores.every_shard()[0].execute(sql).fetchone() is not None

    def links(self, query: link_queries.LinkQuery) -> list[link_queries.LinkRow]:
        con = self.stores.of_key(query.scope, query.target)
        return link_queries.links(con, query, self.recent_since)

    def page_metrics(self, page: str, subdomain: str = "", root_domain: str = "") -> dict:
        """url_metrics of a page known by its key (its other keys are looked up if not given)."""
        con = self._of_page(page)
        if not subdomain:
            subdomain, root_domain = link_queries.page_keys(con, page) or (page, page)
        return _metrics_rows(con, [(page, subdomain, root_domain)])[0]

    def page_metrics_many(self, pages: list[str]) -> list[dict]:
        """page_metrics of each page, in order, one statement per file holding them."""
        targets = [(self._of_page(page), page) for page in pages]
        return self._metrics_many(targets, _page_metrics_statement)

    def anchor_texts(
        self, scope: Scope, target: str, after: tuple | None, limit: int
    ) -> list[link_queries.AnchorTextRow]:
        con = self.stores.of_key(scope, target)
        return link_queries.anchor_texts(con, scope, target, after, limit)

    def links_exist(
        self, target: CanonicalURL, target_scope: Scope, sources: list[str], source_scope: Scope
    ) -> list[bool]:
        return link_queries.links_exist(
            self.stores, target_scope, target.key(target_scope), target.root_domain,
            source_scope, sources,
        )  # fmt: skip

    def link_intersect(
        self,
        positives: list[tuple[Scope, str]],
        negatives: list[tuple[Scope, str]],
        source_scope: Scope,
        sort: str,
        minimum_matching: int,
        after: tuple | None,
        limit: int,
    ) -> list[link_queries.IntersectRow]:
        return link_queries.link_intersect(
            self.stores, positives, negatives, source_scope, sort, minimum_matching, after, limit
        )

    # Metric histories (spec 2.5): the queries live in index/histories.py.
    def metric_histories(
        self, target: CanonicalURL, request: histories.HistoryRequest
    ) -> dict[str, list[dict]]:
        when = histories.calendar_of(self.meta)
        con = self.stores.of_root(target.root_domain)
        return histories.metric_histories(con, target, when, request, self.stores.every_shard())

    def authority_history(self, metric: str, batch_rows: int = 65536) -> Iterator[pa.RecordBatch]:
        """HISTORY_ROW batches of every stored PA or DA change, for the next build (a large
        index has millions; none before the tables existed)."""
        table = histories.authority_table(metric)
        keys = link_key_table(histories.AUTHORITY_TABLES[metric])
        exists = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?"
        for con in self.stores.streamed():
            if con.execute(exists, (table,)).fetchone() is None:
                return
            sql = f"SELECT k.key, h.day, h.value FROM {table} h JOIN {keys} k ON k.id = h.target_id"
            yield from _history_batches(con.execute(sql), batch_rows)


def _history_batches(cursor: sqlite3.Cursor, batch_rows: int) -> Iterator[pa.RecordBatch]:
    while rows := cursor.fetchmany(batch_rows):
        names, days, values = zip(*rows, strict=True)
        yield pa.record_batch(
            [pa.array(names, pa.string()), encoding.date_array(days),
             pa.array(values, pa.int64())],
            schema=HISTORY_ROW,
        )  # fmt: skip


# A PA or DA history row as the build reads it back: the page or root domain, the day, the score.
HISTORY_ROW = pa.schema([("key", pa.string()), ("day", pa.date32()), ("value", pa.int64())])


class CurrentSnapshot:
    """Follows the CURRENT pointer; a caller keeps the Snapshot it got for a whole request."""

    def __init__(self, snapshots_folder: Path, recheck_seconds: float = 0.5) -> None:
        self.layout = SnapshotLayout(snapshots_folder)
        self.recheck_seconds = recheck_seconds
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._name: str | None = None
        self._checked_at = float("-inf")

    def get(self) -> Snapshot:
        now = time.monotonic()
        if now - self._checked_at >= self.recheck_seconds or self._snapshot is None:
            with self._lock:
                self._refresh(now)
        if self._snapshot is None:
            raise NoSnapshot("no index has been built yet: run `linkindex build`")
        return self._snapshot

    def _refresh(self, now: float) -> None:
        self._checked_at = now
        name = self.layout.current_name()
        if name is None or name == self._name:
            return
        self._snapshot = Snapshot(self.layout.path_of(name))
        self._name = name
