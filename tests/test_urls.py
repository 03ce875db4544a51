"""One test per canonicalization rule of docs/urls.md (linkindex.urls)."""

from __future__ import annotations

import pytest

from linkindex.urls import (
    SCOPES,
    TARGET_CACHE_CHARS,
    BadURL,
    cached_parse_target,
    canonicalize,
    parse_target,
)


def url(raw: str, base: str | None = None) -> str:
    return canonicalize(raw, base).url


# --- scheme ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "ftp://example.com/file",
        "mailto:someone@example.com",
        "javascript:void(0)",
        "file:///usr/share/doc/index.html",
        "data:text/html,hi",
        "/relative/path",
        "example.com/no-scheme",
    ],
)
def test_only_http_and_https_are_accepted(raw: str) -> None:
    with pytest.raises(BadURL):
        canonicalize(raw)


def test_scheme_is_lowercased() -> None:
    assert url("HTTPS://example.com/") == "https://example.com/"


def test_scheme_is_not_part_of_a_page_identity() -> None:
    plain, secure = canonicalize("http://example.com/a"), canonicalize("https://example.com/a")
    assert plain.page == secure.page == "example.com/a"
    assert plain.url == "http://example.com/a" and secure.url == "https://example.com/a"


# --- host -----------------------------------------------------------------------------------


def test_host_is_lowercased() -> None:
    assert url("http://WWW.Example.COM/Path") == "http://www.example.com/Path"


def test_international_host_is_idna_encoded() -> None:
    c = canonicalize("http://Bücher.example/")
    assert c.subdomain == "xn--bcher-kva.example"
    assert c.url == "http://xn--bcher-kva.example/"


def test_trailing_dot_of_host_is_removed() -> None:
    assert url("http://example.com./") == "http://example.com/"


@pytest.mark.parametrize("raw", ["http:///path", "http://exa mple.com/", "http://a..b.com/"])
def test_url_without_a_valid_host_is_rejected(raw: str) -> None:
    with pytest.raises(BadURL):
        canonicalize(raw)


def test_userinfo_is_dropped() -> None:
    assert url("http://user:secret@example.com/") == "http://example.com/"


# --- port -----------------------------------------------------------------------------------


def test_default_port_is_dropped() -> None:
    assert url("http://example.com:80/a") == "http://example.com/a"
    assert url("https://example.com:443/a") == "https://example.com/a"
    assert url("http://example.com:/a") == "http://example.com/a"


def test_other_port_is_kept_in_the_page_but_not_the_subdomain() -> None:
    c = canonicalize("http://example.com:8080/a")
    assert c.url == "http://example.com:8080/a"
    assert c.page == "example.com:8080/a"
    assert c.subdomain == "example.com"


def test_default_port_of_the_other_scheme_is_kept() -> None:
    assert canonicalize("http://example.com:443/").page == "example.com:443/"
    assert canonicalize("https://example.com:80/").page == "example.com:80/"


def test_invalid_port_is_rejected() -> None:
    with pytest.raises(BadURL):
        canonicalize("http://example.com:99999/")


# --- percent-encoding -----------------------------------------------------------------------


def test_percent_encoded_unreserved_characters_are_decoded() -> None:
    assert url("http://example.com/%7Euser/%41%2d%5f%2E") == "http://example.com/~user/A-_."
    assert url("http://example.com/?q=%7e") == "http://example.com/?q=~"


def test_other_percent_encodings_get_uppercase_hex() -> None:
    assert (
        url("http://example.com/a%2fb%3f?x=%e2%82%ac") == "http://example.com/a%2Fb%3F?x=%E2%82%AC"
    )


def test_raw_spaces_and_non_ascii_are_percent_encoded() -> None:
    assert url("http://example.com/a b/é?q=ü x") == "http://example.com/a%20b/%C3%A9?q=%C3%BC%20x"


def test_stray_percent_sign_is_encoded_as_an_escape() -> None:
    assert url("http://example.com/100%") == "http://example.com/100%25"


