"""The serving store of one snapshot: SQLite tables clustered in the order the API reads them.

Each linking-root-domain table is keyed (target, negated DA, source root domain), so a page in
the default sort is one ordered range scan, and in any other sort too for a heavily linked
target, whose rows alone have an index per sort (docs/architecture.md).
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3

# The 52 URL-metrics keys in the order Moz returns them (spec §1.3).
URL_METRIC_FIELDS: tuple[str, ...] = (
    "page", "subdomain", "root_domain", "title", "last_crawled", "http_code",
    "pages_to_page", "nofollow_pages_to_page", "redirect_pages_to_page",
    "external_pages_to_page", "external_nofollow_pages_to_page",
    "external_redirect_pages_to_page", "deleted_pages_to_page", "root_domains_to_page",
    "indirect_root_domains_to_page", "deleted_root_domains_to_page",
    "nofollow_root_domains_to_page", "pages_to_subdomain", "nofollow_pages_to_subdomain",
    "redirect_pages_to_subdomain", "external_pages_to_subdomain",
    "external_nofollow_pages_to_subdomain", "external_redirect_pages_to_subdomain",
    "deleted_pages_to_subdomain", "root_domains_to_subdomain",
    "deleted_root_domains_to_subdomain", "nofollow_root_domains_to_subdomain",
    "pages_to_root_domain", "nofollow_pages_to_root_domain", "redirect_pages_to_root_domain",
    "external_pages_to_root_domain", "external_indirect_pages_to_root_domain",
    "external_nofollow_pages_to_root_domain", "external_redirect_pages_to_root_domain",
    "deleted_pages_to_root_domain", "root_domains_to_root_domain",
    "indirect_root_domains_to_root_domain", "deleted_root_domains_to_root_domain",
    "nofollow_root_domains_to_root_domain", "page_authority", "domain_authority",
    "link_propensity", "spam_score", "root_domains_from_page",
    "nofollow_root_domains_from_page", "pages_from_page", "nofollow_pages_from_page",
    "root_domains_from_root_domain", "nofollow_root_domains_from_root_domain",
    "pages_from_root_domain", "nofollow_pages_from_root_domain",
    "pages_crawled_from_root_domain",
)  # fmt: skip

PAGE_COLUMNS: tuple[str, ...] = (
    "page", "subdomain", "root_domain", "title", "last_crawled", "http_code",
    "pages_to_page", "nofollow_pages_to_page", "redirect_pages_to_page",
    "external_pages_to_page", "external_nofollow_pages_to_page",
    "external_redirect_pages_to_page", "deleted_pages_to_page", "root_domains_to_page",
    "indirect_root_domains_to_page", "deleted_root_domains_to_page",
    "nofollow_root_domains_to_page", "page_authority", "root_domains_from_page",
    "nofollow_root_domains_from_page", "pages_from_page", "nofollow_pages_from_page",
)  # fmt: skip

SUBDOMAIN_COLUMNS: tuple[str, ...] = (
    "subdomain", "pages_to_subdomain", "nofollow_pages_to_subdomain",
    "redirect_pages_to_subdomain", "external_pages_to_subdomain",
    "external_nofollow_pages_to_subdomain", "external_redirect_pages_to_subdomain",
    "deleted_pages_to_subdomain", "root_domains_to_subdomain",
    "deleted_root_domains_to_subdomain", "nofollow_root_domains_to_subdomain",
)  # fmt: skip

ROOT_DOMAIN_COLUMNS: tuple[str, ...] = (
    "root_domain", "pages_to_root_domain", "nofollow_pages_to_root_domain",
    "redirect_pages_to_root_domain", "external_pages_to_root_domain",
    "external_indirect_pages_to_root_domain", "external_nofollow_pages_to_root_domain",
    "external_redirect_pages_to_root_domain", "deleted_pages_to_root_domain",
    "root_domains_to_root_domain", "indirect_root_domains_to_root_domain",
    "deleted_root_domains_to_root_domain", "nofollow_root_domains_to_root_domain",
    "domain_authority", "link_propensity", "spam_score", "root_domains_from_root_domain",
    "nofollow_root_domains_from_root_domain", "pages_from_root_domain",
    "nofollow_pages_from_root_domain", "pages_crawled_from_root_domain",
)  # fmt: skip

# Sort values are stored negated so every documented sort (all descending) is an ascending
# key range, which SQLite answers with a row-value comparison on the index.
LINKING_ROOT_COLUMNS: tuple[str, ...] = (
    "target", "neg_domain_authority", "source", "neg_link_propensity", "neg_spam_score",
    "root_domains_to_root_domain", "pages", "nofollow_pages", "redirect_pages",
    "deleted_pages", "has_follow", "neg_gained_day", "neg_lost_day",
)  # fmt: skip

LINKING_ROOT_SCOPES = ("page", "subdomain", "root_domain")

# Why each root domain scores what it does (read by `linkindex explain`): its rank, trust,
# Brand Authority, and the Spam Score's flags (bit i = meta "spam_signals"[i]) and measures.
ROOT_DOMAIN_SCORE_COLUMNS: tuple[str, ...] = (
    "root_domain", "domain_rank", "authority_evidence", "trust", "followed_roots_out",
    "independent_linkers", "brand_authority", "branded_linkers", "spam_flags", "spam_signals",
)  # fmt: skip

# The strongest linking root domains of each page (scope "page") and root domain, with the
# share of the target's rank each one contributes.
AUTHORITY_SOURCE_COLUMNS: tuple[str, ...] = ("scope", "target", "source", "share")

# The secondary sort orders (the primary key covers source_domain_authority).
LINKING_ROOT_SORT_KEYS = {
    "source_domain_authority": "neg_domain_authority",
    "source_link_propensity": "neg_link_propensity",
    "source_spam_score": "neg_spam_score",
    "date_gained": "neg_gained_day",
    "date_lost": "neg_lost_day",
}

# Heavy targets' linking-root orders (index/linking_root_orders.py). A page in another sort than
# the key's reads the target's rows and sorts them: about 0.08 us a row on one core, so 0.8 ms at
# 10,000 rows and 30 ms at 400,000 (bench/README.md). Only targets with more than
# HEAVY_LINKING_ROOTS rows pay for an index per sort: their rows get heavy = 1 when the store is
# written, each sort's index is partial over those rows (one comparison a row, whatever the
# number of heavy targets), and a page of such a target names the index and repeats the term
# (SQLite's sampled statistics would otherwise pick the sort). At 10M link records 5 pages, 11
# subdomains and 8 root domains, with 4%, 11% and 10% of the rows: the indexes went from 150 to
# 12 bytes a link row. 0 and 1 take no content byte, only a header byte a row.
HEAVY_LINKING_ROOTS = 10_000
LINKING_ROOT_HEAVY_COLUMN = "heavy INTEGER NOT NULL DEFAULT 0"
LINKING_ROOT_HEAVY_TERM = "heavy = 1"


def _table_ddl(name: str, columns: tuple[str, ...], key: str, stored: tuple[str, ...] = ()) -> str:
    """A table of ``columns`` keyed by ``key``; ``stored`` are column definitions the store
    sets itself, which the build's rows do not carry."""
    text_columns = {
        "page", "subdomain", "root_domain", "title", "last_crawled", "target", "source",
        "scope", "spam_signals",
    }  # fmt: skip
    real_columns = {
        "link_propensity", "neg_link_propensity", "domain_rank", "authority_evidence", "trust",
        "share",
    }  # fmt: skip

    def col_type(col: str) -> str:
        if col in text_columns:
            return "TEXT"
        return "REAL" if col in real_columns else "INTEGER"

    body = ",\n  ".join([*(f"{c} {col_type(c)}" for c in columns), *stored])
    return f"CREATE TABLE {name} (\n  {body},\n  PRIMARY KEY ({key})\n) WITHOUT ROWID"


