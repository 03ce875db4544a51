"""The links family (V2 links, JSON-RPC data.site.link.list and its filters): checked link-list
parameters -> the Snapshot's LinkQuery, a page of LinkRows and each link's shared fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linkindex.api.link_params import LinkFilters
from linkindex.api.lists import ListParams, Page, take_page
from linkindex.api.tokens import request_fingerprint
from linkindex.index.link_queries import LinkQuery, LinkRow
from linkindex.index.snapshot import Snapshot
from linkindex.urls import Scope


@dataclass(frozen=True)
class LinkListParams(ListParams):
    """A link list request after its protocol checked it, in the index's terms."""

    filters: LinkFilters
    anchor_text: str | None  # normalized; "" = links without anchor text
    source_root: str | None
    source_scope: Scope
    subdomains: tuple[str, ...]  # subdomains_limited_to_one, as sorted hosts

    def fingerprint(self, name: str) -> bytes:
        """What a continuation token must match: ``name`` keeps each protocol's tokens apart."""
        return request_fingerprint(
            name, self.target, self.scope, self.sort, sorted(self.filters.names),
            self.anchor_text, self.source_root, self.source_scope, self.subdomains,
        )  # fmt: skip


def link_page(
    snapshot: Snapshot, params: LinkListParams, after: tuple | None, limit: int
) -> Page[LinkRow]:
    """One page of links to the target; link lists carry no served count (no result cap)."""
    rows = snapshot.links(
        LinkQuery(
            scope=params.scope,
            target=params.target,
            sort=params.sort,
            filters=params.filters.query,
            anchor_text=params.anchor_text,
            source_root=params.source_root,
            source_scope=params.source_scope,
            limited_subdomains=params.subdomains,
            after=after,
            limit=limit + 1,
        )
    )
    return take_page(rows, limit, served=None)


def link_fields(row: LinkRow) -> dict[str, Any]:
    """A link's anchor text, dates and flags, named as both protocols name them."""
    return {
        "anchor_text": row.anchor_text,
        "date_first_seen": row.date_first_seen,
        "date_last_seen": row.date_last_seen,
        "date_disappeared": row.date_disappeared,
        "nofollow": row.nofollow,
        "redirect": row.redirect,
        "rel_canonical": row.rel_canonical,
        "via_redirect": row.via_redirect,
        "via_rel_canonical": row.via_rel_canonical,
    }


def link_ends(snapshot: Snapshot, rows: list[LinkRow]) -> list[tuple[dict, dict]]:
    """Each row's metrics of the source page and of the page the link points at, read
    together (one round trip per shard host on a router)."""
    # Reached via a redirect or canonical, the page the link points at is the one shown.
    pages = [page for row in rows for page in (row.source_page, row.link_page)]
    metrics = snapshot.page_metrics_many(pages)
    return list(zip(metrics[::2], metrics[1::2], strict=True))
