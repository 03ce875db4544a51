"""The linkindex home folder: where ingested crawls, index snapshots and server state live.

Each stage owns the layout inside its own folder; this module only names the folders.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "LINKINDEX_HOME"
DEFAULT_HOME = ".linkindex"


@dataclass(frozen=True)
class Home:
    root: Path

    @classmethod
    def resolve(cls, explicit: str | os.PathLike[str] | None = None) -> Home:
        chosen = explicit or os.environ.get(HOME_ENV) or DEFAULT_HOME
        return cls(Path(chosen).expanduser().resolve())

    @property
    def crawls(self) -> Path:
        """Ingested crawls: one folder per crawl name, Parquet parts inside (linkindex.ingest)."""
        return self.root / "crawls"

    @property
    def snapshots(self) -> Path:
        """Built index snapshots and the pointer to the current one (linkindex.index)."""
        return self.root / "snapshots"

    @property
    def link_state(self) -> Path:
        """The link state the last build kept for the next, incremental one (linkindex.builder)."""
        return self.root / "link-state"

    @property
    def state(self) -> Path:
        """Server state: API keys, token-signing secret, usage (linkindex.accounts)."""
        return self.root / "state"

    def ensure(self) -> Home:
        for folder in (self.crawls, self.snapshots, self.state):
            folder.mkdir(parents=True, exist_ok=True)
        # Credentials, the token secret and the usage ledger live in state/: only the owner
        # may open anything in it, whatever mode each file was created with.
        self.state.chmod(0o700)
        return self
