"""Why a target scores what it does: DA/PA sources, Spam Score flags, Link Propensity counts.

Reads one snapshot (through linkindex.index) and gives a plain dict; the CLI renders it.
"""

from __future__ import annotations

from linkindex.build.spam_signals import SIGNALS
from linkindex.index.snapshot import Snapshot
from linkindex.urls import parse_target

_RULES = {s.name: s.rule for s in SIGNALS}


def explain(snapshot: Snapshot, target: str) -> dict[str, object]:
    """Everything `linkindex explain` shows for a target (a URL, host or root domain)."""
    url = parse_target(target)
    metrics = snapshot.url_metrics(url)
    scores = snapshot.root_domain_scores(url.root_domain) or {}
    calibration = snapshot.meta.get("calibration", {})
    return {
        "index_id": snapshot.index_id,
        "page": url.page,
        "root_domain": url.root_domain,
        "page_authority": {
            "score": metrics["page_authority"],
            "rule": "PageRank over live followed links; each linking root domain's pages are "
            "averaged, so a root domain votes once per page (docs/metrics.md)",
            "linking_root_domains": metrics["root_domains_to_page"],
            "strongest_sources": _sources(snapshot, "page", url.page),
            "calibration": calibration.get("page_authority"),
        },
        "domain_authority": {
            "score": metrics["domain_authority"],
            "rule": "PageRank over root domains, one vote per linking root domain, damped by "
            "the linker's trust (docs/metrics.md)",
            "linking_root_domains": metrics["root_domains_to_root_domain"],
            "trust": scores.get("trust"),
            "strongest_sources": _sources(snapshot, "root_domain", url.root_domain),
            "calibration": calibration.get("domain_authority"),
        },
        "spam_score": {
            "score": metrics["spam_score"],
            "signals": _signals(snapshot, scores),
        },
        "link_propensity": {
            "value": metrics["link_propensity"],
            "root_domains_from_root_domain": metrics["root_domains_from_root_domain"],
            "pages_crawled_from_root_domain": metrics["pages_crawled_from_root_domain"],
        },
        "brand_authority": {
            "score": scores.get("brand_authority", 1),
            "branded_linking_root_domains": scores.get("branded_linkers", 0),
        },
    }


def _sources(snapshot: Snapshot, scope: str, target: str) -> list[dict[str, object]]:
    """The strongest linking root domains, each with its share of the target's rank."""
    rows = []
    for source, share in snapshot.authority_sources(scope, target):
        source_scores = snapshot.root_domain_scores(source) or {}
        rows.append(
            {
                "root_domain": source,
                "share": round(share, 4),
                "trust": source_scores.get("trust"),
            }
        )
    return rows


def _signals(snapshot: Snapshot, scores: dict[str, object]) -> list[dict[str, object]]:
    """Each signal the snapshot measured for the root domain: its value and whether it hit."""
    if not scores:
        return []
    names = snapshot.meta.get("spam_signals", [])
    flags = int(scores.get("spam_flags") or 0)
    measured = scores.get("spam_signals") or {}
    assert isinstance(measured, dict)
    return [
        {
            "signal": name,
            "hit": bool(flags >> bit & 1),
            "value": measured.get(name),
            "rule": _RULES.get(name, ""),
        }
        for bit, name in enumerate(names)
    ]
