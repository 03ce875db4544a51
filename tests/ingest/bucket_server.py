"""A local mirror of Common Crawl's bucket for the download and --common-crawl tests: a release
folder of generated WARC and WAT files with their path listings, served on 127.0.0.1 with range
requests and a plan of faults (503s, 429 with Retry-After, a connection cut mid-body), slowly
if asked. Nothing here reaches the internet.
"""

from __future__ import annotations

import gzip
import shutil
import threading
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from linkindex.synth import generate
from linkindex.synth.wats import write_wat

RELEASE = "CC-MAIN-2026-05"
SEGMENT = f"crawl-data/{RELEASE}/segments/1769000000000.00"


def gzip_members(data: bytes) -> list[bytes]:
    """The gzip members of ``data`` (a record each in a WARC file), as their own bytes."""
    members = []
    while data:
        member = zlib.decompressobj(wbits=31)
        member.decompress(data)
        rest = member.unused_data
        members.append(data[: len(data) - len(rest)])
        data = rest
    return members


@dataclass
class Bucket:
    root: Path  # the bucket's root: crawl-data/ is in it
    warc: list[str]  # paths of the WARC files, as the listing gives them
    wat: list[str]

    def path(self, listed: str) -> Path:
        return self.root / listed


def make_bucket(root: Path, files: int = 3, seed: int = 5) -> Bucket:
    """A release of ``files`` WARC files (a generated crawl's records dealt round-robin, each
    file opening with its warcinfo) and their WATs, with warc.paths.gz and wat.paths.gz."""
    web = generate(root / "web", seed=seed, root_domains=24, pages_per_domain=6, crawls=1)
    source = next(web.glob("*/*.warc.gz"))
    info, *records = gzip_members(source.read_bytes())
    shutil.rmtree(root / "web")
    release = root / "bucket"
    warcs, wats = [], []
    for i in range(files):
        name = f"CC-MAIN-20260120000000-{i:05d}-synth.warc.gz"
        warc = release / SEGMENT / "warc" / name
        wat = release / SEGMENT / "wat" / f"{name.removesuffix('.gz')}.wat.gz"
        warc.parent.mkdir(parents=True, exist_ok=True)
        wat.parent.mkdir(parents=True, exist_ok=True)
        warc.write_bytes(info + b"".join(records[i::files]))
        write_wat(warc, wat)
        warcs.append(warc.relative_to(release).as_posix())
        wats.append(wat.relative_to(release).as_posix())
    bucket = Bucket(release, warcs, wats)
    write_listings(bucket)
    return bucket


def write_listings(bucket: Bucket, extra: list[str] | None = None) -> None:
    """The release's wat.paths.gz and warc.paths.gz, with ``extra`` paths added to both."""
    for kind, paths in (("warc", bucket.warc), ("wat", bucket.wat)):
        text = "\n".join([*paths, *(extra or [])]) + "\n"
        listing = bucket.root / "crawl-data" / RELEASE / f"{kind}.paths.gz"
        listing.write_bytes(gzip.compress(text.encode(), mtime=0))


@dataclass
class Fault:
    """What one request for a file gets instead of the file: a status (with Retry-After), the
    response cut after ``cut_after`` bytes of its body, or the whole file whatever range was
    asked (``ignore_range``, as servers without range support answer), or the body gzipped
    with Content-Encoding: gzip (``gzip``, as a compressing CDN sends it whatever it is asked)."""

    status: int | None = None
    retry_after: str | None = None
    cut_after: int | None = None
    ignore_range: bool = False
    gzip: bool = False


@dataclass
class BucketServer:
    root: Path
    faults: dict[str, list[Fault]] = field(default_factory=lambda: defaultdict(list))
    requests: list[tuple[str, str | None, int]] = field(default_factory=list)  # path, Range, status
    accept_encodings: list[str | None] = field(default_factory=list)  # each request's header
    bytes_per_second: int | None = None  # a slow server, for killing a client mid-file
    sent: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # body bytes a file
    url: str = ""
    _server: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, listed: str, *faults: Fault) -> None:
        """Serve ``listed`` with these faults, one a request, before serving it right."""
        self.faults[listed].extend(faults)

    def requests_for(self, listed: str) -> list[tuple[str | None, int]]:
        return [(r, s) for p, r, s in self.requests if p == listed]

    def start(self) -> BucketServer:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_fault(self, listed: str) -> Fault | None:
        with self._lock:
            queue = self.faults.get(listed)
            return queue.pop(0) if queue else None

    def _log(self, listed: str, range_header: str | None, status: int) -> None:
        with self._lock:
            self.requests.append((listed, range_header, status))


def _handler(bucket: BucketServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            listed = self.path.lstrip("/")
            range_header = self.headers.get("Range")
            bucket.accept_encodings.append(self.headers.get("Accept-Encoding"))
            fault = bucket._next_fault(listed)
            if fault is not None and fault.status is not None:
                bucket._log(listed, range_header, fault.status)
                self.send_response(fault.status)
                if fault.retry_after is not None:
                    self.send_header("Retry-After", fault.retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = bucket.root / listed
            if not path.is_file():
                bucket._log(listed, range_header, 404)
                self.send_error(404)
                return
            data = path.read_bytes()
            start, status = 0, 200
            ranged = fault is None or not fault.ignore_range
            if ranged and range_header and range_header.startswith("bytes="):
                start = int(range_header[6:].split("-")[0])
                if start >= len(data):
                    bucket._log(listed, range_header, 416)
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = 206
            bucket._log(listed, range_header, status)
            body = data[start:]
            self.send_response(status)
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            if fault is not None and fault.gzip:
                body = gzip.compress(body, mtime=0)
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if fault is not None and fault.cut_after is not None:
                body = body[: fault.cut_after]
            self._send(listed, body)
            if fault is not None and fault.cut_after is not None:
                self.close_connection = True

        def _send(self, listed: str, body: bytes) -> None:
            rate = bucket.bytes_per_second
            step = max(1, rate // 20) if rate else len(body) or 1
            try:
                for at in range(0, len(body), step):
                    self.wfile.write(body[at : at + step])
                    with bucket._lock:
                        bucket.sent[listed] += len(body[at : at + step])
                    if rate:
                        self.wfile.flush()
                        time.sleep(step / rate)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client went away (a test killed it)

    return Handler
