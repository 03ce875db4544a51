"""Metric histories on the synthetic three-crawl web, called in-process: the history's value on the
index date is url_metrics' current value for all 27 counts, and deltas agree with values."""

from __future__ import annotations

import sqlite3

import pytest
from app_server import app_server

from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.index import histories
from linkindex.index.histories import COUNT_METRICS, DELTA_METRICS, VALUE_METRICS, HistoryRequest
from linkindex.index.layout import SnapshotLayout
from linkindex.index.snapshot import Snapshot
from linkindex.index.writer import STORE_FILE
from linkindex.synth.cli import generate
from linkindex.urls import parse_target


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    home = Home(tmp_path_factory.mktemp("synth-histories") / "home").ensure()
    generate(home.crawls, seed=5, root_domains=40, pages_per_domain=8, fmt="parquet")
    built = build_index(home)
    store = sqlite3.connect(home.snapshots / built.snapshot / STORE_FILE)
    queries = [  # targets of every kind: most linked, with lost links, with indirect links
        "SELECT page FROM pages ORDER BY root_domains_to_page DESC, page LIMIT 4",
        "SELECT page FROM pages WHERE deleted_pages_to_page > 0 ORDER BY page LIMIT 4",
        "SELECT page FROM pages WHERE redirect_pages_to_page > 0 ORDER BY page LIMIT 2",
        "SELECT root_domain FROM root_domains WHERE deleted_pages_to_root_domain > 0"
        " ORDER BY pages_to_root_domain DESC LIMIT 3",
        "SELECT root_domain FROM root_domains WHERE indirect_root_domains_to_root_domain > 0"
        " ORDER BY root_domain LIMIT 2",
        "SELECT subdomain FROM subdomains WHERE subdomain LIKE 'www.%'"
        " ORDER BY pages_to_subdomain DESC LIMIT 2",
    ]
    targets = list(dict.fromkeys(t for sql in queries for (t,) in store.execute(sql)))
    store.close()
    with app_server(home) as running:
        yield running, targets, built.index_date


def test_the_targets_cover_lost_and_indirect_links(synth):
    server, targets, _ = synth
    results = server.post("url_metrics", {"targets": targets}).json()["results"]
    assert len(targets) >= 10
    assert any(r["deleted_pages_to_page"] for r in results)
    assert any(r["indirect_root_domains_to_root_domain"] for r in results)


def test_values_on_the_index_date_are_the_current_metrics_for_all_27_counts(synth):
    server, targets, index_date = synth
    body = {"targets": targets, "daily_history_values": list(COUNT_METRICS),
            "monthly_history_values": list(COUNT_METRICS)}  # fmt: skip
    response = server.post("url_metrics", body)
    assert response.status_code == 200, response.text
    for target, result in zip(targets, response.json()["results"], strict=True):
        for kind, label in (("daily", index_date), ("monthly", index_date[:7])):
            for entry in result[f"{kind}_history_values"]:
                name = entry["metric_name"]
                assert entry["metric_values"][0] == {"date": label, "value": result[name]}, (
                    target, kind, name,
                )  # fmt: skip


def test_each_days_change_of_value_is_its_gains_less_its_losses(synth):
    server, targets, _ = synth
    for kind in ("daily", "monthly"):
        body = {"targets": targets, f"{kind}_history_values": list(COUNT_METRICS),
                f"{kind}_history_deltas": list(COUNT_METRICS)}  # fmt: skip
        for result in server.post("url_metrics", body).json()["results"]:
            deltas = {
                e["metric_name"]: e["metric_deltas"] for e in result[f"{kind}_history_deltas"]
            }
            for entry in result[f"{kind}_history_values"]:
                points = entry["metric_values"]
                change = deltas[entry["metric_name"]]
                assert len(points) == len(change["gained"]) == len(change["lost"])
                for point, before, gained, lost in zip(
                    points, points[1:], change["gained"], change["lost"], strict=False
                ):
                    assert point["date"] == gained["date"] == lost["date"]
                    assert point["value"] - before["value"] == gained["count"] - lost["count"], (
                        entry["metric_name"], point["date"],
                    )  # fmt: skip


def test_histories_computed_in_small_slices_of_rows_are_the_same(synth, monkeypatch):
    # Heavy targets are unpacked a slice of rows at a time; slices of 8 rows must add up to the
    # same answer as one slice holding every row.
    server, targets, _ = synth
    snapshot = Snapshot(
        server.home.snapshots / SnapshotLayout(server.home.snapshots).current_name()
    )
    every = HistoryRequest(
        daily_history_deltas=DELTA_METRICS, daily_history_values=VALUE_METRICS,
        monthly_history_deltas=DELTA_METRICS, monthly_history_values=VALUE_METRICS,
    )  # fmt: skip
    whole = [snapshot.metric_histories(parse_target(t), every) for t in targets]
    monkeypatch.setattr(histories, "_SLICE_ROWS", 8)
    assert [snapshot.metric_histories(parse_target(t), every) for t in targets] == whole
