"""Every link count of URL metrics and every distribution's buckets, declared once as data;
the builder's SQL, the index's SQL and the histories' numpy bitsets are rendered from here.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

SCOPES = ("page", "subdomain", "root_domain")


@dataclass(frozen=True)
class Has:
    """An attribute is true (a link is live, a page has a followed link, ...)."""

    name: str


@dataclass(frozen=True)
class Not:
    term: Predicate


@dataclass(frozen=True)
class All:
    terms: tuple[Predicate, ...]


@dataclass(frozen=True)
class AnyOf:
    terms: tuple[Predicate, ...]


Predicate = Has | Not | All | AnyOf


def sql(predicate: Predicate, columns: Mapping[str, str] | None = None) -> str:
    """The predicate as a SQL condition; ``columns`` maps an attribute to its SQL expression
    (default: a column of the same name)."""
    if isinstance(predicate, Has):
        return (columns or {}).get(predicate.name, predicate.name)
    if isinstance(predicate, Not):
        return f"NOT {_sql_term(predicate.term, columns)}"
    joiner = " AND " if isinstance(predicate, All) else " OR "
    return joiner.join(_sql_term(t, columns) for t in predicate.terms)


def _sql_term(predicate: Predicate, columns: Mapping[str, str] | None) -> str:
    text = sql(predicate, columns)
    return text if isinstance(predicate, Has) and " " not in text else f"({text})"


def mask(predicate: Predicate, values: Mapping[str, np.ndarray]) -> np.ndarray:
    """The predicate over numpy arrays: booleans per row, or bitsets (one bit per day, packed as
    uint8, with booleans given as 0x00 / 0xFF bytes); NOT, AND and OR are ~, & and |."""
    if isinstance(predicate, Has):
        return values[predicate.name]
    if isinstance(predicate, Not):
        return ~mask(predicate.term, values)
    combine = operator.and_ if isinstance(predicate, All) else operator.or_
    return functools.reduce(combine, (mask(t, values) for t in predicate.terms))


# A count counts units (linking pages, or linking root domains) of a target at a scope. A
# unit's attributes are ORs over what it holds: a linking page's over its links to the target
# (PAGE_ATTRIBUTES, predicates over the link attributes live, followed, redirect,
# rel_canonical), a linking root domain's over its linking pages (the same names). A count is
# a predicate over its unit's attributes (``where``). docs/metrics.md says each in words.
LIVE = Has("live")
LIVE_FOLLOW = Has("live_follow")
LIVE_REDIRECT = Has("live_redirect")
# A unit linking now only through nofollow links; the same rule for pages and root domains.
NOFOLLOW = All((LIVE, Not(LIVE_FOLLOW)))

# A linking page's attributes, each true when any of its links to the target satisfies it.
PAGE_ATTRIBUTES: dict[str, Predicate] = {
    "live": LIVE,
    "live_follow": All((LIVE, Has("followed"))),
    "live_redirect": All((LIVE, Has("redirect"))),
}
# A linking root domain's attributes: any of its linking pages has the attribute.
ROOT_DOMAIN_ATTRIBUTES = ("live", "live_follow")


@dataclass(frozen=True)
class LinkCount:
    """``{name}_to_{scope}`` at every scope: the units satisfying ``where``; with ``external``,
    also ``external_{name}_to_{scope}``, the same from other root domains than the target's.
    Counts of root domains count other root domains only. ``current`` counts are of units
    linking now (they have histories); the others count units that no longer do."""

    name: str
    unit: Literal["pages", "root_domains"]
    where: Predicate
    external: bool = False
    current: bool = True

    def fields(self, scope: str) -> list[str]:
        names = [self.name, f"external_{self.name}"] if self.external else [self.name]
        return [f"{n}_to_{scope}" for n in names]


LINK_COUNTS: tuple[LinkCount, ...] = (
    LinkCount("pages", "pages", LIVE, external=True),
    LinkCount("nofollow_pages", "pages", NOFOLLOW, external=True),
    LinkCount("redirect_pages", "pages", LIVE_REDIRECT, external=True),
    LinkCount("deleted_pages", "pages", Not(LIVE), current=False),
    LinkCount("root_domains", "root_domains", LIVE),
    LinkCount("deleted_root_domains", "root_domains", Not(LIVE), current=False),
    LinkCount("nofollow_root_domains", "root_domains", NOFOLLOW),
)
PAGE_COUNTS = tuple(c for c in LINK_COUNTS if c.unit == "pages")
ROOT_DOMAIN_COUNTS = tuple(c for c in LINK_COUNTS if c.unit == "root_domains")
COUNT_UNITS = {c.name: c.unit for c in LINK_COUNTS}

# A linking-root-domain row (the builder's linking_roots_<scope>, the snapshot's tables of the
# same name) holds per count of pages the number of its pages counted (a column named after
# the count) and has_follow; its attributes are these expressions over them.
LINKING_ROOT_ATTRIBUTE_COLUMNS = {"live": "pages > 0", "live_follow": "has_follow"}

# Indirect links: S links to a page P that redirects (or declares its canonical) to the
# target T. A pair (link S -> P, hop P -> T) counts while both are live, from root domains
# other than T's; the units are S's root domain or S's page.
HOP = All((LIVE, AnyOf((Has("redirect"), Has("rel_canonical")))))
INTO_HOP = LIVE


@dataclass(frozen=True)
class IndirectCount:
    name: str
    unit: Literal["pages", "root_domains"]
    scopes: tuple[str, ...]


INDIRECT_COUNTS: tuple[IndirectCount, ...] = (
    IndirectCount("indirect_root_domains", "root_domains", ("page", "root_domain")),
    IndirectCount("external_indirect_pages", "pages", ("root_domain",)),
)


def count_fields() -> list[str]:
    """Every ``*_to_*`` field these declarations define (33: 27 current, 6 deleted_*)."""
    fields = [f for scope in SCOPES for c in LINK_COUNTS for f in c.fields(scope)]
    return fields + [f"{c.name}_to_{s}" for c in INDIRECT_COUNTS for s in c.scopes]


BUCKET_COUNT = 10


@dataclass(frozen=True)
class Buckets:
    """10 buckets of a value: bucket k >= 1 holds values from ``lower_bounds[k - 1]`` up, bucket 0
    the rest; values below ``scored_from`` have no bucket (-1), nor has NULL in SQL."""

    lower_bounds: tuple[int, ...]
    scored_from: int | None = None

    def __post_init__(self) -> None:
        assert len(self.lower_bounds) == BUCKET_COUNT - 1, self.lower_bounds

    def sql(self, value: str) -> str:
        whens = []
        if self.scored_from is not None:
            whens.append(f"WHEN ({value}) < {self.scored_from} THEN -1")
        whens += [
            f"WHEN ({value}) >= {bound} THEN {k}"
            for k, bound in reversed(list(enumerate(self.lower_bounds, start=1)))
        ]
        return f"CASE {' '.join(whens)} WHEN ({value}) IS NOT NULL THEN 0 END"

    def of(self, values: np.ndarray) -> np.ndarray:
        buckets = np.searchsorted(np.array(self.lower_bounds), values, side="right")
        if self.scored_from is not None:
            buckets = np.where(values < self.scored_from, -1, buckets)
        return buckets


# By the linker's linking root domains: [0, 1-9, 10-99, ..., 100000000+] (its decimal digits).
# By DA or Spam Score: [1-10, 11-20, ..., 91-100]; a linker without a Spam Score (-1) is left out.
BUCKETS = {
    "root_domains": Buckets(tuple(10**k for k in range(9))),
    "domain_authority": Buckets(tuple(range(11, 100, 10))),
    "spam_score": Buckets(tuple(range(11, 100, 10)), scored_from=0),
}


@dataclass(frozen=True)
class Distribution:
    """``{count}_to_{scope}_by_{by}``: a count's units of a target, in the buckets of their own
    root domain's ``by`` value."""

    name: str

    @property
    def count(self) -> str:
        return self.name.split("_to_")[0]

    @property
    def scope(self) -> str:
        return self.name.split("_to_")[1].split("_by_")[0]

    @property
    def by(self) -> str:
        return self.name.split("_by_")[1]


# The 13 arrays of spec 2.5, in its order.
DISTRIBUTIONS: tuple[Distribution, ...] = tuple(
    Distribution(name)
    for name in (
        "root_domains_to_page_by_root_domains",
        "root_domains_to_root_domain_by_root_domains",
        "nofollow_root_domains_to_root_domain_by_root_domains",
        "root_domains_to_page_by_domain_authority",
        "root_domains_to_subdomain_by_domain_authority",
        "root_domains_to_root_domain_by_domain_authority",
        "nofollow_root_domains_to_root_domain_by_domain_authority",
        "pages_to_root_domain_by_spam_score",
        "nofollow_pages_to_root_domain_by_spam_score",
        "root_domains_to_page_by_spam_score",
        "root_domains_to_subdomain_by_spam_score",
        "root_domains_to_root_domain_by_spam_score",
        "nofollow_root_domains_to_root_domain_by_spam_score",
    )
)
