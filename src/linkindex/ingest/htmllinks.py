"""HTML document bytes to raw links, title, <base>, robots meta and text size, with lexbor.

URLs come out as written in the page; resolving and canonicalizing is linkindex.ingest.extract's.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

import numpy as np
from selectolax.lexbor import LexborHTMLParser, LexborNode

from linkindex.records import ANCHOR_TEXT_MAX_CHARS

TITLE_MAX_CHARS = 1024
_UTF8 = codecs.lookup("utf-8").name
NO_FLAGS = (False, False, False)  # rel_flags of a link without rel
new_link = tuple.__new__  # builds a RawLink at C speed: this runs once per link
# Every element parse_document looks at, found with one CSS query (each selector in the list
# adds a few percent to a parse, measured on the bundled sample): <a>; <area>; the head
# elements; the elements whose contents are not visible text (text_chars: <template> needs no
# selector, lexbor keeps a template's contents out of the tree); the navigation containers;
# the candidates for comment sections (_is_comments decides). Most of a walk's cost is the walk
# itself, whatever it finds: on the bundled sample, this one walk took 0.120 s where a walk for
# everything but <a> took 0.106 s and tree.tags("a") 0.082 s more.
_SPECIAL = frozenset(("area", "link", "meta", "base", "title", "script", "style", "noscript"))
_NAV_TAGS = frozenset(("nav", "header", "footer", "menu"))
# Comment sections are matched in lower case, as the engines write them (and as CSS matches
# class names). On the bundled sample's 405 HTML pages this walk took 0.105 s without these
# selectors, 0.124 s with them and 0.145 s matching any case, of about 0.4 s of parsing; a
# regex over the bytes to skip pages that name no comments cost more than it saved.
_COMMENT_CANDIDATES = "[id*=comment], [class*=comment], [id*=answer], [class*=answer]"
_ELEMENTS = (
    "a, "
    + ", ".join(sorted(_SPECIAL))
    + ", nav, header, footer, menu, [role~=navigation i], "
    + _COMMENT_CANDIDATES
)
# The words of an id or class that name a section of visitors' comments or answers, as the
# common blog, forum and Q&A engines write them: WordPress (comments, comment-list,
# commentlist, comment-body), Blogger and Drupal (comments, comment), Stack Exchange (answer,
# answers, comment). A whole word of the name, so "commentary" or "answered-by" do not count.
_COMMENT_WORDS = frozenset(("comment", "comments", "commentlist", "answer", "answers"))
_NAME_WORDS = re.compile(r"[a-z]+")
# _IS_SPACE[c]: code point c is whitespace for str.split(). U+3000 is the highest whitespace
# code point (tests check it); the last entry (False) stands for every code point above it.
LAST_SPACE = 0x3000
_IS_SPACE = np.array([chr(c).isspace() for c in range(LAST_SPACE + 2)], dtype=bool)


class RawLink(NamedTuple):
    href: str
    anchor_text: str
    nofollow: bool
    ugc: bool
    sponsored: bool
    rel_canonical: bool
    in_nav: bool  # inside <nav>, <header>, <footer>, <menu> or role=navigation
    in_comments: bool  # inside a section of visitors' comments or answers (_is_comments)


class HtmlPage(NamedTuple):
    title: str | None
    base_href: str | None
    robots_nofollow: bool  # <meta name=robots content="nofollow"> (or "none")
    links: list[RawLink]
    text_chars: int | None  # folded length of the visible text; None when unknown (WAT)


def fold(text: str, cap: int) -> str:
    """Collapse runs of whitespace to one space, trim, cap the length."""
    stripped = text.strip()
    # isprintable() is False for every whitespace character but the ASCII space, so this
    # skips the split/join for the common already-folded text.
    if stripped.isprintable() and "  " not in stripped:
        return stripped[:cap]
    return " ".join(stripped.split())[:cap]


def folded_length(text: str) -> int:
    """len(" ".join(text.split())): the length of the text whitespace-folded as fold() does.

    Counted in numpy over the code points: 2-5x faster than splitting a page's text into words
    (measured on the bundled sample). Whitespace is what str.split() splits on.
    """
    if not text:
        return 0
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    space = _IS_SPACE.take(points, mode="clip")  # above the table: not whitespace
    chars = len(space)
    spaces = int(np.count_nonzero(space))
    if spaces == chars:
        return 0
    # Non-space characters, plus one space per run of whitespace after the first word,
    # minus a trailing run.
    runs = int(np.count_nonzero(space[1:] > space[:-1]))
    return chars - spaces + runs - int(space[-1])


def _is_nav_role(role: str | None) -> bool:
    return role is not None and "navigation" in role.lower().split()


def _is_comments(attrs: dict[str, str | None]) -> bool:
    """Whether an element's id or class names a section of comments or answers."""
    names = f"{attrs.get('id') or ''} {attrs.get('class') or ''}"
    return any(word in _COMMENT_WORDS for word in _NAME_WORDS.findall(names))


def _text_codec(charset: str) -> str | None:
    """The codec a charset label names, or None when it names none (or not a text encoding)."""
    try:
        info = codecs.lookup(charset.strip("\"' "))
    except LookupError:
        return None
    # base64, rot13 and the like are codecs too, but not for text: a page cannot choose them.
    return info.name if getattr(info, "_is_text_encoding", True) else None


