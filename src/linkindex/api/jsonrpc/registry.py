"""Every JSON-RPC method the server answers, by name, and the ones it refuses for want of data.

Keyword, ranking and SERP methods need search data, which a link index does not have. Clients
also spell method names with dots for hyphens; those spellings are aliases.
"""

from __future__ import annotations

import re

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

# The spellings clients use: Moz's names with a dot for each hyphen, as a client that derives
# them from the SDK's CamelCase names (DataSiteLinkFilterAnchorText) writes them. Each answers
# exactly as the method it names (docs/api.md, the OpenAPI x-methods).
ALIASES: dict[str, str] = {name.replace("-", "."): name for name in METHODS if "-" in name}
assert not set(ALIASES) & set(METHODS)

# Spec 2.3's keyword and ranking methods. Every name of their family (below) gets the same
# -32658, however a client spells it: these are the ones listed in the OpenAPI document.
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
SEARCH_DATA_ALIASES: dict[str, str] = {
    alias: name
    for name in SEARCH_DATA_METHODS
    if "-" in name
    for alias in (name.replace("-", "."), name.replace("-keyword", ".keywords"))
}
# The family: a data.* name with one of these words between its dots or hyphens
# (data.keyword.*, data.serp.*, data.site.ranking-keyword.*, data.site.ranking.keywords.list).
SEARCH_DATA_WORDS = frozenset({"keyword", "keywords", "serp", "serps", "ranking", "rankings"})
_WORD = re.compile(r"[.\-_]")


def needs_search_data(name: str) -> bool:
    words = _WORD.split(name.lower())
    return words[0] == "data" and not SEARCH_DATA_WORDS.isdisjoint(words)


assert all(needs_search_data(name) for name in (*SEARCH_DATA_METHODS, *SEARCH_DATA_ALIASES))
assert not any(needs_search_data(name) for name in (*METHODS, *ALIASES))


def method_name(name: str) -> str:
    """The method a name means: itself, or the method it is an alias of."""
    return ALIASES.get(name, name)
