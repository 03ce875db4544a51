"""Domain Authority, Page Authority and Brand Authority from the live followed link graph.

Sums each target's evidence (trusted linking root domains, by strength) and scales it to 1-100.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from linkindex.builder.link_state import vouched
from linkindex.scoring import calibration
from linkindex.scoring.calibration import Calibration
from linkindex.scoring.evidence import (
    HIGH_SPAM,
    PAGE_DEPTH,
    TOP_SOURCES,
    farm_factor,
    linker_votes,
    page_depth,
    spam_factor,
)
from linkindex.scoring.rank import rank_over_floor

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
ROOT_EDGES = f"""
CREATE TABLE root_edges AS
SELECT s.node AS source, t.node AS target, count(DISTINCT l.source_page) AS pages
FROM links l
JOIN root_nodes s ON s.root_domain = l.source_root_domain
JOIN root_nodes t ON t.root_domain = l.target_root_domain
WHERE l.live AND {vouched("l")} AND l.source_root_domain <> l.target_root_domain
GROUP BY s.node, t.node
"""

# Per root domain: how many root domains it links to, and how many link to it that it does
# not link back to and that are not likely spam (independent support; a farm's members all
# link to each other, and spam sites vouching for a domain would launder the farm's votes).
ROOT_SUPPORT = f"""
CREATE TABLE root_support AS
SELECT n.node,
       coalesce(o.followed_roots_out, 0) AS followed_roots_out,
       coalesce(a.linkers, 0) AS linkers,
       coalesce(i.independent_linkers, 0) AS independent_linkers
FROM root_nodes n
LEFT JOIN (SELECT source AS node, count(*) AS followed_roots_out FROM root_edges GROUP BY 1) o
    USING (node)
LEFT JOIN (SELECT target AS node, count(*) AS linkers FROM root_edges GROUP BY 1) a
    USING (node)
LEFT JOIN (
    SELECT e.target AS node, count(*) AS independent_linkers
    FROM root_edges e
    JOIN root_nodes s ON s.node = e.source
    LEFT JOIN spam_scores sp ON sp.root_domain = s.root_domain
    ANTI JOIN root_edges back ON back.source = e.target AND back.target = e.source
    WHERE coalesce(sp.trust_score, -1) < {HIGH_SPAM}
    GROUP BY 1
) i USING (node)
ORDER BY n.node
"""

# Page edges: live followed links, each weighted by its root domain's trust divided by how
# many pages of that root domain link to the same target, so a root domain votes once per
# page it links to (its pages' votes are averaged).
PAGE_EDGES = f"""
CREATE TABLE page_edges AS
SELECT s.node AS source, t.node AS target, r.node AS source_root,
       (l.source_root_domain <> l.target_root_domain) AS external,
       count(*) OVER (PARTITION BY t.node, r.node) AS same_root_pages
