"""Whether a benchmark's figures still measure the code: the commit its results file records
against the last commit that touched the sources the benchmark declares (bench/figures.toml).
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

FRESH, STALE, UNKNOWN = "fresh", "stale", "unknown"


@dataclass(frozen=True)
class Freshness:
    state: str  # FRESH, STALE or UNKNOWN
    detail: str  # why, in words a table cell can hold


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)


def _touches(changed: list[str], sources: list[str]) -> list[str]:
    """The changed files that lie in one of ``sources`` (a file or a folder)."""
    return [
        path
        for path in changed
        if any(path == s or path.startswith(s.rstrip("/") + "/") for s in sources)
    ]


def freshness(
    repo: Path, measured: str | None, sources: list[str], uncommitted: Sequence[str] = ()
) -> Freshness:
    """``measured`` is the commit the results file records (any unambiguous form), ``uncommitted``
    the source files it says were changed and not committed when it was measured."""
    if not measured:
        return Freshness(UNKNOWN, "code version not recorded")
    found = _git(repo, "rev-parse", "--verify", "--quiet", f"{measured}^{{commit}}")
    if found.returncode != 0:
        return Freshness(UNKNOWN, f"commit {measured} is not in this repository")
    measured_full = found.stdout.strip()
    last = _git(repo, "log", "-1", "--format=%H", "--", *sources).stdout.strip()
    # A commit that is an ancestor of the measured one was in the measured code.
    if last and _git(repo, "merge-base", "--is-ancestor", last, measured_full).returncode != 0:
        count = _git(repo, "rev-list", "--count", f"{measured_full}..HEAD", "--", *sources)
        later = int(count.stdout.strip() or 0)
        commits = "commit" if later == 1 else "commits"
        return Freshness(STALE, f"{later} later {commits} to its code (newest {last[:7]})")
    dirty = _touches(list(uncommitted), sources)
    if dirty:
        # The measured code was that commit plus edits no commit records: nothing to compare.
        return Freshness(UNKNOWN, f"measured with uncommitted changes to {', '.join(dirty)}")
    return Freshness(FRESH, "no later commit to its code")
