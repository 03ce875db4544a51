"""Spam Score signals: each rule of docs/metrics.md on a small crafted site that trips only it."""

from __future__ import annotations

import numpy as np
import pytest
from build_engines import duckdb_only_for_time
from records_factory import Crawl

from linkindex.index.snapshot import Snapshot
from linkindex.scoring.spam_signals import MANIPULATION_SIGNALS, SIGNAL_NAMES
from linkindex.urls import parse_target

LONG_ANCHOR = "a long descriptive anchor text about gardening tools " * 4


def site(
    crawl: Crawl,
    domain: str,
    *,
    pages: int = 4,
    scheme: str = "https",
    text_chars: int = 2000,
    content_bytes: int = 10000,
    contact_links: int = 1,
    title: str = "Notes on gardening",
    internal: int = 1,
    external: tuple[tuple[str, str, bool], ...] = (("https://neutral.org/", "neutral org", False),),
) -> list[str]:
    """A clean site: its pages link to each other ``internal`` times (home in <nav>) and out."""
    urls = [f"{scheme}://{domain}/" + ("" if i == 0 else f"p{i}") for i in range(pages)]
    for url in urls:
        crawl.page(url, title=title, text_chars=text_chars, content_bytes=content_bytes,
                   contact_links=contact_links)  # fmt: skip
        for other in urls:
            for _ in range(internal if other != url else 0):
                crawl.link(url, other, anchor="section", in_nav=other == urls[0])
        for target, anchor, in_nav in external:
            crawl.link(url, target, anchor=anchor, in_nav=in_nav)
    return urls


def linkers(crawl: Crawl, target: str, count: int, *, anchor: str, prefix: str, **kw) -> None:
    """``count`` one-page root domains linking to ``target``."""
    for i in range(count):
        source = f"https://{prefix}{i}.com/"
        crawl.page(source)
        crawl.link(source, target, anchor=anchor, **kw)


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory, engine) -> Snapshot:
    from linkindex.home import Home

    home = Home(tmp_path_factory.mktemp("spam") / "home").ensure()
    crawl = Crawl("c1", "2026-02-01")
    site(crawl, "neutral.org")
    site(crawl, "cleansite.com")
    site(crawl, "cleansite.xyz")
    site(crawl, "averyveryverylongname.com")
    site(crawl, "shop-24.com")
    site(crawl, "xkcdqz.com")
    site(crawl, "tiny.com", pages=2, internal=3)
    site(crawl, "thin.com", text_chars=120, content_bytes=2000)
    site(crawl, "bloated.com", text_chars=400, content_bytes=100_000)
    many = tuple((f"https://out{i}.net/", "partner", False) for i in range(30))
    site(crawl, "outlinks.com", external=many)
    site(crawl, "lonely.com", internal=0)
    site(crawl, "anchors.com", external=tuple((f"https://read{i}.org/", LONG_ANCHOR, False)
                                               for i in range(4)))  # fmt: skip
    navs = tuple((f"https://nav{i}.net/", "sponsor", True) for i in range(4))
    site(crawl, "navspam.com", external=navs)
    site(crawl, "nocontact.com", contact_links=0)
    site(crawl, "pills.com", title="cheap viagra here")
    site(
        crawl, "casinolinks.com", external=(("https://neutral.org/", "casino bonus codes", False),)
    )
    site(crawl, "plain.com", scheme="http")
    # Link-neighbourhood signals. A ring of 20 one-page sites is the web's organic body.
    ring = [f"https://body{i}.org/" for i in range(20)]
    for i, url in enumerate(ring):
        crawl.page(url)
        crawl.link(url, ring[(i + 1) % 20], anchor="next")
    spread = tuple((f"https://spread{i}.net/", "partner", False) for i in range(3))
    insurance = tuple((f"https://ins{i}.net/", "cheap insurance quotes", False) for i in range(4))
    site(crawl, "seller.com", external=insurance)
    pushed = (("https://client.net/", "cheap insurance quotes", False),) + spread
    for name in ("reachedpusher", "pusher1", "pusher2"):
        site(crawl, f"{name}.com", external=pushed)
    site(crawl, "lonepusher.com", external=pushed)  # nothing in the main body links to it
    site(crawl, "client.net")  # the pushed site: four root domains link to it with a keyword
    # A site linking into a network: the two sites it links to link out, and only it links
    # to them, so the organic body does not reach them.
    tier = tuple((f"https://tierone{i}.com/", "partner", False) for i in range(2))
    site(crawl, "tiertwo.com", external=tier)
    for i in range(2):
        crawl.page(f"https://tierone{i}.com/")
        crawl.link(f"https://tierone{i}.com/", "https://client.net/", anchor="client")
    for target in ("seller", "reachedpusher", "pusher1", "pusher2"):
        crawl.link(ring[0], f"https://{target}.com/", anchor=target)
    site(crawl, "nofollowed.com")
    linkers(crawl, "https://nofollowed.com/", 10, anchor="nofollowed", prefix="nf", nofollow=True)
    site(crawl, "unbranded.com")
    site(crawl, "commentlinked.com")  # linked only from comment sections, which it wrote in
    linkers(crawl, "https://commentlinked.com/", 3, anchor="commentlinked", prefix="cm",
            in_comments=True)  # fmt: skip
    linkers(crawl, "https://commentlinked.com/", 1, anchor="commentlinked", prefix="co")
    site(crawl, "ugclinked.com")  # the same, its linkers marking the links ugc instead
    linkers(crawl, "https://ugclinked.com/", 3, anchor="ugclinked", prefix="ug", ugc=True)
    linkers(crawl, "https://ugclinked.com/", 1, anchor="ugclinked", prefix="uo")
    linkers(crawl, "https://unbranded.com/", 5, anchor="click here", prefix="ub")
    # A control for the inbound rules: 10 linking root domains, some nofollow, branded.
    site(crawl, "wellknown.com")
    linkers(crawl, "https://wellknown.com/", 8, anchor="wellknown", prefix="wk")
    linkers(crawl, "https://wellknown.com/", 2, anchor="WellKnown", prefix="wn", nofollow=True)
    crawl.write(home.crawls)
    return Snapshot(home.snapshots / engine.build(home).snapshot)


