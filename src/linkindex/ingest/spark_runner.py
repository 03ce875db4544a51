"""The Spark runner: the crawl's input files mapped over a Spark cluster, one file per task
(a job each, so each file's result is kept as it ends).

Owns only the mapping; each task runs the embedded runner's ``ingest_file`` (the same
``extract``, the same parts), and the driver keeps the manifest through ``CrawlRun``. Inputs
and the home's crawls may be at Hadoop URIs: a task then fetches its input and puts its parts
there (``remote.ingest_at``).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING

from linkindex import locations
from linkindex.home import Home
from linkindex.ingest.progress import Progress
from linkindex.ingest.remote import ingest_at
from linkindex.ingest.runner import FileResult, open_crawl_run
from linkindex.ingest.summary import IngestSummary

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

JOB_FAILED = "the Spark job of this file failed ({error}); ingest it again"

_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception): .*$", re.MULTILINE)
_JVM_PACKAGES = ("org.", "java.", "scala.", "py4j.")

# An input and the crawl's folder (absolute paths, or URIs), the crawl, the known inputs, the
# folder downloads are kept in (None: deleted once read).
Task = tuple[str, str, str, frozenset[str], str | None]


def _ingest_task(task: Task) -> FileResult:
    # Runs in an executor's Python worker: imports of the same linkindex as the driver's.
    source, crawl, crawl_at, known, keep = task
    return ingest_at(source, crawl, crawl_at, known, keep)


def _run_task(spark: SparkSession, task: Task) -> FileResult:
    try:
        return spark.sparkContext.parallelize([task], 1).map(_ingest_task).collect()[0]
    except Exception as exc:  # the job aborted (its task failed past Spark's retries)
        error = JOB_FAILED.format(error=_cause(str(exc)) or type(exc).__name__)
        return FileResult(task[0], status="failed", complete=False, error=error)


def _absolute(location: locations.Location) -> str:
    return str(location.absolute()) if isinstance(location, Path) else location


def _cause(message: str) -> str:
    # Spark wraps the worker's Python traceback in pages of JVM stack; its last exception line
    # ("ModuleNotFoundError: No module named ...") is what a user can act on.
    causes = [c for c in _EXCEPTION_LINE.findall(message) if not c.startswith(_JVM_PACKAGES)]
    return causes[-1].strip() if causes else message.strip().partition("\n")[0]


def run_spark_ingest(
    paths: list[locations.Location],
    home: Home,
    spark: SparkSession,
    crawl: str | None = None,
    keep_downloads: Path | None = None,
    progress: bool = False,
) -> IngestSummary:
    """Ingest WARC/WAT files and folders into crawl ``crawl`` of ``home`` on ``spark``.

    The same parts and manifest as ``run_ingest``. ``paths`` are local paths or Hadoop URIs
    (strings), and the home's crawls may be at one (``Home.uri``); every executor must see the
    local ones at the same absolute paths as the driver (local mode, or a shared folder).
    http(s) URLs and s3:// URIs are downloaded by the tasks (into ``keep_downloads`` when
    given: a folder at the same path on every node). ``progress`` draws the progress bar,
    which moves as each file's job ends. Raises ValueError for an unusable crawl name or an
    unknown URI scheme.
    """
    run = open_crawl_run(paths, home, crawl)
    files = run.to_read()
    if not files:
        return run.finish()
    # Executors run in folders of their own: they get absolute paths, and the manifest keeps
    # each path as it was given, as the embedded runner writes it.
    crawl_at = _absolute(run.folder.location)
    keep = str(keep_downloads.resolve()) if keep_downloads is not None else None
    tasks = [(_absolute(p), run.crawl, crawl_at, run.known, keep) for p in files]
    # One job of one task per file, as cc-pyspark maps over WARC paths: Spark spreads them over
    # the executors' cores (as many jobs at a time as the cluster has task slots) and retries
    # a lost task on its own, and each file's result comes back as it ends, so the manifest is
    # written after every file and a killed run goes on from there, as the embedded one does.
    slots = max(1, spark.sparkContext.defaultParallelism)
    bar = Progress(progress, run.crawl, len(files), None)
    pool = ThreadPoolExecutor(max_workers=min(slots, len(tasks)))
    try:
        futures = {
            pool.submit(_run_task, spark, task): path
            for task, path in zip(tasks, files, strict=True)
        }
        for future in as_completed(futures):
            result = future.result()
            result.path = str(futures[future])
            run.record(result)
            bar.advance(result.records, result.pages, result.links, result.bytes)
            bar.file_done()
    except BaseException:
        # Ctrl-C: the jobs running are cancelled rather than waited for (the threads waiting
        # on them then end); the files they were reading are read again by the next run.
        pool.shutdown(wait=False, cancel_futures=True)
        spark.sparkContext.cancelAllJobs()
        raise
    finally:
        bar.stop()
    pool.shutdown()
    # Results came in as files ended: the summary lists them in input order, as embedded does.
    order = {str(p): i for i, p in enumerate(run.files)}
    run.summary.failed_files.sort(key=lambda failed: order.get(failed[0], -1))
    run.summary.unchanged_files.sort(key=lambda path: order.get(path, -1))
    return run.finish()