def test_tabs_and_newlines_inside_the_url_are_removed() -> None:
    assert url("http://example.com/a\n\tb") == "http://example.com/ab"


# --- path -----------------------------------------------------------------------------------


def test_dot_segments_are_removed() -> None:
    assert url("http://example.com/a/./b/../c") == "http://example.com/a/c"
    assert url("http://example.com/../../x") == "http://example.com/x"
    assert url("http://example.com/a/b/.") == "http://example.com/a/b/"
    assert url("http://example.com/a/%2E%2E/b") == "http://example.com/b"


def test_empty_path_becomes_slash() -> None:
    assert url("http://example.com") == "http://example.com/"
    assert url("http://example.com?q=1") == "http://example.com/?q=1"


def test_trailing_slash_is_kept_as_it_is() -> None:
    assert canonicalize("http://example.com/docs/").page == "example.com/docs/"
    assert canonicalize("http://example.com/docs").page == "example.com/docs"


def test_path_case_and_repeated_slashes_are_kept() -> None:
    assert url("http://example.com//A//b") == "http://example.com//A//b"


# --- fragment and query ---------------------------------------------------------------------


def test_fragment_is_dropped() -> None:
    assert url("http://example.com/a?x=1#section") == "http://example.com/a?x=1"


def test_query_is_kept_as_it_is() -> None:
    assert url("http://example.com/s?b=2&a=1+2&a=3") == "http://example.com/s?b=2&a=1+2&a=3"


def test_empty_query_is_dropped() -> None:
    assert url("http://example.com/a?") == "http://example.com/a"


# --- relative links -------------------------------------------------------------------------


def test_relative_link_is_resolved_against_its_base() -> None:
    base = "https://docs.python.org/3.11/library/os.html#os.walk"
    assert url("../tutorial/index.html", base) == "https://docs.python.org/3.11/tutorial/index.html"
    assert url("#top", base) == "https://docs.python.org/3.11/library/os.html"
    assert url("?x=1", base) == "https://docs.python.org/3.11/library/os.html?x=1"
    assert url("//example.com/a", base) == "https://example.com/a"


def test_canonical_url_is_a_fixed_point() -> None:
    for raw in [
        "HTTP://Ex.COM:80/a/../%7e b?q=%2f#f",
        "http://bücher.example/ä",
        "http://[::1]:80",
    ]:
        once = canonicalize(raw)
        assert canonicalize(once.url) == once


def test_canonical_url_is_a_fixed_point_after_decoding_builds_a_new_escape() -> None:
    once = canonicalize("http://example.com/%%34%31")
    assert canonicalize(once.url) == once


# --- subdomain and root domain --------------------------------------------------------------


def test_www_is_kept_as_a_distinct_subdomain() -> None:
    www, bare = canonicalize("http://www.example.com/"), canonicalize("http://example.com/")
    assert www.page == "www.example.com/" and bare.page == "example.com/"
    assert www.subdomain == "www.example.com" and bare.subdomain == "example.com"
    assert www.root_domain == bare.root_domain == "example.com"


def test_root_domain_is_the_registered_domain_under_the_public_suffix_list() -> None:
    assert canonicalize("http://a.b.example.co.uk/").root_domain == "example.co.uk"
    assert canonicalize("http://docs.python.org/").root_domain == "python.org"
    assert canonicalize("http://foo.bar.公司.cn/").root_domain == "bar.xn--55qx5d.cn"


def test_private_suffix_section_makes_foo_github_io_its_own_root_domain() -> None:
    assert canonicalize("https://foo.github.io/x").root_domain == "foo.github.io"
    assert canonicalize("https://a.foo.github.io/").root_domain == "foo.github.io"
    assert canonicalize("https://django.readthedocs.io/").root_domain == "django.readthedocs.io"


def test_bare_public_suffix_is_its_own_root_domain() -> None:
    assert canonicalize("https://github.io/").root_domain == "github.io"
    assert canonicalize("http://localhost:8000/").root_domain == "localhost"