def signals(snapshot: Snapshot, root_domain: str) -> tuple[set[str], dict]:
    scores = snapshot.root_domain_scores(root_domain)
    assert scores is not None
    return set(scores["spam_hits"]), scores["spam_signals"]


def test_a_clean_site_hits_no_signal(snapshot):
    assert signals(snapshot, "cleansite.com")[0] == set()
    assert signals(snapshot, "wellknown.com")[0] == set()


@pytest.mark.parametrize(
    ("root_domain", "signal", "measured", "also_hit"),
    [
        ("cleansite.xyz", "spam_tld", 1, set()),
        ("averyveryverylongname.com", "long_domain_name", 21, set()),
        ("shop-24.com", "numerals_and_hyphens", 3, set()),
        ("xkcdqz.com", "consonant_run", 6, set()),
        ("thin.com", "thin_content", 120, set()),
        ("bloated.com", "markup_heavy", 0.004, set()),
        ("outlinks.com", "many_external_links", 30, set()),
        ("lonely.com", "few_internal_links", 0, set()),
        ("anchors.com", "anchor_text_heavy", 0.424, set()),
        ("navspam.com", "external_links_in_navigation", 0.8421, set()),
        ("nocontact.com", "no_contact_info", 0, set()),
        ("pills.com", "poison_words_in_titles", 1, set()),
        ("casinolinks.com", "poison_words_in_anchors", 1, set()),
        ("plain.com", "no_https", 0, set()),
        ("nofollowed.com", "skewed_follow_ratio", 1, set()),
        ("unbranded.com", "few_branded_anchors", 0, set()),
        ("seller.com", "money_anchors", 1, set()),
        ("reachedpusher.com", "links_to_pushed_sites", 0.25, {"money_anchors"}),
        ("lonepusher.com", "unreached_pusher", 1, {"money_anchors", "links_to_pushed_sites"}),
        ("client.net", "keyword_linked", 1, set()),
        # Nothing organic links to them but their own comments: they place links, unreached.
        ("commentlinked.com", "comment_linked", 1, {"unreached_pusher"}),
        ("ugclinked.com", "comment_linked", 1, {"skewed_follow_ratio", "unreached_pusher"}),
        ("tiertwo.com", "links_into_a_network", 1, set()),
    ],
)
def test_each_signal_hits_on_its_crafted_site_and_only_there(snapshot, root_domain, signal,
                                                             measured, also_hit):  # fmt: skip
    hit, values = signals(snapshot, root_domain)
    assert hit == {signal} | also_hit
    assert values[signal] == pytest.approx(measured, abs=1e-3)


