"""The Spam Score's signals: one measured value per crawled root domain and signal, and its rule.

Measures come from SQL over the build's tables; rules are thresholds (docs/metrics.md lists each).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

# TLDs that abuse reports keep listing among the most abused by spam and malware sites; a
# judgement call kept here in one place (docs/metrics.md says so).
SPAM_TLDS = (
    "xyz", "top", "info", "biz", "click", "link", "online", "site", "icu", "buzz", "work",
    "club", "loan", "win", "bid", "vip", "shop", "live", "rest", "fit", "cfd", "sbs", "tk",
    "ml", "ga", "cf", "gq",
)  # fmt: skip

# Pharma, adult, gambling and loan words ("poison words" in Moz's list of signals).
POISON_WORDS = (
    "viagra", "cialis", "levitra", "pharmacy", "pills", "casino", "poker", "roulette",
    "betting", "slots", "gambling", "porn", "xxx", "escort", "payday", "loans", "replica",
)  # fmt: skip
POISON_PATTERN = r"\b(" + "|".join(POISON_WORDS) + r")\b"

# Per page of a root domain, from the newest capture of each 200 page (latest_links, built in
# link_state.py): links and their text.
PAGE_OUTLINKS = """
CREATE TABLE page_outlinks AS
SELECT r.source_page AS page,
       count(*) FILTER (WHERE r.target_root_domain <> r.source_root_domain) AS external_links,
       count(*) FILTER (WHERE r.target_root_domain = r.source_root_domain) AS internal_links,
       coalesce(sum(length(r.anchor_text))
                FILTER (WHERE r.target_root_domain <> r.source_root_domain), 0)
           AS external_anchor_chars,
       count(*) FILTER (WHERE r.in_nav) AS nav_links,
       count(*) FILTER (WHERE r.in_nav AND r.target_root_domain <> r.source_root_domain)
           AS nav_external_links,
       count(*) FILTER (WHERE r.target_root_domain <> r.source_root_domain
                        AND regexp_matches(lower(r.anchor_text), '{poison}')) AS poison_anchors,
       bool_or(r.target_root_domain = 'linkedin.com') AS links_linkedin
FROM latest_links r
JOIN page_latest p ON p.page = r.source_page
WHERE p.http_status = 200 AND NOT r.redirect AND NOT r.rel_canonical
GROUP BY r.source_page
"""

# Inbound: per (target root domain, linking root domain), whether any live link's anchor names
# the brand (the registered name without its suffix, e.g. "python" for python.org).
BRANDED_LINKERS = """
CREATE TABLE branded_linkers AS
WITH anchors AS (
    SELECT r.target_root_domain AS target, r.source_root_domain AS source,
           regexp_replace(lower(r.anchor_text), '[^a-z0-9]', '', 'g') AS anchor,
           regexp_replace(split_part(r.target_root_domain, '.', 1), '[^a-z0-9]', '', 'g') AS brand
    FROM latest_links r
    WHERE r.source_root_domain <> r.target_root_domain AND NOT r.redirect
      AND NOT r.rel_canonical AND r.anchor_text <> ''
)
SELECT target, source,
       bool_or(length(brand) >= 3 AND contains(anchor, brand)) AS branded