def test_ip_address_is_its_own_root_domain() -> None:
    v4 = canonicalize("http://192.0.2.10:8080/a")
    assert v4.subdomain == v4.root_domain == "192.0.2.10"
    assert v4.page == "192.0.2.10:8080/a"
    v6 = canonicalize("http://[2001:DB8:0::1]/")
    assert v6.subdomain == v6.root_domain == "[2001:db8::1]"
    assert v6.page == "[2001:db8::1]/"


def test_international_host_is_encoded_as_browsers_do() -> None:
    assert canonicalize("http://faß.de/").subdomain == "xn--fa-hia.de"


# --- scopes ---------------------------------------------------------------------------------


def test_scope_keys_are_page_subdomain_and_root_domain() -> None:
    c = canonicalize("https://Blog.Example.co.uk:8443/a/../post?id=7#c")
    assert SCOPES == ("page", "subdomain", "root_domain")
    assert c.key("page") == "blog.example.co.uk:8443/post?id=7"
    assert c.key("subdomain") == "blog.example.co.uk"
    assert c.key("root_domain") == "example.co.uk"


# --- API targets ----------------------------------------------------------------------------


def test_api_target_without_a_scheme_gets_http() -> None:
    assert parse_target("moz.com/blog").url == "http://moz.com/blog"
    assert parse_target("  www.moz.com ").url == "http://www.moz.com/"
    assert parse_target("//moz.com/x").url == "http://moz.com/x"


def test_api_target_with_a_scheme_keeps_it() -> None:
    assert parse_target("https://moz.com/blog").url == "https://moz.com/blog"
    assert parse_target("https://moz.com/blog").page == parse_target("moz.com/blog").page


def test_empty_api_target_is_rejected() -> None:
    with pytest.raises(BadURL):
        parse_target("   ")


def test_api_target_without_a_scheme_may_hold_a_url_in_its_query() -> None:
    assert parse_target("moz.com/r?to=https://x.com").url == "http://moz.com/r?to=https://x.com"


def test_api_target_with_a_non_http_scheme_and_no_slashes_is_rejected() -> None:
    with pytest.raises(BadURL):
        parse_target("mailto:someone@example.com")


def test_api_target_with_a_port_and_no_scheme_is_a_host_and_port() -> None:
    assert parse_target("moz.com:8080/x").page == "moz.com:8080/x"


def test_backslash_before_the_query_is_a_slash_as_in_browsers() -> None:
    assert canonicalize("http://t.com\\@evil.com/").subdomain == "t.com"
    assert url("x\\y", base="http://a.com/b/c") == "http://a.com/b/x/y"
    assert url("http://a.com/p?q=a\\b") == "http://a.com/p?q=a%5Cb"


def test_port_0_is_rejected() -> None:
    with pytest.raises(BadURL):
        canonicalize("http://a.com:0/")


def test_full_width_trailing_dot_is_stripped_like_a_dot() -> None:
    assert parse_target("t.com\u3002").page == "t.com/"


def test_host_longer_than_dns_allows_is_rejected() -> None:
    with pytest.raises(BadURL):
        canonicalize("http://" + "a" * 64 + ".com/")
    with pytest.raises(BadURL):
        canonicalize("http://" + ".".join(["a" * 60] * 5) + "/")


def test_the_apis_canonicalize_a_repeated_target_once_and_never_remember_a_bad_one():
    first = cached_parse_target("MOZ.com/Blog/../x")
    assert first == parse_target("MOZ.com/Blog/../x")
    assert cached_parse_target("MOZ.com/Blog/../x") is first
    for _ in range(2):
        with pytest.raises(BadURL):
            cached_parse_target("ftp://moz.com/")


def test_the_apis_remember_only_short_targets_so_the_memory_is_bounded_in_bytes():
    long_target = "moz.com/" + "a" * TARGET_CACHE_CHARS
    first = cached_parse_target(long_target)
    assert first == parse_target(long_target)
    assert cached_parse_target(long_target) is not first  # parsed again, not kept