def test_every_signal_has_a_crafted_site():
    crafted = test_each_signal_hits_on_its_crafted_site_and_only_there.pytestmark[0].args[1]
    assert {row[1] for row in crafted} == set(SIGNAL_NAMES)


def test_inbound_signals_are_not_evaluated_without_enough_links(snapshot):
    values = signals(snapshot, "cleansite.com")[1]
    for signal in ("skewed_follow_ratio", "few_branded_anchors"):
        assert values[signal] is None


def test_without_evidence_of_manipulation_a_site_stays_below_50():
    # Page and name signals, however many and however weighed, and none of manipulation: thin,
    # lonely, odd-named sites are common on real crawls, and alone they never reach 50.
    from linkindex.scoring.spam_model import UNMANIPULATED_CAP, SpamModel

    model = SpamModel(-3.0, {name: 1.0 for name in SIGNAL_NAMES}, {})
    pages = np.array([[n not in MANIPULATION_SIGNALS for n in SIGNAL_NAMES]])
    assert model.probability(pages)[0] * 100 > UNMANIPULATED_CAP  # the model alone says more
    assert model.scores(pages)[0] == UNMANIPULATED_CAP < 50
    money = np.array([[p or n == "money_anchors" for p, n in zip(pages[0], SIGNAL_NAMES,
                                                                 strict=True)]])  # fmt: skip
    assert model.scores(money)[0] > 50


def test_a_root_domain_seen_on_fewer_than_3_pages_gets_no_spam_score(snapshot):
    # tiny.com answered 200 on two pages: too little to say what share of such sites is spam.
    assert snapshot.url_metrics(parse_target("tiny.com"))["spam_score"] == -1


def test_a_root_domain_without_a_200_page_has_spam_score_minus_one(snapshot):
    # out0.net is only ever a link target: nothing is known about its pages.
    assert snapshot.url_metrics(parse_target("out0.net"))["spam_score"] == -1
    assert snapshot.root_domain_scores("out0.net")["spam_signals"] == {}


def test_a_crawled_root_domain_gets_a_spam_score_between_1_and_100(snapshot):
    for root_domain in ("cleansite.com", "pills.com", "seller.com"):
        assert 1 <= snapshot.url_metrics(parse_target(root_domain))["spam_score"] <= 100


def _ring(crawl: Crawl, n: int = 6) -> list[str]:
    """n one-page sites linking round a cycle: an organic body for the webs below."""
    urls = [f"https://body{i}.org/" for i in range(n)]
    for i, url in enumerate(urls):
        crawl.page(url)
        crawl.link(url, urls[(i + 1) % n], anchor="next")
    return urls


def _built(engine, folder, *crawls: Crawl) -> Snapshot:
    from linkindex.home import Home

    home = Home(folder).ensure()
    for crawl in crawls:
        crawl.write(home.crawls)
    return Snapshot(home.snapshots / engine.build(home).snapshot)


