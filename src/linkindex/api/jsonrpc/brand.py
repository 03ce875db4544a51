"""Brand Authority under every name of the spec and seed 001: Fetch, Generate, Async, lookup.

A score exists when the build stored one, or once Generate (or an Async call) computed one.
"""

from __future__ import annotations

import time
from typing import Any

import msgspec
import numpy as np

from linkindex.api.jsonrpc.brand_store import BrandStore
from linkindex.api.jsonrpc.errors import NOT_FOUND, RpcError, no_brand_score, not_in_index
from linkindex.api.jsonrpc.methods import Context, Method
from linkindex.api.jsonrpc.queries import (
    DomainSiteQuery,
    Query,
    TargetQuery,
    parse_query,
    resolve,
    site_query_echo,
    target_query_echo,
)
from linkindex.api.jsonrpc.quota import BETA_ROWS, DATA_ROWS
from linkindex.index.snapshot import BrandEvidence, Snapshot
from linkindex.scoring import calibration

GENERATE = "beta.data.metrics.brand.authority.generate"
ASYNC = "beta.data.metrics.brand.authority.async"


class QueryData(msgspec.Struct, forbid_unknown_fields=True):
    query: Query


class TargetQueryData(msgspec.Struct, forbid_unknown_fields=True):
    target_query: TargetQuery


class DomainSiteQueryData(msgspec.Struct, forbid_unknown_fields=True):
    site_query: DomainSiteQuery


class AsyncLookupData(msgspec.Struct, forbid_unknown_fields=True):
    id: Query


def store(ctx: Context) -> BrandStore:
    return ctx.state.brand_store


def evidence_of(snapshot: Snapshot, query: str, key: str) -> BrandEvidence:
    """The root domain of any URL, host or domain the caller sends (one target per call)."""
    root_domain = parse_query(query, key).root_domain
    evidence = snapshot.brand_evidence(root_domain)
    if evidence is None:
        raise not_in_index(root_domain)
    return evidence


def compute_score(snapshot: Snapshot, evidence: BrandEvidence) -> int:
    """Brand Authority by docs/metrics.md's formula, on the one 1-100 scale.

    The build evaluates it for every root domain with a branded linker and stores the result;
    for any other root domain the branded evidence sum is empty.
    """
    if evidence.stored_score is not None:
        return evidence.stored_score
    return int(calibration.moz_scale().score(np.zeros(1))[0])


def existing_score(ctx: Context, snapshot: Snapshot, evidence: BrandEvidence) -> int:
    if evidence.stored_score is not None:
        return evidence.stored_score
    generated = store(ctx).generated_score(snapshot.index_id, evidence.root_domain)
    if generated is None:
        raise no_brand_score()
    return generated


def generate_and_store(store_: BrandStore, snapshot: Snapshot, evidence: BrandEvidence) -> int:
    score = compute_score(snapshot, evidence)
    if evidence.stored_score is None:
        store_.save_score(snapshot.index_id, evidence.root_domain, score)
    return score


def fetch(ctx: Context, data: QueryData) -> dict[str, Any]:
    """Brand Authority of one root domain (seed 001's Fetch)."""
    snapshot = ctx.snapshot()
    score = existing_score(ctx, snapshot, evidence_of(snapshot, data.query, "query"))
    return {"brand_authority_score": score, "query": data.query}


def fetch_target(ctx: Context, data: TargetQueryData) -> dict[str, Any]:
    """Brand Authority of one root domain, by target_query (the beta site method)."""
    snapshot = ctx.snapshot()
    resolved = resolve(data.target_query, "target_query")
    score = existing_score(ctx, snapshot, evidence_of(snapshot, resolved.key, "target_query"))
    return {
        "metrics": {"brand_authority_score": score},
        "target_query": target_query_echo(data.target_query, resolved),
    }


def fetch_site(ctx: Context, data: DomainSiteQueryData) -> dict[str, Any]:
    """Brand Authority of one root domain, by site_query (the production method)."""
    snapshot = ctx.snapshot()
    resolved = resolve(data.site_query)
    score = existing_score(ctx, snapshot, evidence_of(snapshot, resolved.key, "site_query"))
    return {
        "site_metrics": {"brand_authority_score": score},
        "site_query": site_query_echo(data.site_query, resolved),
    }


def generate(ctx: Context, data: QueryData) -> dict[str, Any]:
    """Compute and store Brand Authority for one root domain, so Fetch finds it (seed 001)."""
    snapshot = ctx.snapshot()
    evidence = evidence_of(snapshot, data.query, "query")
    score = generate_and_store(store(ctx), snapshot, evidence)
    return {"brand_authority_score": score, "query": data.query}


def generate_async(ctx: Context, data: QueryData) -> dict[str, Any]:
    """Queue a Generate and return at once; async.call.lookup reports it (seed 001's Async)."""
    snapshot = ctx.snapshot()
    evidence = evidence_of(snapshot, data.query, "query")  # a bad target fails now, not later
    call = store(ctx).enqueue(GENERATE, data.query, evidence.root_domain, ctx.key.access_id)
    worker = getattr(ctx.state, "brand_worker", None)
    if worker is not None:
        worker.wake()
    return {"async_call": call.to_json(time.time())}


def lookup(ctx: Context, data: AsyncLookupData) -> dict[str, Any]:
    """The status of an async call, and its result once complete (free)."""
    call = store(ctx).lookup(data.id, ctx.key.access_id)
    if call is None:
        raise RpcError(
            NOT_FOUND,
            404,
            "No async call with that id: it never existed, belongs to another key, or has"
            " expired (10 s after a lookup saw it complete).",
            {"key": "id", "value": data.id},
        )
    return {"async_call": call.to_json(time.time())}


METHODS = [
    Method("beta.data.metrics.brand.authority.fetch", QueryData, fetch, BETA_ROWS,
           quota_in_result=True),
    Method("beta.data.site.metrics.brand.authority.fetch", TargetQueryData, fetch_target,
           BETA_ROWS),
    Method("data.site.metrics.brand.authority.fetch", DomainSiteQueryData, fetch_site, DATA_ROWS),
    Method(GENERATE, QueryData, generate, BETA_ROWS, quota_in_result=True),
    Method(ASYNC, QueryData, generate_async, deferred_quota_path=BETA_ROWS),
    Method("async.call.lookup", AsyncLookupData, lookup),
]  # fmt: skip
