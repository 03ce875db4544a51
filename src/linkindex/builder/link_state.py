"""The state of every link across crawls: live or deleted, first seen, lost, followed or not.

Built from all ingested records, or by merging new records into a saved state (builder/state.py).
"""

from __future__ import annotations

import duckdb

from linkindex.builder.state import BuildState

# One row per capture of a page. Two records of one page in the same second are one capture.
# Not captures: a 3xx redirecting to the same page under the other scheme (http -> https),
# which says nothing about the page (the scheme is not part of a page's identity); and a
# response that failed for now (no HTTP status, 429, 5xx), which says nothing about the links
# the page has, so it must not make them look lost.
NEW_CAPTURES = """
CREATE TABLE new_captures AS
WITH self_redirects AS (
    SELECT DISTINCT source_page AS page, fetch_time
    FROM raw_links WHERE redirect AND source_page = target_page
)
SELECT p.*
FROM (
    SELECT * FROM raw_pages
    WHERE http_status BETWEEN 100 AND 499 AND http_status <> 429
) p
ANTI JOIN self_redirects s
    ON s.page = p.page AND s.fetch_time = p.fetch_time AND p.http_status BETWEEN 300 AND 399
"""

# Every aggregate here is a max (or any_value of one page's fixed keys), so grouping records
# and grouping already grouped captures with new records give the same rows.
CAPTURES = """
CREATE TABLE captures AS
SELECT page,
       any_value(subdomain) AS subdomain,
       any_value(root_domain) AS root_domain,
       fetch_time,
       max(http_status) AS http_status,
       max(title) AS title,
       max(content_bytes) AS content_bytes,
       max(text_chars) AS text_chars,
       max(contact_links) AS contact_links,
       bool_or({https}) AS https
FROM ({source})
GROUP BY page, fetch_time
"""

# The newest capture of each page decides whether its links are live. arg_max_null: a
# newest capture without a title has none (arg_max would skip it and take an older one).
PAGE_LATEST = """
CREATE TABLE page_latest AS
SELECT page,
       any_value(subdomain) AS subdomain,
       any_value(root_domain) AS root_domain,
       max(fetch_time) AS latest_time,
       arg_max(http_status, fetch_time) AS http_status,
       arg_max_null(title, fetch_time) AS title,
       arg_max_null(content_bytes, fetch_time) AS content_bytes,
       arg_max_null(text_chars, fetch_time) AS text_chars,
       arg_max_null(contact_links, fetch_time) AS contact_links,
       arg_max_null(https, fetch_time) AS https
FROM captures
GROUP BY page
"""

# A link is the pair (source page, target page); a page linking to itself is no link.
# Follow/redirect/canonical flags and the anchor text come from the newest capture that still
# had the link: the max of (capture time, value) is that capture's (a flag is true if any
# occurrence in it had it; a non-empty anchor wins). Spans of already grouped links merge
# with the same maxes, taking last_seen as their capture time.
SPANS = """
CREATE TABLE {table} AS
SELECT source_page, target_page,
       any_value(source_subdomain) AS source_subdomain,
       any_value(source_root_domain) AS source_root_domain,
       any_value(target_subdomain) AS target_subdomain,
       any_value(target_root_domain) AS target_root_domain,
       min({first}) AS first_seen,
       max({last}) AS last_seen,
       max({{'t': {last}, 'v': {followed}}}).v AS followed,
       max({{'t': {last}, 'v': {comments}}}).v AS in_comments,
       max({{'t': {last}, 'v': redirect}}).v AS redirect,
       max({{'t': {last}, 'v': rel_canonical}}).v AS rel_canonical,
       max({{'t': {last}, 'e': {anchor} <> '', 'a': {anchor}}}).a AS anchor_raw
FROM ({source})
WHERE source_page <> target_page
GROUP BY source_page, target_page
"""
_RAW_SPANS = {
    "source": "SELECT * FROM raw_links",
    "first": "fetch_time",
    "last": "fetch_time",
    "anchor": "anchor_text",
    # ugc and sponsored count as nofollow: search engines read all three as "do not vouch"
    "followed": "NOT (nofollow OR ugc OR sponsored)",
    # Parts ingested before comment sections were known read as null: not in comments.
    "comments": "coalesce(in_comments, false)",
}


def vouched(alias: str = "") -> str:
    """SQL over a row of table links: a link its source vouches for, a vote in the link graph.

    Followed, and not in its visitors' comments: anyone can leave a link there, followed or
    not, so it says nothing of what the site's own authors chose to link to (the Spam Score
    reads a site's own links the same way: spam_measures._VOUCHED)."""
    row = f"{alias}." if alias else ""
    return f"({row}followed AND NOT {row}in_comments)"


