"""The figures of the README's benchmark table: their declarations (bench/figures.toml), and each
read from its results file with its aim, when and at what code and load it was measured."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from freshness import UNKNOWN, Freshness, freshness

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
FIGURES = BENCH / "figures.toml"
RESULTS = BENCH / "results"

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Aim:
    value: float
    at_least: bool  # else at most
    on_ratio: bool  # else on the measured value

    def met(self, value: float) -> bool:
        return value >= self.value if self.at_least else value <= self.value

    def shortfall(self, value: float) -> str:
        """By how much ``value`` misses the aim, in words."""
        if self.at_least:
            return f"{(1 - value / self.value) * 100:.0f} % short" if self.value else "short"
        if self.value <= 0:
            return f"{value:g} over"
        over = value / self.value
        return f"{(over - 1) * 100:.0f} % over" if over < 2 else f"{over:.3g}× the aim"


@dataclass(frozen=True)
class Benchmark:
    name: str
    command: str
    results: str  # the file's name in bench/results/
    sources: tuple[str, ...]  # files and folders whose commits make its figures stale
    history: str  # the heading "History: <history>" of bench/README.md
    # A part run by less code than the whole benchmark: its own sources (bench_spark's ingest
    # part does not build, so a change to the build leaves its figures current).
    part_sources: dict[str, tuple[str, ...]]

    def sources_of(self, part: str | None) -> tuple[str, ...]:
        return self.part_sources.get(part, self.sources) if part else self.sources


@dataclass(frozen=True)
class WhyFrom:
    """A list in a results file (of records, or a name -> value mapping) whose largest entry says
    where a figure goes."""

    path: KeyPath
    name: str  # the key of a record's name
    value: str  # the key of a record's value
    peak: bool  # a peak is set by one entry: no share of a total


@dataclass(frozen=True)
class Figure:
    benchmark: Benchmark
    what: str
    measured: KeyPath
    unit: str
    reference: KeyPath | None
    reference_is: str
    ratio: KeyPath | None
    ratio_means: str
    divide_by: KeyPath | float | None
    aim: Aim | None
    part: str | None
    load: tuple[KeyPath, ...]
    why_from: WhyFrom | None
    note: str


def _aim(declared: dict[str, Any] | None) -> Aim | None:
    if not declared:
        return None
    if ("at_least" in declared) == ("at_most" in declared):
        raise ValueError(f"an aim is at_least or at_most a value, not {declared}")
    at_least = "at_least" in declared
    on = declared.get("on", "measured")
    if on not in ("ratio", "measured"):
        raise ValueError(f"an aim is on the ratio or the measured value, not {on!r}")
    value = declared["at_least" if at_least else "at_most"]
    return Aim(float(value), at_least, on == "ratio")


def _path(declared: Sequence[str | int] | None) -> KeyPath | None:
    return tuple(declared) if declared is not None else None


def load_figures(path: Path = FIGURES) -> list[Figure]:
    """Every figure declared in ``path``, in the order of the file."""
    declared = tomllib.loads(path.read_text(encoding="utf-8"))
    groups: dict[str, list[str]] = declared.get("code", {})
    figures = []
    for bench in declared["benchmark"]:

        def declared_sources(code: list[str], extra: list[str]) -> tuple[str, ...]:
            listed = [s for group in code for s in groups[group]]
            return tuple(dict.fromkeys([*listed, *extra]))

        benchmark = Benchmark(
            name=bench["name"],
            command=bench["command"],
            results=bench["results"],
            sources=declared_sources(bench.get("code", []), bench.get("sources", [])),
            history=bench.get("history", ""),
            part_sources={
                name: declared_sources(part.get("code", []), part.get("sources", []))
                for name, part in bench.get("parts", {}).items()
            },
        )
        for fig in bench.get("figure", []):
            divide_by = fig.get("divide_by")
            why = fig.get("why_from")
            figures.append(
                Figure(
                    benchmark=benchmark,
                    what=fig["what"],
                    measured=tuple(fig["measured"]),
                    unit=fig.get("unit", ""),
                    reference=_path(fig.get("reference")),
                    reference_is=fig.get("reference_is", ""),
                    ratio=_path(fig.get("ratio")),
                    ratio_means=fig.get("ratio_means", ""),
                    divide_by=_path(divide_by) if isinstance(divide_by, list) else divide_by,
                    aim=_aim(fig.get("aim")),
                    part=fig.get("part"),
                    load=tuple(tuple(p) for p in fig.get("load", [])),
                    why_from=WhyFrom(
                        tuple(why["list"]),
                        why.get("name", "name"),
                        why.get("value", "value"),
                        why.get("peak", False),
                    )
                    if why
                    else None,
                    note=fig.get("note", ""),
                )
            )
    return figures


_ABSENT = object()


def lookup(data: Any, path: KeyPath) -> Any:
    """The value at ``path`` in ``data``, or _ABSENT."""
    for key in path:
        in_list = isinstance(key, int) and isinstance(data, list) and -len(data) <= key < len(data)
        in_dict = isinstance(key, str) and isinstance(data, dict) and key in data
        if not (in_list or in_dict):
            return _ABSENT
        data = data[key]
    return data


@dataclass(frozen=True)
class Reading:
    """One figure as its results file gives it; None where the file does not say."""

    figure: Figure
    has_results: bool
    measured: float | None
    reference: float | None
    ratio: float | None
    code: str | None
    date: str | None
    loads: tuple[float, ...]  # the 1-minute load averages recorded around the run, in order
    freshness: Freshness
    why: str  # where the figure goes, from why_from
    absent: tuple[KeyPath, ...]  # declared key paths the results file does not have

    @property
    def aim_value(self) -> float | None:
        aim = self.figure.aim
        return None if aim is None else self.ratio if aim.on_ratio else self.measured

    @property
    def met(self) -> bool | None:
        value = self.aim_value
        return None if value is None or self.figure.aim is None else self.figure.aim.met(value)


def _number(data: Any, path: KeyPath, absent: list[KeyPath]) -> float | None:
    value = lookup(data, path)
    if value is _ABSENT:
        absent.append(path)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _loads(data: dict[str, Any], figure: Figure) -> tuple[float, ...]:
    paths = figure.load or (("machine", "loadavg_at_start"), ("loadavg_at_end",))
    found = []
    for path in paths:
        value = lookup(data, path)
        if isinstance(value, list) and value and isinstance(value[0], int | float):
            found.append(float(value[0]))
    return tuple(found)


def _why(data: dict[str, Any], why: WhyFrom | None) -> str:
    if why is None:
        return ""
    entries = lookup(data, why.path)
    if isinstance(entries, dict):
        pairs = [(str(k), v) for k, v in entries.items()]
    elif isinstance(entries, list):
        pairs = [(str(e.get(why.name)), e.get(why.value)) for e in entries if isinstance(e, dict)]
    else:
        return ""
    pairs = [(name, float(v)) for name, v in pairs if isinstance(v, int | float)]
    if not pairs:
        return ""
    name, value = max(pairs, key=lambda pair: pair[1])
    if why.peak:
        return f"Set in: {name}."
    total = sum(v for _, v in pairs)
    return f"Largest part: {name} ({value / total * 100:.0f} %)." if total else ""


def read(figure: Figure, results: Path = RESULTS, repo: Path = REPO) -> Reading:
    """``figure`` read from its benchmark's results file in ``results``."""
    file = results / figure.benchmark.results
    if not file.exists():
        nothing = Freshness(UNKNOWN, "no results file")
        return Reading(figure, False, None, None, None, None, None, (), nothing, "", ())
    data = json.loads(file.read_text(encoding="utf-8"))
    absent: list[KeyPath] = []
    measured = _number(data, figure.measured, absent)
    reference = _number(data, figure.reference, absent) if figure.reference else None
    if figure.divide_by is not None:
        divisor = (
            figure.divide_by
            if isinstance(figure.divide_by, int | float)
            else _number(data, figure.divide_by, absent)
        )
        measured = measured / divisor if measured is not None and divisor else None
        reference = reference / divisor if reference is not None and divisor else None
    if figure.ratio:
        ratio = _number(data, figure.ratio, absent)
    else:
        ratio = measured / reference if measured is not None and reference else None
    # A part kept from an earlier run (bench_spark --skip) was measured by that run's code.
    kept = data.get("kept_from_run_started", {})
    if figure.part and figure.part in kept:
        date, code = kept[figure.part], data.get("kept_code", {}).get(figure.part)
    else:
        date = data.get("measured_at") or data.get("finished_at") or data.get("started_at")
        code = data.get("code")
    head = code.get("head") if isinstance(code, dict) else None
    uncommitted = tuple(code.get("src_changed_files", [])) if isinstance(code, dict) else ()
    fresh = freshness(
        repo, head or None, list(figure.benchmark.sources_of(figure.part)), uncommitted
    )
    return Reading(
        figure=figure,
        has_results=True,
        measured=measured,
        reference=reference,
        ratio=ratio,
        code=head or None,
        date=date,
        loads=_loads(data, figure),
        freshness=fresh,
        why=_why(data, figure.why_from),
        absent=tuple(absent),
    )
