"""What recording one ingested file in a crawl's manifest costs when the manifest already holds
a whole Common Crawl release's inputs (90,000 WAT files): the per-file step every ingest
run takes after each file (``CrawlRun.record``), and the once-a-run fold of the journal into
manifest.json (``Manifest.save``).

Runs whatever ``linkindex`` is importable, so the same command measures two versions of the
code (on one without the journal, ``record`` itself rewrites manifest.json):
    PYTHONPATH=src .venv/bin/python bench/bench_manifest.py --entries 90000 --repeat 5
Writes bench/results/manifest-record.json (``--name`` to change) and prints it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time

from benchutil import WORK, code_version, loadavg, machine, write_result

from linkindex.ingest.parts import RECORDS_VERSION, CrawlFolder, Manifest
from linkindex.ingest.runner import CrawlRun, FileResult
from linkindex.ingest.summary import IngestSummary

RELEASE = "CC-MAIN-2024-51"
BASE = "https://data.commoncrawl.org/crawl-data/" + RELEASE + "/segments/1733066035857.{seg}/wat/"


def _sha(i: int) -> str:
    return f"{i:064x}"


def _result(i: int) -> FileResult:
    """A WAT file's result shaped as ingest gives one (a real file's counts, rounded)."""
    name = f"CC-MAIN-20241201162023-20241201192023-{i:05d}.warc.wat.gz"
    stem = _sha(i)[:16]
    return FileResult(
        path=BASE.format(seg=i % 100) + name,
        sha256=_sha(i),
        records=160_000,
        pages=38_000,
        links=1_400_000,
        skipped={"not_response": 79_000, "not_html": 3_000, "bad_url": 1_200},
        bytes=300_000_000,
        parts=[f"pages-{stem}-0000.parquet", f"links-{stem}-0000.parquet"],
    )


def _entry(result: FileResult) -> dict:
    # The entry runner._record writes for a result, with the fields Manifest.add stamps; spelt
    # out here, not taken from runner, so this script still runs on the code before the journal
    # (the "before" figure) as the module docstring says.
    return {
        "name": result.path.rsplit("/", 1)[-1],
        "path": result.path,
        "complete": result.complete,
        "error": result.error,
        "records": result.records,
        "pages": result.pages,
        "links": result.links,
        "parts": result.parts,
        "skipped": result.skipped,
        "records_version": RECORDS_VERSION,
        "ingested_at": "2026-12-06T21:00:00Z",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=90_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--name", default="manifest-record.json", help="the results file")
    args = parser.parse_args()

    folder = WORK / "manifest" / "crawl"
    shutil.rmtree(folder.parent, ignore_errors=True)
    folder.mkdir(parents=True)
    # manifest.json as ingest writes it, written here directly so both versions start alike.
    files = {_sha(i): _entry(_result(i)) for i in range(args.entries)}
    text = json.dumps({"version": 1, "files": files}, indent=1, sort_keys=True)
    (folder / "manifest.json").write_text(text, encoding="utf-8")

    started = time.perf_counter()
    manifest = Manifest(CrawlFolder(folder))
    load = time.perf_counter() - started
    run = CrawlRun([], RELEASE, CrawlFolder(folder), manifest, manifest.current(),
                   IngestSummary(crawl=RELEASE), started)  # fmt: skip
    records = []
    for n in range(args.repeat):
        result = _result(args.entries + n)
        started = time.perf_counter()
        run.record(result)
        records.append(time.perf_counter() - started)
    started = time.perf_counter()
    manifest.save()  # the fold at a run's end (a second whole write on a version without it)
    fold = time.perf_counter() - started

    write_result(
        args.name,
        {
            "entries": args.entries,
            "manifest_json_mb": round(len(text) / 1e6, 1),
            "load_s": round(load, 3),
            "record_ms": [round(s * 1000, 2) for s in records],
            "record_ms_median": round(statistics.median(records) * 1000, 2),
            "fold_s": round(fold, 3),
            "loadavg_at_end": loadavg(),
            "machine": machine(),
            "code": code_version(),
        },
    )


if __name__ == "__main__":
    main()
