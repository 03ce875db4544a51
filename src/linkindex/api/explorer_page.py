"""GET /explorer: the Link Explorer, a page for people that calls the public API itself.

The server sends the same static page to everyone; the page's own script signs in and asks.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse

from linkindex.api.assets import PAGE_HEADERS, STATIC

# Read once: the page has no server-side data in it, so nothing a caller sends reaches it.
EXPLORER_HTML = (STATIC / "explorer.html").read_text(encoding="utf-8")


async def explorer_page(_: Request) -> HTMLResponse:
    return HTMLResponse(EXPLORER_HTML, headers=PAGE_HEADERS)