FROM anchors GROUP BY target, source
"""

# One row per root domain with a 200 capture: every measured value a signal reads.
DOMAIN_MEASURES = """
CREATE TABLE spam_measures AS
WITH pages AS (
    SELECT p.root_domain, p.text_chars, p.content_bytes, p.contact_links, p.https,
           p.title, o.*
    FROM page_latest p LEFT JOIN page_outlinks o ON o.page = p.page
    WHERE p.http_status = 200
), per_root AS (
    SELECT root_domain,
           count(*) AS pages_ok,
           median(text_chars) AS median_text_chars,
           count(text_chars) AS pages_with_text,
           sum(text_chars) AS text_chars,
           sum(content_bytes) FILTER (WHERE text_chars IS NOT NULL) AS html_bytes,
           count(contact_links) AS pages_with_contact_known,
           coalesce(sum(contact_links), 0) AS contact_links,
           bool_or(coalesce(links_linkedin, false)) AS links_linkedin,
           bool_or(https) AS any_https,
           avg(coalesce(external_links, 0)) AS external_links_per_page,
           avg(coalesce(internal_links, 0)) AS internal_links_per_page,
           coalesce(sum(external_anchor_chars), 0) AS external_anchor_chars,
           coalesce(sum(nav_links), 0) AS nav_links,
           coalesce(sum(nav_external_links), 0) AS nav_external_links,
           coalesce(sum(external_links), 0) AS external_links,
           coalesce(sum(poison_anchors), 0) AS poison_anchors,
           avg(CASE WHEN regexp_matches(lower(coalesce(title, '')), '{poison}') THEN 1.0
                    ELSE 0.0 END) AS poison_title_share
    FROM pages GROUP BY root_domain
), branded AS (
    SELECT target AS root_domain, count(*) AS anchored_linkers,
           count(*) FILTER (WHERE branded) AS branded_linkers
    FROM branded_linkers GROUP BY target
), name AS (
    SELECT root_domain,
           split_part(root_domain, '.', 1) AS label,
           substr(root_domain, length(split_part(root_domain, '.', 1)) + 2) AS suffix
    FROM per_root
)
SELECT r.*, n.label, n.suffix,
       length(n.label) AS label_length,
       length(regexp_replace(n.label, '[^0-9]', '', 'g'))
           + length(regexp_replace(n.label, '[^-]', '', 'g')) AS digits_and_hyphens,
       coalesce(list_max(list_transform(
           regexp_extract_all(n.label, '[bcdfghjklmnpqrstvwxz]+'), lambda x: length(x))), 0)
           AS consonant_run,
       starts_with(n.label, 'xn--') AS idn,
       coalesce(c.root_domains_to, 0) AS root_domains_to,
       coalesce(c.nofollow_root_domains_to, 0) AS nofollow_root_domains_to,
       coalesce(c.external_pages_to, 0) AS external_pages_to,
       coalesce(b.anchored_linkers, 0) AS anchored_linkers,
       coalesce(b.branded_linkers, 0) AS branded_linkers
