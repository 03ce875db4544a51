"""The README's benchmark table: its rows rendered from the figures (figures.py) and written
between its two marker comments (`make bench-table`), or checked (`make bench-table-check`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from figures import FIGURES, REPO, RESULTS, Reading, load_figures, read
from freshness import FRESH, STALE

START = "<!-- bench-table: start (written by `make bench-table` from bench/figures.toml) -->"
END = "<!-- bench-table: end -->"
HEADER = (
    "what",
    "command",
    "measured",
    "reference (same run)",
    "ratio",
    "aim",
    "met?",
    "measured at (code version, date, load)",
    "note",
)
NO_MARKERS = (
    "{readme} has no benchmark table to rewrite: put the two lines\n{start}\n{end}\n"
    "where the table goes, then run `make bench-table` again."
)


def number(value: float) -> str:
    """Three significant digits; whole numbers with thousands separators from 1,000 up."""
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def times(ratio: float) -> str:
    """A ratio to three significant digits, trailing zeros kept: 1.00×, 0.270×, 53.4×."""
    return f"{ratio:#.3g}".rstrip(".") + "×" if abs(ratio) < 1000 else f"{ratio:,.0f}×"


def quantity(value: float, unit: str) -> str:
    return f"{number(value)} {unit}".strip()


def _measured(r: Reading) -> str:
    if r.measured is None:
        return "not in the results file" if r.figure.measured in r.absent else "not recorded"
    return f"**{quantity(r.measured, r.figure.unit)}**"


def _reference(r: Reading) -> str:
    fig = r.figure
    if fig.reference is None:
        return "none in this run"
    if r.reference is None:
        return f"not recorded in this run ({fig.reference_is})"
    return f"{quantity(r.reference, fig.unit)} ({fig.reference_is})".replace(" ()", "")


def _ratio(r: Reading) -> str:
    fig = r.figure
    if r.ratio is None:
        return "not recorded" if fig.ratio else "–"
    text = times(r.ratio)
    return f"{text} ({fig.ratio_means})" if fig.ratio_means else text


def _aim(r: Reading) -> str:
    aim = r.figure.aim
    if aim is None:
        return "none"
    sign = "≥" if aim.at_least else "≤"
    value = f"{number(aim.value)}×" if aim.on_ratio else quantity(aim.value, r.figure.unit)
    return f"{sign} {value}"


def _met(r: Reading) -> str:
    aim = r.figure.aim
    if aim is None:
        return "–"
    value = r.aim_value
    if value is None:
        return "not measured"
    return "yes" if aim.met(value) else f"**no**: {aim.shortfall(value)}"


def _measured_at(r: Reading) -> str:
    loads = " → ".join(f"{load:.1f}" for load in r.loads)
    parts = [
        r.code or "code not recorded",
        r.date[:16].replace("T", " ") if r.date else "date not recorded",
        f"load {loads}" if loads else "load not recorded",
    ]
    state = r.freshness
    flag = {FRESH: "fresh", STALE: "**stale**"}.get(state.state, "not checkable")
    if r.code is None:  # the cell already says why
        return f"{', '.join(parts)}; {flag}"
    return f"{', '.join(parts)}; {flag}: {state.detail}"


UNSAID = "**Why it misses is not said yet** (a note in bench/figures.toml)."


def _unsaid(r: Reading) -> bool:
    """Whether ``r`` misses its aim with nothing to say why."""
    return r.met is False and not (r.figure.note or r.why)


def _note(r: Reading) -> str:
    history = r.figure.benchmark.history
    link = f"[history](bench/README.md#history-{history})" if history else ""
    unsaid = UNSAID if _unsaid(r) else ""
    return " ".join(part for part in (r.figure.note, r.why, unsaid, link) if part)


def row(r: Reading) -> list[str]:
    fig = r.figure
    command = f"`{fig.benchmark.command}`"
    if not r.has_results:
        missing = f"no `bench/results/{fig.benchmark.results}`: run {command}"
        return [fig.what, command, missing, "–", "–", _aim(r), "not measured", "–", _note(r)]
    return [
        fig.what,
        command,
        _measured(r),
        _reference(r),
        _ratio(r),
        _aim(r),
        _met(r),
        _measured_at(r),
        _note(r),
    ]


def _line(cells: list[str] | tuple[str, ...]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def summary(readings: list[Reading]) -> str:
    met = [r.met for r in readings]
    states = [r.freshness.state for r in readings]
    return (
        f"{len(readings)} figures: {met.count(True)} meet their aim, {met.count(False)} miss it, "
        f"{len(readings) - met.count(True) - met.count(False)} have no aim or no value; "
        f"{states.count(STALE)} stale, {len(readings) - states.count(FRESH) - states.count(STALE)}"
        " not checkable (no code version, or uncommitted changes, recorded)."
    )


def render(readings: list[Reading]) -> str:
    """The block between the markers: the table and a line counting aims met and stale rows."""
    lines = [_line(HEADER), _line(["---"] * len(HEADER))]
    lines += [_line(row(r)) for r in readings]
    return "\n".join([*lines, "", summary(readings)])


def _between(text: str) -> tuple[int, int] | None:
    """Where the text between the markers starts and ends, if both are there in order."""
    start, end = text.find(START), text.find(END)
    return (start + len(START), end) if 0 <= start < end else None


def replace_block(text: str, block: str, readme: str = "README.md") -> str:
    """``text`` with everything between the markers replaced by ``block``; the markers and
    everything outside them stay as they are."""
    span = _between(text)
    if span is None:
        raise ValueError(NO_MARKERS.format(readme=readme, start=START, end=END))
    return text[: span[0]] + "\n" + block + "\n" + text[span[1] :]


def current_block(text: str) -> str | None:
    span = _between(text)
    return text[span[0] : span[1]].strip("\n") if span else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if the "
                        "table is not what the results give or a figure is stale")  # fmt: skip
    parser.add_argument("--readme", type=Path, default=REPO / "README.md")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--figures", type=Path, default=FIGURES)
    parser.add_argument("--repo", type=Path, default=REPO, help="the git repository of the code")
    args = parser.parse_args(argv)

    readings = [read(f, args.results, args.repo) for f in load_figures(args.figures)]
    block = render(readings)
    text = args.readme.read_text(encoding="utf-8")
    not_fresh = [r for r in readings if r.freshness.state != FRESH]
    for r in not_fresh:
        state = "stale" if r.freshness.state == STALE else "not checkable"
        print(f"{state}: {r.figure.what} ({r.figure.benchmark.results}): {r.freshness.detail}")
    unsaid = [r for r in readings if _unsaid(r)]
    for r in unsaid:
        print(f"misses its aim without saying why: {r.figure.what}")
    print(summary(readings))
    if args.check:
        current = current_block(text)
        if current is None:
            print(NO_MARKERS.format(readme=args.readme, start=START, end=END))
            return 1
        if current != block:
            print(f"{args.readme}'s benchmark table is not what bench/results/ gives: "
                  "run `make bench-table`")  # fmt: skip
            return 1
        return 1 if not_fresh or unsaid else 0
    try:
        args.readme.write_text(replace_block(text, block, str(args.readme)), encoding="utf-8")
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"-> {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
