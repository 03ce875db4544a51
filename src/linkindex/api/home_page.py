"""The server's front page: what index is loaded and how to call the API, for a person."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse

from linkindex.api.registry import V2_ENDPOINTS
from linkindex.index.snapshot import NoSnapshot


async def home_page(request: Request) -> HTMLResponse:
    try:
        snapshot = request.app.state.snapshots.get()
        counts = snapshot.meta.get("counts", {})
        # Public page: sizes and the date only; index_id is for authenticated clients.
        facts = [
            ("index date", snapshot.meta.get("index_date", "")),
            ("pages", counts.get("pages", 0)),
            ("root domains", counts.get("root_domains", 0)),
            ("links", counts.get("links", 0)),
        ]
    except NoSnapshot:
        facts = [("index", "none built yet: run linkindex build")]
    endpoints = ", ".join(f"<code>POST {escape(e.path)}</code>" for e in V2_ENDPOINTS)
    rows = "".join(f"<tr><th>{escape(str(k))}</th><td>{escape(str(v))}</td></tr>" for k, v in facts)
    return HTMLResponse(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>linkindex</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto}"
        "th{text-align:left;padding-right:1rem}</style></head><body>"
        "<h1>linkindex</h1><p>A backlink index speaking the Moz Links API V2 and the Moz API"
        " (JSON-RPC 2.0).</p>"
        f"<table>{rows}</table>"
        f"<p>Links API V2: {endpoints}. Moz API: <code>POST /jsonrpc</code> (header"
        " <code>x-moz-token</code>). New index events: <code>GET /v2/index_events</code>. "
        "<a href='/docs'>Interactive API docs</a> · <a href='/openapi.json'>OpenAPI</a></p>"
        # The search box leads to the Link Explorer, which asks a person to sign in first:
        # never to a bare 401 from an endpoint that wants credentials the browser lacks.
        "<h2><a href='/explorer'>Link Explorer</a></h2>"
        "<form action='/explorer' role='search'><label>Look up a domain or URL "
        "<input name='target' placeholder='docs.python.org' required></label> "
        "<button>look up</button></form>"
        "<p>Why a page or domain scores what it does: <code>GET /explain?target=...</code>"
        " (or <code>/explain.json</code>) with the API's credentials"
        " (<code>curl -u access_id:secret_key</code>).</p>"
        "</body></html>"
    )
