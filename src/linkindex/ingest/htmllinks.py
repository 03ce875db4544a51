"""HTML document bytes to raw links, title, <base> and robots meta, with selectolax.lexbor.

URLs come out as written in the page; resolving and canonicalizing is linkindex.ingest.extract's.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser

from linkindex.records import ANCHOR_TEXT_MAX_CHARS

TITLE_MAX_CHARS = 1024
_SELECTOR = "a[href], area[href], link[rel][href], base[href], meta[name], title"
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
    # One selector pass over the whole document: every extra pass costs as much as the
    # first. The whole document, not just <head>: a parser without scripting (like a
    # crawler's) ends <head> at a <noscript><img> tracking pixel, and what follows lands in
    # <body>.
    for node in tree.css(_SELECTOR):
        tag = node.tag
        attrs = node.attributes
        if tag == "a":
            rel = attrs.get("rel")
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
            flags = _tokens(rel) if rel else _NO_FLAGS
            append(_new(RawLink, (attrs["href"] or "", text, *flags, False)))
        elif tag == "area":
            alt = fold(attrs.get("alt") or "", ANCHOR_TEXT_MAX_CHARS)
            append(RawLink(attrs["href"] or "", alt, *_tokens(attrs.get("rel")), False))
        elif tag == "link":
            if "canonical" in (attrs.get("rel") or "").lower().split():
                append(RawLink(attrs["href"] or "", "", False, False, False, True))
        elif tag == "meta":
            if (attrs.get("name") or "").strip().lower() == "robots":
                content = (attrs.get("content") or "").lower().replace(",", " ").split()
                robots_nofollow = robots_nofollow or "nofollow" in content or "none" in content
        elif tag == "base":
            # The first <base href> of the document is the one that counts.
            if base_href is None:
                base_href = attrs["href"] or ""
        elif title is None:
            title = fold(node.text_lexbor(), TITLE_MAX_CHARS) or None
    return HtmlPage(title, base_href, robots_nofollow, links)