@duckdb_only_for_time
def test_a_network_of_two_page_sites_gets_no_score_but_passes_no_authority(engine, tmp_path):
    # Too thin for a public Spam Score, yet their links are weighed by what was seen of them.
    crawl = Crawl("c1", "2026-02-01")
    _ring(crawl)
    site(crawl, "client.net")
    for i in range(30):
        site(crawl, f"sat{i}.info", pages=2, text_chars=100, contact_links=0,
             external=(("https://client.net/", "cheap car insurance quotes", False),))  # fmt: skip
    snapshot = _built(engine, tmp_path, crawl)
    assert snapshot.url_metrics(parse_target("sat0.info"))["spam_score"] == -1
    assert snapshot.root_domain_scores("sat0.info")["trust"] == 0
    assert snapshot.url_metrics(parse_target("client.net"))["domain_authority"] == 1


# What counts as a keyword anchor (docs/metrics.md, "Keyword anchors"): a commercial or poison
# word, or a phrase chosen for the site, never its name; and only the links a site vouches for.
def phrase_linkers(crawl: Crawl, target: str, anchor: str, prefix: str) -> None:
    """Three crawled sites, each linking ``target`` with ``anchor`` from every page."""
    for i in range(3):
        site(crawl, f"{prefix}{i}.com", external=((target, anchor, False),))


@pytest.fixture(scope="module")
def keyword_web(tmp_path_factory, engine) -> Snapshot:
    crawl = Crawl("c1", "2026-02-01")
    _ring(crawl)
    for domain in ("phrased.net", "versioned.net", "generic.net", "many1.net", "many2.net",
                   "many3.net"):  # fmt: skip
        site(crawl, domain)
    site(crawl, "titled.net", title="Springfield Roof Repair Experts")
    phrase_linkers(crawl, "https://phrased.net/", "Roof Repair Springfield", "ph")
    phrase_linkers(crawl, "https://titled.net/", "springfield roof repair", "ti")
    phrase_linkers(crawl, "https://versioned.net/", "Release 2.9.0", "ve")
    phrase_linkers(crawl, "https://generic.net/", "Read more", "ge")
    for i in (1, 2, 3):  # one phrase for three sites: a description, not a chosen keyword
        phrase_linkers(crawl, f"https://many{i}.net/", "garden tools", f"m{i}x")
    # The same money links on three sites: one places them, the others' comments carry them.
    for domain, rel in (
        ("placed.com", {}),
        ("commented.com", {"ugc": True, "nofollow": True}),
        ("followedcomments.com", {"in_comments": True}),
    ):
        for url in site(crawl, domain):
            crawl.link(url, "https://client.net/", anchor="cheap insurance quotes", **rel)
    return _built(engine, tmp_path_factory.mktemp("keywords") / "home", crawl)


def test_a_phrase_three_sites_link_a_site_with_makes_its_linkers_pushers(keyword_web):
    # No commercial word in it: the same unnamed phrase from several linkers is a keyword, so
    # the site is pushed and each of them links to a pushed site with it.
    assert "links_to_pushed_sites" in signals(keyword_web, "ph0.com")[0]
    # Not keyword_linked: that needs a commercial or poison word (a standards body's specs are
    # linked by their titles, which the crawl may not have seen).
    assert "keyword_linked" not in signals(keyword_web, "phrased.net")[0]


@pytest.mark.parametrize(
    ("linker", "why"),
    [
        ("ti0.com", "the phrase is in one of the target's page titles: its name"),
        ("ve0.com", "a phrase with digits names a thing (a version, an RFC)"),
        ("ge0.com", "a generic anchor"),
        ("m1x0.com", "the phrase links three sites: a description"),
    ],
)
def test_a_phrase_that_is_not_chosen_for_the_site_does_not_push_it(keyword_web, linker, why):
    assert "links_to_pushed_sites" not in signals(keyword_web, linker)[0], why


def test_links_a_site_marks_ugc_or_nofollow_are_not_its_own_pushing(keyword_web):
    assert "money_anchors" in signals(keyword_web, "placed.com")[0]
    assert "money_anchors" not in signals(keyword_web, "commented.com")[0]


def test_followed_links_in_a_sites_comments_are_not_its_own_pushing(keyword_web):
    # A blog whose comment section lets followed links through is not the one who placed them.
    assert "money_anchors" not in signals(keyword_web, "followedcomments.com")[0]
