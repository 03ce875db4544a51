"""A real Spark standalone cluster on 127.0.0.1 for tests: one master and two workers of one
core each, started from pip's pyspark with spark-class, and stopped whatever the test did.

pip's pyspark has no sbin/start-master.sh; bin/spark-class runs the same Master and Worker.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from linkindex.spark_session import LOOPBACK, find_java_home

WORKERS = 2
WORKER_MEMORY = "1g"
START_TIMEOUT = 90.0  # seconds for the master to bind and every worker to register
REGISTERED = re.compile(r"Registering worker ")


@dataclass
class Cluster:
    master_url: str  # spark://127.0.0.1:PORT
    logs: Path  # one log per daemon: master.log, worker-0.log, ...

    def log_tails(self, lines: int = 30) -> str:
        """The end of every daemon's log, for a failing test's message."""
        tails = []
        for log in sorted(self.logs.glob("*.log")):
            text = log.read_text(errors="replace").splitlines()[-lines:]
            tails.append(f"--- {log.name}\n" + "\n".join(text))
        return "\n".join(tails)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def _spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def _daemon_env(workdir: Path) -> dict[str, str]:
    # The test's own environment (PYTHONPATH included) reaches the executors the workers
    # start, so their Python imports the same linkindex as the test.
    return {
        **os.environ,
        "SPARK_HOME": str(_spark_home()),
        "JAVA_HOME": os.environ.get("JAVA_HOME") or str(find_java_home()),
        "SPARK_LOCAL_IP": LOOPBACK,
        "SPARK_WORKER_DIR": str(workdir / "work"),
        "SPARK_LOG_DIR": str(workdir / "logs"),
    }


@contextmanager
def _daemon(args: list[str], log: Path, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """One spark-class daemon in its own process group, ended with everything it started."""
    spark_class = _spark_home() / "bin" / "spark-class"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(spark_class), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its own group: a worker's executors end with it
        )
    try:
        yield process
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    # A worker's shutdown hook ends the executors it started; a daemon that does not stop in
    # time is killed with its whole group while it still leads it (so the group is still ours).
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_for_workers(cluster: Cluster, daemons: list[subprocess.Popen], workers: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    master_log = cluster.logs / "master.log"
    while time.monotonic() < deadline:
        registered = len(REGISTERED.findall(master_log.read_text(errors="replace")))
        if registered >= workers:
            return
        if any(d.poll() is not None for d in daemons):
            break
        time.sleep(0.5)
    raise RuntimeError(f"the standalone cluster did not start:\n{cluster.log_tails()}")


@contextmanager
def standalone_cluster(
    workdir: Path, workers: int = WORKERS, worker_memory: str = WORKER_MEMORY
) -> Iterator[Cluster]:
    """A master and ``workers`` workers (1 core, ``worker_memory`` each) on 127.0.0.1."""
    logs = workdir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = _daemon_env(workdir)
    port = free_port()
    cluster = Cluster(f"spark://{LOOPBACK}:{port}", logs)
    with ExitStack() as stack:
        master = stack.enter_context(
            _daemon(
                ["org.apache.spark.deploy.master.Master", "--host", LOOPBACK, "--port", str(port),
                 "--webui-port", str(free_port())],
                logs / "master.log", env,
            )
        )  # fmt: skip
        daemons = [master]
        for n in range(workers):
            worker = [
                "org.apache.spark.deploy.worker.Worker", cluster.master_url, "--host", LOOPBACK,
                "--cores", "1", "--memory", worker_memory, "--webui-port", str(free_port()),
                "--work-dir", str(workdir / "work" / f"worker-{n}"),
            ]  # fmt: skip
            daemons.append(stack.enter_context(_daemon(worker, logs / f"worker-{n}.log", env)))
        _wait_for_workers(cluster, daemons, workers)
        yield cluster


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory) -> Iterator[Cluster]:
    with standalone_cluster(tmp_path_factory.mktemp("spark-cluster")) as cluster:
        yield cluster
