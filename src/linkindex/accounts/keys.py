"""API credentials: Links API access_id/secret_key pairs and Moz API tokens, stored hashed.

Secrets are 192-bit random strings, so one SHA-256 makes them infeasible to recover from the
store; a deliberately slow password hash would cost milliseconds on every API request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from linkindex.state_files import ThreadConnections

if TYPE_CHECKING:
    from linkindex.accounts.quotas import Account

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    access_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
)
"""
# Each key's stable account number (Moz's quota object has an account_id), its rate limit and
# its quota policies per path; linkindex.accounts.quotas reads and changes them.
ACCOUNTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    account_id INTEGER PRIMARY KEY,
    access_id TEXT NOT NULL UNIQUE,
    rate_limit INTEGER,
    rate_period TEXT NOT NULL DEFAULT 'second'
);
CREATE TABLE IF NOT EXISTS quotas (
    access_id TEXT NOT NULL,
    path TEXT NOT NULL,
    allotted INTEGER NOT NULL,
    reset TEXT NOT NULL,
    overage INTEGER NOT NULL,
    set_at INTEGER NOT NULL,
    PRIMARY KEY (access_id, path)
);
"""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Credential:
    """What `keys create` shows once: the clear secrets are never stored."""

    access_id: str
    secret_key: str
    token: str
    name: str


@dataclass(frozen=True)
class ApiKey:
    access_id: str
    name: str
    created_at: int
    revoked_at: int | None
    # The key's quotas and rate limit as they were when it was identified: loaded with the
    # credentials (same file, same change check), so a request looks its settings up once.
    account: Account | None = field(default=None, compare=False, repr=False)


class KeyStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._con = ThreadConnections(path, timeout=30)
        self._cache_version: int | None = None
        self._by_access_id: dict[str, tuple[str, ApiKey]] = {}
        self._by_token_hash: dict[str, ApiKey] = {}
        self._cache_lock = threading.Lock()
        # One connection watches for changes: data_version is counted per connection.
        self._watcher = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        con = self._con()
        con.execute("PRAGMA journal_mode = WAL")
        con.execute(SCHEMA)
        con.executescript(ACCOUNTS_SCHEMA)

    def create(self, name: str = "default") -> Credential:
        credential = Credential(
            access_id="linkindex-" + secrets.token_hex(6),
            secret_key=secrets.token_urlsafe(24),
            token=secrets.token_urlsafe(32),
            name=name,
        )
        con = self._con()
        con.execute("BEGIN IMMEDIATE")
        con.execute(
            "INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, NULL)",
            (
                credential.access_id,
                name,
                _digest(credential.secret_key),
                _digest(credential.token),
                int(time.time()),
            ),
        )
        con.execute("INSERT INTO accounts (access_id) VALUES (?)", (credential.access_id,))
        con.execute("COMMIT")
        return credential

    def list(self) -> list[ApiKey]:
        rows = self._con().execute(
            "SELECT access_id, name, created_at, revoked_at FROM api_keys ORDER BY created_at"
        )
        return [ApiKey(*row) for row in rows]

    def revoke(self, access_id: str) -> bool:
        cursor = self._con().execute(
            "UPDATE api_keys SET revoked_at = ? WHERE access_id = ? AND revoked_at IS NULL",
            (int(time.time()), access_id),
        )
        return cursor.rowcount == 1

    def _refresh(self) -> None:
        # data_version changes whenever another connection commits, so a key created or
        # revoked by the CLI is seen by a running server on its next request.
        with self._cache_lock:
            version = self._watcher.execute("PRAGMA data_version").fetchone()[0]
            if version == self._cache_version:
                return
            from linkindex.accounts.quotas import load_accounts  # it builds on this module

            accounts = load_accounts(self._watcher)
            rows = self._watcher.execute(
                "SELECT access_id, name, secret_hash, token_hash, created_at, revoked_at"
                " FROM api_keys WHERE revoked_at IS NULL"
            ).fetchall()
            keys = {r[0]: ApiKey(r[0], r[1], r[4], r[5], accounts.get(r[0])) for r in rows}
            self._by_access_id = {r[0]: (r[2], keys[r[0]]) for r in rows}
            self._by_token_hash = {r[3]: keys[r[0]] for r in rows}
            self._cache_version = version

    def verify_basic(self, access_id: str, secret_key: str) -> ApiKey | None:
        self._refresh()
        found = self._by_access_id.get(access_id)
        # Compare even when the id is unknown, so timing does not tell which part was wrong.
        expected = found[0] if found else _digest("")
        if hmac.compare_digest(expected, _digest(secret_key)) and found:
            return found[1]
        return None

    def active(self, access_id: str) -> ApiKey | None:
        """The key as it is now (its current quotas), already verified by a credential
        earlier; None once revoked."""
        self._refresh()
        found = self._by_access_id.get(access_id)
        return found[1] if found else None

    def verify_token(self, token: str) -> ApiKey | None:
        self._refresh()
        return self._by_token_hash.get(_digest(token))
