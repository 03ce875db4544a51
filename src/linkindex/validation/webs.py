"""Indexes to validate against: a seeded synthetic web with its ground truth, and the sample.

Each is built by the real pipeline into its own home folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from linkindex.build.pipeline import build_index
from linkindex.home import Home
from linkindex.index.snapshot import Snapshot


@dataclass
class BuiltWeb:
    snapshot: Snapshot
    truth: dict  # ground_truth.json of a synthetic web; {} for the real sample

    @property
    def spam_domains(self) -> set[str]:
        """The planted spam: penalized spam sites and the link farm's domains."""
        return set(self.truth.get("spam_sites", [])) | set(self.truth.get("spam_root_domains", []))


def synthetic(folder: Path, seed: int, **params: object) -> BuiltWeb:
    """Generate a synthetic web as ingest would write it (Parquet) and build it."""
    from linkindex.synth import generate

    home = Home(folder).ensure()
    generate(home.crawls, seed=seed, fmt="parquet", **params)
    result = build_index(home)
    truth = json.loads((home.crawls / "ground_truth.json").read_text())
    return BuiltWeb(Snapshot(home.snapshots / result.snapshot), truth)


def sample(folder: Path) -> BuiltWeb:
    """The bundled real sample crawl (linkindex demo's), ingested and built."""
    from linkindex.demo import sample_crawls
    from linkindex.ingest import run_ingest

    home = Home(folder).ensure()
    for crawl, files in sample_crawls().items():
        run_ingest(files, home, crawl=crawl, workers=1, progress=False)
    return BuiltWeb(Snapshot(home.snapshots / build_index(home).snapshot), {})
