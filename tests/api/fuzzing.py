"""Requests generated from the published OpenAPI document, and the checks on their answers.

Every target is one V2 endpoint (`/v2/<name>`) or one JSON-RPC method of the document's
`x-methods` (aliases included: a client may send any of them). A body is drawn from the
target's own request schema (schema_strategy.py); string fields that name a page or site
also draw from pages the test index knows, so that answers with results are exercised, not
only the validation errors of random strings.

Two requests in five are made wrong on purpose (one field given any JSON value, or a field the
document does not have). The checks, on every answer: no 5xx; the status is one the document
lists for the operation; the body matches the schema of that status; a JSON-RPC error's
`status` equals the HTTP status and the answer echoes the call's id. And on every valid
request before it is sent: the server's own decoder (the msgspec type the schema was made
from) takes it, so the schema never promises what the types refuse.
"""

from __future__ import annotations

import copy
import json
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import msgspec
from hypothesis import strategies as st
from schema_strategy import ANY_JSON, from_schema

from linkindex.api.decoding import decode_request, integral_floats_to_ints
from linkindex.api.jsonrpc.registry import METHODS, method_name
from linkindex.api.openapi import openapi_document
from linkindex.api.registry import V2_ENDPOINTS

RPC_PATH = "/jsonrpc"
# Pages and sites of the link web (link_web.py) in the forms clients write them.
KNOWN = [
    "t.com/", "t.com", "http://t.com/", "https://www.t.com/other", "blog.t.com/post",
    "old.t.com/page", "a.com/1", "http://c.com/1", "r.com/go", "s.com", "y.s.com/2",
    "z1.com", "u.com/", "no-such-site.example/page",
]  # fmt: skip
# Fields that name a page or a site, in V2 bodies and in JSON-RPC site queries.
URL_FIELDS = {"target", "page", "query", "source_root_domain"}
URL_LISTS = {"targets", "sources", "subdomains_limited_to_one"}


def inline_refs(schema: Any, components: dict[str, Any]) -> Any:
    """The schema with every `#/components/schemas/X` reference replaced by X itself."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            target = components[ref.rsplit("/", 1)[-1]]
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            return inline_refs({**copy.deepcopy(target), **rest}, components)
        return {k: inline_refs(v, components) for k, v in schema.items()}
    if isinstance(schema, list):
        return [inline_refs(item, components) for item in schema]
    return schema


def _known_or(schema: dict[str, Any]) -> dict[str, Any]:
    """A string schema that also offers the known pages (each valid under it)."""
    if schema.get("type") != "string" or "enum" in schema:
        return schema
    return {"anyOf": [{"enum": KNOWN}, schema]}


def with_known_pages(schema: Any) -> Any:
    """The schema with its page and site fields drawing from KNOWN too: a subset of what it
    allows (every KNOWN string fits the string schemas it is offered beside)."""
    if isinstance(schema, list):
        return [with_known_pages(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: with_known_pages(v) for k, v in schema.items()}
    properties = out.get("properties")
    if isinstance(properties, dict):
        for name, sub in properties.items():
            if name in URL_FIELDS:
                properties[name] = _offer(sub)
            elif name in URL_LISTS and isinstance(sub, dict):
                properties[name] = _offer_items(sub)
    return out


def _offer(schema: dict[str, Any]) -> dict[str, Any]:
    if "anyOf" in schema:
        return {**schema, "anyOf": [_known_or(s) for s in schema["anyOf"]]}
    return _known_or(schema)


def _offer_items(schema: dict[str, Any]) -> dict[str, Any]:
    if "anyOf" in schema:
        return {**schema, "anyOf": [_offer_items(s) for s in schema["anyOf"]]}
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return {**schema, "items": _known_or(schema["items"])}
    return schema


@dataclass(frozen=True)
class Target:
    """One V2 endpoint or one JSON-RPC method, with what it takes and what it answers."""

    name: str  # "/v2/links" or a JSON-RPC method name
    path: str
    request: dict[str, Any]  # the request body's schema (V2) or params.data's (JSON-RPC)
    responses: dict[str, Any]  # status ("200", "default", ...) -> inlined body schema
    decode: Any  # the server's own decoding of a body (V2) or of params.data (JSON-RPC)

    @property
    def jsonrpc(self) -> bool:
        return self.path == RPC_PATH


def _responses(operation: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    return {
        status: inline_refs(answer["content"]["application/json"]["schema"], components)
        for status, answer in operation["responses"].items()
    }


def targets(document: dict[str, Any] | None = None) -> list[Target]:
    """Every V2 endpoint and every x-methods name of the document, in the document's order."""
    document = document or openapi_document()
    components = document["components"]["schemas"]
    endpoints = {e.path: e for e in V2_ENDPOINTS}
    found = []
    for path, item in document["paths"].items():
        operation = item["post"]
        if path == RPC_PATH:
            continue
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        endpoint = endpoints[path]
        decoder = msgspec.json.Decoder(endpoint.request_type, strict=True)
        found.append(
            Target(
                name=path,
                path=path,
                request=inline_refs(schema, components),
                responses=_responses(operation, components),
                decode=lambda body, d=decoder, t=endpoint.request_type: decode_request(d, t, body),
            )
        )
    rpc = document["paths"][RPC_PATH]["post"]
    responses = _responses(rpc, components)
    for name, entry in rpc["x-methods"].items():
        method = METHODS.get(method_name(name))
        data = entry.get("params", {}).get("data")
        found.append(
            Target(
                name=name,
                path=RPC_PATH,
                request=inline_refs(data, components) if data else {"type": "object"},
                responses=responses,
                decode=(
                    (lambda d, t=method.params: _convert(d, t)) if method else (lambda d: None)
                ),
            )
        )
    return found


