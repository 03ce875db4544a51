"""WAT metadata records go through the same rules and counters as WARC responses."""

from __future__ import annotations

from pathlib import Path

from ingest_helpers import CC_WARC, CC_WAT, wat_json, write_warc

from linkindex.ingest import extract, read_records, reasons
from linkindex.ingest.reader import HttpCapture, WatEnvelope


def wat_extract(tmp_path: Path, payload: bytes, url: str = "http://example.com/page"):
    path = write_warc(tmp_path / "one.wat.gz", [{"url": url, "type": "metadata", "body": payload}])
    [(record, _)] = list(read_records(path))
    return extract(record)


def link_set(extraction) -> set[tuple[str, str, bool, bool]]:
    return {(x.target_url, x.anchor_text, x.nofollow, x.rel_canonical) for x in extraction.links}


def test_wat_links_match_warc_links_for_the_same_page():
    url = "http://0pointer.de/photos/?gallery=Australia&photo=496"
    warc = [extract(r) for r, _ in read_records(CC_WARC) if isinstance(r, HttpCapture)]
    wat = [extract(r) for r, _ in read_records(CC_WAT) if isinstance(r, WatEnvelope)]
    [from_warc] = [e for e in warc if e.page is not None and e.page.url == url]
    [from_wat] = [e for e in wat if e.page is not None and e.page.url == url]
    assert len(from_warc.links) == len(from_wat.links) > 20
    assert link_set(from_warc) == link_set(from_wat)
    assert (from_wat.page.title, from_wat.page.http_status) == (from_warc.page.title, 200)
    assert from_wat.page.fetch_time == from_warc.page.fetch_time
    assert from_wat.page.contact_links == from_warc.page.contact_links == 0


def test_wat_entity_escaped_urls_are_unescaped():
    # 2014 WATs keep attribute values raw: "&amp;" must become "&" as in the HTML parser.
    wat = [extract(r) for r, _ in read_records(CC_WAT) if isinstance(r, WatEnvelope)]
    targets = {x.target_url for e in wat for x in e.links}
    assert (
        "http://0pointer.de/photos/?gallery=Australia&photo=495&exif_style=&show_thumbs=" in targets
    )
    assert not any("&amp;" in t for t in targets)


def test_wat_rel_nofollow_and_area_alt(tmp_path):
    links = [
        {"path": "A@/href", "url": "/a", "text": " A \n link ", "rel": "NoFollow sponsored"},
        {"path": "AREA@/href", "url": "/b", "alt": "region"},
        {"path": "IMG@/src", "url": "/c.png", "alt": "not a link"},
        {"path": "FORM@/action", "url": "/submit"},
    ]
    out = wat_extract(tmp_path, wat_json("http://example.com/page", links))
    assert [(x.target_url, x.anchor_text, x.nofollow, x.sponsored) for x in out.links] == [
        ("http://example.com/a", "A link", True, True),
        ("http://example.com/b", "region", False, False),
    ]


def test_wat_robots_meta_nofollow_marks_all_links(tmp_path):
    head = {"Metas": [{"name": "robots", "content": "noindex,nofollow"}]}
    links = [{"path": "A@/href", "url": "/a", "text": "a"}]
    out = wat_extract(tmp_path, wat_json("http://example.com/page", links, head=head))
    assert [x.nofollow for x in out.links] == [True]


def test_wat_base_and_canonical(tmp_path):
    head = {
        "Base": "http://static.example.org/x/",
        "Link": [{"path": "LINK@/href", "rel": "canonical", "url": "/canon"}],
        "Title": "T",
    }
    links = [{"path": "A@/href", "url": "y.html", "text": "y"}]
    out = wat_extract(tmp_path, wat_json("http://example.com/page", links, head=head))
    assert [(x.target_url, x.rel_canonical) for x in out.links] == [
        ("http://static.example.org/x/y.html", False),
        ("http://static.example.org/canon", True),
    ]
    assert out.page.title == "T"


