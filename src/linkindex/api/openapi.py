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


# Swagger UI is loaded by the reader's browser from its public CDN; the server ships no assets.
DOCS_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>linkindex API</title>
<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css">
</head><body><div id="ui"></div>
<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/openapi.json", dom_id: "#ui"});</script>
</body></html>
"""
