"""Real crawls, checked against an independent reading: warcio + the stdlib HTML parser.

The expected values never come from linkindex.ingest's own code.
"""

from __future__ import annotations

import gc
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urljoin

import pytest
from ingest_helpers import CC_WARC, CC_WAT, SAMPLE_DIR
from warcio.archiveiterator import ArchiveIterator as WarcioIterator

from linkindex.home import Home
from linkindex.ingest import extract, read_records, run_ingest
from linkindex.ingest.reader import HttpCapture
from linkindex.urls import BadURL, canonicalize

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr", "param", "keygen"}  # fmt: skip
_NAV = {"nav", "header", "footer", "menu"}
_HIDDEN = {"script", "style", "noscript", "template"}


class _Links(HTMLParser):
    """hrefs (with whether they sit in a navigation container), base, visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[tuple[str, bool]] = []
        self.base: str | None = None
        self.contact_links = 0
        self.text: list[str] = []
        self.open: list[tuple[str, bool]] = []  # open elements: (tag, is a navigation container)
        self.after_pre = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        first: dict[str, str] = {}
        for name, value in attrs:
            first.setdefault(name, value or "")
        is_nav = tag in _NAV or "navigation" in first.get("role", "").lower().split()
        in_nav = is_nav or any(nav for _, nav in self.open)
        if tag in ("a", "area") and "href" in first:
            href = first["href"]
            if href.lstrip().lower().startswith(("mailto:", "tel:")):
                self.contact_links += 1
            self.hrefs.append((href, in_nav))
        elif tag == "link" and "canonical" in first.get("rel", "").lower().split():
            self.hrefs.append((first.get("href", ""), False))
        elif tag == "base" and "href" in first and self.base is None:
            self.base = first["href"]
        if tag not in _VOID:
            self.open.append((tag, is_nav))
        # The HTML Standard drops a newline right after <pre>, <listing> and <textarea>.
        self.after_pre = tag in ("pre", "listing", "textarea")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.open and self.open[-1][0] == tag:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        # Closes the innermost open element of that name and everything opened inside it.
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                return

    def handle_data(self, data: str) -> None:
        if self.after_pre and data.startswith("\n"):
            data = data[1:]
        self.after_pre = False
        if not any(tag in _HIDDEN for tag, _ in self.open):
            self.text.append(data)

    def text_chars(self) -> int:
        return len(" ".join("".join(self.text).split()))


def _target(href: str, base: str) -> str | None:
    href = href.strip()
    scheme, colon, _ = href.partition(":")
    if colon and scheme.isalpha() and scheme.lower() not in ("http", "https"):
        return None
    try:
        return canonicalize(urljoin(base, href)).url
    except (BadURL, ValueError):
        return None


class Capture(NamedTuple):
    page: str
    links: Counter[tuple[str, bool]]  # (canonical target, in_nav)
    contact_links: int | None
    text_chars: int | None


Captures = list[Capture]


def reference(path: Path) -> Captures:
    """Per capture, in file order: canonical page URL, multiset of (canonical link target,
    in_nav), contact links and visible text length.

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
                pages.append(
                    Capture(page, Counter([(target, False)] if target else []), None, None)
                )
                continue
            content_type = (record.http_headers.get_header("Content-Type") or "").lower()
            if "html" not in content_type:
                pages.append(Capture(page, Counter(), None, None))
                continue
            parser = _Links()
            parser.feed(body.decode("utf-8", errors="replace"))
            parser.close()
            base = urljoin(url, parser.base) if parser.base else url
            links = Counter(
                (target, in_nav)
                for target, in_nav in ((_target(h, base), in_nav) for h, in_nav in parser.hrefs)
                if target
            )
            pages.append(Capture(page, links, parser.contact_links, parser.text_chars()))
    return pages


def ours(path: Path) -> Captures:
    pages: Captures = []
    for record, _ in read_records(path):
        if isinstance(record, HttpCapture):
            out = extract(record)
            if out.page is not None:
                links = Counter((link.target_url, link.in_nav) for link in out.links)
                pages.append(
                    Capture(out.page.url, links, out.page.contact_links, out.page.text_chars)
                )
    return pages


def _path(which: str, request: pytest.FixtureRequest) -> Path:
    if which == "cc":
        return CC_WARC
    if which == "iana":
        return request.getfixturevalue("iana_warc")
    return SAMPLE_DIR / f"{which}.warc.gz"


# The bundled docs-sphinx and docs-postgresql add modern layouts (<header>, <nav>,
# role=navigation), mailto: links and <pre> blocks; the other sample files match too (slower).
@pytest.mark.parametrize("which", ["cc", "iana", "docs-sphinx", "docs-postgresql"])
def test_links_of_real_crawls_match_an_independent_reading(which, request):
    path = _path(which, request)
    expected, got = reference(path), ours(path)
    assert [c.page for c in got] == [c.page for c in expected]
    for ours_, theirs in zip(got, expected, strict=True):
        assert ours_.links == theirs.links, ours_.page
        assert ours_.contact_links == theirs.contact_links, ours_.page
        assert ours_.text_chars == theirs.text_chars, ours_.page
    assert sum(sum(c.links.values()) for c in got) > 0


def test_iana_counts_match_an_independent_count(iana_warc, tmp_path):
    expected = reference(iana_warc)
    records = Counter()
    with open(iana_warc, "rb") as stream:
        for record in WarcioIterator(stream):
            records[record.rec_type] += 1
    summary = run_ingest([iana_warc], Home(tmp_path), progress=False)
    assert summary.records == sum(records.values()) == 343
    assert summary.pages == len(expected) == records["response"] == 48
    assert summary.links == sum(sum(c.links.values()) for c in expected)
    assert summary.skipped["revisit"] == records["revisit"]
    assert summary.failed_files == []


@pytest.mark.parametrize("path", [CC_WARC, CC_WAT, SAMPLE_DIR / "docs-python.warc.gz"])
def test_extracting_a_real_record_leaves_no_reference_cycle(path):
    """Ingest reads a file with the automatic collector off (runner.read_into): that is sound
    while extraction leaves no cycles behind, record after record."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        for record, _ in read_records(path):
            extract(record)
            assert gc.collect() == 0
    finally:
        if collecting:
            gc.enable()
