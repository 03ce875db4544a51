"""Resource limits on a real `linkindex serve` (docs/api.md, "Resource limits"): what only a real
connection shows. The request head is read by the server before any ASGI code, so its size and
time are limited there; raw sockets send what no HTTP client library would.
"""

from __future__ import annotations

import base64
import socket

import pytest

from linkindex.home import Home

# Short timeouts keep the tests quick; the tests assert answers, never durations.
LIMITS_ENV = {"LINKINDEX_LIMIT_HEADER_TIMEOUT": "0.5", "LINKINDEX_LIMIT_BODY_TIMEOUT": "0.5"}
CLIENT_WAIT_SECONDS = 20  # far past the server's timeouts: only a missing answer waits this long


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from live_server import start_server, stop_server

    server = start_server(Home(tmp_path_factory.mktemp("limits") / "home"), LIMITS_ENV)
    yield server
    stop_server(server)


def address(server) -> tuple[str, int]:
    host, port = server.base_url.removeprefix("http://").split(":")
    return host, int(port)


def basic(server) -> bytes:
    pair = f"{server.credential.access_id}:{server.credential.secret_key}".encode()
    return b"Authorization: Basic " + base64.b64encode(pair) + b"\r\n"


def exchange(server, data: bytes, then_send: bytes = b"") -> bytes:
    """Send `data` (and `then_send` for as long as the server reads it), then read until the
    server closes the connection; b"" plus what came if it never does."""
    with socket.create_connection(address(server)) as sock:
        sock.settimeout(CLIENT_WAIT_SECONDS)
        try:
            sock.sendall(data)
            sent = 0
            while sent < len(then_send):  # stops when the server closes on us
                sent += sock.send(then_send[sent : sent + (1 << 20)])
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
        except TimeoutError:
            return b"no close: " + answer
        return answer


def peak_rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_an_oversized_header_is_a_431_before_the_server_buffers_it(server):
    before = peak_rss_bytes(server.process.pid)
    head = b"POST /v2/index_metadata HTTP/1.1\r\nHost: test\r\nX-Padding: "
    answer = exchange(server, head, b"a" * (64 << 20) + b"\r\n\r\n")
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 431 Request Header Fields Too Large"
    assert b"connection: close" in rest.lower()
    assert rest.endswith(
        b'{"status":431,"name":"Request Header Fields Too Large","message":"Request header fields'
        b' too large: send at most 16384 bytes of request line and headers"}'
    )
    # 64 MB were offered; the server read at most the cap and one read past it.
    assert peak_rss_bytes(server.process.pid) - before < 16 << 20


def test_an_oversized_header_to_json_rpc_is_a_json_rpc_error(server):
    answer = exchange(server, b"POST /jsonrpc HTTP/1.1\r\nX-Padding: " + b"a" * 20000 + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert b'"error":{"code":-32600,"status":431,' in answer


def test_headers_that_never_end_are_a_408_and_the_connection_closes(server):
    answer = exchange(server, b"POST /v2/index_metadata HTTP/1.1\r\nHost: test\r\nX-Slow: ")
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert answer.endswith(b'send the request line and headers within 0.5 seconds"}')


def test_a_body_that_never_ends_is_a_408_and_the_connection_closes(server):
    head = b"POST /v2/url_metrics HTTP/1.1\r\nHost: test\r\n" + basic(server)
    answer = exchange(server, head + b"Content-Length: 100\r\n\r\n" + b'{"targets": [')
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert answer.endswith(
        b'"message":"Request timeout: send the whole request body within 0.5 seconds"}'
    )


def test_a_body_trickling_after_its_answer_does_not_hold_the_connection(server):
    # No credentials: the 401 goes out before the body is read; the rest of the body must come
    # within the header timeout, however slowly it keeps coming.
    head = b"POST /v2/url_metrics HTTP/1.1\r\nHost: test\r\nContent-Length: 1000000\r\n\r\n"
    with socket.create_connection(address(server)) as sock:
        sock.sendall(head + b'{"targets": [')
        answer = b""
        closed = False
        for _ in range(60):  # a byte of body at a time, while the server reads it
            sock.settimeout(0.2)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                chunk = None
            except ConnectionResetError:
                chunk = b""
            if chunk == b"":
                closed = True
                break
            answer += chunk or b""
            try:
                sock.sendall(b"a")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
    assert answer.startswith(b"HTTP/1.1 401 Unauthorized\r\n")
    assert closed


def test_a_client_that_goes_away_mid_body_is_one_line_in_the_log(tmp_path):
    from live_server import start_server, stop_server

    server = start_server(Home(tmp_path / "home"))
    try:
        head = b"POST /v2/url_metrics HTTP/1.1\r\nHost: test\r\n" + basic(server)
        for _ in range(3):  # each sends part of its body, then goes away
            with socket.create_connection(address(server)) as sock:
                sock.sendall(head + b"Content-Length: 100\r\n\r\n" + b'{"targets": [')
        # A later request answered: the server has taken up the earlier connections.
        assert server.post("usage_data", {}).status_code == 200
    finally:
        stop_server(server)
    log = server.process.stderr.read().decode()
    lines = [line for line in log.splitlines() if "disconnected" in line]
    assert len(lines) == 3, log
    assert lines[0].startswith("client 127.0.0.1:")
    assert lines[0].endswith("disconnected before sending its whole request: POST /v2/url_metrics")
    assert "Traceback" not in log
