"""The Link Explorer's CSV exports in-process (docs/explorer.md, "CSV exports"): a ticket asked
for with the key and checked as the endpoint checks its request, then the whole list streamed
as CSV, each page billed as that endpoint's call, within the key's quota."""

from __future__ import annotations

import asyncio
import base64
import csv
import inspect
import io
import time

import pytest
from indexed import build_a_newer_index, serve_web
from web import crafted_web

from linkindex.accounts.keys import Credential, KeyStore
from linkindex.accounts.quotas import DATA_ROWS, AccountStore, QuotaPolicy, RateLimit
from linkindex.api.exports import routes, stream
from linkindex.api.exports.cells import cell, js_number
from linkindex.api.exports.tables import csv_lines

TARGET = "t.com/"
LRD = {"target": TARGET, "target_scope": "root_domain"}  # 51 rows: two pages of 50


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_web(tmp_path_factory, "exports", crafted_web)


@pytest.fixture
def own_server(tmp_path_factory):
    """A server of its own, for a test that publishes a new index."""
    yield from serve_web(tmp_path_factory, "exports-new-index", crafted_web)


@pytest.fixture
def key(server) -> Credential:
    """A new key, so a test's usage and tickets are its own."""
    return KeyStore(server.home.state / "keys.sqlite").create("exports")


def bearer(key: Credential) -> dict[str, str]:
    """The Link Explorer's header: Bearer base64(access_id:secret_key)."""
    pair = f"{key.access_id}:{key.secret_key}".encode()
    return {"Authorization": "Bearer " + base64.b64encode(pair).decode()}


def ask(server, key: Credential | None, endpoint: str, request: dict, **body):
    headers = bearer(key) if key else {}
    return server.http.post(
        f"{server.base_url}/explorer/exports",
        json={"endpoint": endpoint, "request": request, **body},
        headers=headers,
        timeout=30,
    )


def ticket(server, key: Credential, endpoint: str = "linking_root_domains", request=LRD) -> str:
    answer = ask(server, key, endpoint, request)
    assert answer.status_code == 200, answer.text
    return answer.json()["url"]


def follow(server, url: str, **kwargs):
    return server.http.get(f"{server.base_url}{url}", timeout=30, **kwargs)


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def used(server, key: Credential) -> int:
    answer = server.post("usage_data", {}, auth=(key.access_id, key.secret_key))
    return answer.json()["rows_consumed"]


def set_quota(server, key: Credential, allotted: int) -> None:
    accounts = AccountStore(server.home.state / "keys.sqlite")
    accounts.set_quota(key.access_id, DATA_ROWS, QuotaPolicy(allotted, "month", False))


def spend(server, key: Credential, rows: int) -> None:
    """Rows billed to the key by another call of its own."""
    state = server.app.state
    state.meter.charge(state.key_store.active(key.access_id), DATA_ROWS, rows)


def asgi_messages(app, path: str, on_send=None, timeout: float = 60) -> list[dict]:
    """What the app sends for GET `path`, message by message (`on_send(message)` hears each
    as it goes, and may hold the send back by returning an awaitable): a response that ends
    unfinished has no last body message with more_body false, and the server then drops the
    connection mid-body. TimeoutError when the app has not answered within `timeout` s."""
    sent: list[dict] = []

    async def go() -> None:
        requested = False
        never = asyncio.Event()

        async def receive() -> dict:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await never.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)
            held = on_send(message) if on_send is not None else None
            if inspect.isawaitable(held):
                await held

        scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
                 "http_version": "1.1", "method": "GET", "scheme": "http", "path": path,
                 "raw_path": path.encode(), "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 1),
                 "server": ("testserver", 80)}  # fmt: skip
        await asyncio.wait_for(app(scope, receive, send), timeout)

    asyncio.run(go())
    return sent


def finished(messages: list[dict]) -> bool:
    last = messages[-1]
    return last["type"] == "http.response.body" and not last.get("more_body", False)


def body_of(messages: list[dict]) -> str:
    return b"".join(
        m.get("body", b"") for m in messages if m["type"] == "http.response.body"
    ).decode()


