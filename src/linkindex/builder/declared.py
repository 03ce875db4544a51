"""The declared build: every step of a full or incremental build, in the phases the build
shows, and the snapshot tables made from the tables they write (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from linkindex.builder import aggregates, authority
from linkindex.builder.engines.engine import RAW_INPUTS, SAVED_INPUTS
from linkindex.builder.link_state import link_state_steps
from linkindex.builder.metric_history import history_outputs, history_steps
from linkindex.builder.snapshot_steps import snapshot_steps
from linkindex.builder.spam_scores import spam_score_steps
from linkindex.builder.steps import Output, Step, order_steps
from linkindex.scoring.spam_model import SpamModel


@dataclass(frozen=True)
class DeclaredBuild:
    """Every step of a build, in phases (each a label shown while it runs), and the snapshot
    tables made from what they write."""

    inputs: tuple[str, ...]
    phases: tuple[tuple[str, tuple[Step, ...]], ...]
    outputs: tuple[Output, ...]

    @property
    def steps(self) -> list[Step]:
        return [step for _label, steps in self.phases for step in steps]

    def check(self) -> list[Step]:
        """All steps in running order; a StepError if they cannot run (steps.order_steps)."""
        return order_steps(self.steps, self.inputs, self.outputs)

    def read_after(self, phase: int) -> set[str]:
        """The tables read by the phases after ``phase`` and by the snapshot tables."""
        later = [s for _label, steps in self.phases[phase + 1 :] for s in steps]
        return {t for item in [*later, *self.outputs] for t in item.reads}


def declared_build(incremental: bool, model: SpamModel, previous: Path | None) -> DeclaredBuild:
    """The steps of a full or ``incremental`` build, scoring spam by ``model``, carrying the
    histories of the published snapshot in ``previous`` (None for the first build)."""
    snapshot, outputs = snapshot_steps()
    link_state = (
        "merging new records into the saved link state"
        if incremental
        else "tracking links across crawls"
    )
    return DeclaredBuild(
        (*RAW_INPUTS, *(SAVED_INPUTS if incremental else ())),
        (
            (link_state, link_state_steps(incremental)),
            ("counting links at every scope", aggregates.STEPS),
            ("scoring spam signals", spam_score_steps(model)),
            ("ranking pages and root domains", authority.STEPS),
            ("preparing the snapshot tables", (*snapshot, *history_steps(previous))),
        ),
        (*outputs, *history_outputs()),
    )
