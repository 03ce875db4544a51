"""Links API V2's next_token: opening one (410 once expired, 400 when foreign) and issuing the
next from a page of a list (api/lists/).
"""

from __future__ import annotations

from starlette.datastructures import State

from linkindex.api.errors import TOKEN_EXPIRED, ApiError
from linkindex.api.lists import Page
from linkindex.api.params import bad_request
from linkindex.api.tokens import TokenExpired, TokenInvalid
from linkindex.index.snapshot import Snapshot


def open_next_token(
    state: State, snapshot: Snapshot, token: str | None, fingerprint: bytes
) -> tuple[tuple | None, int]:
    """(cursor, results served) of a next_token; (None, 0) without one."""
    if not token:
        return None, 0
    try:
        continuation = state.tokens.open(token, snapshot.index_id, fingerprint)
    except TokenExpired as exc:
        raise ApiError(410, TOKEN_EXPIRED) from exc
    except TokenInvalid as exc:
        raise bad_request(str(exc)) from exc
    return continuation.cursor, continuation.served


def next_token(state: State, snapshot: Snapshot, fingerprint: bytes, page: Page) -> str:
    """The token of the page after ``page``; "" when it was the last."""
    if page.cursor is None:
        return ""
    return state.tokens.issue(snapshot.index_id, fingerprint, page.cursor, page.served)
