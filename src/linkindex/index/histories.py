"""Metric histories of a target (spec 2.5): daily and monthly values, gains and losses of its link
counts, derived from the link rows' first and lost days, and PA / DA kept from earlier builds.

Snapshot.metric_histories exposes it; docs/metrics.md ("Metric histories") states the rules.
A heavy target's link counts are read from the summary the store was written with
(index/history_summaries.py), made by this module's own computation.
"""

from __future__ import annotations

import calendar
import functools
import itertools
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from linkindex.index import schema
from linkindex.index.encoding import EPOCH, LINK_FLAG_BITS, day_number
from linkindex.index.link_queries import key_id
from linkindex.index.schema import URL_METRIC_FIELDS
from linkindex.link_metrics import (
    BUCKET_COUNT,
    BUCKETS,
    COUNT_UNITS,
    DISTRIBUTIONS,
    HOP,
    INDIRECT_COUNTS,
    INTO_HOP,
    PAGE_ATTRIBUTES,
    PAGE_COUNTS,
    ROOT_DOMAIN_ATTRIBUTES,
    ROOT_DOMAIN_COUNTS,
    mask,
)
from linkindex.urls import CanonicalURL, Scope

DAILY_DAYS = 60  # daily histories: the index date and the 60 days before it
MONTHLY_MONTHS = 32  # monthly histories: the index month and the 32 months before it

# Spec 2.5: every current link count (each *_to_* metric but the deleted_* ones), PA and DA.
COUNT_METRICS: tuple[str, ...] = tuple(
    f for f in URL_METRIC_FIELDS if "_to_" in f and not f.startswith("deleted_")
)
AUTHORITY_METRICS: tuple[str, ...] = ("page_authority", "domain_authority")
DELTA_METRICS: tuple[str, ...] = (*COUNT_METRICS, *AUTHORITY_METRICS)
# Value-only keys: a distribution (10 buckets, the rules of index/distributions.py) per date.
DISTRIBUTION_METRICS: tuple[str, ...] = (
    "root_domains_to_root_domain_by_root_domains",
    "nofollow_root_domains_to_root_domain_by_root_domains",
    "pages_to_root_domain_by_spam_score",
    "nofollow_pages_to_root_domain_by_spam_score",
    "root_domains_to_root_domain_by_spam_score",
    "nofollow_root_domains_to_root_domain_by_spam_score",
)
VALUE_METRICS: tuple[str, ...] = (*DELTA_METRICS, *DISTRIBUTION_METRICS)
assert len(COUNT_METRICS) == 27, COUNT_METRICS

HISTORY_KINDS = (
    "daily_history_deltas",
    "daily_history_values",
    "monthly_history_deltas",
    "monthly_history_values",
)
# metric -> the scope of its targets
AUTHORITY_TABLES = {
    table.removesuffix("_history"): scope
    for table, scope in schema.AUTHORITY_HISTORY_SCOPES.items()
}

_NEVER = np.iinfo(np.int64).max  # the lost day of a live link
_SLICE_ROWS = 1 << 18  # rows unpacked at once: 2**18 x ~95 grid days, about 25 MB of booleans
_SCOPES: tuple[Scope, ...] = ("page", "subdomain", "root_domain")
# The columns read per link row, in this order; the source's own scores only at root-domain
# scope (the distributions), the source subdomain only at subdomain scope. Fewer columns: the
# fetch is most of a heavy target's cost.
_COLUMNS = (
    "source_id", "source_root_id", "link_id", "flags", "first_day", "coalesce(lost_day, ?)",
    "source_subdomain_id", "-neg_spam_score", "-neg_root_domains_to_source_root_domain",
)  # fmt: skip
SOURCE, SOURCE_ROOT, LINK, FLAGS, FIRST, LOST, SOURCE_SUB, SPAM, ROOTS_TO_SOURCE_ROOT = range(9)
_WIDTH = {"page": 6, "subdomain": 7, "root_domain": 9}
_SOURCE_AT = {"page": SOURCE, "subdomain": SOURCE_SUB, "root_domain": SOURCE_ROOT}


