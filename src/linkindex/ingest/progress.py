"""The ingest progress bar (rich, on stderr): files done of all, bytes read, pages, pages/s,
time spent and an ETA, fed by the runner with each worker's counts.
"""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.filesize import decimal
from rich.progress import (
    BarColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress


class Progress:
    """The bar and its ETA follow bytes when every input's size is known (local files), else
    files (inputs still to download).
    """

    def __init__(
        self, enabled: bool, crawl: str, total_files: int, total_bytes: int | None
    ) -> None:
        self.bar: Any = None
        if not enabled:
            return
        self.by_bytes = total_bytes is not None
        self.started = time.perf_counter()
        self.bar = RichProgress(
            SpinnerColumn(),
            TextColumn("[bold]ingest[/bold] {task.description}"),
            BarColumn(),
            TextColumn("{task.fields[files]}/{task.fields[total_files]} files"),
            TextColumn("{task.fields[read]}"),
            TextColumn("{task.fields[pages]:,} pages"),
            TextColumn("{task.fields[rate]:,.0f} pages/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),  # stdout is for results (--json)
        )
        total = total_bytes if total_bytes is not None else total_files
        self.task = self.bar.add_task(
            crawl, total=max(total, 1), files=0, total_files=total_files, read="0 B",
            pages=0, rate=0.0,
        )  # fmt: skip
        self.pages = 0
        self.bytes = 0
        self.files = 0
        self.bar.start()

    def _fields(self) -> dict[str, Any]:
        seconds = max(time.perf_counter() - self.started, 1e-9)
        return {"read": decimal(self.bytes), "pages": self.pages, "rate": self.pages / seconds}

    def advance(self, records: int, pages: int, links: int, nbytes: int) -> None:
        if self.bar is None:
            return
        self.pages += pages
        self.bytes += nbytes
        step = nbytes if self.by_bytes else 0
        self.bar.update(self.task, advance=step, **self._fields())

    def file_done(self) -> None:
        if self.bar is None:
            return
        self.files += 1
        step = 0 if self.by_bytes else 1
        self.bar.update(self.task, advance=step, files=self.files, **self._fields())

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
