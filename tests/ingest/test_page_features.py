"""The page features the Spam Score reads: text_chars, contact_links, in_nav and in_comments.

Each page goes through a real WARC file (warcio), the reader and extract().
"""

from __future__ import annotations

import random
import sys

import pytest

from linkindex.ingest import reasons
from linkindex.ingest.htmllinks import LAST_SPACE, fold, folded_length, parse_document


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def nav_flags(extraction) -> list[tuple[str, bool]]:
    return [(x.target_url.rsplit("/", 1)[1], x.in_nav) for x in extraction.links]


# text_chars


def test_text_chars_is_the_length_of_the_pages_text(extract_one):
    out = extract_one(body=page("<p>Hello <b>big</b> world</p>"))
    assert out.page.text_chars == len("Hello big world")


def test_text_chars_excludes_script_and_style(extract_one):
    head = "<style>body { color: red }</style><script>var x = 1;</script>"
    body = page("<p>visible</p><script>document.write('no')</script><style>p{}</style>", head)
    assert extract_one(body=body).page.text_chars == len("visible")


def test_text_chars_excludes_noscript_and_template(extract_one):
    body = page("<p>shown</p><noscript>enable JS</noscript><template><p>later</p></template>")
    assert extract_one(body=body).page.text_chars == len("shown")


def test_text_chars_folds_whitespace(extract_one):
    body = page("\n  <p>one \t two</p>\n\n<p>\u00a0three\u2003four </p>  \n")
    assert extract_one(body=body).page.text_chars == len("one two three four")


def test_text_chars_concatenates_text_nodes_as_anchor_text_does(extract_one):
    # Text nodes join without a separator, as the document's text does: <p>a</p><p>b</p> is "ab".
    assert extract_one(body=page("<p>ab</p><p>cd</p>")).page.text_chars == 4


def test_text_chars_includes_the_title(extract_one):
    out = extract_one(body=page("<p>body</p>", "<title>Title</title>"))
    assert out.page.text_chars == len("Titlebody")


def test_text_chars_counts_characters_not_bytes(extract_one):
    assert extract_one(body=page("<p>café 😀</p>")).page.text_chars == 6


def test_text_chars_of_an_empty_page_is_zero(extract_one):
    assert extract_one(body=page("  \n ")).page.text_chars == 0


def test_text_chars_of_an_error_page_is_counted(extract_one):
    out = extract_one(status="404 Not Found", body=page("<p>Not found</p>"))
    assert (out.page.http_status, out.page.text_chars) == (404, len("Not found"))


def test_text_chars_and_contact_links_are_null_for_pages_not_parsed(extract_one):
    image = extract_one(headers=[("Content-Type", "image/png")], body=b"\x89PNG")
    moved = extract_one(
        status="301 Moved Permanently",
        headers=[("Location", "/new"), ("Content-Type", "text/html")],
        body=page('<p>moved</p><a href="mailto:a@b.c">m</a>'),
    )
    assert image.skip == reasons.NOT_HTML
    for out in (image, moved):
        assert (out.page.text_chars, out.page.contact_links) == (None, None)


def test_folded_length_is_the_length_of_fold():
    alphabet = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    alphabet += ["a", "é", "€", "😀", "\x00", "\ud800"]
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert folded_length(text) == len(fold(text, sys.maxsize)), repr(text)


def test_no_whitespace_above_the_table_of_folded_length():
    assert chr(LAST_SPACE).isspace()
    assert not any(chr(c).isspace() for c in range(LAST_SPACE + 1, sys.maxunicode + 1))


# contact_links


def test_mailto_and_tel_hrefs_are_counted_in_contact_links_and_make_no_link_row(extract_one):
    body = page(
        '<a href="mailto:a@example.com">mail</a><a href="tel:+4912345">call</a>'
        '<map><area href="mailto:b@example.com" alt="m"></map><a href="/kept">k</a>'
    )
    out = extract_one(body=body)
    assert out.page.contact_links == 3
    assert [x.target_url for x in out.links] == ["http://example.com/kept"]
    assert out.dropped == {reasons.LINK_NON_HTTP: 3}


def test_contact_link_schemes_are_case_insensitive_and_may_follow_whitespace(extract_one):
    body = page('<a href="MAILTO:a@x.org">a</a><a href="  Tel:123">b</a><a href="\ntel:4">c</a>')
    assert extract_one(body=body).page.contact_links == 3


def test_each_contact_href_counts_even_when_repeated(extract_one):
    body = page('<a href="mailto:a@x.org">a</a><a href="mailto:a@x.org">again</a>')
    assert extract_one(body=body).page.contact_links == 2


def test_other_non_http_hrefs_are_not_contact_links(extract_one):
    body = page(
        '<a href="javascript:void(0)">j</a><a href="sms:123">s</a><a href="/mailto:x">path</a>'
        '<a href="http://example.com/tel:1">url</a>'
    )
    assert extract_one(body=body).page.contact_links == 0


def test_a_canonical_mailto_is_not_a_contact_link(extract_one):
    out = extract_one(body=page("", '<link rel="canonical" href="mailto:a@x.org">'))
    assert out.page.contact_links == 0


def test_a_page_without_contact_links_has_zero(extract_one):
    assert extract_one(body=page('<a href="/a">a</a>')).page.contact_links == 0


# in_nav


def test_a_link_inside_nav_is_in_nav(extract_one):
    out = extract_one(body=page('<nav><ul><li><a href="/n">n</a></li></ul></nav>'))
    assert nav_flags(out) == [("n", True)]


