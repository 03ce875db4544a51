"""Ground truth for linking_root_domains, computed from the generator's own model in plain Python.

Never calls linkindex build or index code; docs/synth.md states every definition used here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from linkindex.synth.model import FARM, NORMAL, SPAM_SITE, Web

Row = tuple[int, int, bool]  # (target page, rel bits, is redirect)
HUBS = 5  # normal root domains listed under "hubs"


@dataclass
class _History:
    """Every capture of every page, as link rows; the only input the truth is computed from."""

    captures: list[list[int]]  # per page, crawl indices it was captured in, ascending
    rows: dict[tuple[int, int], list[Row]]  # (page, crawl) -> link rows of that capture


def _history(web: Web) -> _History:
    caps = [web.captured[p].nonzero()[0].tolist() for p in range(web.n_pages)]
    rows = {(p, k): web.rows(p, k) for p in range(web.n_pages) for k in caps[p]}
    return _History(caps, rows)


def _keys(web: Web, scope: str) -> Callable[[int], str]:
    if scope == "page":
        return lambda p: web.page_keys[p]
    if scope == "subdomain":
        return web.subdomain
    return web.root_domain


def linking_root_domains(web: Web, hist: _History, target: str, scope: str) -> list[dict]:
    """The linking root domains of target at scope, one dict per root domain, by name."""
    key = _keys(web, scope)
    target_root = _target_root(web, target, scope)
    dates = [d.isoformat() for d in web.crawl_dates]
    C = web.n_crawls
    per_root: dict[str, dict] = {}
    linking_at: dict[str, list[bool]] = defaultdict(lambda: [False] * C)
    for p in range(web.n_pages):
        root = web.root_domain(p)
        if root == target_root or not hist.captures[p]:
            continue
        hits = {k: [r for r in hist.rows[p, k] if key(r[0]) == target] for k in hist.captures[p]}
        if not any(hits.values()):
            continue
        entry = per_root.setdefault(
            root,
            {"root_domain": root, "pages": 0, "nofollow_pages": 0, "redirect_pages": 0,
             "deleted_pages": 0},
        )  # fmt: skip
        live = hits[hist.captures[p][-1]]
        if live:
            entry["pages"] += 1
            if all(bits and not redirect for _, bits, redirect in live):
                entry["nofollow_pages"] += 1
            if any(redirect for _, _, redirect in live):
                entry["redirect_pages"] += 1
        else:
            entry["deleted_pages"] += 1
        # The page's state as of crawl k is its latest capture at or before k.
        state = False
        for k in range(C):
            if k in hits:
                state = bool(hits[k])
            linking_at[root][k] |= state
    out = []
    for root in sorted(per_root):
        seq = linking_at[root]
        entry = per_root[root]
        entry["date_gained"] = dates[seq.index(True)]
        last = C - 1 - seq[::-1].index(True)
        entry["date_lost"] = dates[last + 1] if last < C - 1 else None
        out.append(entry)
    return out


def links_to_page(web: Web, hist: _History, target: int) -> list[dict]:
    """Every page that ever linked straight to page ``target``, with the dates of that link:
    the first and last capture that had it, and the next capture of its source without it."""
    dates = [d.isoformat() for d in web.crawl_dates]
    out = []
    for p in range(web.n_pages):
        if p == target:
            continue
        had = [k for k in hist.captures[p] if any(r[0] == target for r in hist.rows[p, k])]
        if not had:
            continue
        later = [k for k in hist.captures[p] if k > had[-1]]
        out.append(
            {
                "source_page": web.page_keys[p],
                "external": bool(web.page_domain[p] != web.page_domain[target]),
                "date_first_seen": dates[had[0]],
                "date_last_seen": dates[had[-1]],
                "date_disappeared": dates[later[0]] if later else None,
            }
        )
    return sorted(out, key=lambda link: link["source_page"])


def _target_root(web: Web, target: str, scope: str) -> str:
    if scope == "root_domain":
        return target
    host = target.split("/", 1)[0]
    return web.domain_names[int(web.host_domain[web.host_names.index(host)])]


def root_domain_metrics(web: Web, hist: _History) -> dict[str, dict]:
    """Per root domain: root_domains_to/from_root_domain, pages_crawled, link_propensity."""
    to: dict[str, set[str]] = defaultdict(set)
    frm: dict[str, set[str]] = defaultdict(set)
    crawled: dict[str, int] = defaultdict(int)
    for p in range(web.n_pages):
        if not hist.captures[p]:
            continue
        root = web.root_domain(p)
        crawled[root] += 1
        for dst, _, _ in hist.rows[p, hist.captures[p][-1]]:
            other = web.root_domain(dst)
            if other != root:
                frm[root].add(other)
                to[other].add(root)
    out = {}
    for root in sorted(web.domain_names):
        n_from, n_crawled = len(frm[root]), crawled[root]
        out[root] = {
            "root_domains_to_root_domain": len(to[root]),
            "pages_crawled_from_root_domain": n_crawled,
            "root_domains_from_root_domain": n_from,
            "link_propensity": n_from / n_crawled if n_crawled else 0.0,
        }
    return out


def _lost_link_example(web: Web, hist: _History) -> dict | None:
    """An external link present in one capture of a page and gone from its next capture."""
    for p in range(web.n_pages):
        caps = hist.captures[p]
        for a, b in zip(caps, caps[1:], strict=False):
            if web.status(p, a) != 200 or web.status(p, b) != 200:
                continue
            after = {r[0] for r in hist.rows[p, b]}
            for dst, _, _ in hist.rows[p, a]:
                if dst not in after and web.page_domain[dst] != web.page_domain[p]:
                    return {
                        "source_url": web.page_urls[p],
                        "target_url": web.page_urls[dst],
                        "target_page": web.page_keys[dst],
                        "present_in": web.crawl_names[a],
                        "absent_in": web.crawl_names[b],
                    }
    return None


def _choose_targets(web: Web, hist: _History) -> dict[str, list[str]]:
    """Page keys worth checking, with why: hubs, farm targets, lost links, redirect targets."""
    ext_roots: dict[int, set[int]] = defaultdict(set)
    redirected: list[int] = []
    for p in range(web.n_pages):
        if not hist.captures[p]:
            continue
        for dst, _, redirect in hist.rows[p, hist.captures[p][-1]]:
            if web.page_domain[dst] != web.page_domain[p]:
                ext_roots[dst].add(int(web.page_domain[p]))
                if redirect:
                    redirected.append(dst)
    reasons: dict[str, list[str]] = defaultdict(list)
    # Hub pages are normal pages: comment spam can give a spam home page many linking roots.
    normal = [d for d in ext_roots if web.domain_kind[web.page_domain[d]] == NORMAL]
    hubs = sorted(normal, key=lambda d: (-len(ext_roots[d]), d))[:3]
    for d in hubs:
        reasons[web.page_keys[d]].append("hub")
    for d in web.farm_targets.tolist():
        reasons[web.page_keys[d]].append("link_farm_target")
    if redirected:
        reasons[web.page_keys[min(redirected)]].append("redirect_target")
    lost = _lost_link_example(web, hist)
    if lost:
        reasons[lost["target_page"]].append("lost_link")
    return dict(reasons)


def compute_truth(web: Web) -> dict:
    """The whole ground-truth document (see docs/synth.md for the JSON shape)."""
    hist = _history(web)
    why_of: dict[tuple[str, str], list[str]] = {}
    for page_key, why in _choose_targets(web, hist).items():
        page = web.page_keys.index(page_key)
        for scope, key in (
            ("page", page_key),
            ("subdomain", web.subdomain(page)),
            ("root_domain", web.root_domain(page)),
        ):
            reasons = why_of.setdefault((key, scope), [])
            reasons += [w for w in why if w not in reasons]
    targets = [
        {
            "target": key,
            "scope": scope,
            "why": why,
            "linking_root_domains": linking_root_domains(web, hist, key, scope),
            **(
                {"links": links_to_page(web, hist, web.page_keys.index(key))}
                if scope == "page"
                else {}
            ),
        }
        for (key, scope), why in why_of.items()
    ]

    def of_kind(kind: int) -> list[str]:
        return sorted(web.domain_names[d] for d in np.flatnonzero(web.domain_kind == kind))

    metrics = root_domain_metrics(web, hist)
    traits = dict(zip(web.domain_names, web.domain_traits, strict=True))
    normal = of_kind(NORMAL)
    hubs = sorted(normal, key=lambda r: (-metrics[r]["root_domains_to_root_domain"], r))
    return {
        "params": web.params.to_json(),
        "crawls": [
            {"name": n, "date": d.isoformat()}
            for n, d in zip(web.crawl_names, web.crawl_dates, strict=True)
        ],
        "spam_root_domains": of_kind(FARM),
        "link_farm_targets": [web.page_keys[p] for p in web.farm_targets.tolist()],
        "spam_sites": of_kind(SPAM_SITE),
        "spam_traits": {r: list(traits[r]) for r in sorted(of_kind(FARM) + of_kind(SPAM_SITE))},
        "normal_traits": {r: list(traits[r]) for r in normal if traits[r]},
        "hubs": hubs[:HUBS],
        "lost_link_example": _lost_link_example(web, hist),
        "root_domains": metrics,
        "targets": targets,
    }


def write_truth(web: Web, out_dir: Path) -> Path:
    path = Path(out_dir) / "ground_truth.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(compute_truth(web), indent=1, sort_keys=True) + "\n")
    return path
