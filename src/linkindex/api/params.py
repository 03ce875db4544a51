"""The Moz parameter rules of the Links API V2, one small named check each.

Seed 002's parameter-compatibility table for linking_root_domains lives here, in words and code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from linkindex.api.errors import ApiError
from linkindex.urls import BadURL, CanonicalURL, cached_parse_target

LRD_SORTS = (
    "source_domain_authority",
    "source_link_propensity",
    "source_spam_score",
    "date_gained",
    "date_lost",
)
LRD_FILTERS = (
    "external",
    "follow",
    "nofollow",
    "deleted",
    "not_deleted",
    "gained_last_60_days",
    "lost_last_60_days",
)
DATE_SORTS = {"date_gained": "gained_last_60_days", "date_lost": "lost_last_60_days"}
# With a non-date sort, at most one of these may join 'external'.
LINK_STATE_FILTERS = ("follow", "nofollow", "deleted", "not_deleted")
RESULT_CAP = 10_000
_DATE_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def parse_target_param(value: str, name: str = "target") -> CanonicalURL:
    try:
        return cached_parse_target(value)
    except BadURL as exc:
        raise bad_request(f"{name} is not a valid URL: {exc}") from exc


def one_scope(scope: str | None, target_scope: str | None, default: str) -> str:
    """`scope` and `target_scope` are one parameter under two names (top_pages, anchor_text)."""
    if scope and target_scope and scope != target_scope:
        raise bad_request(
            f"scope {scope!r} and target_scope {target_scope!r} disagree:"
            " send one of them (they mean the same)"
        )
    return scope or target_scope or default


def parse_date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        if not _DATE_FORM.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise bad_request(f"{name} must be a date in YYYY-MM-DD form, got {value!r}") from None


def parse_filter(text: str, valid: tuple[str, ...]) -> frozenset[str]:
    tokens = [t.strip() for t in text.split("+")]
    if any(not t for t in tokens):
        raise bad_request(f"filter {text!r} has an empty term: join filters with '+'")
    unknown = [t for t in tokens if t not in valid]
    if unknown:
        raise bad_request(f"Unknown filter {unknown[0]!r}. Valid filters: {', '.join(valid)}")
    return frozenset(tokens)


@dataclass(frozen=True)
class LinkingRootDomainsRules:
    """A linking_root_domains request after every rule of seed 002 has been checked."""

    filters: frozenset[str]
    begin_date: date | None
    end_date: date | None
    capped: bool  # at most RESULT_CAP results unless sorted by DA with no filter beyond external


def check_linking_root_domains(
    sort: str, filter_text: str, begin_date: str | None, end_date: str | None
) -> LinkingRootDomainsRules:
    filters = parse_filter(filter_text, LRD_FILTERS)
    begin, end = parse_date(begin_date, "begin_date"), parse_date(end_date, "end_date")
    if "external" not in filters:
        raise bad_request("filter must include 'external' (for example 'external+follow')")
    if sort in DATE_SORTS:
        required = DATE_SORTS[sort]
        if filters != {"external", required}:
            raise bad_request(f"sort {sort!r} requires filter 'external+{required}'")
    else:
        if begin is not None or end is not None:
            raise bad_request(
                "begin_date and end_date can only be used when sort is 'date_gained' or 'date_lost'"
            )
        dated = sorted(filters & set(DATE_SORTS.values()))
        if dated:
            sort_needed = next(s for s, f in DATE_SORTS.items() if f == dated[0])
            raise bad_request(f"filter {dated[0]!r} requires sort {sort_needed!r}")
        extra = sorted(filters - {"external"})
        if len(extra) > 1:
            raise bad_request(
                f"filter combines at most one of {', '.join(LINK_STATE_FILTERS)} with"
                f" 'external'; got {'+'.join(['external', *extra])!r}"
            )
    if begin is not None and end is not None and begin > end:
        raise bad_request("begin_date is after end_date")
    capped = not (sort == "source_domain_authority" and filters == {"external"})
    return LinkingRootDomainsRules(filters, begin, end, capped)
