"""Families of synthetic web, each written by its own generator, for out-of-family validation.

The contract every family keeps (FamilyWeb, DomainTruth) and the registry of families live here.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

# Kinds of root domain in a family's truth.
ORGANIC = "organic"  # an ordinary site: whatever its content looks like, it is not spam
SPAM = "spam"  # a site that exists to manipulate links: farm, ring, PBN, comment spammer
CLIENT = "client"  # a site that spam or paid links push; judged by the authority it gains


@dataclass(frozen=True)
class DomainTruth:
    """What the generator knows of one registered (root) domain."""

    kind: str  # ORGANIC, SPAM or CLIENT
    shape: str  # how it was made, e.g. "blog", "docs", "shop" / "ring", "star", "pbn_tier1"
    authority: float  # ground-truth standing (organic: the latent popularity that drew its
    # inbound links; spam: 0; client: its standing without any bought or spam link)
    coverage: float  # share of its pages the crawl captured (0 when never crawled)


@dataclass
class FamilyWeb:
    """A generated web: its crawls as WARC files and the truth of every root domain."""

    family: str
    seed: int
    crawls: dict[str, list[Path]]  # crawl name -> WARC files, ingested one crawl at a time
    domains: dict[str, DomainTruth] = field(default_factory=dict)

    def of_kind(self, kind: str) -> set[str]:
        return {d for d, t in self.domains.items() if t.kind == kind}

    def write_truth(self, path: Path) -> None:
        data = {
            "family": self.family,
            "seed": self.seed,
            "crawls": {k: [str(p) for p in v] for k, v in self.crawls.items()},
            "domains": {d: asdict(t) for d, t in sorted(self.domains.items())},
        }
        path.write_text(json.dumps(data, indent=1) + "\n")


# generate(out_dir, seed, with_spam=True) -> FamilyWeb. with_spam=False gives the same web
# (same organic sites, pages and organic links) without any spam site, spam link or paid link.
Generator = Callable[..., FamilyWeb]


# Every family, by the name of its module in this package.
FAMILIES = ("synthetic", "blogosphere", "directories", "documentation")


def generator(name: str) -> Generator:
    """A family's generate function (each module is self-contained, imported on demand)."""
    if name not in FAMILIES:
        raise KeyError(f"no family {name!r}; families: {', '.join(FAMILIES)}")
    return importlib.import_module(f"{__name__}.{name}").generate
