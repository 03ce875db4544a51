"""Domain Authority, Page Authority and Brand Authority from the live followed link graph.

Builds the weighted graphs in SQL, ranks them with build.rank, and scales with build.calibration.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from linkindex.build import calibration
from linkindex.build.calibration import Calibration
from linkindex.build.rank import DAMPING, pagerank

# A root domain that no independent root domain links to (none, or only domains it links back
# to, as a farm's members do) has its votes damped to 1 / (1 + roots it links to / this).
UNVOUCHED_FREE_LINKS = 3.0
# Moz's "high" Spam Score band starts here: links from such domains carry no authority.
HIGH_SPAM = 61
# Rows per target kept for `linkindex explain`.
TOP_SOURCES = 5

PAGE_NODES = """
CREATE TABLE page_nodes AS
SELECT page, any_value(subdomain) AS subdomain, any_value(root_domain) AS root_domain,
       (row_number() OVER (ORDER BY page) - 1)::INTEGER AS node
FROM (SELECT page, subdomain, root_domain FROM page_latest
      UNION ALL SELECT target_page, target_subdomain, target_root_domain FROM links
      UNION ALL SELECT source_page, source_subdomain, source_root_domain FROM links)
GROUP BY page
"""

ROOT_NODES = """
CREATE TABLE root_nodes AS
SELECT root_domain, (row_number() OVER (ORDER BY root_domain) - 1)::INTEGER AS node
FROM (SELECT root_domain FROM page_nodes GROUP BY root_domain)
"""

# One edge per ordered pair of different root domains with a live followed link: a linking
# root domain votes once, however many of its pages link.
ROOT_EDGES = """
CREATE TABLE root_edges AS
SELECT DISTINCT s.node AS source, t.node AS target
FROM links l
JOIN root_nodes s ON s.root_domain = l.source_root_domain
JOIN root_nodes t ON t.root_domain = l.target_root_domain
WHERE l.live AND l.followed AND l.source_root_domain <> l.target_root_domain
"""

# Per root domain: how many root domains it links to, and how many link to it that it does
# not link back to and that are not likely spam (independent support; a farm's members all
# link to each other, and spam sites vouching for a domain would launder the farm's votes).
ROOT_SUPPORT = f"""
CREATE TABLE root_support AS
SELECT n.node,
       coalesce(o.followed_roots_out, 0) AS followed_roots_out,
       coalesce(i.independent_linkers, 0) AS independent_linkers
FROM root_nodes n
LEFT JOIN (SELECT source AS node, count(*) AS followed_roots_out FROM root_edges GROUP BY 1) o
    USING (node)
LEFT JOIN (
    SELECT e.target AS node, count(*) AS independent_linkers
    FROM root_edges e
    JOIN root_nodes s ON s.node = e.source
    LEFT JOIN spam_scores sp ON sp.root_domain = s.root_domain
    ANTI JOIN root_edges back ON back.source = e.target AND back.target = e.source
    WHERE coalesce(sp.spam_score, -1) < {HIGH_SPAM}
    GROUP BY 1
) i USING (node)
ORDER BY n.node
"""

# Page edges: live followed links, each weighted by its root domain's trust divided by how
# many pages of that root domain link to the same target, so a root domain votes once per
# page it links to (its pages' votes are averaged).
PAGE_EDGES = """
CREATE TABLE page_edges AS
SELECT s.node AS source, t.node AS target, r.node AS source_root,
       count(*) OVER (PARTITION BY t.node, r.node) AS same_root_pages
