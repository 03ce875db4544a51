"""The README's benchmark table (bench/readme_table.py over bench/figures.py): each row from a
results file, its aim checked, its freshness shown, and the README rewritten only between its
markers. Fixture results only: no benchmark runs here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from figures import BENCH, REPO, load_figures, read
from readme_table import END, START, main, render, replace_block, row

FIGURES = """
[code]
ingest = ["src/ingest"]

[[benchmark]]
name = "ingest"
command = "make bench-ingest"
results = "ingest.json"
code = ["ingest"]
sources = ["bench/bench_ingest.py"]
history = "ingest"

[[benchmark.figure]]
what = "ingest on the sample"
measured = ["pages_per_s"]
unit = "pages/s"
reference = ["bare", "pages_per_s"]
reference_is = "a bare loop"
ratio = ["ratio"]
aim = { at_least = 0.8, on = "ratio" }
note = "Why it misses."

[[benchmark.figure]]
what = "histories, p99"
measured = ["p99_ms"]
unit = "ms"
aim = { at_most = 50 }
note = "Rebuilt on every call."
"""


def results_of(head: str, **changes: object) -> dict:
    result = {
        "pages_per_s": 520.4,
        "bare": {"pages_per_s": 1916.3},
        "ratio": 0.272,
        "p99_ms": 1138.0,
        "code": {"head": head, "src_changed_files": []},
        "measured_at": "2026-12-07T01:22:19+0000",
        "machine": {"loadavg_at_start": [1.94, 2.0, 3.0]},
        "loadavg_at_end": [2.41, 2.0, 2.0],
    }
    result.update(changes)
    return {k: v for k, v in result.items() if v is not None}


@pytest.fixture
def bench(tmp_path: Path, git_repo):
    """A repository whose figures.toml is FIGURES; write(results) puts a results file in place,
    rows() reads every declared figure as the README's rows."""
    head = git_repo.commit({"src/ingest/read.py": "1", "bench/bench_ingest.py": "1"})
    (tmp_path / "figures.toml").write_text(FIGURES)
    (tmp_path / "results").mkdir()

    class Bench:
        repo, measured = git_repo, head

        @staticmethod
        def write(result: dict, name: str = "ingest.json") -> None:
            (tmp_path / "results" / name).write_text(json.dumps(result))

        @staticmethod
        def readings():
            figures = load_figures(tmp_path / "figures.toml")
            return [read(f, tmp_path / "results", git_repo.root) for f in figures]

        @classmethod
        def rows(cls) -> list[list[str]]:
            return [row(r) for r in cls.readings()]

    return Bench


def test_a_row_gives_the_figure_its_reference_ratio_aim_and_where_it_was_measured(bench) -> None:
    bench.write(results_of(bench.measured))
    assert bench.rows()[0] == [
        "ingest on the sample",
        "`make bench-ingest`",
        "**520 pages/s**",
        "1,916 pages/s (a bare loop)",
        "0.272×",
        "≥ 0.8×",
        "**no**: 66 % short",
        f"{bench.measured}, 2026-12-07 01:22, load 1.9 → 2.4; fresh: no later commit to its code",
        "Why it misses. [history](bench/README.md#history-ingest)",
    ]


def test_the_ratio_is_measured_over_reference_when_the_results_file_records_none(bench) -> None:
    bench.write(results_of(bench.measured))
    figures = FIGURES.replace('ratio = ["ratio"]\n', "")
    (bench.repo.root.parent / "figures.toml").write_text(figures)
    assert bench.rows()[0][4] == f"{520.4 / 1916.3:.3f}×"


def test_a_missed_aim_says_by_how_much(bench) -> None:
    bench.write(results_of(bench.measured, p99_ms=1138.0))
    assert bench.rows()[1][6] == "**no**: 22.8× the aim"
    bench.write(results_of(bench.measured, p99_ms=60.0))
    assert bench.rows()[1][6] == "**no**: 20 % over"
    bench.write(results_of(bench.measured, p99_ms=50.0))
    assert bench.rows()[1][6] == "yes"


def test_a_missed_aim_without_a_note_says_that_why_is_not_said(bench) -> None:
    (bench.repo.root.parent / "figures.toml").write_text(
        FIGURES.replace('note = "Rebuilt on every call."', "")
    )
    bench.write(results_of(bench.measured, p99_ms=1138.0))
    assert "**Why it misses is not said yet**" in bench.rows()[1][8]
    bench.write(results_of(bench.measured, p99_ms=10.0))
    assert "not said" not in bench.rows()[1][8]


def test_a_missing_reference_or_load_is_said_not_invented(bench) -> None:
    bench.write(results_of(bench.measured, bare=None, machine=None, loadavg_at_end=None))
    cells = bench.rows()[0]
    assert cells[3] == "not recorded in this run (a bare loop)"
    assert "load not recorded" in cells[7]


