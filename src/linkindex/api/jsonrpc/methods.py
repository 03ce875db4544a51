"""One JSON-RPC method: its name, params type, handler, and the quota path and rows it bills.

`Context` is what a handler gets besides its decoded params: the server state and the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec
from starlette.datastructures import State

from linkindex.accounts.keys import ApiKey
from linkindex.api.jsonrpc.errors import NO_INDEX, RpcError
from linkindex.index.snapshot import NoSnapshot, Snapshot


@dataclass(frozen=True)
class Context:
    state: State
    key: ApiKey

    def snapshot(self) -> Snapshot:
        try:
            return self.state.snapshots.get()
        except NoSnapshot as exc:
            message = "No index has been built yet: run `linkindex build` on the server"
            raise RpcError(NO_INDEX, 503, exc.public or message) from exc


class NoParams(msgspec.Struct, forbid_unknown_fields=True):
    """An empty object: the method takes no parameters."""


@dataclass(frozen=True)
class Method:
    """``rows(data, result)`` is the rows an answered call bills; ``quota_path`` None = free.

    With ``quota_in_result`` the quota object after the charge is the result's first key
    (seed 001's Brand Authority Fetch shape).
    """

    name: str
    params: type
    handler: Callable[[Context, Any], dict[str, Any]]
    quota_path: str | None = None
    rows: Callable[[Any, dict[str, Any]], int] = lambda data, result: 1
    quota_in_result: bool = False
    params_optional: bool = False
    # The path a call is billed on later, off the request (Async: when its worker runs it).
    deferred_quota_path: str | None = None

    @property
    def summary(self) -> str:
        return (self.handler.__doc__ or "").strip().splitlines()[0]
