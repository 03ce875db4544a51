"""The Link Explorer and /docs in headless Chromium over a real server on the bundled sample:
sign in, look up, read the overview against url_metrics, sign out, a bad secret; the network
beyond 127.0.0.1 is cut, so every page must work offline. One screenshot per view."""

from __future__ import annotations

import csv
import io
import re

import pytest
from chromium import Offline, screenshot
from explain_web import KNOWN, explain_web
from indexed import build_a_newer_index, built_home
from rpc import result_of, rpc
from web import crafted_web

from linkindex.accounts.keys import Credential, KeyStore
from linkindex.accounts.meter import Meter
from linkindex.accounts.quotas import DATA_ROWS, AccountStore, QuotaPolicy
from linkindex.index.layout import PUBLISHED_AT, SnapshotLayout
from linkindex.index.snapshot import Snapshot

TARGET = "docs.python.org"  # crawled in the sample; links from other root domains
LINKED_ONLY = "github.com"  # linked to by the sample, never crawled
UNKNOWN = "never-seen.example"
LINKED_BY_SIX = "ietf.org"  # 6 linking root domains in the sample: two pages of 5
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def key(demo_server) -> Credential:
    """A new key on the demo server, so a test's usage is its own."""
    return KeyStore(demo_server.home.state / "keys.sqlite").create("explorer")


@pytest.fixture
def offline(browser):
    contexts: list[Offline] = []

    def _open(viewport: dict[str, int] = LAPTOP) -> Offline:
        context = Offline(browser, viewport=viewport)
        contexts.append(context)
        return context

    yield _open
    for context in contexts:
        assert context.blocked == [], f"the page asked for other hosts: {context.blocked}"
        context.close()


def failed(page) -> list[tuple[int, str]]:
    """The requests the page saw refused, as (status, path)."""
    return [(status, url.split(":", 2)[2].split("/", 1)[1]) for status, url in page.failures]


def sign_in(page, key: Credential, secret: str | None = None) -> None:
    page.fill("#access-id", key.access_id)
    page.fill("#secret-key", key.secret_key if secret is None else secret)
    page.click("#signin-button")


def shown(page) -> dict[str, str]:
    """The overview's numbers as the page shows them, by metric."""
    cells = page.locator("dd[data-metric]")
    return {
        cells.nth(i).get_attribute("data-metric"): cells.nth(i).inner_text()
        for i in range(cells.count())
    }


def expected(metrics: dict, scope: str) -> dict[str, str]:
    inbound = metrics[f"external_pages_to_{scope}"]
    nofollow = metrics[f"external_nofollow_pages_to_{scope}"]
    spam = metrics["spam_score"]
    return {
        "domain_authority": str(metrics["domain_authority"]),
        "page_authority": str(metrics["page_authority"]),
        "spam_score": "—" if spam < 0 else f"{spam}%",
        "link_propensity": f"{metrics['link_propensity']:.2f}",
        "linking_root_domains": f"{metrics[f'root_domains_to_{scope}']:,}",
        "inbound_links": f"{inbound:,}",
        "followed_links": f"{inbound - nofollow:,}",
        "nofollow_links": f"{nofollow:,}",
    }


def table(page, name: str = "lrd") -> list[list[str]]:
    return page.evaluate(
        f"[...document.querySelectorAll('#{name}-table tbody tr')]"
        ".map(tr => [...tr.cells].map(cell => cell.textContent))"
    )


def table_rows(answer: dict) -> list[list[str]]:
    """The API's linking root domains as the table shows them."""
    return [
        [r["root_domain"], str(r["domain_authority"]),
         "—" if r["spam_score"] < 0 else f"{r['spam_score']}%", f"{r['link_propensity']:.2f}",
         f"{r['to_target']['pages']:,}", f"{r['to_target']['nofollow_pages']:,}"]
        for r in answer["results"]
    ]  # fmt: skip


def rows_used(server, key: Credential) -> int:
    auth = (key.access_id, key.secret_key)
    return server.post("usage_data", {}, auth=auth).json()["rows_consumed"]


