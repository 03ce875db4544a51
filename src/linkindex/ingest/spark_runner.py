"""The Spark runner: the crawl's input files mapped over a Spark cluster, one file per task
(a job each, so each file's result is kept as it ends).

Owns only the mapping; each task runs the embedded runner's ``ingest_file`` (the same
``extract``, the same parts), and the driver keeps the manifest through ``CrawlRun``. Inputs
and the home's crawls may be at Hadoop URIs: a task then fetches its input and puts its parts
there (``remote.ingest_at``).
"""

from __future__ import annotations

import re
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor, as_completed, wait
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING

from linkindex import locations
from linkindex.home import Home
from linkindex.ingest.progress import Progress
from linkindex.ingest.remote import ingest_at
from linkindex.ingest.runner import CrawlRun, FileResult, open_crawl_run
from linkindex.ingest.summary import IngestSummary

if TYPE_CHECKING:
    from pyspark import Broadcast, SparkContext
    from pyspark.sql import SparkSession

JOB_FAILED = "the Spark job of this file failed ({error}); ingest it again"
STOPPED = "not read: the run was stopped before its job started"
# After a stop, how long the run keeps cancelling its group's jobs while their threads end.
_CANCEL_FOR = 30.0

_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception): .*$", re.MULTILINE)
_JVM_PACKAGES = ("org.", "java.", "scala.", "py4j.")

# An input, the crawl, the crawl's folder (absolute paths, or URIs), the folder downloads are
# kept in (None: deleted once read). The inputs already ingested are not in it: see _run_jobs.
Task = tuple[str, str, str, str | None]


def _ingest_task(known: Broadcast[frozenset[str]], task: Task) -> FileResult:
    # Runs in an executor's Python worker: imports of the same linkindex as the driver's.
    source, crawl, crawl_at, keep = task
    return ingest_at(source, crawl, crawl_at, known.value, keep)


def _run_task(
    spark: SparkSession,
    task: Task,
    known: Broadcast[frozenset[str]],
    group: str,
    stop: threading.Event,
) -> FileResult:
    if stop.is_set():
        return FileResult(task[0], status="failed", complete=False, error=STOPPED)
    context = spark.sparkContext
    # The group is a property of the submitting thread: set in every pool thread, so a stop
    # cancels this run's jobs and no one else's on a shared SparkContext.
    context.setJobGroup(group, f"linkindex ingest of {task[0]}", interruptOnCancel=True)
    try:
        # The function carries the broadcast's id only, a few bytes whatever its size.
        job = context.parallelize([task], 1).map(partial(_ingest_task, known))
        return job.collect()[0]
    except Exception as exc:  # the job aborted (its task failed past Spark's retries)
        error = JOB_FAILED.format(error=_cause(str(exc)) or type(exc).__name__)
        return FileResult(task[0], status="failed", complete=False, error=error)


