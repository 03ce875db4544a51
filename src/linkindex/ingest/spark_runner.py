"""The Spark runner: the crawl's input files mapped over a Spark cluster, one file per task.

Owns only the mapping; each task runs the embedded runner's ``ingest_file`` (the same
``extract``, the same parts), and the driver keeps the manifest through ``CrawlRun``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from linkindex.home import Home
from linkindex.ingest.runner import FileResult, ingest_file, open_crawl_run
from linkindex.ingest.summary import IngestSummary

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

JOB_FAILED = "the Spark job failed before this file's result came back ({error}); ingest it again"

_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception): .*$", re.MULTILINE)
_JVM_PACKAGES = ("org.", "java.", "scala.", "py4j.")

Task = tuple[str, str, str, frozenset[str]]  # absolute path, crawl, crawl folder, known inputs


def _ingest_task(task: Task) -> FileResult:
    # Runs in an executor's Python worker: imports of the same linkindex as the driver's.
    path, crawl, crawl_dir, known = task
    return ingest_file(Path(path), crawl, Path(crawl_dir), known)


def _cause(message: str) -> str:
    # Spark wraps the worker's Python traceback in pages of JVM stack; its last exception line
    # ("ModuleNotFoundError: No module named ...") is what a user can act on.
    causes = [c for c in _EXCEPTION_LINE.findall(message) if not c.startswith(_JVM_PACKAGES)]
    return causes[-1].strip() if causes else message.strip().partition("\n")[0]


def run_spark_ingest(
    paths: list[Path], home: Home, spark: SparkSession, crawl: str | None = None
) -> IngestSummary:
    """Ingest WARC/WAT files and folders into crawl ``crawl`` of ``home`` on ``spark``.

    The same parts and manifest as ``run_ingest``. Every executor must see the inputs and the
    home at the same absolute paths as the driver (local mode, or a shared folder). Raises
    ValueError for an unusable crawl name.
    """
    run = open_crawl_run(paths, home, crawl)
    if not run.files:
        return run.finish()
    # Executors run in folders of their own: they get absolute paths, and the manifest keeps
    # each path as it was given, as the embedded runner writes it.
    crawl_dir = str(run.crawl_dir.absolute())
    tasks = [(str(p.absolute()), run.crawl, crawl_dir, run.known) for p in run.files]
    # One slice per file: a file is one task, as cc-pyspark maps over WARC paths, so Spark
    # spreads files over executor cores and retries a lost task on its own.
    rdd = spark.sparkContext.parallelize(tasks, len(tasks))
    try:
        results = rdd.map(_ingest_task).collect()
    except Exception as exc:  # the job aborted (a task failed past Spark's retries)
        error = _cause(str(exc)) or type(exc).__name__
        results = [
            FileResult(
                str(p), status="failed", complete=False, error=JOB_FAILED.format(error=error)
            )
            for p in run.files
        ]
    for path, result in zip(run.files, results, strict=True):
        result.path = str(path)
        run.record(result)
    return run.finish()