def test_docs_render_every_operation_offline(demo_server, browser, offline, shots):
    operations = sum(len(p) for p in demo_server.http.get(
        f"{demo_server.base_url}/openapi.json", timeout=10).json()["paths"].values())  # fmt: skip
    page = offline().page()
    page.goto(f"{demo_server.base_url}/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == operations
    assert page.get_by_text("/v2/url_metrics", exact=True).first.is_visible()
    assert page.errors == [] and page.failures == []
    screenshot(page, shots, "docs", full_page=False)  # its first screen: 13 operations


def test_the_home_search_leads_to_sign_in_then_to_the_overview_the_api_gives(
    demo_server, offline, key, shots
):
    page = offline().page()
    page.goto(f"{demo_server.base_url}/")
    page.get_by_label("Look up a domain or URL").fill(TARGET)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/explorer?target={TARGET}")
    assert page.locator("#signin").is_visible()
    assert f"Sign in to look up {TARGET}" in page.inner_text("#signin-why")
    screenshot(page, shots, "explorer-sign-in")

    # By keyboard alone: the access id has the focus, Tab moves to the secret, Enter sends.
    assert page.evaluate("document.activeElement.id") == "access-id"
    page.keyboard.type(key.access_id)
    page.keyboard.press("Tab")
    page.keyboard.type(key.secret_key)
    page.keyboard.press("Enter")
    page.wait_for_selector("#overview-title")
    assert page.evaluate("document.activeElement.id") == "overview-title"
    assert page.inner_text("#who") == key.access_id
    assert page.title() == f"{TARGET} · Link Explorer · linkindex"
    assert page.get_attribute("#presence", "data-status") == "crawled"

    # The same numbers as the APIs give any client (asked here with the server's other key).
    metrics = demo_server.post("url_metrics", {"targets": [TARGET]}).json()["results"][0]
    brand = result_of(
        rpc(
            demo_server,
            "data.site.metrics.brand.authority.fetch",
            {"site_query": {"query": "python.org", "scope": "domain"}},
        )
    )
    brand_score = str(brand["site_metrics"]["brand_authority_score"])
    assert shown(page) == {**expected(metrics, "subdomain"), "brand_authority": brand_score}
    page.get_by_label("Count links to").select_option("root_domain")
    assert shown(page) == {**expected(metrics, "root_domain"), "brand_authority": brand_score}
    screenshot(page, shots, "explorer-overview")

    # The page called the public APIs with the signed-in key, billed as any call: one row for
    # url_metrics, one for Brand Authority (usage_data is free).
    assert rows_used(demo_server, key) == 2
    assert page.errors == [] and page.failures == []


def test_a_signed_in_tab_looks_up_and_signs_out(demo_server, offline, key, shots):
    page = offline(PHONE).page()
    page.goto(f"{demo_server.base_url}/explorer")
    page.fill("#token", key.token)  # the JSON-RPC token signs in too
    page.click("#signin-button")
    page.wait_for_selector("#search:not([hidden])")
    page.fill("#target", LINKED_ONLY)
    page.keyboard.press("Enter")
    page.wait_for_selector("#overview-title")
    assert page.get_attribute("#presence", "data-status") == "linked_only"
    # Usable at a phone's width: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, shots, "explorer-overview-phone")

    page.goto(f"{demo_server.base_url}/explorer?target={UNKNOWN}")  # the tab keeps the key
    page.wait_for_selector("#overview-title")
    assert page.get_attribute("#presence", "data-status") == "unknown"
    assert "Not in the index" in page.inner_text("#presence")

    page.click("#sign-out")
    assert page.locator("#signin").is_visible() and page.locator("#overview").is_hidden()
    assert page.evaluate("sessionStorage.length") == 0
    page.reload()
    assert page.locator("#signin").is_visible()
    assert page.locator("#overview").is_hidden()
    # Only Brand Authority of a root domain the index does not hold is refused (-32656, 404).
    assert page.errors == [] and set(failed(page)) <= {(404, "jsonrpc")}


def test_a_bad_secret_is_told_plainly_and_keeps_nothing(demo_server, offline, key, shots):
    page = offline().page()
    page.goto(f"{demo_server.base_url}/explorer?target={TARGET}")
    sign_in(page, key, secret="not-the-secret")
    alert = page.get_by_role("alert")
    alert.filter(has_text="Sign-in failed").wait_for()
    assert "no key with that access id and secret key" in alert.inner_text()
    assert page.evaluate("sessionStorage.length") == 0
    assert page.locator("#overview").is_hidden()
    screenshot(page, shots, "explorer-bad-secret")
    sign_in(page, key)  # and the right one still works
    page.wait_for_selector("#overview-title")
    assert page.inner_text("#signin-error") == ""
    assert page.errors == [] and failed(page) == [(401, "v2/index_metadata")]


def test_the_linking_root_domains_table_pages_and_sorts_as_the_api_does(
    demo_server, offline, key, shots
):
    page = offline().page()
    page.goto(f"{demo_server.base_url}/explorer?target={LINKED_BY_SIX}")
    sign_in(page, key)
    page.wait_for_selector("#overview-title")
    before = rows_used(demo_server, key)

    page.select_option("#lrd-limit", "5")
    page.get_by_role("button", name="Show linking root domains").click()
    page.locator("#lrd-page").filter(has_text="Page 1").wait_for()
    body = {"target": LINKED_BY_SIX, "target_scope": "root_domain", "limit": 5}
    first = demo_server.post("linking_root_domains", body).json()
    assert len(first["results"]) == 5 and first["next_token"]
    assert table(page) == table_rows(first)

    page.get_by_role("button", name="Next page of linking root domains").click()
    page.locator("#lrd-page").filter(has_text="Page 2 (last)").wait_for()
    second = demo_server.post(
        "linking_root_domains", {**body, "next_token": first["next_token"]}
    ).json()
    assert table(page) == table_rows(second) and second["next_token"] == ""
    assert page.get_by_role("button", name="Next page of linking root domains").is_disabled()

    # Back is shown from memory: only the rows of the two pages were billed.
    page.get_by_role("button", name="Previous page of linking root domains").click()
    page.locator("#lrd-page").filter(has_text="Page 1").wait_for()
    assert table(page) == table_rows(first)
    assert rows_used(demo_server, key) - before == 6
    page.locator("#usage").filter(has_text=f"{before + 6} rows used").wait_for()
    screenshot(page, shots, "explorer-linking-root-domains")

    page.select_option("#lrd-sort", "source_spam_score")
    page.select_option("#lrd-filter", "external+not_deleted")
    page.get_by_role("button", name="Show linking root domains").click()
    page.locator("#lrd-table caption").filter(has_text="by Spam Score").wait_for()
    by_spam = demo_server.post(
        "linking_root_domains",
        {**body, "sort": "source_spam_score", "filter": "external+not_deleted"},
    ).json()
    assert table(page) == table_rows(by_spam)

    # The export is every page of the same query, in the API's rows, each billed once.
    used = rows_used(demo_server, key)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV (every page) of linking root domains").click()
    assert download.value.failure() is None  # waits for the whole file
    assert download.value.suggested_filename == "linking-root-domains-ietf.org-root_domain.csv"
    exported = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    every = demo_server.all_pages(
        "linking_root_domains", **body, sort="source_spam_score", filter="external+not_deleted"
    )
    assert len(exported) == len(every) == 6
    for row, result in zip(exported, every, strict=True):
        flat = {**result, **result["to_target"]}
        assert row["root_domain"] == flat["root_domain"]
        # Numbers as JavaScript writes them (0.0 is "0"): equal as numbers; no dates unsorted.
        counts = set(row) - {"root_domain", "date_gained", "date_lost"}
        assert {f: float(row[f]) for f in counts} == {f: float(flat[f]) for f in counts}
        assert row["date_gained"] == row["date_lost"] == ""
    assert set(exported[0]) >= {"root_domain", "domain_authority", "spam_score", "pages"}
    assert rows_used(demo_server, key) - used == 6
    assert "Exporting linking root domains" in page.inner_text("#status")
    assert page.errors == [] and page.failures == []


def published_index(server) -> dict:
    """The current snapshot's id, date and publish time, read from its meta."""
    layout = SnapshotLayout(server.home.snapshots)
    meta = Snapshot(layout.path_of(layout.current_name())).meta
    return {"id": meta["index_id"], "date": meta["index_date"], "at": meta[PUBLISHED_AT]}


def assert_header_shows(page, index: dict) -> None:
    """The header says "index <id>, data to <date>, published <how long ago> (<UTC time>)"."""
    page.locator("#index").filter(has_text=f"index {index['id']},").wait_for()
    assert page.inner_text("#index").startswith(
        f"index {index['id']}, data to {index['date']}, published "
    )
    assert page.get_attribute("#published", "datetime") == index["at"]
    utc = re.escape(index["at"].replace("T", " ").replace("Z", " UTC"))
    assert re.fullmatch(rf"(now|\d+ \w+ ago) \({utc}\)", page.inner_text("#published"))


def test_a_new_index_published_while_the_page_is_open_is_announced(
    tmp_path_factory, serve, offline, shots
):
    server = serve(built_home(tmp_path_factory, explain_web, "fresh"))
    page = offline().page()
    page.goto(f"{server.base_url}/explorer?target={KNOWN}")
    sign_in(page, server.credential)
    page.wait_for_selector("#overview-title")
    old = published_index(server)
    assert old["id"] == server.post("index_metadata", {}).json()["index_id"]
    assert_header_shows(page, old)
    assert page.locator("#fresh").is_hidden()

    build_a_newer_index(server)
    new = published_index(server)
    assert new["id"] == server.post("index_metadata", {}).json()["index_id"] != old["id"]
    assert new["date"] == "2026-03-05"  # the added crawl's date: the index's data moved on
    utc = new["at"].replace("T", " ").replace("Z", " UTC")
    page.locator("#fresh").filter(
        has_text=f"A new index ({new['id']}, data to {new['date']}) was published at {utc}"
    ).wait_for()
    assert_header_shows(page, new)
    screenshot(page, shots, "explorer-new-index")

    page.get_by_role("button", name="Show its numbers").click()
    page.locator("#status").filter(has_text=f"Overview of {KNOWN}").wait_for()
    assert page.locator("#fresh").is_hidden()
    assert page.errors == [] and page.failures == []


def test_compare_lists_the_root_domains_linking_to_competitors_but_not_the_target(
    demo_server, offline, key, shots
):
    page = offline().page()
    page.goto(f"{demo_server.base_url}/explorer?target=nodejs.org")
    sign_in(page, key)
    page.wait_for_selector("#overview-title")
    before = rows_used(demo_server, key)
    page.get_by_label("Competitor 1").fill("docs.djangoproject.com")
    page.get_by_label("Competitor 2").fill("www.postgresql.org")
    page.get_by_role("button", name="Find the gap").click()
    page.locator("#compare-table caption").filter(has_text="but not to nodejs.org").wait_for()

    competitors = ["docs.djangoproject.com", "www.postgresql.org"]
    answer = demo_server.post("link_intersect", {
        "positive_targets": [{"target": t, "scope": "root_domain"} for t in competitors],
        "negative_targets": [{"target": "nodejs.org", "scope": "root_domain"}],
        "source_scope": "root_domain", "limit": 25,
    }).json()  # fmt: skip
    shown_rows = page.evaluate(
        "[...document.querySelectorAll('#compare-table tbody tr')]"
        ".map(tr => [...tr.cells].map(cell => cell.textContent))"
    )
    assert shown_rows == [
        [r["page"], str(r["domain_authority"]),
         "—" if r["spam_score"] < 0 else f"{r['spam_score']}%",
         ", ".join(competitors[i] for i in r["matching_target_indexes"])]
        for r in answer["results"]
    ]  # fmt: skip
    assert shown_rows, "the sample has root domains linking to them and not to nodejs.org"

    # Each site's own numbers side by side, at its own scope: url_metrics' for them all.
    sites = ["nodejs.org", *competitors]
    metrics = demo_server.post("url_metrics", {"targets": sites}).json()["results"]
    assert table(page, "compare-metrics") == [
        [site, f"root domain {m['root_domain']}", str(m["domain_authority"]),
         str(m["page_authority"]), "—" if m["spam_score"] < 0 else f"{m['spam_score']}%",
         f"{m['root_domains_to_root_domain']:,}", f"{m['external_pages_to_root_domain']:,}"]
        for site, m in zip(sites, metrics, strict=True)
    ]  # fmt: skip
    assert len({row[2] for row in table(page, "compare-metrics")}) > 1  # not all the same DA
    # One url_metrics call, a row per site; the API's 5 a root domain for the intersect.
    assert rows_used(demo_server, key) - before == len(sites) + 5 * len(shown_rows)
    screenshot(page, shots, "explorer-compare")
    assert page.errors == [] and page.failures == []


def test_the_inbound_links_table_and_its_export_are_the_apis_links(
    demo_server, offline, key, shots
):
    page = offline().page()
    page.goto(f"{demo_server.base_url}/explorer?target={TARGET}")
    sign_in(page, key)
    page.wait_for_selector("#overview-title")
    page.select_option("#links-limit", "5")
    page.select_option("#links-follow", "follow")
    page.get_by_role("button", name="Show inbound links").click()
    page.locator("#links-page").filter(has_text="Page 1").wait_for()
    body = {"target": TARGET, "target_scope": "subdomain", "filter": "external+follow"}
    first = demo_server.post("links", {**body, "limit": 5}).json()["results"]
    assert table(page, "links") == link_rows(first)
    screenshot(page, shots, "explorer-inbound-links")

    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV (every page) of inbound links").click()
    exported = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    every = demo_server.all_pages("links", **body, limit=50)
    assert [(r["source_page"], r["target_page"], r["anchor_text"]) for r in exported] == [
        (r["source"]["page"], r["target"]["page"], spreadsheet_safe(r["anchor_text"]))
        for r in every
    ]
    assert len(every) > 5  # more than the first page
    assert page.errors == [] and page.failures == []


def link_rows(results: list[dict]) -> list[list[str]]:
    """The API's links as the inbound links table shows them (live links: no Lost column)."""
    return [
        [r["source"]["page"], str(r["source"]["page_authority"]),
         str(r["source"]["domain_authority"]),
         "—" if r["source"]["spam_score"] < 0 else f"{r['source']['spam_score']}%",
         r["anchor_text"], r["target"]["page"],
         ("nofollow" if r["nofollow"] else "followed") + (", redirect" if r["redirect"] else ""),
         r["date_first_seen"]]
        for r in results
    ]  # fmt: skip


def open_overview(server, offline, key, target: str):
    page = offline().page()
    page.goto(f"{server.base_url}/explorer?target={target}")
    sign_in(page, key)
    page.wait_for_selector("#overview-title")
    return page


def test_a_date_sort_of_linking_root_domains_is_the_apis_with_its_60_day_filter(
    demo_server, offline, key, shots
):
    """Choosing "date gained" chooses the 60-day gained filter the API requires with it, From
    narrows it, and the rows (with their Gained dates) are the API's for the same body."""
    page = open_overview(demo_server, offline, key, LINKED_BY_SIX)
    assert page.locator("#lrd-begin").is_disabled()  # dates go with the date sorts only
    page.select_option("#lrd-sort", "date_gained")
    assert page.input_value("#lrd-filter") == "external+gained_last_60_days"
    assert "which the API requires with this sort" in page.inner_text("#lrd-rules")
    page.fill("#lrd-begin", "2024-03-05")
    page.get_by_role("button", name="Show linking root domains").click()
    page.locator("#lrd-table caption").filter(has_text="by date gained").wait_for()
    body = {"target": LINKED_BY_SIX, "target_scope": "root_domain", "limit": 25,
            "sort": "date_gained", "filter": "external+gained_last_60_days",
            "begin_date": "2024-03-05"}  # fmt: skip
    answer = demo_server.post("linking_root_domains", body).json()
    assert 0 < len(answer["results"]) < 6  # narrowed by From: not all six of ietf.org's
    assert table(page) == [
        [*row, r["date_gained"]]
        for row, r in zip(table_rows(answer), answer["results"], strict=True)
    ]
    assert page.locator("#lrd-table thead th").last.inner_text() == "Gained"
    page.locator("#lrd-table").scroll_into_view_if_needed()
    screenshot(page, shots, "explorer-linking-root-domains-by-date", full_page=False)

    # The other way round: the lost filter chooses its sort; a plain sort drops the filter.
    page.select_option("#lrd-filter", "external+lost_last_60_days")
    assert page.input_value("#lrd-sort") == "date_lost"
    page.select_option("#lrd-sort", "source_domain_authority")
    assert page.input_value("#lrd-filter") == "external"
    assert page.locator("#lrd-begin").is_disabled()
    assert page.errors == [] and page.failures == []


def test_a_refused_date_range_shows_the_apis_message(demo_server, offline, key):
    page = open_overview(demo_server, offline, key, LINKED_BY_SIX)
    page.select_option("#lrd-sort", "date_lost")
    page.fill("#lrd-begin", "2024-03-08")
    page.fill("#lrd-end", "2024-03-01")
    page.get_by_role("button", name="Show linking root domains").click()
    message = demo_server.post("linking_root_domains", {
        "target": LINKED_BY_SIX, "target_scope": "root_domain", "sort": "date_lost",
        "filter": "external+lost_last_60_days", "begin_date": "2024-03-08",
        "end_date": "2024-03-01"}).json()["message"]  # fmt: skip
    page.locator("#lrd-error").filter(has_text=message).wait_for()
    assert page.inner_text("#lrd-error") == f"The API refused this query: {message}"
    assert page.errors == [] and failed(page) == [(400, "v2/linking_root_domains")]


def test_the_links_sorts_and_filter_terms_are_the_apis(demo_server, offline, key, shots):
    """Every sort and filter term of /v2/links is a control: a sort by the source root domain's
    linking root domains with followed links gained in the 60 days gives the API's rows."""
    page = open_overview(demo_server, offline, key, TARGET)
    page.select_option("#links-limit", "5")
    page.select_option("#links-sort", "root_domains_to_source_root_domain")
    page.select_option("#links-follow", "follow")
    page.check("#links-gained_last_60_days")
    assert page.inner_text("#links-filter-sent") == (
        "filter sent: external+follow+gained_last_60_days"
    )
    page.get_by_role("button", name="Show inbound links").click()
    page.locator("#links-page").filter(has_text="Page 1").wait_for()
    body = {"target": TARGET, "target_scope": "subdomain", "limit": 5,
            "sort": "root_domains_to_source_root_domain",
            "filter": "external+follow+gained_last_60_days"}  # fmt: skip
    answer = demo_server.post("links", body).json()["results"]
    assert answer and table(page, "links") == link_rows(answer)
    page.locator("#links-filter-sent").scroll_into_view_if_needed()
    screenshot(page, shots, "explorer-inbound-links-filters", full_page=False)

    # One link from each source root domain, from one root domain, with one anchor text.
    first = answer[0]
    page.fill("#links-anchor", first["anchor_text"] or "(none)")
    page.fill("#links-source-root", first["source"]["root_domain"])
    page.select_option("#links-source-scope", "root_domain")
    page.get_by_role("button", name="Show inbound links").click()
    page.locator("#links-page").filter(has_text="Page 1 (last)").wait_for()
    narrowed = demo_server.post("links", {
        **body, "anchor_text": first["anchor_text"] or "\u0000",
        "source_root_domain": first["source"]["root_domain"], "source_scope": "root_domain",
    }).json()["results"]  # fmt: skip
    assert len(narrowed) == 1 and table(page, "links") == link_rows(narrowed)
    assert page.errors == [] and page.failures == []


def test_a_refused_links_filter_shows_the_apis_message(demo_server, offline, key):
    """Several terms without 'external' are a 400: the page says the API's words."""
    page = open_overview(demo_server, offline, key, TARGET)
    page.uncheck("#links-external")
    page.select_option("#links-follow", "follow")
    page.select_option("#links-redirect", "not_redirect")
    page.get_by_role("button", name="Show inbound links").click()
    message = demo_server.post("links", {
        "target": TARGET, "target_scope": "subdomain", "limit": 25,
        "sort": "source_page_authority", "filter": "follow+not_redirect",
    }).json()["message"]  # fmt: skip
    page.locator("#links-error").filter(has_text=message).wait_for()
    assert "'external' must be one of them" in message
    assert page.errors == [] and failed(page) == [(400, "v2/links")]


def test_the_anchor_text_and_top_pages_tables_are_the_apis_first_pages(
    demo_server, offline, key, shots
):
    page = offline().page()
    page.goto(f"{demo_server.base_url}/explorer?target={TARGET}")
    sign_in(page, key)
    page.wait_for_selector("#overview-title")
    body = {"target": TARGET, "target_scope": "subdomain", "limit": 5}
    for name, label in (("anchors", "anchor texts"), ("top", "top pages")):
        page.select_option(f"#{name}-limit", "5")
        page.get_by_role("button", name=f"Show {label}").click()
        page.locator(f"#{name}-page").filter(has_text="Page 1").wait_for()

    anchors = demo_server.post("anchor_text", body).json()["results"]
    assert anchors and table(page, "anchors") == [
        [r["anchor_text"] or "(none)", f"{r['external_root_domains']:,}",
         f"{r['external_pages']:,}"]
        for r in anchors
    ]  # fmt: skip
    top = demo_server.post("top_pages", body).json()["results"]
    assert top and table(page, "top") == [
        [r["page"], r["title"], str(r["page_authority"]), f"{r['root_domains_to_page']:,}",
         f"{r['external_pages_to_page']:,}", str(r["http_code"]) if r["http_code"] else
         "not crawled"]
        for r in top
    ]  # fmt: skip
    screenshot(page, shots, "explorer-anchor-text-top-pages")
    assert page.errors == [] and page.failures == []


def test_a_key_out_of_quota_is_told_when_to_try_again(demo_server, offline, key):
    """The page is billed as any client: a key whose rows are used up gets the API's 429."""
    accounts = AccountStore(demo_server.home.state / "keys.sqlite")
    accounts.set_quota(key.access_id, DATA_ROWS, QuotaPolicy(0, "day", False))
    page = offline().page()
    page.goto(f"{demo_server.base_url}/explorer?target={TARGET}")
    sign_in(page, key)  # index_metadata is free: signing in still works
    status = page.locator("#status").filter(has_text=f"Could not look up {TARGET}")
    status.wait_for()
    assert "Try again in" in status.inner_text()
    assert page.locator("#overview").is_hidden()
    assert (429, "v2/url_metrics") in failed(page)
    assert rows_used(demo_server, key) == 0


def painted(page, chart: str) -> int:
    """How many pixels of a chart's canvas uPlot painted (0 for a blank one)."""
    return page.evaluate(
        f"""(() => {{
          const canvas = document.querySelector('#{chart} canvas');
          const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let n = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
          return n;
        }})()"""
    )


def delta_rows(history: dict) -> list[list[str]]:
    """A history's gained and lost counts as the chart's table shows them, newest first."""
    lost = {d["date"]: d["count"] for d in history["metric_deltas"]["lost"]}
    return [
        [d["date"], f"{d['count']:,}", f"{lost[d['date']]:,}"]
        for d in history["metric_deltas"]["gained"]
    ]


DA_BUCKETS = [f"{10 * i + 1}-{10 * i + 10}" for i in range(10)]


def test_the_charts_draw_the_apis_histories_and_distributions(demo_server, offline, key, shots):
    page = offline().page()
    page.goto(f"{demo_server.base_url}/explorer?target={TARGET}")
    sign_in(page, key)
    page.wait_for_selector("#overview-title")
    page.get_by_role("button", name="Show charts").click()
    page.wait_for_selector("#chart-spam canvas")

    for period, scope in (("daily", "subdomain"), ("monthly", "root_domain")):
        metrics = [f"root_domains_to_{scope}", f"external_pages_to_{scope}"]
        body = {"targets": [TARGET], "distributions": True, f"{period}_history_deltas": metrics}
        answer = demo_server.post("url_metrics", body).json()["results"][0]
        roots, pages = answer[f"{period}_history_deltas"]
        assert table(page, "chart-root-domains") == delta_rows(roots)
        assert table(page, "chart-links") == delta_rows(pages)
        assert any(d["count"] for d in roots["metric_deltas"]["gained"])  # something to draw
        distributions = answer["distributions"]
        da = distributions[f"root_domains_to_{scope}_by_domain_authority"]
        spam = distributions[f"root_domains_to_{scope}_by_spam_score"]
        assert sum(da) > 0
        assert table(page, "chart-da") == [
            [b, f"{n:,}"] for b, n in zip(DA_BUCKETS, da, strict=True)
        ]
        assert table(page, "chart-spam") == [
            [f"{b}%", f"{n:,}"] for b, n in zip(DA_BUCKETS, spam, strict=True)
        ]
        # Each chart is labelled by its caption and drawn (under the page's script and style
        # policy: a refusal would be in page.errors).
        for chart in ("chart-root-domains", "chart-links", "chart-da", "chart-spam"):
            figure = page.locator(f"figure:has(#{chart})")
            assert figure.get_attribute("aria-labelledby") == f"{chart}-title"
            assert painted(page, chart) > 500, chart
        if period == "daily":
            page.locator("#chart-da-title").scroll_into_view_if_needed()
            page.locator("figure:has(#chart-da) summary").click()  # the numbers, by keyboard too
            screenshot(page, shots, "explorer-charts")
            # At a phone's width, by month, for the root domain: drawn to fit the screen.
            page.set_viewport_size(PHONE)
            page.get_by_label("Count links to").select_option("root_domain")
            page.select_option("#charts-period", "monthly")
            page.get_by_role("button", name="Show charts").click()
            page.wait_for_selector("#chart-root-domains-title:has-text('by month')")
            page.wait_for_selector("#chart-spam canvas")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, shots, "explorer-charts-phone")
    # Back at a laptop's width the charts are drawn again to their wider box.
    page.set_viewport_size(LAPTOP)
    page.wait_for_function(
        "() => document.querySelector('#chart-da canvas').getBoundingClientRect().width > 600"
    )
    # url_metrics and Brand Authority for the overview, then 3 rows for each drawing of the
    # charts: the target, its history, its distributions.
    assert rows_used(demo_server, key) == 2 + 3 + 3
    assert page.errors == [] and page.failures == []

    # A target the index never saw: its default zeros are drawn (flat), not an error.
    page.goto(f"{demo_server.base_url}/explorer?target={UNKNOWN}")
    page.wait_for_selector("#overview-title")
    page.get_by_role("button", name="Show charts").click()
    page.wait_for_selector("#chart-spam canvas")
    assert {row[1] for row in table(page, "chart-da")} == {"0"}
    assert {tuple(row[1:]) for row in table(page, "chart-root-domains")} == {("0", "0")}
    assert page.errors == [] and set(failed(page)) <= {(404, "jsonrpc")}  # Brand Authority


