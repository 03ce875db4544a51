"""`linkindex metrics validate`: the metrics validation report in docs/metrics.md, and its plot.

Builds every family of synthetic web (with and without its spam), the bundled real sample, and
scores each family with a spam model fitted on the other families only.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

from linkindex.home import Home
from linkindex.scoring.spam_model import TERMS, load_model
from linkindex.scoring.spam_signals import MANIPULATION_SIGNALS, SIGNAL_NAMES
from linkindex.validation.families import FAMILIES, generator
from linkindex.validation.fit_spam import (
    FIT_SEED,
    SPAM_LINE,
    HeldOut,
    build_families,
    leave_one_family_out,
)
from linkindex.validation.reference import agreement
from linkindex.validation.webs import BuiltWeb, ingest_and_build, sample

VALIDATION_SEED = 7  # the shipped model is fitted on FIT_SEED's webs, not these
# Each family held out again on webs of these seeds too: one seed's 15-30 spam sites a
# family make a noisy figure, so the aims are judged on the worst seed.
MORE_SEEDS = (3, 19)
# Seeds no signal, rule or model term was chosen on: held out the same way and reported beside
# the aims, not held to them, to say how far figures chosen on the seeds above carry.
FRESH_SEEDS = (23, 31, 41)
START, END = "<!-- validation:start -->", "<!-- validation:end -->"
# The aims each held-out family must meet (the tests hold the report to them).
AIMS = {"organic_flagged": 0.05, "spam_caught": 0.90, "sample_max_spam": 10}


@dataclass
class Findings:
    """Every figure the report states, so tests can check them without parsing Markdown."""

    lines: list[str] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)

    def add(self, line: str = "") -> None:
        self.lines.append(line)


def _model_section(found: Findings) -> None:
    model = load_model()
    fitted = model.fitted_on
    found.add(
        f"- **Spam model shipped** (`spam_model.json`, by `linkindex metrics fit-spam`): fitted "
        f"on {fitted.get('training_domains')} scored root domains "
        f"({fitted.get('training_spam_domains')} spam) of every family at seed {FIT_SEED}; "
        f"intercept {model.intercept:+.2f}, so a site that hits no signal scores "
        f"{int(model.scores(np.zeros((1, len(SIGNAL_NAMES))))[0])}. Weights (log-odds added "
        "when the signal hits):"
    )
    found.add("")
    found.add("  | signal | weight |")
    found.add("  |---|---|")
    for name in TERMS:
        found.add(f"  | `{name}` | {model.weights.get(name, 0.0):+.2f} |")
    found.add("")


def _client_gain(web: BuiltWeb, clean: BuiltWeb) -> tuple[float, float]:
    """DA the spam and paid links gave their clients: (largest, mean) over clients."""
    with_spam = {r[0]: r[1] for r in web.snapshot.root_domain_score_rows()}
    without = {r[0]: r[1] for r in clean.snapshot.root_domain_score_rows()}
    gains = [with_spam.get(d, 1) - without.get(d, 1) for d in web.client_domains]
    return (float(max(gains)), float(np.mean(gains))) if gains else (0.0, 0.0)


def _authority_rho(web: BuiltWeb) -> tuple[float, float, int]:
    """Spearman rho of DA, and of the plain linking-root-domain count, with the truth's
    authority over the family's organic root domains."""
    rows = {r[0]: r for r in web.snapshot.root_domain_score_rows()}
    organic = sorted(d for d in web.organic_domains if d in rows)
    truth = np.array([web.domains[d].authority for d in organic])
    da = np.array([rows[d][1] for d in organic])
    count = np.array([rows[d][3] for d in organic])
    return (
        float(spearmanr(da, truth).statistic),
        float(spearmanr(count, truth).statistic),
        len(organic),
    )


