"""Ingest test helpers: the real fixture files, and WARC/WAT records written with warcio."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zlib
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from linkindex.home import Home
from linkindex.ingest.parts import RECORDS_VERSION

TESTS = Path(__file__).resolve().parent.parent
SAMPLE_DIR = TESTS.parent / "src" / "linkindex" / "data" / "sample"
SAMPLE_IANA = SAMPLE_DIR / "iana.warc.gz"
CC_DIR = TESTS / "data" / "cc"
CC_WARC = CC_DIR / "CC-MAIN-20140820021334-00006-ip-10-180-136-8.ec2.internal.warc"
CC_WAT = CC_DIR / "CC-MAIN-20140820021334-00006-ip-10-180-136-8.ec2.internal.warc.wat"
IANA_ENV = "LINKINDEX_TEST_IANA_WARC"
IANA_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "linkindex-tests"

WARC_DATE = "2024-03-01T12:00:00Z"


def write_warc(path: Path, records: list[dict[str, Any]], gzip: bool = True) -> Path:
    """Write records with warcio; each dict: url, body, and optionally status, headers, type."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=gzip)
        for spec in records:
            rtype = spec.get("type", "response")
            warc_headers = {"WARC-Date": spec.get("date", WARC_DATE)}
            payload = io.BytesIO(spec.get("body", b""))
            if rtype == "metadata":
                record = writer.create_warc_record(
                    spec["url"], "metadata", payload=payload,
                    warc_content_type=spec.get("content_type", "application/json"),
                    warc_headers_dict=warc_headers,
                )  # fmt: skip
            else:
                headers = spec.get("headers", [("Content-Type", "text/html; charset=utf-8")])
                http = StatusAndHeaders(spec.get("status", "200 OK"), headers, protocol="HTTP/1.1")
                record = writer.create_warc_record(
                    spec["url"], rtype, payload=payload, http_headers=http,
                    warc_headers_dict=warc_headers,
                )  # fmt: skip
            writer.write_record(record)
    return path


def wat_json(url: str, links: list[dict[str, Any]], head: dict[str, Any] | None = None,
             status: int = 200, headers: dict[str, str] | None = None,
             warc_type: str = "response", html: bool = True) -> bytes:  # fmt: skip
    """A WAT metadata payload in Common Crawl's layout."""
    response: dict[str, Any] = {
        "Headers": headers or {"Content-Type": "text/html"},
        "Response-Message": {"Status": str(status), "Version": "HTTP/1.1", "Reason": "OK"},
        "Entity-Length": "1234",
    }
    if html:
        response["HTML-Metadata"] = {"Head": head or {}, "Links": links}
    envelope = {
        "Format": "WARC",
        "WARC-Header-Metadata": {
            "WARC-Type": warc_type, "WARC-Target-URI": url, "WARC-Date": WARC_DATE,
        },
        "Payload-Metadata": {"HTTP-Response-Metadata": response},
    }  # fmt: skip
    return json.dumps({"Envelope": envelope}).encode()


def known_inputs(home: Home, crawl: str, count: int) -> None:
    """A manifest of ``count`` inputs ingested before at this version, none of them given now."""
    files = {
        hashlib.sha256(str(i).encode()).hexdigest(): {
            "path": f"/gone/{i}.warc.gz", "complete": True, "records_version": RECORDS_VERSION,
        }
        for i in range(count)
    }  # fmt: skip
    folder = home.crawls / crawl
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"version": 1, "files": files}))


def write_gzip_bomb(path: Path) -> Path:
    """A gzip file of 256 MiB of zeros once decompressed, 255 KB on disk."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    path.write_bytes(b"".join(packer.compress(zeros) for _ in range(256)) + packer.flush())
    return path
