"""The top pages family (V2 top_pages, JSON-RPC data.site.top-page.list): a checked sort and
status filter at a scope -> the Snapshot's TopPagesQuery and a page of listed pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from linkindex.api.lists import ListParams, Page, take_page
from linkindex.api.tokens import request_fingerprint
from linkindex.index.page_lists import STATUS_FILTERS, ListedPage, TopPagesQuery
from linkindex.index.snapshot import Snapshot


@dataclass(frozen=True)
class TopPagesParams(ListParams):
    """A top pages request after its protocol checked it, in the index's terms."""

    filter: str  # "all" or a key of STATUS_FILTERS

    def fingerprint(self, name: str) -> bytes:
        """What a continuation token must match: ``name`` keeps each protocol's tokens apart."""
        return request_fingerprint(name, self.target, self.scope, self.sort, self.filter)


def top_pages_page(
    snapshot: Snapshot, params: TopPagesParams, after: tuple | None, served: int, limit: int
) -> Page[ListedPage]:
    """One page of the pages under the target, sorted and filtered by HTTP status."""
    rows = snapshot.top_pages(
        TopPagesQuery(
            scope=params.scope,
            target=params.target,
            sort=params.sort,
            status=STATUS_FILTERS.get(params.filter),
            after=after,  # type: ignore[arg-type]
            limit=limit + 1,
        )
    )
    return take_page(rows, limit, served)