def _family_section(
    webs: dict[str, BuiltWeb],
    clean: dict[str, BuiltWeb],
    held: dict[str, HeldOut],
    more: list[tuple[dict[str, BuiltWeb], dict[str, HeldOut]]],
    found: Findings,
) -> None:
    found.add(
        "- **Leave one family out**: each family is scored by a spam model fitted on the other "
        f"families only; 'flagged' is a Spam Score of {SPAM_LINE} or more. Aims: organic sites "
        f"flagged <= {AIMS['organic_flagged']:.0%}, spam sites flagged >= "
        f"{AIMS['spam_caught']:.0%}, on the worst of seeds {VALIDATION_SEED}, "
        f"{', '.join(str(s) for s in MORE_SEEDS)} (in brackets; the rest of the row is seed "
        f"{VALIDATION_SEED}). DA's rho is with the family's own ground-truth authority "
        "(the latent standing its generator drew organic links from), over its organic root "
        "domains, beside the same rho of the plain count of linking root domains. Client gain: "
        "the DA that spam and paid links added to the sites they push (largest over clients), "
        "against the same web generated without them."
    )
    found.add("")
    found.add(
        "  | held-out family | organic scored | spam scored (no score) | AUC | organic flagged "
        "| spam flagged | DA rho | count rho | client DA gain |"
    )
    found.add("  |---|---|---|---|---|---|---|---|---|")
    for name in webs:
        h, web = held[name], webs[name]
        rho_da, rho_count, _ = _authority_rho(web)
        gain, _ = _client_gain(web, clean[name])
        unscored = len(web.spam_domains) - int(h.labelled.spam.sum())
        runs = [h, *(m[name] for _, m in more)]
        worst_flagged = max(r.organic_flagged for r in runs)
        worst_caught = min(r.spam_caught for r in runs)
        figures = {
            "auc": h.auc,
            "organic_flagged": h.organic_flagged,
            "spam_caught": h.spam_caught,
            "organic_flagged_worst": worst_flagged,
            "spam_caught_worst": worst_caught,
            "rho_da": rho_da,
            "rho_count": rho_count,
            "client_gain": gain,
        }
        found.figures.update({f"{name}_{k}": v for k, v in figures.items()})
        found.add(
            f"  | {name} | {int((~h.labelled.spam).sum())} | {int(h.labelled.spam.sum())} "
            f"({unscored}) | {h.auc:.3f} | {h.organic_flagged:.1%} ({worst_flagged:.1%}) | "
            f"{h.spam_caught:.1%} ({worst_caught:.1%}) | "
            f"{rho_da:.3f} | {rho_count:.3f} | {gain:+.0f} |"
        )
    found.add("")
    _short_of_aim(webs, held, more, found)
    lost = [n for n in webs if found.figures[f"{n}_rho_da"] < found.figures[f"{n}_rho_count"]]
    if lost:
        found.add(
            "  Where the count's rho is higher ("
            + ", ".join(lost)
            + "), DA ranks that family's organic sites less like its truth than counting linkers "
            "does: trust and strength weights move sites the truth ranks by inbound link share."
        )
        found.add("")


def _missed(h: HeldOut, web: BuiltWeb) -> str:
    """The spam a held-out run scored below the line, by the shape its generator gave it."""
    shapes: dict[str, list[int]] = {}
    for domain, spam, score in zip(h.labelled.domains, h.labelled.spam, h.scores, strict=True):
        if spam:
            counts = shapes.setdefault(web.domains[domain].shape, [0, 0])
            counts[0] += int(score < SPAM_LINE)
            counts[1] += 1
    return ", ".join(f"{shape} {m} of {n}" for shape, (m, n) in sorted(shapes.items()) if m)


def _short_of_aim(
    webs: dict[str, BuiltWeb],
    held: dict[str, HeldOut],
    more: list[tuple[dict[str, BuiltWeb], dict[str, HeldOut]]],
    found: Findings,
) -> None:
    """Where spam caught misses its aim: the worst seed's figure and what it missed."""
    runs = [(VALIDATION_SEED, webs, held)] + [
        (seed, w, m) for seed, (w, m) in zip(MORE_SEEDS, more, strict=True)
    ]
    short = []
    for name in webs:
        seed, web, worst = min(((s, w[name], m[name]) for s, w, m in runs),
                               key=lambda run: run[2].spam_caught)  # fmt: skip
        if worst.spam_caught < AIMS["spam_caught"]:
            short.append(
                f"{name} {worst.spam_caught:.1%} at seed {seed} (missed: {_missed(worst, web)})"
            )
    if short:
        found.add(
            f"  Spam caught short of its aim of {AIMS['spam_caught']:.0%}: "
            + "; ".join(short)
            + ". Shapes are the generators' names for their spam (docs/synth.md)."
        )
        found.add("")


