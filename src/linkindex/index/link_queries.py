"""Queries of the link-level tables: link lists, anchor texts, link status and link intersect.

Snapshot methods call these with their connection; the API names filters and sorts, and gets
links' states and dates by name: it never sees the tables, the flag bits or the day numbers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from linkindex.index import heavy_orders, intersect, linking_sources, schema
from linkindex.index.encoding import (
    LINK_FLAG_BITS,
    day_number,
    flag_mask,
    iso_day,
    link_states,
)
from linkindex.index.linking_sources import LIVE_DIRECT_CLEAR
from linkindex.index.schema import LINK_SORT_COLUMNS, LINK_SOURCE_COLUMNS, LINK_TARGET_COLUMNS
from linkindex.index.stores import Stores
from linkindex.urls import Scope

# The filters of a link list by name, in Moz's order (docs/api.md): links from other root
# domains, a link state or its opposite, and links gained or lost in the recent window.
LINK_FILTERS: tuple[str, ...] = (
    "external", "follow", "nofollow", "deleted", "not_deleted", "redirect", "not_redirect",
    "rel_canonical", "not_rel_canonical", "via_redirect", "not_via_redirect",
    "via_rel_canonical", "not_via_rel_canonical", "gained_last_60_days", "lost_last_60_days",
)  # fmt: skip
# Each state filter as (link state, whether the link must have it); a lost link is deleted.
_STATE_FILTERS: dict[str, tuple[str, bool]] = {
    "follow": ("nofollow", False),
    "nofollow": ("nofollow", True),
    "deleted": ("deleted", True),
    "not_deleted": ("deleted", False),
    "redirect": ("redirect", True),
    "not_redirect": ("redirect", False),
    "rel_canonical": ("rel_canonical", True),
    "not_rel_canonical": ("rel_canonical", False),
    "via_redirect": ("via_redirect", True),
    "not_via_redirect": ("via_redirect", False),
    "via_rel_canonical": ("via_rel_canonical", True),
    "not_via_rel_canonical": ("via_rel_canonical", False),
    "lost_last_60_days": ("deleted", True),
}
_SHADOWED = {
    "page": 0,
    "subdomain": LINK_FLAG_BITS["shadowed_subdomain"],
    "root_domain": LINK_FLAG_BITS["shadowed_root_domain"],
}


def _states_wanted(filters: Iterable[str]) -> dict[str, bool] | None:
    """Each link state the filters ask about: whether it must be present; None when they ask
    for a state and its opposite."""
    wanted: dict[str, bool] = {}
    for name in filters:
        if name not in LINK_FILTERS:
            raise ValueError(f"unknown link filter {name!r}: one of {', '.join(LINK_FILTERS)}")
        if name in _STATE_FILTERS:
            state, present = _STATE_FILTERS[name]
            if wanted.setdefault(state, present) != present:
                return None
    return wanted


def contradictory(filters: Iterable[str]) -> bool:
    """Whether link filters ask for a link state and its opposite (no link can match)."""
    return _states_wanted(filters) is None


@dataclass(frozen=True)
class LinkQuery:
    """One page of a link list, in the index's own terms: filters and sort by name."""

    scope: Scope
    target: str  # the target's key at that scope
    sort: str  # a key of schema.LINK_SORT_COLUMNS
    filters: frozenset[str] = frozenset()  # names of LINK_FILTERS; none: every link
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
    nofollow: bool
    redirect: bool
    rel_canonical: bool
    via_redirect: bool  # reached through the linked page's redirect to the target
    via_rel_canonical: bool  # reached through the linked page's rel=canonical to the target
    date_first_seen: str  # YYYY-MM-DD
    date_last_seen: str
    date_disappeared: str  # "" while the link is live
    anchor_text: str
    cursor: tuple  # opaque outside index/: (stored sort value, source, link or 0, target) ids


def key_id(con: sqlite3.Connection, scope: Scope, key: str) -> int | None:
    """The number a page, subdomain or root domain has in the link tables."""
    sql = f"SELECT id FROM {schema.link_key_table(scope)} WHERE key = ?"
    found = con.execute(sql, (key,)).fetchone()
    return None if found is None else found[0]


def page_names(con: sqlite3.Connection, ids: set[int]) -> dict[int, str]:
    marks = ", ".join("?" for _ in ids)
    sql = f"SELECT id, key FROM {schema.link_key_table('page')} WHERE id IN ({marks})"
    return dict(con.execute(sql, list(ids)).fetchall())


