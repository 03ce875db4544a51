"""The linkindex home folder: where ingested crawls, index snapshots and server state live.

Each stage owns the layout inside its own folder; this module only names the folders. A home
given as a Hadoop URI (``s3a://bucket/li``) keeps its crawls there, for the Spark engine; its
snapshots, link state and server state stay in a local folder (docs/ingest.md, "Hadoop URIs").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from linkindex import locations

HOME_ENV = "LINKINDEX_HOME"
DEFAULT_HOME = ".linkindex"


@dataclass(frozen=True)
class Home:
    root: Path
    # The Hadoop URI the home was given as: the crawls are under it, everything else in root.
    uri: str | None = None

    @classmethod
    def resolve(
        cls, explicit: str | os.PathLike[str] | None = None, local: str | None = None
    ) -> Home:
        """The home named by ``explicit``, else $LINKINDEX_HOME, else ./.linkindex. Given a
        Hadoop URI, ``local`` (default ./.linkindex) is the folder of what stays local."""
        chosen = explicit or os.environ.get(HOME_ENV) or DEFAULT_HOME
        if locations.is_uri(os.fspath(chosen)):
            uri = locations.check_scheme(os.fspath(chosen)).rstrip("/")
            return cls(Path(local or DEFAULT_HOME).expanduser().resolve(), uri)
        return cls(Path(chosen).expanduser().resolve())

    @property
    def crawls_location(self) -> locations.Location:
        """Where the ingested crawls are: ``crawls``, or crawls/ under the home's URI."""
        return locations.join(self.uri, "crawls") if self.uri else self.crawls

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
        # A home at a URI keeps its crawls there: no empty local crawls/ beside its snapshots.
        local = [self.snapshots, self.state]
        if not self.uri:
            local.insert(0, self.crawls)
        for folder in local:
            folder.mkdir(parents=True, exist_ok=True)
        # Credentials, the token secret and the usage ledger live in state/: only the owner
        # may open anything in it, whatever mode each file was created with.
        self.state.chmod(0o700)
        return self