def test_an_export_is_the_endpoints_whole_list_as_a_csv_file(server, key):
    answer = follow(server, ticket(server, key))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == (
        'attachment; filename="linking-root-domains-t.com_-root_domain.csv"'
    )
    exported = rows_of(answer.text)
    every = server.all_pages("linking_root_domains", **LRD, limit=50)
    assert len(exported) == len(every) == 51
    for row, result in zip(exported, every, strict=True):
        flat = {**result, **result["to_target"]}
        assert row["root_domain"] == flat["root_domain"]
        counts = set(row) - {"root_domain", "date_gained", "date_lost"}
        assert {f: float(row[f]) for f in counts} == {f: float(flat[f]) for f in counts}
        assert row["date_gained"] == row["date_lost"] == ""  # given only with a date sort


def test_a_date_sorted_export_carries_the_dates_the_api_gives(server, key):
    request = {**LRD, "sort": "date_gained", "filter": "external+gained_last_60_days"}
    exported = rows_of(follow(server, ticket(server, key, request=request)).text)
    every = server.all_pages("linking_root_domains", **request, limit=50)
    assert exported and len(exported) == len(every)
    assert [row["date_gained"] for row in exported] == [r["date_gained"] for r in every]
    assert all(row["date_gained"] for row in exported)


def test_the_rows_billed_are_the_rows_streamed(server, key):
    before = used(server, key)
    exported = rows_of(follow(server, ticket(server, key)).text)
    assert used(server, key) - before == len(exported) == 51


def test_asking_for_a_ticket_takes_the_key(server, key):
    for headers in ({}, {"Authorization": "Bearer not-a-key"}):
        answer = server.http.post(
            f"{server.base_url}/explorer/exports",
            json={"endpoint": "linking_root_domains", "request": LRD},
            headers=headers,
        )
        assert answer.status_code == 401
        assert answer.json()["name"] == "Unauthorized"
    assert ask(server, key, "linking_root_domains", LRD).status_code == 200


def test_a_ticket_is_followed_once(server, key):
    url = ticket(server, key)
    assert follow(server, url).status_code == 200
    again = follow(server, url)
    assert again.status_code == 404
    assert again.json()["message"].startswith("No such export")


def test_a_ticket_expires(server, key):
    url = ticket(server, key)
    tickets = server.app.state.export_tickets
    tickets.clock = lambda: time.time() + tickets.lifetime + 1
    try:
        assert follow(server, url).status_code == 404
    finally:
        tickets.clock = time.time


def test_a_ticket_belongs_to_the_key_that_asked_and_bills_it(server, key):
    other = KeyStore(server.home.state / "keys.sqlite").create("other")
    url = ticket(server, key)
    assert follow(server, url, headers=bearer(other)).status_code == 404
    before = used(server, key)
    assert follow(server, url).status_code == 200  # the other key's try did not use it up
    assert used(server, key) - before == 51
    assert used(server, other) == 0


def test_a_ticket_of_a_key_revoked_since_is_a_401(server, key):
    url = ticket(server, key)
    KeyStore(server.home.state / "keys.sqlite").revoke(key.access_id)
    answer = follow(server, url)
    assert answer.status_code == 401
    assert answer.json()["name"] == "Unauthorized"


def test_a_guessed_ticket_is_no_export(server):
    assert follow(server, "/explorer/exports/" + "A" * 43).status_code == 404


@pytest.mark.parametrize(
    ("endpoint", "request_body"),
    [
        ("linking_root_domains", {"target": TARGET, "sort": "nope"}),
        ("linking_root_domains", {"target": TARGET, "limit": "5"}),
        ("linking_root_domains", {"target": TARGET, "filter": "external+follow+nofollow"}),
        ("links", {"target": TARGET, "unknown": 1}),
        ("links", {"target": "http://"}),
        ("top_pages", {"target": TARGET, "scope": "page", "target_scope": "root_domain"}),
        ("anchor_text", {"target": ""}),
    ],
)
def test_a_bad_request_gets_its_endpoints_400(server, key, endpoint, request_body):
    answer = ask(server, key, endpoint, request_body)
    direct = server.post(endpoint, request_body)
    assert direct.status_code == 400
    assert (answer.status_code, answer.json()) == (400, direct.json())


def test_an_unknown_list_or_a_next_token_is_a_400(server, key):
    unknown = ask(server, key, "url_metrics", {"targets": [TARGET]})
    assert unknown.status_code == 400
    assert (
        "Valid values: linking_root_domains, links, anchor_text, top_pages"
        in (unknown.json()["message"])
    )
    token = server.post("linking_root_domains", {**LRD, "limit": 5}).json()["next_token"]
    resumed = ask(server, key, "linking_root_domains", {**LRD, "next_token": token})
    assert resumed.status_code == 400
    assert "without next_token" in resumed.json()["message"]


