"""Domain Authority, Page Authority and Brand Authority from the live followed link graph.

Steps that sum each target's evidence (trusted linking root domains, by strength) on 1-100. The
two rank steps have a twin over Spark DataFrames for graphs past the driver (steps.Distributed),
built from the same functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from linkindex.builder.engines import spark_rank
from linkindex.builder.engines.spark_columns import with_column
from linkindex.builder.link_state import vouched
from linkindex.builder.steps import Distributed, Step, Tables, python_step, sql_step
from linkindex.scoring import calibration
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

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

PAGE_NODES = """
SELECT page, any_value(subdomain) AS subdomain, any_value(root_domain) AS root_domain,
       (row_number() OVER (ORDER BY page) - 1)::INTEGER AS node
FROM (SELECT page, subdomain, root_domain FROM page_latest
      UNION ALL SELECT target_page, target_subdomain, target_root_domain FROM links
      UNION ALL SELECT source_page, source_subdomain, source_root_domain FROM links)
GROUP BY page
"""

ROOT_NODES = """
SELECT root_domain, (row_number() OVER (ORDER BY root_domain) - 1)::INTEGER AS node
FROM (SELECT root_domain FROM page_nodes GROUP BY root_domain)
"""

# One edge per ordered pair of different root domains with a live followed link: a linking
# root domain votes once, however many of its pages link.
ROOT_EDGES = f"""
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
"""

# Each root domain's trust_score (-1: none, it has no page that answered 200).
ROOT_SPAM = """
SELECT n.node, coalesce(s.trust_score, -1) AS spam_score
FROM root_nodes n LEFT JOIN spam_scores s USING (root_domain)
"""

# Page edges: live followed links, each weighted by its root domain's trust divided by how
# many pages of that root domain link to the same target, so a root domain votes once per
# page it links to (its pages' votes are averaged).
PAGE_EDGES = f"""
SELECT s.node AS source, t.node AS target, r.node AS source_root,
       (l.source_root_domain <> l.target_root_domain) AS external,
       count(*) OVER (PARTITION BY t.node, r.node) AS same_root_pages
FROM links l
JOIN page_nodes s ON s.page = l.source_page
JOIN page_nodes t ON t.page = l.target_page
JOIN root_nodes r ON r.root_domain = l.source_root_domain
WHERE l.live AND {vouched("l")}
"""

# Each page's root domain node.
PAGE_ROOTS = """
SELECT p.node, r.node AS root FROM page_nodes p JOIN root_nodes r USING (root_domain)
"""

# Each (page, other root domain with a live followed link to it): one vote per root domain.
PAGE_VOTERS = """
SELECT DISTINCT target, source_root FROM page_edges WHERE external
"""

PAGE_SCORES = "SELECT n.page, s.page_authority FROM page_nodes n JOIN page_rank s USING (node)"
ROOT_SCORES = """
SELECT n.root_domain, r.domain_authority, r.domain_rank,
       r.evidence AS authority_evidence, r.trust,
       u.followed_roots_out, u.independent_linkers,
       coalesce(b.brand_authority, 1) AS brand_authority,
       coalesce(b.branded_linkers, 0) AS branded_linkers
FROM root_nodes n JOIN root_rank r USING (node) JOIN root_support u USING (node)
LEFT JOIN brand_scores b USING (root_domain)
"""


def _by_node(table: pa.Table, column: str, count: int) -> np.ndarray:
    """A column of a table keyed by node 0..count-1, as an array indexed by node."""
    values = table.column(column).to_numpy(zero_copy_only=False)
    out = np.zeros(count, dtype=values.dtype)
    out[table.column("node").to_numpy()] = values
    return out


def _columns(table: pa.Table, *names: str) -> list[np.ndarray]:
    return [table.column(n).to_numpy(zero_copy_only=False) for n in names]


# The root_support columns a root domain's farm factor reads, in root_trust's order.
SUPPORT_COLUMNS = ("followed_roots_out", "linkers", "independent_linkers")


def root_trust(
    followed_roots_out: np.ndarray,
    linkers: np.ndarray,
    independent_linkers: np.ndarray,
    spam_score: np.ndarray,
) -> np.ndarray:
    """A root domain's trust: its farm factor times its spam factor (scoring/evidence.py)."""
    trust = farm_factor(followed_roots_out, linkers, independent_linkers)
    trust *= spam_factor(spam_score.astype(np.float64))
    return trust


