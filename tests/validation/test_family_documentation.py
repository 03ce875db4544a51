"""The "documentation" family: deterministic, spam removable, truth complete, its shapes present."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.ingest import run_ingest
from linkindex.validation.families import CLIENT, ORGANIC, SPAM, FamilyWeb
from linkindex.validation.families.documentation import generate

SEED = 5
_SECONDS: dict[str, float] = {}  # stage -> seconds, printed by the build test


def _ingest(web: FamilyWeb, root: Path) -> Home:
    home = Home(root).ensure()
    for crawl, files in web.crawls.items():
        run_ingest(files, home, crawl=crawl, workers=1, progress=False)
    return home


def _row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return con.sql(sql).fetchall()[0]


def _parquet(home: Home, kind: str) -> str:
    return f"read_parquet('{home.crawls}/*/{kind}-*.parquet')"


@pytest.fixture(scope="module")
def webs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FamilyWeb]:
    base = tmp_path_factory.mktemp("documentation")
    started = time.perf_counter()
    spam = generate(base / "spam", SEED)
    _SECONDS["generate"] = time.perf_counter() - started
    return {
        "spam": spam,
        "again": generate(base / "again", SEED),
        "clean": generate(base / "clean", SEED, with_spam=False),
    }


@pytest.fixture(scope="module")
def homes(webs: dict[str, FamilyWeb], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Home]:
    base = tmp_path_factory.mktemp("documentation-homes")
    started = time.perf_counter()
    spam = _ingest(webs["spam"], base / "spam")
    _SECONDS["ingest"] = time.perf_counter() - started
    return {"spam": spam, "clean": _ingest(webs["clean"], base / "clean")}


@pytest.fixture(scope="module")
def con(homes: dict[str, Home], webs: dict[str, FamilyWeb]) -> duckdb.DuckDBPyConnection:
    """Views spam_pages, spam_links, clean_pages, clean_links and the truth of both webs."""
    db = duckdb.connect()
    for name, home in homes.items():
        db.execute(f"CREATE VIEW {name}_pages AS SELECT * FROM {_parquet(home, 'pages')}")
        db.execute(f"CREATE VIEW {name}_links AS SELECT * FROM {_parquet(home, 'links')}")
        rows = [(d, t.kind, t.shape, t.coverage) for d, t in webs[name].domains.items()]
        db.execute(f"CREATE TABLE {name}_truth (root TEXT, kind TEXT, shape TEXT, cov DOUBLE)")
        db.executemany(f"INSERT INTO {name}_truth VALUES (?, ?, ?, ?)", rows)
    return db


def test_the_same_seed_writes_the_same_bytes(webs: dict[str, FamilyWeb]) -> None:
    first, again = webs["spam"], webs["again"]
    assert list(first.crawls) == ["documentation-2026-01-20", "documentation-2026-04-20"]
    assert first.domains == again.domains
    for crawl, files in first.crawls.items():
        for mine, theirs in zip(files, again.crawls[crawl], strict=True):
            assert mine.name == theirs.name
            assert mine.read_bytes() == theirs.read_bytes()


@pytest.mark.parametrize("name", ["spam", "clean"])
def test_the_truth_covers_exactly_the_roots_the_crawls_hold(
    name: str, con: duckdb.DuckDBPyConnection, webs: dict[str, FamilyWeb]
) -> None:
    found = {
        r
        for (r,) in con.sql(
            f"SELECT root_domain FROM {name}_pages UNION SELECT source_root_domain FROM"
            f" {name}_links UNION SELECT target_root_domain FROM {name}_links"
        ).fetchall()
    }
    assert found == set(webs[name].domains)


def test_size_kinds_and_shapes(webs: dict[str, FamilyWeb], con: duckdb.DuckDBPyConnection) -> None:
    web = webs["spam"]
    assert 150 <= len(web.domains) <= 220
    captures = _row(con, "SELECT count(*) FROM spam_pages")[0]
    assert 1500 <= captures <= 2600
    shapes: dict[str, list[str]] = {}
    for root, t in web.domains.items():
        shapes.setdefault(t.shape, []).append(root)
        if t.kind == SPAM:
            assert t.authority == 0.0 and t.coverage > 0
    organic = {"docs", "docs_big", "code_host", "package_index", "qa", "forum", "wiki"}
    organic |= {"mailing_list", "standards", "university", "foundation", "blog", "mirror"}
    assert organic <= set(shapes)
    assert all(web.domains[r].kind == ORGANIC for r in shapes["blog_paid"])
    assert 3 <= len(shapes["blog_paid"]) <= 5
    assert 8 <= len(shapes["tutorial_farm"]) <= 12
    assert len(shapes["star_hub"]) == 1 and 6 <= len(shapes["star_satellite"]) <= 10
    assert 5 <= len(shapes["comment_spammer"]) <= 8
    clients = web.of_kind(CLIENT)
    assert 3 <= len(clients) <= 5
    assert all(0 < web.domains[c].authority < 10 for c in clients)
    # Coverage: big doc sites and archives thinly, code hosts never, some spam only in part.
    assert all(0.04 <= web.domains[r].coverage <= 0.21 for r in shapes["docs_big"])
    assert all(web.domains[r].coverage < 0.07 for r in shapes["mailing_list"])
    assert all(web.domains[r].coverage == 0 for r in shapes["code_host"])
    assert any(web.domains[r].coverage == 1 for r in shapes["docs"])
    assert sum(1 for r in web.of_kind(SPAM) if web.domains[r].coverage < 1) >= 2
    # Public-suffix hosts: each project there is a registered domain of its own.
    assert any(r.endswith(".readthedocs.io") for r in shapes["docs"])
    assert any(r.endswith(".github.io") for r in shapes["docs"] + shapes["blog"])


def test_without_spam_the_organic_web_is_unchanged(
    webs: dict[str, FamilyWeb], con: duckdb.DuckDBPyConnection
) -> None:
    spam, clean = webs["spam"], webs["clean"]
    assert not clean.of_kind(SPAM)
    assert spam.of_kind(CLIENT) == clean.of_kind(CLIENT)
    for root, t in clean.domains.items():
        mine = spam.domains[root]
        assert (mine.kind, mine.authority) == (t.kind, t.authority)
        if mine.shape != "blog_paid":
            assert mine == t
    # The clean web's captures are the spam web's organic and client captures, paid posts aside.
    extra = con.sql(
        "SELECT DISTINCT t.shape FROM spam_pages p JOIN spam_truth t ON t.root = p.root_domain"
        " WHERE t.kind <> 'spam' AND p.url NOT IN (SELECT url FROM clean_pages)"
    ).fetchall()
    assert set(extra) <= {("blog_paid",)}
    lost = _row(
        con, "SELECT count(*) FROM (SELECT url FROM clean_pages EXCEPT SELECT url FROM spam_pages)"
    )[0]
    assert lost == 0
    # Every organic link is still there, with the same anchor and flags...
    cols = "crawl, source_url, target_url, anchor_text, nofollow, ugc, sponsored, in_nav"
    missing = _row(
        con,
        f"SELECT count(*) FROM (SELECT {cols} FROM clean_links EXCEPT ALL"
        f" SELECT {cols} FROM spam_links)",
    )[0]
    assert missing == 0
    # ...and nothing paid or spammy is: clients keep at most their couple of organic links.
    assert _row(con, "SELECT count(*) FROM clean_links WHERE sponsored")[0] == 0
    per_client = con.sql(
        "SELECT l.target_root_domain, count(DISTINCT l.source_url) FROM clean_links l"
        " JOIN clean_truth t ON t.root = l.target_root_domain"
        " WHERE t.kind = 'client' AND l.source_root_domain <> l.target_root_domain GROUP BY 1"
    ).fetchall()
    assert all(n <= 2 for _, n in per_client)
    # The spam web does carry paid links, with and without rel=sponsored.
    paid = _row(
        con,
        "SELECT bool_or(l.sponsored), bool_or(NOT l.sponsored) FROM spam_links l"
        " JOIN spam_truth s ON s.root = l.source_root_domain"
        " JOIN spam_truth t ON t.root = l.target_root_domain"
        " WHERE s.shape = 'blog_paid' AND t.kind = 'client'",
    )
    assert paid == (True, True)


def test_documentation_sites_look_like_the_real_failure(con: duckdb.DuckDBPyConnection) -> None:
    """Link-heavy index and changelog pages, few linking roots, no contact links, nav links."""
    per_page = con.sql(
        "SELECT l.source_url, count(*) FILTER (WHERE l.target_root_domain <> l.source_root_domain)"
        " FROM spam_links l JOIN spam_truth t ON t.root = l.source_root_domain"
        " WHERE t.shape IN ('docs', 'docs_big') AND (l.source_url LIKE '%changelog.html'"
        " OR regexp_matches(l.source_url, '/(en/)?latest/$'))"
        " GROUP BY l.source_url, l.fetch_time"
    ).fetchall()
    heavy = [n for _, n in per_page if 25 <= n <= 170]
    assert len(heavy) >= 0.8 * len(per_page) and len(per_page) >= 40
    linkers = dict(
        con.sql(
            "SELECT t.root, count(DISTINCT l.source_root_domain) FROM clean_truth t"
            " LEFT JOIN clean_links l ON l.target_root_domain = t.root"
            " AND l.source_root_domain <> t.root"
            " WHERE t.shape = 'docs' AND t.cov > 0 GROUP BY 1"
        ).fetchall()
    )
    assert sum(1 for n in linkers.values() if n <= 2) >= 0.2 * len(linkers)
    contacts = _row(
        con,
        "SELECT sum(p.contact_links) FROM spam_pages p JOIN spam_truth t ON t.root = p.root_domain"
        " WHERE t.shape IN ('docs', 'docs_big')",
    )[0]
    assert contacts == 0
    nav_out = _row(
        con,
        "SELECT count(DISTINCT l.source_root_domain) FROM spam_links l"
        " JOIN spam_truth t ON t.root = l.source_root_domain"
        " WHERE t.shape = 'docs' AND l.in_nav AND l.target_root_domain <> l.source_root_domain",
    )[0]
    assert nav_out >= 20
    # One site links to a doc site from a hundred pages or more (the mirror).
    top = _row(
        con,
        "SELECT max(n) FROM (SELECT count(DISTINCT source_page) n FROM clean_links"
        " WHERE source_root_domain <> target_root_domain GROUP BY source_root_domain,"
        " target_root_domain)",
    )[0]
    assert top >= 60
    # Users' links on Q&A are ugc; standards bodies are linked nofollow by many roots.
    qa = _row(
        con,
        "SELECT bool_and(l.ugc) FROM clean_links l JOIN clean_truth t"
        " ON t.root = l.source_root_domain WHERE t.shape = 'qa'"
        " AND l.target_root_domain <> l.source_root_domain",
    )[0]
    assert qa is True
    std = _row(
        con,
        "SELECT count(DISTINCT l.source_root_domain) FROM clean_links l JOIN clean_truth t"
        " ON t.root = l.target_root_domain WHERE t.shape = 'standards' AND l.nofollow",
    )[0]
    assert std >= 20
    # Comment spam lands on organic Q&A and forum pages, mostly ugc/nofollow, some followed.
    spam_in = _row(
        con,
        "SELECT count(*), count(*) FILTER (WHERE NOT l.nofollow AND NOT l.ugc) FROM spam_links l"
        " JOIN spam_truth s ON s.root = l.source_root_domain"
        " JOIN spam_truth t ON t.root = l.target_root_domain"
        " WHERE s.shape IN ('qa', 'forum') AND t.kind IN ('spam', 'client')",
    )
    assert spam_in[0] >= 15 and 0 < spam_in[1] < spam_in[0] / 2


def test_the_family_ingests_and_builds_quickly(homes: dict[str, Home]) -> None:
    started = time.perf_counter()
    build_index(homes["spam"])
    seconds = time.perf_counter() - started
    _SECONDS["build"] = seconds
    print("documentation family:", ", ".join(f"{k} {v:.1f} s" for k, v in _SECONDS.items()))
    assert sum(_SECONDS.values()) < 30
