"""Tests of the planted spam: labels in the ground truth, traits visible in the HTML, and a
normal web that does not depend on how much spam is planted.

HTML is read back with selectolax; link structure with the model's own arrays.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from selectolax.lexbor import LexborHTMLParser
from synth_html import html_links

from linkindex.synth import SynthParams, Web, build_web, compute_truth, generate
from linkindex.synth.model import FARM, NOISE_TLDS, NORMAL, SPAM_SITE, SPAM_TLDS
from linkindex.synth.normal import NORMAL_TRAITS
from linkindex.synth.spam import SPAM_TRAITS
from linkindex.synth.text import POISON_WORDS
from linkindex.synth.warcs import render

_POISON = re.compile(r"\b(" + "|".join(POISON_WORDS) + r")\b")


@pytest.fixture(scope="module")
def spammy() -> Web:
    """A web with many spam sites, so every trait is planted on some and missing on others."""
    return build_web(SynthParams(seed=5, root_domains=120, spam_sites=80))


def _links(web: Web, kinds: set[int]) -> Counter:
    """Link slots between domains of the given kinds, by page key, with everything they carry."""
    kind = web.domain_kind[web.page_domain]
    keys = web.page_keys
    out: Counter = Counter()
    for i in np.flatnonzero(np.isin(kind[web.link_src], list(kinds))).tolist():
        s, d = int(web.link_src[i]), int(web.link_dst[i])
        if kind[d] in kinds:
            out[
                keys[s], keys[d], int(web.link_rel[i]), web.anchors[int(web.link_anchor[i])],
                int(web.link_added[i]), int(web.link_removed[i]), bool(web.link_nav[i]),
            ] += 1  # fmt: skip
    return out


def _pages(web: Web, kinds: set[int]) -> list[tuple]:
    """Every page of domains of the given kinds, with its life, captures and text."""
    return [
        (web.page_urls[p], int(web.page_birth[p]), int(web.page_death[p]),
         web.page_keys[int(web.page_redirect[p])] if web.page_redirect[p] >= 0 else None,
         int(web.page_redirect_status[p]), tuple(web.captured[p].tolist()), web.title(p),
         int(web.page_words[p]), int(web.page_text_offset[p]))
        for p in range(web.n_pages)
        if web.domain_kind[web.page_domain[p]] in kinds
    ]  # fmt: skip


def _parse(web: Web, page: int, crawl: int) -> dict:
    """What the HTML of a 200 capture shows: links (target root domain, text, in navigation),
    contact links, script characters and words of prose."""
    tree = LexborHTMLParser(render(web, page, crawl).body)
    contacts, found = html_links(tree, web.page_urls[page])
    links = [(target.root_domain, text, nav) for target, text, nav in found]
    script = sum(len(s.text()) for s in tree.tags("script"))
    words = sum(len(p.text().split()) for p in tree.css("main > p"))
    return {"links": links, "contacts": contacts, "script": script, "words": words}


def test_spam_sites_are_labelled(web: Web) -> None:
    truth = compute_truth(web)
    params = SynthParams()
    sites, farm = truth["spam_sites"], truth["spam_root_domains"]
    assert len(sites) == params.spam_sites and len(farm) == params.spam_domains
    assert sites == sorted(sites) and not set(sites) & set(farm)
    kind = dict(zip(web.domain_names, web.domain_kind.tolist(), strict=True))
    assert {kind[r] for r in sites} == {SPAM_SITE} and {kind[r] for r in farm} == {FARM}
    assert sorted(truth["spam_traits"]) == sorted(sites + farm)
    assert all(set(t) <= set(SPAM_TRAITS) for t in truth["spam_traits"].values())
    assert all(kind[r] == NORMAL for r in truth["normal_traits"])
    assert all(set(t) <= set(NORMAL_TRAITS) for t in truth["normal_traits"].values())
    # Hubs: normal root domains with the most linking root domains, most first.
    linked = [truth["root_domains"][r]["root_domains_to_root_domain"] for r in truth["hubs"]]
    assert all(kind[r] == NORMAL for r in truth["hubs"]) and linked == sorted(linked)[::-1]
    best = max(v["root_domains_to_root_domain"] for r, v in truth["root_domains"].items()
               if kind[r] == NORMAL)  # fmt: skip
    assert linked[0] == best


def test_traits_are_drawn_not_certain(spammy: Web) -> None:
    traits = [t for t, k in zip(spammy.domain_traits, spammy.domain_kind, strict=True) if k == 2]
    counts = Counter(t for ts in traits for t in ts)
    for trait in SPAM_TRAITS:
        assert 0 < counts[trait] < len(traits), trait  # some spam sites have it, some not
    normal = [t for t, k in zip(spammy.domain_traits, spammy.domain_kind, strict=True) if k == 0]
    assert 0.2 < sum(bool(t) for t in normal) / len(normal) < 0.9  # mild noise, not none
    assert np.mean([len(t) for t in normal]) * 3 < np.mean([len(t) for t in traits])


def test_spam_traits_are_in_the_html(spammy: Web) -> None:
    web = spammy
    kind = web.domain_kind
    for d in np.flatnonzero(kind == SPAM_SITE).tolist():
        traits, name = set(web.domain_traits[d]), web.domain_names[d]
        pages = range(int(web.domain_first_page[d]), int(web.domain_first_page[d + 1]))
        seen = [_parse(web, p, 0) for p in pages]
        titles = [web.title(p) for p in pages]
        ext = [[(r, t, n) for r, t, n in s["links"] if r != name] for s in seen]
        internal = [len(s["links"]) - len(e) for s, e in zip(seen, ext, strict=True)]
        assert ("spam_tld" in traits) == (name.split(".", 1)[1] in SPAM_TLDS)
        assert ("http_only" in traits) == web.page_urls[pages[0]].startswith("http:")
        assert ("no_contact" in traits) == (sum(s["contacts"] for s in seen) == 0)
        assert ("few_pages" in traits) == (len(pages) <= 2)
        assert ("poison_title" in traits) == all(_POISON.search(t) for t in titles)
        if "thin_pages" in traits:
            assert all(s["words"] < 15 for s in seen)
        if "few_internal" in traits:
            assert sum(internal) == 0
        if "many_external" in traits:
            assert all(len(e) >= 25 for e in ext)
        if "external_nav" in traits:
            assert all(any(n for _, _, n in e) for e in ext)
        if "poison_anchors" in traits:
            assert all(any(_POISON.search(t) for _, t, _ in e) for e in ext)
        if "markup_heavy" in traits:
            assert all(s["script"] >= 20_000 for s in seen)
        inbound = np.isin(web.link_dst, np.array(pages)) & (web.page_domain[web.link_src] != d)
        from_kind = kind[web.page_domain[web.link_src[inbound]]]
        if "few_inbound" in traits:
            assert not inbound.any()
        if "comment_spam" in traits:  # 5+ links from normal pages, mostly ugc or nofollow
            rels = web.link_rel[inbound][from_kind == NORMAL]
            assert len(rels) >= 5 and (rels > 0).any()
        else:
            assert "sitewide_inbound" in traits or not (from_kind == NORMAL).any()
        if "sitewide_inbound" in traits:
            sellers = Counter(web.page_domain[web.link_src[inbound]][from_kind == NORMAL].tolist())
            seller, n = sellers.most_common(1)[0]
            assert n >= (web.page_redirect[web.page_domain == seller] < 0).sum()


def test_normal_noise_is_in_the_html(spammy: Web) -> None:
    web = spammy
    seen = set()
    for d in np.flatnonzero(web.domain_kind == NORMAL).tolist():
        traits, name = set(web.domain_traits[d]), web.domain_names[d]
        pages = [p for p in range(int(web.domain_first_page[d]), int(web.domain_first_page[d + 1]))
                 if web.status(p, 0) == 200]  # fmt: skip
        if not pages:
            continue
        seen |= traits
        parsed = [_parse(web, p, 0) for p in pages]
        assert ("spam_tld" in traits) == (name.split(".", 1)[1] in NOISE_TLDS)
        assert ("http_only" in traits) == web.page_urls[pages[0]].startswith("http:")
        if "no_contact" in traits:
            assert sum(s["contacts"] for s in parsed) == 0
        if "few_internal" in traits:  # no menu: nothing internal in the navigation
            assert not any(n and r == name for s in parsed for r, _, n in s["links"])
        if "markup_heavy" in traits:
            assert all(s["script"] >= 20_000 for s in parsed)
        if "poison_title" in traits:
            assert all(_POISON.search(web.title(p)) for p in pages)
        if "thin_pages" in traits:
            assert all(s["words"] < 30 for s in parsed)
    assert {"numerals", "hyphens", "http_only", "no_contact", "thin_pages"} <= seen


@pytest.mark.parametrize("spam", [{"spam_domains": 0}, {"spam_sites": 0},
                                  {"spam_domains": 0, "spam_sites": 0},
                                  {"spam_domains": 3, "spam_sites": 30}])  # fmt: skip
def test_normal_web_does_not_depend_on_spam(web: Web, spam: dict) -> None:
    other = build_web(SynthParams(**spam))
    n = SynthParams().root_domains
    assert other.domain_names[:n] == web.domain_names[:n]
    assert other.domain_traits[:n] == web.domain_traits[:n]
    assert _pages(other, {NORMAL}) == _pages(web, {NORMAL})
    assert _links(other, {NORMAL}) == _links(web, {NORMAL})
    # Spam sites do not depend on the farm either (the farm counterfactual keeps them).
    if "spam_sites" not in spam:
        assert _pages(other, {SPAM_SITE}) == _pages(web, {SPAM_SITE})
        assert _links(other, {NORMAL, SPAM_SITE}) == _links(web, {NORMAL, SPAM_SITE})


def test_with_links_the_normal_web_is_a_prefix(web: Web) -> None:
    # With a fixed total, spam takes rows from the random normal links: they are cut earlier
    # from the same sequence, so every normal link of the spammy web is in the spam-free one.
    with_spam = build_web(SynthParams(links=40_000))
    without = build_web(SynthParams(links=40_000, spam_domains=0, spam_sites=0))
    assert _pages(with_spam, {NORMAL}) == _pages(without, {NORMAL})
    a, b = _links(with_spam, {NORMAL}), _links(without, {NORMAL})
    assert not a - b and sum(a.values()) < sum(b.values())


def _read(folder: Path, kind: str) -> pa.Table:
    return pa.concat_tables([pq.read_table(f) for f in sorted(folder.glob(f"{kind}-*.parquet"))])


def test_generated_files_keep_the_normal_web(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", seed=7, fmt="parquet")
    b = generate(tmp_path / "b", seed=7, fmt="parquet", spam_domains=0, spam_sites=0)
    truth = json.loads((b / "ground_truth.json").read_text())
    assert truth["spam_sites"] == [] and truth["spam_root_domains"] == []
    normal = pa.array(sorted(truth["root_domains"]))
    for crawl in truth["crawls"]:
        name = crawl["name"]
        for kind in ("links", "pages"):
            ta, tb = _read(a / name, kind), _read(b / name, kind)
            if kind == "links":
                cols = ta.column_names
                keep = lambda t: pc.and_(  # noqa: E731
                    pc.is_in(t["source_root_domain"], normal),
                    pc.is_in(t["target_root_domain"], normal),
                )
            else:
                # Spam links placed on normal pages change their text size, not the page.
                cols = ["url", "fetch_time", "http_status", "title"]
                keep = lambda t: pc.is_in(t["root_domain"], normal)  # noqa: E731
            rows_a = ta.filter(keep(ta)).select(cols).to_pylist()
            rows_b = tb.filter(keep(tb)).select(cols).to_pylist()
            assert rows_b and Counter(map(repr, rows_a)) == Counter(map(repr, rows_b)), kind