@pytest.mark.parametrize("container", ["header", "footer", "menu"])
def test_a_link_inside_header_footer_or_menu_is_in_nav(extract_one, container):
    out = extract_one(body=page(f'<{container}><div><a href="/x">x</a></div></{container}>'))
    assert nav_flags(out) == [("x", True)]


@pytest.mark.parametrize("role", ["navigation", "NAVIGATION", "menubar navigation"])
def test_a_link_inside_role_navigation_is_in_nav(extract_one, role):
    out = extract_one(body=page(f'<div role="{role}"><span><a href="/r">r</a></span></div>'))
    assert nav_flags(out) == [("r", True)]


def test_other_roles_are_not_navigation(extract_one):
    out = extract_one(body=page('<div role="main"><a href="/m">m</a></div>'))
    assert nav_flags(out) == [("m", False)]


def test_a_body_link_is_not_in_nav(extract_one):
    body = page('<nav><a href="/n">n</a></nav><main><p><a href="/b">b</a></p></main>')
    assert nav_flags(extract_one(body=body)) == [("n", True), ("b", False)]


def test_an_area_inside_nav_is_in_nav(extract_one):
    body = page('<nav><map><area href="/in" alt="i"></map></nav><map><area href="/out"></map>')
    assert nav_flags(extract_one(body=body)) == [("in", True), ("out", False)]


def test_nested_navigation_containers_mark_a_link_once(extract_one):
    body = page(
        '<header role="navigation"><nav role="navigation"><a href="/h">h</a></nav></header>'
    )
    assert nav_flags(extract_one(body=body)) == [("h", True)]


def test_redirect_links_are_not_in_nav(extract_one):
    out = extract_one(
        status="302 Found",
        headers=[("Location", "/new"), ("Content-Type", "text/html")],
        body=page('<nav><a href="/n">n</a></nav>'),
    )
    assert [(x.redirect, x.in_nav) for x in out.links] == [(True, False)]


def test_canonical_links_are_not_in_nav(extract_one):
    out = extract_one(body=page('<header><link rel="canonical" href="/main"></header>'))
    assert [(x.rel_canonical, x.in_nav) for x in out.links] == [(True, False)]


def test_links_in_nav_keep_their_other_fields(extract_one):
    out = extract_one(body=page('<nav><a href="/n" rel="nofollow">  Home  </a></nav>'))
    [link] = out.links
    assert (link.anchor_text, link.nofollow, link.in_nav) == ("Home", True, True)


def test_parse_document_gives_the_same_features_without_a_warc():
    doc = parse_document(
        page('<nav><a href="/n">n</a></nav><p>x</p><script>y</script>').encode(), None
    )
    assert [(x.href, x.in_nav) for x in doc.links] == [("/n", True)]
    assert doc.text_chars == len("nx")


# in_comments


def comment_flags(extraction) -> list[tuple[str, bool]]:
    return [(x.target_url.rsplit("/", 1)[1], x.in_comments) for x in extraction.links]


@pytest.mark.parametrize(
    "container",
    [
        '<section id="comments"><ol><li>{}</li></ol></section>',  # the usual blog theme
        '<ol class="comment-list">{}</ol>',  # WordPress
        '<div class="commentlist"><div>{}</div></div>',  # older WordPress themes
        '<article class="comment even thread-even">{}</article>',
        '<div id="answer-123" class="answer js-answer">{}</div>',  # Stack Exchange
        '<div class="post answer">{}</div>',
    ],
)
def test_a_link_inside_a_comment_or_answer_section_is_in_comments(extract_one, container):
    out = extract_one(body=page(container.format('<a href="http://spam.example/c">c</a>')))
    assert comment_flags(out) == [("c", True)]


@pytest.mark.parametrize(
    "container",
    [
        '<div class="commentary">{}</div>',  # a word that only starts like one
        '<div class="Comments">{}</div>',  # names are matched in lower case, as CSS does
        '<div class="answered-questions">{}</div>',
        '<div id="main" class="post">{}</div>',
        "<p>{}</p>",
    ],
)
def test_other_sections_are_not_comments(extract_one, container):
    out = extract_one(body=page(container.format('<a href="http://a.example/x">x</a>')))
    assert comment_flags(out) == [("x", False)]


def test_a_link_in_a_comments_navigation_is_in_nav_and_in_comments(extract_one):
    body = page('<nav class="comment-navigation"><a href="/next">next</a></nav>')
    out = extract_one(body=body)
    assert (out.links[0].in_nav, out.links[0].in_comments) == (True, True)


def test_an_area_inside_comments_is_in_comments(extract_one):
    body = page('<div id="comments"><map><area href="/in" alt="i"></map></div>')
    assert comment_flags(extract_one(body=body)) == [("in", True)]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_comment_sections_are_found_in_a_utf16_page(encoding):
    html = page('<div id="comments"><a href="http://spam.example/c">c</a></div>')
    body = ("\ufeff" + html).encode("utf-16-le" if encoding == "utf-16" else encoding)
    [link] = parse_document(body, None).links
    assert link.in_comments


def test_comment_sections_are_found_in_a_page_of_a_declared_charset():
    html = page('<div class="comment">é <a href="http://spam.example/c">c</a></div>')
    [link] = parse_document(html.encode("latin-1"), "iso-8859-1").links
    assert link.in_comments
