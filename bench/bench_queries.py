"""Query benchmark: every valid sort, filter and scope combination of every V2 list endpoint, and
every url_metrics history kind, answered in-process by the V2 handlers on a built index's
heaviest targets.

Owns results/queries-<N>.json. The combinations are generated from the API's own parameter
definitions (sorts, filters, scopes, history kinds) and kept when the API's own checks accept
them, so a new sort or filter is walked without touching this file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import get_args

import msgspec
import numpy as np
from benchutil import FULL_LINKS, code_version, loadavg, machine, size_label, work_dir, work_home

from linkindex.api import link_params, params, url_metrics_modifiers, v2_pages
from linkindex.api.endpoint import TargetScope
from linkindex.api.errors import ApiError
from linkindex.api.registry import V2_ENDPOINTS
from linkindex.api.tokens import TokenCodec
from linkindex.index.snapshot import CurrentSnapshot

SCOPES: tuple[str, ...] = get_args(TargetScope)
LIMIT = 50  # the largest page each list gives: the slowest first page a caller can ask for
AIM_MS = 50.0
# The heaviest target at each scope: the most linking root domains (the stored count).
_HEAVIEST_SQL = {
    "root_domain": "SELECT root_domain FROM root_domains"
    " ORDER BY root_domains_to_root_domain DESC, root_domain LIMIT ?",
    "subdomain": "SELECT subdomain FROM subdomains"
    " ORDER BY root_domains_to_subdomain DESC, subdomain LIMIT ?",
    "page": "SELECT page FROM pages ORDER BY root_domains_to_page DESC, page LIMIT ?",
}


@dataclass(frozen=True)
class Combination:
    """One request body for one V2 endpoint."""

    endpoint: str
    body: dict[str, object]

    @property
    def label(self) -> str:
        shown = {k: v for k, v in self.body.items() if k not in ("target", "targets", "limit")}
        return f"{self.endpoint} {json.dumps(shown, sort_keys=True)}"


def heaviest_targets(store: Path, count: int = 2) -> dict[str, list[str]]:
    """The ``count`` targets with the most linking root domains at each scope."""
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        return {
            scope: [row[0] for row in con.execute(sql, (count,))]
            for scope, sql in _HEAVIEST_SQL.items()
        }
    finally:
        con.close()


def targets_under(store: Path, rows: int) -> dict[str, str]:
    """At each scope, the target with the most rows in its linking-root table not over ``rows``:
    given the store's threshold (schema.HEAVY_LINKING_ROOTS), the heaviest target whose
    linking_root_domains pages are sorted in memory."""
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        return {
            scope: con.execute(
                f"SELECT target FROM linking_roots_{scope} GROUP BY target"
                " HAVING count(*) <= ? ORDER BY count(*) DESC, target LIMIT 1",
                (rows,),
            ).fetchone()[0]
            for scope in SCOPES
        }
    finally:
        con.close()


def source_subdomains(store: Path, root_domain: str, count: int = 10) -> list[str]:
    """The subdomains with the most links to a root domain: a subdomains_limited_to_one list."""
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        sql = (
            "SELECT s.key FROM link_rows r"
            " JOIN link_keys_subdomain s ON s.id = r.source_subdomain_id"
            " WHERE r.target_root_id = (SELECT id FROM link_keys_root_domain WHERE key = ?)"
            " GROUP BY r.source_subdomain_id ORDER BY count(*) DESC, s.key LIMIT ?"
        )
        return [row[0] for row in con.execute(sql, (root_domain, count))]
    finally:
        con.close()


def _accepted(check: Callable[..., object], *args: object) -> bool:
    try:
        check(*args)
    except ApiError:
        return False
    return True


def filter_texts(terms: tuple[str, ...], most: int) -> Iterator[str]:
    """Every '+'-combination of up to ``most`` distinct terms, in the API's term order."""
    for size in range(1, most + 1):
        for chosen in itertools.combinations(terms, size):
            yield "+".join(chosen)


def link_combinations(
    targets: dict[str, str], subdomains: list[str], filter_terms: int
) -> Iterator[Combination]:
    """links: each sort x target scope x source scope x filter the API accepts; and each sort
    with subdomains_limited_to_one."""
    filters = [
        text
        for text in filter_texts(link_params.LINKS_FILTERS, filter_terms)
        if _accepted(link_params.check_links_filter, text)
    ]
    for scope, sort in itertools.product(SCOPES, link_params.LINKS_SORTS):
        base = {"target": targets[scope], "target_scope": scope, "sort": sort, "limit": LIMIT}
        for source_scope, text in itertools.product(SCOPES, filters):
            yield Combination("links", {**base, "source_scope": source_scope, "filter": text})
        if _accepted(link_params.check_limited_subdomains, subdomains, sort):
            yield Combination("links", {**base, "subdomains_limited_to_one": subdomains})


