"""Real crawls, checked against an independent reading: warcio + the stdlib HTML parser.

The expected values never come from linkindex.ingest's own code.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from ingest_helpers import CC_WARC
from warcio.archiveiterator import ArchiveIterator as WarcioIterator

from linkindex.home import Home
from linkindex.ingest import extract, read_records, run_ingest
from linkindex.ingest.reader import HttpCapture
from linkindex.urls import BadURL, canonicalize


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        first: dict[str, str] = {}
        for name, value in attrs:
            first.setdefault(name, value or "")
        if tag in ("a", "area") and "href" in first:
            self.hrefs.append(first["href"])
        elif tag == "link" and "canonical" in first.get("rel", "").lower().split():
            self.hrefs.append(first.get("href", ""))
        elif tag == "base" and "href" in first and self.base is None:
            self.base = first["href"]


def _target(href: str, base: str) -> str | None:
    href = href.strip()
    scheme, colon, _ = href.partition(":")
    if colon and scheme.isalpha() and scheme.lower() not in ("http", "https"):
        return None
    try:
        return canonicalize(urljoin(base, href)).url
    except (BadURL, ValueError):
        return None


Captures = list[tuple[str, Counter[str]]]


def reference(path: Path) -> Captures:
    """(canonical page URL, multiset of canonical link targets) per capture, in file order.

    Read without linkindex.ingest.
    """
    pages: Captures = []
    with open(path, "rb") as stream:
        for record in WarcioIterator(stream):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            try:
                page = canonicalize(url).url
            except BadURL:
                continue
            status = int(record.http_headers.get_statuscode() or 0)
            location = record.http_headers.get_header("Location")
            body = record.content_stream().read()
            if 300 <= status < 400 and location:
                target = _target(location, url)
                pages.append((page, Counter([target] if target else [])))
                continue
            content_type = (record.http_headers.get_header("Content-Type") or "").lower()
            if "html" not in content_type:
                pages.append((page, Counter()))
                continue
            parser = _Links()
            parser.feed(body.decode("utf-8", errors="replace"))
            base = urljoin(url, parser.base) if parser.base else url
            pages.append((page, Counter(t for t in (_target(h, base) for h in parser.hrefs) if t)))
    return pages


def ours(path: Path) -> Captures:
    pages: Captures = []
    for record, _ in read_records(path):
        if isinstance(record, HttpCapture):
            out = extract(record)
            if out.page is not None:
                pages.append((out.page.url, Counter(link.target_url for link in out.links)))
    return pages


@pytest.mark.parametrize("which", ["cc", "iana"])
def test_links_of_real_crawls_match_an_independent_reading(which, request):
    path = CC_WARC if which == "cc" else request.getfixturevalue("iana_warc")
    expected, got = reference(path), ours(path)
    assert [page for page, _ in got] == [page for page, _ in expected]
    for (page, targets), (_, expected_targets) in zip(got, expected, strict=True):
        assert targets == expected_targets, page
    assert sum(sum(targets.values()) for _, targets in got) > 0


def test_iana_counts_match_an_independent_count(iana_warc, tmp_path):
    expected = reference(iana_warc)
    records = Counter()
    with open(iana_warc, "rb") as stream:
        for record in WarcioIterator(stream):
            records[record.rec_type] += 1
    summary = run_ingest([iana_warc], Home(tmp_path), progress=False)
    assert summary.records == sum(records.values()) == 343
    assert summary.pages == len(expected) == records["response"] == 48
    assert summary.links == sum(sum(targets.values()) for _, targets in expected)
    assert summary.skipped["revisit"] == records["revisit"]
    assert summary.failed_files == []