def links(con: sqlite3.Connection, query: LinkQuery, recent_since: date) -> list[LinkRow]:
    """Links to a target in sort order, filtered, from the cursor on; the *_last_60_days
    filters count from ``recent_since``."""
    wanted = _states_wanted(query.filters)
    if wanted is None:
        return []
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
    if "external" in query.filters:
        conditions.append("external = 1")
    flags_set = flag_mask(state for state, present in wanted.items() if present)
    conditions.append("flags & ? = ?")
    params += [flag_mask(wanted) | _SHADOWED[query.scope], flags_set]
    for column, name in (("first_day", "gained_last_60_days"), ("lost_day", "lost_last_60_days")):
        if name in query.filters:
            conditions.append(f"{column} >= ?")
            params.append(day_number(recent_since))
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
    # A heavy target's rows are walked in the sort's own index (schema.py, "Heavy targets' link
    # orders"); that index does not carry anchor texts or source root domains, and a page
    # filtered by one would read the table for every row it walks.
    if query.anchor_text is None and source_root is None:
        heavy = heavy_orders.heavy_order(con, query.scope, target, query.sort)
        if heavy is not None:
            where += f" AND {heavy.term}"
            rows = _heavy_page(con, heavy.index, query, where, params, set(limited))
            return _named(con, rows)
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


# A link row's stored columns but its key, by its key (the table's primary key).
_ROW_BY_KEY_SQL = (
    "SELECT flags, first_day, last_day, lost_day, anchor_text FROM link_rows WHERE target_id = ?"
    " AND external = ? AND neg_page_authority = ? AND source_id = ? AND link_id = ?"
)


def _heavy_page(
    con: sqlite3.Connection,
    index: str,
    query: LinkQuery,
    where: str,
    params: list[object],
    limited: set[int],
) -> list[tuple]:
    """A page of a heavy target's links in two steps: the keys of its rows from the sort's
    index alone, then each row of the page by its key. Reading the table at every entry walked
    cost 30 times the walk (800 vs 25 ms for a filter no link of the heaviest root domain
    matches, at 10M link records)."""
    order = f"{LINK_SORT_COLUMNS[query.sort]}, source_id, link_id, target_id"
    select = (
        f"SELECT {order}, external, neg_page_authority, {LINK_SOURCE_COLUMNS[query.source_scope]},"
        f" source_subdomain_id FROM link_rows INDEXED BY {index} WHERE {where}"
    )
    if query.source_scope == "page" and not limited:
        cursor_params: list[object] = []
        if query.after is not None:
            select += f" AND ({order}) > (?, ?, ?, ?)"
            cursor_params = list(query.after)
        keys = con.execute(
            f"{select} ORDER BY {order} LIMIT ?", [*params, *cursor_params, query.limit]
        ).fetchall()
    else:
        walked = con.execute(f"{select} ORDER BY {order}", params)
        keys = _first_per_source(walked, query.source_scope != "page", limited, query)
    rows = []
    for sort_value, source, link, target, external, neg_page_authority, *_ in keys:
        found = con.execute(_ROW_BY_KEY_SQL, (target, external, neg_page_authority, source, link))
        rows.append((source, link, target, *found.fetchone(), sort_value))
    return rows


def _first_per_source(
    keys: Iterable[tuple], per_source: bool, limited: set[int], query: LinkQuery
) -> list[tuple]:
    """The window's answer from keys walked in sort order, each (sort value, source, linked
    page, target, ..., source at the source scope, source subdomain): a row is the best of its
    source (and of its listed subdomain) when it is the first one seen, whether or not it is
    before the cursor; the walk stops once the page is full."""
    seen_sources: set[int] = set()
    seen_subdomains: set[int] = set()
    after = None if query.after is None else tuple(query.after)
    page: list[tuple] = []
    for key in keys:
        source, subdomain = key[-2], key[-1]
        best = True
        if per_source:
            best = source not in seen_sources
            seen_sources.add(source)
        if subdomain in limited:
            best = best and subdomain not in seen_subdomains
            seen_subdomains.add(subdomain)
        if best and (after is None or key[:4] > after):
            page.append(key)
            if len(page) == query.limit:
                break
    return page