def linking_root_combinations(targets: dict[str, str]) -> Iterator[Combination]:
    """linking_root_domains: each sort x target scope x filter set the API's rules accept."""
    filters = list(filter_texts(params.LRD_FILTERS, len(params.LRD_FILTERS)))
    for scope, sort in itertools.product(SCOPES, params.LRD_SORTS):
        for text in filters:
            if _accepted(params.check_linking_root_domains, sort, text, None, None):
                body = {"target": targets[scope], "target_scope": scope, "sort": sort}
                yield Combination("linking_root_domains", {**body, "filter": text, "limit": LIMIT})


def page_list_combinations(targets: dict[str, str]) -> Iterator[Combination]:
    """top_pages: each sort x filter x scope; anchor_text at each scope."""
    for scope in SCOPES:
        for sort, text in itertools.product(v2_pages.TOP_PAGES_SORTS, v2_pages.TOP_PAGES_FILTERS):
            body = {"target": targets[scope], "target_scope": scope, "sort": sort, "filter": text}
            yield Combination("top_pages", {**body, "limit": LIMIT})
        body = {"target": targets[scope], "target_scope": scope, "limit": LIMIT}
        yield Combination("anchor_text", body)


def intersect_combinations(roots: list[str]) -> Iterator[Combination]:
    """link_intersect: each sort x source scope, the two heaviest root domains as positives."""
    positives = [{"target": root, "scope": "root_domain"} for root in roots]
    for sort, source_scope in itertools.product(
        link_params.INTERSECT_SORTS, link_params.INTERSECT_SOURCE_SCOPES
    ):
        body = {"positive_targets": positives, "sort": sort, "source_scope": source_scope}
        yield Combination("link_intersect", {**body, "limit": LIMIT})


def history_combinations(target: str) -> Iterator[Combination]:
    """url_metrics: each history kind with every metric it takes, then all four together, and
    the distributions."""
    kinds = url_metrics_modifiers.HISTORY_FIELDS
    every = {kind: list(url_metrics_modifiers.histories.valid_metrics(kind)) for kind in kinds}
    yield Combination("url_metrics", {"targets": [target]})
    for kind in kinds:
        yield Combination("url_metrics", {"targets": [target], kind: every[kind]})
    yield Combination("url_metrics", {"targets": [target], **every})
    yield Combination("url_metrics", {"targets": [target], "distributions": True})


def combinations(store: Path, filter_terms: int) -> tuple[dict, list[Combination]]:
    heaviest = heaviest_targets(store)
    first = {scope: found[0] for scope, found in heaviest.items()}
    subdomains = source_subdomains(store, first["root_domain"])
    found = [
        *link_combinations(first, subdomains, filter_terms),
        *linking_root_combinations(first),
        *page_list_combinations(first),
        *intersect_combinations(heaviest["root_domain"]),
        *history_combinations(first["root_domain"]),
    ]
    return {"heaviest": heaviest, "subdomains_limited_to_one": subdomains}, found


class Caller:
    """The V2 handlers with their decoded request bodies: what the server runs after it has
    checked a key, minus the HTTP and the JSON encoding."""

    def __init__(self, snapshots: Path) -> None:
        self.state = SimpleNamespace(
            snapshots=CurrentSnapshot(snapshots), tokens=TokenCodec(b"bench" * 8)
        )
        self.endpoints = {endpoint.name: endpoint for endpoint in V2_ENDPOINTS}

    def prepare(self, combination: Combination) -> Callable[[], object]:
        endpoint = self.endpoints[combination.endpoint]
        request = msgspec.convert(combination.body, endpoint.request_type)
        return lambda: endpoint.handler(self.state, request)


def p50_ms(samples: list[float]) -> float:
    return round(float(np.median(samples)) * 1000, 2)


def p99_ms(samples: list[float]) -> float:
    # "higher": a p99 of fewer than 100 samples is the slowest one, never an interpolation.
    return round(float(np.percentile(samples, 99, method="higher")) * 1000, 2)


def measure(
    callers: list[Caller], found: list[Combination], rounds: int
) -> list[list[list[float]]]:
    """Seconds per call of each combination on each caller, ``rounds`` rounds over all of them
    in turn (the callers taking turns within a combination), so a burst of load on the machine
    touches every combination and both sides alike. A combination the API refuses is left
    with no samples (the generator would be wrong)."""
    calls = [[caller.prepare(combination) for combination in found] for caller in callers]
    samples: list[list[list[float]]] = [[[] for _ in found] for _ in callers]
    refused: set[int] = set()
    for turn in range(rounds):
        for n in range(len(found)):
            # Each side goes first in every other round.
            for side, mine in sorted(enumerate(calls), key=lambda c: c[0] != turn % 2):
                if n in refused:
                    continue
                started = time.perf_counter()
                try:
                    mine[n]()
                except ApiError:
                    refused.add(n)
                    continue
                samples[side][n].append(time.perf_counter() - started)
    return samples


def figures(taken: list[float]) -> dict[str, object]:
    if not taken:
        return {"refused": True}
    return {"p50_ms": p50_ms(taken), "p99_ms": p99_ms(taken), "samples": len(taken)}