def _fresh_section(work: Path, seeds: tuple[int, ...], found: Findings) -> None:
    """Each family held out on seeds nothing was chosen on: worst figures, and how much of the
    spam missed there shows no evidence of manipulation at all (capped at 49 by design)."""
    held = [leave_one_family_out(build_families(work, seed)) for seed in seeds]
    found.add(
        f"- **Fresh seeds** ({', '.join(str(s) for s in seeds)}; no signal, rule or model term "
        "was chosen on them): each family held out as above, worst seed in each column. "
        "Reported, not held to the aims."
    )
    found.add("")
    found.add("  | held-out family | organic flagged | spam flagged | spam missed | "
              "of them with no manipulation signal |")  # fmt: skip
    found.add("  |---|---|---|---|---|")
    manipulation = np.array([name in MANIPULATION_SIGNALS for name in SIGNAL_NAMES])
    for name in FAMILIES:
        flagged = max(h[name].organic_flagged for h in held)
        caught = min(h[name].spam_caught for h in held)
        missed = [
            flags
            for h in held
            for flags, spam, score in zip(
                h[name].labelled.flags, h[name].labelled.spam, h[name].scores, strict=True
            )
            if spam and score < SPAM_LINE
        ]
        blind = sum(not flags[manipulation].any() for flags in missed)
        found.figures[f"{name}_fresh_organic_flagged_worst"] = flagged
        found.figures[f"{name}_fresh_spam_caught_worst"] = caught
        found.add(f"  | {name} | {flagged:.1%} | {caught:.1%} | {len(missed)} | {blind} |")
    found.add("")


def _invariance_section(work: Path, found: Findings) -> None:
    """One family's web alone, and again in one index with another family's unrelated web."""
    first, second = FAMILIES[1], FAMILIES[2]
    alone = generator(first)(work / "alone", VALIDATION_SEED)
    other = generator(second)(work / "other", VALIDATION_SEED)
    home_alone = Home(work / "home-alone").ensure()
    home_both = Home(work / "home-both").ensure()
    da_alone = {
        r[0]: r[1] for r in ingest_and_build(home_alone, alone.crawls).root_domain_score_rows()
    }
    both = ingest_and_build(home_both, {**alone.crawls, **other.crawls})
    da_both = {r[0]: r[1] for r in both.root_domain_score_rows()}
    if set(alone.crawls) & set(other.crawls):
        raise ValueError(f"{first} and {second} name a crawl alike: one would hide the other")
    shared = set(alone.domains) & set(other.domains)
    compared = [d for d in da_alone if d not in shared]
    missing = [d for d in compared if d not in da_both]
    if not compared or missing:
        raise ValueError(f"the combined index lacks root domains of {first}: {missing[:5]}")
    moved = [abs(da_both[d] - da_alone[d]) for d in compared]
    found.figures["invariance_max_da_change"] = float(max(moved))
    found.add(
        f"- **One scale for every index**: the {first} web ({len(da_alone)} root domains) built "
        f"alone and built in one index with the unrelated {second} web "
        f"({len(da_both) - len(da_alone)} more root domains): the largest DA change of any of "
        f"its root domains is **{max(moved):.0f}** (aim: at most 1)."
    )


