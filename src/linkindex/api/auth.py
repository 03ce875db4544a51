"""Who is calling: HTTP Basic access_id:secret_key, the Moz API token in x-moz-token, or a Bearer
credential (the token, or base64 of access_id:secret_key) in Authorization.

`credential` reads a request's headers once, the same way for the limits middleware, the
endpoints and billing; `identify` turns that into the caller's key. Checked before the body is
read, so a request without valid credentials costs no parsing.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Literal

from starlette.datastructures import Headers

from linkindex.accounts.keys import ApiKey, KeyStore
from linkindex.api.errors import UNAUTHORIZED, ApiError

CHALLENGE = {"WWW-Authenticate": 'Basic realm="linkindex"'}


@dataclass(frozen=True)
class Credential:
    """What a request presents. `invalid` is a credential that can never verify (an unknown
    scheme, undecodable Basic, Basic on /jsonrpc): refused as a wrong one is, never anonymous."""

    kind: Literal["basic", "bearer", "token", "invalid"]
    value: str = ""  # the token (token, bearer)
    pair: tuple[str, str] | None = None  # access_id, secret_key (basic, bearer as base64)


INVALID = Credential("invalid")


def _decode_pair(encoded: str) -> tuple[str, str] | None:
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    access_id, sep, secret = decoded.partition(":")
    return (access_id, secret) if sep else None


def credential(headers: Headers, *, jsonrpc: bool = False) -> Credential | None:
    """The one credential a request presents, or None when it sends none.

    `Authorization` comes first: when a request sends it, it is the credential, and x-moz-token
    is not looked at (a junk Authorization beside a good token is a 401, on both APIs). The
    JSON-RPC API takes x-moz-token or a Bearer credential, not Basic (Moz's takes only tokens).
    """
    authorization = headers.get("authorization")
    if authorization:
        scheme, _, value = authorization.strip().partition(" ")
        value = value.strip()
        if not value and not jsonrpc:
            # No scheme at all: some V2 clients send base64(access_id:secret) bare (spec 1.1).
            pair = _decode_pair(scheme)
            return Credential("basic", pair=pair) if pair else INVALID
        scheme = scheme.lower()
        if scheme == "bearer" and value:
            return Credential("bearer", value, _decode_pair(value))
        if scheme == "basic" and not jsonrpc:
            pair = _decode_pair(value)
            return Credential("basic", pair=pair) if pair else INVALID
        return INVALID
    token = headers.get("x-moz-token")
    return Credential("token", token) if token else None


def verify(keys: KeyStore, presented: Credential | None) -> ApiKey | None:
    if presented is None or presented.kind == "invalid":
        return None
    if presented.kind == "basic":
        return keys.verify_basic(*presented.pair) if presented.pair else None
    key = keys.verify_token(presented.value)
    if key is None and presented.kind == "bearer" and presented.pair:
        key = keys.verify_basic(*presented.pair)
    return key


def identify(keys: KeyStore, headers: Headers, *, jsonrpc: bool = False) -> ApiKey | None:
    """The caller's key, or None for a missing, wrong or revoked credential."""
    return verify(keys, credential(headers, jsonrpc=jsonrpc))


def authenticate(keys: KeyStore, headers: Headers) -> ApiKey:
    """The caller's key, or the 401 (which never says which part was wrong)."""
    key = identify(keys, headers)
    if key is None:
        raise ApiError(401, UNAUTHORIZED, CHALLENGE)
    return key


def request_key(
    keys: KeyStore, scope_state: dict, headers: Headers, *, jsonrpc: bool = False
) -> ApiKey | None:
    """The caller's key (or None), reusing the limits middleware's answer when it made one, so
    the key limited is the key served and billed."""
    if "api_key" not in scope_state:
        scope_state["api_key"] = identify(keys, headers, jsonrpc=jsonrpc)
    return scope_state["api_key"]


def caller(keys: KeyStore, scope_state: dict, headers: Headers) -> ApiKey:
    """The V2 caller's key, or the 401."""
    key = request_key(keys, scope_state, headers)
    if key is None:
        raise ApiError(401, UNAUTHORIZED, CHALLENGE)
    return key
