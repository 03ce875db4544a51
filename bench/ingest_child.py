"""One timed run_ingest (one worker) of the files given, in this process, printed as JSON.

The ingest benchmarks start it with PYTHONPATH set to the source tree under test
(benchutil.ingest_in_child), so two versions of the code alternate in one run.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from linkindex.home import Home
from linkindex.ingest import run_ingest
from linkindex.ingest.extract import clear_caches


def ingest_once(files: list[Path]) -> dict[str, float]:
    clear_caches()  # each run starts cold, as a fresh process would
    with tempfile.TemporaryDirectory() as home_dir:
        wall, cpu = time.perf_counter(), time.process_time()
        summary = run_ingest(files, Home(Path(home_dir)), crawl="bench", progress=False)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"seconds": wall, "cpu_seconds": cpu, "pages": summary.pages, "links": summary.links}


def main() -> None:
    files = [Path(arg) for arg in sys.argv[1:]]
    ingest_once(files)  # warm-up: imports, lazily built tables, page cache
    print(json.dumps(ingest_once(files)))


if __name__ == "__main__":
    main()