def _sample_section(real: BuiltWeb, found: Findings) -> None:
    hit_by_domain = dict(real.snapshot.spam_hit_rows())
    rows = real.snapshot.root_domain_score_rows()
    scored = [(r[0], r[2]) for r in rows if r[2] >= 0]
    found.figures["sample_max_spam"] = float(max(s for _, s in scored))
    found.figures["sample_unscored"] = float(sum(1 for r in rows if r[2] < 0))

    def hits(domain: str) -> str:
        return ", ".join(hit_by_domain.get(domain, [])) or "none"

    found.add(
        f"- **Spam Score on the bundled real sample** ({len(rows)} root domains): the "
        f"{len(scored)} crawled well enough to score (3+ pages answered 200) score "
        + "; ".join(f"`{d}` {s} ({hits(d)})" for d, s in scored)
        + f" (aim: at most {AIMS['sample_max_spam']}). The other "
        f"{int(found.figures['sample_unscored'])}, the well-known sites they link to among "
        "them, were never crawled: -1, no score."
    )
    ref = agreement(real)
    found.figures["sample_reference_sites"] = float(len(ref.sites))
    found.figures["sample_reference_rho_da"] = ref.rho_da
    found.figures["sample_reference_rho_count"] = ref.rho_count
    found.add(
        f"- **DA against Moz's own DA** (an external reference: Moz's Top 500 list, "
        f"`data/reference/`): the {len(ref.sites)} sites of the list that the sample links to. "
        f"Spearman rho of our DA with Moz's DA **{ref.rho_da:.3f}**, of the plain count of "
        f"linking root domains {ref.rho_count:.3f} ({ref.rho_da - ref.rho_count:+.3f} for DA). "
        "Six crawled sites see one to six of the millions of linkers these sites have, so both "
        "are weak; DA's edge comes from how many pages of each linker link (`page_depth`), a "
        "term chosen after seeing that linking pages agree better with Moz here than linking "
        "root domains do, so this comparison is not blind to it."
    )


def plot(webs: dict[str, BuiltWeb], held: dict[str, HeldOut], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    bins = np.arange(0, 102, 3)
    for name, web in webs.items():
        da = [r[1] for r in web.snapshot.root_domain_score_rows()]
        axes[0].hist(da, bins=bins, alpha=0.5, label=name, density=True)
    axes[0].set(title="Domain Authority", xlabel="DA", ylabel="share of root domains")
    organic = np.concatenate([h.scores[~h.labelled.spam] for h in held.values()])
    spam = np.concatenate([h.scores[h.labelled.spam] for h in held.values()])
    axes[1].hist([organic, spam], bins=np.arange(0, 102, 5), label=["organic", "spam"])
    axes[1].axvline(SPAM_LINE, color="grey", linestyle=":")
    axes[1].set(title="Spam Score, each family held out", xlabel="Spam Score", ylabel="sites")
    for name, h in held.items():
        order = np.argsort(-h.scores, kind="stable")
        labels = h.labelled.spam[order]
        tpr = np.concatenate([[0], np.cumsum(labels) / max(1, labels.sum())])
        fpr = np.concatenate([[0], np.cumsum(~labels) / max(1, (~labels).sum())])
        axes[2].plot(fpr, tpr, label=f"{name} (AUC {h.auc:.3f})")
    axes[2].set(title="ROC, each family held out", xlabel="organic flagged", ylabel="spam caught")
    for ax in axes:
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def validate(
    docs: Path, with_sample: bool = True, fresh_seeds: tuple[int, ...] = FRESH_SEEDS
) -> Findings:
    """Build the validation webs, write the report into docs/metrics.md and the plot beside it."""
    found = Findings()
    with tempfile.TemporaryDirectory(prefix="linkindex-validate-") as tmp:
        work = Path(tmp)
        webs = build_families(work, VALIDATION_SEED)
        clean = build_families(work, VALIDATION_SEED, with_spam=False)
        held = leave_one_family_out(webs)
        more = []
        for seed in MORE_SEEDS:
            seed_webs = build_families(work, seed)
            more.append((seed_webs, leave_one_family_out(seed_webs)))
        found.add(
            "Regenerated by `linkindex metrics validate` (`make validate`) from "
            f"{len(webs)} families of synthetic web, each written by its own generator "
            "(`linkindex/validation/families/`: names, pages, link placement, farm shapes and "
            f"crawl coverage of their own; docs/synth.md), at seed {VALIDATION_SEED}, and the "
            "bundled real sample."
        )
        found.add("")
        _model_section(found)
        _family_section(webs, clean, held, more, found)
        if fresh_seeds:
            _fresh_section(work / "fresh", fresh_seeds, found)
        _invariance_section(work / "invariance", found)
        if with_sample:
            _sample_section(sample(work / "sample"), found)
        image = docs / "img" / "score-distribution.png"
        image.parent.mkdir(parents=True, exist_ok=True)
        plot(webs, held, image)
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
