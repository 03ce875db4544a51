"""Queries of the link-level tables: link lists, anchor texts, link status and link intersect.

Snapshot methods call these with their connection; the API never sees the tables or flags.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from linkindex.index import schema
from linkindex.index.schema import (
    LINK_DELETED,
    LINK_SHADOWED_ROOT_DOMAIN,
    LINK_SHADOWED_SUBDOMAIN,
    LINK_SORT_COLUMNS,
    LINK_SOURCE_COLUMNS,
    LINK_TARGET_COLUMNS,
    LINK_VIA_REDIRECT,
    LINK_VIA_REL_CANONICAL,
)
from linkindex.urls import Scope

EPOCH = date(1970, 1, 1)
_SHADOWED = {
    "page": 0,
    "subdomain": LINK_SHADOWED_SUBDOMAIN,
    "root_domain": LINK_SHADOWED_ROOT_DOMAIN,
}
# The bits a live link that points at the target itself (not via a hop) has clear.
_LIVE_DIRECT_CLEAR = LINK_DELETED | LINK_VIA_REDIRECT | LINK_VIA_REL_CANONICAL


@dataclass(frozen=True)
class LinkQuery:
    """One page of a link list, in the index's own terms (flags are schema.LINK_* bits)."""

    scope: Scope
    target: str  # the target's key at that scope
    sort: str  # a key of schema.LINK_SORT_COLUMNS
    external_only: bool = True
    flags_set: int = 0  # bits a link must have
    flags_clear: int = 0  # bits a link must not have
    gained_since: date | None = None
    lost_since: date | None = None
    anchor_text: str | None = None  # normalized; "" = links without anchor text
    source_root: str | None = None
    source_scope: Scope = "page"  # subdomain / root_domain: only the best link per source
    limited_subdomains: tuple[str, ...] = ()  # at most one link from each of these
    after: tuple | None = None  # keyset cursor: (sort value, source, linked page, target)
    limit: int = 25


class LinkRow(NamedTuple):
    source_page: str
    link_page: str  # the page the link points at: the target itself, or the hop before it
    target_page: str
    flags: int
    first_day: int
    last_day: int
    lost_day: int | None
    anchor_text: str
    cursor: tuple  # (sort value, source id, linked page id or 0, target id)


def day_number(day: date) -> int:
    return (day - EPOCH).days


def iso_day(number: int | None) -> str:
    """A stored day number as YYYY-MM-DD; "" for none (a live link's date_disappeared)."""
    return "" if number is None else (EPOCH + timedelta(days=number)).isoformat()


def key_id(con: sqlite3.Connection, scope: Scope, key: str) -> int | None:
    """The number a page, subdomain or root domain has in the link tables."""
    sql = f"SELECT id FROM {schema.link_key_table(scope)} WHERE key = ?"
    found = con.execute(sql, (key,)).fetchone()
    return None if found is None else found[0]


def page_names(con: sqlite3.Connection, ids: set[int]) -> dict[int, str]:
    marks = ", ".join("?" for _ in ids)
    sql = f"SELECT id, key FROM {schema.link_key_table('page')} WHERE id IN ({marks})"
    return dict(con.execute(sql, list(ids)).fetchall())


