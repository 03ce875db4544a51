"""The columnar link and page records that ingest writes and every build engine reads.

One Arrow schema each: the embedded (DuckDB) and distributed (Spark) builds read the same files.
"""

from __future__ import annotations

import pyarrow as pa

PAGE_SCHEMA = pa.schema(
    [
        ("crawl", pa.string()),
        ("url", pa.string()),  # canonical URL with scheme (linkindex.urls.canonicalize)
        ("page", pa.string()),  # canonical page key, no scheme
        ("subdomain", pa.string()),
        ("root_domain", pa.string()),
        ("fetch_time", pa.timestamp("s", tz="UTC")),  # WARC-Date of the capture
        ("http_status", pa.int16()),  # 0 when the record carried no HTTP status
        ("title", pa.string()),  # null when the page has no <title> or is not HTML
        ("content_bytes", pa.int32()),  # payload length as captured
        # Characters of the visible text (no <script>, <style>, <noscript>, <template>),
        # whitespace-folded; null when the capture was not parsed as HTML.
        ("text_chars", pa.int32()),
        # <a>/<area> hrefs with a mailto: or tel: scheme (never link rows); null when not parsed.
        ("contact_links", pa.int16()),
    ]
)

LINK_SCHEMA = pa.schema(
    [
        ("crawl", pa.string()),
        ("source_url", pa.string()),
        ("source_page", pa.string()),
        ("source_subdomain", pa.string()),
        ("source_root_domain", pa.string()),
        ("target_url", pa.string()),
        ("target_page", pa.string()),
        ("target_subdomain", pa.string()),
        ("target_root_domain", pa.string()),
        ("anchor_text", pa.string()),  # whitespace-folded, capped at ANCHOR_TEXT_MAX_CHARS
        ("nofollow", pa.bool_()),  # rel=nofollow on the link, or robots meta nofollow on the page
        ("ugc", pa.bool_()),
        ("sponsored", pa.bool_()),
        ("redirect", pa.bool_()),  # an HTTP 3xx response of source_url pointing at target_url
        ("rel_canonical", pa.bool_()),  # <link rel=canonical> of source_url
        # Inside <nav>, <header>, <footer>, <menu> or role=navigation; false for redirects,
        # canonicals and WAT links (WAT keeps no ancestry).
        ("in_nav", pa.bool_()),
        # Inside a section of visitors' comments or answers (an element whose id or class
        # names them: ingest/htmllinks.py); false where in_nav is for want of ancestry.
        ("in_comments", pa.bool_()),
        ("fetch_time", pa.timestamp("s", tz="UTC")),  # capture time of the source page
    ]
)

ANCHOR_TEXT_MAX_CHARS = 256
