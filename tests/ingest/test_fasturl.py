"""The fast URL path gives exactly what urljoin + linkindex.urls.canonicalize give."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from linkindex.ingest import reasons
from linkindex.ingest.extract import _resolve
from linkindex.ingest.fasturl import Base, fast_canonical
from linkindex.urls import BadURL, canonicalize

ABSOLUTE = [
    "http://example.com", "http://Example.COM/A/b", "http://example.com:80/", "https://x.org:443/a",
    "http://example.com:8080", "http://example.com:080/", "http://example.com:99999/",
    "http://example.com:0/", "http://example.com:/", "http://a.b/c?", "http://a.b/c??",
    "http://a.b?x", "http://a.b?x/y", "http://a.b#frag", "http://a.b/x#y?z", "http://a.b/./x",
    "http://a.b/x/../y", "http://a.b/x/.", "http://a.b/.well-known/x", "http://a.b/%7Euser",
    "http://a.b/%7euser", "http://a.b/%41", "http://a.b/ä", "http://ÄÖ.de/", "http://a..b/",
    "http://a.b./", "http://[::1]/", "http://user@a.b/", "http://a.b/x y", "http://a.b/x?q=/./y",
    "http://a.b/x?q=a b", "http://1.2.3.4/", "http://a_b.c/", "http://a.b/;p?q", "http:///x",
    "http://a.b/x|y", "http://a.b/x\ty", "http://a.b/[x]", "http://a.b/x'y", "http://a.b/?a=1&b=2",
    "http://co.uk/", "http://www.bbc.co.uk/news", "https://a.b/~x/(y)*z!$,;=:@",
]  # fmt: skip

BASES = ["http://a.b/c/d;p?q", "https://a.b:8443/", "http://a.b", "http://a.b/c/d?q#f"]
HREFS = [
    "g", "./g", "g/", "/g", "//g", "//G.org:80/x", "?y", "g?y", "#s", "g#s", "g?y#s", ";x", "g;x",
    "", ".", "./", "..", "../", "../g", "../..", "../../g", "../../../g", "/./g", "/../g", "g.",
    ".g", "g..", "..g", "./../g", "g/./h", "g/../h", "http:g", "HTTP://x.org/", "mailto:x",
    " /g ", "g%20h", "%2E%2E/g", "g:h", "a/b:c", "javascript:void(0)", "http://[bad/", "\n/g\n",
    "/\n/evil.org/", "g h", "http://x.org/a b", "//", "///x", "?", "#", "http://", "https:x",
]  # fmt: skip


def slow(url: str) -> tuple[str, str, str, str] | None:
    try:
        c = canonicalize(url)
    except BadURL:
        return None
    return c.url, c.page, c.subdomain, c.root_domain


@pytest.mark.parametrize("url", ABSOLUTE)
def test_fast_canonical_agrees_with_canonicalize(url):
    fast = fast_canonical(url)
    if fast is not None:
        assert fast == slow(url)


def test_the_fast_path_takes_the_common_urls():
    assert fast_canonical("http://www.example.com/a/b?c=d") is not None
    assert fast_canonical("https://example.com") is not None


# Where Python's urljoin departs from RFC 3986 on a plain href, ingest follows the RFC (as
# browsers do): an empty query replaces the base's query.
URLJOIN_QUIRKS = {"?"}


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("href", sorted(set(HREFS) - URLJOIN_QUIRKS))
def test_resolving_agrees_with_urljoin_and_canonicalize(base, href):
    got = _resolve(href, Base(base))
    try:
        expected = slow(urljoin(base, href.strip()))
    except ValueError:
        expected = None
    if expected is None:
        assert got in (reasons.LINK_BAD_URL, reasons.LINK_NON_HTTP)
    else:
        assert got == expected


def test_an_empty_query_replaces_the_base_query():
    assert _resolve("?", Base("http://a.b/c?q"))[0] == "http://a.b/c"
