"""The OpenAPI 3.1 document and the interactive docs page, generated from the endpoint types.

The same msgspec types that validate requests describe them here, so the two cannot drift.
"""

from __future__ import annotations

from typing import Any

import msgspec

from linkindex import __version__
from linkindex.api.endpoint import Endpoint
from linkindex.api.jsonrpc.openapi import jsonrpc_openapi
from linkindex.api.registry import V2_ENDPOINTS

ERROR_SCHEMA = {
    "type": "object",
    "required": ["status", "name", "message"],
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status, again."},
        "name": {"type": "string", "description": "The HTTP reason phrase."},
        "message": {"type": "string", "description": "What was wrong and what to send."},
    },
}
ERROR_STATUSES = {
    "400": "Invalid request: the message names the field and the rule",
    "401": "Missing or invalid credentials",
    "410": "The next token has expired",
    "413": "Request body too large",
    "429": "Over the key's rate limit, throttled after too many bad requests, or quota used up;"
    " wait the seconds in Retry-After",
    "503": "No index has been built yet",
}


def _operation(endpoint: Endpoint, request_ref: dict, response_ref: dict) -> dict[str, Any]:
    name = endpoint.path.rsplit("/", 1)[-1]
    errors = {
        status: {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for status, text in ERROR_STATUSES.items()
    }
    return {
        "post": {
            "operationId": name,
            "tags": ["Links API V2"],
            "summary": endpoint.summary,
            "requestBody": {
                "required": not endpoint.empty_body_allowed,
                "content": {"application/json": {"schema": request_ref}},
            },
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": response_ref}},
                },
                **errors,
            },
        }
    }


def openapi_document() -> dict[str, Any]:
    types = [t for e in V2_ENDPOINTS for t in (e.request_type, e.response_type)]
    refs, components = msgspec.json.schema_components(
        types, ref_template="#/components/schemas/{name}"
    )
    paths = {
        endpoint.path: _operation(endpoint, refs[2 * i], refs[2 * i + 1])
        for i, endpoint in enumerate(V2_ENDPOINTS)
    }
    rpc_paths, rpc_components = jsonrpc_openapi()
    assert not set(rpc_components) & set(components), "schema names must not collide"
    paths.update(rpc_paths)
    components.update(rpc_components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "linkindex",
            "version": __version__,
            "description": (
                "A self-hosted backlink index speaking the Moz Links API V2 and the Moz API"
                " (JSON-RPC 2.0 at /jsonrpc). Authenticate with HTTP Basic"
                " access_id:secret_key, the x-moz-token header (`linkindex keys create`), or"
                " Authorization: Bearer with the token or base64(access_id:secret_key);"
                " /jsonrpc takes x-moz-token or Bearer, not Basic."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": {**components, "Error": ERROR_SCHEMA},
            "securitySchemes": {
                "basic": {"type": "http", "scheme": "basic"},
                "mozToken": {"type": "apiKey", "in": "header", "name": "x-moz-token"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
        "security": [{"basic": []}, {"mozToken": []}, {"bearer": []}],
    }


# Swagger UI from the package (api/assets.py): the page works offline, and under the same
# Content-Security-Policy as the explorer, so its start-up call is a file too (static/docs.js).
DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>linkindex API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/swagger-ui/swagger-ui.css">
</head><body><div id="ui"></div>
<script src="/assets/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/assets/explorer/docs.js"></script>
</body></html>
"""