def unknown_metric(asked: dict[str, Sequence[str]]) -> tuple[str, int, str] | None:
    """(history kind, position, name) of the first name spec 2.5 does not allow in that kind
    of history (deltas take DELTA_METRICS, values VALUE_METRICS); None when all are known."""
    for kind in HISTORY_KINDS:
        for i, name in enumerate(asked.get(kind) or ()):
            if name not in valid_metrics(kind):
                return kind, i, name
    return None


def valid_metrics(kind: str) -> tuple[str, ...]:
    return DELTA_METRICS if kind.endswith("_deltas") else VALUE_METRICS


def authority_table(metric: str) -> str:
    """The snapshot table holding a score's values from earlier builds (builder/metric_history)."""
    return f"{metric}_history"


@dataclass(frozen=True)
class HistoryRequest:
    """The metric names asked for in each of the four histories (empty = not asked)."""

    daily_history_deltas: tuple[str, ...] = ()
    daily_history_values: tuple[str, ...] = ()
    monthly_history_deltas: tuple[str, ...] = ()
    monthly_history_values: tuple[str, ...] = ()

    def asked(self) -> list[tuple[str, tuple[str, ...]]]:
        return [(k, getattr(self, k)) for k in HISTORY_KINDS if getattr(self, k)]


@dataclass(frozen=True)
class Calendar:
    """The dates of the four histories: (label, day) points and (label, day, day before) pairs."""

    index_date: date
    first_date: date | None  # the index's oldest capture: it knows nothing before that day

    def daily(self) -> list[tuple[str, date]]:
        days = [self.index_date - timedelta(days=k) for k in range(DAILY_DAYS + 1)]
        return [(d.isoformat(), d) for d in days]

    def monthly(self) -> list[tuple[str, date]]:
        """Each month's last day, the index date for the index's own month; newest first."""
        months = []
        year, month = self.index_date.year, self.index_date.month
        for _ in range(MONTHLY_MONTHS + 2):  # one more: the end before the oldest month
            end = date(year, month, calendar.monthrange(year, month)[1])
            months.append((f"{year:04d}-{month:02d}", min(end, self.index_date)))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return months

    def known(self, day: date) -> bool:
        return self.first_date is None or day >= self.first_date

    def points(self, kind: str) -> list[tuple[str, date]]:
        """Value dates, newest first; dates before the index's oldest capture are left out."""
        points = self.daily() if kind.startswith("daily") else self.monthly()[:-1]
        return [(label, day) for label, day in points if self.known(day)]

    def pairs(self, kind: str) -> list[tuple[str, date, date]]:
        """(label, day, the day it is compared with) for the deltas."""
        if kind.startswith("daily"):
            return [(label, d, d - timedelta(days=1)) for label, d in self.points(kind)]
        months = self.monthly()
        return [
            (label, day, months[i + 1][1])
            for i, (label, day) in enumerate(months[:-1])
            if self.known(day)
        ]

    def grid(self) -> np.ndarray:
        """The day numbers of every history's dates, in order: the days each is computed on
        (one grid whatever is asked, so a stored summary serves every request)."""
        return _grid(self)

    def delta_pairs(self) -> tuple[tuple[int, int], ...]:
        """Every (day, the day it is compared with) of the deltas, as day numbers."""
        return _delta_pairs(self)


# A snapshot has one calendar: its dates are worked out once, not on every request.
@functools.lru_cache(maxsize=16)
def _grid(when: Calendar) -> np.ndarray:
    days = {day for kind in HISTORY_KINDS for _, day in when.points(kind)}
    days.update(d for kind in HISTORY_KINDS for _, day, before in when.pairs(kind)
                for d in (day, before))  # fmt: skip
    grid = np.array(sorted(day_number(d) for d in days), dtype=np.int64)
    grid.flags.writeable = False
    return grid


@functools.lru_cache(maxsize=16)
def _delta_pairs(when: Calendar) -> tuple[tuple[int, int], ...]:
    pairs = (
        (day_number(day), day_number(before))
        for kind in HISTORY_KINDS
        if kind.endswith("_deltas")
        for _, day, before in when.pairs(kind)
    )
    return tuple(dict.fromkeys(pairs))