FROM per_root r
JOIN name n USING (root_domain)
LEFT JOIN counts_to_root_domain c ON c.target = r.root_domain
LEFT JOIN branded b ON b.root_domain = r.root_domain
"""


@dataclass(frozen=True)
class Signal:
    """One spam signal: the value it measures, the rule that flags it, and when it can tell."""

    name: str
    rule: str  # the rule in words, as docs/metrics.md states it
    measure: str  # SQL expression over spam_measures: the measured value
    hit: Callable[[np.ndarray], np.ndarray]  # measured values -> flagged
    evidence: str = "true"  # SQL condition: enough is known to evaluate the signal


def _at_least(threshold: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda values: operator.ge(values, threshold)


def _below(threshold: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda values: operator.lt(values, threshold)


_TLD_LIST = ", ".join(f"'{t}'" for t in SPAM_TLDS)

SIGNALS: tuple[Signal, ...] = (
    Signal("spam_tld", "its TLD is one spam sites use often (SPAM_TLDS)",
           f"(suffix IN ({_TLD_LIST}))::INTEGER", _at_least(1)),
    Signal("long_domain_name", "its registered name (without the suffix) has 16+ characters",
           "label_length", _at_least(16), "NOT idn"),
    Signal("numerals_and_hyphens", "its registered name has 2+ digits and hyphens together",
           "digits_and_hyphens", _at_least(2), "NOT idn"),
    Signal("consonant_run", "its registered name has a run of 5+ consonants (y is a vowel)",
           "consonant_run", _at_least(5), "NOT idn"),
    Signal("few_pages_crawled", "fewer than 3 of its pages answered 200 in the newest capture",
           "pages_ok", _below(3)),
    Signal("thin_content", "its pages' median visible text is under 250 characters",
           "median_text_chars", _below(250), "pages_with_text > 0"),
    Signal("markup_heavy", "visible text is under 3% of its HTML pages' bytes",
           "text_chars / html_bytes", _below(0.03), "html_bytes > 0"),
    Signal("many_external_links", "its pages link out to other root domains 25+ times on average",
           "external_links_per_page", _at_least(25)),
    Signal("few_internal_links", "its pages link to its own pages fewer than 3 times on average",
           "internal_links_per_page", _below(3)),
    Signal("anchor_text_heavy", "external links' anchor text is 30%+ of its visible text",
           "external_anchor_chars / text_chars", _at_least(0.3), "text_chars > 0"),
    Signal("external_links_in_navigation",
           "half or more of the links in its <nav>/<header>/<footer> go to other root domains",
           "nav_external_links / nav_links", _at_least(0.5), "nav_links > 0"),
    Signal("no_contact_info", "no page has a mailto:/tel: link and none links to LinkedIn",
           "(contact_links + links_linkedin::INTEGER)", _below(1),
           "pages_with_contact_known > 0"),
    Signal("poison_words_in_titles", "20%+ of its page titles have a pharma/adult/gambling word",
           "poison_title_share", _at_least(0.2)),
    Signal("poison_words_in_anchors",
           "10%+ of its external links' anchors have a pharma/adult/gambling word",
           "poison_anchors / external_links", _at_least(0.1), "external_links > 0"),
    Signal("no_https", "none of its pages was captured over https",
           "any_https::INTEGER", _below(1)),
    Signal("low_link_diversity",
           "10+ external pages link to it, from under 1 root domain per 10 pages",
           "root_domains_to / external_pages_to", _below(0.1), "external_pages_to >= 10"),
    Signal("skewed_follow_ratio",
           "of 10+ linking root domains, 30%+ link only with nofollow",
           "nofollow_root_domains_to / root_domains_to", _at_least(0.3),
           "root_domains_to >= 10"),
    Signal("few_branded_anchors",
           "of 5+ root domains linking with anchor text, under 10% name its brand",
           "branded_linkers / anchored_linkers", _below(0.1), "anchored_linkers >= 5"),
    Signal("large_site_few_links",
           "20+ pages answered 200 but fewer than 3 root domains link to it",
           "root_domains_to", _below(3), "pages_ok >= 20"),
)  # fmt: skip

SIGNAL_NAMES = tuple(s.name for s in SIGNALS)


def build_spam_measures(con: duckdb.DuckDBPyConnection) -> None:
    """Tables page_outlinks, branded_linkers and spam_measures (needs link state and counts)."""
    con.execute(PAGE_OUTLINKS.replace("{poison}", POISON_PATTERN))
    con.execute(BRANDED_LINKERS)
    con.execute(DOMAIN_MEASURES.replace("{poison}", POISON_PATTERN))


def evaluate(con: duckdb.DuckDBPyConnection) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Root domains, measured values (NaN where not evaluated) and flags, one column per signal."""
    columns = ", ".join(
        f"CASE WHEN {s.evidence} THEN ({s.measure})::DOUBLE END AS {s.name}" for s in SIGNALS
    )
    table: pa.Table = con.sql(
        f"SELECT root_domain, {columns} FROM spam_measures ORDER BY root_domain"
    ).to_arrow_table()
    domains = table.column("root_domain").to_pylist()
    values = np.column_stack(
        [table.column(s.name).to_numpy(zero_copy_only=False).astype(np.float64) for s in SIGNALS]
    ) if domains else np.zeros((0, len(SIGNALS)))  # fmt: skip
    known = ~np.isnan(values)
    flags = np.zeros(values.shape, dtype=bool)
    for i, signal in enumerate(SIGNALS):
        column = values[:, i]
        flags[known[:, i], i] = signal.hit(column[known[:, i]])
    return domains, values, flags
