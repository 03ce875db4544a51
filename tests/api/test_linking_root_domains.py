"""linking_root_domains, called in-process, one test per rule of seed 002."""

from __future__ import annotations

import pytest
from indexed import serve_web
from web import LINKING, TARGET, crafted_web, expected_all_nofollow, expected_live


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve_web(tmp_path_factory, "lrd", crafted_web, {"LINKINDEX_TOKEN_TTL": "3600"})


def lrd(server, **body):
    return server.post("linking_root_domains", body)


def all_pages(server, **body) -> list[dict]:
    return server.all_pages("linking_root_domains", **body)


def test_response_has_the_seed_fields_in_order(server):
    payload = lrd(server, target=TARGET, limit=1).json()
    assert list(payload) == ["results", "next_token"]
    [row] = payload["results"]
    assert list(row) == [
        "root_domain", "root_domains_to_root_domain", "domain_authority", "link_propensity",
        "spam_score", "to_target",
    ]  # fmt: skip
    assert list(row["to_target"]) == ["pages", "nofollow_pages", "redirect_pages", "deleted_pages"]
    assert isinstance(row["link_propensity"], float)


def test_default_limit_is_25(server):
    assert len(lrd(server, target=TARGET).json()["results"]) == 25


@pytest.mark.parametrize("limit", [0, 51, -1])
def test_limit_outside_1_to_50_is_a_400(server, limit):
    response = lrd(server, target=TARGET, limit=limit)
    assert response.status_code == 400
    assert "limit" in response.json()["message"]


def test_limit_50_is_accepted(server):
    assert len(lrd(server, target=TARGET, limit=50).json()["results"]) == 50


def test_default_returns_every_currently_linking_root_domain_once(server):
    rows = all_pages(server, target=TARGET, limit=7)
    names = [r["root_domain"] for r in rows]
    expected = {f"d{i:02d}.com" for i in range(LINKING) if expected_live(i)}
    assert len(names) == len(set(names)) == len(expected)
    assert set(names) == expected


def test_results_are_sorted_by_domain_authority_descending(server):
    rows = all_pages(server, target=TARGET, limit=50)
    keys = [(-r["domain_authority"], r["root_domain"]) for r in rows]
    assert keys == sorted(keys)


def test_to_target_counts_pages_of_the_source_domain(server):
    rows = {r["root_domain"]: r for r in all_pages(server, target=TARGET, limit=50)}
    for i in range(LINKING):
        if not expected_live(i):
            continue
        to_target = rows[f"d{i:02d}.com"]["to_target"]
        assert to_target["pages"] == i % 3 + 1
        nofollow_pages = (i % 3 + 1) if i % 5 == 0 else (1 if i % 5 == 1 else 0)
        assert to_target["nofollow_pages"] == nofollow_pages


def test_nofollow_filter_requires_all_links_nofollow(server):
    rows = all_pages(server, target=TARGET, filter="external+nofollow", limit=50)
    expected = {f"d{i:02d}.com" for i in range(LINKING) if expected_live(i) and
                expected_all_nofollow(i)}  # fmt: skip
    assert {r["root_domain"] for r in rows} == expected


def test_follow_filter_requires_at_least_one_followed_link(server):
    rows = all_pages(server, target=TARGET, filter="external+follow", limit=50)
    expected = {f"d{i:02d}.com" for i in range(LINKING) if expected_live(i) and
                not expected_all_nofollow(i)}  # fmt: skip
    assert {r["root_domain"] for r in rows} == expected


def test_deleted_filter_returns_root_domains_that_stopped_linking(server):
    rows = all_pages(server, target=TARGET, filter="external+deleted", limit=50)
    assert {r["root_domain"] for r in rows} == {
        f"d{i:02d}.com" for i in range(LINKING) if not expected_live(i) and i % 4 != 0
    }
    assert all(r["to_target"]["deleted_pages"] > 0 for r in rows)


def test_date_gained_sort_needs_the_gained_filter(server):
    response = lrd(server, target=TARGET, sort="date_gained")
    assert response.status_code == 400
    assert "external+gained_last_60_days" in response.json()["message"]