def test_an_export_the_quota_cannot_pay_for_is_refused_before_any_row(server, key):
    set_quota(server, key, 50)
    answer = ask(server, key, "linking_root_domains", LRD)
    assert answer.status_code == 429
    assert answer.json()["message"].startswith(
        "Quota too small for this export: the list has 51 rows and this key has 50 of 50 rows"
    )
    assert int(answer.headers["retry-after"]) >= 1
    assert used(server, key) == 0
    set_quota(server, key, 51)  # just enough
    assert len(rows_of(follow(server, ticket(server, key)).text)) == 51


def test_a_quota_used_up_mid_stream_ends_the_response_unfinished(server, key, caplog):
    set_quota(server, key, 60)
    url = ticket(server, key)
    spend(server, key, 20)  # another call: 40 rows left, the first page of 50 still starts
    messages = asgi_messages(server.app, url)
    assert messages[0]["status"] == 200
    assert not finished(messages)
    assert len(rows_of(body_of(messages))) == 50
    assert used(server, key) == 20 + 50  # the rows sent, billed as the API bills a page
    assert "after 50 rows: Quota exhausted" in caplog.text


def test_a_new_index_mid_stream_ends_the_response_unfinished(own_server, caplog):
    """The next_token of a replaced index is a 410 (docs/api.md): the rest of the list is
    gone, and a file of the old index's first rows is no export of either."""
    url = ticket(own_server, own_server.credential)

    published: list[bool] = []

    def publish_after_the_first_rows(message: dict) -> None:
        if message.get("body") and not published:
            published.append(True)
            build_a_newer_index(own_server)

    messages = asgi_messages(own_server.app, url, publish_after_the_first_rows)
    assert not finished(messages)
    assert len(rows_of(body_of(messages))) == 50
    assert "after 50 rows: The next token has expired" in caplog.text


def test_an_export_holds_at_most_the_row_cap(server, key, monkeypatch):
    monkeypatch.setattr(stream, "ROW_CAP", 30)  # the API's 10,000, made small
    before = used(server, key)
    exported = rows_of(follow(server, ticket(server, key)).text)
    every = server.all_pages("linking_root_domains", **LRD, limit=50)
    assert [r["root_domain"] for r in exported] == [r["root_domain"] for r in every[:30]]
    assert used(server, key) - before == 30


def test_a_rate_limited_key_is_paced_not_refused(server, key):
    AccountStore(server.home.state / "keys.sqlite").set_rate_limit(
        key.access_id, RateLimit(1, "second")
    )
    url = ticket(server, key)  # the ticket is one call; each page of the export is another
    started = time.monotonic()
    exported = rows_of(follow(server, url).text)
    assert len(exported) == 51
    assert time.monotonic() - started >= 1.0  # waited for its turn at least once


def test_a_key_holds_a_few_tickets_at_once(server, key):
    held = server.app.state.export_tickets.per_key
    for _ in range(held):
        ticket(server, key)
    refused = ask(server, key, "linking_root_domains", LRD)
    assert refused.status_code == 429
    assert refused.json()["message"].startswith("Too many export tickets")


def test_a_head_request_bills_nothing_and_leaves_the_ticket(server, key):
    url = ticket(server, key)
    before = used(server, key)
    answer = server.http.head(f"{server.base_url}{url}", timeout=30)
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET"
    assert used(server, key) == before
    assert len(rows_of(follow(server, url).text)) == 51


def test_the_export_paths_say_their_own_methods(server, key):
    asking = server.http.get(f"{server.base_url}/explorer/exports", headers=bearer(key))
    assert (asking.status_code, asking.headers["allow"]) == (405, "POST")
    assert asking.json()["message"] == routes.ASK_NOT_ALLOWED
    following = server.http.post(f"{server.base_url}{ticket(server, key)}", json={})
    assert (following.status_code, following.headers["allow"]) == (405, "GET")
    assert following.json()["message"] == routes.FOLLOW_NOT_ALLOWED


