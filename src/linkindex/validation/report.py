"""`linkindex metrics validate`: the metrics validation report in docs/metrics.md, and its plot.

Builds a held-out synthetic web (with and without its planted spam) and the bundled sample.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

from linkindex.validation.fit_spam import auc
from linkindex.validation.webs import BuiltWeb, sample, synthetic

VALIDATION_SEED = 7  # not among the spam model's training seeds
START, END = "<!-- validation:start -->", "<!-- validation:end -->"
HIGH_SPAM, LOW_SPAM = 61, 30


@dataclass
class Findings:
    """Every figure the report states, so tests can check them without parsing Markdown."""

    lines: list[str] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)

    def add(self, line: str = "") -> None:
        self.lines.append(line)


def _distribution(values: np.ndarray) -> str:
    return f"mean {values.mean():.1f}, median {np.median(values):.0f}, max {values.max()}"


def _spam_section(web: BuiltWeb, found: Findings) -> None:
    rows = web.snapshot.root_domain_score_rows()
    scored = [(d, spam) for d, _, spam, _, _ in rows if spam >= 0]
    planted = np.array([spam for d, spam in scored if d in web.spam_domains])
    normal = np.array([spam for d, spam in scored if d not in web.spam_domains])
    labels = np.array([d in web.spam_domains for d, _ in scored])
    scores = np.array([spam for _, spam in scored])
    found.figures["spam_auc"] = auc(scores, labels)
    found.figures["planted_high_share"] = float((planted >= HIGH_SPAM).mean())
    found.figures["normal_low_share"] = float((normal <= LOW_SPAM).mean())
    found.figures["planted_mean_spam"] = float(planted.mean())
    found.figures["normal_mean_spam"] = float(normal.mean())
    found.add(
        f"- **Spam Score**: {len(planted)} planted spam domains (penalized sites and the link "
        f"farm) score {_distribution(planted)}; {len(normal)} normal domains score "
        f"{_distribution(normal)}."
    )
    found.add(
        f"  {found.figures['planted_high_share']:.0%} of planted spam is in the high band "
        f"(61-100); {found.figures['normal_low_share']:.0%} of normal domains are in the "
        f"low band (1-30). AUC (planted vs normal) {found.figures['spam_auc']:.3f}."
    )


def _model_section(found: Findings) -> None:
    from linkindex.build.spam_model import load_model

    model = load_model()
    fitted = model.fitted_on
    found.add(
        f"- **Spam model** (`spam_model.json`, by `linkindex metrics fit-spam`): fitted on "
        f"{fitted.get('training_domains')} root domains of {len(fitted.get('training_webs', []))}"
        f" synthetic webs ({fitted.get('training_spam_domains')} planted spam), training AUC "
        f"{fitted.get('training_auc')}, held-out AUC {fitted.get('held_out_auc')}; intercept "
        f"{model.intercept:+.2f}, so a site that hits no signal scores "
        f"{int(model.scores(np.zeros((1, len(model.weights))))[0])}. Weights (log-odds added "
        "when the signal hits):"
    )
    found.add("")
    found.add("  | signal | weight |")
    found.add("  |---|---|")
    for name, weight in model.weights.items():
        found.add(f"  | `{name}` | {weight:+.2f} |")
    found.add("")
    idle = [name for name, weight in model.weights.items() if abs(weight) < 0.1]
    if idle:
        found.add(
            "  Signals with no weight: " + ", ".join(f"`{n}`" for n in idle) + ". On the"
            " training webs they tell nothing the other signals do not already tell (or nothing"
            " at all); they are still measured and shown by `linkindex explain`, and a refit on"
            " labelled real domains may weigh them."
        )
    found.figures["spam_model_idle_signals"] = float(len(idle))


def _standing(scores: dict[str, float], among: set[str], key: str) -> float:
    """key's position among `among` by score, ties sharing their mid-rank (scale-free)."""
    own = scores.get(key, 1)
    higher = sum(1 for k in among if scores.get(k, 1) > own)
    tied = sum(1 for k in among if k != key and scores.get(k, 1) == own)
    return 1 + higher + tied / 2


