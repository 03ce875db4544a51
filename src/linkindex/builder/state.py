"""The link state one build keeps for the next: its tables as Parquet, and the parts they hold.

A build whose inputs only add parts to these merges the new parts in (docs/architecture.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from linkindex.builder.inputs import InputPart, PartDigest
from linkindex.builder.record_digest import RECORD_DIGEST
from linkindex.index.layout import fsync_path

# Bump when a state table's columns or meaning change: older state is then ignored.
STATE_VERSION = 1
STATE_TABLES = ("captures", "links", "latest_links")
MANIFEST = "manifest.json"
# An ingested part is <crawl>/<kind>-<input stem>-<sequence>.parquet (ingest/parts.py).
_PART_NAME = re.compile(r"(?P<crawl>.*)/(?:pages|links)-(?P<input>.+?)(?:-\d+)?\.parquet")


@dataclass(frozen=True)
class BuildState:
    """A saved state, valid for ``algorithm``: what it was built from."""

    folder: Path
    digests: tuple[PartDigest, ...]

    def path(self, table: str) -> Path:
        """The Parquet file of one saved table (engines read it as saved_<table>)."""
        return self.folder / f"{table}.parquet"


@dataclass(frozen=True)
class Plan:
    """How this build gets its link state: from saved state plus new parts, or from scratch."""

    state: BuildState | None
    new_parts: tuple[InputPart, ...]
    reason: str

    @property
    def incremental(self) -> bool:
        return self.state is not None


def load_state(folder: Path, algorithm: str) -> BuildState | None:
    """The saved state in ``folder``, or None if there is none this code can use."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("version") != STATE_VERSION or manifest.get("algorithm") != algorithm:
        return None
    if manifest.get("record_digest") != RECORD_DIGEST:  # its part sums would not add to ours
        return None
    try:
        for table in STATE_TABLES:
            # Reads the footer: a file torn by a crash fails here, not in the middle of a build.
            pq.read_metadata(folder / f"{table}.parquet")
        return BuildState(folder, tuple(PartDigest.from_json(d) for d in manifest["parts"]))
    except (OSError, pa.ArrowException, KeyError, TypeError, ValueError):
        return None


def plan_build(state: BuildState | None, parts: list[InputPart], *, full: bool) -> Plan:
    """Incremental when the saved state's parts are all still there, unchanged; else full.

    A removed or rewritten part may have held records the state counts, so only a full
    build can take them out.
    """
    if full:
        return Plan(None, tuple(parts), "full build requested")
    if state is None:
        return Plan(None, tuple(parts), "no saved link state")
    now = {p.name: p for p in parts}
    for digest in state.digests:
        if now.get(digest.part.name) != digest.part:
            return Plan(None, tuple(parts), f"input part changed or removed: {digest.part.name}")
    known = {d.part.name for d in state.digests}
    new = tuple(p for p in parts if p.name not in known)
    # One response's page record and link records are in the parts of one input, and the
    # merge needs both at once: the link records of a page's newest capture, and whether a
    # 3xx is a redirect to the page itself, are read from the new records only. Ingest
    # publishes an input's parts one at a time (a links part at 2M rows, before its pages
    # part), so a build may have seen part of an input: merging the rest would drop records.
    saved_inputs = {_input_of(d.part.name) for d in state.digests}
    for part in new:
        if _input_of(part.name) in saved_inputs:
            return Plan(None, tuple(parts), f"new part of a partly merged input: {part.name}")
    return Plan(state, new, f"{len(new)} new part(s) merged into the saved link state")


def _input_of(name: str) -> str:
    """The crawl and input a part was written from (a part named otherwise is its own)."""
    match = _PART_NAME.fullmatch(name)
    return f"{match['crawl']}/{match['input']}" if match else name


def save_state(
    save_parquet: Callable[[str, Path], None],
    folder: Path,
    algorithm: str,
    digests: list[PartDigest],
) -> None:
    """Write the build's state tables (through the engine's ``save_parquet``) and manifest,
    then swap them in for the old state.

    The manifest is written last and the folder renamed into place, so a build killed midway
    leaves either the old state or none (the next build is then a full one), never a mix.
    """
    for leftover in [*folder.parent.glob(folder.name + ".new-*"),
                     *folder.parent.glob(folder.name + ".old-*")]:  # fmt: skip
        shutil.rmtree(leftover, ignore_errors=True)  # from a killed build; we hold the build lock
    staging = folder.with_name(folder.name + f".new-{os.getpid()}")
    staging.mkdir(parents=True)
    for table in STATE_TABLES:
        save_parquet(table, staging / f"{table}.parquet")
    manifest = {"version": STATE_VERSION, "algorithm": algorithm, "record_digest": RECORD_DIGEST,
                "parts": [d.to_json() for d in digests]}  # fmt: skip
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1))
    # On disk before the rename makes them the state, as a snapshot is before it is published.
    for path in [*staging.iterdir(), staging]:
        fsync_path(path)
    retired = folder.with_name(folder.name + f".old-{os.getpid()}")
    if folder.exists():
        folder.rename(retired)
    staging.rename(folder)
    shutil.rmtree(retired, ignore_errors=True)