def _convert(data: Any, params_type: type) -> Any:
    return msgspec.convert(integral_floats_to_ints(data), params_type, strict=True)


# Two requests in five are made wrong on purpose (a field given any JSON value, or a field the
# document does not have), so the answers to bad requests are fuzzed too.
VALID, WRONG_VALUE, UNKNOWN_FIELD = "valid", "wrong value", "unknown field"
KINDS = [VALID, VALID, VALID, WRONG_VALUE, UNKNOWN_FIELD]


@st.composite
def requests(draw: st.DrawFn, target: Target) -> tuple[Any, str]:
    """(what to send, its kind): a V2 body, or a JSON-RPC call whose params.data is drawn
    from the method's schema; VALID ones are valid under the document."""
    data = draw(from_schema(with_known_pages(target.request)))
    kind = draw(st.sampled_from(KINDS))
    if kind != VALID and not isinstance(data, dict):
        kind = VALID
    if kind == WRONG_VALUE and data:
        data = {**data, draw(st.sampled_from(sorted(data))): draw(ANY_JSON)}
    elif kind != VALID:
        name = draw(st.text(min_size=1, max_size=12).filter(lambda k: k not in data))
        data = {**data, name: draw(ANY_JSON)}
    if not target.jsonrpc:
        return data, kind
    call = {"jsonrpc": "2.0", "id": str(uuid.uuid4()), "method": target.name}
    return {**call, "params": {"data": data}}, kind


@dataclass
class Figures:
    """What a run saw: requests and statuses per target, 5xx answers and schema violations."""

    started: float = field(default_factory=time.monotonic)
    requests: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    server_errors: list[dict[str, Any]] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "requests": sum(self.requests.values()),
            "seconds": round(time.monotonic() - self.started, 1),
            "requests_by_kind": dict(sorted(self.kinds.items())),
            "server_errors_5xx": len(self.server_errors),
            "schema_violations": len(self.violations),
            "statuses": dict(sorted(sum(self.statuses.values(), Counter()).items())),
            "by_target": {
                name: {"requests": n, "statuses": dict(sorted(self.statuses[name].items()))}
                for name, n in self.requests.items()
            },
            "examples_of_5xx": self.server_errors[:10],
            "examples_of_violations": self.violations[:10],
        }


def problems(target: Target, body: Any, status: int, answer: bytes) -> list[str]:
    """What is wrong with one answer (nothing when it is as the document says)."""
    found = []
    if status >= 500:
        found.append(f"{status} answer")
    schema = target.responses.get(str(status), target.responses.get("default"))
    if schema is None:
        return [*found, f"status {status} is not documented for {target.path}"]
    try:
        parsed = json.loads(answer)
    except ValueError:
        return [*found, "the body is not JSON"]
    try:
        jsonschema.validate(parsed, schema, cls=jsonschema.Draft202012Validator)
    except jsonschema.ValidationError as exc:
        found.append(f"body does not match the {status} schema: {exc.message}")
    if target.jsonrpc and status != 200:
        error = parsed.get("error", {}) if isinstance(parsed, dict) else {}
        if error.get("status") != status:
            found.append(f"error.status {error.get('status')} is not the HTTP status {status}")
    if target.jsonrpc and isinstance(parsed, dict) and parsed.get("id") != body["id"]:
        found.append("the answer does not echo the call's id")
    return found


def refused_by_decoder(target: Target, body: Any) -> str | None:
    """Why the server's own types refuse a schema-valid body, or None when they take it."""
    try:
        if target.jsonrpc:
            target.decode(body["params"]["data"])
        else:
            target.decode(json.dumps(body).encode())
    except Exception as exc:  # a refusal of any kind is the finding
        return f"{type(exc).__name__}: {exc}"
    return None