def _domain_ranks(web: BuiltWeb) -> dict[str, float]:
    """Each root domain's exact PageRank: DA positions without the ties of a 1-100 score."""
    snapshot = web.snapshot
    rows = (snapshot.root_domain_scores(r[0]) for r in snapshot.root_domain_score_rows())
    return {row["root_domain"]: float(row["domain_rank"]) for row in rows if row}


def _farm_section(web: BuiltWeb, without: BuiltWeb, found: Findings) -> None:
    # The web without spam has fewer nodes and its own calibration, so a score can move by a
    # point or two from scale alone; the target's standing among the normal web cannot.
    from linkindex.urls import parse_target

    das = [_domain_ranks(w) for w in (web, without)]
    pas = [{r[0]: r[1] for r in w.snapshot.page_authority_rows()} for w in (web, without)]
    scores = [{r[0]: r[1] for r in w.snapshot.root_domain_score_rows()} for w in (web, without)]
    normal_roots, normal_pages = set(das[1]), set(pas[1])
    found.add(
        f"- **Link farm targets** (the pages the farm pushes): their standing among the "
        f"{len(normal_roots)} normal root domains (by the rank behind DA) and "
        f"{len(normal_pages)} normal pages (by PA), with the farm and in the same web "
        "generated without any planted spam (a smaller web with its own calibration, so the "
        "scores themselves are on a different scale; the position is not; tied scores share "
        "their mid-rank):"
    )
    found.add("")
    found.add("  | target | PA position with farm | without | DA position with farm | without |")
    found.add("  |---|---|---|---|---|")
    gained = 0
    for page in web.truth.get("link_farm_targets", []):
        target = parse_target(page)
        root, page_key = target.root_domain, target.page
        da_with, da_without = (_standing(d, normal_roots, root) for d in das)
        pa_with, pa_without = (_standing(p, normal_pages, page_key) for p in pas)
        gained += max(0, da_without - da_with) + max(0, pa_without - pa_with)
        found.add(
            f"  | `{page}` | {pa_with:g} (PA {pas[0].get(page_key, 1)}) | {pa_without:g} (PA "
            f"{pas[1].get(page_key, 1)}) | {da_with:g} (DA {scores[0][root]}) | "
            f"{da_without:g} (DA {scores[1][root]}) |"
        )
    found.figures["farm_positions_gained"] = float(gained)
    found.add("")
    found.add(f"  Positions gained through the farm, over all targets and both scores: {gained:g}.")


def _authority_section(name: str, web: BuiltWeb, found: Findings, key: str) -> None:
    rows = web.snapshot.root_domain_score_rows()
    da = np.array([r[1] for r in rows])
    linking = np.array([r[3] for r in rows])
    rho = float(spearmanr(da, linking).statistic)
    found.figures[f"{key}_spearman_da_linking_roots"] = rho
    found.figures[f"{key}_da_mean"] = float(da.mean())
    found.figures[f"{key}_da_median"] = float(np.median(da))
    top = sorted(rows, key=lambda r: (-r[1], r[0]))[:5]
    found.add(
        f"- **Domain Authority on {name}**: {len(rows)} root domains, "
        f"{_distribution(da)}. Spearman rho of DA with the number of linking root domains "
        f"(an independent count, no PageRank): **{rho:.3f}**."
    )
    found.add("  Highest DA: " + ", ".join(f"`{r[0]}` {r[1]} ({r[3]} linking)" for r in top) + ".")
    hubs = web.truth.get("hubs", [])
    if hubs:
        scores = {r[0]: r[1] for r in rows}
        positions = [_standing(scores, set(scores), hub) for hub in hubs]
        top_set = {r[0] for r in sorted(rows, key=lambda r: (-r[1], r[0]))[: len(hubs)]}
        found.figures["hubs_in_top"] = len(top_set & set(hubs)) / len(hubs)
        found.figures["hubs_worst_position"] = max(positions)
        found.add(
            f"  Of the ground truth's {len(hubs)} hubs (most linking root domains), "
            f"{found.figures['hubs_in_top']:.0%} are among the {len(hubs)} highest DA; their DA "
            f"positions among all {len(rows)}: "
            + ", ".join(f"`{h}` {p:g}" for h, p in zip(hubs, positions, strict=True))
            + "."
        )


