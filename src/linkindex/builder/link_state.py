"""The state of every link across crawls: live or deleted, first seen, lost, followed or not.

Declared as steps over all ingested records, or merging new records into a saved state
(builder/state.py, read as the saved_* tables).
"""

from __future__ import annotations

from linkindex.builder.steps import Step, sql_step

NEW_CAPTURES = """
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
SELECT page,
       any_value(subdomain) AS subdomain,
       any_value(root_domain) AS root_domain,
       fetch_time,
       max(http_status) AS http_status,
       max(title) AS title,
       max(content_bytes) AS content_bytes,
       max(text_chars) AS text_chars,
       max(contact_links) AS contact_links,
       bool_or(https_flag) AS https
FROM ({source}) c
GROUP BY page, fetch_time
"""
_CAPTURE_COLUMNS = (
    "page, subdomain, root_domain, fetch_time, http_status, title, content_bytes, text_chars,"
    " contact_links"
)
_NEW_CAPTURES = (
    f"SELECT {_CAPTURE_COLUMNS}, starts_with(url, 'https:') AS https_flag FROM new_captures"
)
_SAVED_CAPTURES = f"SELECT {_CAPTURE_COLUMNS}, https AS https_flag FROM saved_captures"

# The newest capture of each page decides whether its links are live. Each value is its
# newest capture's, NULL included (a newest capture without a title has none): the max of
# (capture time, value), whose times are distinct within a page.
_NEWEST = ",\n       ".join(
    f"max({{'t': fetch_time, 'v': {c}}}).v AS {c}"
    for c in ("http_status", "title", "content_bytes", "text_chars", "contact_links", "https")
)
PAGE_LATEST = f"""
SELECT page,
       any_value(subdomain) AS subdomain,
       any_value(root_domain) AS root_domain,
       max(fetch_time) AS latest_time,
       {_NEWEST}
FROM captures
GROUP BY page
"""

