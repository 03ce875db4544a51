"""Metric histories of a target (spec 2.5): daily and monthly values, gains and losses of its link
counts, derived from the link rows' first and lost days, and PA / DA kept from earlier builds.

Snapshot.metric_histories exposes it; docs/metrics.md ("Metric histories") states the rules.
"""

from __future__ import annotations

import calendar
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from linkindex.index import schema
from linkindex.index.link_queries import day_number, key_id
from linkindex.index.schema import (
    LINK_NOFOLLOW,
    LINK_REDIRECT,
    LINK_REL_CANONICAL,
    URL_METRIC_FIELDS,
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
AUTHORITY_TABLES = {"page_authority": "page", "domain_authority": "root_domain"}

_NEVER = np.iinfo(np.int64).max  # the lost day of a live link
_SCOPES: tuple[Scope, ...] = ("page", "subdomain", "root_domain")
_ROW_SQL = (
    "SELECT source_id, source_subdomain_id, source_root_id, target_id, target_subdomain_id,"
    " target_root_id, link_id, flags, first_day, coalesce(lost_day, ?),"
    " -neg_spam_score, -neg_root_domains_to_source_root_domain"
    " FROM link_rows WHERE {column} = ?"
)
(SOURCE, SOURCE_SUB, SOURCE_ROOT, TARGET, TARGET_SUB, TARGET_ROOT, LINK, FLAGS, FIRST, LOST,
 SPAM, ROOTS_TO_SOURCE_ROOT) = range(12)  # fmt: skip
_SOURCE_AT = {"page": SOURCE, "subdomain": SOURCE_SUB, "root_domain": SOURCE_ROOT}
_TARGET_AT = {"page": TARGET, "subdomain": TARGET_SUB, "root_domain": TARGET_ROOT}


def authority_table(metric: str) -> str:
    """The snapshot table holding a score's values from earlier builds (build/metric_history)."""
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


def metric_histories(
    con: sqlite3.Connection,
    target: CanonicalURL,
    when: Calendar,
    request: HistoryRequest,
) -> dict[str, list[dict]]:
    """The asked histories of a target, keyed by the request's field names, in its order."""
    asked = request.asked()
    days: set[date] = set()
    for kind, _ in asked:
        if kind.endswith("_values"):
            days.update(day for _, day in when.points(kind))
        else:
            days.update(d for _, day, before in when.pairs(kind) for d in (day, before))
    grid = np.array(sorted(day_number(d) for d in days), dtype=np.int64)
    column = {d: i for i, d in enumerate(grid.tolist())}
    names = {name for _, metric_names in asked for name in metric_names}
    series = _CountSeries(con, target, grid).compute(names)
    series.update(_authority_series(con, target, grid, names))
    out: dict[str, list[dict]] = {}
    for kind, metric_names in asked:
        entries = []
        for name in metric_names:
            values = series[name]
            if kind.endswith("_values"):
                points = [
                    {"date": label, "value": _plain(values[column[day_number(day)]])}
                    for label, day in when.points(kind)
                    if values[column[day_number(day)]] is not None
                ]
                entries.append({"metric_name": name, "metric_values": points})
                continue
            gained, lost = [], []
            for label, day, before in when.pairs(kind):
                now, then = values[column[day_number(day)]], values[column[day_number(before)]]
                if name in AUTHORITY_TABLES:
                    if now is None or then is None:
                        continue  # no score before the first build: no change to show
                    up, down = max(now - then, 0), max(then - now, 0)
                else:
                    up, down = series.gains(
                        name, column[day_number(day)], column[day_number(before)]
                    )
                gained.append({"date": label, "count": int(up)})
                lost.append({"date": label, "count": int(down)})
            entries.append({"metric_name": name, "metric_deltas": {"gained": gained, "lost": lost}})
        out[kind] = entries
    return out


def _plain(value: object) -> object:
    return value.tolist() if isinstance(value, np.ndarray) else int(value)  # type: ignore[arg-type]


class _Series(dict):
    """metric name -> its value per grid day; counts also keep their units for the deltas."""

    def __init__(self) -> None:
        super().__init__()
        self.units: dict[str, np.ndarray] = {}

    def add_units(self, name: str, live: np.ndarray) -> None:
        self.units[name] = live
        self[name] = live.sum(axis=0, dtype=np.int64)

    def gains(self, name: str, day: int, before: int) -> tuple[int, int]:
        """Units counted on the day and not the day before, and the reverse."""
        live = self.units[name]
        now, then = live[:, day], live[:, before]
        return int(np.count_nonzero(now & ~then)), int(np.count_nonzero(then & ~now))


class _CountSeries:
    """The 27 link counts and the six distributions of one target on every day of a grid.

    Each row of link_rows is one link with its first and lost day, so the links live on day D
    are a column of a (rows x days) matrix; the counts' units (linking pages, linking root
    domains) are OR-reductions of the rows grouped per unit, as aggregates.py groups them.
    """

    def __init__(self, con: sqlite3.Connection, target: CanonicalURL, grid: np.ndarray) -> None:
        self.con = con
        self.target = target
        self.grid = grid
        self.ids = {scope: key_id(con, scope, target.key(scope)) for scope in _SCOPES}

    def compute(self, names: set[str]) -> _Series:
        series = _Series()
        for scope in _SCOPES:
            wanted = {n for n in names if n in COUNT_METRICS and n.endswith(f"_to_{scope}")}
            if scope == "root_domain":
                wanted |= names & set(DISTRIBUTION_METRICS)
            if wanted:
                self._scope(scope, wanted, series)
        return series

    def _rows(self, column: str, value: int | None) -> np.ndarray:
        if value is None:
            return np.zeros((0, 12), dtype=np.int64)
        sql = _ROW_SQL.format(column=column)
        rows = self.con.execute(sql, (int(_NEVER), value)).fetchall()
        return np.array(rows, dtype=np.int64).reshape(-1, 12)

    def _live(self, first: np.ndarray, lost: np.ndarray) -> np.ndarray:
        """live[r, k]: the link is live on grid day k (gained on or before it, not yet lost)."""
        return (first[:, None] <= self.grid[None, :]) & (lost[:, None] > self.grid[None, :])

    def _scope(self, scope: Scope, wanted: set[str], series: _Series) -> None:
        target_id = self.ids[scope]
        rows = self._rows(schema.LINK_TARGET_COLUMNS[scope], target_id)
        root_id = self.ids["root_domain"]
        days = len(self.grid)
        suffix = f"_to_{scope}"
        # Direct links from outside the target at its scope (via rows are the indirect ones).
        direct = rows[(rows[:, LINK] == 0) & (rows[:, _SOURCE_AT[scope]] != target_id)]
        direct = direct[np.argsort(direct[:, SOURCE], kind="stable")]
        live = self._live(direct[:, FIRST], direct[:, LOST])
        followed = (direct[:, FLAGS] & LINK_NOFOLLOW) == 0
        redirect = (direct[:, FLAGS] & LINK_REDIRECT) != 0
        pages, starts = np.unique(direct[:, SOURCE], return_index=True)
        if len(pages):
            page_live = np.logical_or.reduceat(live, starts, axis=0)
            page_follow = np.logical_or.reduceat(live & followed[:, None], starts, axis=0)
            page_redirect = np.logical_or.reduceat(live & redirect[:, None], starts, axis=0)
        else:
            page_live = page_follow = page_redirect = np.zeros((0, days), dtype=bool)
        page_root = direct[starts, SOURCE_ROOT]
        page_spam = direct[starts, SPAM]
        external = page_root != (root_id if root_id is not None else -1)
        page_nofollow = page_live & ~page_follow
        by_page = {
            "pages": page_live,
            "nofollow_pages": page_nofollow,
            "redirect_pages": page_redirect,
            "external_pages": page_live[external],
            "external_nofollow_pages": page_nofollow[external],
            "external_redirect_pages": page_redirect[external],
        }
        for prefix, units in by_page.items():
            if prefix + suffix in wanted:
                series.add_units(prefix + suffix, units)
        # Linking root domains: other root domains with a live linking page.
        order = np.argsort(page_root[external], kind="stable")
        ext_roots = page_root[external][order]
        roots, root_starts = np.unique(ext_roots, return_index=True)
        if len(roots):
            root_live = np.logical_or.reduceat(page_live[external][order], root_starts, axis=0)
            root_follow = np.logical_or.reduceat(
                (page_live & page_follow)[external][order], root_starts, axis=0
            )
        else:
            root_live = root_follow = np.zeros((0, days), dtype=bool)
        root_nofollow = root_live & ~root_follow
        for prefix, units in (
            ("root_domains", root_live),
            ("nofollow_root_domains", root_nofollow),
        ):
            if prefix + suffix in wanted:
                series.add_units(prefix + suffix, units)
        if scope != "page" and scope != "root_domain":
            return
        if {f"indirect_root_domains{suffix}", f"external_indirect_pages{suffix}"} & wanted:
            self._indirect(scope, rows, suffix, wanted, series)
        if scope == "root_domain" and wanted & set(DISTRIBUTION_METRICS):
            first_of_root = direct[starts][external][order][root_starts]
            spam_ext = page_spam[external]
            self._distributions(
                wanted, series,
                page_live[external], page_nofollow[external], spam_ext,
                root_live, root_nofollow, first_of_root[:, SPAM],
                first_of_root[:, ROOTS_TO_SOURCE_ROOT],
            )  # fmt: skip

    def _indirect(
        self, scope: Scope, rows: np.ndarray, suffix: str, wanted: set[str], series: _Series
    ) -> None:
        """Links to a page P that redirects or declares its canonical to the target: a pair
        (link into P, hop P -> target) is live while both are, from root domains other than
        the target's. Lost hops count for the days they were live."""
        root_id = self.ids["root_domain"]
        days = len(self.grid)
        hop_mask = (rows[:, LINK] == 0) & (
            (rows[:, FLAGS] & (LINK_REDIRECT | LINK_REL_CANONICAL)) != 0
        )
        hops = rows[hop_mask]
        hops = hops[np.argsort(hops[:, SOURCE], kind="stable")]
        via_pages = np.unique(hops[:, SOURCE]).tolist()
        incoming = []
        for i in range(0, len(via_pages), 500):
            chunk = via_pages[i : i + 500]
            marks = ", ".join("?" for _ in chunk)
            sql = (
                "SELECT target_id, source_id, source_root_id, first_day, coalesce(lost_day, ?)"
                f" FROM link_rows WHERE target_id IN ({marks}) AND link_id = 0"
            )
            incoming += self.con.execute(sql, [int(_NEVER), *chunk]).fetchall()
        links = np.array(incoming, dtype=np.int64).reshape(-1, 5)
        links = links[links[:, 2] != (root_id if root_id is not None else -1)]
        # Pair each link into P with each hop out of P (hops are sorted by P).
        lo = np.searchsorted(hops[:, SOURCE], links[:, 0], side="left")
        hi = np.searchsorted(hops[:, SOURCE], links[:, 0], side="right")
        counts = hi - lo
        link_of_pair = np.repeat(np.arange(len(links)), counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        hop_of_pair = np.repeat(lo, counts) + offsets
        start = np.maximum(links[link_of_pair, 3], hops[hop_of_pair, FIRST])
        end = np.minimum(links[link_of_pair, 4], hops[hop_of_pair, LOST])
        live = self._live(start, end)
        for name, unit_column in (
            (f"indirect_root_domains{suffix}", 2),
            (f"external_indirect_pages{suffix}", 1),
        ):
            if name not in wanted:
                continue
            units = links[link_of_pair, unit_column]
            order = np.argsort(units, kind="stable")
            _, unit_starts = np.unique(units[order], return_index=True)
            unit_live = (
                np.logical_or.reduceat(live[order], unit_starts, axis=0)
                if len(unit_starts)
                else np.zeros((0, days), dtype=bool)
            )
            series.add_units(name, unit_live)

    def _distributions(
        self,
        wanted: set[str],
        series: _Series,
        page_live: np.ndarray,
        page_nofollow: np.ndarray,
        page_spam: np.ndarray,
        root_live: np.ndarray,
        root_nofollow: np.ndarray,
        root_spam: np.ndarray,
        root_linkers: np.ndarray,
    ) -> None:
        """Each day's 10 buckets, by the linkers' current Spam Score or linking root domains
        (index/distributions.py's buckets); linkers without a Spam Score are left out."""
        by_root_domains = np.where(
            root_linkers <= 0, 0, np.minimum(np.char.str_len(root_linkers.astype(str)), 9)
        )
        by_page_spam = np.clip((page_spam - 1) // 10, 0, 9)
        by_root_spam = np.clip((root_spam - 1) // 10, 0, 9)
        arrays = {
            "root_domains_to_root_domain_by_root_domains": (root_live, by_root_domains, None),
            "nofollow_root_domains_to_root_domain_by_root_domains": (
                root_nofollow, by_root_domains, None),
            "pages_to_root_domain_by_spam_score": (page_live, by_page_spam, page_spam),
            "nofollow_pages_to_root_domain_by_spam_score": (page_nofollow, by_page_spam, page_spam),
            "root_domains_to_root_domain_by_spam_score": (root_live, by_root_spam, root_spam),
            "nofollow_root_domains_to_root_domain_by_spam_score": (
                root_nofollow, by_root_spam, root_spam),
        }  # fmt: skip
        for name, (live, buckets, spam) in arrays.items():
            if name not in wanted:
                continue
            keep = np.ones(len(buckets), dtype=bool) if spam is None else spam >= 0
            one_hot = np.zeros((10, len(buckets)), dtype=np.int64)
            one_hot[buckets[keep], np.nonzero(keep)[0]] = 1
            counts = one_hot @ live.astype(np.int64)  # (10 buckets x days)
            series[name] = [counts[:, k] for k in range(counts.shape[1])]


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
