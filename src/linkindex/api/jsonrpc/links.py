"""Link-level methods over the index's link tables: a site's anchor texts and whether a source
links to a target (single and multiple).

They read the same snapshot methods as V2's anchor_text and link_status.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from linkindex.api.jsonrpc.errors import NO_INDEX, RpcError
from linkindex.api.jsonrpc.methods import Context, Method
from linkindex.api.jsonrpc.queries import (
    Offset,
    SiteQuery,
    offset_echo,
    open_offset,
    resolve,
    site_query_echo,
)
from linkindex.api.jsonrpc.quota import DATA_ROWS
from linkindex.api.lists import take_page
from linkindex.api.tokens import request_fingerprint
from linkindex.index.snapshot import Snapshot

# Spec 2.3 gives no maximum for link.status.fetch.multiple; 50 as fetch.multiple.
MAX_LINK_QUERIES = 50


class AnchorTextListData(msgspec.Struct, forbid_unknown_fields=True):
    site_query: SiteQuery
    offset: Offset = msgspec.field(default_factory=Offset)


class LinkStatusQuery(msgspec.Struct, forbid_unknown_fields=True):
    target_site_query: SiteQuery
    source_site_query: SiteQuery


class LinkStatusMultipleData(msgspec.Struct, forbid_unknown_fields=True):
    queries: Annotated[
        list[LinkStatusQuery], msgspec.Meta(min_length=1, max_length=MAX_LINK_QUERIES)
    ]


def link_snapshot(ctx: Context) -> Snapshot:
    snapshot = ctx.snapshot()
    if not snapshot.has_link_tables:
        raise RpcError(
            NO_INDEX, 503,
            "This index was built before the link tables existed: run `linkindex build` on"
            " the server",
        )  # fmt: skip
    return snapshot


def anchor_text_list(ctx: Context, data: AnchorTextListData) -> dict[str, Any]:
    """Anchor texts of followed external links to a site, most linking root domains first."""
    resolved = resolve(data.site_query)
    snapshot = link_snapshot(ctx)
    offset = data.offset
    fingerprint = request_fingerprint("data.site.anchor-text.list", resolved.key, resolved.scope)
    after, _ = open_offset(ctx.state.tokens, snapshot.index_id, offset.token, fingerprint)
    rows = snapshot.anchor_texts(resolved.scope, resolved.key, after, offset.limit + 1)
    page = take_page(rows, offset.limit, served=None)
    return {
        "site_query": site_query_echo(data.site_query, resolved),
        "offset": offset_echo(ctx.state.tokens, snapshot.index_id, fingerprint, offset, page),
        "anchor_texts": [
            {
                "text": row.anchor_text,
                "external_root_domains": row.external_root_domains,
                "external_pages": row.external_pages,
            }
            for row in page.rows
        ],
    }


def _status(snapshot: Snapshot, query: LinkStatusQuery) -> dict[str, Any]:
    target = resolve(query.target_site_query, "target_site_query")
    source = resolve(query.source_site_query, "source_site_query")
    [exists] = snapshot.links_exist(target.url, target.scope, [source.key], source.scope)
    return {
        "target_site_query": site_query_echo(query.target_site_query, target),
        "source_site_query": site_query_echo(query.source_site_query, source),
        "exists": exists,
    }


def link_status_fetch(ctx: Context, data: LinkStatusQuery) -> dict[str, Any]:
    """Whether the source links to the target now (1 row)."""
    return _status(link_snapshot(ctx), data)


def link_status_fetch_multiple(ctx: Context, data: LinkStatusMultipleData) -> dict[str, Any]:
    """Link status of up to 50 (target, source) pairs; bad ones go to errors_by_query."""
    snapshot = link_snapshot(ctx)
    results, errors = [], []
    for i, query in enumerate(data.queries):
        try:
            results.append(_status(snapshot, query))
        except RpcError as exc:
            if "key" in exc.data:
                exc.data["key"] = f"queries[{i}].{exc.data['key']}"
            errors.append(
                {
                    "target_site_query": msgspec.to_builtins(query.target_site_query),
                    "source_site_query": msgspec.to_builtins(query.source_site_query),
                    "error": exc.to_pylon(),
                }
            )
    return {"results_by_query": results, "errors_by_query": errors}


METHODS = [
    Method("data.site.anchor-text.list", AnchorTextListData, anchor_text_list, DATA_ROWS,
           lambda data, result: len(result["anchor_texts"])),
    Method("data.site.link.status.fetch", LinkStatusQuery, link_status_fetch, DATA_ROWS),
    Method("data.site.link.status.fetch.multiple", LinkStatusMultipleData,
           link_status_fetch_multiple, DATA_ROWS,
           lambda data, result: len(result["results_by_query"])),
]  # fmt: skip