def _named(con: sqlite3.Connection, rows: list[tuple]) -> list[LinkRow]:
    names = page_names(con, {i for row in rows for i in row[:3] if i})
    rows_out = []
    for source, link, target, flags, first, last, lost, anchor, sort_value in rows:
        states = link_states(flags)
        rows_out.append(
            LinkRow(
                names[source], names[link or target], names[target],
                states["nofollow"], states["redirect"], states["rel_canonical"],
                states["via_redirect"], states["via_rel_canonical"],
                iso_day(first), iso_day(last), iso_day(lost), anchor,
                (sort_value, source, link, target),
            )
        )  # fmt: skip
    return rows_out


PAGE_KEYS_SQL = "SELECT subdomain, root_domain FROM pages WHERE page = ?"


def page_keys(con: sqlite3.Connection, page: str) -> tuple[str, str] | None:
    """(subdomain, root domain) of a page the index knows."""
    return con.execute(PAGE_KEYS_SQL, (page,)).fetchone()


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
    stores: Stores,
    target_scope: Scope,
    target: str,
    target_root: str,
    source_scope: Scope,
    sources: Sequence[str],
) -> list[bool]:
    """Whether each source (at its scope) links to the target (at its scope) now, directly.

    The target's rows answer; a source's own DA or PA, which completes their key, is read where
    the source's root domain lives. The lookups run in two rounds of statements run together
    (`Stores.run_all`): the keys and authorities, then the checks."""
    con = stores.of_key(target_scope, target)
    distinct = list(dict.fromkeys(sources))

    def by_authority(source: str) -> bool:
        # Linking root domains of another root domain are keyed (target, -DA, source).
        return source_scope == "root_domain" and source != target_root

    firsts: list[tuple] = [(con, _KEY_SQL.format(schema.link_key_table(target_scope)), (target,))]
    for source in distinct:
        if by_authority(source):
            firsts.append((stores.of_root(source), _NEGATED_SQL["root_domains"], (source,)))
            continue
        firsts.append((con, _KEY_SQL.format(schema.link_key_table(source_scope)), (source,)))
        if source_scope == "page":
            firsts.append((stores.of_key("page", source), _NEGATED_SQL["pages"], (source,)))
    found = iter(stores.run_all(firsts))
    target_id = _first(next(found))
    target_column = LINK_TARGET_COLUMNS[target_scope]
    answers: dict[str, bool] = dict.fromkeys(distinct, False)
    checks: list[tuple] = []
    checked: list[str] = []
    scanned: dict[int, str] = {}  # sources answered by one scan of the target's links
    for source in distinct:
        if by_authority(source):
            sql = (
                f"SELECT 1 FROM {schema.linking_root_table(target_scope)} WHERE target = ?"
                " AND neg_domain_authority = ? AND source = ? AND pages > 0"
            )
            checks.append((con, sql, (target, _first(next(found)), source)))
            checked.append(source)
            continue
        source_id = _first(next(found))
        authority = _first(next(found)) if source_scope == "page" else None
        if target_id is None or source_id is None:
            continue
        if source_scope == "page":
            # The source's PA completes the clustered key's prefix: a point lookup.
            sql = (
                f"SELECT 1 FROM link_rows WHERE {target_column} = ? AND external IN (0, 1)"
                " AND neg_page_authority = ? AND source_id = ? AND flags & ? = 0 LIMIT 1"
            )
            checks.append((con, sql, (target_id, authority, source_id, LIVE_DIRECT_CLEAR)))
            checked.append(source)
        else:
            scanned[source_id] = source
    if scanned:
        column = LINK_SOURCE_COLUMNS[source_scope]
        marks = ", ".join("?" for _ in scanned)
        sql = (
            f"SELECT DISTINCT {column} FROM link_rows WHERE {target_column} = ?"
            f" AND flags & ? = 0 AND {column} IN ({marks})"
        )
        checks.append((con, sql, [target_id, LIVE_DIRECT_CLEAR, *scanned]))
    results = stores.run_all(checks)
    for source, rows in zip(checked, results[: len(checked)], strict=True):
        answers[source] = bool(rows)
    if scanned:
        for (source_id,) in results[-1]:
            answers[scanned[source_id]] = True
    return [answers[source] for source in sources]


_KEY_SQL = "SELECT id FROM {} WHERE key = ?"
# A page's PA or a root domain's DA as its links' keys store it (negated).
_NEGATED_SQL = {
    "pages": "SELECT -page_authority FROM pages WHERE page = ?",
    "root_domains": "SELECT -domain_authority FROM root_domains WHERE root_domain = ?",
}