def calendar_of(meta: dict[str, object]) -> Calendar:
    """The calendar of a store from its meta (its index date and oldest capture)."""
    first = meta.get("first_capture_date")
    index_date = meta.get("index_date") or EPOCH.isoformat()
    oldest = date.fromisoformat(str(first)) if first else None
    return Calendar(date.fromisoformat(str(index_date)), oldest)


def metric_histories(
    con: sqlite3.Connection,
    target: CanonicalURL,
    when: Calendar,
    request: HistoryRequest,
    every_shard: Sequence[sqlite3.Connection] = (),
) -> dict[str, list[dict]]:
    """The asked histories of a target, keyed by the request's field names, in its order.

    ``con`` holds the target's rows; the links into the pages that hop to it are those pages'
    own rows, read from ``every_shard`` (default: ``con``, an unsharded snapshot)."""
    asked = request.asked()
    grid = when.grid()
    column = {d: i for i, d in enumerate(grid.tolist())}
    names = {name for _, metric_names in asked for name in metric_names}
    ids = {scope: key_id(con, scope, target.key(scope)) for scope in _SCOPES}
    root_id = ids["root_domain"] if ids["root_domain"] is not None else -1
    series = _CountSeries(con, ids, root_id, when, every_shard or (con,)).compute(names)
    series.update(_authority_series(con, target, grid, names))
    out: dict[str, list[dict]] = {}
    for kind, metric_names in asked:
        entries = []
        # The kind's dates as grid columns, once for all its metrics.
        at = [(label, column[day_number(day)]) for label, day in when.points(kind)]
        pairs = when.pairs(kind)
        now_at = [column[day_number(day)] for _, day, _ in pairs]
        before_at = [column[day_number(before)] for _, _, before in pairs]
        for name in metric_names:
            values = series[name]
            if kind.endswith("_values"):
                points = [
                    {"date": label, "value": _plain(values[i])}
                    for label, i in at
                    if values[i] is not None
                ]
                entries.append({"metric_name": name, "metric_values": points})
                continue
            if name in AUTHORITY_TABLES:
                changes = [
                    (label, values[i], values[j])
                    for (label, _, _), i, j in zip(pairs, now_at, before_at, strict=True)
                    if values[i] is not None and values[j] is not None
                ]  # no score before the first build: no change to show
                ups = [max(now - then, 0) for _, now, then in changes]
                downs = [max(then - now, 0) for _, now, then in changes]
                labels = [label for label, _, _ in changes]
            else:
                ups, downs = series.gains(name, now_at, before_at)
                labels = [label for label, _, _ in pairs]
            gained = [{"date": d, "count": int(n)} for d, n in zip(labels, ups, strict=True)]
            lost = [{"date": d, "count": int(n)} for d, n in zip(labels, downs, strict=True)]
            entries.append({"metric_name": name, "metric_deltas": {"gained": gained, "lost": lost}})
        out[kind] = entries
    return out


def _plain(value: object) -> object:
    return value.tolist() if isinstance(value, np.ndarray) else int(value)  # type: ignore[arg-type]


