"""The shared input objects of the Moz API (site_query, target_query, offset) and their echoes.

A site_query's scope maps onto the index's scopes: domain -> root_domain, subdomain, url -> page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, Protocol

import msgspec

from linkindex.api.jsonrpc.errors import INVALID_PARAMS, OFFSET_EXPIRED, RpcError, invalid_param
from linkindex.api.lists import Page
from linkindex.api.tokens import TokenCodec, TokenExpired, TokenInvalid
from linkindex.urls import BadURL, CanonicalURL, Scope, cached_parse_target

SiteScope = Literal["domain", "subdomain", "subfolder", "url"]
Query = Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]
Limit = Annotated[int, msgspec.Meta(ge=1, le=50)]

INDEX_SCOPES: dict[str, Scope] = {"domain": "root_domain", "subdomain": "subdomain", "url": "page"}


class SiteQuery(msgspec.Struct, forbid_unknown_fields=True):
    query: Query
    scope: SiteScope


class DomainSiteQuery(msgspec.Struct, forbid_unknown_fields=True):
    query: Query
    scope: Literal["domain"]


class TargetQuery(msgspec.Struct, forbid_unknown_fields=True):
    query: Query
    scope: Literal["domain"]
    locale: Literal["en-US"]


class Offset(msgspec.Struct, forbid_unknown_fields=True):
    token: str | None = None
    limit: Limit = 25


class AnySiteQuery(Protocol):
    """A site_query of any method: each narrows the scopes it takes."""

    query: str
    scope: str


@dataclass(frozen=True)
class ResolvedSite:
    """A site_query read: the canonical URL, the index scope and the key at that scope."""

    url: CanonicalURL
    scope: Scope
    key: str


def parse_query(value: str, key: str) -> CanonicalURL:
    try:
        return cached_parse_target(value)
    except BadURL as exc:
        raise invalid_param(key, f"not a valid URL: {exc}", value) from exc


def resolve(site: AnySiteQuery, key: str = "site_query") -> ResolvedSite:
    """The index's view of a site_query; a less specific scope rewrites the URL (spec 2.2)."""
    if site.scope == "subfolder":
        raise RpcError(
            INVALID_PARAMS,
            400,
            "Invalid site_query.scope: the index keeps link data per page, subdomain and root"
            " domain, not per subfolder. Use scope url, subdomain or domain.",
            {"key": f"{key}.scope", "value": "subfolder", "issue": "scope-not-supported"},
        )
    url = parse_query(site.query, f"{key}.query")
    scope = INDEX_SCOPES[site.scope]
    if scope != "page":  # moz.com/foo/bar at scope domain is moz.com (spec 2.2)
        url = parse_query(url.key(scope), f"{key}.query")
    return ResolvedSite(url, scope, url.key(scope))


def site_query_echo(site: AnySiteQuery, resolved: ResolvedSite) -> dict[str, Any]:
    return {
        "query": resolved.key,
        "scope": site.scope,
        "original_site_query": {"query": site.query, "scope": site.scope},
        "site_query_suggestion": None,
    }


def target_query_echo(target: TargetQuery, resolved: ResolvedSite) -> dict[str, Any]:
    return {
        "query": resolved.key,
        "scope": target.scope,
        "locale": target.locale,
        "original_target_query": {
            "query": target.query,
            "scope": target.scope,
            "locale": target.locale,
        },
        "suggestion": None,
    }


def open_offset(
    tokens: TokenCodec, index_id: str, token: str | None, fingerprint: bytes
) -> tuple[Any, int]:
    """(cursor, results served so far) of an offset token; (None, 0) without one. An expired
    token is -32657/410, a foreign or altered one an invalid param."""
    if not token:
        return None, 0
    try:
        continuation = tokens.open(token, index_id, fingerprint)
    except TokenExpired as exc:
        raise RpcError(
            OFFSET_EXPIRED, 410, "The offset token has expired",
            {"key": "offset.token", "issue": "token-expired"},
        ) from exc  # fmt: skip
    except TokenInvalid as exc:
        raise invalid_param("offset.token", str(exc).replace("next_token", "token")) from exc
    return continuation.cursor, continuation.served


def offset_echo(
    tokens: TokenCodec, index_id: str, fingerprint: bytes, offset: Offset, page: Page
) -> dict[str, Any]:
    """An answer's offset: the token sent, the next page's token (null on the last), the limit."""
    token = None
    if page.cursor is not None:
        token = tokens.issue(index_id, fingerprint, page.cursor, page.served)
    return {"provided_token": offset.token, "token": token, "limit": offset.limit}
