"""Brand Authority: root domains linking with the brand's name, weighted by their own strength."""

from __future__ import annotations

import pytest
from records_factory import Crawl

from linkindex.index.snapshot import Snapshot


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory, engine) -> Snapshot:
    from linkindex.home import Home

    home = Home(tmp_path_factory.mktemp("brand") / "home").ensure()
    crawl = Crawl("c1", "2026-02-01")
    # strong.com is linked by five root domains; weak.com by none.
    for name in ("strong", "weak", "s1", "s2", "s3", "s4", "s5"):
        crawl.page(f"https://{name}.com/")
    for i in range(1, 6):
        crawl.link(f"https://s{i}.com/", "https://strong.com/")
    for i in range(3):
        source = f"https://fan{i}.com/"
        crawl.page(source)
        crawl.link(source, "https://acme.com/", anchor="Acme Tools")  # the brand, any case
        crawl.link(source, "https://plain.com/", anchor="click here")  # not its brand
        crawl.link(source, "https://ab.com/", anchor="ab")  # a brand too short to tell
    crawl.link("https://strong.com/", "https://nav-brand.org/", anchor="www.nav-brand.org")
    crawl.link("https://weak.com/", "https://weakly.org/", anchor="Weakly")
    crawl.write(home.crawls)
    return Snapshot(home.snapshots / engine.build(home).snapshot)


def brand(snapshot: Snapshot, root_domain: str) -> tuple[int, int]:
    scores = snapshot.root_domain_scores(root_domain)
    return scores["brand_authority"], scores["branded_linkers"]


def test_root_domains_linking_with_the_brand_name_count(snapshot):
    assert brand(snapshot, "acme.com")[1] == 3


def test_anchors_without_the_brand_name_do_not_count(snapshot):
    assert brand(snapshot, "plain.com") == (1, 0)


def test_brand_names_shorter_than_3_characters_never_match(snapshot):
    assert brand(snapshot, "ab.com") == (1, 0)


def test_a_navigational_anchor_naming_the_domain_counts(snapshot):
    assert brand(snapshot, "nav-brand.org")[1] == 1


def test_a_stronger_linking_domain_adds_more_brand_authority(snapshot):
    assert brand(snapshot, "nav-brand.org")[0] > brand(snapshot, "weakly.org")[0] >= 1


def test_brand_authority_is_the_one_scale_of_the_branded_linkers_votes(snapshot):
    # acme.com: three branded linkers, each an unlinked domain's vote of about its trust.
    import numpy as np

    from linkindex.scoring.calibration import moz_scale

    score, linkers = brand(snapshot, "acme.com")
    assert moz_scale().score(np.array([linkers * 0.9]))[0] <= score
    assert score <= moz_scale().score(np.array([linkers * 1.1]))[0]
