"""Reading a whole list the way a client does: page after page, each from the last row's cursor,
so tests compare every row and every page boundary of two ways of answering."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

PAGE = 2  # small pages, so a short list still crosses several boundaries


def every_page(read: Callable[[Any, int], Sequence]) -> list[tuple]:
    """Every row ``read(after, limit)`` gives, PAGE at a time, following each page's cursor."""
    rows: list[tuple] = []
    after = None
    while True:
        page = read(after, PAGE)
        rows += [tuple(row) for row in page]
        if len(page) < PAGE:
            return rows
        after = page[-1].cursor


def every_page_of(read: Callable[[Any], Sequence], query: Any) -> list[tuple]:
    """The same for a query dataclass with ``after`` and ``limit`` fields."""
    return every_page(lambda after, limit: read(replace(query, after=after, limit=limit)))
