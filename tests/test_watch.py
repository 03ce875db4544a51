"""Seed 000's freshness loop: `linkindex watch` against a live server whose index changes."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from client.scripted_server import Answer, scripted_server
from indexed import built_home
from records_factory import fan_in

from linkindex.builder.pipeline import build_index
from linkindex.client import ApiError, LinksClient, RetryPolicy
from linkindex.watch import Watcher, WatchState

RECORD = 'echo "$1 $2 $LINKINDEX_NEW_INDEX_ID" >> "{log}"'


def first_crawl() -> list:
    return [fan_in("c1", "2026-01-10", 3)]


@pytest.fixture
def home(tmp_path_factory):
    return built_home(tmp_path_factory, first_crawl, "watch")


@pytest.fixture
def server(home, serve):
    return serve(home)


def publish_new_index(server, home) -> str:
    """Add a crawl, rebuild, and wait until the running server answers with the new id."""
    client = LinksClient(server.base_url, *server.auth)
    first = client.index_metadata()["index_id"]
    fan_in("c2", "2026-03-10", 5).write(home.crawls)
    build_index(home)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        current = client.index_metadata()["index_id"]
        if current != first:
            return current
        time.sleep(0.1)
    return first


def watcher(server, tmp_path: Path, **kwargs) -> Watcher:
    client = LinksClient(server.base_url, *server.auth)
    return Watcher(client, tmp_path / "state.json", RECORD.format(log=tmp_path / "runs.log"),
                   **kwargs)  # fmt: skip


def runs(tmp_path: Path) -> list[list[str]]:
    log = tmp_path / "runs.log"
    return [line.split() for line in log.read_text().splitlines()] if log.exists() else []


def test_the_first_poll_stores_the_index_id_and_runs_nothing(server, tmp_path):
    assert watcher(server, tmp_path).check_once() is None
    stored = WatchState.load(tmp_path / "state.json").last_index_id
    assert stored == LinksClient(server.base_url, *server.auth).index_metadata()["index_id"]
    assert runs(tmp_path) == []


def test_a_new_index_runs_the_command_once_with_the_old_and_new_ids(server, home, tmp_path):
    watch = watcher(server, tmp_path)
    watch.check_once()
    old = WatchState.load(tmp_path / "state.json").last_index_id
    new = publish_new_index(server, home)
    assert new != old
    change = watch.check_once()
    assert change is not None and (change.old_index_id, change.new_index_id) == (old, new)
    assert watch.check_once() is None
    assert runs(tmp_path) == [[old, new, new]]


def test_a_restarted_watcher_does_not_run_the_command_again(server, home, tmp_path):
    watcher(server, tmp_path).check_once()
    publish_new_index(server, home)
    watcher(server, tmp_path).check_once()
    assert watcher(server, tmp_path).check_once() is None
    assert len(runs(tmp_path)) == 1


def test_a_change_interrupted_mid_command_is_not_run_twice(server, tmp_path):
    current = LinksClient(server.base_url, *server.auth).index_metadata()["index_id"]
    WatchState("older-id", {"old": "older-id", "new": current}).save(tmp_path / "state.json")
    assert watcher(server, tmp_path).check_once() is None
    assert runs(tmp_path) == []
    assert WatchState.load(tmp_path / "state.json") == WatchState(current, None)


def test_failed_polls_back_off_exponentially_with_jitter_then_recover(tmp_path):
    sleeps: list[float] = []
    metadata = {"index_id": "a", "spam_score_update_days": []}
    answers = [Answer(503, {"message": "busy"}), Answer(503, {"message": "busy"}),
               Answer(200, metadata), Answer(200, metadata)]  # fmt: skip
    with scripted_server(*answers) as (url, _):
        client = LinksClient(url, "id", "secret", retry=RetryPolicy(attempts=1))
        watch = Watcher(client, tmp_path / "state.json", "true", interval=10, jitter=0.1,
                        sleep=sleeps.append, rng=random.Random(3))  # fmt: skip
        watch.run(checks=4)
    assert len(sleeps) == 3
    for slept, base in zip(sleeps, (20, 40, 10), strict=True):
        assert base * 0.9 <= slept <= base * 1.1


def test_wrong_credentials_stop_the_loop(server, tmp_path):
    client = LinksClient(server.base_url, server.auth[0], "wrong")
    watch = Watcher(client, tmp_path / "state.json", "true", sleep=lambda _: None)
    with pytest.raises(ApiError):
        watch.run(checks=3)


def test_the_cli_runs_the_command_on_a_change_across_two_invocations(server, home, tmp_path):
    env = {**os.environ, "LINKINDEX_ACCESS_ID": server.auth[0],
           "LINKINDEX_SECRET_KEY": server.auth[1]}  # fmt: skip
    command = [sys.executable, "-m", "linkindex.cli", "watch", "--base-url", server.base_url,
               "--state", str(tmp_path / "state.json"), "--checks", "1",
               "--on-change", RECORD.format(log=tmp_path / "runs.log")]  # fmt: skip
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=60)
    new = publish_new_index(server, home)
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=60)
    assert [run[1] for run in runs(tmp_path)] == [new]
    assert json.loads((tmp_path / "state.json").read_text())["last_index_id"] == new


def test_the_push_form_acts_on_the_event_of_a_published_build(server, home, tmp_path):
    watch = watcher(server, tmp_path)
    follower = threading.Thread(target=watch.follow_events, args=(2,), daemon=True)
    follower.start()
    deadline = time.monotonic() + 10
    while WatchState.load(tmp_path / "state.json").last_index_id is None:
        assert time.monotonic() < deadline, "the first event never came"
        time.sleep(0.05)
    old = WatchState.load(tmp_path / "state.json").last_index_id
    new = publish_new_index(server, home)
    follower.join(timeout=15)
    assert not follower.is_alive()
    assert runs(tmp_path) == [[old, new, new]]
