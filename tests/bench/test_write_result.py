"""Every results file says which code it measured, when, and the load at its end
(bench/benchutil.py's write_result), so the README's table can tell a stale figure."""

from __future__ import annotations

import json
import re
import subprocess

import benchutil


def test_a_result_gets_the_code_date_and_load_it_does_not_record(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(benchutil, "RESULTS", tmp_path)
    written = json.loads(benchutil.write_result("x.json", {"figure": 1}).read_text())
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=benchutil.REPO, capture_output=True, text=True
    ).stdout.strip()
    assert written["figure"] == 1
    assert written["code"]["head"] == head
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000", written["measured_at"])
    assert len(written["loadavg_at_end"]) == 3
    # What a benchmark records itself stays.
    own = {"code": {"head": "abc1234"}, "measured_at": "then", "loadavg_at_end": [9.0, 9.0, 9.0]}
    written = json.loads(benchutil.write_result("x.json", dict(own)).read_text())
    assert {key: written[key] for key in own} == own
