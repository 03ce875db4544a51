"""Table spam_scores: the signals evaluated over table spam_measures, scored by the model.

The rules and the model are scoring's (spam_signals, spam_model); this runs them on the build.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from linkindex.builder.spam_measures import build_spam_measures
from linkindex.index.encoding import spam_hit_column
from linkindex.scoring.spam_model import SpamModel
from linkindex.scoring.spam_signals import MIN_PAGES_FOR_SCORE, SIGNAL_NAMES, SIGNALS, flag


def evaluate(
    con: duckdb.DuckDBPyConnection,
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Root domains with a 200 page, measured values (NaN where not evaluated), flags (one
    column per signal), and whether each has enough pages for a public score."""
    columns = ", ".join(
        f"CASE WHEN {s.evidence} THEN ({s.measure})::DOUBLE END AS {s.name}" for s in SIGNALS
    )
    table: pa.Table = con.sql(
        f"SELECT root_domain, pages_ok >= {MIN_PAGES_FOR_SCORE} AS scored, {columns}"
        " FROM spam_measures ORDER BY root_domain"
    ).to_arrow_table()
    scored = table.column("scored").to_numpy(zero_copy_only=False).astype(bool)
    domains = table.column("root_domain").to_pylist()
    values = np.column_stack(
        [table.column(s.name).to_numpy(zero_copy_only=False).astype(np.float64) for s in SIGNALS]
    ) if domains else np.zeros((0, len(SIGNALS)))  # fmt: skip
    return domains, values, flag(values), scored


def build_spam_scores(con: duckdb.DuckDBPyConnection, model: SpamModel) -> None:
    """Table spam_scores: each root domain with a 200 page, its scores, hits and measures.

    spam_score, the public one, is null (served as -1) for a root domain with fewer than
    MIN_PAGES_FOR_SCORE pages that answered 200: too little is seen for a percentage.
    trust_score is the model's score of every one of them, the thin ones too: it weighs their
    links (authority.py), so a network of one-page sites is not trusted for being thin.
    """
    build_spam_measures(con)
    domains, values, flags, scored = evaluate(con)
    scores = model.scores(flags)
    columns: dict[str, pa.Array] = {
        "root_domain": pa.array(domains, pa.string()),
        "spam_score": pa.array(scores, pa.int16(), mask=~scored),
        "trust_score": pa.array(scores, pa.int16()),
    }
    for i, name in enumerate(SIGNAL_NAMES):
        columns[name] = pa.array(values[:, i], pa.float64(), from_pandas=True)  # NaN -> null
        columns[spam_hit_column(name)] = pa.array(flags[:, i], pa.bool_())
    con.register("spam_scores_arrow", pa.table(columns))
    measures = ", ".join(f"{name} := round({name}, 4)" for name in SIGNAL_NAMES)
    hits = ", ".join(spam_hit_column(name) for name in SIGNAL_NAMES)
    con.execute(
        f"CREATE TABLE spam_scores AS SELECT root_domain, spam_score, trust_score, {hits}, "
        f"to_json(struct_pack({measures}))::VARCHAR AS spam_signals FROM spam_scores_arrow"
    )
    con.unregister("spam_scores_arrow")