def test_wat_3xx_becomes_a_redirect_link(tmp_path):
    payload = wat_json("http://example.com/old", [], status=302, headers={"Location": "/new"})
    out = wat_extract(tmp_path, payload, url="http://example.com/old")
    assert [(x.target_url, x.redirect) for x in out.links] == [("http://example.com/new", True)]
    assert out.page.http_status == 302


def test_wat_mailto_links_are_counted_like_warc_ones(tmp_path):
    links = [{"path": "A@/href", "url": "mailto:x@example.com", "text": "mail"}]
    out = wat_extract(tmp_path, wat_json("http://example.com/page", links))
    assert out.links == [] and out.dropped == {reasons.LINK_NON_HTTP: 1}


def test_wat_non_html_response_keeps_the_page(tmp_path):
    out = wat_extract(tmp_path, wat_json("http://example.com/i.png", [], html=False))
    assert out.skip == reasons.NOT_HTML and out.page is not None


def test_wat_request_and_metadata_envelopes_are_not_pages(tmp_path):
    out = wat_extract(tmp_path, wat_json("http://example.com/", [], warc_type="request"))
    assert (out.page, out.skip) == (None, reasons.NOT_RESPONSE)


def test_unreadable_wat_json_is_counted(tmp_path):
    out = wat_extract(tmp_path, b'{"Envelope": {broken')
    assert (out.page, out.skip) == (None, reasons.BAD_WAT_JSON)


def test_wat_pages_have_no_text_chars(tmp_path):
    # A WAT carries links and head facts, not the page's text (that is the WET file).
    links = [{"path": "A@/href", "url": "/a", "text": "a"}]
    out = wat_extract(tmp_path, wat_json("http://example.com/page", links))
    assert out.page.text_chars is None


def test_wat_mailto_and_tel_links_are_counted_in_contact_links(tmp_path):
    links = [
        {"path": "A@/href", "url": "mailto:x@example.com", "text": "mail"},
        {"path": "A@/href", "url": " TEL:+123", "text": "call"},
        {"path": "AREA@/href", "url": "tel:456", "alt": "area"},
        {"path": "FORM@/action", "url": "mailto:form@example.com"},  # not a link
        {"path": "A@/href", "url": "/a", "text": "a"},
    ]
    out = wat_extract(tmp_path, wat_json("http://example.com/page", links))
    assert out.page.contact_links == 3
    assert [x.target_url for x in out.links] == ["http://example.com/a"]


def test_a_wat_html_page_without_links_has_zero_contact_links(tmp_path):
    out = wat_extract(tmp_path, wat_json("http://example.com/page", []))
    assert out.page.contact_links == 0


def test_wat_non_html_pages_and_redirects_have_null_contact_links(tmp_path):
    image = wat_extract(tmp_path, wat_json("http://example.com/i.png", [], html=False))
    moved = wat_extract(
        tmp_path,
        wat_json("http://example.com/old", [], status=301, headers={"Location": "/new"}),
        url="http://example.com/old",
    )
    for out in (image, moved):
        assert (out.page.contact_links, out.page.text_chars) == (None, None)


def test_wat_links_are_never_in_nav(tmp_path):
    # A WAT link's path (A@/href) says which attribute it came from, not where the element sits.
    head = {"Link": [{"path": "LINK@/href", "rel": "canonical", "url": "/canon"}]}
    links = [
        {"path": "A@/href", "url": "/a", "text": "Home"},
        {"path": "AREA@/href", "url": "/b", "alt": "b"},
    ]
    out = wat_extract(tmp_path, wat_json("http://example.com/page", links, head=head))
    assert [x.in_nav for x in out.links] == [False, False, False]
    redirect = wat_extract(
        tmp_path,
        wat_json("http://example.com/old", [], status=302, headers={"Location": "/new"}),
        url="http://example.com/old",
    )
    assert [(x.redirect, x.in_nav) for x in redirect.links] == [(True, False)]
