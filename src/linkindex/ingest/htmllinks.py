"""HTML document bytes to raw links, title, <base> and robots meta, with selectolax.lexbor.

URLs come out as written in the page; resolving and canonicalizing is linkindex.ingest.extract's.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser

from linkindex.records import ANCHOR_TEXT_MAX_CHARS

TITLE_MAX_CHARS = 1024
_UTF8 = codecs.lookup("utf-8").name
_NO_FLAGS = (False, False, False)
_new = tuple.__new__  # builds a RawLink at C speed: this runs once per link


class RawLink(NamedTuple):
    href: str
    anchor_text: str
    nofollow: bool
    ugc: bool
    sponsored: bool
    rel_canonical: bool


class HtmlPage(NamedTuple):
    title: str | None
    base_href: str | None
    robots_nofollow: bool  # <meta name=robots content="nofollow"> (or "none")
    links: list[RawLink]


def fold(text: str, cap: int) -> str:
    """Collapse runs of whitespace to one space, trim, cap the length."""
    stripped = text.strip()
    # isprintable() is False for every whitespace character but the ASCII space, so this
    # skips the split/join for the common already-folded text.
    if stripped.isprintable() and "  " not in stripped:
        return stripped[:cap]
    return " ".join(stripped.split())[:cap]


def _text_codec(charset: str) -> str | None:
    """The codec a charset label names, or None when it names none (or not a text encoding)."""
    try:
        info = codecs.lookup(charset.strip("\"' "))
    except LookupError:
        return None
    # base64, rot13 and the like are codecs too, but not for text: a page cannot choose them.
    return info.name if getattr(info, "_is_text_encoding", True) else None


def _tokens(rel: str | None) -> tuple[bool, bool, bool]:
    if not rel:
        return False, False, False
    tokens = rel.lower().split()
    return "nofollow" in tokens, "ugc" in tokens, "sponsored" in tokens


def parse_document(body: bytes, charset: str | None) -> HtmlPage:
    """Parse a page and collect <a href>, <area href> and <link rel=canonical>.

    ``charset`` is the HTTP header's; without it, a BOM or <meta charset> decides, then UTF-8.
    Undecodable bytes become U+FFFD. <link rel=canonical>, <meta name=robots>, <base> and
    <title> count wherever they are; the first <base> and the first <title> win.
    """
    codec = _text_codec(charset) if charset else None
    if codec is not None and codec != _UTF8:
        tree = LexborHTMLParser(body.decode(codec, errors="replace"))
    else:
        tree = LexborHTMLParser(body, encoding=codec is None)
    title: str | None = None
    base_href: str | None = None
    robots_nofollow = False
    links: list[RawLink] = []
    append = links.append
    # tree.tags(name) walks the tree natively and is about twice as fast as a CSS selector
    # (measured in bench/bench_ingest.py's history); the whole document is searched, not just
    # <head>: a parser without scripting (like a crawler's) ends <head> at a <noscript><img>
    # tracking pixel, and what follows lands in <body>.
    for node in tree.tags("a"):
        attrs = node.attributes
        href = attrs.get("href")
        if href is None:
            continue
        text = node.text_lexbor().strip()
        if text:
            # fold() inlined: this runs once per link.
            if not text.isprintable() or "  " in text:
                text = " ".join(text.split())
            text = text[:ANCHOR_TEXT_MAX_CHARS]
        else:
            # An image link's anchor text is its image's alt text.
            img = node.css_first("img[alt]")
            text = fold(img.attributes.get("alt") or "", ANCHOR_TEXT_MAX_CHARS) if img else ""
        rel = attrs.get("rel")
        flags = _tokens(rel) if rel else _NO_FLAGS
        append(_new(RawLink, (href, text, *flags, False)))
    for node in tree.tags("area"):
        attrs = node.attributes
        if attrs.get("href") is not None:
            alt = fold(attrs.get("alt") or "", ANCHOR_TEXT_MAX_CHARS)
            append(RawLink(attrs["href"] or "", alt, *_tokens(attrs.get("rel")), False))
    for node in tree.tags("link"):
        attrs = node.attributes
        if (
            attrs.get("href") is not None
            and "canonical" in (attrs.get("rel") or "").lower().split()
        ):
            append(RawLink(attrs["href"] or "", "", False, False, False, True))
    for node in tree.tags("meta"):
        attrs = node.attributes
        if (attrs.get("name") or "").strip().lower() == "robots":
            content = (attrs.get("content") or "").lower().replace(",", " ").split()
            robots_nofollow = robots_nofollow or "nofollow" in content or "none" in content
    for node in tree.tags("base"):
        # The first <base href> of the document is the one that counts.
        href = node.attributes.get("href")
        if href is not None:
            base_href = href
            break
    for node in tree.tags("title"):
        title = fold(node.text_lexbor(), TITLE_MAX_CHARS) or None
        break
    return HtmlPage(title, base_href, robots_nofollow, links)
