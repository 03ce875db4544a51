"""The map from a raw authority value to Moz's 1-100 scale, stored in each snapshot.

Fitted from one build's raw values and reused by later builds of similar data (docs/metrics.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

# Moz reported an index-wide Domain Authority median near 9 and mean near 11 (spec §4).
MEDIAN_SCORE = 9.0
TOP_SCORE = 100.0
# A stored calibration is refitted when the data is no longer "similar": the linked nodes'
# median score under it leaves MEDIAN_BAND, the strongest node would score below TOP_FLOOR,
# or more than TOP_SHARE of the linked nodes would sit above its top (all scoring 100).
MEDIAN_BAND = (6.0, 12.0)
TOP_FLOOR = 80.0
TOP_SHARE = 0.001


@dataclass(frozen=True)
class Calibration:
    """Piecewise-linear in the raw value: (0 -> 1), (linked median -> 9), (top -> 100).

    The raw value is ln(rank / rank of a node nobody links to), so it is 0 for an unlinked
    node whatever the graph's size, and a step of one score point is a fixed rank ratio
    within each segment: 70 -> 80 needs far more links than 20 -> 30.
    """

    raw: tuple[float, ...]
    score: tuple[float, ...]
    fitted_on: str  # the index_id of the build that fitted it
    nodes: int

    def apply(self, raw: np.ndarray) -> np.ndarray:
        scores = np.interp(raw, self.raw, self.score)
        return np.clip(np.rint(scores), 1, 100).astype(np.int16)

    def fits(self, raw: np.ndarray) -> bool:
        """Whether this calibration still suits these raw values (else refit)."""
        linked = raw[raw > 0]
        if linked.size == 0:
            return True
        median = float(np.interp(np.median(linked), self.raw, self.score))
        top = float(np.interp(linked.max(), self.raw, self.score))
        above_top = int(np.count_nonzero(linked > self.raw[-1]))
        return (
            MEDIAN_BAND[0] <= median <= MEDIAN_BAND[1]
            and top >= TOP_FLOOR
            and above_top <= max(1, TOP_SHARE * linked.size)
        )

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Calibration:
        return cls(
            tuple(float(x) for x in data["raw"]),
            tuple(float(x) for x in data["score"]),
            str(data.get("fitted_on", "")),
            int(data.get("nodes", 0)),
        )


def raw_values(rank: np.ndarray) -> np.ndarray:
    """ln(rank / the smallest rank): 0 for nodes nobody links to, log-scale above that."""
    if rank.size == 0:
        return np.zeros(0)
    return np.log(rank / rank.min())


def fit(raw: np.ndarray, fitted_on: str) -> Calibration:
    """Anchor 0 at 1, the median of linked nodes at 9 and the strongest node at 100."""
    linked = raw[raw > 1e-9]
    if linked.size == 0:
        return Calibration((0.0, 1.0), (1.0, 1.0), fitted_on, int(raw.size))
    top = float(linked.max())
    median = float(np.median(linked))
    if median < top * 0.999:
        anchors_raw, anchors_score = (0.0, median, top), (1.0, MEDIAN_SCORE, TOP_SCORE)
    else:  # every linked node is as strong as the strongest: one segment
        anchors_raw, anchors_score = (0.0, top), (1.0, TOP_SCORE)
    return Calibration(anchors_raw, anchors_score, fitted_on, int(raw.size))


def choose(raw: np.ndarray, stored: Calibration | None, fitted_on: str) -> Calibration:
    """The stored calibration when it still fits these values, else a fresh fit."""
    if stored is not None and stored.fits(raw):
        return stored
    return fit(raw, fitted_on)