def rel_flags(rel: str | None) -> tuple[bool, bool, bool]:
    """nofollow, ugc, sponsored: whether a link's rel names each (tokens in any case)."""
    if not rel:
        return NO_FLAGS
    tokens = rel.lower().split()
    return "nofollow" in tokens, "ugc" in tokens, "sponsored" in tokens


def _mark_links(node: LexborNode, nav: set[int], comments: set[int]) -> None:
    """Add the links of ``node`` (itself included) to ``nav`` and ``comments`` when it is a
    navigation container (<nav>, <header>, <footer>, <menu>, any element with role=navigation:
    an <a role=navigation> is in_nav) or a comments section; an element can be both
    (WordPress's comment-navigation <nav>)."""
    attrs = node.attributes
    if node.tag in _NAV_TAGS or _is_nav_role(attrs.get("role")):
        nav.update(link.mem_id for link in node.css("a, area"))
    if (attrs.get("id") or attrs.get("class")) and _is_comments(attrs):
        comments.update(link.mem_id for link in node.css("a, area"))


def parse_document(body: bytes, charset: str | None) -> HtmlPage:
    """Parse a page: its links, title, <base>, robots meta and visible text length.

    Links are <a href>, <area href> and <link rel=canonical>, in that order, each in document
    order. ``charset`` is the HTTP header's; without it, a BOM or <meta charset> decides, then
    UTF-8. Undecodable bytes become U+FFFD. <link rel=canonical>, <meta name=robots>, <base> and
    <title> count wherever they are; the first <base> and the first <title> win.
    """
    codec = _text_codec(charset) if charset else None
    if codec is not None and codec != _UTF8:
        tree = LexborHTMLParser(body.decode(codec, errors="replace"))
    else:
        tree = LexborHTMLParser(body, encoding=codec is None)
    title: str | None = None
    titled = False  # the first <title> counts, even an empty one
    base_href: str | None = None
    robots_nofollow = False
    areas: list[LexborNode] = []
    canonicals: list[str] = []
    hidden: list[LexborNode] = []
    nav: set[int] = set()  # mem_id of every <a> and <area> in a navigation container
    comments: set[int] = set()  # mem_id of every <a> and <area> in a comments section
    anchors: list[LexborNode] = []
    # lexbor gives an element once for each selector of the list it matches, in a row: an <a>
    # that comes again also matched a navigation or comments selector, and is checked as one.
    last = -1
    anchor_again = False  # the last element found was an <a> not yet checked as a container
    # One CSS walk finds every element looked at. The whole document is searched, not just
    # <head>: a parser without scripting (like a crawler's) ends <head> at a
    # <noscript><img> tracking pixel, and what follows lands in <body>.
    for node in tree.css(_ELEMENTS):
        key = node.mem_id
        if key == last:
            if anchor_again:
                anchor_again = False
                _mark_links(node, nav, comments)
            continue
        last = key
        tag = node.tag
        if tag == "a":
            anchors.append(node)
            anchor_again = True
            continue
        anchor_again = False
        if tag in _SPECIAL:
            if tag == "area":
                areas.append(node)
            elif tag == "link":
                attrs = node.attributes
                if (
                    attrs.get("href") is not None
                    and "canonical" in (attrs.get("rel") or "").lower().split()
                ):
                    canonicals.append(attrs["href"] or "")
                continue
            elif tag == "meta":
                attrs = node.attributes
                if (attrs.get("name") or "").strip().lower() == "robots":
                    content = (attrs.get("content") or "").lower().replace(",", " ").split()
                    robots_nofollow = robots_nofollow or "nofollow" in content or "none" in content
                continue
            elif tag == "base":
                # The first <base href> of the document is the one that counts.
                if base_href is None:
                    base_href = node.attributes.get("href")
                continue
            elif tag == "title":
                if not titled:
                    titled = True
                    title = fold(node.text_lexbor(), TITLE_MAX_CHARS) or None
                continue
            else:
                hidden.append(node)
            # Of these, only an <area> or a <noscript> can be (or hold) a navigation link.
            if not _is_nav_role(node.attributes.get("role")):
                continue
        _mark_links(node, nav, comments)
    links: list[RawLink] = []
    append = links.append
    for node in anchors:
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
        flags = rel_flags(rel) if rel else NO_FLAGS
        in_nav = node.mem_id in nav if nav else False
        in_comments = node.mem_id in comments if comments else False
        append(new_link(RawLink, (href, text, *flags, False, in_nav, in_comments)))
    for node in areas:
        attrs = node.attributes
        if attrs.get("href") is not None:
            alt = fold(attrs.get("alt") or "", ANCHOR_TEXT_MAX_CHARS)
            flags = rel_flags(attrs.get("rel"))
            append(
                RawLink(attrs["href"] or "", alt, *flags, False, node.mem_id in nav,
                        node.mem_id in comments)
            )  # fmt: skip
    for href in canonicals:
        append(RawLink(href, "", False, False, False, True, False, False))
    # Last, as it edits the tree: a removed element takes its contents with it.
    for node in hidden:
        node.decompose(recursive=False)
    return HtmlPage(title, base_href, robots_nofollow, links, folded_length(tree.text()))
