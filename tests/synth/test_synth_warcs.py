"""Tests of linkindex.synth.warcs: byte-identical reruns, resolvable hrefs, lost links in HTML.

The WARCs are read back with warcio, as an independent reader.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from linkindex.synth import Web, generate, write_warcs
from linkindex.synth.warcs import href_for, render
from linkindex.urls import canonicalize

_A = re.compile(r'<a href="(?!mailto:|tel:)([^"]*)"')
_BASE = re.compile(r'<base href="([^"]*)">')


def _read(path: Path) -> dict[str, tuple[int, bytes, dict[str, str]]]:
    out = {}
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == "response":
                url = rec.rec_headers.get_header("WARC-Target-URI")
                status = int(rec.http_headers.get_statuscode())
                out[url] = (status, rec.content_stream().read(), dict(rec.http_headers.headers))
    return out


def test_warcs_are_byte_identical(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", root_domains=20, pages_per_domain=6)
    b = generate(tmp_path / "b", root_domains=20, pages_per_domain=6)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert len([f for f in files_a if f.name.endswith(".warc.gz")]) == 3
    for f in files_a:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def test_hrefs_resolve_to_canonical_targets(web: Web) -> None:
    rnd = random.Random(1)
    urls = web.page_urls
    for i in range(0, web.n_pages, 3):
        for base in (urls[i], urls[i].rsplit("/", 1)[0] + "/docs/sub/"):
            for j in range(0, web.n_pages, 37):
                href = href_for(urls[j], base, rnd)
                assert canonicalize(href, base).url == urls[j], (href, base)


def test_html_links_match_model(web: Web) -> None:
    for p in range(0, web.n_pages, 5):
        if web.status(p, 0) != 200:
            continue
        body = render(web, p, 0).body.decode()
        m = _BASE.search(body)
        base = m.group(1) if m else web.page_urls[p]
        found = [canonicalize(h.replace("&amp;", "&"), base).url for h in _A.findall(body)]
        assert found == [web.page_urls[d] for d, _, _ in web.rows(p, 0)]


def test_statuses_and_lost_link_in_warc(tmp_path: Path, web: Web) -> None:
    from linkindex.synth.truth import compute_truth

    write_warcs(web, tmp_path)
    lost = compute_truth(web)["lost_link_example"]
    assert lost is not None
    crawl = {n: _read(tmp_path / n / f"{n}-00000.warc.gz") for n in web.crawl_names}

    def targets(name: str) -> set[str]:
        status, body, _ = crawl[name][lost["source_url"]]
        assert status == 200
        base = _BASE.search(body.decode())
        b = base.group(1) if base else lost["source_url"]
        return {canonicalize(h.replace("&amp;", "&"), b).url for h in _A.findall(body.decode())}

    assert lost["target_url"] in targets(lost["present_in"])
    assert lost["target_url"] not in targets(lost["absent_in"])
    statuses = {s for recs in crawl.values() for s, _, _ in recs.values()}
    assert {200, 301, 404} <= statuses
    for recs in crawl.values():
        for status, body, headers in recs.values():
            if status in (301, 302):
                assert "Location" in headers and b"<a " not in body
            if status == 404:
                assert b"<a " not in body
