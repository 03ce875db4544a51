"""The project's own `linkindex synth` web as one family among the others, in the same contract.

Its planted spam sites and link farm are SPAM, the farm's targets' root domains CLIENT.
"""

from __future__ import annotations

from pathlib import Path

from linkindex.synth import SynthParams, build_web, write_warcs
from linkindex.synth.model import FARM, NORMAL
from linkindex.validation.families import CLIENT, ORGANIC, SPAM, DomainTruth, FamilyWeb


def generate(out_dir: Path, seed: int, with_spam: bool = True) -> FamilyWeb:
    params = (
        SynthParams(seed=seed)
        if with_spam
        else SynthParams(seed=seed, spam_domains=0, spam_sites=0)
    )
    web = build_web(params)
    files = write_warcs(web, out_dir)
    clients = {web.root_domain(int(p)) for p in web.farm_targets.tolist()}
    domains: dict[str, DomainTruth] = {}
    for d, name in enumerate(web.domain_names):
        pages = slice(int(web.domain_first_page[d]), int(web.domain_first_page[d + 1]))
        coverage = float(web.captured[pages].any(axis=1).mean())
        kind = int(web.domain_kind[d])
        if kind == NORMAL:
            label, shape = (CLIENT if name in clients else ORGANIC), "normal"
        else:
            label, shape = SPAM, ("farm" if kind == FARM else "spam_site")
        domains[name] = DomainTruth(label, shape, float(web.domain_popularity[d]), coverage)
    crawls = {path.parent.name: [path] for path in files}
    return FamilyWeb("synthetic", seed, crawls, domains)