def links(con: sqlite3.Connection, query: LinkQuery) -> list[LinkRow]:
    """Links to a target in sort order, filtered, from the cursor on."""
    target = key_id(con, query.scope, query.target)
    source_root = (
        None if query.source_root is None else key_id(con, "root_domain", query.source_root)
    )
    if target is None or (query.source_root is not None and source_root is None):
        return []
    sort_column = LINK_SORT_COLUMNS[query.sort]
    order = f"{sort_column}, source_id, link_id, target_id"
    columns = "source_id, link_id, target_id, flags, first_day, last_day, lost_day, anchor_text,"
    columns += f" {sort_column}"
    conditions = [f"{LINK_TARGET_COLUMNS[query.scope]} = ?"]
    params: list[object] = [target]
    if query.external_only:
        conditions.append("external = 1")
    mask = query.flags_set | query.flags_clear | _SHADOWED[query.scope]
    conditions.append("flags & ? = ?")
    params += [mask, query.flags_set]
    for column, since in (("first_day", query.gained_since), ("lost_day", query.lost_since)):
        if since is not None:
            conditions.append(f"{column} >= ?")
            params.append(day_number(since))
    for column, value in (("anchor_text", query.anchor_text), ("source_root_id", source_root)):
        if value is not None:
            conditions.append(f"{column} = ?")
            params.append(value)
    where = " AND ".join(conditions)
    cursor_condition, cursor_params = "", []
    if query.after is not None:
        cursor_condition = f"({order}) > (?, ?, ?, ?)"
        cursor_params = list(query.after)
    # A listed subdomain the index does not know has no links to limit.
    limited = [i for s in query.limited_subdomains if (i := key_id(con, "subdomain", s))]
    if query.source_scope == "page" and not limited:
        if cursor_condition:
            where += " AND " + cursor_condition
        sql = f"SELECT {columns} FROM link_rows WHERE {where} ORDER BY {order} LIMIT ?"
        rows = con.execute(sql, [*params, *cursor_params, query.limit]).fetchall()
        return _named(con, rows)
    # The best link per source (and per listed subdomain) is the first in sort order: rank the
    # target's filtered links in a window, keep the first of each, then page through those.
    ranks = []
    if query.source_scope != "page":
        ranks.append(
            f"row_number() OVER (PARTITION BY {LINK_SOURCE_COLUMNS[query.source_scope]}"
            f" ORDER BY {order}) AS best_in_source"
        )
    if limited:
        marks = ", ".join("?" for _ in limited)
        ranks.append(
            f"CASE WHEN source_subdomain_id IN ({marks}) THEN row_number() OVER (PARTITION BY"
            f" source_subdomain_id ORDER BY {order}) ELSE 1 END AS best_in_subdomain"
        )
    keep = " AND ".join(
        f"{name} = 1"
        for name, wanted in (
            ("best_in_source", query.source_scope != "page"),
            ("best_in_subdomain", bool(limited)),
        )
        if wanted
    )
    if cursor_condition:
        keep += " AND " + cursor_condition
    sql = (
        f"SELECT {columns} FROM (SELECT {columns}, {', '.join(ranks)}"
        f" FROM link_rows WHERE {where}) WHERE {keep} ORDER BY {order} LIMIT ?"
    )
    # The window's placeholders come first in the statement text, then the WHERE's.
    rows = con.execute(sql, [*limited, *params, *cursor_params, query.limit]).fetchall()
    return _named(con, rows)


def _named(con: sqlite3.Connection, rows: list[tuple]) -> list[LinkRow]:
    names = page_names(con, {i for row in rows for i in row[:3] if i})
    return [
        LinkRow(
            names[source],
            names[link or target],
            names[target],
            flags,
            first,
            last,
            lost,
            anchor,
            (sort_value, source, link, target),
        )  # fmt: skip
        for source, link, target, flags, first, last, lost, anchor, sort_value in rows
    ]


def page_keys(con: sqlite3.Connection, page: str) -> tuple[str, str] | None:
    """(subdomain, root domain) of a page the index knows."""
    sql = "SELECT subdomain, root_domain FROM pages WHERE page = ?"
    return con.execute(sql, (page,)).fetchone()


class AnchorTextRow(NamedTuple):
    anchor_text: str
    external_pages: int
    external_root_domains: int
    neg_root_domains: int
    neg_pages: int

    @property
    def cursor(self) -> tuple:
        return (self.neg_root_domains, self.neg_pages, self.anchor_text)


def anchor_texts(
    con: sqlite3.Connection, scope: Scope, target: str, after: tuple | None, limit: int
) -> list[AnchorTextRow]:
    """Anchor texts of followed external live links to a target, most linking root domains first."""
    table = schema.anchor_text_table(scope)
    condition, params = "", [target]
    if after is not None:
        condition = " AND (neg_root_domains, neg_pages, anchor_text) > (?, ?, ?)"
        params += list(after)
    sql = (
        f"SELECT anchor_text, -neg_pages, -neg_root_domains, neg_root_domains, neg_pages"
        f" FROM {table} WHERE target = ?{condition}"
        " ORDER BY neg_root_domains, neg_pages, anchor_text LIMIT ?"
    )
    return list(map(AnchorTextRow._make, con.execute(sql, [*params, limit])))


