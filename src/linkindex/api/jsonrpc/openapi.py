"""The /jsonrpc entry of the OpenAPI document: the envelope, the errors and every method.

Each method's params type is the same msgspec type that validates it, so they cannot drift.
"""

from __future__ import annotations

from typing import Any

import msgspec

from linkindex.api.jsonrpc.envelope import JSONRPC
from linkindex.api.jsonrpc.errors import MIN_ID_LENGTH
from linkindex.api.jsonrpc.methods import Method
from linkindex.api.jsonrpc.mount import PATH
from linkindex.api.jsonrpc.registry import (
    ALIASES,
    METHODS,
    SEARCH_DATA_ALIASES,
    SEARCH_DATA_METHODS,
)

REF = "#/components/schemas/{name}"


def _schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    methods = list(METHODS.values())
    refs, components = msgspec.json.schema_components([m.params for m in methods], ref_template=REF)
    by_method = {m.name: ref for m, ref in zip(methods, refs, strict=True)}
    return by_method, components


def jsonrpc_openapi() -> tuple[dict[str, Any], dict[str, Any]]:
    """(paths, component schemas) to merge into the document."""
    params, components = _schemas()
    call = {
        "type": "object",
        "required": ["jsonrpc", "id", "method"],
        "properties": {
            "jsonrpc": {"const": JSONRPC},
            "id": {
                "type": "string",
                "minLength": MIN_ID_LENGTH,
                "description": "Echoed in the answer; a v4 UUID is recommended.",
            },
            "method": {
                "enum": sorted([*METHODS, *ALIASES, *SEARCH_DATA_METHODS, *SEARCH_DATA_ALIASES])
            },
            "params": {
                "type": "object",
                "properties": {"data": {"type": "object"}},
                "description": "params.data holds the method's parameters (x-methods).",
            },
        },
    }
    error = {
        "type": "object",
        "required": ["id", "jsonrpc", "error"],
        "properties": {
            "id": {"type": ["string", "number", "null"]},
            "jsonrpc": {"const": JSONRPC},
            "error": {
                "type": "object",
                "required": ["code", "status", "data", "message"],
                "properties": {
                    "code": {"type": "integer"},
                    "status": {"type": "integer", "description": "The HTTP status, again."},
                    "data": {"type": "object"},
                    "message": {"type": "string"},
                },
            },
        },
    }
    result = {
        "type": "object",
        "required": ["id", "jsonrpc", "result"],
        "properties": {
            "id": {"type": "string"},
            "jsonrpc": {"const": JSONRPC},
            "result": {"type": "object"},
        },
    }
    methods = {name: _method_entry(method, params[name]) for name, method in METHODS.items()}
    methods.update(
        {
            alias: {**methods[name], "summary": f"Alias of {name}.", "alias_of": name}
            for alias, name in ALIASES.items()
        }
    )
    no_search_data = (
        "Answers -32658: a link index has no search data (as does every data.* name with"
        " keyword, serp or ranking in it)."
    )
    methods.update({name: {"summary": no_search_data} for name in SEARCH_DATA_METHODS})
    methods.update(
        {
            alias: {"summary": f"Alias of {name}. {no_search_data}", "alias_of": name}
            for alias, name in SEARCH_DATA_ALIASES.items()
        }
    )
    paths = {
        PATH: {
            "post": {
                "operationId": "jsonrpc",
                "tags": ["Moz API (JSON-RPC 2.0)"],
                "summary": "One JSON-RPC call, or a batch of up to 50 (docs/api.md)",
                "security": [{"mozToken": []}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _one_or_many("JsonRpcCall")}},
                },
                "responses": {
                    "200": {
                        "description": "The result (or, for a batch, every answer)",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": REF.format(name="JsonRpcResult")},
                                        {"type": "array"},
                                    ]
                                }
                            }
                        },
                    },
                    "default": {
                        "description": "An error; the HTTP status equals error.status",
                        "content": {"application/json": {"schema": _one_or_many("JsonRpcError")}},
                    },
                },
                "x-methods": methods,
            }
        }
    }
    return paths, {
        **components,
        "JsonRpcCall": call,
        "JsonRpcResult": result,
        "JsonRpcError": error,
    }


def _method_entry(method: Method, params: dict[str, Any]) -> dict[str, Any]:
    """A method's x-methods entry: what it takes and the quota path it bills, if any."""
    entry: dict[str, Any] = {"summary": method.summary, "params": {"data": params}}
    if method.quota_path is not None:
        entry["quota"] = method.quota_path
    elif method.deferred_quota_path is not None:
        # Billed too, off the request: the call's answer is only its queue entry.
        entry["quota"] = method.deferred_quota_path
        entry["quota_charged"] = "when the queued call is computed; nothing if it fails"
    else:
        entry["quota"] = "free"
    return entry


def _one_or_many(name: str) -> dict[str, Any]:
    return {
        "oneOf": [
            {"$ref": REF.format(name=name)},
            {"type": "array", "items": {"$ref": REF.format(name=name)}, "maxItems": 50},
        ]
    }
