"""`linkindex ingest --engine spark` on a real standalone cluster (a master and two workers on
127.0.0.1, tests/spark_cluster.py): the same parts and manifest as the embedded runner."""

from __future__ import annotations

import subprocess
import sys

import pytest
from spark_fixtures import manifest_entries, parts, sorted_table

from linkindex.home import Home

pytestmark = pytest.mark.spark_cluster


# A run of these few small files can end in seconds, before the master has started an executor on
# the second worker: the scheduler waits until both workers' cores have registered (up to 60 s),
# so the run is spread over the two workers it tests.
WAIT_FOR_BOTH_EXECUTORS = [
    "--conf", "spark.cores.max=2",
    "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
    "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=60s",
]  # fmt: skip


def test_ingest_on_a_standalone_cluster_equals_the_embedded_ingest(
    spark_cluster, two_engine_ingest, tmp_path
):
    crawl, paths = next(iter(two_engine_ingest.crawls.items()))  # the crawl of several files
    home = Home(tmp_path / "home").ensure()
    ingest = subprocess.run(
        [sys.executable, "-m", "linkindex.cli", "ingest", *map(str, paths), "--crawl", crawl,
         "--engine", "spark", "--master", spark_cluster.master_url,
         "--conf", "spark.executor.memory=512m", *WAIT_FOR_BOTH_EXECUTORS,
         "--home", str(home.root)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    # 3: the cut WARC and the empty file are reported, as the embedded runner reports them.
    assert ingest.returncode == 3, ingest.stderr[-3000:] + spark_cluster.log_tails()
    embedded = {k: v for k, v in parts(two_engine_ingest.embedded).items() if k.startswith(crawl)}
    mine = parts(home)
    assert sorted(mine) == sorted(embedded)
    for name, path in embedded.items():
        assert sorted_table(mine[name]).equals(sorted_table(path)), name
    assert manifest_entries(home, crawl) == manifest_entries(two_engine_ingest.embedded, crawl)
    # Both workers ran tasks: each kept an executor folder for this application.
    worker_dirs = [spark_cluster.logs.parent / "work" / f"worker-{n}" for n in range(2)]
    assert all(any(d.glob("app-*/*")) for d in worker_dirs), spark_cluster.log_tails()
