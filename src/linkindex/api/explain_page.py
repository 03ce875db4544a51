"""GET /explain?target=...: `linkindex explain` as a web page, for a person with a browser.

The same report the CLI prints (linkindex.explain), behind the API's own credentials.
"""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse

from linkindex.api.auth import authenticate
from linkindex.api.endpoint import current_snapshot
from linkindex.api.params import bad_request
from linkindex.explain import explain
from linkindex.urls import BadURL

STYLE = (
    "body{font-family:sans-serif;max-width:56rem;margin:2rem auto;line-height:1.4}"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
    "th,td{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}"
    "td.n{text-align:right}.hit{color:#b00;font-weight:bold}"
)


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _sources(sources: list[dict]) -> str:
    if not sources:
        return "<p>No linking root domain passes it authority.</p>"
    rows = [
        (escape(s["root_domain"]), f"{s['share']:.1%}",
         "" if s["trust"] is None else f"{s['trust']:.2f}")
        for s in sources
    ]  # fmt: skip
    return _table(("linking root domain", "share of rank", "trust"), rows)


def _spam(spam: dict) -> str:
    if spam["score"] == -1:
        return (
            "<h2>Spam Score -1</h2><p>No page of this root domain answered 200, so too little "
            "is known to score it.</p>"
        )
    hits = sum(1 for s in spam["signals"] if s["hit"])
    rows = [
        (escape(s["signal"]),
         "<span class='hit'>yes</span>" if s["hit"] else "no",
         "not enough data" if s["value"] is None else f"{s['value']:g}",
         escape(s["rule"]))
        for s in spam["signals"]
    ]  # fmt: skip
    return (
        f"<h2>Spam Score {spam['score']}%</h2><p>{hits} of {len(rows)} signals hit.</p>"
        + _table(("signal", "hit", "measured", "rule"), rows)
    )


def render_html(report: dict) -> str:
    pa, da = report["page_authority"], report["domain_authority"]
    lp, brand = report["link_propensity"], report["brand_authority"]
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>explain {escape(report['page'])}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(report['page'])}</h1><p>root domain {escape(report['root_domain'])}, "
        f"index <code>{escape(report['index_id'])}</code></p>"
        f"<h2>Page Authority {pa['score']}</h2><p>From {pa['linking_root_domains']} linking "
        f"root domains. {escape(pa['rule'])}.</p>{_sources(pa['strongest_sources'])}"
        f"<h2>Domain Authority {da['score']}</h2><p>From {da['linking_root_domains']} linking "
        f"root domains. {escape(da['rule'])}.</p>{_sources(da['strongest_sources'])}"
        f"{_spam(report['spam_score'])}"
        f"<h2>Link Propensity {lp['value']:.4g}</h2><p>{lp['root_domains_from_root_domain']} "
        f"root domains linked to / {lp['pages_crawled_from_root_domain']} pages crawled.</p>"
        f"<h2>Brand Authority {brand['score']}</h2><p>"
        f"{brand['branded_linking_root_domains']} root domains link with its brand name.</p>"
        "<p><a href='/'>back</a></p></body></html>"
    )


async def explain_page(request: Request) -> HTMLResponse:
    state = request.app.state
    authenticate(state.key_store, request.headers)
    target = request.query_params.get("target", "").strip()
    if not target:
        raise bad_request("target: give a URL, host or root domain, e.g. /explain?target=moz.com")
    snapshot = current_snapshot(state)
    try:
        report = explain(snapshot, target)
    except BadURL as exc:
        raise bad_request(f"target: {exc}") from exc
    return HTMLResponse(render_html(report))