def test_a_request_nested_too_deeply_is_a_400(server, key):
    nested = b"[" * 5000 + b"]" * 5000
    answer = server.http.post(
        f"{server.base_url}/explorer/exports",
        data=b'{"endpoint": "links", "request": ' + nested + b"}",
        headers={**bearer(key), "Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("Request body nests too deeply")


def test_too_many_exports_at_once_leaves_the_ticket_for_a_retry(server, key):
    url = ticket(server, key)
    running = server.app.state.running_exports
    holds = [running.open(key.access_id) for _ in range(running.per_key)]
    busy = follow(server, url)
    assert busy.status_code == 429
    assert busy.json()["message"].startswith("Too many exports at once")
    for release in holds:
        release()
    assert len(rows_of(follow(server, url).text)) == 51


def test_a_quota_used_up_before_the_follow_leaves_the_ticket_for_a_retry(server, key):
    set_quota(server, key, 60)
    url = ticket(server, key)
    spend(server, key, 60)
    refused = follow(server, url)
    assert refused.status_code == 429
    assert refused.json()["message"].startswith("Quota exhausted")
    set_quota(server, key, 120)
    assert len(rows_of(follow(server, url).text)) == 51


def test_a_rate_limit_past_the_deadline_leaves_the_ticket_for_a_retry(server, key, monkeypatch):
    accounts = AccountStore(server.home.state / "keys.sqlite")
    accounts.set_rate_limit(key.access_id, RateLimit(1, "minute"))
    monkeypatch.setattr(stream, "EXPORT_SECONDS", 1)  # the minute's wait would pass it
    url = ticket(server, key)  # the minute's one call
    refused = follow(server, url)
    assert refused.status_code == 429
    accounts.set_rate_limit(key.access_id, None)
    assert len(rows_of(follow(server, url).text)) == 51


def test_a_client_that_stops_reading_is_cut_off_at_the_deadline(server, key, monkeypatch):
    monkeypatch.setattr(stream, "EXPORT_SECONDS", 1)
    url = ticket(server, key)

    async def stop_reading(message: dict) -> None:
        if message.get("body"):
            await asyncio.Event().wait()  # a paused download: the send never returns

    messages = asgi_messages(server.app, url, stop_reading, timeout=10)
    assert messages[0]["status"] == 200
    assert not finished(messages)
    assert key.access_id not in server.app.state.running_exports.held


def test_tickets_promise_their_rows_of_the_quota(server, key):
    set_quota(server, key, 60)
    ticket(server, key)  # 51 rows of the 60
    refused = ask(server, key, "linking_root_domains", LRD)
    assert refused.status_code == 429
    assert refused.json()["message"].startswith(
        "Quota too small for this export: the list has more than 50 rows and this key has 60 of 60"
        " rows left on api.limits.data.rows, 51 of them promised to its export tickets"
    )


def test_a_key_at_its_tickets_is_refused_before_its_list_is_read(server, key, monkeypatch):
    set_quota(server, key, 1000)  # under the row cap: a ticket's list would be counted
    for _ in range(server.app.state.export_tickets.per_key):
        ticket(server, key)
    pages: list[str | None] = []

    def read_page(*args):
        pages.append(args[3])
        return stream.read_page(*args)

    monkeypatch.setattr(routes, "read_page", read_page)
    refused = ask(server, key, "linking_root_domains", LRD)
    assert refused.status_code == 429
    assert refused.json()["message"].startswith("Too many export tickets")
    assert pages == []


def test_text_a_spreadsheet_would_run_as_a_formula_is_escaped():
    for text in ('=HYPERLINK("http://x/?"&A2,"y")', "+1", "-a", "@SUM(1)", "\tx", "\rx"):
        assert cell(text) == "'" + text
    for text in ("plain", "a=b", "", " =x"):
        assert cell(text) == text
    assert [cell(-1), cell(0), cell(-0.5)] == ["-1", "0", "-0.5"]  # numbers as they are


def test_cells_are_written_as_the_pages_javascript_wrote_them():
    assert [cell(True), cell(False), cell(None)] == ["true", "false", ""]
    cases = {0.5: "0.5", 2.0: "2", 1e21: "1e+21", 1.5e-7: "1.5e-7", 0.000001: "0.000001",
             123456789.125: "123456789.125", 1e-5: "0.00001",
             0.1 + 0.2: "0.30000000000000004"}  # fmt: skip
    assert {value: js_number(value) for value in cases} == cases


def test_csv_cells_are_quoted_as_rfc_4180_says():
    assert csv_lines([["a,b", 'say "hi"', "line\nbreak", "plain"]]) == (
        b'"a,b","say ""hi""","line\nbreak",plain\r\n'
    )
