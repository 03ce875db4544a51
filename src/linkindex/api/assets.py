"""The files the browser pages load, all from the installed package: no CDN, works offline.

The Link Explorer's own JS and CSS (api/static/) and Swagger UI's, from the swagger-ui-py package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
# swagger-ui-py (Apache-2.0) ships Swagger UI 5 (OpenAPI 3.1, as /openapi.json is) with its
# LICENSE; only the two files /docs loads are served, not the editor it also bundles.
SWAGGER_UI = Path(str(resources.files("swagger_ui") / "static"))
SWAGGER_UI_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE")

# The pages run only scripts and styles of this server and call only this server: whatever a
# page shows (titles, anchors) cannot run as script, so the credentials it keeps stay its own.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


class SwaggerFiles(StaticFiles):
    """Swagger UI's folder, but only the files the docs page needs."""

    def lookup_path(self, path: str):  # type: ignore[override]
        if path not in SWAGGER_UI_FILES:
            return "", None
        return super().lookup_path(path)


def routes() -> list[Mount]:
    return [
        Mount("/assets/explorer", StaticFiles(directory=STATIC), name="explorer-assets"),
        Mount("/assets/swagger-ui", SwaggerFiles(directory=SWAGGER_UI), name="swagger-ui"),
    ]
