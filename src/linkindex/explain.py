"""Why a target scores what it does: DA/PA sources, Spam Score flags, Link Propensity counts.

Reads one snapshot (through linkindex.index) and gives a plain dict; the CLI and the /explain
page render it. Every sentence is written here, from the same numbers as the tables beside it,
so the terminal, the JSON and the web page say the same thing and never contradict a table.
"""

from __future__ import annotations

from linkindex.index.snapshot import Snapshot
from linkindex.scoring.evidence import TOP_SOURCES
from linkindex.scoring.spam_model import UNMANIPULATED_CAP
from linkindex.scoring.spam_signals import MANIPULATION_SIGNALS, SIGNALS
from linkindex.urls import parse_target

_RULES = {s.name: s.rule for s in SIGNALS}

# The strongest sources the build keeps per target.
KEPT_SOURCES = TOP_SOURCES

NOFOLLOW_NOTE = "only with nofollow, which passes no authority"
OWN_ROOT_RULE = (
    "a page carries the share of its domain's evidence that its place among the domain's pages "
    "gives it, when that is more than its own external linkers give (docs/metrics.md, Page "
    "Authority)"
)


def explain(snapshot: Snapshot, target: str) -> dict[str, object]:
    """Everything `linkindex explain` shows for a target (a URL, host or root domain)."""
    url = parse_target(target)
    metrics = snapshot.url_metrics(url)
    page_held, root_held = snapshot.holds(url)
    scores = snapshot.root_domain_scores(url.root_domain) or {}
    calibration = snapshot.meta.get("calibration", {})
    coverage = _coverage(metrics, page_held, root_held)
    status = _status(coverage)
    page_sources = _sources(snapshot, "page", url.page, url.root_domain)
    root_sources = _sources(snapshot, "root_domain", url.root_domain, url.root_domain)
    signals = _signals(snapshot, scores)
    brand = {
        "score": scores.get("brand_authority", 1),
        "branded_linking_root_domains": scores.get("branded_linkers", 0),
    }
    return {
        "index_id": snapshot.index_id,
        "page": url.page,
        "root_domain": url.root_domain,
        # known: the index holds a page of the root domain or a link to or from it; if not,
        # every score below is a default, not a measurement.
        "known": root_held,
        "status": status,
        "coverage": coverage,
        "notes": _notes(status, coverage, url.page, url.root_domain),
        "page_authority": {
            "score": metrics["page_authority"],
            "summary": _page_summary(metrics, page_held, page_sources, url.page),
            "rule": "The 1-100 scale of the page's evidence: its external linking root domains' "
            "votes, or its share of its domain's evidence if more; never above DA "
            "(docs/metrics.md)",
            "linking_root_domains": metrics["root_domains_to_page"],
            "nofollow_linking_root_domains": metrics["nofollow_root_domains_to_page"],
            "strongest_sources": page_sources,
            "calibration": calibration.get("page_authority"),
        },
        "domain_authority": {
            "score": metrics["domain_authority"],
            "summary": _domain_summary(metrics, root_held, root_sources, url.root_domain),
            "rule": "The 1-100 scale of the domain's evidence: each linking root domain's vote "
            "(trust x sqrt(strength)) times 1 + ln(its linking pages) / 2 (docs/metrics.md)",
            "evidence": scores.get("authority_evidence"),
            "linking_root_domains": metrics["root_domains_to_root_domain"],
            "nofollow_linking_root_domains": metrics["nofollow_root_domains_to_root_domain"],
            "trust": scores.get("trust"),
            "strongest_sources": root_sources,
            "calibration": calibration.get("domain_authority"),
        },
        "spam_score": {
            "score": metrics["spam_score"],
            "summary": _spam_summary(metrics["spam_score"], signals, status, coverage),
            "signals": signals,
        },
        "link_propensity": {
            "value": metrics["link_propensity"],
            "summary": _propensity_summary(metrics, url.root_domain),
            "root_domains_from_root_domain": metrics["root_domains_from_root_domain"],
            "pages_crawled_from_root_domain": metrics["pages_crawled_from_root_domain"],
        },
        "brand_authority": {**brand, "summary": _brand_summary(brand, root_held)},
    }


