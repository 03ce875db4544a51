"""url_metrics of many targets in one statement per file (Snapshot.url_metrics_many, what V2
url_metrics asks): the same answers as one target at a time, in the request's order with its
duplicates, from one file or four shards, for targets the index holds and ones it has not seen.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent.parent / "api"))

from web import crafted_web  # noqa: E402

from linkindex.builder.pipeline import build_index  # noqa: E402
from linkindex.home import Home  # noqa: E402
from linkindex.index.layout import SnapshotLayout  # noqa: E402
from linkindex.index.shards import shard_of  # noqa: E402
from linkindex.index.snapshot import Snapshot  # noqa: E402
from linkindex.urls import CanonicalURL, parse_target  # noqa: E402

SHARDS = 4


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Snapshot]:
    home = Home(tmp_path_factory.mktemp("many") / "home").ensure()
    for crawl in crafted_web():
        crawl.write(home.crawls)
    layout = SnapshotLayout(home.snapshots)
    built = {"one file": build_index(home), "4 shards": build_index(home, shards=SHARDS)}
    return {name: Snapshot(layout.path_of(result.snapshot)) for name, result in built.items()}


def held_targets(snapshot: Snapshot) -> list[CanonicalURL]:
    """Every page the index holds, as a target: metrics that are not all defaults."""
    pages = [
        page
        for con in snapshot.stores.every_shard()
        for (page,) in con.execute("SELECT page FROM pages ORDER BY page")
    ]
    return [parse_target(page) for page in sorted(pages)]


def test_many_targets_are_answered_as_each_alone_in_order_with_duplicates(snapshots):
    answers = {}
    for name, snapshot in snapshots.items():
        held = held_targets(snapshot)
        unseen = [parse_target(u) for u in ("unknown.example/", 'é.example/ä?q="x"', "t.com")]
        targets = held[::-1] + unseen + held[:3] + [held[0], unseen[0], held[0]]
        assert len(held) >= 10
        many = snapshot.url_metrics_many(targets)
        assert many == [snapshot.url_metrics(t) for t in targets]
        assert [m["page"] for m in many] == [t.page for t in targets]
        assert snapshot.url_metrics_many([]) == []
        answers[name] = many
    assert answers["one file"] == answers["4 shards"]


def test_the_targets_of_the_check_above_span_every_shard(snapshots):
    held = held_targets(snapshots["4 shards"])
    assert {shard_of(t.root_domain, SHARDS) for t in held} == set(range(SHARDS))


def test_a_page_is_answered_as_its_url_metrics(snapshots):
    for snapshot in snapshots.values():
        for target in held_targets(snapshot)[:5]:
            assert snapshot.page_metrics(target.page) == snapshot.url_metrics(target)


# Keys pass to SQLite inside one JSON text; any key a target can have must come back unchanged.
# A NUL cannot (SQLite's JSON ends the string there); a canonical key percent-encodes it.
KEY_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


@settings(max_examples=60, deadline=None)
@given(keys=st.lists(st.tuples(KEY_TEXT, KEY_TEXT, KEY_TEXT), min_size=2, max_size=6))
def test_any_key_reaches_the_query_unchanged(snapshots, keys):
    snapshot = snapshots["one file"]
    targets = [CanonicalURL("", *key) for key in keys]
    answers = snapshot.url_metrics_many(targets)
    assert [(a["page"], a["subdomain"], a["root_domain"]) for a in answers] == keys
    assert answers == [snapshot.url_metrics(t) for t in targets]


def test_a_key_with_a_nul_is_refused_rather_than_cut_short(snapshots):
    snapshot = snapshots["one file"]
    targets = [parse_target("t.com/"), CanonicalURL("", "t.com/\x00x", "t.com", "t.com")]
    with pytest.raises(ValueError, match="NUL"):
        snapshot.url_metrics_many(targets)
    assert parse_target("t.com/\x00x").page == "t.com/%00x"


def test_pages_known_by_their_key_are_answered_as_page_metrics_in_order(snapshots):
    """A links page's two ends: page_metrics_many reads each file's pages, their other keys
    included, in one statement, with page_metrics' answers (a page the index does not hold
    is its own subdomain and root domain)."""
    answers = {}
    for name, snapshot in snapshots.items():
        held = [t.page for t in held_targets(snapshot)]
        unseen = ["unknown.example/", 'é.example/ä?q="x"', "t.com/nothing"]
        pages = held[::-1] + unseen + held[:2] + [held[0], unseen[0], held[0]]
        many = snapshot.page_metrics_many(pages)
        assert many == [snapshot.page_metrics(page) for page in pages]
        assert [m["page"] for m in many] == pages
        assert snapshot.page_metrics_many([]) == []
        answers[name] = many
    assert answers["one file"] == answers["4 shards"]
