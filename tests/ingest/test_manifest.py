"""A crawl's manifest (ingest/parts.py ``Manifest``): manifest.json folded with the journal of
entry files ingest writes, one per input as it ends, and the fold written back whole."""

from __future__ import annotations

import json
from pathlib import Path

from linkindex.ingest.parts import JOURNAL, MANIFEST, Manifest

SHA = [f"{i:064x}" for i in range(4)]


def entry(n: int) -> dict:
    return {"name": f"{n}.warc.gz", "path": f"/in/{n}.warc.gz", "complete": True, "records": n}


def journal(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / JOURNAL).iterdir())


def test_an_entry_is_kept_at_once_without_rewriting_manifest_json(tmp_path):
    manifest = Manifest(tmp_path)
    manifest.add(SHA[0], entry(0))
    manifest.save()
    whole = (tmp_path / MANIFEST).read_text()
    manifest.add(SHA[1], entry(1))
    assert (tmp_path / MANIFEST).read_text() == whole
    assert journal(tmp_path) == [f"{SHA[1]}.json"]
    assert Manifest(tmp_path).files == manifest.files


def test_a_removal_is_kept_at_once_too(tmp_path):
    manifest = Manifest(tmp_path)
    manifest.add(SHA[0], entry(0))
    manifest.add(SHA[1], entry(1))
    manifest.save()
    manifest.remove(SHA[0])
    assert Manifest(tmp_path).files.keys() == {SHA[1]}


def test_the_fold_is_what_writing_the_whole_manifest_each_time_gave(tmp_path):
    # Adds, a replaced entry and removals (one of an input never added), some folded and
    # some still in the journal: manifest.files is what manifest.json used to be saved as.
    manifest = Manifest(tmp_path)
    manifest.add(SHA[0], entry(0))
    manifest.add(SHA[1], entry(1))
    manifest.save()
    manifest.add(SHA[2], entry(2))
    manifest.add(SHA[1], entry(5))
    manifest.remove(SHA[0])
    manifest.remove(SHA[3])
    assert Manifest(tmp_path).files == manifest.files
    manifest.save()
    assert json.loads((tmp_path / MANIFEST).read_text()) == {"version": 1, "files": manifest.files}
    assert journal(tmp_path) == []
    assert Manifest(tmp_path).files == manifest.files


def test_a_fold_killed_before_its_deletes_counts_no_entry_twice(tmp_path):
    manifest = Manifest(tmp_path)
    manifest.add(SHA[0], entry(0))
    manifest.save()
    manifest.add(SHA[1], entry(1))
    manifest.remove(SHA[0])
    kept = {p.name: p.read_bytes() for p in (tmp_path / JOURNAL).iterdir()}
    manifest.save()
    for name, data in kept.items():  # as if killed after manifest.json, before the deletes
        (tmp_path / JOURNAL / name).write_bytes(data)
    again = Manifest(tmp_path)
    assert again.files == manifest.files and again.files.keys() == {SHA[1]}
    again.save()
    assert json.loads((tmp_path / MANIFEST).read_text())["files"] == manifest.files
    assert journal(tmp_path) == []