def root_edge_evidence(source_vote: np.ndarray, pages: np.ndarray) -> np.ndarray:
    """What a root-domain edge adds to its target's evidence: its source's vote as a linker,
    counted more from more of its pages (page_depth)."""
    return source_vote * page_depth(pages)


def page_edge_weights(
    source_trust: np.ndarray, same_root_pages: np.ndarray, out: np.ndarray | None = None
) -> np.ndarray:
    """A page link's weight in the page graph: its root domain's trust, shared by that
    domain's pages that link to the same target. Written into ``out`` when given: the page
    graph's largest array, which the driver's rank then holds once (docs/metrics.md)."""
    return np.divide(source_trust, same_root_pages, out=out)


def domain_authority(evidence: np.ndarray) -> np.ndarray:
    return calibration.moz_scale().score(evidence)


def _root_ranks(tables: Tables) -> Mapping[str, pa.Table]:
    """Table root_rank: each root domain's trust, strength in the root-domain graph, vote as a
    linker, evidence and DA. Every score is calibration.moz_scale() of an evidence sum
    (docs/metrics.md), so the same evidence gives the same score in any index."""
    support = tables["root_support"]
    root_count = support.num_rows
    trust = root_trust(
        *(_by_node(support, c, root_count) for c in SUPPORT_COLUMNS),
        _by_node(tables["root_spam"], "spam_score", root_count),
    )
    # In a fixed order: a float sum depends on its order in the last bits, and a score on
    # the scale's rounding, so an incremental build must sum as a full one does.
    edges = tables["root_edges"].sort_by([("target", "ascending"), ("source", "ascending")])
    source, target, pages = _columns(edges, "source", "target", "pages")
    strength = rank_over_floor(source, target, root_count, trust[source])
    votes = linker_votes(strength, trust)
    evidence = np.bincount(
        target, weights=root_edge_evidence(votes[source], pages), minlength=root_count
    )
    root_rank = pa.table({
        "node": np.arange(root_count, dtype=np.int32),
        "domain_rank": strength,
        "vote": votes,
        "evidence": evidence,
        "trust": trust,
        "domain_authority": domain_authority(evidence),
    })  # fmt: skip
    return {"root_rank": root_rank}


def _root_ranks_distributed(frames: Mapping[str, DataFrame]) -> Mapping[str, DataFrame]:
    """_root_ranks over Spark DataFrames, the root-domain graph ranked on the cluster
    (engines/spark_rank.py): the same functions applied batch by batch (spark_columns.py).
    Each target's evidence is summed in Spark's order, not by source: the last bits may
    differ, and a DA on the scale's rounding by one point."""
    from pyspark.sql import functions as F

    nodes = frames["root_support"].join(frames["root_spam"], "node")
    nodes = with_column(nodes, "trust", "double", root_trust, *SUPPORT_COLUMNS, "spam_score")
    nodes = nodes.select("node", "trust").localCheckpoint()
    edges = frames["root_edges"]
    weights = nodes.select(F.col("node").alias("source"), F.col("trust").alias("weight"))
    strength = spark_rank.rank_over_floor(edges.join(weights, "source"), nodes).ranks
    strength = strength.select(F.col("node").cast("int"), F.col("rank").alias("domain_rank"))
    scored = with_column(nodes.join(strength, "node"), "vote", "double", linker_votes,
                         "domain_rank", "trust").localCheckpoint()  # fmt: skip
    votes = scored.select(F.col("node").alias("source"), "vote")
    terms = with_column(edges.join(votes, "source"), "term", "double", root_edge_evidence,
                        "vote", "pages")  # fmt: skip
    sums = terms.groupBy(F.col("target").alias("node")).agg(F.sum("term").alias("evidence"))
    root_rank = scored.join(sums, "node", "left").withColumn(
        "evidence", F.coalesce("evidence", F.lit(0.0))
    )
    root_rank = with_column(root_rank, "domain_authority", "smallint", domain_authority,
                            "evidence")  # fmt: skip
    columns = ("node", "domain_rank", "vote", "evidence", "trust", "domain_authority")
    return {"root_rank": root_rank.select(*columns)}


