"""The parameter rules of the link-level endpoints: links, anchor_text, link_status, link_intersect.

One small named check per rule; each error message says what to send instead (docs/api.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linkindex.api.params import bad_request, parse_filter
from linkindex.index import link_queries, schema

LINKS_SORTS = tuple(schema.LINK_SORT_COLUMNS)
LINKS_DEFAULT_SORT = "source_page_authority"
LINKS_FILTERS = link_queries.LINK_FILTERS
# The filters that ask for lost links; without one, a list shows links that exist now.
_LOST_FILTERS = frozenset({"deleted", "lost_last_60_days"})
NO_ANCHOR_TEXT = "\u0000"  # spec 1.4: a lone NUL asks for links without anchor text
LINK_STATUS_MAX_SOURCES = 50
INTERSECT_MAX_TARGETS = 6  # positive and negative together (spec 1.4, JSON-RPC twin)
INTERSECT_SORTS = ("matching_target_count", "source_spam_score", "source_domain_authority")
INTERSECT_SOURCE_SCOPES = ("page", "root_domain")
INTERSECT_ROWS_PER_RESULT = 5  # spec 1.1: link_intersect is a weighted endpoint
# The intersect rules as the OpenAPI document states them. A schema checks one field at a time,
# so the bounds that depend on another field (the total of both lists; a minimum no larger than
# the positive list) are its widest values plus words; check_intersect_targets enforces them.
INTERSECT_POSITIVE_SCHEMA = {
    "maxItems": INTERSECT_MAX_TARGETS,
    "description": f"At least 1; the sites to match and the sites to exclude together at most"
    f" {INTERSECT_MAX_TARGETS} (more is a 400).",
}
INTERSECT_NEGATIVE_SCHEMA = {
    "maxItems": INTERSECT_MAX_TARGETS - 1,
    "description": f"The sites to match and the sites to exclude together at most"
    f" {INTERSECT_MAX_TARGETS} (more is a 400).",
}
INTERSECT_MINIMUM_SCHEMA = {
    "maximum": INTERSECT_MAX_TARGETS,
    "description": "1 to the number of sites to match (null: 1); a number larger than that is"
    " a 400.",
}
_TAG = re.compile(r"<[^>]*>")


def normalize_anchor(text: str) -> str:
    """Strip tags, collapse whitespace, trim, lowercase: as stored (builder/link_outputs.py)."""
    return re.sub(r"[\t\n\f\r ]+", " ", _TAG.sub("", text)).strip(" ").lower()


def check_choice(name: str, value: str, valid: tuple[str, ...]) -> str:
    if value not in valid:
        raise bad_request(f"Invalid {name} {value!r}. Valid values: {', '.join(valid)}")
    return value


@dataclass(frozen=True)
class LinkFilters:
    """A links filter expression: the names asked for, and the names the index is asked."""

    names: frozenset[str]  # as the request sent them (what a continuation token matches)
    query: frozenset[str]  # names plus 'not_deleted' unless lost links are asked for


def check_links_filter(text: str) -> LinkFilters:
    """Spec 2.4: '+'-combined; with more than one filter, 'external' must be one of them."""
    return links_filters(parse_filter(text, LINKS_FILTERS), text)


def links_filters(names: frozenset[str], text: str) -> LinkFilters:
    """Filter names already known valid, checked together; none at all is every live link."""
    if len(names) > 1 and "external" not in names:
        raise bad_request(
            "filter combines several terms without 'external': with more than one filter,"
            f" 'external' must be one of them (for example 'external+{sorted(names)[0]}')"
        )
    if link_queries.contradictory(names):
        raise bad_request(f"filter {text!r} asks for a link state and its opposite")
    # Like linking_root_domains, a list shows links that exist now unless the filter asks for
    # lost ones ('deleted' or 'lost_last_60_days').
    query = names if names & _LOST_FILTERS else names | {"not_deleted"}
    return LinkFilters(names=names, query=query)


def check_links_anchor(anchor_text: str | None) -> str | None:
    """The anchor_text filter in its stored form; "\\u0000" matches links without anchor text."""
    if anchor_text is None:
        return None
    if anchor_text == NO_ANCHOR_TEXT:
        return ""
    normalized = normalize_anchor(anchor_text)
    if not normalized:
        raise bad_request(
            'anchor_text is empty after normalisation: send "\\u0000" for links without'
            " anchor text, or leave anchor_text out"
        )
    return normalized


def check_limited_subdomains(subdomains: list[str] | None, sort: str | None) -> None:
    if subdomains is not None and sort is None:
        raise bad_request(
            "subdomains_limited_to_one requires sort: send 'sort' explicitly (for example"
            f" {LINKS_DEFAULT_SORT!r})"
        )


def check_intersect_targets(positives: int, negatives: int, minimum: int | None) -> int:
    """At least one positive target, at most six in all; minimum within 1..positives."""
    if positives + negatives > INTERSECT_MAX_TARGETS:
        raise bad_request(
            f"link_intersect takes at most {INTERSECT_MAX_TARGETS} targets in total"
            f" (positive_targets and negative_targets); got {positives + negatives}"
        )
    if minimum is not None and minimum > positives:
        raise bad_request(
            f"minimum_matching_targets is {minimum} but there are only {positives} positive_targets"
        )
    return minimum or 1
