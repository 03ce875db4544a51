"""Link rules of a WARC response record, one test per rule of the ingest spec."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from linkindex.ingest import reasons
from linkindex.records import ANCHOR_TEXT_MAX_CHARS


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def targets(extraction) -> list[str]:
    return [link.target_url for link in extraction.links]


def test_every_a_href_becomes_a_link_with_its_anchor_text(extract_one):
    out = extract_one(body=page('<a href="/a">First</a> <a href="http://other.org/b">Second</a>'))
    assert [(x.target_url, x.anchor_text) for x in out.links] == [
        ("http://example.com/a", "First"),
        ("http://other.org/b", "Second"),
    ]
    assert out.links[0].source_url == "http://example.com/page"
    assert out.links[1].target_root_domain == "other.org"


def test_nofollow_in_rel_marks_the_link_nofollow(extract_one):
    out = extract_one(body=page('<a href="/a" rel="nofollow">x</a><a href="/b">y</a>'))
    assert [x.nofollow for x in out.links] == [True, False]


def test_rel_is_a_case_insensitive_token_list(extract_one):
    out = extract_one(body=page('<a href="/a" rel="External NoFollow  UGC">x</a>'))
    assert (out.links[0].nofollow, out.links[0].ugc, out.links[0].sponsored) == (True, True, False)


def test_sponsored_and_ugc_are_flagged(extract_one):
    out = extract_one(body=page('<a href="/a" rel="sponsored">x</a><a href="/b" rel="ugc">y</a>'))
    assert [(x.sponsored, x.ugc, x.nofollow) for x in out.links] == [
        (True, False, False),
        (False, True, False),
    ]


def test_nofollowish_words_inside_other_tokens_do_not_count(extract_one):
    out = extract_one(body=page('<a href="/a" rel="nofollowing">x</a>'))
    assert out.links[0].nofollow is False


def test_robots_meta_nofollow_marks_all_links(extract_one):
    head = '<meta name="ROBOTS" content="noindex, NOFOLLOW">'
    out = extract_one(body=page('<a href="/a">a</a><area href="/b" alt="b">', head))
    assert [x.nofollow for x in out.links] == [True, True]


def test_robots_meta_none_means_nofollow(extract_one):
    out = extract_one(body=page('<a href="/a">a</a>', '<meta name="robots" content="none">'))
    assert out.links[0].nofollow is True


def test_robots_meta_without_nofollow_changes_nothing(extract_one):
    out = extract_one(body=page('<a href="/a">a</a>', '<meta name="robots" content="noindex">'))
    assert out.links[0].nofollow is False


def test_base_href_resolves_relative_links(extract_one):
    head = '<base href="http://cdn.example.net/docs/">'
    out = extract_one(body=page('<a href="guide.html">g</a><a href="/root">r</a>', head))
    assert targets(out) == ["http://cdn.example.net/docs/guide.html", "http://cdn.example.net/root"]


def test_relative_links_resolve_against_the_target_uri(extract_one):
    out = extract_one(
        url="https://example.com/dir/page.html?q=1",
        body=page('<a href="other.html">o</a><a href="../up">u</a><a href="?p=2">p</a>'),
    )
    assert targets(out) == [
        "https://example.com/dir/other.html",
        "https://example.com/up",
        "https://example.com/dir/page.html?p=2",
    ]


def test_fragments_are_dropped(extract_one):
    out = extract_one(body=page('<a href="/a#top">a</a><a href="#section">self</a>'))
    assert targets(out) == ["http://example.com/a", "http://example.com/page"]


def test_links_to_the_page_itself_are_kept(extract_one):
    out = extract_one(body=page('<a href="">self</a><a href="http://example.com/page">me</a>'))
    assert targets(out) == ["http://example.com/page", "http://example.com/page"]


@pytest.mark.parametrize("href", ["mailto:a@example.com", "javascript:void(0)", "tel:+123"])
def test_non_http_links_are_skipped_and_counted(extract_one, href):
    out = extract_one(body=page(f'<a href="{href}">x</a><a href="/kept">k</a>'))
    assert targets(out) == ["http://example.com/kept"]
    assert out.dropped == {reasons.LINK_NON_HTTP: 1}


def test_mailto_links_are_skipped_and_counted_once_each(extract_one):
    out = extract_one(body=page('<a href="mailto:a@x.org">a</a><a href="MAILTO:b@x.org">b</a>'))
    assert out.links == []
    assert out.dropped == {reasons.LINK_NON_HTTP: 2}


def test_links_with_a_bad_url_are_skipped_and_counted(extract_one):
    out = extract_one(body=page('<a href="http://exa mple..com/">bad</a><a href="/ok">ok</a>'))
    assert targets(out) == ["http://example.com/ok"]
    assert out.dropped == {reasons.LINK_BAD_URL: 1}


def test_area_links_use_alt_as_anchor_text(extract_one):
    body = page('<map><area href="/region" alt="  The   Region "></map>')
    out = extract_one(body=body)
    assert [(x.target_url, x.anchor_text) for x in out.links] == [
        ("http://example.com/region", "The Region")
    ]


def test_link_rel_canonical_is_a_canonical_link(extract_one):
    head = (
        '<link rel="Canonical" href="http://example.com/main"><link rel="stylesheet" href="/s.css">'
    )
    out = extract_one(body=page("", head))
    assert [(x.target_url, x.rel_canonical, x.anchor_text) for x in out.links] == [
        ("http://example.com/main", True, "")
    ]


def test_anchor_text_is_whitespace_folded(extract_one):
    out = extract_one(body=page('<a href="/a">\n  Hello,\t <b>big</b>\n   world  </a>'))
    assert out.links[0].anchor_text == "Hello, big world"


def test_anchor_text_is_capped(extract_one):
    out = extract_one(body=page(f'<a href="/a">{"word " * 200}</a>'))
    assert len(out.links[0].anchor_text) == ANCHOR_TEXT_MAX_CHARS


def test_an_image_link_takes_the_image_alt_as_anchor_text(extract_one):
    out = extract_one(body=page('<a href="/a"><img src="x.png" alt="Logo"></a>'))
    assert out.links[0].anchor_text == "Logo"


def test_http_3xx_becomes_a_redirect_link(extract_one):
    out = extract_one(
        status="301 Moved Permanently",
        headers=[("Location", "/new-home"), ("Content-Type", "text/html")],
        body=page('<a href="/elsewhere">moved</a>'),
    )
    assert [(x.target_url, x.redirect, x.anchor_text) for x in out.links] == [
        ("http://example.com/new-home", True, "")
    ]
    assert out.page.http_status == 301


def test_3xx_without_location_is_an_ordinary_page(extract_one):
    out = extract_one(status="304 Not Modified", body=page('<a href="/a">a</a>'))
    assert [x.redirect for x in out.links] == [False]


def test_page_records_capture_date_status_title_and_length(extract_one):
    body = page("<p>hi</p>", "<title>  A\n title </title>")
    out = extract_one(status="404 Not Found", body=body, date="2014-01-26T20:06:24Z")
    assert out.page.fetch_time == int(datetime(2014, 1, 26, 20, 6, 24, tzinfo=UTC).timestamp())
    assert (out.page.http_status, out.page.title) == (404, "A title")
    assert out.page.content_bytes == len(body.encode())
    assert out.page.url == "http://example.com/page"


def test_non_html_pages_keep_their_page_row_but_give_no_links(extract_one):
    out = extract_one(headers=[("Content-Type", "image/png")], body=b"\x89PNG <a href='/x'>")
    assert out.skip == reasons.NOT_HTML
    assert out.links == []
    assert (out.page.http_status, out.page.title) == (200, None)


def test_html_without_content_type_is_sniffed(extract_one):
    out = extract_one(headers=[], body=page('<a href="/a">a</a>'))
    assert targets(out) == ["http://example.com/a"]


def test_gzip_content_encoding_is_decoded(extract_one):
    body = gzip.compress(page('<a href="/zipped">z</a>').encode())
    out = extract_one(
        headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")], body=body
    )
    assert targets(out) == ["http://example.com/zipped"]
    assert out.page.content_bytes == len(body)


def test_brotli_content_encoding_is_decoded_when_brotli_is_installed(extract_one):
    brotli = pytest.importorskip("brotli")
    body = brotli.compress(page('<a href="/br">b</a>').encode())
    out = extract_one(
        headers=[("Content-Type", "text/html"), ("Content-Encoding", "br")], body=body
    )
    assert targets(out) == ["http://example.com/br"]


def test_undecodable_content_encoding_is_a_decode_error_and_no_capture(extract_one):
    # A capture whose links cannot be read must not look like a newer capture without them.
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    out = extract_one(headers=headers, body=b"\x1f\x8b\x08\x00garbage-not-deflate")
    assert out.skip == reasons.DECODE_ERROR
    assert out.page is None and out.links == []


def test_a_payload_already_decoded_despite_its_gzip_header_is_read_as_is(extract_one):
    # Common Crawl's 2014 WARCs store decoded payloads but keep Content-Encoding: gzip.
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    out = extract_one(headers=headers, body=page('<a href="/plain">p</a>'))
    assert targets(out) == ["http://example.com/plain"]


def test_http_charset_decides_the_decoding(extract_one):
    body = page('<a href="/a">Caf\xe9 cr\xe8me</a>').encode("latin-1")
    out = extract_one(headers=[("Content-Type", "text/html; charset=ISO-8859-1")], body=body)
    assert out.links[0].anchor_text == "Café crème"


def test_meta_charset_decides_when_http_says_nothing(extract_one):
    body = page('<a href="/a">Привет</a>', '<meta charset="windows-1251">').encode("cp1251")
    out = extract_one(headers=[("Content-Type", "text/html")], body=body)
    assert out.links[0].anchor_text == "Привет"


def test_invalid_utf8_is_replaced_not_fatal(extract_one):
    body = page('<a href="/a">bad \xff\xfe bytes</a>').encode("latin-1")
    out = extract_one(headers=[("Content-Type", "text/html; charset=utf-8")], body=body)
    assert out.links[0].anchor_text == "bad \ufffd\ufffd bytes"


def test_chunked_payloads_are_dechunked(extract_one):
    html = page('<a href="/chunked">c</a>').encode()
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(html), html)
    headers = [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")]
    out = extract_one(headers=headers, body=body)
    assert targets(out) == ["http://example.com/chunked"]


def test_a_target_uri_that_is_not_http_skips_the_record(extract_one):
    out = extract_one(url="dns:example.com", body=b"1.2.3.4")
    assert (out.page, out.skip) == (None, reasons.BAD_URL)


def test_urls_are_canonicalized(extract_one):
    out = extract_one(url="HTTP://WWW.Example.COM:80/a/./b/../c", body=page('<a href="d">d</a>'))
    assert out.page.url == "http://www.example.com/a/c"
    assert targets(out) == ["http://www.example.com/a/d"]


def test_head_elements_after_a_noscript_pixel_still_count(extract_one):
    # Without scripting, <noscript><img> ends <head>: the canonical and robots meta after it
    # land in <body> but are still the page's.
    head = (
        '<noscript><img src="https://px.example/p.gif"></noscript>'
        '<link rel="canonical" href="/main"><meta name="robots" content="nofollow">'
        "<title>After</title>"
    )
    out = extract_one(body=page('<a href="/a">a</a>', head))
    assert sorted((x.target_url, x.rel_canonical, x.nofollow) for x in out.links) == [
        ("http://example.com/a", False, True),
        ("http://example.com/main", True, True),
    ]
    assert out.page.title == "After"


def test_the_first_base_href_is_the_one_that_counts(extract_one):
    head = '<base href="http://one.example/"><base href="http://two.example/">'
    out = extract_one(body=page('<a href="x">x</a>', head))
    assert [x.target_url for x in out.links] == ["http://one.example/x"]


@pytest.mark.parametrize("label", ["bogus-charset", "base64", '"utf-8"'])
def test_an_unusable_http_charset_falls_back_to_detection(extract_one, label):
    body = page('<a href="/a">Caf\xe9</a>', '<meta charset="utf-8">').encode()
    out = extract_one(headers=[("Content-Type", f"text/html; charset={label}")], body=body)
    assert [(x.target_url, x.anchor_text) for x in out.links] == [("http://example.com/a", "Café")]


def test_the_first_title_counts_even_when_empty(extract_one):
    out = extract_one(body=page("<svg><title>Icon</title></svg>", "<title> </title>"))
    assert out.page.title is None
