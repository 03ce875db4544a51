"""Tables core_reach and network_links: which root domains the organic body reaches, from links.

The rule (strongly connected sets and a walk from them) is scoring.organic_reach's, fed here.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from linkindex.builder.link_state import vouched
from linkindex.scoring.organic_reach import reached_from_core

# Live links their sources vouch for between different root domains, numbered in SQL so that
# only integer arrays (and one flag per root domain) reach numpy.
REACH_NODES = f"""
CREATE OR REPLACE TEMP TABLE reach_pairs AS
SELECT DISTINCT source_root_domain AS source, target_root_domain AS target
FROM links
WHERE live AND {vouched()} AND source_root_domain <> target_root_domain;
CREATE OR REPLACE TEMP TABLE reach_nodes AS
SELECT root_domain, (row_number() OVER (ORDER BY root_domain) - 1)::INTEGER AS node,
       root_domain IN (SELECT root_domain FROM ({{pushers}})) AS pusher
FROM (SELECT source AS root_domain FROM reach_pairs UNION SELECT target FROM reach_pairs);
"""

REACH_EDGES = """
SELECT s.node AS source, t.node AS target
FROM reach_pairs p
JOIN reach_nodes s ON s.root_domain = p.source
JOIN reach_nodes t ON t.root_domain = p.target
"""


# Per root domain that links out: how many root domains that themselves link out it links to
# (live, followed), and how many of those the organic body does not reach. Only targets that
# link out count: a target known only from links to it is unreached whenever its linkers are,
# which in a small crawl says what the crawl missed, not that the target is in a network.
NETWORK_LINKS = """
CREATE OR REPLACE TABLE network_links AS
SELECT p.source AS root_domain, count(*) AS roots_linked,
       count(*) FILTER (WHERE NOT r.reached) AS unreached_roots_linked
FROM reach_pairs p JOIN core_reach r ON r.root_domain = p.target
WHERE p.target IN (SELECT source FROM reach_pairs)
GROUP BY p.source
"""


def build_core_reach(con: duckdb.DuckDBPyConnection, pushers_sql: str) -> None:
    """Tables core_reach(root_domain, reached) for every root domain with a followed link, and
    network_links (NETWORK_LINKS).

    ``pushers_sql`` selects the root domains (column root_domain) that push with keywords.
    """
    con.execute(REACH_NODES.replace("{pushers}", pushers_sql))
    edges = con.execute(REACH_EDGES).fetchnumpy()
    pushers = con.execute("SELECT pusher FROM reach_nodes ORDER BY node").fetchnumpy()["pusher"]
    reached = reached_from_core(
        np.asarray(edges["source"]), np.asarray(edges["target"]), np.asarray(pushers, dtype=bool)
    )
    con.register("reached_arrow", pa.table({"node": np.arange(len(reached), dtype=np.int32),
                                            "reached": reached}))  # fmt: skip
    con.execute(
        "CREATE OR REPLACE TABLE core_reach AS SELECT n.root_domain, r.reached "
        "FROM reach_nodes n JOIN reached_arrow r USING (node)"
    )
    con.unregister("reached_arrow")
    con.execute(NETWORK_LINKS)
    con.execute("DROP TABLE reach_pairs; DROP TABLE reach_nodes")