def summary(rows: list[dict[str, object]], prefix: str = "") -> dict[str, object]:
    timed = [row for row in rows if prefix + "p99_ms" in row]
    by_endpoint: dict[str, dict[str, object]] = {}
    for name in dict.fromkeys(row["endpoint"] for row in timed):
        mine = [row[prefix + "p99_ms"] for row in timed if row["endpoint"] == name]
        by_endpoint[str(name)] = {
            "combinations": len(mine),
            "within_aim": sum(p99 <= AIM_MS for p99 in mine),  # type: ignore[operator]
            "worst_p99_ms": max(mine),  # type: ignore[type-var]
        }
    every = [row[prefix + "p99_ms"] for row in timed]
    return {
        "combinations": len(rows),
        "refused": len(rows) - len(timed),
        "within_aim": sum(p99 <= AIM_MS for p99 in every),  # type: ignore[operator]
        "aim_p99_ms": AIM_MS,
        "worst_p99_ms": max(every, default=None),  # type: ignore[type-var]
        "by_endpoint": by_endpoint,
    }


def label(row: dict[str, object]) -> str:
    return Combination(str(row["endpoint"]), row["body"]).label  # type: ignore[arg-type]


def snapshots_of(work: Path) -> Path:
    return work_home(work) / "snapshots"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=FULL_LINKS, help="which built index")
    parser.add_argument("--work", type=Path, help="default: bench/work/links-<N>")
    parser.add_argument(
        "--before",
        type=Path,
        help="the work folder of an index of the same records built by the code before a"
        " change: measured in turns with --work, each row then has its before_* figures",
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed calls per combination")
    parser.add_argument(
        "--filter-terms", type=int, default=2, help="links filters of up to this many terms"
    )
    parser.add_argument("--endpoint", action="append", help="only these endpoints")
    parser.add_argument(
        "--target-scope", action="append", choices=SCOPES, help="only lists at these scopes"
    )
    parser.add_argument(
        "--linking-roots-under",
        type=int,
        metavar="ROWS",
        help="also every linking_root_domains combination on the target with the most"
        " linking-root rows not over ROWS at each scope",
    )
    parser.add_argument("--out", type=Path, help="default: results/queries-<N>.json")
    parser.add_argument("--worst", type=int, default=20, help="how many worst ones to print")
    args = parser.parse_args()
    snapshots = snapshots_of(work_dir(args.links, args.work))
    store = snapshots / (snapshots / "CURRENT").read_text().strip() / "index.sqlite"
    targets, found = combinations(store, args.filter_terms)
    if args.linking_roots_under is not None:
        targets["linking_roots_under"] = under = targets_under(store, args.linking_roots_under)
        found += linking_root_combinations(under)
    if args.endpoint:
        found = [c for c in found if c.endpoint in args.endpoint]
    if args.target_scope:
        found = [c for c in found if c.body.get("target_scope") in args.target_scope]
    print(f"{len(found)} combinations on {targets['heaviest']}", flush=True)
    callers = [Caller(snapshots)]
    if args.before:
        callers.append(Caller(snapshots_of(args.before.resolve())))
    load_before, started = loadavg(), time.perf_counter()
    samples = measure(callers, found, args.rounds)
    rows = []
    for n, combination in enumerate(found):
        row: dict[str, object] = {"endpoint": combination.endpoint, "body": combination.body}
        row |= figures(samples[0][n])
        if args.before:
            row |= {f"before_{k}": v for k, v in figures(samples[1][n]).items()}
        rows.append(row)
    result: dict[str, object] = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "store": str(store),
        "store_bytes": store.stat().st_size,
        "code": code_version(),
        "machine": machine(),
        "loadavg_before": load_before,
        "loadavg_after": loadavg(),
        "seconds": round(time.perf_counter() - started, 1),
        "rounds": args.rounds,
        "limit": LIMIT,
        "filter_terms": args.filter_terms,
        "targets": targets,
        "summary": summary(rows),
    }
    if args.before:
        before_store = snapshots_of(args.before.resolve())
        result["before_store_bytes"] = sum(p.stat().st_size for p in before_store.rglob("*.sqlite"))
        result["before_summary"] = summary(rows, "before_")
    result["combinations"] = rows
    out = args.out or Path(__file__).parent / "results" / f"queries-{size_label(args.links)}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    report(result, rows, args.worst)
    print(f"wrote {out}")


def report(result: dict[str, object], rows: list[dict[str, object]], worst: int) -> None:
    for name in ("before_summary", "summary"):
        if name in result:
            print(name, json.dumps(result[name], indent=1))
    print(f"load average {result['loadavg_before']} before, {result['loadavg_after']} after")
    slowest = sorted((r for r in rows if "p99_ms" in r), key=lambda r: -r["p99_ms"])  # type: ignore[operator]
    for row in slowest[:worst]:
        before = f" (before {row['before_p99_ms']:.1f})" if "before_p99_ms" in row else ""
        print(f"{row['p99_ms']:9.1f} ms p99{before} {row['p50_ms']:9.1f} ms p50  {label(row)}")
    for row in rows:
        if row.get("refused"):
            print(f"refused: {label(row)}")


if __name__ == "__main__":
    main()