def test_date_gained_sort_returns_recent_gains_newest_first_with_their_date(server):
    rows = all_pages(
        server, target=TARGET, sort="date_gained", filter="external+gained_last_60_days"
    )
    assert {r["root_domain"] for r in rows} == {
        f"d{i:02d}.com" for i in range(0, LINKING, 4) if expected_live(i)
    }
    assert all(r["date_gained"] == "2026-03-01" for r in rows)
    assert all("date_lost" not in r for r in rows)


def test_date_lost_sort_returns_recent_losses_with_their_date(server):
    rows = all_pages(server, target=TARGET, sort="date_lost", filter="external+lost_last_60_days")
    assert {r["root_domain"] for r in rows} == {
        f"d{i:02d}.com" for i in range(LINKING) if not expected_live(i) and i % 4 != 0
    }
    assert all(r["date_lost"] == "2026-03-01" for r in rows)


def test_end_date_before_every_gain_returns_nothing(server):
    response = lrd(
        server, target=TARGET, sort="date_gained", filter="external+gained_last_60_days",
        begin_date="2026-01-01", end_date="2026-02-01",
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["results"] == []


def test_begin_date_with_a_non_date_sort_is_a_400(server):
    response = lrd(server, target=TARGET, begin_date="2026-01-01")
    assert response.status_code == 400
    assert "begin_date" in response.json()["message"]


@pytest.mark.parametrize("value", ["2026-1-01", "yesterday", "2026-02-30"])
def test_malformed_date_is_a_400(server, value):
    response = lrd(
        server, target=TARGET, sort="date_lost", filter="external+lost_last_60_days",
        begin_date=value,
    )  # fmt: skip
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.json()["message"]


def test_filter_without_external_is_a_400(server):
    assert lrd(server, target=TARGET, filter="follow").status_code == 400


def test_two_link_state_filters_together_are_a_400(server):
    assert lrd(server, target=TARGET, filter="external+follow+nofollow").status_code == 400


def test_unknown_filter_is_a_400_naming_it(server):
    response = lrd(server, target=TARGET, filter="external+shiny")
    assert response.status_code == 400 and "shiny" in response.json()["message"]


def test_unknown_target_scope_is_a_400_listing_valid_values(server):
    response = lrd(server, target=TARGET, target_scope="domain")
    assert response.status_code == 400
    assert "root_domain" in response.json()["message"]


def test_unknown_sort_is_a_400(server):
    assert lrd(server, target=TARGET, sort="page_authority").status_code == 400


def test_missing_target_is_a_400(server):
    response = lrd(server, limit=5)
    assert response.status_code == 400 and "target" in response.json()["message"]


def test_wrong_type_is_a_400(server):
    assert lrd(server, target=TARGET, limit="5").status_code == 400
    assert lrd(server, target=["t.com"]).status_code == 400


def test_not_a_url_target_is_a_400(server):
    response = lrd(server, target="ftp://t.com/")
    assert response.status_code == 400 and "target" in response.json()["message"]


def test_bad_json_is_a_400(server):
    response = server.post("linking_root_domains", data=b'{"target": ')
    assert response.status_code == 400
    assert response.json()["name"] == "Bad Request"


def test_oversized_body_is_a_413(server):
    response = server.post("linking_root_domains", {"target": "t.com/" + "a" * 200_000})
    assert response.status_code == 413


def test_scopes_find_links_to_any_page_of_the_target(server):
    rows = all_pages(server, target="t.com", target_scope="root_domain", limit=50)
    assert len(rows) == sum(1 for i in range(LINKING) if expected_live(i))


def test_tampered_next_token_is_a_400(server):
    token = lrd(server, target=TARGET, limit=5).json()["next_token"]
    tampered = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    response = lrd(server, target=TARGET, limit=5, next_token=tampered)
    assert response.status_code == 400


def test_next_token_for_another_request_is_a_400(server):
    token = lrd(server, target=TARGET, limit=5).json()["next_token"]
    response = lrd(server, target=TARGET, filter="external+follow", limit=5, next_token=token)
    assert response.status_code == 400
    assert "different request" in response.json()["message"]


def test_tokens_are_opaque_not_offsets(server):
    token = lrd(server, target=TARGET, limit=5).json()["next_token"]
    assert not token.isdigit() and len(token) > 20