def _coverage(metrics: dict, page_held: bool, root_held: bool) -> dict[str, dict[str, object]]:
    """What the index holds of the target: pages crawled, links to it and from it."""
    return {
        "root_domain": {
            "in_index": root_held,
            "pages_crawled_from_root_domain": metrics["pages_crawled_from_root_domain"],
            "pages_to_root_domain": metrics["pages_to_root_domain"],
            "root_domains_to_root_domain": metrics["root_domains_to_root_domain"],
            "deleted_pages_to_root_domain": metrics["deleted_pages_to_root_domain"],
            "pages_from_root_domain": metrics["pages_from_root_domain"],
        },
        "page": {
            "in_index": page_held,
            "crawled": metrics["last_crawled"] != "",
            "pages_to_page": metrics["pages_to_page"],
            "deleted_pages_to_page": metrics["deleted_pages_to_page"],
            "pages_from_page": metrics["pages_from_page"],
        },
    }


def _status(coverage: dict[str, dict[str, object]]) -> str:
    """unknown (nothing held), linked_only (links to it, never crawled), or crawled."""
    root = coverage["root_domain"]
    if not root["in_index"]:
        return "unknown"
    return "crawled" if root["pages_crawled_from_root_domain"] else "linked_only"


def _count(n: object, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _linking_pages(pages: object, lost: object, roots: object | None = None) -> str:
    """Pages linking to a target now (on how many root domains), and those that did before."""
    text = _count(pages, "linking page")
    if roots is not None:
        text += f" on {_count(roots, 'other root domain')}"
    return text + (f", and {_count(lost, 'page')} that linked before" if lost else "")


def _notes(status: str, coverage: dict, page: str, root_domain: str) -> list[str]:
    """What the index does not hold of the target, said before any score."""
    root, held_page = coverage["root_domain"], coverage["page"]
    if status == "unknown":
        return [
            f"The index holds no page of {root_domain} and no link to or from it: its scores "
            "are defaults, not measurements (DA 1, PA 1, Spam Score -1 = no score)."
        ]
    notes = []
    if status == "linked_only":
        linking = _linking_pages(
            root["pages_to_root_domain"],
            root["deleted_pages_to_root_domain"],
            root["root_domains_to_root_domain"],
        )
        notes.append(
            f"{root_domain} is known only from links to it ({linking}); it was never crawled. "
            "Its Domain Authority is measured from those links; its Spam Score -1 means no "
            "score, and its Link Propensity 0 is not a measurement."
        )
    if not held_page["in_index"]:
        notes.append(
            f"The index holds no page {page} and no link to or from it: its Page Authority 1 "
            "is a default, not a measurement."
        )
    elif not held_page["crawled"] and status == "crawled":
        pages = _linking_pages(held_page["pages_to_page"], held_page["deleted_pages_to_page"])
        notes.append(f"The page {page} was never crawled: it is known only from links to it "
                     f"({pages}).")  # fmt: skip
    return notes


def _sources(
    snapshot: Snapshot, scope: str, target: str, own_root_domain: str
) -> list[dict[str, object]]:
    """The strongest linking root domains, each with its share of the target's evidence."""
    rows = []
    for source, share in snapshot.authority_sources(scope, target):
        trust = (snapshot.root_domain_scores(source) or {}).get("trust")
        rows.append(
            {
                "root_domain": source,
                "own_root_domain": source == own_root_domain,
                "share": round(share, 4),
                "trust": None if trust is None else round(float(trust), 4),
            }
        )
    return rows


def _linkers(count: object, nofollow: object) -> str:
    text = f"{_count(count, 'root domain')} other than its own link{'s' if count == 1 else ''}"
    return text + (f" to it ({nofollow} {NOFOLLOW_NOTE})." if nofollow else " to it.")


def _sources_sentence(sources: list[dict[str, object]], root_domain: str, unit: str) -> str:
    """What the sources table shows, and why its own root domain may be in it."""
    if not sources:
        return (
            " No root domain with trust above 0 gives it evidence: no live followed link from "
            "another root domain reaches it, and its own domain has none to share."
        )
    if any(s["own_root_domain"] for s in sources):
        return (
            f" Its score comes from its place among the pages of {root_domain}, its own root "
            f"domain: {OWN_ROOT_RULE}."
        )
    if len(sources) >= KEPT_SOURCES:
        return (
            f" The table lists the {KEPT_SOURCES} root domains that give it the most evidence, "
            f"each with its share of the {unit}'s evidence."
        )
    return (
        " The table lists every root domain that gives it evidence, each with its share of "
        f"the {unit}'s evidence."
    )


def _page_summary(metrics: dict, held: bool, sources: list, page: str) -> str:
    if not held:
        return f"a default, because the index holds no page {page} and no link to it."
    root_domain = metrics["root_domain"]
    linkers = _linkers(metrics["root_domains_to_page"], metrics["nofollow_root_domains_to_page"])
    return linkers + _sources_sentence(sources, str(root_domain), "page")


def _domain_summary(metrics: dict, held: bool, sources: list, root_domain: str) -> str:
    if not held:
        return (
            f"a default, because the index holds no page of {root_domain} and no link to or "
            "from it."
        )
    linkers = _linkers(
        metrics["root_domains_to_root_domain"], metrics["nofollow_root_domains_to_root_domain"]
    )
    return linkers + _sources_sentence(sources, root_domain, "root domain")


def _spam_summary(score: object, signals: list, status: str, coverage: dict) -> str:
    if score == -1:
        crawled = coverage["root_domain"]["pages_crawled_from_root_domain"]
        if status == "unknown":
            return "no score, because the index holds no page of this root domain."
        if status == "linked_only":
            return "no score, because no page of this root domain was ever crawled."
        return (
            f"no score: the index holds too little of this root domain ({_count(crawled, 'page')}"
            " crawled; 3 answering 200 are needed) to score it; its signals still weigh its "
            "links (docs/metrics.md, Spam Score)."
        )
    hits = [s["signal"] for s in signals if s["hit"]]
    text = f"{len(hits)} of {_count(len(signals), 'signal')} hit"
    text += f": {', '.join(hits)}." if hits else "."
    if score == UNMANIPULATED_CAP and not set(hits) & set(MANIPULATION_SIGNALS):
        text += (
            f" Held at {UNMANIPULATED_CAP}: no signal of manipulation hit, and page and name "
            "features alone never reach 50 (docs/metrics.md)."
        )
    unmeasured = sum(1 for s in signals if s["value"] is None)
    if unmeasured:
        text += f" {unmeasured} had too little data to be evaluated (they do not hit)."
    return text


def _propensity_summary(metrics: dict, root_domain: str) -> str:
    crawled = metrics["pages_crawled_from_root_domain"]
    if not crawled:
        return f"not measured, because no page of {root_domain} was crawled (0 stands in)."
    linked = metrics["root_domains_from_root_domain"]
    return f"{_count(linked, 'root domain')} linked to / {_count(crawled, 'page')} crawled."


def _brand_summary(brand: dict[str, object], held: bool) -> str:
    branded = brand["branded_linking_root_domains"]
    if not held:
        return "a default, because the index holds no link to this root domain."
    if not branded:
        return "no root domain links to it with its brand name in the anchor text."
    verb = "links" if branded == 1 else "link"
    return f"{_count(branded, 'root domain')} {verb} to it with its brand name in the anchor text."


def _signals(snapshot: Snapshot, scores: dict[str, object]) -> list[dict[str, object]]:
    """Each signal the snapshot measured for the root domain: its value and whether it hit."""
    if not scores:
        return []
    names = snapshot.meta.get("spam_signals", [])
    hits = scores.get("spam_hits") or []
    measured = scores.get("spam_signals") or {}
    assert isinstance(hits, list) and isinstance(measured, dict)
    return [
        {
            "signal": name,
            "hit": name in hits,
            "value": measured.get(name),
            "rule": _RULES.get(name, ""),
        }
        for name in names
    ]


def source_name(row: dict) -> str:
    """A linking root domain as the sources tables show it, its own root domain marked."""
    name = row["root_domain"]
    return f"{name} (its own root domain)" if row.get("own_root_domain") else name


def heading(report: dict, section: str) -> str:
    """The title of one section: the score's name and its value."""
    part = report[section]
    if section == "spam_score":
        score = part["score"]
        return "Spam Score -1" if score == -1 else f"Spam Score {score}%"
    if section == "link_propensity":
        return f"Link Propensity {part['value']:.4g}"
    name = section.replace("_", " ").title()
    return f"{name} {part['score']}"


SECTIONS = (
    "page_authority", "domain_authority", "spam_score", "link_propensity", "brand_authority",
)  # fmt: skip
