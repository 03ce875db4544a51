"""Distributions of heavily linked targets are grouped by the build; the answer is the same as
grouping the linking-root rows at request time."""

from __future__ import annotations

import sys
from pathlib import Path

from build_engines import DUCKDB, BuildEngine

from linkindex.builder import page_lists
from linkindex.home import Home
from linkindex.index.snapshot import Snapshot
from linkindex.urls import parse_target

sys.path.insert(0, str(Path(__file__).parents[1] / "api"))
from pages_web import pages_web  # noqa: E402

TARGETS = ["site.com/", "site.com/a", "blog.site.com/post", "dist.com/", "www.dist.com/",
           "f001.com/", "nothing.example/"]  # fmt: skip


def _snapshot(engine: BuildEngine, folder: Path) -> tuple[Snapshot, dict[str, int]]:
    home = Home(folder).ensure()
    for crawl in pages_web():
        crawl.write(home.crawls)
    result = engine.build(home)
    return Snapshot(home.snapshots / result.snapshot), result.counts


def test_build_grouped_distributions_equal_request_time_grouping(engine, tmp_path, monkeypatch):
    live, live_counts = _snapshot(DUCKDB, tmp_path / "live")
    assert live_counts["distribution_groups"] == 0  # no target has 1,000 linking root domains
    monkeypatch.setattr(page_lists, "DISTRIBUTION_PRECOMPUTE_MIN", 10)
    grouped, grouped_counts = _snapshot(engine, tmp_path / "grouped")
    assert grouped_counts["distribution_groups"] > 0
    for target in TARGETS:
        canonical = parse_target(target)
        assert grouped.url_distributions(canonical) == live.url_distributions(canonical), target