# A link is the pair (source page, target page); a page linking to itself is no link.
# Follow/redirect/canonical flags and the anchor text come from the newest capture that still
# had the link: the max of (capture time, value) is that capture's (a flag is true if any
# occurrence in it had it; a non-empty anchor wins). Spans of already grouped links merge
# with the same maxes, taking last_seen as their capture time.
# Records of one capture tie on the time: a NULL value then wins, as DuckDB orders a NULL
# field above any value and Spark below; the field 'n' (is it NULL) says so in both.
# Each flag's (time, 'n', value) is one integer, microseconds * 8 + 4 * n + (value: NULL 2,
# true 1, false 0), whose max is a fixed-size aggregate state: a struct's max or a string kept
# per link lives in memory DuckDB cannot spill, which made this step thrash past memory_limit
# (bench/README.md, "History: build"). 'n' says whether the value is NULL, so a NULL never
# ties a value on it. It is spelled `{v} IS NULL` as the struct's field was: over the records,
# followed is `NOT (...)`, which SQL reads NOT ((...) IS NULL), so there a NULL loses its tie.
# The pages' subdomains and root domains (fixed by each page's URL) are looked up per page
# for the same reason, not kept per link.
_FLAG_KEY = (
    "max(date_diff('microsecond', TIMESTAMP '1970-01-01', {{last}}) * 8"
    " + CASE WHEN {v} IS NULL THEN 4 ELSE 0 END"
    " + CASE WHEN ({v}) IS NULL THEN 2 WHEN ({v}) THEN 1 ELSE 0 END) AS {name}"
)
_FLAGS = {
    "followed": "{followed}",
    "in_comments": "{comments}",
    "redirect": "redirect",
    "rel_canonical": "rel_canonical",
}
_FLAG_KEYS = ",\n           ".join(
    _FLAG_KEY.format(v=v, name=f"{name}_key") for name, v in _FLAGS.items()
)
# The value is the key's last two bits; the remainder of a negative key (a capture before
# 1970) is negative in both dialects.
_FLAG_VALUES = ",\n       ".join(
    f"CASE (l.{name}_key % 4 + 4) % 4 WHEN 2 THEN NULL WHEN 1 THEN true ELSE false END AS {name}"
    for name in _FLAGS
)
_ANCHOR = "max({{'t': {last}, 'n': {anchor} IS NULL, 'e': {anchor} <> '', 'a': {anchor}}}).a"
SPANS = f"""
WITH grouped AS (
    SELECT source_page, target_page,
           min({{first}}) AS first_seen,
           max({{last}}) AS last_seen,
           {_FLAG_KEYS},
           {_ANCHOR} AS anchor_raw
    FROM ({{source}})
    WHERE source_page <> target_page
    GROUP BY source_page, target_page
),
sources AS (
    SELECT source_page AS page,
           any_value(source_subdomain) AS subdomain,
           any_value(source_root_domain) AS root_domain
    FROM ({{source}})
    GROUP BY source_page
),
targets AS (
    SELECT target_page AS page,
           any_value(target_subdomain) AS subdomain,
           any_value(target_root_domain) AS root_domain
    FROM ({{source}})
    GROUP BY target_page
)
SELECT l.source_page, l.target_page,
       s.subdomain AS source_subdomain,
       s.root_domain AS source_root_domain,
       t.subdomain AS target_subdomain,
       t.root_domain AS target_root_domain,
       l.first_seen, l.last_seen,
       {_FLAG_VALUES},
       l.anchor_raw
FROM grouped l
JOIN sources s ON s.page = l.source_page
JOIN targets t ON t.page = l.target_page
"""
# The marks by which a link says it is not its source's endorsement: ugc and sponsored count
# as nofollow, search engines read all three as "do not vouch". Over a link record's columns.
NOT_ENDORSED = "nofollow OR ugc OR sponsored"
_RAW_SPANS = {
    "source": "SELECT * FROM raw_links",
    "first": "fetch_time",
    "last": "fetch_time",
    "anchor": "anchor_text",
    "followed": f"NOT ({NOT_ENDORSED})",
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

# Each capture of a page with the one before it (NULL for its first), so the first capture
# after a time t is the one with previous_time <= t < fetch_time: an equality join on the
# page, where DuckDB alone would have an ASOF join.
CAPTURE_GAPS = """
SELECT page, fetch_time,
       lag(fetch_time) OVER (PARTITION BY page ORDER BY fetch_time) AS previous_time
FROM captures
"""

# Lost on the first later capture of the source page that no longer had the link
# (a 404 capture has no links, so a page that disappears loses all of them); a live link
# (seen in its source's newest capture) has no such capture.
_LINK_COLUMNS = f"{_SPAN_COLUMNS}, live, date_gained, date_lost"
LINKS_FROM_SPANS = """
SELECT s.*,
       s.last_seen >= coalesce(p.latest_time, s.last_seen) AS live,
       CAST(s.first_seen AS DATE) AS date_gained,
       CAST(nxt.fetch_time AS DATE) AS date_lost
FROM spans s
LEFT JOIN page_latest p ON p.page = s.source_page
LEFT JOIN capture_gaps nxt
    ON nxt.page = s.source_page AND s.last_seen < p.latest_time
    AND s.last_seen < nxt.fetch_time
    AND (nxt.previous_time IS NULL OR nxt.previous_time <= s.last_seen)
"""

# The link records of each page's newest capture, as the spam signals read them.
_LATEST_COLUMNS = (
    "source_page, source_root_domain, target_page, target_root_domain, anchor_text, in_nav,"
    " in_comments, redirect, rel_canonical, nofollow, ugc, sponsored, fetch_time"
)
LATEST_LINKS = """
SELECT r.*
FROM ({source}) r
JOIN page_latest p ON p.page = r.source_page AND p.latest_time = r.fetch_time
WHERE r.source_page <> r.target_page
"""
_RAW_LATEST = f"SELECT {_LATEST_COLUMNS} FROM raw_links"

# Full: from every record. The tables written are the link state (builder/state.py).
FULL_STEPS: tuple[Step, ...] = (
    sql_step("new_captures", ["raw_links", "raw_pages"], NEW_CAPTURES),
    sql_step("captures", ["new_captures"], CAPTURES.format(source=_NEW_CAPTURES)),
    sql_step("page_latest", ["captures"], PAGE_LATEST),
    sql_step("spans", ["raw_links"], SPANS.format(**_RAW_SPANS)),
    sql_step("capture_gaps", ["captures"], CAPTURE_GAPS),
    sql_step("links", ["capture_gaps", "page_latest", "spans"], LINKS_FROM_SPANS),
    sql_step("latest_links", ["page_latest", "raw_links"], LATEST_LINKS.format(source=_RAW_LATEST)),
)

# Incremental: only links of pages with new records can change (their spans, liveness and
# lost date); the saved rows of every other page are copied as they are.
_TOUCHED_SPANS = (
    f"SELECT {_SPAN_COLUMNS} FROM saved_links o SEMI JOIN touched t ON t.page = o.source_page"
    f" UNION ALL SELECT {_SPAN_COLUMNS} FROM new_spans"
)
_MERGED_SPANS = SPANS.format(
    source=_TOUCHED_SPANS, first="first_seen", last="last_seen", followed="followed",
    comments="in_comments", anchor="anchor_raw",
)  # fmt: skip
_MERGED_LINKS = (
    f"SELECT {_LINK_COLUMNS} FROM saved_links o ANTI JOIN touched t ON t.page = o.source_page"
    f" UNION ALL SELECT {_LINK_COLUMNS} FROM ({LINKS_FROM_SPANS}) merged"
)
TOUCHED = "SELECT DISTINCT page FROM raw_pages UNION SELECT DISTINCT source_page FROM raw_links"
_MERGED_LATEST = f"SELECT {_LATEST_COLUMNS} FROM saved_latest_links UNION ALL {_RAW_LATEST}"
INCREMENTAL_STEPS: tuple[Step, ...] = (
    sql_step("new_captures", ["raw_links", "raw_pages"], NEW_CAPTURES),
    sql_step("captures", ["new_captures", "saved_captures"],
             CAPTURES.format(source=f"{_SAVED_CAPTURES} UNION ALL {_NEW_CAPTURES}")),
    sql_step("page_latest", ["captures"], PAGE_LATEST),
    sql_step("new_spans", ["raw_links"], SPANS.format(**_RAW_SPANS)),
    sql_step("touched", ["raw_links", "raw_pages"], TOUCHED),
    sql_step("spans", ["new_spans", "saved_links", "touched"], _MERGED_SPANS),
    sql_step("capture_gaps", ["captures"], CAPTURE_GAPS),
    sql_step("links", ["capture_gaps", "page_latest", "saved_links", "spans", "touched"],
             _MERGED_LINKS),
    sql_step("latest_links", ["page_latest", "raw_links", "saved_latest_links"],
             LATEST_LINKS.format(source=_MERGED_LATEST)),
)  # fmt: skip


def link_state_steps(incremental: bool) -> tuple[Step, ...]:
    """The steps that make the link state: tables captures, page_latest, links and
    latest_links, from raw_pages / raw_links (merged into the saved_* tables when
    ``incremental``: those inputs then hold only the records the saved state has not seen)."""
    return INCREMENTAL_STEPS if incremental else FULL_STEPS