def _first(rows: list[tuple]) -> object:
    """The first column of a lookup's one row; None when nothing was found."""
    return rows[0][0] if rows else None


class IntersectRow(NamedTuple):
    page: str  # the source page, or root domain at root_domain scope
    title: str
    domain_authority: int
    spam_score: int
    matching_target_indexes: list[int]
    cursor: tuple


INTERSECT_SORTS = ("matching_target_count", "source_spam_score", "source_domain_authority")


def _linking_sources(
    stores: Stores, targets: Sequence[tuple[Scope, str]], source_scope: Scope
) -> list[linking_sources.Sources]:
    """Each target's sources (page ids or root domain names) with a live external link to it,
    with their DA and Spam Score. The targets' statements run together (`Stores.run_all`): at
    page scope the targets' numbers in one round, their sources in the next."""
    cons = [stores.of_key(scope, target) for scope, target in targets]
    if source_scope == "root_domain":
        statements = [
            (con, f"SELECT source, -neg_domain_authority, -neg_spam_score"
                  f" FROM {schema.linking_root_table(scope)} WHERE target = ? AND pages > 0",
             (target,))
            for con, (scope, target) in zip(cons, targets, strict=True)
        ]  # fmt: skip
        found = stores.run_all(statements)
        return [linking_sources.from_rows(rows, names=True) for rows in found]
    packed = linking_sources.has_packed_sql()
    ids = stores.run_all([
        (con, f"SELECT id, {packed} FROM {schema.link_key_table(scope)} WHERE key = ?", (target,))
        for con, (scope, target) in zip(cons, targets, strict=True)
    ])  # fmt: skip
    # Page ids are in name order, so they order and tie-break as the names would. A heavy
    # target's sources come packed from a file that has them (linking_sources.py).
    known = [n for n, rows in enumerate(ids) if rows]
    statements = []
    for n in known:
        (target, has_packed), scope = ids[n][0], targets[n][0]
        if has_packed:
            statements.append((cons[n], linking_sources.packed_or_rows_sql(scope), (target,) * 3))
        else:
            statements.append((cons[n], linking_sources.live_pages_sql(scope), (target,)))
    found = [linking_sources.from_rows([]) for _ in targets]
    for n, rows in zip(known, stores.run_all(statements), strict=True):
        found[n] = linking_sources.unpacked(rows)
    return found


def link_intersect(
    stores: Stores,
    positives: Sequence[tuple[Scope, str]],
    negatives: Sequence[tuple[Scope, str]],
    source_scope: Scope,
    sort: str,
    minimum_matching: int,
    after: tuple | None,
    limit: int,
) -> list[IntersectRow]:
    """Sources linking to at least ``minimum_matching`` positive targets and to no negative one.

    Every linking source of every target is combined here (index/intersect.py): the cost grows
    with the targets' linking sources, not with the page size.
    """

    every = _linking_sources(stores, [*negatives, *positives], source_scope)
    matches = intersect.ranked(
        every[: len(negatives)], every[len(negatives) :], sort, minimum_matching, after, limit
    )
    shown = [str(m.source) for m in matches]
    titles = [""] * len(matches)
    if source_scope == "page":
        names = _names_anywhere(stores, {int(m.source) for m in matches})
        shown = [names[int(m.source)] for m in matches]
        # The titles together: one round of statements to the shard hosts on a router.
        sql = "SELECT title FROM pages WHERE page = ?"
        found = stores.run_all([(stores.of_key("page", name), sql, (name,)) for name in shown])
        titles = [rows[0][0] if rows else "" for rows in found]
    return [
        IntersectRow(name, title, m.domain_authority, m.spam_score, m.matching_target_indexes,
                     m.cursor)
        for m, name, title in zip(matches, shown, titles, strict=True)
    ]  # fmt: skip


def _names_anywhere(stores: Stores, ids: set[int]) -> dict[int, str]:
    """Names of page numbers taken from several targets' rows: each shard knows the numbers its
    own rows name, under the same numbering, so the shards are asked until all are named."""
    names: dict[int, str] = {}
    for con in stores.every_shard():
        missing = ids - names.keys()
        if not missing:
            break
        names.update(page_names(con, missing))
    return names
