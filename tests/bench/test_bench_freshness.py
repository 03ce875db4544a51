"""A figure is stale when a commit to the code it measures came after the commit its results
file records (bench/freshness.py)."""

from __future__ import annotations

from freshness import FRESH, STALE, UNKNOWN, freshness

SOURCES = ["src/ingest", "bench/bench_ingest.py"]


def test_fresh_when_no_later_commit_touches_its_sources(git_repo) -> None:
    measured = git_repo.commit({"src/ingest/read.py": "1", "bench/bench_ingest.py": "1"})
    git_repo.commit({"src/api/app.py": "1", "README.md": "figures"})
    assert freshness(git_repo.root, measured, SOURCES).state == FRESH


def test_stale_when_a_later_commit_touches_a_source_folder_or_file(git_repo) -> None:
    measured = git_repo.commit({"src/ingest/read.py": "1", "bench/bench_ingest.py": "1"})
    git_repo.commit({"src/ingest/read.py": "2"})
    newest = git_repo.commit({"bench/bench_ingest.py": "2"})
    found = freshness(git_repo.root, measured, SOURCES)
    assert (found.state, found.detail) == (
        STALE, f"2 later commits to its code (newest {newest})"
    )  # fmt: skip


def test_measured_on_a_branch_that_has_every_commit_to_its_sources_is_fresh(git_repo) -> None:
    git_repo.commit({"src/ingest/read.py": "1"})
    git_repo.git("checkout", "-q", "-b", "side")
    measured = git_repo.commit({"src/ingest/read.py": "2"})
    git_repo.git("checkout", "-q", "main")
    git_repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    assert freshness(git_repo.root, measured, SOURCES).state == FRESH


def test_unknown_without_a_recorded_code_version(git_repo) -> None:
    git_repo.commit({"src/ingest/read.py": "1"})
    found = freshness(git_repo.root, None, SOURCES)
    assert (found.state, found.detail) == (UNKNOWN, "code version not recorded")


def test_unknown_when_the_recorded_commit_is_not_in_the_repository(git_repo) -> None:
    git_repo.commit({"src/ingest/read.py": "1"})
    found = freshness(git_repo.root, "0123abc", SOURCES)
    assert (found.state, found.detail) == (UNKNOWN, "commit 0123abc is not in this repository")


def test_unknown_when_measured_with_uncommitted_changes_to_its_sources(git_repo) -> None:
    measured = git_repo.commit({"src/ingest/read.py": "1"})
    dirty = freshness(git_repo.root, measured, SOURCES, ["src/ingest/read.py"])
    assert dirty.state == UNKNOWN and "src/ingest/read.py" in dirty.detail
    # Uncommitted changes elsewhere do not touch what it measures.
    assert freshness(git_repo.root, measured, SOURCES, ["src/api/app.py"]).state == FRESH
