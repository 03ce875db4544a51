"""Who is calling: HTTP Basic access_id:secret_key, or the Moz API token in x-moz-token.

Checked before the body is read, so a request without valid credentials costs no parsing.
"""

from __future__ import annotations

import base64
import binascii

from starlette.datastructures import Headers

from linkindex.accounts.keys import ApiKey, KeyStore
from linkindex.api.errors import UNAUTHORIZED, ApiError

CHALLENGE = {"WWW-Authenticate": 'Basic realm="linkindex"'}


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    access_id, sep, secret = decoded.partition(":")
    return (access_id, secret) if sep else None


def identify(keys: KeyStore, headers: Headers) -> ApiKey | None:
    authorization = headers.get("authorization")
    if authorization:
        pair = _basic_credentials(authorization)
        return keys.verify_basic(*pair) if pair else None
    token = headers.get("x-moz-token")
    return keys.verify_token(token) if token else None


def authenticate(keys: KeyStore, headers: Headers) -> ApiKey:
    """The caller's key, or the 401 (which never says which part was wrong)."""
    key = identify(keys, headers)
    if key is None:
        raise ApiError(401, UNAUTHORIZED, CHALLENGE)
    return key


def caller(keys: KeyStore, scope_state: dict, headers: Headers) -> ApiKey:
    """The caller's key, reusing the limits middleware's check when it already made one."""
    key = scope_state["api_key"] if "api_key" in scope_state else identify(keys, headers)
    if key is None:
        raise ApiError(401, UNAUTHORIZED, CHALLENGE)
    scope_state["api_key"] = key
    return key