FROM links l
JOIN page_nodes s ON s.page = l.source_page
JOIN page_nodes t ON t.page = l.target_page
JOIN root_nodes r ON r.root_domain = l.source_root_domain
WHERE l.live AND l.followed
"""


@dataclass
class AuthorityResult:
    calibrations: dict[str, Calibration]


def farm_factor(followed_roots_out: np.ndarray, independent_linkers: np.ndarray) -> np.ndarray:
    """1 for a domain with independent support; less the more it links out without it."""
    unvouched = 1.0 / (1.0 + followed_roots_out / UNVOUCHED_FREE_LINKS)
    return np.where(independent_linkers > 0, 1.0, unvouched)


def spam_factor(spam_score: np.ndarray) -> np.ndarray:
    """1 - spam probability; 0 in the high band; 1 where no spam score exists (-1)."""
    factor = np.where(spam_score >= 0, 1.0 - spam_score / 100.0, 1.0)
    return np.where(spam_score >= HIGH_SPAM, 0.0, factor)


def _column(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, np.ndarray]:
    return {k: np.asarray(v) for k, v in con.execute(sql).fetchnumpy().items()}


def _register(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, np.ndarray]) -> None:
    table = pa.table({k: pa.array(v) for k, v in columns.items()})
    con.execute(f"DROP TABLE IF EXISTS {name}")
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def build_authority(
    con: duckdb.DuckDBPyConnection,
    stored: dict[str, Calibration],
    index_id: str,
) -> AuthorityResult:
    """Tables page_scores, root_scores and authority_sources; needs spam_scores and links.

    ``stored`` holds the current snapshot's calibrations, reused while they fit the data.
    """
    con.execute(PAGE_NODES)
    con.execute(ROOT_NODES)
    con.execute(ROOT_EDGES)
    con.execute(ROOT_SUPPORT)
    support = _column(con, "SELECT * FROM root_support")
    spam = _column(
        con,
        "SELECT coalesce(s.spam_score, -1) AS spam_score FROM root_nodes n "
        "LEFT JOIN spam_scores s USING (root_domain) ORDER BY n.node",
    )["spam_score"]
    root_count = len(support["node"])
    trust = farm_factor(support["followed_roots_out"], support["independent_linkers"])
    trust *= spam_factor(spam.astype(np.float64))

    calibrations: dict[str, Calibration] = {}
    edges = _column(con, "SELECT source, target FROM root_edges")
    root_rank = pagerank(edges["source"], edges["target"], root_count, trust[edges["source"]])
    root_raw = calibration.raw_values(root_rank)
    calibrations["domain_authority"] = calibration.choose(
        root_raw, stored.get("domain_authority"), index_id
    )
    domain_authority = calibrations["domain_authority"].apply(root_raw)

    con.execute(PAGE_EDGES)
    page_count = con.execute("SELECT count(*) FROM page_nodes").fetchone()[0]
    page_edges = _column(con, "SELECT source, target, source_root, same_root_pages FROM page_edges")
    # Built in place from the two columns, which are let go before the matrix is made.
    weights = trust[page_edges.pop("source_root")]
    weights /= page_edges.pop("same_root_pages")
    page_rank = pagerank(page_edges["source"], page_edges["target"], page_count, weights)
    del weights, page_edges
    page_raw = calibration.raw_values(page_rank)
    calibrations["page_authority"] = calibration.choose(
        page_raw, stored.get("page_authority"), index_id
    )
    _register(
        con,
        "page_rank",
        {
            "node": np.arange(page_count, dtype=np.int32),
            "page_rank": page_rank,
            "page_authority": calibrations["page_authority"].apply(page_raw),
        },
    )
    _register(
        con,
        "root_rank",
        {
            "node": np.arange(root_count, dtype=np.int32),
            "domain_rank": root_rank,
            "strength": np.exp(root_raw),
            "trust": trust,
            "domain_authority": domain_authority,
        },
    )
    brand = _brand_authority(con, stored.get("brand_authority"), index_id)
    calibrations["brand_authority"] = brand
    _explain_sources(con)
    con.execute(
        "CREATE TABLE page_scores AS SELECT n.page, s.page_authority "
        "FROM page_nodes n JOIN page_rank s USING (node)"
    )
    con.execute(
        "CREATE TABLE root_scores AS "
        "SELECT n.root_domain, r.domain_authority, r.domain_rank, r.trust, "
        "       u.followed_roots_out, u.independent_linkers, "
        "       coalesce(b.brand_authority, 1) AS brand_authority, "
        "       coalesce(b.branded_linkers, 0) AS branded_linkers "
        "FROM root_nodes n JOIN root_rank r USING (node) JOIN root_support u USING (node) "
        "LEFT JOIN brand_scores b USING (root_domain)"
    )
    return AuthorityResult(calibrations)


# Brand strength: the root domains that link to a domain with its brand in the anchor text,
# each counted once and weighted by its own authority (rank relative to an unlinked domain)
# and trust. Moz's Brand Authority uses branded search volume, which a link index lacks.
BRAND_STRENGTH = """
SELECT n.root_domain, count(*) AS branded_linkers, sum(r.strength * r.trust) AS strength
FROM branded_linkers b
JOIN root_nodes n ON n.root_domain = b.target
JOIN root_nodes s ON s.root_domain = b.source
JOIN root_rank r ON r.node = s.node
WHERE b.branded
GROUP BY n.root_domain
ORDER BY n.root_domain
"""


def _brand_authority(
    con: duckdb.DuckDBPyConnection, stored: Calibration | None, index_id: str
) -> Calibration:
    rows = _column(con, BRAND_STRENGTH)
    domains = rows.get("root_domain", np.zeros(0, dtype=object))
    raw = np.log1p(np.asarray(rows.get("strength", np.zeros(0)), dtype=np.float64))
    fitted = calibration.choose(raw, stored, index_id)
    _register(
        con,
        "brand_scores",
        {
            "root_domain": np.asarray(domains, dtype=object).astype(str),
            "branded_linkers": np.asarray(rows.get("branded_linkers", np.zeros(0)), np.int64),
            "brand_authority": fitted.apply(raw),
        },
    )
    return fitted


# What each linking root domain adds to a target's rank, as a share of the target's rank:
# DAMPING * rank(source) * weight / out-degree, summed over the root domain's pages.
EXPLAIN_SOURCES = f"""
CREATE TABLE authority_sources AS
WITH root_votes AS (
    SELECT 'root_domain' AS scope, t.root_domain AS target, s.root_domain AS source,
           {DAMPING} * rs.domain_rank * rs.trust / u.followed_roots_out / rt.domain_rank
               AS share
    FROM root_edges e
    JOIN root_nodes s ON s.node = e.source JOIN root_nodes t ON t.node = e.target
    JOIN root_rank rs ON rs.node = e.source JOIN root_rank rt ON rt.node = e.target
    JOIN root_support u ON u.node = e.source
), out_degree AS (
    SELECT source, count(DISTINCT target) AS followed_pages_out FROM page_edges GROUP BY source
), page_votes AS (
    SELECT 'page' AS scope, t.page AS target, r.root_domain AS source,
           sum({DAMPING} * ps.page_rank * rr.trust / e.same_root_pages / o.followed_pages_out
               / pt.page_rank) AS share
    FROM page_edges e
    JOIN out_degree o ON o.source = e.source
    JOIN page_rank ps ON ps.node = e.source JOIN page_rank pt ON pt.node = e.target
    JOIN root_rank rr ON rr.node = e.source_root
    JOIN page_nodes t ON t.node = e.target JOIN root_nodes r ON r.node = e.source_root
    GROUP BY t.page, r.root_domain
)
SELECT * FROM (SELECT * FROM root_votes UNION ALL SELECT * FROM page_votes)
WHERE share > 0
QUALIFY row_number() OVER (PARTITION BY scope, target ORDER BY share DESC, source) <= {TOP_SOURCES}
"""


def _explain_sources(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(EXPLAIN_SOURCES)
    con.execute("DROP TABLE page_edges")
