"""The URL model: canonical URLs and their page, subdomain and root-domain keys.

Every stage (ingest, build, API) canonicalizes through this module; docs/urls.md states each rule.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from urllib.parse import urljoin, urlsplit

import idna
from publicsuffixlist import PublicSuffixList

Scope = Literal["page", "subdomain", "root_domain"]
SCOPES: tuple[Scope, ...] = ("page", "subdomain", "root_domain")

_DEFAULT_PORTS = {"http": 80, "https": 443}
# RFC 3986 unreserved characters: percent-encodings of these are decoded, all others kept.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
# A '%' that starts no escape is itself encoded first, so canonicalizing twice changes nothing.
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# "mailto:x@y.z" names a scheme without "//"; "moz.com:8080/x" is a host and a port.
_OPAQUE_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\d)")
# Characters that must be percent-encoded when they appear raw in a path or query.
_NEEDS_QUOTING = re.compile(r"[\x00-\x20\x7f-\U0010ffff\"<>\\^`{|}]")

# The bundled Public Suffix List snapshot ships inside the publicsuffixlist wheel: no network.
_PSL = PublicSuffixList()


class BadURL(ValueError):
    """A URL that cannot be made canonical (not http(s), no host, malformed)."""


@dataclass(frozen=True, slots=True)
class CanonicalURL:
    url: str  # scheme://host[:port]/path[?query]
    page: str  # host[:port]/path[?query] (the scheme is not part of a page's identity)
    subdomain: str  # host
    root_domain: str  # registered domain of host under the Public Suffix List

    def key(self, scope: Scope) -> str:
        if scope == "page":
            return self.page
        if scope == "subdomain":
            return self.subdomain
        return self.root_domain


def _normalize_percent(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _quote_raw(match: re.Match[str]) -> str:
    return "".join(f"%{b:02X}" for b in match.group(0).encode("utf-8"))


def _normalize_component(text: str) -> str:
    text = _LONE_PERCENT.sub("%25", text)
    return _NEEDS_QUOTING.sub(_quote_raw, _PERCENT.sub(_normalize_percent, text))


def remove_dot_segments(path: str) -> str:
    # RFC 3986 section 5.2.4, on already-split segments.
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == ".":
            if last:
                out.append("")
        elif seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(seg)
    result = "/".join(out)
    return result if result.startswith("/") else "/" + result


@lru_cache(maxsize=65536)
def normalize_host(host: str) -> str:
    """Lowercase, IDNA-encode, strip a trailing dot; raise BadURL for an invalid host."""
    host = host.strip().rstrip(".").lower()
    if not host:
        raise BadURL("URL has no host")
    if ":" in host:
        try:
            return "[" + str(ipaddress.IPv6Address(host.strip("[]"))) + "]"
        except ValueError as exc:
            raise BadURL(f"invalid IPv6 host {host!r}") from exc
    if not host.isascii():
        try:
            # UTS #46 / IDNA 2008, as browsers do (the stdlib codec is IDNA 2003: ß -> ss).
            # UTS #46 maps full-width dots (U+3002, U+FF0E) to '.', so strip again after.
            host = idna.encode(host, uts46=True).decode("ascii").rstrip(".")
        except (idna.IDNAError, UnicodeError) as exc:
            raise BadURL(f"invalid international host name {host!r}") from exc
        if not host:
            raise BadURL("URL has no host")
    if any(c not in "abcdefghijklmnopqrstuvwxyz0123456789-._" for c in host) or ".." in host:
        raise BadURL(f"invalid host {host!r}")
    # DNS limits (RFC 1035): no real host is longer, so such a name is garbage, not a site.
    if len(host) > 253 or any(len(label) > 63 for label in host.split(".")):
        raise BadURL(f"host name too long: {host[:80]!r}")
    return host


@lru_cache(maxsize=65536)
def root_domain_of(host: str) -> str:
    """Registered domain of a normalized host; an IP address or a bare public suffix is its own."""
    if host.startswith("["):
        return host
    try:
        ipaddress.IPv4Address(host)
        return host
    except ValueError:
        pass
    return _PSL.privatesuffix(host) or host


def _backslashes_as_slashes(raw: str) -> str:
    # Browsers (WHATWG URL) read a backslash as '/' before the query of an http(s) URL or
    # reference, so the link "http://t.com<backslash>@evil.com/" goes to t.com, where
    # urlsplit alone would say evil.com.
    if "\\" not in raw:
        return raw
    cut = min((i for i in (raw.find("?"), raw.find("#")) if i >= 0), default=len(raw))
    return raw[:cut].replace("\\", "/") + raw[cut:]


def canonicalize(raw: str, base: str | None = None) -> CanonicalURL:
    """Resolve ``raw`` against ``base`` and apply every rule of docs/urls.md."""
    raw = _backslashes_as_slashes(raw.strip())
    if base is not None:
        try:
            raw = urljoin(base, raw)
        except ValueError as exc:
            raise BadURL(f"cannot resolve {raw!r}") from exc
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise BadURL(f"malformed URL {raw!r}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise BadURL(f"not an http(s) URL: {raw[:80]!r}")
    if port == 0:
        raise BadURL(f"port 0 is not a port: {raw[:80]!r}")
    host = normalize_host(parts.hostname or "")
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = remove_dot_segments(_normalize_component(parts.path or "/"))
    query = _normalize_component(parts.query)
    page = netloc + path + ("?" + query if query else "")
    return CanonicalURL(
        url=f"{scheme}://{page}",
        page=page,
        subdomain=host,
        root_domain=root_domain_of(host),
    )


def parse_target(target: str) -> CanonicalURL:
    """Canonicalize an API target such as ``moz.com/blog`` (scheme optional, http assumed)."""
    target = target.strip()
    if not target:
        raise BadURL("target is empty")
    if not _HAS_SCHEME.match(target):
        if _OPAQUE_SCHEME.match(target):
            raise BadURL(f"not an http(s) URL: {target[:80]!r}")
        target = "http://" + target.lstrip("/")
    return canonicalize(target)


# A server meets the same targets again and again (a client paging, a dashboard refreshing),
# and a target's canonical form depends on its text alone: the APIs ask through this memory of
# the last few thousand (a bad target is not remembered: it raises every time). Only targets
# of up to TARGET_CACHE_CHARS characters are kept, so the memory is bounded in bytes too: 4,096
# targets of the API's longest would hold about 240 MB (each parsed form keeps several copies).
TARGET_CACHE_SIZE = 4096
TARGET_CACHE_CHARS = 256
_remembered_target = lru_cache(maxsize=TARGET_CACHE_SIZE)(parse_target)


def cached_parse_target(target: str) -> CanonicalURL:
    """parse_target, remembered for short targets."""
    if len(target) > TARGET_CACHE_CHARS:
        return parse_target(target)
    return _remembered_target(target)
