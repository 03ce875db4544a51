"""What Links API V2 and the JSON-RPC Moz API share per list family: validated parameters in,
one Snapshot query, a page of rows and the cursor its continuation token carries.

Each protocol keeps its own parameter names, errors, tokens' wire form and response shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from linkindex.urls import Scope


class _Keyed(Protocol):
    @property
    def cursor(self) -> tuple: ...


@dataclass(frozen=True)
class ListParams:
    """What every list asks after its protocol checked the request: a target and a sort."""

    scope: Scope
    target: str  # the target's key at scope
    sort: str


T = TypeVar("T")
K = TypeVar("K", bound=_Keyed)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, where the next page starts and how many were served."""

    rows: list[T]
    cursor: tuple | None  # None: this is the last page
    served: int  # what the next token carries (results served so far, for the result cap)


def take_page(rows: Sequence[K], limit: int, served: int | None = 0) -> Page[K]:
    """The first ``limit`` of ``rows`` (fetched with limit + 1 to see whether more follow).

    ``served`` is what came before this page, or None for lists that do not count it.
    """
    more, page = len(rows) > limit, list(rows[:limit])
    carried = 0 if served is None else served + len(page)
    return Page(page, page[-1].cursor if more else None, carried)