def linking_root_table(scope: str) -> str:
    return f"linking_roots_{scope}"


def linking_root_order_index(scope: str, sort: str) -> str:
    return f"{linking_root_table(scope)}_by_{sort}"


def create_statements() -> list[str]:
    statements = [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID",
        _table_ddl("pages", PAGE_COLUMNS, "page"),
        _table_ddl("subdomains", SUBDOMAIN_COLUMNS, "subdomain"),
        _table_ddl("root_domains", ROOT_DOMAIN_COLUMNS, "root_domain"),
        _table_ddl("root_domain_scores", ROOT_DOMAIN_SCORE_COLUMNS, "root_domain"),
        _table_ddl("authority_sources", AUTHORITY_SOURCE_COLUMNS, "scope, target, source"),
    ]
    for scope in LINKING_ROOT_SCOPES:
        statements.append(
            _table_ddl(
                linking_root_table(scope),
                LINKING_ROOT_COLUMNS,
                "target, neg_domain_authority, source",
                (LINKING_ROOT_HEAVY_COLUMN,),
            )
        )
    statements += page_list_create_statements()
    statements += link_create_statements()
    statements += authority_history_create_statements()
    statements.append(HISTORY_SUMMARY_DDL)
    return statements


def index_statements() -> list[str]:
    """Secondary indexes, created after the bulk load (cheaper than maintaining them per row)."""
    statements = []
    for scope in LINKING_ROOT_SCOPES:
        table = linking_root_table(scope)
        for sort, column in LINKING_ROOT_SORT_KEYS.items():
            if column == "neg_domain_authority":
                continue
            statements.append(
                f"CREATE INDEX {linking_root_order_index(scope, sort)}"
                f" ON {table} (target, {column}, source) WHERE {LINKING_ROOT_HEAVY_TERM}"
            )
    statements += page_list_index_statements()
    statements += link_index_statements()
    return statements