def task_slots(context: SparkContext) -> int:
    """How many tasks the cluster runs at once: its cores (``defaultParallelism``, or with
    dynamic allocation its largest size, when capped) over the cores a task takes."""
    conf = context.getConf()
    cores = context.defaultParallelism
    if conf.get("spark.dynamicAllocation.enabled", "false").lower() == "true":
        executors = conf.get("spark.dynamicAllocation.maxExecutors")
        if executors is not None and executors.isdigit():
            each = int(conf.get("spark.executor.cores", "1"))
            cores = max(cores, int(executors) * each)
    return max(1, cores // max(1, int(conf.get("spark.task.cpus", "1"))))


# A cluster's executors register after the session starts, so the slots counted then can be far
# fewer than the cluster's (2 before any registers). A job beyond the free slots waits in
# Spark's queue at no cost, so at least this many are in flight and each task goes to the next
# core that frees up, however many register later.
JOBS_IN_FLIGHT_FLOOR = 64


def jobs_in_flight(context: SparkContext) -> int:
    """How many files' jobs to keep submitted at once: the task slots, at least the floor."""
    return max(task_slots(context), JOBS_IN_FLIGHT_FLOOR)


def _cancel(
    context: SparkContext, group: str, stop: threading.Event, running: set[Future[FileResult]]
) -> None:
    # A thread may have passed its stop check and be submitting its job as the group is
    # cancelled: cancelling again until every thread has ended catches that job too.
    stop.set()
    for _ in range(int(_CANCEL_FOR / 0.05)):
        context.cancelJobGroup(group)
        running = wait(running, timeout=0.05).not_done
        if not running:
            return


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
    lock: IO[str] | None = None,
) -> IngestSummary:
    """Ingest WARC/WAT files and folders into crawl ``crawl`` of ``home`` on ``spark``.

    The same parts and manifest as ``run_ingest``. ``paths`` are local paths or Hadoop URIs
    (strings), and the home's crawls may be at one (``Home.uri``); every executor must see the
    local ones at the same absolute paths as the driver (local mode, or a shared folder).
    http(s) URLs and s3:// URIs are downloaded by the tasks (into ``keep_downloads`` when
    given: a folder at the same path on every node). ``progress`` draws the progress bar,
    which moves as each file's job ends. ``lock``: the crawl's lock, taken already
    (``runner.take_crawl_lock``), which the run then holds and releases; a crawl at a Hadoop
    URI other than ``file:`` is never locked (docs/ingest.md). Raises ValueError for an
    unusable crawl name or an unknown URI scheme.
    """
    run = open_crawl_run(paths, home, crawl, lock)
    try:
        return _run_jobs(run, spark, keep_downloads, progress)
    finally:
        run.release()


def _run_jobs(
    run: CrawlRun, spark: SparkSession, keep_downloads: Path | None, progress: bool
) -> IngestSummary:
    files = run.to_read()
    if not files:
        return run.finish()
    # Executors run in folders of their own: they get absolute paths, and the manifest keeps
    # each path as it was given, as the embedded runner writes it.
    crawl_at = _absolute(run.folder.location)
    keep = str(keep_downloads.resolve()) if keep_downloads is not None else None
    tasks = [(_absolute(p), run.crawl, crawl_at, keep) for p in files]
    # One job of one task per file, as cc-pyspark maps over WARC paths: Spark spreads them over
    # the executors' cores (jobs_in_flight: at least as many jobs at a time as the cluster has
    # task slots) and retries a lost task on its own, and each file's result comes back as it
    # ends, so the manifest is written after every file and a killed run goes on from there, as
    # the embedded one does.
    context = spark.sparkContext
    # A task needs the crawl's known inputs only to tell whether its file's SHA-256, which only
    # the task computes (hashing the file where it is), is one of them: any input, under any
    # name, may hold content ingested before. So every task needs the whole set, which grows
    # with the crawl (6 MB at the 90,000 files of a release): broadcast, it goes to each
    # executor once rather than inside each of the 90,000 tasks (tests/ingest/
    # test_spark_runner.py, a job's payload against the number of known inputs).
    known = context.broadcast(run.known)
    group = f"linkindex-ingest-{uuid.uuid4().hex}"
    stop = threading.Event()
    bar = Progress(progress, run.crawl, len(files), None)
    pool = ThreadPoolExecutor(max_workers=min(jobs_in_flight(context), len(tasks)))
    futures: dict[Future[FileResult], locations.Location] = {}
    try:
        for task, path in zip(tasks, files, strict=True):
            futures[pool.submit(_run_task, spark, task, known, group, stop)] = path
        for future in as_completed(futures):
            result = future.result()
            result.path = str(futures[future])
            run.record(result)
            bar.advance(result.records, result.pages, result.links, result.bytes)
            bar.file_done()
    except BaseException:
        # Ctrl-C: this run's jobs are cancelled rather than waited for (the threads waiting on
        # them then end), and no other; the files they were reading are read again next run.
        pool.shutdown(wait=False, cancel_futures=True)
        _cancel(context, group, stop, set(futures))
        raise
    finally:
        bar.stop()
        # Every job has ended or been cancelled (_cancel waits for their threads).
        known.destroy()
    pool.shutdown()
    # Results came in as files ended: the summary lists them in input order, as embedded does.
    order = {str(p): i for i, p in enumerate(run.files)}
    run.summary.failed_files.sort(key=lambda failed: order.get(failed[0], -1))
    run.summary.unchanged_files.sort(key=lambda path: order.get(path, -1))
    return run.finish()
