"""Table spam_scores: the signals evaluated over table spam_measures, scored by the model.

The rules and the model are scoring's (spam_signals, spam_model); these steps run them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pyarrow as pa

from linkindex.builder.spam_measures import STEPS as MEASURE_STEPS
from linkindex.builder.steps import Step, Tables, python_step, sql_step
from linkindex.index.encoding import spam_hit_column
from linkindex.scoring.spam_model import SpamModel
from linkindex.scoring.spam_signals import MIN_PAGES_FOR_SCORE, SIGNAL_NAMES, SIGNALS, flag

# Root domains with a 200 page, each signal's measured value (NULL where not evaluated), and
# whether it has enough pages for a public score.
_MEASURED = ",\n       ".join(
    f"CASE WHEN {s.evidence} THEN ({s.measure})::DOUBLE END AS {s.name}" for s in SIGNALS
)
EVALUATION = f"""
SELECT root_domain, pages_ok >= {MIN_PAGES_FOR_SCORE} AS scored,
       {_MEASURED}
FROM spam_measures
"""
_DIGITS = Decimal("0.0001")


def _measure(value: float) -> float | None:
    """A measured value as stored: 4 decimals, the half away from zero; NaN (not evaluated)
    is null."""
    if math.isnan(value):
        return None
    rounded = round(value, 4)  # exact, but a tie goes to the even digit
    if abs(abs(value) * 10000 % 1 - 0.5) < 1e-6:
        rounded = float(Decimal(value).quantize(_DIGITS, rounding=ROUND_HALF_UP))
    return rounded


def signals_json(values: np.ndarray) -> str:
    """One root domain's measured values as the JSON object the snapshot keeps (in
    SIGNAL_NAMES order, compact; the text DuckDB's to_json made of them before)."""
    measures = dict(zip(SIGNAL_NAMES, map(_measure, values.tolist()), strict=True))
    return json.dumps(measures, separators=(",", ":"))


def _scores(model: SpamModel, tables: Tables) -> Mapping[str, pa.Table]:
    """spam_score, the public one, is null (served as -1) for a root domain with fewer than
    MIN_PAGES_FOR_SCORE pages that answered 200: too little is seen for a percentage.
    trust_score is the model's score of every one of them, the thin ones too: it weighs their
    links (authority.py), so a network of one-page sites is not trusted for being thin."""
    table = tables["spam_evaluation"].sort_by("root_domain")
    scored = table.column("scored").to_numpy(zero_copy_only=False).astype(bool)
    values = np.column_stack(
        [table.column(s.name).to_numpy(zero_copy_only=False).astype(np.float64) for s in SIGNALS]
    ) if table.num_rows else np.zeros((0, len(SIGNALS)))  # fmt: skip
    flags = flag(values)
    scores = model.scores(flags)
    columns: dict[str, pa.Array] = {
        "root_domain": table.column("root_domain"),
        "spam_score": pa.array(scores, pa.int16(), mask=~scored),
        "trust_score": pa.array(scores, pa.int16()),
    }
    # One boolean a signal: how the hits are stored is the index's (index/encoding.py).
    for i, name in enumerate(SIGNAL_NAMES):
        columns[spam_hit_column(name)] = pa.array(flags[:, i], pa.bool_())
    columns["spam_signals"] = pa.array([signals_json(row) for row in values], pa.string())
    return {"spam_scores": pa.table(columns)}


def spam_score_steps(model: SpamModel) -> tuple[Step, ...]:
    """The steps of table spam_scores: each root domain with a 200 page, its scores (by
    ``model``), flags and measured values; from the link state and the counts."""
    return (
        *MEASURE_STEPS,
        sql_step("spam_evaluation", ["spam_measures"], EVALUATION),
        python_step("spam_scores", ["spam_evaluation"], ["spam_scores"],
                    lambda tables: _scores(model, tables)),
    )  # fmt: skip
