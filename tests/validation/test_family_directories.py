"""The "directories" family: same seed, same bytes; spam comes off cleanly; the truth is complete.

Each web is generated and ingested once per module; the index is built once, and timed.
"""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import duckdb
import pytest

from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.ingest import run_ingest
from linkindex.validation.families import CLIENT, ORGANIC, SPAM, FamilyWeb
from linkindex.validation.families.directories import generate

SEED = 8


class Ingested:
    """A generated web, ingested into its own home, with SQL over its link and page records."""

    def __init__(self, web: FamilyWeb, home: Home, seconds: float) -> None:
        self.web = web
        self.home = home
        self.seconds = seconds
        self.con = duckdb.connect()
        for table in ("links", "pages"):
            parts = f"{home.crawls}/*/{table}-*.parquet"
            self.con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{parts}')")
        kinds = sorted(web.domains.items())
        self.con.execute("CREATE TABLE truth (d VARCHAR, kind VARCHAR, shape VARCHAR, a DOUBLE)")
        self.con.executemany(
            "INSERT INTO truth VALUES (?, ?, ?, ?)",
            [(d, t.kind, t.shape, t.authority) for d, t in kinds],
        )

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def column(self, sql: str) -> set:
        return {r[0] for r in self.rows(sql)}


def _make(root: Path, with_spam: bool) -> Ingested:
    started = time.perf_counter()
    web = generate(root / "warc", SEED, with_spam=with_spam)
    home = Home(root / "home").ensure()
    for crawl, files in web.crawls.items():
        run_ingest(files, home, crawl=crawl, workers=1, progress=False)
    return Ingested(web, home, time.perf_counter() - started)


@pytest.fixture(scope="module")
def spammy(tmp_path_factory: pytest.TempPathFactory) -> Ingested:
    return _make(tmp_path_factory.mktemp("spammy"), with_spam=True)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Ingested:
    return _make(tmp_path_factory.mktemp("clean"), with_spam=False)


def _files(web: FamilyWeb) -> dict[str, bytes]:
    return {f"{crawl}/{p.name}": p.read_bytes() for crawl, ps in web.crawls.items() for p in ps}