class _Series(dict):
    """metric name -> its value per grid day; counts also keep their units for the deltas.

    A count's units (linking pages or root domains) are kept as bitsets: one row per unit,
    bit k set when the unit counts on grid day k (np.packbits along the days)."""

    def __init__(self, days: int) -> None:
        super().__init__()
        self.days = days
        self.units: dict[str, np.ndarray] = {}
        # A stored count's gains and losses per (grid column, column before), instead of units.
        self.stored: dict[str, tuple[dict[tuple[int, int], int], np.ndarray, np.ndarray]] = {}

    def add_units(self, name: str, packed: np.ndarray) -> None:
        # Turned to one bitset per day over the units: a day's count is a popcount, and a
        # delta compares two contiguous rows.
        # In slices of units (a multiple of 8, so each fills whole bytes of by_day).
        by_day = np.zeros((self.days, (len(packed) + 7) // 8), dtype=np.uint8)
        for at in range(0, len(packed), _SLICE_ROWS):
            live = np.unpackbits(packed[at : at + _SLICE_ROWS], axis=1, count=self.days)
            by_day[:, at // 8 : at // 8 + (len(live) + 7) // 8] = np.packbits(live, axis=0).T
        self.units[name] = by_day
        self[name] = np.bitwise_count(by_day).sum(axis=1, dtype=np.int64)

    def gains(
        self, name: str, now_at: list[int], before_at: list[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per pair of grid days: units counted on the day and not the day before, and the
        reverse."""
        if name in self.stored:
            at, gained, lost = self.stored[name]
            rows = [at[pair] for pair in zip(now_at, before_at, strict=True)]
            return gained[rows], lost[rows]
        by_day = self.units[name]
        now, then = by_day[now_at], by_day[before_at]
        gained = np.bitwise_count(now & ~then).sum(axis=1, dtype=np.int64)
        lost = np.bitwise_count(then & ~now).sum(axis=1, dtype=np.int64)
        return gained, lost


def _day_counts(packed: np.ndarray, days: int) -> np.ndarray:
    """Per grid day, how many of the bitset rows have that day's bit (in slices of rows)."""
    counts = np.zeros(days, dtype=np.int64)
    for at in range(0, len(packed), _SLICE_ROWS):
        counts += np.unpackbits(packed[at : at + _SLICE_ROWS], axis=1, count=days).sum(
            axis=0, dtype=np.int64
        )
    return counts


def _any_per_unit(packed: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """OR of the bitset rows of each unit (rows sorted by unit; ``starts`` its first rows)."""
    if len(starts) == 0:
        return np.zeros((0, packed.shape[1]), dtype=np.uint8)
    return np.bitwise_or.reduceat(packed, starts, axis=0)


def _bytes(keep: np.ndarray) -> np.ndarray:
    """Booleans per row as one byte each (0xFF or 0), to AND or OR with bitset rows."""
    return np.where(keep, 0xFF, 0).astype(np.uint8)[:, None]


class _CountSeries:
    """The 27 link counts and the six distributions of one target on every day of a grid.

    Each row of link_rows is one link with its first and lost day, so the links live on day D
    are a column of a (rows x days) bit matrix; the counts' units (linking pages, linking root
    domains) are OR-reductions of the rows grouped per unit, as aggregates.py groups them.
    """

    def __init__(
        self,
        con: sqlite3.Connection,
        ids: dict[Scope, int | None],
        root_id: int,
        when: Calendar,
        every_shard: Sequence[sqlite3.Connection],
    ) -> None:
        """``ids``: the target's number at each scope (None: no link names it); ``root_id``:
        its root domain's number (-1 when none)."""
        self.con = con
        self.every_shard = every_shard
        self.when = when
        self.grid = when.grid()
        self.days = len(self.grid)
        self.ids = ids
        self.root_id = root_id

    def compute(self, names: set[str], stored: bool = True) -> _Series:
        """The asked metrics' series; a scope's from its stored summary when the store has
        one for the target (``stored``), computed from its link rows otherwise."""
        series = _Series(self.days)
        for scope in _SCOPES:
            wanted = names & set(scope_metrics(scope))
            if not wanted:
                continue
            summary = _stored_summary(self.con, scope, self.ids[scope]) if stored else None
            if summary is None or not _covers(summary, wanted, self.when):
                self._scope(scope, wanted, series)
            else:
                _read_summary(summary, wanted, self.when, series)
        return series

    def _rows(
        self, sql: str, params: Sequence[object], width: int, con: sqlite3.Connection | None = None
    ) -> np.ndarray:
        """A query's integer rows as an array, without a Python tuple per row kept around."""
        cursor = (con or self.con).execute(sql, params)
        flat = np.fromiter(itertools.chain.from_iterable(cursor), dtype=np.int64)
        return flat.reshape(-1, width)

    def _live(self, first: np.ndarray, lost: np.ndarray) -> np.ndarray:
        """Bit k of row r: the link is live on grid day k (gained on or before it, not lost)."""
        # In slices of rows: the unpacked (rows x days) booleans of a target with millions of
        # link rows would be hundreds of MB in one server worker.
        live = np.empty((len(first), (self.days + 7) // 8), dtype=np.uint8)
        grid = self.grid[None, :]
        for at in range(0, len(first), _SLICE_ROWS):
            part = slice(at, at + _SLICE_ROWS)
            live[part] = np.packbits(
                (first[part, None] <= grid) & (lost[part, None] > grid), axis=1
            )
        return live

    def _scope(self, scope: Scope, wanted: set[str], series: _Series) -> None:
        target_id = self.ids[scope]
        width = _WIDTH[scope]
        if target_id is None:
            rows = np.zeros((0, width), dtype=np.int64)
        else:
            sql = (
                f"SELECT {', '.join(_COLUMNS[:width])} FROM link_rows"
                f" WHERE {schema.LINK_TARGET_COLUMNS[scope]} = ?"
            )
            rows = self._rows(sql, (int(_NEVER), target_id), width)
        suffix = f"_to_{scope}"
        # Direct links from outside the target at its scope (via rows are the indirect ones).
        outside = rows[:, _SOURCE_AT[scope]] != (target_id if target_id is not None else -1)
        direct = rows[(rows[:, LINK] == 0) & outside]
        direct = direct[np.argsort(direct[:, SOURCE], kind="stable")]
        links = self._link_attributes(direct)
        _, starts = np.unique(direct[:, SOURCE], return_index=True)
        # Linking pages, and their counts (link_metrics.PAGE_COUNTS).
        page = {
            name: _any_per_unit(mask(where, links), starts)
            for name, where in PAGE_ATTRIBUTES.items()
        }
        page_root = direct[starts, SOURCE_ROOT]
        external = page_root != self.root_id
        page_units = {}
        for count in (c for c in PAGE_COUNTS if c.current):
            page_units[count.name] = units = mask(count.where, page)
            if count.external:
                page_units[f"external_{count.name}"] = units[external]
        # Linking root domains: other root domains with a linking page.
        order = np.argsort(page_root[external], kind="stable")
        _, root_starts = np.unique(page_root[external][order], return_index=True)
        root = {
            name: _any_per_unit(page[name][external][order], root_starts)
            for name in ROOT_DOMAIN_ATTRIBUTES
        }
        root_units = {c.name: mask(c.where, root) for c in ROOT_DOMAIN_COUNTS if c.current}
        for prefix, units in (*page_units.items(), *root_units.items()):
            if prefix + suffix in wanted:
                series.add_units(prefix + suffix, units)
        if {f"{c.name}{suffix}" for c in INDIRECT_COUNTS} & wanted:
            self._indirect(rows, suffix, wanted, series)
        if scope == "root_domain" and wanted & set(DISTRIBUTION_METRICS):
            # Each unit's own root domain's values (its Spam Score, its linking root domains).
            first_of_root = direct[starts][external][order][root_starts]
            by_unit = {
                "pages": direct[starts][external],
                "root_domains": first_of_root,
            }
            self._distributions(wanted, series, page_units, root_units, by_unit)

    def _link_attributes(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """The link attributes of link_metrics over link rows: ``live`` a bitset of the grid
        days, the others its 0x00 / 0xFF bytes, so a predicate over them is a bitset too."""
        flags = rows[:, FLAGS]
        return {
            "live": self._live(rows[:, FIRST], rows[:, LOST]),
            "followed": _bytes((flags & LINK_FLAG_BITS["nofollow"]) == 0),
            "redirect": _bytes((flags & LINK_FLAG_BITS["redirect"]) != 0),
            "rel_canonical": _bytes((flags & LINK_FLAG_BITS["rel_canonical"]) != 0),
        }

    def _indirect(self, rows: np.ndarray, suffix: str, wanted: set[str], series: _Series) -> None:
        """Links into a page P whose hop (link_metrics.HOP) leads to the target: a pair (link
        into P, hop P -> target) counts on the days both do, from root domains other than the
        target's. Lost hops count for the days they were live."""
        direct = rows[rows[:, LINK] == 0]
        hop_live = mask(HOP, self._link_attributes(direct))
        is_hop = hop_live.any(axis=1)
        hops, hop_live = direct[is_hop], hop_live[is_hop]
        by_via = np.argsort(hops[:, SOURCE], kind="stable")
        hops, hop_live = hops[by_via], hop_live[by_via]
        via_pages = np.unique(hops[:, SOURCE]).tolist()
        chunks = []
        for i in range(0, len(via_pages), 500):
            chunk = via_pages[i : i + 500]
            marks = ", ".join("?" for _ in chunk)
            sql = (
                "SELECT target_id, source_id, source_root_id, first_day, coalesce(lost_day, ?)"
                f" FROM link_rows WHERE target_id IN ({marks}) AND link_id = 0"
            )
            # A page's own incoming links are in its root domain's shard; numbers are global.
            chunks += [self._rows(sql, [int(_NEVER), *chunk], 5, c) for c in self.every_shard]
        links = np.concatenate(chunks) if chunks else np.zeros((0, 5), dtype=np.int64)
        links = links[links[:, 2] != self.root_id]
        into_live = mask(INTO_HOP, {"live": self._live(links[:, 3], links[:, 4])})
        # Pair each link into P with each hop out of P (hops are sorted by P).
        lo = np.searchsorted(hops[:, SOURCE], links[:, 0], side="left")
        hi = np.searchsorted(hops[:, SOURCE], links[:, 0], side="right")
        counts = hi - lo
        link_of_pair = np.repeat(np.arange(len(links)), counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        hop_of_pair = np.repeat(lo, counts) + offsets
        live = into_live[link_of_pair] & hop_live[hop_of_pair]
        unit_columns = {"root_domains": 2, "pages": 1}
        for count in INDIRECT_COUNTS:
            name = f"{count.name}{suffix}"
            if name not in wanted:
                continue
            units = links[link_of_pair, unit_columns[count.unit]]
            order = np.argsort(units, kind="stable")
            _, unit_starts = np.unique(units[order], return_index=True)
            series.add_units(name, _any_per_unit(live[order], unit_starts))

    def _distributions(
        self,
        wanted: set[str],
        series: _Series,
        page_units: dict[str, np.ndarray],
        root_units: dict[str, np.ndarray],
        by_unit: dict[str, np.ndarray],
    ) -> None:
        """Each day's 10 buckets (link_metrics.DISTRIBUTIONS) of the root-domain scope's units,
        by their root domain's current Spam Score or linking root domains; linkers without a
        Spam Score are left out."""
        values = {"spam_score": SPAM, "root_domains": ROOTS_TO_SOURCE_ROOT}
        for d in DISTRIBUTIONS:
            if d.name not in wanted:
                continue
            unit = COUNT_UNITS[d.count]
            # At root-domain scope every linking page is on another root domain.
            live = page_units[f"external_{d.count}"] if unit == "pages" else root_units[d.count]
            buckets = BUCKETS[d.by].of(by_unit[unit][:, values[d.by]])
            counts = np.stack(
                [_day_counts(live[buckets == b], self.days) for b in range(BUCKET_COUNT)]
            )  # (10 buckets x days)
            series[d.name] = [counts[:, k] for k in range(counts.shape[1])]


def scope_metrics(scope: Scope) -> tuple[str, ...]:
    """The metrics of the link rows at a scope: its counts, and at root-domain scope the
    distributions."""
    counts = tuple(n for n in COUNT_METRICS if n.endswith(f"_to_{scope}"))
    return (*counts, *DISTRIBUTION_METRICS) if scope == "root_domain" else counts


# A summary row: (metric, values, gained, lost), arrays of little-endian int64 over the grid
# of the store's calendar (Calendar.grid; a distribution's values are 10 per day) and over its
# delta pairs (Calendar.delta_pairs; empty for a distribution, which has no deltas).
SummaryRow = tuple[str, bytes, bytes, bytes]
_STORED = np.dtype("<i8")


def summary_rows(
    con: sqlite3.Connection,
    scope: Scope,
    target_id: int,
    when: Calendar,
    every_shard: Sequence[sqlite3.Connection],
) -> list[SummaryRow]:
    """Every metric of a target at a scope on every date of every history, computed from its
    link rows as a request computes them: what a store keeps for a heavy target."""
    column = schema.LINK_TARGET_COLUMNS[scope]
    sql = f"SELECT target_root_id FROM link_rows WHERE {column} = ? LIMIT 1"
    found = con.execute(sql, (target_id,)).fetchone()
    ids: dict[Scope, int | None] = dict.fromkeys(_SCOPES)
    ids[scope] = target_id
    counts = _CountSeries(con, ids, found[0] if found else -1, when, every_shard)
    series = counts.compute(set(scope_metrics(scope)), stored=False)
    at = {d: i for i, d in enumerate(counts.grid.tolist())}
    pairs = when.delta_pairs()
    now_at, before_at = [at[d] for d, _ in pairs], [at[b] for _, b in pairs]
    rows = []
    for name in scope_metrics(scope):
        values = np.asarray(series[name], dtype=_STORED)
        if name in series.units:
            gained, lost = series.gains(name, now_at, before_at)
        else:
            gained = lost = np.zeros(0, dtype=_STORED)
        rows.append((name, *(a.astype(_STORED).tobytes() for a in (values, gained, lost))))
    return rows


def _stored_summary(
    con: sqlite3.Connection, scope: Scope, target_id: int | None
) -> list[SummaryRow] | None:
    """The summary the store keeps for a target at a scope, if it is heavy there."""
    if target_id is None or not _has_table(con, schema.HISTORY_SUMMARY_TABLE):
        return None
    sql = (
        f"SELECT metric, value, gained, lost FROM {schema.HISTORY_SUMMARY_TABLE}"
        " WHERE scope = ? AND target_id = ?"
    )
    rows = con.execute(sql, (scope, target_id)).fetchall()
    return rows or None


def _covers(rows: list[SummaryRow], wanted: set[str], when: Calendar) -> bool:
    """Whether a stored summary holds every wanted metric over this calendar's dates: one
    written by another linkindex (a metric added since, another history length) is not read,
    the target's histories are computed from its link rows instead."""
    days, pairs = len(when.grid()), len(when.delta_pairs())
    sizes = {name: (len(value), len(gained)) for name, value, gained, _ in rows}
    step = _STORED.itemsize
    for name in wanted:
        if name in DISTRIBUTION_METRICS:
            want = (days * BUCKET_COUNT * step, 0)
        else:
            want = (days * step, pairs * step)
        if sizes.get(name) != want:
            return False
    return True


def _read_summary(
    rows: list[SummaryRow], wanted: set[str], when: Calendar, series: _Series
) -> None:
    """The wanted metrics of a stored summary into ``series`` (over the calendar's grid)."""
    grid = when.grid()
    pairs: dict[tuple[int, int], int] = {}
    for name, value, gained, lost in rows:
        if name not in wanted:
            continue
        values = np.frombuffer(value, dtype=_STORED).astype(np.int64)
        if name in DISTRIBUTION_METRICS:
            series[name] = list(values.reshape(len(grid), BUCKET_COUNT))
            continue
        series[name] = values
        if not pairs:
            at = {d: i for i, d in enumerate(grid.tolist())}
            pairs = {(at[d], at[b]): k for k, (d, b) in enumerate(when.delta_pairs())}
        series.stored[name] = (
            pairs,
            np.frombuffer(gained, dtype=_STORED).astype(np.int64),
            np.frombuffer(lost, dtype=_STORED).astype(np.int64),
        )


def _authority_series(
    con: sqlite3.Connection, target: CanonicalURL, grid: np.ndarray, names: set[str]
) -> dict[str, list[int | None]]:
    """PA / DA on each grid day: the value of the newest build on or before it (None before
    the first build that scored the target)."""
    out: dict[str, list[int | None]] = {}
    for metric, scope in AUTHORITY_TABLES.items():
        if metric not in names:
            continue
        target_id = key_id(con, scope, target.key(scope))
        rows: Sequence[tuple[int, int]] = []
        if target_id is not None and _has_table(con, authority_table(metric)):
            sql = (
                f"SELECT day, value FROM {authority_table(metric)} WHERE target_id = ? ORDER BY day"
            )
            rows = con.execute(sql, (target_id,)).fetchall()
        stored_days = np.array([d for d, _ in rows], dtype=np.int64)
        values = [v for _, v in rows]
        at = np.searchsorted(stored_days, grid, side="right") - 1
        out[metric] = [values[i] if i >= 0 else None for i in at.tolist()]
    return out


def _has_table(con: sqlite3.Connection, name: str) -> bool:
    sql = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?"
    return con.execute(sql, (name,)).fetchone() is not None
