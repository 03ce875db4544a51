"""Signed, expiring next_token values: opaque to clients, tamper-proof, never a raw offset.

A token names the index it was issued on, the request it continues and a keyset cursor.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import msgspec

TOKEN_VERSION = 1
MAC_BYTES = 16
DEFAULT_TTL_SECONDS = 3600


class TokenInvalid(ValueError):
    """Not a token this server issued, or issued for a different request."""


class TokenExpired(ValueError):
    """Too old, or issued on an index that has since been replaced."""


@dataclass(frozen=True)
class Continuation:
    cursor: tuple
    served: int  # results already returned before this page (for the result cap)


def request_fingerprint(*parts: object) -> bytes:
    """Eight bytes identifying a request's normalized parameters."""
    return hashlib.sha256(msgspec.msgpack.encode(parts)).digest()[:8]


def load_or_create_secret(path: Path) -> bytes:
    """The signing key shared by every server worker of one home folder."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    try:
        os.link(tmp, path)  # first writer wins when several workers start at once
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_bytes()


class TokenCodec:
    def __init__(
        self,
        secret: bytes,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = secret
        self.ttl_seconds = ttl_seconds
        self.clock = clock  # tests move it on instead of waiting for a token to expire

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:MAC_BYTES]

    def issue(self, index_id: str, fingerprint: bytes, cursor: tuple, served: int) -> str:
        payload = msgspec.msgpack.encode(
            (TOKEN_VERSION, int(self.clock()), index_id, fingerprint, list(cursor), served)
        )
        return base64.b64encode(payload + self._mac(payload)).decode("ascii")

    def open(self, token: str, index_id: str, fingerprint: bytes) -> Continuation:
        try:
            raw = base64.b64decode(token, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise TokenInvalid("next_token is not a token issued by this server") from exc
        payload, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
        if len(raw) <= MAC_BYTES or not hmac.compare_digest(mac, self._mac(payload)):
            raise TokenInvalid("next_token is not a token issued by this server")
        fields = msgspec.msgpack.decode(payload)
        # A signed token of another format version is ours but from before an upgrade.
        if not isinstance(fields, list) or len(fields) != 6 or fields[0] != TOKEN_VERSION:
            raise TokenExpired("The next token has expired")
        _, issued_at, token_index, token_fingerprint, cursor, served = fields
        if token_index != index_id or self.clock() - issued_at > self.ttl_seconds:
            raise TokenExpired("The next token has expired")
        if token_fingerprint != fingerprint:
            raise TokenInvalid(
                "next_token was issued for a different request: repeat the original parameters"
            )
        return Continuation(cursor=tuple(cursor), served=served)
