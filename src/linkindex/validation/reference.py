"""An external reference nobody here computed: Moz's own DA of the sites an index links to.

Compares DA and the plain linking-root-domain count with it on the same sites (Spearman rho).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import spearmanr

from linkindex.scoring.calibration import reference_pairs
from linkindex.urls import root_domain_of
from linkindex.validation.webs import BuiltWeb


def moz_domain_authority() -> dict[str, int]:
    """Moz DA by registered domain (a listed host such as en.wikipedia.org counts for its
    root domain; the highest DA listed for a root domain stands)."""
    by_root: dict[str, int] = {}
    for pair in reference_pairs():
        root = root_domain_of(pair["rootDomain"])
        by_root[root] = max(by_root.get(root, 0), int(pair["domainAuthority"]))
    return by_root


@dataclass
class Agreement:
    sites: list[str]  # root domains in both the index (linked at least once) and the reference
    rho_da: float  # Spearman rho of our DA with Moz's DA
    rho_count: float  # the same for the plain count of linking root domains (the baseline)


def agreement(web: BuiltWeb) -> Agreement:
    moz = moz_domain_authority()
    rows = [r for r in web.snapshot.root_domain_score_rows() if r[0] in moz and r[3] > 0]
    ours = np.array([r[1] for r in rows], dtype=float)
    count = np.array([r[3] for r in rows], dtype=float)
    theirs = np.array([moz[r[0]] for r in rows], dtype=float)
    if len(rows) < 3:
        return Agreement([r[0] for r in rows], float("nan"), float("nan"))
    return Agreement(
        [r[0] for r in rows],
        float(spearmanr(ours, theirs).statistic),
        float(spearmanr(count, theirs).statistic),
    )