# --- Link-level tables: links, anchor_text, link_status, link_intersect ----------------------
# One row per (reached target page, source page, linked page): a direct link (linked page =
# target) or a link to a page that redirects or declares its canonical to the target (one hop).
# Pages, subdomains and root domains are stored as numbers from link_keys_<scope>, assigned in
# name order. Clustered by target page, then external, then the default sort (source PA,
# negated); the subdomain and root-domain scopes read the same rows through two secondary
# indexes that carry the flags, so a default page of any scope is one index range scan. Other
# sorts sort the target's rows (docs/api.md).
LINK_KEY_COLUMNS: tuple[str, ...] = ("id", "key")
LINK_ROW_COLUMNS: tuple[str, ...] = (
    "target_id", "external", "neg_page_authority", "source_id", "link_id",
    "target_subdomain_id", "target_root_id", "source_subdomain_id", "source_root_id", "flags",
    "neg_domain_authority", "neg_link_propensity", "neg_spam_score",
    "neg_root_domains_to_source_page", "neg_root_domains_to_source_root_domain",
    "first_day", "last_day", "lost_day", "anchor_text",
)  # fmt: skip

# The bits of flags and every other encoded column: index/encoding.py.

# The column of the reached target and of the source at each scope, and the b-tree that
# orders the target's rows.
LINK_TARGET_COLUMNS = {
    "page": "target_id",
    "subdomain": "target_subdomain_id",
    "root_domain": "target_root_id",
}
LINK_SOURCE_COLUMNS = {
    "page": "source_id",
    "subdomain": "source_subdomain_id",
    "root_domain": "source_root_id",
}
LINK_SORT_COLUMNS = {
    "source_page_authority": "neg_page_authority",
    "source_domain_authority": "neg_domain_authority",
    "source_link_propensity": "neg_link_propensity",
    "source_spam_score": "neg_spam_score",
    "root_domains_to_source_page": "neg_root_domains_to_source_page",
    "root_domains_to_source_root_domain": "neg_root_domains_to_source_root_domain",
}

# Anchor texts of followed, external, live direct links per target and scope, keyed in the
# anchor_text endpoint's order: linking root domains, then pages (both descending), then text.
ANCHOR_TEXT_COLUMNS: tuple[str, ...] = (
    "target", "neg_root_domains", "neg_pages", "anchor_text",
)  # fmt: skip


def anchor_text_table(scope: str) -> str:
    return f"anchor_texts_{scope}"


def link_key_table(scope: str) -> str:
    return f"link_keys_{scope}"


