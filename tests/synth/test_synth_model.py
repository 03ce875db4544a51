"""Tests of linkindex.synth.model: determinism, canonical forms, hubs, farm and crawl dynamics.

The web is checked against linkindex.urls, never against index code.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from linkindex.synth import SynthParams, Web, build_web
from linkindex.synth.model import NORMAL
from linkindex.urls import canonicalize


def test_same_seed_same_web(web: Web) -> None:
    again = build_web(SynthParams())
    assert again.page_urls == web.page_urls
    for name in ("link_src", "link_dst", "link_rel", "link_added", "link_removed", "captured"):
        assert np.array_equal(getattr(again, name), getattr(web, name)), name
    other = build_web(SynthParams(seed=8))
    assert other.page_urls != web.page_urls


def test_urls_are_canonical(web: Web) -> None:
    for p in range(web.n_pages):
        c = canonicalize(web.page_urls[p])
        assert c.url == web.page_urls[p]
        assert c.page == web.page_keys[p]
        assert c.subdomain == web.subdomain(p)
        assert c.root_domain == web.root_domain(p)
    assert len(set(web.page_keys)) == web.n_pages


def test_multi_label_suffixes_and_subdomains(web: Web) -> None:
    roots = set(web.domain_names)
    assert any(r.endswith(".co.uk") for r in roots)
    assert len(web.host_names) > len(roots)  # some domains have several hosts


def test_in_degree_is_heavy_tailed(web: Web) -> None:
    # Inbound root domains per normal page from live rows: the top 1 % hold a large share.
    inbound: dict[int, set[int]] = defaultdict(set)
    for p in range(web.n_pages):
        caps = web.captured[p].nonzero()[0]
        if len(caps):
            for dst, _, _ in web.rows(p, int(caps[-1])):
                if web.page_domain[dst] != web.page_domain[p]:
                    inbound[dst].add(int(web.page_domain[p]))
    normal = web.domain_kind[web.page_domain] == NORMAL
    counts = sorted((len(v) for p, v in inbound.items() if normal[p]), reverse=True)
    top = max(1, web.n_pages // 100)
    assert sum(counts[:top]) / sum(counts) > 0.10  # 10x the share of a uniform web
    assert counts[0] > 20 * np.median(counts)


def test_planted_link_farm(web: Web) -> None:
    spam = [d for d in range(len(web.domain_names)) if web.domain_farm[d]]
    assert len(spam) == SynthParams().spam_domains
    for d in spam:
        name = web.domain_names[d]
        assert name.count("-") >= 3 and any(ch.isdigit() for ch in name)
    spam_pages = np.flatnonzero(web.domain_farm[web.page_domain])
    farm_links = np.isin(web.link_src, spam_pages)
    dst_dom = web.page_domain[web.link_dst[farm_links]]
    assert web.domain_farm[dst_dom].mean() > 0.5  # they mostly link to each other
    assert np.isin(web.link_dst[farm_links], web.farm_targets).sum() > 0


def test_crawls_change(web: Web) -> None:
    C = web.n_crawls
    assert [d.isoformat() for d in web.crawl_dates] == ["2026-01-15", "2026-03-15", "2026-05-15"]
    assert (web.link_removed < C).any() and (web.link_added > 0).any()
    assert (web.page_death < C).any()
    assert not web.captured[:, 1:].all()  # not every page is recrawled
    gone = np.flatnonzero((web.page_death < C) & web.captured[:, C - 1])
    assert any(web.status(int(p), C - 1) == 404 for p in gone)
    assert (web.page_redirect >= 0).any()


def test_links_parameter_is_met() -> None:
    w = build_web(SynthParams(root_domains=200, links=50_000))
    rows = sum(int(w.visible_slots(k).sum()) + len(w.redirect_pages(k)) for k in range(3))
    assert rows == 50_000


def test_too_few_links_for_the_menus_is_an_error() -> None:
    with pytest.raises(ValueError, match="ask for more links or fewer root_domains"):
        build_web(SynthParams(root_domains=200, links=1_000))
