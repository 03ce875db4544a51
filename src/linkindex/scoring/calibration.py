"""The one 1-100 scale of Domain, Page and Brand Authority: linear in ln(1 + evidence).

Fitted once to Moz's own pairs of linking root domains and DA (data/reference), not to the index.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources

import numpy as np

REFERENCE = "moz-top-500.json"
# Moz: "a brand new website will always start with a Domain Authority score of one".
FLOOR_SCORE = 1.0
TOP_SCORE = 100.0


@dataclass(frozen=True)
class Calibration:
    """score = 1 + slope * ln(1 + evidence), rounded and clipped to 1-100.

    ``evidence`` is linking-root-domain equivalents (docs/metrics.md): one independent,
    trusted root domain of ordinary strength counts 1. Moz rescales log-transformed inputs
    linearly to 1-100, so one slope fixes the scale; it does not depend on the index, so a
    domain's score does not move when unrelated sites are added.
    """

    slope: float
    fitted_on: str  # what the slope was fitted to
    points: int  # reference pairs the slope was fitted to

    def score(self, evidence: np.ndarray) -> np.ndarray:
        raw = np.log1p(np.maximum(np.asarray(evidence, dtype=np.float64), 0.0))
        return np.clip(np.rint(FLOOR_SCORE + self.slope * raw), 1, 100).astype(np.int16)

    def evidence_for(self, score: float) -> float:
        """The evidence at which the scale reaches ``score`` (for docs and explain)."""
        return float(np.expm1((score - FLOOR_SCORE) / self.slope))

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def reference_pairs() -> list[dict]:
    """Moz's Top 500: rank, rootDomain, linkingRootDomains, domainAuthority (NOTICE.md)."""
    text = resources.files("linkindex").joinpath(f"data/reference/{REFERENCE}").read_text()
    return json.loads(text)


def fit_slope(linking_root_domains: np.ndarray, domain_authority: np.ndarray) -> float:
    """Least squares of DA - 1 on ln(1 + linking root domains), through DA 1 at none.

    Points at DA 100 are left out: the scale is clipped there, so their linking root domain
    counts say only "at least", not where 100 is reached.
    """
    below = domain_authority < TOP_SCORE
    x = np.log1p(linking_root_domains[below].astype(np.float64))
    y = domain_authority[below].astype(np.float64) - FLOOR_SCORE
    return float(x @ y / (x @ x))


@cache
def moz_scale() -> Calibration:
    """The scale every build uses, fitted to the shipped reference."""
    pairs = reference_pairs()
    roots = np.array([p["linkingRootDomains"] for p in pairs])
    authority = np.array([p["domainAuthority"] for p in pairs])
    slope = fit_slope(roots, authority)
    used = int((authority < TOP_SCORE).sum())  # fit_slope leaves out the pairs at 100
    return Calibration(round(slope, 4), f"Moz Top 500 ({REFERENCE})", used)
