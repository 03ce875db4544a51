"""`linkindex metrics fit-spam`: fit the Spam Score's logistic model on labelled synthetic webs.

Writes build/spam_model.json with the weights and the fit's own figures (held-out AUC).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from scipy.stats import mannwhitneyu

from linkindex.build.spam_model import MODEL_PATH, SpamModel, fit_model
from linkindex.build.spam_signals import SIGNAL_NAMES
from linkindex.validation.webs import BuiltWeb, synthetic

TRAINING_SEEDS = tuple(range(101, 111))
HELD_OUT_SEEDS = (7, 8)


def labelled_flags(web: BuiltWeb) -> tuple[np.ndarray, np.ndarray]:
    """One row of flags per scored root domain, and whether it was planted spam."""
    rows = web.snapshot.spam_flag_rows()
    bits = np.array([flags for _, flags in rows], dtype=np.int64)
    flags = (bits[:, None] >> np.arange(len(SIGNAL_NAMES))) & 1
    labels = np.array([domain in web.spam_domains for domain, _ in rows])
    return flags.astype(bool), labels


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve: P(a spam domain outscores a normal one), ties count half."""
    if labels.all() or not labels.any():
        return float("nan")
    u = mannwhitneyu(scores[labels], scores[~labels]).statistic
    return float(u / (labels.sum() * (~labels).sum()))


def _collect(seeds: tuple[int, ...], work: Path) -> tuple[np.ndarray, np.ndarray]:
    parts = [labelled_flags(synthetic(work / f"web-{seed}", seed)) for seed in seeds]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def fit_on_synthetic_webs(
    training: tuple[int, ...] = TRAINING_SEEDS, held_out: tuple[int, ...] = HELD_OUT_SEEDS
) -> SpamModel:
    with tempfile.TemporaryDirectory(prefix="linkindex-fit-") as tmp:
        work = Path(tmp)
        flags, labels = _collect(training, work)
        test_flags, test_labels = _collect(held_out, work)
    provisional = fit_model(flags, labels, {})
    fitted_on = {
        "method": "L2-regularized logistic regression over the 19 flags (linkindex metrics "
        "fit-spam)",
        "training_webs": [f"synth seed {s}" for s in training],
        "training_domains": int(len(labels)),
        "training_spam_domains": int(labels.sum()),
        "held_out_webs": [f"synth seed {s}" for s in held_out],
        "held_out_auc": round(auc(provisional.scores(test_flags), test_labels), 4),
        "training_auc": round(auc(provisional.scores(flags), labels), 4),
    }
    return SpamModel(provisional.intercept, provisional.weights, fitted_on)


def write_model(model: SpamModel, path: Path = MODEL_PATH) -> Path:
    import json

    path.write_text(json.dumps(model.to_json(), indent=2) + "\n")
    return path
