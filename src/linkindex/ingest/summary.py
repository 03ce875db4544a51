"""What one ingest run did: the IngestSummary counters and their rich rendering.

The runner fills it; the CLI prints it; ``as_dict`` is the JSON form for scripts and tests.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from linkindex.ingest.reasons import LABELS


@dataclass
class IngestSummary:
    crawl: str
    files: int = 0  # input files read in this run
    records: int = 0  # WARC/WAT records read
    pages: int = 0  # page rows written
    links: int = 0  # link rows written
    bytes: int = 0  # size of the input files read
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> records or links
    failed_files: list[tuple[str, str]] = field(default_factory=list)  # (path, error)
    unchanged_files: list[str] = field(default_factory=list)  # already in the crawl: not re-read
    seconds: float = 0.0

    def count(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["failed_files"] = [list(pair) for pair in self.failed_files]
        data["skipped"] = dict(sorted(self.skipped.items()))
        return data


def print_summary(summary: IngestSummary, console: Console | None = None) -> None:
    """Print the run's totals, the skip reasons with their counts, and the failed files."""
    console = console or Console()
    rate = summary.pages / summary.seconds if summary.seconds > 0 else 0.0
    console.print(
        f"[bold]Ingested into crawl {summary.crawl!r}[/bold]: {summary.files:,} files, "
        f"{summary.records:,} records, {summary.pages:,} pages, {summary.links:,} link records "
        "(one per link occurrence in each capture) "
        f"in {summary.seconds:.1f}s ({rate:,.0f} pages/s)",
        highlight=False,
    )
    if summary.unchanged_files:
        console.print(
            f"{len(summary.unchanged_files):,} files already ingested into this crawl "
            "(same content): not read again"
        )
    if summary.skipped:
        table = Table(title="Skipped", title_justify="left", show_edge=False)
        table.add_column("count", justify="right")
        table.add_column("reason")
        for reason, n in sorted(summary.skipped.items(), key=lambda kv: -kv[1]):
            table.add_row(f"{n:,}", LABELS.get(reason, reason))
        console.print(table)
    for path, error in summary.failed_files:
        console.print(f"[red]failed[/red] {path}: {error}")
