"""Every JSON-RPC method the server answers, by name, and the ones it refuses for want of data.

Keyword, ranking and SERP methods need search data, which a link index does not have.
"""

from __future__ import annotations

from linkindex.api.jsonrpc import brand, histories, intersect, link_list, links, pages, site
from linkindex.api.jsonrpc.methods import Method

METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        *site.METHODS,
        *pages.METHODS,
        *links.METHODS,
        *link_list.METHODS,
        *intersect.METHODS,
        *brand.METHODS,
        *histories.METHODS,
    )
}

# Spec 2.3's keyword and ranking methods, and anything else under their namespaces.
SEARCH_DATA_PREFIXES = ("data.keyword.", "data.serp.", "data.site.ranking-keyword.")
SEARCH_DATA_METHODS = (
    "data.keyword.metrics.fetch",
    "data.keyword.metrics.volume.fetch",
    "data.keyword.metrics.difficulty.fetch",
    "data.keyword.metrics.opportunity.fetch",
    "data.keyword.metrics.priority.fetch",
    "data.keyword.search.intent.fetch",
    "data.keyword.suggestions.list",
    "data.site.ranking-keyword.list",
    "data.site.ranking-keyword.count",
)
assert all(name.startswith(SEARCH_DATA_PREFIXES) for name in SEARCH_DATA_METHODS)


def needs_search_data(name: str) -> bool:
    return name.startswith(SEARCH_DATA_PREFIXES)