_SPAN_COLUMNS = (
    "source_page, target_page, source_subdomain, source_root_domain, target_subdomain,"
    " target_root_domain, first_seen, last_seen, followed, in_comments, redirect, rel_canonical,"
    " anchor_raw"
)

# Lost on the first later capture of the source page that no longer had the link
# (a 404 capture has no links, so a page that disappears loses all of them).
LINKS_FROM_SPANS = """
SELECT s.*,
       s.last_seen >= coalesce(p.latest_time, s.last_seen) AS live,
       CAST(s.first_seen AS DATE) AS date_gained,
       CASE WHEN s.last_seen >= coalesce(p.latest_time, s.last_seen) THEN NULL
            ELSE CAST(nxt.fetch_time AS DATE) END AS date_lost
FROM spans s
LEFT JOIN page_latest p ON p.page = s.source_page
ASOF LEFT JOIN captures nxt ON nxt.page = s.source_page AND nxt.fetch_time > s.last_seen
"""

# The link records of each page's newest capture, as the spam signals read them.
_LATEST_COLUMNS = (
    "source_page, source_root_domain, target_page, target_root_domain, anchor_text, in_nav,"
    " in_comments, redirect, rel_canonical, nofollow, ugc, sponsored, fetch_time"
)
LATEST_LINKS = """
CREATE TABLE latest_links AS
SELECT r.*
FROM ({source}) r
JOIN page_latest p ON p.page = r.source_page AND p.latest_time = r.fetch_time
WHERE r.source_page <> r.target_page
"""


def build_link_state(con: duckdb.DuckDBPyConnection, saved: BuildState | None = None) -> None:
    """Tables ``captures``, ``page_latest``, ``links`` and ``latest_links`` from the records in
    ``raw_pages`` / ``raw_links``, merged into ``saved`` when given (then those views hold only
    the records the saved state has not seen)."""
    con.execute(NEW_CAPTURES)
    https = "starts_with(url, 'https:')"
    if saved is None:
        con.execute(CAPTURES.format(source="SELECT * FROM new_captures", https=https))
    else:
        merged = (
            f"SELECT *, https AS https_flag FROM {saved.table('captures')} UNION ALL BY NAME"
            f" SELECT *, {https} AS https_flag FROM new_captures"
        )
        con.execute(CAPTURES.format(source=merged, https="https_flag"))
    con.execute("DROP TABLE new_captures")
    con.execute(PAGE_LATEST)
    if saved is None:
        con.execute(SPANS.format(table="spans", **_RAW_SPANS))
        con.execute(f"CREATE TABLE links AS {LINKS_FROM_SPANS}")
        latest_source = f"SELECT {_LATEST_COLUMNS} FROM raw_links"
    else:
        _merge_links(con, saved)
        latest_source = (
            f"SELECT {_LATEST_COLUMNS} FROM {saved.table('latest_links')}"
            f" UNION ALL SELECT {_LATEST_COLUMNS} FROM raw_links"
        )
    con.execute("DROP TABLE spans")
    con.execute(LATEST_LINKS.format(source=latest_source))


def _merge_links(con: duckdb.DuckDBPyConnection, saved: BuildState) -> None:
    """Only links of pages with new records can change (their spans, liveness and lost date);
    the saved rows of every other page are copied as they are."""
    con.execute(SPANS.format(table="new_spans", **_RAW_SPANS))
    con.execute(
        "CREATE TABLE touched AS SELECT DISTINCT page FROM raw_pages"
        " UNION SELECT DISTINCT source_page FROM raw_links"
    )
    old = saved.table("links")
    touched_spans = (
        f"SELECT {_SPAN_COLUMNS} FROM {old} o SEMI JOIN touched t ON t.page = o.source_page"
        f" UNION ALL SELECT {_SPAN_COLUMNS} FROM new_spans"
    )
    con.execute(
        SPANS.format(
            table="spans", source=touched_spans, first="first_seen", last="last_seen",
            followed="followed", comments="in_comments", anchor="anchor_raw",
        )
    )  # fmt: skip
    con.execute(
        f"CREATE TABLE links AS SELECT o.* FROM {old} o"
        f" ANTI JOIN touched t ON t.page = o.source_page"
        f" UNION ALL BY NAME {LINKS_FROM_SPANS}"
    )
    con.execute("DROP TABLE new_spans; DROP TABLE touched")
