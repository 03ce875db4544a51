"""data.site.link.intersect.fetch: sources linking to some sites and not to others.

Rules and query are V2 link_intersect's (api/link_params.py, Snapshot.link_intersect).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from linkindex.api.jsonrpc.errors import v2_rule
from linkindex.api.jsonrpc.links import link_snapshot
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
from linkindex.api.link_params import (
    INTERSECT_MINIMUM_SCHEMA,
    INTERSECT_NEGATIVE_SCHEMA,
    INTERSECT_POSITIVE_SCHEMA,
    INTERSECT_SORTS,
    check_intersect_targets,
)
from linkindex.api.lists import take_page
from linkindex.api.tokens import request_fingerprint
from linkindex.index.link_queries import LinkQuery
from linkindex.index.snapshot import Snapshot

IntersectSort = Literal["matching_target_count", "source_spam_score", "source_domain_authority"]
assert set(IntersectSort.__args__) == set(INTERSECT_SORTS)  # type: ignore[attr-defined]
# At domain scope each result lists the strongest pages of that domain linking to the targets
# it matches; the spec gives no number, so a result stays small.
MATCHING_SOURCE_PAGES = 5


class IntersectOptions(msgspec.Struct, forbid_unknown_fields=True):
    minimum_matching_targets: (
        Annotated[int, msgspec.Meta(ge=1, extra_json_schema=INTERSECT_MINIMUM_SCHEMA)] | None
    ) = None
    scope: Literal["page", "domain"] = "page"
    sort: IntersectSort = "matching_target_count"


class IntersectData(msgspec.Struct, forbid_unknown_fields=True):
    is_linking_to: Annotated[
        list[SiteQuery], msgspec.Meta(min_length=1, extra_json_schema=INTERSECT_POSITIVE_SCHEMA)
    ]
    not_linking_to: Annotated[
        list[SiteQuery], msgspec.Meta(extra_json_schema=INTERSECT_NEGATIVE_SCHEMA)
    ] = msgspec.field(default_factory=list)
    options: IntersectOptions = msgspec.field(default_factory=IntersectOptions)
    offset: Offset = msgspec.field(default_factory=Offset)


def _matching_source_pages(
    snapshot: Snapshot, domain: str, targets: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    pages: dict[str, int] = {}
    for scope, key in targets:
        rows = snapshot.links(
            LinkQuery(scope=scope, target=key, sort="source_page_authority",  # type: ignore[arg-type]
                      filters=frozenset({"external"}), source_root=domain,
                      limit=MATCHING_SOURCE_PAGES)
        )  # fmt: skip
        for row in rows:
            pages.setdefault(
                row.source_page, snapshot.page_metrics(row.source_page)["page_authority"]
            )
    best = sorted(pages.items(), key=lambda item: (-item[1], item[0]))[:MATCHING_SOURCE_PAGES]
    return [{"page": page, "page_authority": authority} for page, authority in best]


def link_intersect_fetch(ctx: Context, data: IntersectData) -> dict[str, Any]:
    """Pages (or root domains) linking to the is_linking_to sites and none of the others."""
    options, offset = data.options, data.offset
    minimum = v2_rule(
        "options",
        lambda: check_intersect_targets(
            len(data.is_linking_to), len(data.not_linking_to), options.minimum_matching_targets
        ),
    )
    positive = [resolve(s, f"is_linking_to[{i}]") for i, s in enumerate(data.is_linking_to)]
    negative = [resolve(s, f"not_linking_to[{i}]") for i, s in enumerate(data.not_linking_to)]
    positives = [(r.scope, r.key) for r in positive]
    negatives = [(r.scope, r.key) for r in negative]
    source_scope = "root_domain" if options.scope == "domain" else "page"
    snapshot = link_snapshot(ctx)
    fingerprint = request_fingerprint(
        "data.site.link.intersect.fetch", positives, negatives, source_scope, options.sort, minimum
    )
    after, _ = open_offset(ctx.state.tokens, snapshot.index_id, offset.token, fingerprint)
    rows = snapshot.link_intersect(
        positives,
        negatives,
        source_scope,
        options.sort,
        minimum,
        after,
        offset.limit + 1,  # type: ignore[arg-type]
    )
    page = take_page(rows, offset.limit, served=None)
    intersects = []
    for row in page.rows:
        item: dict[str, Any] = {
            "page": row.page,
            "title": row.title,
            "domain_authority": row.domain_authority,
            "spam_score": row.spam_score,
            "matching_target_indexes": row.matching_target_indexes,
        }
        if source_scope == "root_domain":
            matched = [positives[i] for i in row.matching_target_indexes]
            item["matching_source_pages"] = _matching_source_pages(snapshot, row.page, matched)
        intersects.append(item)
    return {
        "is_linking_to": [
            site_query_echo(s, r) for s, r in zip(data.is_linking_to, positive, strict=True)
        ],
        "not_linking_to": [
            site_query_echo(s, r) for s, r in zip(data.not_linking_to, negative, strict=True)
        ],
        "options": msgspec.to_builtins(options),
        "offset": offset_echo(ctx.state.tokens, snapshot.index_id, fingerprint, offset, page),
        "link_intersects": intersects,
    }


def _rows(data: IntersectData, result: dict[str, Any]) -> int:
    # Spec 2.3: dynamic, N rows per result where N is the number of targets.
    return len(result["link_intersects"]) * (len(data.is_linking_to) + len(data.not_linking_to))


METHODS = [
    Method("data.site.link.intersect.fetch", IntersectData, link_intersect_fetch, DATA_ROWS, _rows)
]