def _page_strength(tables: Tables) -> Mapping[str, pa.Table]:
    """Table page_strength: each page's PageRank over the floor in the page graph, a linking
    page's vote weighted by its root domain's trust and shared by its domain's pages that link
    to the same target (page_edge_weights)."""
    page_count = tables["page_roots"].num_rows
    root_rank = tables["root_rank"]
    trust = _by_node(root_rank, "trust", root_rank.num_rows)
    page_source, page_target, source_root, same_root_pages = _columns(
        tables["page_edges"], "source", "target", "source_root", "same_root_pages"
    )
    weights = trust[source_root]
    page_edge_weights(weights, same_root_pages, out=weights)
    strength = rank_over_floor(page_source, page_target, page_count, weights)
    return {"page_strength": pa.table({"node": np.arange(page_count, dtype=np.int32),
                                       "page_rank": strength})}  # fmt: skip


def _page_strength_distributed(frames: Mapping[str, DataFrame]) -> Mapping[str, DataFrame]:
    """_page_strength over Spark DataFrames, the page graph ranked on the cluster
    (engines/spark_rank.py), each edge weighted by page_edge_weights batch by batch."""
    from pyspark.sql import functions as F

    trust = frames["root_rank"].select(F.col("node").alias("source_root"), "trust")
    edges = frames["page_edges"].join(trust, "source_root")
    edges = with_column(edges, "weight", "double", page_edge_weights, "trust", "same_root_pages")
    ranks = spark_rank.rank_over_floor(edges, frames["page_roots"]).ranks
    strength = ranks.select(F.col("node").cast("int"), F.col("rank").alias("page_rank"))
    return {"page_strength": strength}


def _page_ranks(tables: Tables) -> Mapping[str, pa.Table]:
    """Table page_rank: each page's strength, its external and internal evidence, and PA."""
    root_rank = tables["root_rank"]
    root_count = root_rank.num_rows
    votes = _by_node(root_rank, "vote", root_count)
    evidence = _by_node(root_rank, "evidence", root_count)
    page_roots = tables["page_roots"]
    page_count = page_roots.num_rows
    page_strength = _by_node(tables["page_strength"], "page_rank", page_count)
    page_root = _by_node(page_roots, "root", page_count)
    voters = tables["page_voters"].sort_by([("target", "ascending"), ("source_root", "ascending")])
    voted, voter = _columns(voters, "target", "source_root")
    external_evidence = np.bincount(voted, weights=votes[voter], minlength=page_count)
    # A page carries the share of its domain's evidence that its place among the domain's
    # pages (its strength over the strongest of them, internal links included) gives it, or its
    # own external evidence if that is more; never more than its domain's (docs/metrics.md).
    strongest = np.zeros(root_count)
    np.maximum.at(strongest, page_root, page_strength)
    internal_evidence = page_strength / strongest[page_root] * evidence[page_root]
    page_rank = pa.table({
        "node": np.arange(page_count, dtype=np.int32),
        "page_rank": page_strength,
        "external_evidence": external_evidence,
        "internal_evidence": internal_evidence,
        "page_authority": calibration.moz_scale().score(
            np.maximum(external_evidence, internal_evidence)
        ),
    })  # fmt: skip
    return {"page_rank": page_rank}