SPAM_SIGNALS_HIT = "nodejs.org"  # two Spam Score signals hit in the sample


def test_the_overview_says_why_in_the_explain_reports_words(demo_server, offline, key, shots):
    page = offline().page()
    page.goto(f"{demo_server.base_url}/explorer?target={SPAM_SIGNALS_HIT}")
    sign_in(page, key)
    page.wait_for_selector("#reasons-body:not([aria-busy]) dl")
    report = demo_server.http.get(
        f"{demo_server.base_url}/explain.json", params={"target": SPAM_SIGNALS_HIT},
        auth=demo_server.auth, timeout=10,
    ).json()  # fmt: skip

    def sentence(text: str) -> str:
        return text[:1].upper() + text[1:]

    said = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('#reasons dd[data-section]')]"
        ".map(dd => [dd.dataset.section, dd.textContent]))"
    )
    assert said == {
        section: sentence(report[section]["summary"])
        + (f" {report[section]['rule']}." if section.endswith("authority") and "rule" in
           report[section] else "")
        for section in ("page_authority", "domain_authority", "spam_score", "link_propensity",
                        "brand_authority")
    }  # fmt: skip
    for section in ("page_authority", "domain_authority"):
        shown_sources = table(page, f"{section}-sources")
        assert shown_sources == [
            [(f"{r['root_domain']} (its own root domain)" if r.get("own_root_domain")
              else r["root_domain"]), f"{100 * r['share']:.1f}%",
             "" if r["trust"] is None else f"{r['trust']:.2f}"]
            for r in report[section]["strongest_sources"]
        ]  # fmt: skip
    assert report["domain_authority"]["strongest_sources"]  # nodejs.org has linkers
    notes = page.locator("#reasons .note-box").all_inner_texts()
    assert notes == report["notes"]
    spam = report["spam_score"]
    hit = [s for s in spam["signals"] if s["hit"]]
    assert hit
    assert f"{len(hit)} of {len(spam['signals'])}" in page.inner_text("#spam-signals-title")
    items = page.locator("#spam-signals li")
    assert [items.nth(i).get_attribute("data-signal") for i in range(items.count())] == [
        s["signal"] for s in hit
    ]
    for i, signal in enumerate(hit):
        assert signal["rule"] in items.nth(i).inner_text()
    page.locator("#spam-signals").scroll_into_view_if_needed()
    screenshot(page, shots, "explorer-reasons", full_page=False)
    # The report is free: only url_metrics, and Brand Authority when it has a score.
    assert rows_used(demo_server, key) == 1 + (shown(page)["brand_authority"] != "—")
    assert page.errors == [] and page.failures == []


