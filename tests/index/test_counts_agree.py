"""The two code paths of each link count agree: url_metrics' counts and distributions (the
builder's SQL, index/distributions.py) and the histories' value on the index date (numpy)."""

from __future__ import annotations

import sqlite3

import pytest

from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.index.histories import COUNT_METRICS, DISTRIBUTION_METRICS, HistoryRequest
from linkindex.index.snapshot import Snapshot
from linkindex.index.writer import STORE_FILE
from linkindex.link_metrics import count_fields
from linkindex.synth.cli import generate
from linkindex.urls import parse_target

ON_THE_INDEX_DATE = HistoryRequest(
    daily_history_values=(*COUNT_METRICS, *DISTRIBUTION_METRICS),
    monthly_history_values=(*COUNT_METRICS, *DISTRIBUTION_METRICS),
)


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """A four-crawl synthetic web (links gained, lost, nofollow, redirects, canonicals, a spam
    farm) and every root domain, subdomain and page of it."""
    home = Home(tmp_path_factory.mktemp("counts-agree") / "home").ensure()
    generate(home.crawls, seed=11, root_domains=30, pages_per_domain=6, crawls=4, fmt="parquet")
    built = build_index(home)
    store = sqlite3.connect(home.snapshots / built.snapshot / STORE_FILE)
    tables = {"root_domains": "root_domain", "subdomains": "subdomain", "pages": "page"}
    targets = [
        t for table, key in tables.items() for (t,) in store.execute(f"SELECT {key} FROM {table}")
    ]
    store.close()
    return Snapshot(home.snapshots / built.snapshot), targets


def test_the_histories_answer_every_current_count_the_declarations_define():
    current = [f for f in count_fields() if not f.startswith("deleted_")]
    assert sorted(current) == sorted(COUNT_METRICS)
    assert len(count_fields()) == 33


def test_the_web_has_every_kind_of_link_to_compare(web):
    snapshot, targets = web
    totals = dict.fromkeys(COUNT_METRICS, 0)
    for target in targets:
        metrics = snapshot.url_metrics(parse_target(target))
        for name in totals:
            totals[name] += metrics[name]
    assert all(totals.values()), [name for name, total in totals.items() if not total]


def test_every_count_and_distribution_of_every_target_is_the_same_on_both_paths(web):
    snapshot, targets = web
    index_date = snapshot.index_date.isoformat()
    disagree = []
    for target in targets:
        url = parse_target(target)
        now = snapshot.url_metrics(url) | snapshot.url_distributions(url)
        histories = snapshot.metric_histories(url, ON_THE_INDEX_DATE)
        for kind, label in (("daily", index_date), ("monthly", index_date[:7])):
            for entry in histories[f"{kind}_history_values"]:
                first = entry["metric_values"][0]
                name = entry["metric_name"]
                if first != {"date": label, "value": now[name]}:
                    disagree.append((target, kind, name, first, now[name]))
    assert len(targets) > 200
    assert not disagree, disagree[:5]