def test_a_figure_the_results_file_does_not_have_is_said(bench) -> None:
    bench.write(results_of(bench.measured, pages_per_s=None))
    assert bench.rows()[0][2] == "not in the results file"


def test_without_its_results_file_a_row_says_which_command_writes_it(bench) -> None:
    assert bench.rows()[0][2] == "no `bench/results/ingest.json`: run `make bench-ingest`"


def test_a_row_whose_code_changed_after_it_was_measured_is_flagged_stale(bench) -> None:
    bench.write(results_of(bench.measured))
    newest = bench.repo.commit({"src/ingest/read.py": "2"})
    assert bench.rows()[0][7].endswith(f"**stale**: 1 later commit to its code (newest {newest})")


def test_a_row_without_a_code_version_cannot_be_checked(bench) -> None:
    bench.write(results_of(bench.measured, code=None))
    cells = bench.rows()[0]
    assert cells[7].startswith("code not recorded, ")
    assert cells[7].endswith("; not checkable")


def test_a_part_kept_from_an_earlier_run_is_dated_and_versioned_by_that_run(bench) -> None:
    figures = FIGURES.replace('what = "ingest on the sample"', 'what = "x"\npart = "ingest"')
    (bench.repo.root.parent / "figures.toml").write_text(figures)
    kept = {"ingest": "2026-12-06T20:01:43+0000"}
    bench.write(results_of(bench.measured, kept_from_run_started=kept))
    assert bench.rows()[0][7].startswith("code not recorded, 2026-12-06 20:01,")
    code = {"ingest": {"head": bench.measured}}
    bench.write(results_of("0123abc", kept_from_run_started=kept, kept_code=code))
    assert bench.rows()[0][7].startswith(f"{bench.measured}, 2026-12-06 20:01,")


def test_a_part_with_its_own_code_is_stale_only_when_that_code_changes(bench) -> None:
    figures = FIGURES.replace(
        'history = "ingest"\n', 'history = "ingest"\nparts.read = { sources = ["src/read"] }\n', 1
    ).replace('what = "ingest on the sample"', 'what = "x"\npart = "read"')
    (bench.repo.root.parent / "figures.toml").write_text(figures)
    read_at = bench.repo.commit({"src/read/parse.py": "1"})
    bench.write(results_of(read_at))
    bench.repo.commit({"src/ingest/read.py": "2"})
    part, whole = bench.rows()
    assert part[7].endswith("fresh: no later commit to its code")
    assert "**stale**" in whole[7]
    newest = bench.repo.commit({"src/read/parse.py": "2"})
    assert bench.rows()[0][7].endswith(f"**stale**: 1 later commit to its code (newest {newest})")


def test_the_table_counts_aims_met_and_stale_rows(bench) -> None:
    bench.write(results_of(bench.measured))
    lines = render(bench.readings()).splitlines()
    assert lines[0].startswith("| what | command | measured | reference (same run) | ratio |")
    assert lines[-1] == (
        "2 figures: 0 meet their aim, 2 miss it, 0 have no aim or no value; 0 stale, "
        "0 not checkable (no code version, or uncommitted changes, recorded)."
    )


def test_the_readme_changes_only_between_its_markers() -> None:
    text = f"# title\n\nbefore\n\n{START}\nold table\n{END}\n\nafter\n"
    assert replace_block(text, "new table") == (
        f"# title\n\nbefore\n\n{START}\nnew table\n{END}\n\nafter\n"
    )


def test_a_readme_without_the_markers_is_an_error_that_names_them() -> None:
    with pytest.raises(ValueError, match=re.escape(START)):
        replace_block("# title\n| what | figure |\n", "new table")


def test_check_passes_only_when_the_table_is_current_and_nothing_is_stale(bench) -> None:
    bench.write(results_of(bench.measured))
    root = bench.repo.root.parent
    readme = root / "README.md"
    readme.write_text(f"intro\n{START}\n{END}\n")
    args = ["--readme", str(readme), "--results", str(root / "results")]
    args += ["--figures", str(root / "figures.toml"), "--repo", str(bench.repo.root)]
    assert main([*args, "--check"]) == 1  # the table is not written yet
    assert main(args) == 0
    assert main([*args, "--check"]) == 0
    bench.repo.commit({"bench/bench_ingest.py": "2"})
    assert main([*args, "--check"]) == 1  # now stale
    assert readme.read_text().startswith(f"intro\n{START}\n| what |")


def test_every_figure_of_the_project_is_found_in_its_results_files() -> None:
    readings = [read(f) for f in load_figures()]
    assert [(r.figure.what, r.absent) for r in readings if r.absent] == []


def test_every_benchmark_command_of_the_project_exists() -> None:
    makefile = (REPO / "Makefile").read_text()
    for figure in load_figures():
        command = figure.benchmark.command
        if command.startswith("make "):
            assert re.search(rf"^{command.split()[1]}:", makefile, re.M), command
        else:
            assert (REPO / command.split()[1]).exists(), command
    assert (BENCH / "figures.toml").exists()
