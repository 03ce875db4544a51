"""First-cut authority scores: PageRank on the page graph (PA) and the root-domain graph (DA).

Only live, followed links vote; a root domain votes once per root domain it links to.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from linkindex.build.rank import pagerank, scale_1_100

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

PAGE_EDGES = """
SELECT s.node AS source, t.node AS target
FROM links l
JOIN page_nodes s ON s.page = l.source_page
JOIN page_nodes t ON t.page = l.target_page
WHERE l.live AND l.followed
"""

ROOT_EDGES = """
SELECT DISTINCT s.node AS source, t.node AS target
FROM links l
JOIN root_nodes s ON s.root_domain = l.source_root_domain
JOIN root_nodes t ON t.root_domain = l.target_root_domain
WHERE l.live AND l.followed AND l.source_root_domain <> l.target_root_domain
"""


def _score_graph(
    con: duckdb.DuckDBPyConnection, nodes_table: str, edges_sql: str, column: str
) -> pa.Table:
    node_count = con.execute(f"SELECT count(*) FROM {nodes_table}").fetchone()[0]
    edges = con.execute(edges_sql).fetchnumpy()
    rank = pagerank(
        np.asarray(edges["source"], dtype=np.int32),
        np.asarray(edges["target"], dtype=np.int32),
        node_count,
    )
    return pa.table(
        {"node": pa.array(np.arange(node_count, dtype=np.int32)), column: scale_1_100(rank)}
    )


def build_scores(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(PAGE_NODES)
    con.execute(ROOT_NODES)
    page_scores = _score_graph(con, "page_nodes", PAGE_EDGES, "page_authority")
    root_scores = _score_graph(con, "root_nodes", ROOT_EDGES, "domain_authority")
    con.register("page_scores_arrow", page_scores)
    con.register("root_scores_arrow", root_scores)
    con.execute(
        "CREATE TABLE page_scores AS SELECT n.page, s.page_authority "
        "FROM page_nodes n JOIN page_scores_arrow s USING (node)"
    )
    con.execute(
        "CREATE TABLE root_scores AS SELECT n.root_domain, s.domain_authority "
        "FROM root_nodes n JOIN root_scores_arrow s USING (node)"
    )
    con.unregister("page_scores_arrow")
    con.unregister("root_scores_arrow")
