"""A fast path for resolving and canonicalizing the plain URLs that make up most links.

Gives what linkindex.urls.canonicalize gives after resolving (RFC 3986, not urljoin's quirks:
`href="?"` clears the query), or None to ask the full path instead.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from linkindex.urls import BadURL, normalize_host, remove_dot_segments, root_domain_of

# A plain absolute URL in one pass: scheme, host, port, then path and query made only of the
# characters canonicalize() leaves as they are ('%' excluded: it normalizes percent-escapes).
# The fragment may hold anything: it is dropped. Anything else takes the full path.
_PLAIN_URL = re.compile(
    r"(https?)://([A-Za-z0-9.\-]+)(?::([0-9]{1,5}))?([/?][A-Za-z0-9\-._~!$&'()*+,;=:@/?\[\]]*)?"
    r"(?:#.*)?",
    re.DOTALL,
)
_DEFAULT_PORT = {"http": 80, "https": 443}
_HOSTS_MAX = 1 << 16

UrlKeys = tuple[str, str, str, str]
"""(url, page, subdomain, root_domain): the fields of a linkindex.urls.CanonicalURL."""

# (scheme, host, port) as written -> (host[:port] canonical, host, root domain); None: refused.
_hosts: dict[tuple[str, str, str | None], tuple[str, str, str] | None] = {}
_UNSEEN: Any = object()


def _host(scheme: str, host: str, port: str | None) -> tuple[str, str, str] | None:
    try:
        host = normalize_host(host)
    except BadURL:
        return None
    if port is None:
        return host, host, root_domain_of(host)
    number = int(port)
    if number == 0 or number > 65535:
        return None
    host_port = host if number == _DEFAULT_PORT[scheme] else f"{host}:{number}"
    return host_port, host, root_domain_of(host)


@lru_cache(maxsize=1 << 16)  # a few tens of MB at most, per worker
def fast_canonical(url: str) -> UrlKeys | None:
    """canonicalize(url)'s fields for a plain absolute http(s) URL; None when not plain.

    Cached: navigation links repeat on every page of a site.
    """
    match = _PLAIN_URL.fullmatch(url)
    if match is None:
        return None
    scheme, host, port, tail = match.groups()
    key = (scheme, host, port)
    keys = _hosts.get(key, _UNSEEN)
    if keys is _UNSEEN:
        if len(_hosts) >= _HOSTS_MAX:
            _hosts.clear()
        keys = _hosts[key] = _host(scheme, host, port)
    if keys is None:
        return None
    if not tail:
        tail = "/"
    elif tail[0] == "?":
        tail = "/" + tail
    query_at = tail.find("?")
    if query_at < 0:
        if "/." in tail:
            tail = remove_dot_segments(tail)
    elif query_at == len(tail) - 1:  # an empty query is no query
        tail = tail[:-1]
        if "/." in tail:
            tail = remove_dot_segments(tail)
    elif "/." in tail[:query_at]:
        tail = remove_dot_segments(tail[:query_at]) + tail[query_at:]
    page = keys[0] + tail
    return f"{scheme}://{page}", page, keys[1], keys[2]


class Base:
    """A page's base URL split once, so each relative href joins by concatenation."""

    __slots__ = ("url", "origin", "scheme", "no_query", "directory", "no_fragment", "plain")

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            parts = urlsplit(url)
        except ValueError:
            self.plain = False
            return
        # Concatenation equals urljoin only for a base that urlsplit leaves as written.
        self.plain = parts.scheme in _DEFAULT_PORT and url.startswith(
            f"{parts.scheme}://{parts.netloc}"
        )
        self.scheme = parts.scheme
        self.origin = f"{parts.scheme}://{parts.netloc}"
        path = parts.path or "/"
        self.no_query = self.origin + path
        self.directory = self.origin + path[: path.rfind("/") + 1]
        self.no_fragment = url.partition("#")[0]

    def join(self, href: str) -> str | None:
        """urljoin(self.url, href) when ``href`` is plain; None for hrefs only urljoin can do.

        The result is right only if fast_canonical() accepts it: a href with characters
        urlsplit rewrites (whitespace, backslashes) makes it refuse, and urljoin must decide.
        """
        if not self.plain:
            return None
        if href.startswith(("http://", "https://")):
            return href
        if not href or href[0] == "#":
            return self.no_fragment
        first = href[0]
        if first == "/":
            return self.scheme + ":" + href if href.startswith("//") else self.origin + href
        if first == "?":
            return self.no_query + href
        # Anything with a colon before its first '/' could be a scheme: leave it to urljoin.
        if ":" in href.partition("/")[0]:
            return None
        return self.directory + href
