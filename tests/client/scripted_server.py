"""A real loopback HTTP server that answers from a script, for the client's retry rules.

linkindex itself never sends 503s on purpose; this server does, so retries can be tested.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int
    body: object
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Script:
    answers: list[Answer]
    requests: list[dict] = field(default_factory=list)


@contextmanager
def scripted_server(*answers: Answer) -> Iterator[tuple[str, Script]]:
    """Yields (base URL, script); each request takes the next answer and is recorded."""
    script = Script(list(answers))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("content-length", 0))
            script.requests.append(
                {"path": self.path, "headers": dict(self.headers),
                 "body": json.loads(self.rfile.read(length) or b"null")}
            )  # fmt: skip
            answer = script.answers.pop(0)
            payload = json.dumps(answer.body).encode()
            self.send_response(answer.status)
            for name, value in {"Content-Type": "application/json", **answer.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", script
    finally:
        server.shutdown()
        server.server_close()