def test_the_same_seed_writes_the_same_bytes(spammy: Ingested, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", SEED)
    assert _files(again) == _files(spammy.web)
    assert again.domains == spammy.web.domains
    other = generate(tmp_path / "other", SEED + 1)
    assert _files(other) != _files(spammy.web)


def test_the_truth_names_every_root_domain_found_and_no_other(
    spammy: Ingested, clean: Ingested
) -> None:
    for web in (spammy, clean):
        found = web.column(
            "SELECT root_domain FROM pages UNION SELECT source_root_domain FROM links "
            "UNION SELECT target_root_domain FROM links"
        )
        assert found == set(web.web.domains)


def test_without_spam_the_organic_web_is_the_same(spammy: Ingested, clean: Ingested) -> None:
    spam = spammy.web.of_kind(SPAM)
    assert spam and not clean.web.of_kind(SPAM)
    assert clean.web.domains == {d: t for d, t in spammy.web.domains.items() if d not in spam}
    listed = ",".join(f"'{d}'" for d in spam)
    assert clean.column("SELECT url FROM pages") == spammy.column(
        f"SELECT url FROM pages WHERE root_domain NOT IN ({listed})"
    )
    link = "source_url, target_url, anchor_text, nofollow, ugc, sponsored, in_nav"
    kept = set(clean.rows(f"SELECT {link} FROM links"))
    organic_sourced = set(
        spammy.rows(f"SELECT {link} FROM links WHERE source_root_domain NOT IN ({listed})")
    )
    assert kept <= organic_sourced
    # What the spam web adds on organic pages is paid links, and they all go to clients.
    paid = organic_sourced - kept
    clients = spammy.web.of_kind(CLIENT)
    targets = spammy.column(
        "SELECT target_root_domain FROM links WHERE target_url IN ("
        + ",".join(f"'{p[1]}'" for p in paid)
        + ")"
    )
    assert paid and targets <= clients
    assert {p[5] for p in paid} == {True, False}  # some say sponsored, some pass as followed


def test_the_kinds_and_shapes_of_the_family_are_there(spammy: Ingested) -> None:
    web = spammy.web
    assert 150 <= len(web.domains) <= 220
    shapes = {(t.kind, t.shape) for t in web.domains.values()}
    for shape in ("business", "shop", "news", "directory", "review", "portal", "brand"):
        assert (ORGANIC, shape) in shapes
    for shape in ("star_hub", "star_satellite", "pbn_tier1", "pbn_tier2", "doorway"):
        assert (SPAM, shape) in shapes
    assert 3 <= len(web.of_kind(CLIENT)) <= 5
    truths = web.domains.values()
    assert all(t.authority == 0 for t in truths if t.kind == SPAM)
    assert sum(0 < t.coverage < 1 for t in truths if t.kind == SPAM) >= 1
    assert sum(t.coverage == 0 for t in truths) >= 30
    assert any(t.shape == "portal" and t.coverage <= 0.06 for t in truths)
    assert spammy.rows("SELECT count(*) FROM pages")[0][0] <= 2500
    # The star's hub links out hundreds of times from a few pages; the PBN's tier 2 reaches the
    # client only through tier 1.
    hub = next(d for d, t in web.domains.items() if t.shape == "star_hub")
    assert spammy.rows(f"SELECT count(*) FROM links WHERE source_root_domain = '{hub}'")[0][0] > 100
    tiers = spammy.rows(
        "SELECT s.shape, t.shape, t.kind FROM links l JOIN truth s ON s.d = l.source_root_domain "
        "JOIN truth t ON t.d = l.target_root_domain WHERE s.shape LIKE 'pbn%'"
    )
    assert ("pbn_tier2", "pbn_tier1", SPAM) in tiers and ("pbn_tier1", "business", CLIENT) in tiers
    poisoned = spammy.column(
        "SELECT p.root_domain FROM pages p JOIN truth t ON t.d = p.root_domain "
        "WHERE t.shape = 'doorway' AND regexp_matches(lower(p.title), 'viagra|casino|loans|slots')"
    )
    assert len(poisoned) >= 3


def test_ordinary_sites_have_the_odd_features_spam_scores_look_for(spammy: Ingested) -> None:
    organic = "SELECT d FROM truth WHERE kind = 'organic'"
    per_site = spammy.rows(f"""
        WITH o AS (
            SELECT source_page, source_root_domain AS d,
                   count(*) FILTER (WHERE target_root_domain <> source_root_domain) AS ext
            FROM links GROUP BY 1, 2)
        SELECT d, avg(ext) FROM o WHERE d IN ({organic}) GROUP BY 1""")
    assert any(ext >= 30 for _, ext in per_site)  # directories and portals
    text = spammy.rows(f"""
        SELECT root_domain, median(text_chars), sum(text_chars) / sum(content_bytes),
               bool_or(url LIKE 'https:%'), sum(contact_links)
        FROM pages WHERE http_status = 200 AND root_domain IN ({organic}) GROUP BY 1""")
    assert sum(med < 250 for _, med, _, _, _ in text) >= 3  # thin pages
    assert sum(ratio < 0.03 for _, _, ratio, _, _ in text) >= 2  # markup-heavy templates
    assert sum(not https for _, _, _, https, _ in text) >= 3  # http-only
    assert sum(contacts == 0 for _, _, _, _, contacts in text) >= 5  # no mailto:/tel:
    # Many organic businesses are linked mostly with nofollow or ugc (directories, reviews).
    nofollowed = spammy.rows(f"""
        WITH l AS (
            SELECT target_root_domain AS d, source_root_domain AS s,
                   bool_and(nofollow OR ugc) AS nf
            FROM links WHERE source_root_domain <> target_root_domain
              AND source_root_domain IN ({organic}) GROUP BY 1, 2)
        SELECT count(*) FROM (SELECT l.d FROM l JOIN truth ON truth.d = l.d
                              WHERE truth.shape = 'business' AND truth.kind = 'organic'
                              GROUP BY l.d HAVING 2 * count(*) FILTER (WHERE nf) > count(*))""")
    assert nofollowed[0][0] >= 10
    flags = spammy.rows(f"""
        SELECT count(*) FILTER (WHERE sponsored), count(*) FILTER (WHERE in_nav AND
               target_root_domain <> source_root_domain)
        FROM links WHERE source_root_domain IN ({organic})""")[0]
    assert flags[0] > 0 and flags[1] > 100  # organic ads; partner footers and link sidebars
    lone = spammy.rows("""
        SELECT count(*) FROM (
            SELECT l.target_root_domain FROM links l JOIN truth s ON s.d = l.source_root_domain
            JOIN truth t ON t.d = l.target_root_domain
            WHERE t.shape = 'business' AND t.kind = 'organic' AND s.kind = 'organic'
              AND l.source_root_domain <> l.target_root_domain
            GROUP BY 1 HAVING count(DISTINCT l.source_root_domain) = 1
               AND bool_and(s.shape = 'directory'))""")
    assert lone[0][0] >= 3  # linked by one directory and nothing else
    # Popular sites are linked from more root domains (rank correlation).
    rho = spammy.rows(f"""
        WITH i AS (SELECT target_root_domain AS d, count(DISTINCT source_root_domain) AS n
                   FROM links WHERE source_root_domain <> target_root_domain
                     AND source_root_domain IN ({organic}) GROUP BY 1)
        SELECT corr(ra, rn) FROM (
            SELECT rank() OVER (ORDER BY a) AS ra, rank() OVER (ORDER BY coalesce(n, 0)) AS rn
            FROM truth LEFT JOIN i USING (d) WHERE kind = 'organic')""")[0][0]
    assert rho > 0.5
    # The markup varies: capitalised table layouts, <base href>, XHTML.
    raw = b"".join(gzip.decompress(p.read_bytes()) for ps in spammy.web.crawls.values() for p in ps)
    for marker in (b"<A HREF=", b"<base href=", b"XHTML 1.0", b"<nav"):
        assert marker in raw


def test_ingest_and_build_are_quick(spammy: Ingested) -> None:
    started = time.perf_counter()
    result = build_index(spammy.home)
    built = time.perf_counter() - started
    print(f"\ndirectories: generate+ingest {spammy.seconds:.2f} s, build {built:.2f} s")
    assert result is not None
    assert spammy.seconds + built < 30