def link_create_statements() -> list[str]:
    text = {"anchor_text", "target", "key"}
    real = {"neg_link_propensity"}

    def ddl(name: str, columns: tuple[str, ...], key: str) -> str:
        types = {c: "TEXT" if c in text else "REAL" if c in real else "INTEGER" for c in columns}
        body = ",\n  ".join(f"{c} {types[c]}" for c in columns)
        return f"CREATE TABLE {name} (\n  {body},\n  PRIMARY KEY ({key})\n) WITHOUT ROWID"

    rows = ddl("link_rows", LINK_ROW_COLUMNS,
               "target_id, external, neg_page_authority, source_id, link_id")  # fmt: skip
    # The heavy level is the store's own (heavy_orders.py sets it), not a column the build writes.
    rows = rows.replace(",\n  PRIMARY KEY", f",\n  {HEAVY_LEVEL_COLUMN},\n  PRIMARY KEY", 1)
    statements = [rows, HEAVY_TARGETS_DDL]
    for scope in LINKING_ROOT_SCOPES:
        # A rowid table: the id is the rowid, so the key's unique index maps names to ids.
        statements.append(
            f"CREATE TABLE {link_key_table(scope)} (id INTEGER PRIMARY KEY, key TEXT)"
        )
        statements.append(
            ddl(anchor_text_table(scope), ANCHOR_TEXT_COLUMNS,
                "target, neg_root_domains, neg_pages, anchor_text")
        )  # fmt: skip
    return statements


def link_index_statements() -> list[str]:
    statements = [
        f"CREATE UNIQUE INDEX {link_key_table(scope)}_by_key ON {link_key_table(scope)} (key)"
        for scope in LINKING_ROOT_SCOPES
    ]
    for scope in ("subdomain", "root_domain"):
        statements.append(
            f"CREATE INDEX link_rows_by_{scope} ON link_rows ({LINK_TARGET_COLUMNS[scope]},"
            " external, neg_page_authority, source_id, link_id, target_id, flags)"
        )
    return statements


# --- Heavy targets' link orders (index/heavy_orders.py) -----------------------------------------
# A link page in a sort the keys above do not order reads and sorts every row of its target, and
# source_scope ranks them all in a window: about 1.2 and 2.5 us a row, so 300 and 700 ms for the
# 259k rows of the heaviest root domain at 10M link records. Targets with more than
# HEAVY_LINK_ROWS rows (at 10M: 20 root domains, 24 subdomains and 20 pages, with 23%, 21% and
# 12% of the link rows) get one partial index per links sort, in that sort's order and carrying
# every column the state and date filters and source_scope read, so a page is an ordered walk
# that stops after its rows. The lighter targets keep the sort: under 15 ms.
HEAVY_LINK_ROWS = 10_000
HEAVY_ORDER_COLUMNS: tuple[str, ...] = (
    "source_id", "link_id", "target_id", "flags", "first_day", "lost_day",
    "source_subdomain_id", "source_root_id",
)  # fmt: skip

# Which targets are heavy, by scope, in this file: what a query looks its target up in.
HEAVY_TARGETS_DDL = (
    "CREATE TABLE heavy_targets (scope TEXT, target INTEGER, PRIMARY KEY (scope, target))"
    " WITHOUT ROWID"
)
# A link row's heavy level: at how many scopes its target is heavy. A page's rows are some of its
# subdomain's, and those some of its root domain's, so a heavy page's subdomain and root domain
# are heavy too and one number says all three: 0 none, 1 the root domain, 2 and the subdomain,
# 3 and the page. The partial indexes' term is then one comparison a row whatever the number of
# heavy targets (a term naming them cost rows x targets: about 13 min of CPU at 100M link records,
# and SQLite refuses one of 1,000 targets), and the level costs a row one header byte, and a
# content byte only for 2 and 3: 1.2 bytes a row at 10M (bench/bench_heavy_orders.py). The
# indexes carry it too: SQLite counts a partial index as covering only with its term's columns.
HEAVY_LEVELS = {"root_domain": 1, "subdomain": 2, "page": 3}
HEAVY_LEVEL_COLUMN = "heavy INTEGER NOT NULL DEFAULT 0"


def heavy_order_index(scope: str, sort: str) -> str:
    return f"link_rows_heavy_{scope}_by_{sort}"


def heavy_targets_condition(scope: str) -> str:
    """The partial indexes' WHERE term: a query names the index and repeats this term."""
    return f"heavy >= {HEAVY_LEVELS[scope]}"


def heavy_level_update() -> str:
    """Sets the heavy level of every row of the heavy root domains listed in heavy_targets."""
    listed = "(SELECT target FROM heavy_targets WHERE scope = '{}')"
    return (
        f"UPDATE link_rows SET heavy = 1 + (target_subdomain_id IN {listed.format('subdomain')})"
        f" + (target_id IN {listed.format('page')})"
        f" WHERE target_root_id IN {listed.format('root_domain')}"
    )


