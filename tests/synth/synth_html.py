"""How the synthetic-web tests read a rendered page's links back, as the ingest spec reads them.

Parsed with selectolax, independently of the ingest code under test.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from linkindex.urls import CanonicalURL, canonicalize

_NAV = ("nav", "header", "footer", "menu")


def html_links(
    tree: LexborHTMLParser, page_url: str
) -> tuple[int, list[tuple[CanonicalURL, str, bool]]]:
    """(contact links, links) of a page: mailto:/tel: hrefs are contacts; every other <a href>
    gives its canonical target (against <base> if any), anchor text and whether it sits in a
    navigation container."""
    base = tree.css_first("base")
    base_url = base.attributes["href"] if base else page_url
    links, contacts = [], 0
    for a in tree.tags("a"):
        href = a.attributes["href"] or ""
        if href.startswith(("mailto:", "tel:")):
            contacts += 1
            continue
        node, nav = a.parent, False
        while node is not None:
            nav |= node.tag in _NAV or node.attributes.get("role") == "navigation"
            node = node.parent
        links.append((canonicalize(href, base_url), a.text(), nav))
    return contacts, links