FROM links l
JOIN page_nodes s ON s.page = l.source_page
JOIN page_nodes t ON t.page = l.target_page
JOIN root_nodes r ON r.root_domain = l.source_root_domain
WHERE l.live AND {vouched("l")}
"""

# Each page's root domain node, in page node order.
PAGE_ROOTS = """
SELECT r.node AS root FROM page_nodes p JOIN root_nodes r USING (root_domain) ORDER BY p.node
"""

# Each (page, other root domain with a live followed link to it): one vote per root domain.
PAGE_VOTERS = """
CREATE TABLE page_voters AS
SELECT DISTINCT target, source_root FROM page_edges WHERE external
"""


@dataclass
class AuthorityResult:
    calibrations: dict[str, Calibration]


def _column(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, np.ndarray]:
    return {k: np.asarray(v) for k, v in con.execute(sql).fetchnumpy().items()}


def _register(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, np.ndarray]) -> None:
    table = pa.table({k: pa.array(v) for k, v in columns.items()})
    con.execute(f"DROP TABLE IF EXISTS {name}")
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def build_authority(con: duckdb.DuckDBPyConnection) -> AuthorityResult:
    """Tables page_scores, root_scores and authority_sources; needs spam_scores and links.

    Every score is calibration.moz_scale() of an evidence sum (docs/metrics.md): the same
    evidence gives the same score in any index.
    """
    con.execute(PAGE_NODES)
    con.execute(ROOT_NODES)
    con.execute(ROOT_EDGES)
    con.execute(ROOT_SUPPORT)
    support = _column(con, "SELECT * FROM root_support")
    spam = _column(
        con,
        "SELECT coalesce(s.trust_score, -1) AS spam_score FROM root_nodes n "
        "LEFT JOIN spam_scores s USING (root_domain) ORDER BY n.node",
    )["spam_score"]
    root_count = len(support["node"])
    trust = farm_factor(
        support["followed_roots_out"], support["linkers"], support["independent_linkers"]
    )
    trust *= spam_factor(spam.astype(np.float64))
    scale = calibration.moz_scale()

    # In a fixed order: a float sum depends on its order in the last bits, and a score on
    # the scale's rounding, so an incremental build must sum as a full one does.
    edges = _column(con, "SELECT source, target, pages FROM root_edges ORDER BY target, source")
    strength = rank_over_floor(edges["source"], edges["target"], root_count, trust[edges["source"]])
    votes = linker_votes(strength, trust)
    evidence = np.bincount(
        edges["target"],
        weights=votes[edges["source"]] * page_depth(edges["pages"]),
        minlength=root_count,
    )

    con.execute(PAGE_EDGES)
    page_count = con.execute("SELECT count(*) FROM page_nodes").fetchone()[0]
    page_edges = _column(con, "SELECT source, target, source_root, same_root_pages FROM page_edges")
    # Built in place from the two columns, which are let go before the matrix is made.
    weights = trust[page_edges.pop("source_root")]
    weights /= page_edges.pop("same_root_pages")
    page_strength = rank_over_floor(page_edges["source"], page_edges["target"], page_count, weights)
    del weights, page_edges
    page_root = _column(con, PAGE_ROOTS)["root"]
    con.execute(PAGE_VOTERS)
    external = _column(
        con, "SELECT target, source_root FROM page_voters ORDER BY target, source_root"
    )
    external_evidence = np.bincount(
        external["target"], weights=votes[external["source_root"]], minlength=page_count
    )
    del external
    # A page carries the share of its domain's evidence that its place among the domain's
    # pages (its strength over the strongest of them, internal links included) gives it, or its
    # own external evidence if that is more; never more than its domain's (docs/metrics.md).
    strongest = np.zeros(root_count)
    np.maximum.at(strongest, page_root, page_strength)
    internal_evidence = page_strength / strongest[page_root] * evidence[page_root]
    _register(
        con,
        "page_rank",
        {
            "node": np.arange(page_count, dtype=np.int32),
            "page_rank": page_strength,
            "external_evidence": external_evidence,
            "internal_evidence": internal_evidence,
            "page_authority": scale.score(np.maximum(external_evidence, internal_evidence)),
        },
    )
    _register(
        con,
        "root_rank",
        {
            "node": np.arange(root_count, dtype=np.int32),
            "domain_rank": strength,
            "vote": votes,
            "evidence": evidence,
            "trust": trust,
            "domain_authority": scale.score(evidence),
        },
    )
    _brand_authority(con, scale)
    _explain_sources(con)
    con.execute(
        "CREATE TABLE page_scores AS SELECT n.page, s.page_authority "
        "FROM page_nodes n JOIN page_rank s USING (node)"
    )
    con.execute(
        "CREATE TABLE root_scores AS "
        "SELECT n.root_domain, r.domain_authority, r.domain_rank, "
        "       r.evidence AS authority_evidence, r.trust, "
        "       u.followed_roots_out, u.independent_linkers, "
        "       coalesce(b.brand_authority, 1) AS brand_authority, "
        "       coalesce(b.branded_linkers, 0) AS branded_linkers "
        "FROM root_nodes n JOIN root_rank r USING (node) JOIN root_support u USING (node) "
        "LEFT JOIN brand_scores b USING (root_domain)"
    )
    return AuthorityResult(
        {"domain_authority": scale, "page_authority": scale, "brand_authority": scale}
    )


# Brand strength: the root domains that link to a domain with its brand in the anchor text,
# each counted once with its vote as a linker (trust x sqrt(strength)). Moz's Brand Authority
# uses branded search volume, which a link index lacks.
BRAND_STRENGTH = """
SELECT n.root_domain, count(*) AS branded_linkers, sum(r.vote ORDER BY s.node) AS evidence
FROM branded_linkers b
JOIN root_nodes n ON n.root_domain = b.target
JOIN root_nodes s ON s.root_domain = b.source
JOIN root_rank r ON r.node = s.node
WHERE b.branded
GROUP BY n.root_domain
ORDER BY n.root_domain
"""


def _brand_authority(con: duckdb.DuckDBPyConnection, scale: Calibration) -> None:
    rows = _column(con, BRAND_STRENGTH)
    domains = rows.get("root_domain", np.zeros(0, dtype=object))
    evidence = np.asarray(rows.get("evidence", np.zeros(0)), dtype=np.float64)
    _register(
        con,
        "brand_scores",
        {
            "root_domain": np.asarray(domains, dtype=object).astype(str),
            "branded_linkers": np.asarray(rows.get("branded_linkers", np.zeros(0)), np.int64),
            "brand_authority": scale.score(evidence),
        },
    )


# What each linking root domain adds to a target's evidence, as a share of the evidence its
# score is computed from. A page scored from its share of its domain's evidence (internal
# links) names its own root domain with share 1.
EXPLAIN_SOURCES = f"""
CREATE TABLE authority_sources AS
WITH root_votes AS (
    SELECT 'root_domain' AS scope, t.root_domain AS target, s.root_domain AS source,
           rs.vote * (1 + {PAGE_DEPTH} * ln(e.pages)) / rt.evidence AS share
    FROM root_edges e
    JOIN root_nodes s ON s.node = e.source JOIN root_nodes t ON t.node = e.target
    JOIN root_rank rs ON rs.node = e.source JOIN root_rank rt ON rt.node = e.target
    WHERE rt.evidence > 0
), page_votes AS (
    SELECT 'page' AS scope, t.page AS target, r.root_domain AS source,
           rr.vote / pt.external_evidence AS share
    FROM page_voters e
    JOIN page_rank pt ON pt.node = e.target
    JOIN root_rank rr ON rr.node = e.source_root
    JOIN page_nodes t ON t.node = e.target JOIN root_nodes r ON r.node = e.source_root
    WHERE pt.external_evidence >= pt.internal_evidence AND pt.external_evidence > 0
), page_own_domain AS (
    SELECT 'page' AS scope, t.page AS target, t.root_domain AS source, 1.0 AS share
    FROM page_rank pt JOIN page_nodes t ON t.node = pt.node
    WHERE pt.internal_evidence > pt.external_evidence
)
SELECT * FROM (
    SELECT * FROM root_votes UNION ALL SELECT * FROM page_votes
    UNION ALL SELECT * FROM page_own_domain
)
WHERE share > 0
QUALIFY row_number() OVER (PARTITION BY scope, target ORDER BY share DESC, source) <= {TOP_SOURCES}
"""


def _explain_sources(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(EXPLAIN_SOURCES)
    con.execute("DROP TABLE page_edges; DROP TABLE page_voters")
