"""The blogosphere family: same seed same bytes, spam removable, truth complete, readable."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest
from warcio.archiveiterator import ArchiveIterator

from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.ingest import run_ingest
from linkindex.urls import normalize_host, root_domain_of
from linkindex.validation.families import CLIENT, ORGANIC, SPAM, FamilyWeb
from linkindex.validation.families.blogosphere import CLIENT_TOPICS, SPAMMY_TLDS, generate

SEED = 11
MONEY = sorted({a for _shape, _services, anchors in CLIENT_TOPICS.values() for a in anchors})


def _records(web: FamilyWeb) -> dict[tuple[str, str], tuple[int, bytes]]:
    """(crawl, url) -> (HTTP status, body) of every capture."""
    out = {}
    for crawl, files in web.crawls.items():
        for path in files:
            with path.open("rb") as fh:
                for record in ArchiveIterator(fh):
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    status = int(record.http_headers.get_statuscode())
                    out[(crawl, url)] = (status, record.content_stream().read())
    return out


def _root(url: str) -> str:
    return root_domain_of(normalize_host(urlsplit(url).hostname or ""))


def _ingest(web: FamilyWeb, root: Path) -> tuple[Home, duckdb.DuckDBPyConnection]:
    home = Home(root).ensure()
    for crawl, files in web.crawls.items():
        run_ingest(files, home, crawl=crawl, workers=1, progress=False)
    con = duckdb.connect()
    for table in ("pages", "links"):
        parts = str(home.crawls / "*" / f"{table}-*.parquet")
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{parts}')")
    return home, con


@pytest.fixture(scope="module")
def webs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FamilyWeb]:
    root = tmp_path_factory.mktemp("blogosphere")
    started = time.perf_counter()
    spam = generate(root / "spam", SEED)
    print(f"\nblogosphere: generated in {time.perf_counter() - started:.2f} s")
    return {"spam": spam, "clean": generate(root / "clean", SEED, with_spam=False)}


@pytest.fixture(scope="module")
def tables(
    webs: dict[str, FamilyWeb], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("homes")
    started = time.perf_counter()
    home, spam = _ingest(webs["spam"], root / "spam")
    ingested = time.perf_counter()
    result = build_index(home)
    built = time.perf_counter()
    print(f"blogosphere: ingest {ingested - started:.2f} s, build {built - ingested:.2f} s")
    assert result is not None and any(home.snapshots.iterdir())
    return {"spam": spam, "clean": _ingest(webs["clean"], root / "clean")[1]}


def test_the_same_seed_writes_the_same_bytes(webs, tmp_path):
    again = generate(tmp_path / "again", SEED)
    assert again.domains == webs["spam"].domains
    assert list(again.crawls) == list(webs["spam"].crawls) and len(again.crawls) == 2
    for crawl, files in webs["spam"].crawls.items():
        assert [p.read_bytes() for p in again.crawls[crawl]] == [p.read_bytes() for p in files]


def _without_planted(body: bytes, planted: set[str]) -> bytes:
    """The page with its paid paragraph and the comments linking to spam or client sites cut."""
    text = re.sub(r'<p class="partner">.*?</p>', "", body.decode())

    def comment(match: re.Match[str]) -> str:
        return "" if _root(match.group(1)) in planted else match.group(0)

    text = re.sub(r'<li class="comment"><cite><a href="([^"]*)".*?</li>', comment, text)
    text = text.replace('<section id="comments"><h2>Comments</h2><ol></ol></section>', "")
    return text.encode()


def test_without_spam_the_organic_pages_are_the_same_but_for_planted_links(webs):
    spam, clean = webs["spam"], webs["clean"]
    assert not clean.of_kind(SPAM) and spam.of_kind(SPAM)
    assert clean.of_kind(CLIENT) == spam.of_kind(CLIENT)
    spam_records, clean_records = _records(spam), _records(clean)
    organic = {k: v for k, v in spam_records.items() if _root(k[1]) not in spam.of_kind(SPAM)}
    assert organic.keys() == clean_records.keys()
    planted = spam.of_kind(SPAM) | spam.of_kind(CLIENT)
    changed = 0
    for key, (status, body) in organic.items():
        assert clean_records[key][0] == status
        if body != clean_records[key][1]:
            changed += 1
            assert _without_planted(body, planted) == clean_records[key][1], key
    assert changed >= 10  # the comment spam and the paid posts did land on organic pages


def test_without_spam_no_link_is_spam_or_paid(webs, tables):
    clean, spam = tables["clean"], tables["spam"]
    spam_domains = sorted(webs["spam"].of_kind(SPAM))
    clients = sorted(webs["spam"].of_kind(CLIENT))
    assert not clean.execute(
        "SELECT count(*) FROM links WHERE list_contains($1, source_root_domain)"
        " OR list_contains($1, target_root_domain) OR sponsored"
        " OR list_contains($2, anchor_text)",
        [spam_domains, MONEY],
    ).fetchone()[0]
    # Clients keep only their few organic linkers; those the PBN pushes have none at all.
    linkers = dict(
        clean.execute(
            "SELECT target_root_domain, count(DISTINCT source_root_domain) FROM links"
            " WHERE list_contains($1, target_root_domain)"
            " AND source_root_domain <> target_root_domain GROUP BY 1",
            [clients],
        ).fetchall()
    )
    assert all(n <= 3 for n in linkers.values())
    pushed = spam.execute(
        "SELECT DISTINCT target_root_domain FROM links WHERE list_contains($1, target_root_domain)"
        " AND list_contains($2, source_root_domain)",
        [clients, sorted(d for d, t in webs["spam"].domains.items() if t.shape == "pbn")],
    ).fetchall()
    assert pushed and all(linkers.get(d, 0) == 0 for (d,) in pushed)


@pytest.mark.parametrize("which", ["spam", "clean"])
def test_the_truth_covers_every_root_domain_in_the_crawls(webs, tables, which):
    seen = {
        d
        for (d,) in tables[which]
        .execute(
            "SELECT root_domain FROM pages UNION SELECT source_root_domain FROM links"
            " UNION SELECT target_root_domain FROM links"
        )
        .fetchall()
    }
    truth = webs[which].domains
    assert seen <= truth.keys()
    assert seen == truth.keys()  # and names nothing the crawls never show


def test_size_kinds_shapes_and_coverage(webs):
    web = webs["spam"]
    assert 150 <= len(web.domains) <= 220
    assert len(_records(web)) <= 2500
    shapes = {}
    for truth in web.domains.values():
        shapes.setdefault((truth.kind, truth.shape), []).append(truth)
    for shape in ("blog", "business", "forum", "magazine", "platform"):
        assert shapes[(ORGANIC, shape)]
    assert 10 <= len(shapes[(SPAM, "pbn")]) <= 14
    assert 6 <= len(shapes[(SPAM, "ring")]) <= 10
    assert 5 <= len(shapes[(SPAM, "comment_spam")]) <= 8
    assert 3 <= len(web.of_kind(CLIENT)) <= 5
    organic = [t for t in web.domains.values() if t.kind == ORGANIC]
    assert sum(t.coverage == 1.0 for t in organic) >= 10
    assert sum(0.2 <= t.coverage <= 0.6 for t in organic) >= 10
    assert sum(0 < t.coverage <= 0.1 for t in organic) >= 3
    assert sum(t.coverage == 0 for t in organic) >= 20
    spam = [t for t in web.domains.values() if t.kind == SPAM]
    assert all(t.authority == 0 for t in spam)
    assert sum(t.coverage == 1.0 for t in spam) >= len(spam) - 2 > sum(t.coverage < 1 for t in spam)
    labels = [d for d, t in web.domains.items() if t.kind == ORGANIC]
    assert any(re.search(r"\d", d.split(".")[0]) for d in labels)
    assert any("-" in d.split(".")[0] for d in labels)
    assert any(len(d.split(".")[0]) >= 16 for d in labels)
    assert any(d.endswith(SPAMMY_TLDS) for d in labels)


def test_organic_sites_vary_and_spam_is_there(webs, tables):
    con, web = tables["spam"], webs["spam"]
    kind = {d: t.kind for d, t in web.domains.items()}
    shape = {d: t.shape for d, t in web.domains.items()}
    per_root = con.execute(
        "SELECT root_domain, median(text_chars), sum(content_bytes) / sum(text_chars),"
        " sum(contact_links), bool_or(starts_with(url, 'https:')) FROM pages"
        " WHERE http_status = 200 GROUP BY 1"
    ).fetchall()
    organic = [r for r in per_root if kind[r[0]] == ORGANIC]
    assert any(r[1] < 250 for r in organic) and any(r[1] > 3000 for r in organic)
    assert sum(500 <= r[1] <= 3000 for r in organic) > len(organic) / 2
    assert any(r[2] > 15 for r in organic)  # heavy markup, little text
    assert any(r[3] > 0 for r in organic) and sum(r[3] == 0 for r in organic) > len(organic) / 2
    assert any(r[4] for r in organic) and any(not r[4] for r in organic)
    statuses = {s for (s,) in con.execute("SELECT DISTINCT http_status FROM pages").fetchall()}
    assert {200, 301, 404} <= statuses

    external = con.execute(
        "SELECT source_page, source_root_domain, target_root_domain, anchor_text, nofollow, ugc,"
        " sponsored, in_nav FROM links WHERE source_root_domain <> target_root_domain"
        " AND NOT redirect"
    ).fetchall()
    by_page: dict[str, int] = {}
    nofollow_share: dict[str, list[int]] = {}
    for page, source, _target, _anchor, nofollow, *_flags in external:
        by_page[page] = by_page.get(page, 0) + 1
        if kind[source] == ORGANIC and shape[source] != "forum":
            nofollow_share.setdefault(source, []).append(nofollow)
    assert max(by_page.values()) >= 15  # blogrolls and link roundups
    assert any(len(v) >= 5 and sum(v) / len(v) > 0.7 for v in nofollow_share.values())
    rows = [
        (kind[s], shape[s], kind[t], shape[t], a in MONEY, nf, ugc, sp, nav)
        for _p, s, t, a, nf, ugc, sp, nav in external
    ]
    assert any(r[1] == "forum" and r[6] for r in rows)  # user links rel=ugc
    assert any(r[0] == ORGANIC and r[8] for r in rows)  # external links in nav/footer
    assert any(r[1] == "pbn" and r[2] == CLIENT and r[4] and not r[5] for r in rows)
    assert any(r[1] == "ring" and r[3] == "ring" for r in rows)
    assert any(r[0] == ORGANIC and r[2] == SPAM and r[6] for r in rows)  # comment, ugc
    assert any(r[0] == ORGANIC and r[2] == SPAM and not r[5] for r in rows)  # comment, followed
    paid = [r for r in rows if r[0] == ORGANIC and r[2] == CLIENT and r[4]]
    assert any(r[7] for r in paid) and any(not r[7] and not r[5] for r in paid)
