"""Tables core_reach and network_links: which root domains the organic body reaches, from links.

The rule (strongly connected sets and a walk from them) is scoring.organic_reach's, fed here.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa

from linkindex.builder.link_state import vouched
from linkindex.builder.steps import Step, Tables, python_step, sql_step
from linkindex.scoring.organic_reach import reached_from_core

# Live links their sources vouch for between different root domains, numbered in SQL so that
# only integer arrays (and one flag per root domain) reach numpy.
REACH_PAIRS = f"""
SELECT DISTINCT source_root_domain AS source, target_root_domain AS target
FROM links
WHERE live AND {vouched()} AND source_root_domain <> target_root_domain
"""
REACH_NODES = """
SELECT root_domain, (row_number() OVER (ORDER BY root_domain) - 1)::INTEGER AS node,
       root_domain IN (SELECT root_domain FROM ({pushers})) AS pusher
FROM (SELECT source AS root_domain FROM reach_pairs UNION SELECT target FROM reach_pairs)
"""

REACH_EDGES = """
SELECT s.node AS source, t.node AS target
FROM reach_pairs p
JOIN reach_nodes s ON s.root_domain = p.source
JOIN reach_nodes t ON t.root_domain = p.target
"""

CORE_REACH = "SELECT n.root_domain, r.reached FROM reach_nodes n JOIN reached r USING (node)"

# Per root domain that links out: how many root domains that themselves link out it links to
# (live, followed), and how many of those the organic body does not reach. Only targets that
# link out count: a target known only from links to it is unreached whenever its linkers are,
# which in a small crawl says what the crawl missed, not that the target is in a network.
NETWORK_LINKS = """
SELECT p.source AS root_domain, count(*) AS roots_linked,
       count(*) FILTER (WHERE NOT r.reached) AS unreached_roots_linked
FROM reach_pairs p JOIN core_reach r ON r.root_domain = p.target
WHERE p.target IN (SELECT source FROM reach_pairs)
GROUP BY p.source
"""


def _reached(tables: Tables) -> Mapping[str, pa.Table]:
    nodes, edges = tables["reach_nodes"], tables["reach_edges"]
    pushers = np.zeros(nodes.num_rows, dtype=bool)
    pushers[nodes.column("node").to_numpy()] = nodes.column("pusher").to_numpy(zero_copy_only=False)
    reached = reached_from_core(
        edges.column("source").to_numpy(), edges.column("target").to_numpy(), pushers
    )
    return {"reached": pa.table({"node": np.arange(len(reached), dtype=np.int32),
                                 "reached": reached})}  # fmt: skip


def core_reach_steps(pushers_sql: str, pushers_read: str) -> tuple[Step, ...]:
    """Steps making core_reach(root_domain, reached) for every root domain with a followed
    link, and network_links (NETWORK_LINKS).

    ``pushers_sql`` selects the root domains (column root_domain) that push with keywords,
    from table ``pushers_read``.
    """
    return (
        sql_step("reach_pairs", ["links"], REACH_PAIRS),
        sql_step("reach_nodes", ["reach_pairs", pushers_read],
                 REACH_NODES.replace("{pushers}", pushers_sql)),
        sql_step("reach_edges", ["reach_nodes", "reach_pairs"], REACH_EDGES),
        python_step("reached", ["reach_edges", "reach_nodes"], ["reached"], _reached),
        sql_step("core_reach", ["reach_nodes", "reached"], CORE_REACH),
        sql_step("network_links", ["core_reach", "reach_pairs"], NETWORK_LINKS),
    )  # fmt: skip
