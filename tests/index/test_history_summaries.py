"""Heavy targets' history summaries: a store keeps the histories' counts of every target with
more than a threshold of link rows, and a history read from them is the one computed from the
link rows, in one file or in three shards."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from app_server import app_server

from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.index import history_summaries, schema
from linkindex.index.histories import DELTA_METRICS, HISTORY_KINDS, VALUE_METRICS, HistoryRequest
from linkindex.index.shards import shard_paths
from linkindex.index.snapshot import Snapshot
from linkindex.index.writer import STORE_FILE
from linkindex.synth.cli import generate
from linkindex.urls import parse_target

THRESHOLD = 100  # link rows: at this web's size, some targets of every scope are heavier
SCOPES = ("page", "subdomain", "root_domain")
CALL_ID = "heavy-0000-0000-0000-000000000000"
EVERY_HISTORY = HistoryRequest(
    daily_history_deltas=DELTA_METRICS,
    daily_history_values=VALUE_METRICS,
    monthly_history_deltas=DELTA_METRICS,
    monthly_history_values=VALUE_METRICS,
)


def generated_web(home: Home) -> None:
    """Four crawls: links gained and lost, nofollow, redirects and canonicals into the targets."""
    generate(home.crawls, seed=11, root_domains=30, pages_per_domain=6, crawls=4, fmt="parquet")


@pytest.fixture(scope="module")
def homes(tmp_path_factory):
    """The web built in one file and in three shards, each summarized at THRESHOLD, and the
    one file as built (every history computed from its link rows), by home."""
    homes = {}
    for shards in (1, 3):
        home = Home(tmp_path_factory.mktemp(f"summaries-{shards}") / "home").ensure()
        generated_web(home)
        folder = home.snapshots / build_index(home, shards=shards).snapshot
        if shards == 1:
            homes["live"] = Home(tmp_path_factory.mktemp("live") / "home")
            shutil.copytree(home.root, homes["live"].root)
        history_summaries.create(folder, THRESHOLD)
        homes[shards] = home
    return homes


@pytest.fixture(scope="module")
def stores(homes):
    """Each home's current snapshot folder."""
    return {name: current_folder(home) for name, home in homes.items()}


def current_folder(home: Home):
    return home.snapshots / (home.snapshots / "CURRENT").read_text().strip()


def heavy_targets(folder) -> list[tuple[str, str]]:
    """(scope, key) of each target with more than THRESHOLD link rows, from its link rows."""
    paths = shard_paths(folder, 3) if (folder / "global.sqlite").exists() else [folder / STORE_FILE]
    heavy = []
    for path in paths:
        con = sqlite3.connect(path)
        for scope in SCOPES:
            column = schema.LINK_TARGET_COLUMNS[scope]
            sql = (
                f"SELECT k.key FROM link_rows r JOIN {schema.link_key_table(scope)} k"
                f" ON k.id = r.{column} GROUP BY k.key HAVING count(*) > ?"
            )
            heavy += [(scope, key) for (key,) in con.execute(sql, (THRESHOLD,))]
        con.close()
    return sorted(heavy)


def summarized(folder) -> list[tuple]:
    """Every summary row a snapshot's files hold, with its target's key."""
    paths = shard_paths(folder, 3) if (folder / "global.sqlite").exists() else [folder / STORE_FILE]
    rows = []
    for path in paths:
        con = sqlite3.connect(path)
        for scope in SCOPES:
            sql = (
                f"SELECT s.scope, k.key, s.metric, s.value, s.gained, s.lost"
                f" FROM {schema.HISTORY_SUMMARY_TABLE} s"
                f" JOIN {schema.link_key_table(scope)} k ON k.id = s.target_id WHERE s.scope = ?"
            )
            rows += con.execute(sql, (scope,)).fetchall()
        con.close()
    return sorted(rows)


def answers(folder, request: HistoryRequest) -> str:
    """Each heavy target's histories, as JSON text (the exact values and their types)."""
    snapshot = Snapshot(folder)
    out = {}
    for scope, key in heavy_targets(folder):
        target = parse_target(key)
        assert target.key(scope) == key
        out[f"{scope} {key}"] = snapshot.metric_histories(target, request)
    return json.dumps(out)


def test_every_target_heavier_than_the_threshold_has_a_summary_at_its_scope(stores):
    heavy = heavy_targets(stores[1])
    assert {scope for scope, _ in heavy} == set(SCOPES)
    assert sorted({(scope, key) for scope, key, *_ in summarized(stores[1])}) == heavy
    assert summarized(stores["live"]) == []


@pytest.mark.parametrize("kind", HISTORY_KINDS)
def test_a_heavy_targets_history_from_its_summary_is_the_one_from_its_link_rows(stores, kind):
    request = HistoryRequest(**{kind: getattr(EVERY_HISTORY, kind)})
    assert answers(stores[1], request) == answers(stores["live"], request)


def test_the_heavy_targets_include_links_through_a_redirect_or_canonical(stores):
    request = HistoryRequest(daily_history_values=("indirect_root_domains_to_root_domain",))
    histories = json.loads(answers(stores[1], request))
    values = [p["value"] for h in histories.values() for e in h.values() for m in e
              for p in m["metric_values"]]  # fmt: skip
    assert any(values)


def test_a_three_shard_store_keeps_the_same_summaries_and_answers_as_one_file(stores):
    assert summarized(stores[3]) == summarized(stores[1])
    assert answers(stores[3], EVERY_HISTORY) == answers(stores["live"], EVERY_HISTORY)


def test_the_v2_and_jsonrpc_answers_are_the_same_bytes_with_and_without_summaries(homes):
    heavy = heavy_targets(current_folder(homes[1]))
    body = {"targets": [key for _, key in heavy][:50], **EVERY_HISTORY.__dict__}
    roots = [key for scope, key in heavy if scope == "root_domain"]
    asked = {f"get_{kind}_for": list(names) for kind, names in EVERY_HISTORY.asked()}
    answered = []
    for home in (homes[1], homes["live"]):
        with app_server(home) as server:
            v2 = server.post("url_metrics", body)
            assert v2.status_code == 200, v2.text
            site = {"query": roots[0], "scope": "domain"}
            call = {"jsonrpc": "2.0", "id": CALL_ID, "method": "data.site.metrics.histories.fetch",
                    "params": {"data": {"site_query": site, **asked}}}  # fmt: skip
            headers = {"x-moz-token": server.credential.token}
            rpc = server.http.post(f"{server.base_url}/jsonrpc", json=call, headers=headers)
            assert rpc.status_code == 200 and "result" in rpc.json(), rpc.text
            answered.append((v2.content, rpc.content))
    assert answered[0] == answered[1]
