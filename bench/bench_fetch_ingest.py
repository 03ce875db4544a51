"""Ingest from a mirror against ingest from disk: what downloading costs on top of reading.

The same files (the bundled sample's WARCs, their WATs, a generated web's WARC) ingested by one
worker from disk and from the tests' local mirror (tests/ingest/bucket_server.py, a threaded
http.server on 127.0.0.1 in this process: no network's latency or bandwidth, so it measures the
download path's own cost: reading from the connection, hashing and checking the stream, holding
the parts until it is whole). Interleaved, best of --repeat. Writes
bench/results/fetch-ingest.json.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench_wat_vs_warc import inputs, wats_of
from benchutil import REPO, WORK, machine, write_result

from linkindex.home import Home
from linkindex.ingest import run_ingest
from linkindex.ingest.fetched import FetchPlan
from linkindex.locations import Location

sys.path.insert(0, str(REPO / "tests" / "ingest"))
from bucket_server import BucketServer  # noqa: E402


def ingest_once(files: list[Location]) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        home = Home(Path(tmp)).ensure()
        started = time.perf_counter()
        summary = run_ingest(
            files, home, crawl="c", progress=False, fetch=FetchPlan(Path(tmp) / "downloads")
        )
        seconds = time.perf_counter() - started
        if summary.failed_files:
            raise SystemExit(f"failed: {summary.failed_files}")
    return seconds, summary.pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = WORK / "wat-vs-warc"
    work.mkdir(parents=True, exist_ok=True)
    sets = inputs(work, 400)
    sources = [*sets["sample"], *wats_of(sets["sample"], work / "wat-sample"), *sets["synth-400"]]
    # One folder that is both the files on disk and the mirror's root.
    mirror = WORK / "fetch-ingest"
    mirror.mkdir(exist_ok=True)
    files = [mirror / p.name for p in sources]
    for source, copy in zip(sources, files, strict=True):
        shutil.copyfile(source, copy)
    server = BucketServer(mirror).start()
    urls: list[Location] = [server.url + p.name for p in files]
    runs: dict[str, list[float]] = {"disk": [], "mirror": []}
    try:
        for _ in range(args.repeat):
            for kind, given in (("disk", list(files)), ("mirror", urls)):
                seconds, pages = ingest_once(given)
                runs[kind].append(seconds)
    finally:
        server.stop()
    best = {kind: min(seconds) for kind, seconds in runs.items()}
    write_result(
        "fetch-ingest.json",
        {
            "files": len(files),
            "bytes": sum(p.stat().st_size for p in files),
            "pages": pages,
            "repeat": args.repeat,
            "best_seconds": {k: round(v, 3) for k, v in best.items()},
            "all_seconds": {k: [round(s, 3) for s in v] for k, v in runs.items()},
            "mirror_over_disk": round(best["mirror"] / best["disk"], 2),
            "machine": machine(),
        },
    )


if __name__ == "__main__":
    main()