# Brand strength: the root domains that link to a domain with its brand in the anchor text,
# each counted once with its vote as a linker (trust x sqrt(strength)). Moz's Brand Authority
# uses branded search volume, which a link index lacks.
BRAND_VOTES = """
SELECT n.root_domain, s.node AS source_node, r.vote
FROM branded_linkers b
JOIN root_nodes n ON n.root_domain = b.target
JOIN root_nodes s ON s.root_domain = b.source
JOIN root_rank r ON r.node = s.node
WHERE b.branded
"""


def _brand_scores(tables: Tables) -> Mapping[str, pa.Table]:
    # Each target's votes summed one by one in linker node order, so every build (and every
    # engine) adds the same floats in the same order.
    votes = tables["brand_votes"].sort_by(
        [("root_domain", "ascending"), ("source_node", "ascending")]
    )
    domains = votes.column("root_domain").to_numpy(zero_copy_only=False)
    names, group = np.unique(domains.astype(str), return_inverse=True)
    evidence = np.bincount(group, weights=votes.column("vote").to_numpy(), minlength=len(names))
    brand = pa.table({
        "root_domain": pa.array(names, pa.string()),
        "branded_linkers": pa.array(np.bincount(group, minlength=len(names)), pa.int64()),
        "brand_authority": calibration.moz_scale().score(evidence.astype(np.float64)),
    })  # fmt: skip
    return {"brand_scores": brand}


# What each linking root domain adds to a target's evidence, as a share of the evidence its
# score is computed from. A page scored from its share of its domain's evidence (internal
# links) names its own root domain with share 1.
EXPLAIN_SOURCES = f"""
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
SELECT scope, target, source, share
FROM (
    SELECT *,
           row_number() OVER (PARTITION BY scope, target ORDER BY share DESC, source) AS place
    FROM (SELECT * FROM root_votes UNION ALL SELECT * FROM page_votes
          UNION ALL SELECT * FROM page_own_domain) votes
    WHERE share > 0
) ranked
WHERE place <= {TOP_SOURCES}
"""

STEPS: tuple[Step, ...] = (
    sql_step("page_nodes", ["links", "page_latest"], PAGE_NODES),
    sql_step("root_nodes", ["page_nodes"], ROOT_NODES),
    sql_step("root_edges", ["links", "root_nodes"], ROOT_EDGES),
    sql_step("root_support", ["root_edges", "root_nodes", "spam_scores"], ROOT_SUPPORT),
    sql_step("root_spam", ["root_nodes", "spam_scores"], ROOT_SPAM),
    sql_step("page_edges", ["links", "page_nodes", "root_nodes"], PAGE_EDGES),
    sql_step("page_roots", ["page_nodes", "root_nodes"], PAGE_ROOTS),
    sql_step("page_voters", ["page_edges"], PAGE_VOTERS),
    python_step("root_ranks", ["root_edges", "root_spam", "root_support"], ["root_rank"],
                _root_ranks, Distributed(_root_ranks_distributed, "root_support", "root_edges")),
    python_step("page_strength", ["page_edges", "page_roots", "root_rank"], ["page_strength"],
                _page_strength, Distributed(_page_strength_distributed, "page_roots",
                                            "page_edges")),
    python_step("page_ranks", ["page_roots", "page_strength", "page_voters", "root_rank"],
                ["page_rank"], _page_ranks),
    sql_step("brand_votes", ["branded_linkers", "root_nodes", "root_rank"], BRAND_VOTES),
    python_step("brand", ["brand_votes"], ["brand_scores"], _brand_scores),
    sql_step("authority_sources",
             ["page_nodes", "page_rank", "page_voters", "root_edges", "root_nodes", "root_rank"],
             EXPLAIN_SOURCES),
    sql_step("page_scores", ["page_nodes", "page_rank"], PAGE_SCORES),
    sql_step("root_scores", ["brand_scores", "root_nodes", "root_rank", "root_support"],
             ROOT_SCORES),
)  # fmt: skip