def spreadsheet_safe(text: str) -> str:
    """What the export writes for a text cell: a formula's first character is escaped."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def test_an_export_cut_short_is_a_failed_download_not_a_short_file(
    tmp_path_factory, serve, offline
):
    """The quota runs out between the export's pages (another call spent it): the browser
    is told the file failed, rather than keeping the first page as if it were the list."""
    server = serve(built_home(tmp_path_factory, crafted_web, "cut-short"))
    key = server.credential
    AccountStore(server.home.state / "keys.sqlite").set_quota(
        key.access_id, DATA_ROWS, QuotaPolicy(60, "month", False)
    )
    page = offline().page()
    page.goto(f"{server.base_url}/explorer?target=t.com")
    sign_in(page, key)
    page.wait_for_selector("#overview-title")

    def ticket_then_spend(route) -> None:
        # Between the ticket (the quota covered the list's 51 rows) and the file, another
        # call leaves 38 rows: the first page of 50 is sent and billed, the second refused.
        # (The download itself is not routed: Playwright's routing would keep the file.)
        ticket = route.fetch()
        meter = Meter.open(server.home.state)
        api_key = KeyStore(server.home.state / "keys.sqlite").active(key.access_id)
        meter.charge(api_key, DATA_ROWS, 60 - 38 - meter.quota(api_key, DATA_ROWS).used)
        route.fulfill(response=ticket)

    page.route("**/explorer/exports", ticket_then_spend)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV (every page) of linking root domains").click()
    assert download.value.failure() is not None
    assert rows_used(server, key) == 60 - 38 + 50
    assert page.errors == []
