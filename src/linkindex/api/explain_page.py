"""GET /explain?target=...: `linkindex explain` as a web page, for a person with a browser;
GET /explain.json?target=...: the same report as `linkindex explain --json`, for the Explorer.

Both behind the API's own credentials (api/auth.py: Basic, Bearer or x-moz-token); free.
"""

from __future__ import annotations

from html import escape

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse

from linkindex.api.auth import authenticate
from linkindex.api.endpoint import current_snapshot
from linkindex.api.params import bad_request
from linkindex.explain import explain, heading, source_name
from linkindex.urls import BadURL

STYLE = (
    "body{font-family:sans-serif;max-width:56rem;margin:2rem auto;line-height:1.4}"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
    "th,td{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}"
    "td.n{text-align:right}.hit{color:#b00;font-weight:bold}"
    ".note{background:#fff6d6;padding:.4rem .6rem;border-left:3px solid #d9a400}"
)


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _sources(sources: list[dict]) -> str:
    if not sources:
        return ""
    rows = [
        (escape(source_name(s)), f"{s['share']:.1%}",
         "" if s["trust"] is None else f"{s['trust']:.2f}")
        for s in sources
    ]  # fmt: skip
    return _table(("linking root domain", "share of evidence", "trust"), rows)


def _section(report: dict, section: str, extra: str = "") -> str:
    summary = report[section]["summary"]
    return (
        f"<h2>{escape(heading(report, section))}</h2>"
        f"<p>{escape(summary[:1].upper() + summary[1:])}{extra}</p>"
    )


def _spam(report: dict) -> str:
    spam = report["spam_score"]
    if spam["score"] == -1:
        return _section(report, "spam_score")
    rows = [
        (escape(s["signal"]),
         "<span class='hit'>yes</span>" if s["hit"] else "no",
         "not enough data" if s["value"] is None else f"{s['value']:g}",
         escape(s["rule"]))
        for s in spam["signals"]
    ]  # fmt: skip
    return _section(report, "spam_score") + _table(("signal", "hit", "measured", "rule"), rows)


def render_html(report: dict) -> str:
    pa, da = report["page_authority"], report["domain_authority"]
    notes = "".join(f"<p class='note'>{escape(note)}</p>" for note in report["notes"])
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>explain {escape(report['page'])}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(report['page'])}</h1><p>root domain {escape(report['root_domain'])}, "
        f"index <code>{escape(report['index_id'])}</code></p>{notes}"
        f"{_section(report, 'page_authority', ' ' + escape(pa['rule']) + '.')}"
        f"{_sources(pa['strongest_sources'])}"
        f"{_section(report, 'domain_authority', ' ' + escape(da['rule']) + '.')}"
        f"{_sources(da['strongest_sources'])}"
        f"{_spam(report)}"
        f"{_section(report, 'link_propensity')}"
        f"{_section(report, 'brand_authority')}"
        "<p><a href='/'>back</a></p></body></html>"
    )


def _report(request: Request) -> dict:
    """The report for `?target=`, after the same credentials check as the APIs' (a Bearer
    header, as the Explorer sends, or Basic, as a browser's own prompt does)."""
    state = request.app.state
    authenticate(state.key_store, request.headers)
    target = request.query_params.get("target", "").strip()
    if not target:
        path = request.url.path
        raise bad_request(f"target: give a URL, host or root domain, e.g. {path}?target=moz.com")
    snapshot = current_snapshot(state)
    try:
        return explain(snapshot, target)
    except BadURL as exc:
        raise bad_request(f"target: {exc}") from exc


# Each read on a worker thread: on a router every statement is a round trip to a shard host,
# which must not hold up the event loop's other requests.
async def explain_page(request: Request) -> HTMLResponse:
    return HTMLResponse(render_html(await run_in_threadpool(_report, request)))


async def explain_json(request: Request) -> JSONResponse:
    # no-store: the report is of the index in force, and a shared cache must not keep a
    # credentialed answer.
    report = await run_in_threadpool(_report, request)
    return JSONResponse(report, headers={"Cache-Control": "no-store"})