def heavy_order_statements(scope: str) -> list[str]:
    """One partial index per links sort over the rows of the scope's heavy targets (the key's
    external and neg_page_authority ride along as the table's primary key)."""
    statements = []
    for sort, column in LINK_SORT_COLUMNS.items():
        # The level too (see above): without it every entry walked read the table row.
        columns = dict.fromkeys((LINK_TARGET_COLUMNS[scope], column, *HEAVY_ORDER_COLUMNS, "heavy"))
        statements.append(
            f"CREATE INDEX {heavy_order_index(scope, sort)} ON link_rows ({', '.join(columns)})"
            f" WHERE {heavy_targets_condition(scope)}"
        )
    return statements


# --- Page lists: top_pages, global_top_pages, global_top_root_domains, final_redirect ---
# top_pages_<scope> lists every page the index knows under its subdomain / root domain,
# keyed (scope key, -PA, page) like the linking-root tables, so each top_pages sort is one
# range scan; http_code rides in every key so the status filters never leave the index.
TOP_PAGES_SCOPES = ("subdomain", "root_domain")
TOP_PAGES_COLUMNS: tuple[str, ...] = (
    "target", "neg_page_authority", "page", "neg_root_domains_to_page",
    "neg_external_pages_to_page", "http_code",
)  # fmt: skip
TOP_PAGES_SORT_KEYS = {
    "page_authority": "neg_page_authority",
    "root_domains_to_page": "neg_root_domains_to_page",
    "external_pages_to_page": "neg_external_pages_to_page",
}
# The whole index's strongest pages and root domains, ranked at build time (rank 1 first).
GLOBAL_TOP_LIMIT = 500
GLOBAL_TOP_PAGE_COLUMNS: tuple[str, ...] = ("rank", "page")
GLOBAL_TOP_ROOT_DOMAIN_COLUMNS: tuple[str, ...] = ("rank", "root_domain")
# One row per page whose newest capture was an HTTP redirect: the page it points at.
REDIRECT_COLUMNS: tuple[str, ...] = ("page", "target")
# The url_metrics distributions of heavily linked targets, pre-grouped at build time: a target's
# linking root domains counted per (root-domain bucket, DA bucket, spam bucket or -1, nofollow
# only). Lighter targets are grouped from the linking-root tables when asked.
DISTRIBUTION_GROUP_COLUMNS: tuple[str, ...] = (
    "scope", "target", "by_root_domains", "by_domain_authority", "by_spam_score",
    "nofollow_only", "roots", "pages", "nofollow_pages",
)  # fmt: skip


def top_pages_table(scope: str) -> str:
    return f"top_pages_{scope}"


def page_list_create_statements() -> list[str]:
    statements = [
        _table_ddl("global_top_pages", GLOBAL_TOP_PAGE_COLUMNS, "rank"),
        _table_ddl("global_top_root_domains", GLOBAL_TOP_ROOT_DOMAIN_COLUMNS, "rank"),
        _table_ddl("redirects", REDIRECT_COLUMNS, "page"),
        _table_ddl(
            "distribution_groups",
            DISTRIBUTION_GROUP_COLUMNS,
            "scope, target, by_root_domains, by_domain_authority, by_spam_score, nofollow_only",
        ),
    ]
    for scope in TOP_PAGES_SCOPES:
        statements.append(
            _table_ddl(
                top_pages_table(scope),
                TOP_PAGES_COLUMNS,
                "target, neg_page_authority, page",
            )
        )
    return statements


def page_list_index_statements() -> list[str]:
    """The two count sorts; the PA sort is the table's own key (rows carry http_code)."""
    statements = []
    for scope in TOP_PAGES_SCOPES:
        table = top_pages_table(scope)
        for sort, column in TOP_PAGES_SORT_KEYS.items():
            if column != "neg_page_authority":
                statements.append(
                    f"CREATE INDEX {table}_by_{sort} ON {table} (target, {column}, page, http_code)"
                )
    return statements