def links_exist(
    con: sqlite3.Connection,
    target_scope: Scope,
    target: str,
    target_root: str,
    source_scope: Scope,
    sources: Sequence[str],
) -> list[bool]:
    """Whether each source (at its scope) links to the target (at its scope) now, directly."""
    answers: dict[str, bool] = {}
    target_id = key_id(con, target_scope, target)
    target_column = LINK_TARGET_COLUMNS[target_scope]
    scanned: dict[int, str] = {}  # sources answered by one scan of the target's links
    for source in dict.fromkeys(sources):
        if source_scope == "root_domain" and source != target_root:
            # Linking root domains of another root domain are keyed (target, -DA, source).
            sql = (
                f"SELECT 1 FROM {schema.linking_root_table(target_scope)} WHERE target = ?"
                " AND neg_domain_authority = (SELECT -domain_authority FROM root_domains"
                " WHERE root_domain = ?) AND source = ? AND pages > 0"
            )
            answers[source] = con.execute(sql, (target, source, source)).fetchone() is not None
            continue
        source_id = key_id(con, source_scope, source)
        answers[source] = False
        if target_id is None or source_id is None:
            continue
        if source_scope == "page":
            # The source's PA completes the clustered key's prefix: a point lookup.
            sql = (
                f"SELECT 1 FROM link_rows WHERE {target_column} = ? AND external IN (0, 1)"
                " AND neg_page_authority = (SELECT -page_authority FROM pages WHERE page = ?)"
                " AND source_id = ? AND flags & ? = 0 LIMIT 1"
            )
            params = (target_id, source, source_id, _LIVE_DIRECT_CLEAR)
            answers[source] = con.execute(sql, params).fetchone() is not None
        else:
            scanned[source_id] = source
    if scanned:
        column = LINK_SOURCE_COLUMNS[source_scope]
        marks = ", ".join("?" for _ in scanned)
        sql = (
            f"SELECT DISTINCT {column} FROM link_rows WHERE {target_column} = ?"
            f" AND flags & ? = 0 AND {column} IN ({marks})"
        )
        for (found,) in con.execute(sql, [target_id, _LIVE_DIRECT_CLEAR, *scanned]):
            answers[scanned[found]] = True
    return [answers[source] for source in sources]


class IntersectRow(NamedTuple):
    page: str  # the source page, or root domain at root_domain scope
    title: str
    domain_authority: int
    spam_score: int
    matching_target_indexes: list[int]
    cursor: tuple


INTERSECT_SORTS = ("matching_target_count", "source_spam_score", "source_domain_authority")


def _linking_sources(
    con: sqlite3.Connection, scope: Scope, target: str, source_scope: Scope
) -> dict[int | str, tuple[int, int]]:
    """Sources (page ids or root domain names) with a live external link to a target: (DA, spam)."""
    if source_scope == "root_domain":
        sql = (
            f"SELECT source, -neg_domain_authority, -neg_spam_score"
            f" FROM {schema.linking_root_table(scope)} WHERE target = ? AND pages > 0"
        )
        params: tuple = (target,)
    else:
        target_id = key_id(con, scope, target)
        if target_id is None:
            return {}
        # Page ids are in name order, so they order and tie-break as the names would.
        sql = (
            "SELECT DISTINCT source_id, -neg_domain_authority, -neg_spam_score FROM link_rows"
            f" WHERE {LINK_TARGET_COLUMNS[scope]} = ? AND external = 1 AND flags & ? = 0"
        )
        params = (target_id, _LIVE_DIRECT_CLEAR)
    return {source: (da, spam) for source, da, spam in con.execute(sql, params)}


def link_intersect(
    con: sqlite3.Connection,
    positives: Sequence[tuple[Scope, str]],
    negatives: Sequence[tuple[Scope, str]],
    source_scope: Scope,
    sort: str,
    minimum_matching: int,
    after: tuple | None,
    limit: int,
) -> list[IntersectRow]:
    """Sources linking to at least ``minimum_matching`` positive targets and to no negative one.

    Every linking source of every target is read and combined here: the cost grows with the
    targets' linking sources, not with the page size.
    """
    excluded: set[int | str] = set()
    for scope, target in negatives:
        excluded.update(_linking_sources(con, scope, target, source_scope))
    matches: dict[int | str, list[int]] = {}
    scores: dict[int | str, tuple[int, int]] = {}
    for index, (scope, target) in enumerate(positives):
        for source, score in _linking_sources(con, scope, target, source_scope).items():
            if source not in excluded:
                matches.setdefault(source, []).append(index)
                scores[source] = score

    def key(source: int | str) -> tuple:
        da, spam = scores[source]
        if sort == "matching_target_count":
            return (-len(matches[source]), -da, source)
        if sort == "source_spam_score":
            return (-spam, source)
        return (-da, source)

    keys = sorted(key(s) for s, found in matches.items() if len(found) >= minimum_matching)
    if after is not None:
        keys = [k for k in keys if k > tuple(after)]
    keys = keys[:limit]
    names = page_names(con, {k[-1] for k in keys}) if source_scope == "page" else {}
    rows = []
    for k in keys:
        source = k[-1]
        name, title = str(source), ""
        if source_scope == "page":
            name = names[source]
            found = con.execute("SELECT title FROM pages WHERE page = ?", (name,)).fetchone()
            title = found[0] if found else ""
        da, spam = scores[source]
        rows.append(IntersectRow(name, title, da, spam, matches[source], k))
    return rows