def _sample_spam_section(real: BuiltWeb, found: Findings) -> None:
    from linkindex.build.spam_signals import SIGNAL_NAMES

    flags = dict(real.snapshot.spam_flag_rows())
    rows = [(r[0], r[2]) for r in real.snapshot.root_domain_score_rows() if r[2] >= 0]
    spam = np.array([score for _, score in rows])
    found.figures["sample_max_spam"] = float(spam.max())

    def hits(domain: str) -> str:
        names = [n for bit, n in enumerate(SIGNAL_NAMES) if flags.get(domain, 0) >> bit & 1]
        return ", ".join(names) or "none"

    found.add(
        f"- **Spam Score on the bundled sample**: {len(spam)} crawled root domains score "
        f"{_distribution(spam)}; all are documentation sites, so none should be high: "
        + "; ".join(f"`{d}` {score} ({hits(d)})" for d, score in rows)
        + ". A crawl of six sites sees few of the links the web has to them, so the inbound "
        "signals (`large_site_few_links`, `low_link_diversity`) say more about the sample's "
        "coverage than about the sites."
    )


def plot(webs: dict[str, BuiltWeb], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    bins = np.arange(0, 102, 3)
    for name, web in webs.items():
        da = [r[1] for r in web.snapshot.root_domain_score_rows()]
        axes[0].hist(da, bins=bins, alpha=0.6, label=name, density=True)
        pa = [r[1] for r in web.snapshot.page_authority_rows()]
        axes[1].hist(pa, bins=bins, alpha=0.6, label=name, density=True)
    axes[0].set(title="Domain Authority", xlabel="DA", ylabel="share of root domains")
    axes[1].set(title="Page Authority", xlabel="PA", ylabel="share of pages")
    synth = next(iter(webs.values()))
    rows = [r for r in synth.snapshot.root_domain_score_rows() if r[2] >= 0]
    spam = [r[2] for r in rows if r[0] in synth.spam_domains]
    normal = [r[2] for r in rows if r[0] not in synth.spam_domains]
    axes[2].hist(
        [normal, spam], bins=np.arange(0, 102, 5), label=["normal", "planted spam"], stacked=False
    )
    axes[2].set(title="Spam Score (synthetic web)", xlabel="Spam Score", ylabel="root domains")
    for ax in axes:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def validate(docs: Path, with_sample: bool = True) -> Findings:
    """Build the validation webs, write the report into docs/metrics.md and the plot beside it."""
    found = Findings()
    with tempfile.TemporaryDirectory(prefix="linkindex-validate-") as tmp:
        work = Path(tmp)
        web = synthetic(work / "synth", VALIDATION_SEED)
        clean = synthetic(work / "clean", VALIDATION_SEED, spam_domains=0, spam_sites=0)
        webs = {"synthetic web": web}
        found.add(
            f"Regenerated by `linkindex metrics validate` (`make validate`). Synthetic web: "
            f"seed {VALIDATION_SEED}, not one of the spam model's training seeds."
        )
        found.add("")
        _model_section(found)
        _spam_section(web, found)
        _farm_section(web, clean, found)
        _authority_section("the synthetic web", web, found, "synth")
        if with_sample:
            real = sample(work / "sample")
            webs["bundled sample (real)"] = real
            _authority_section("the bundled real sample", real, found, "sample")
            _sample_spam_section(real, found)
        image = docs / "img" / "score-distribution.png"
        image.parent.mkdir(parents=True, exist_ok=True)
        plot(webs, image)
    found.add("")
    found.add("![Score distributions](img/score-distribution.png)")
    _write_section(docs / "metrics.md", found.lines)
    return found


def _write_section(path: Path, lines: list[str]) -> None:
    text = path.read_text()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    body = "\n".join(["", "## Validation", "", *lines, ""])
    path.write_text(f"{head}{START}{body}{END}{tail}")