# PA and DA from earlier builds (builder/metric_history.py): one row per (page or root domain, day)
# on which its score changed, target_id from link_keys_page / link_keys_root_domain.
AUTHORITY_HISTORY_COLUMNS: tuple[str, ...] = ("target_id", "day", "value")
# Each table's targets: pages, or root domains, by their ids in that scope's key table.
AUTHORITY_HISTORY_SCOPES = {
    "page_authority_history": "page",
    "domain_authority_history": "root_domain",
}
AUTHORITY_HISTORY_TABLES = tuple(AUTHORITY_HISTORY_SCOPES)


def authority_history_create_statements() -> list[str]:
    return [
        _table_ddl(table, AUTHORITY_HISTORY_COLUMNS, "target_id, day")
        for table in AUTHORITY_HISTORY_TABLES
    ]


# --- Heavy targets' history summaries (index/history_summaries.py) -----------------------------
# A metric history counts a target's links on each day of its window from every link row of the
# target: about 1 s for the 259k rows of the heaviest root domain at 10M link records, two thirds
# of it reading the rows. For every target with more than HEAVY_LINK_ROWS link rows at a scope,
# the store keeps each of that scope's metrics on every date of the four histories (the days of
# histories.Calendar.grid, 10 buckets a day for a distribution) and its gains and losses between
# the dates the deltas compare (Calendar.delta_pairs), computed by histories.py when the store is
# written; the dates follow from the store's own meta, so a store never needs them recomputed.
# A row is about 2.3 KB (a distribution 7.6 KB). PA and DA are read from their own tables.
HISTORY_SUMMARY_TABLE = "history_summaries"
HISTORY_SUMMARY_DDL = (
    f"CREATE TABLE {HISTORY_SUMMARY_TABLE} (\n  scope TEXT,\n  target_id INTEGER,\n"
    "  metric TEXT,\n  value BLOB,\n  gained BLOB,\n  lost BLOB,\n"
    "  PRIMARY KEY (scope, target_id, metric)\n) WITHOUT ROWID"
)


def store_layout_digest() -> str:
    """A hash of the store's DDL. A build reuses a published snapshot of the same records only
    if its layout matches, so tables added by a newer linkindex are never missing."""
    heavy = [s for scope in LINKING_ROOT_SCOPES for s in heavy_order_statements(scope)]
    # The thresholds and the levels decide which rows those indexes hold: new ones, a new layout.
    stored = [*create_statements(), *index_statements(), *heavy, PACKED_SOURCES_DDL]
    text = "\n".join(
        [*stored, heavy_level_update(), str(HEAVY_LINK_ROWS), str(HEAVY_LINKING_ROOTS)]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@functools.cache
def _primary_keys() -> dict[str, tuple[str, ...]]:
    con = sqlite3.connect(":memory:")
    try:
        for statement in [*create_statements(), PACKED_SOURCES_DDL]:
            con.execute(statement)
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        keys = {}
        for table in tables:
            # table_info's rows: (cid, name, type, notnull, default, place in the key or 0)
            info = con.execute(f"PRAGMA table_info({table})").fetchall()
            keys[table] = tuple(row[1] for row in sorted(info, key=lambda r: r[5]) if row[5])
        return keys
    finally:
        con.close()


def primary_key(table: str) -> tuple[str, ...]:
    """A table's key columns in key order, read from its DDL above: the order every snapshot
    query gives its rows in, and so the order a file's rows are inserted in."""
    return _primary_keys()[table]


# --- Heavy targets' linking sources, packed (index/linking_sources.py) ---------------------------
# link_intersect combines every source page with a live external link to each target: 126k of
# them in the 259k external link rows of the heaviest root domain at 10M link records, which
# with the second heaviest's took 375 ms to read as rows into Python. A target with more than
# HEAVY_LINK_ROWS link rows has them here as three arrays in one row (little-endian: page ids
# ascending as int64, their DA and Spam Score as int16), so a query reads three blobs instead:
# 18 MB at 10M (bench/README.md, "link_intersect from packed sources"). The lighter targets
# are read as rows.
PACKED_SOURCES_TABLE = "packed_sources"
PACKED_SOURCES_DDL = (
    f"CREATE TABLE {PACKED_SOURCES_TABLE} (scope TEXT, target INTEGER, sources BLOB,"
    " domain_authorities BLOB, spam_scores BLOB, PRIMARY KEY (scope, target))"
)
