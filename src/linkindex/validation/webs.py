"""Indexes to validate against: the families of synthetic web with their truth, and the sample.

Each is ingested and built by the real pipeline into its own home folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from linkindex.builder.pipeline import build_index
from linkindex.home import Home
from linkindex.index.snapshot import Snapshot
from linkindex.validation.families import CLIENT, ORGANIC, SPAM, DomainTruth, generator


@dataclass
class BuiltWeb:
    snapshot: Snapshot
    domains: dict[str, DomainTruth] = field(default_factory=dict)  # {} for the real sample

    def of_kind(self, kind: str) -> set[str]:
        return {d for d, t in self.domains.items() if t.kind == kind}

    @property
    def spam_domains(self) -> set[str]:
        return self.of_kind(SPAM)

    @property
    def organic_domains(self) -> set[str]:
        return self.of_kind(ORGANIC)

    @property
    def client_domains(self) -> set[str]:
        return self.of_kind(CLIENT)


def ingest_and_build(home: Home, crawls: dict[str, list[Path]]) -> Snapshot:
    """Ingest each crawl under its own name, then build and return the published snapshot."""
    from linkindex.ingest import run_ingest

    for crawl, files in crawls.items():
        run_ingest(files, home, crawl=crawl, workers=1, progress=False)
    return Snapshot(home.snapshots / build_index(home).snapshot)


def family(folder: Path, name: str, seed: int, with_spam: bool = True) -> BuiltWeb:
    """Generate one family's web as WARC files, ingest and build it."""
    web = generator(name)(folder / "warcs", seed, with_spam=with_spam)
    snapshot = ingest_and_build(Home(folder / "home").ensure(), web.crawls)
    return BuiltWeb(snapshot, web.domains)


def sample(folder: Path) -> BuiltWeb:
    """The bundled real sample crawl (linkindex demo's), ingested and built."""
    from linkindex.demo import sample_crawls

    return BuiltWeb(ingest_and_build(Home(folder).ensure(), sample_crawls()))
