"""The SparkSession every Spark engine of linkindex runs on, from `--master` and `--conf k=v`.

Owns finding Java, the settings a session needs here (loopback driver, no UI, this Python on the
executors) and the messages that say what to install when Spark cannot start.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[*]"
APP_NAME = "linkindex"
LOOPBACK = "127.0.0.1"

NO_PYSPARK = (
    "the Spark engine needs pyspark: install linkindex with its spark extra "
    "(pip install -e '.[spark]', which `make test` and `make demo` do)"
)
NO_JAVA = (
    "the Spark engine needs Java 17 or newer: install it (Debian: apt-get install "
    "openjdk-17-jre-headless) or set JAVA_HOME to its folder"
)
BAD_CONF = "--conf takes key=value (for example spark.executor.memory=2g), not {item!r}"

PYTHON_CONF = "spark.pyspark.python"
# The SQL settings a build needs, whatever else its session was given (one definition: the
# sessions made here start with them, and the build engine holds a caller's session to them
# while it runs, then puts the caller's values back). Capture times are UTC instants: a
# Parquet timestamp stored without a zone (DuckDB's saved state, some writers' parts) reads as
# one too, not as Spark's zone-less TIMESTAMP_NTZ; tables are written as microseconds, which
# pyarrow and DuckDB read as they read their own.
BUILD_SQL_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "false",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}
# Settings that hold unless --conf gives others. The executors run this very Python (or
# $PYSPARK_PYTHON), so they import the same linkindex and extraction code as the driver; a
# cluster whose nodes keep Python elsewhere passes --conf spark.pyspark.python=PATH. No
# console progress bars: they would draw over the command's own progress and summary.
DEFAULTS = {
    "spark.app.name": APP_NAME,
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.log.level": "WARN",
    **BUILD_SQL_CONF,
}
# Only for a master on this machine: a driver bound to loopback is unreachable from other hosts,
# and the machine's own name may resolve to an address nothing listens on.
LOCAL_DEFAULTS = {"spark.driver.host": LOOPBACK, "spark.driver.bindAddress": LOOPBACK}


def parse_conf(items: Iterable[str]) -> dict[str, str]:
    """``["k=v", ...]`` as a dict; raises ValueError naming the first item without ``=``."""
    conf = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(BAD_CONF.format(item=item))
        conf[key.strip()] = value
    return conf


def is_local_master(master: str) -> bool:
    """Whether every process of this master runs on this machine (local mode, or a cluster
    manager listening on a loopback address)."""
    if master.startswith("local"):
        return True
    host = urlsplit(master).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def find_java_home() -> Path:
    """JAVA_HOME if it holds bin/java, else the folder of the `java` on PATH; raises
    RuntimeError(NO_JAVA) when there is neither."""
    explicit = os.environ.get("JAVA_HOME")
    if explicit and (Path(explicit) / "bin" / "java").is_file():
        return Path(explicit)
    java = shutil.which("java")
    if java:
        # /usr/bin/java is a chain of links into the JDK's bin/ (Debian's alternatives).
        return Path(java).resolve().parent.parent
    raise RuntimeError(NO_JAVA)


def session_conf(master: str, conf: dict[str, str]) -> dict[str, str]:
    """Every setting the session is built with: the defaults, then ``conf`` over them."""
    settings = {**DEFAULTS, PYTHON_CONF: os.environ.get("PYSPARK_PYTHON", sys.executable)}
    if is_local_master(master):
        settings.update(LOCAL_DEFAULTS)
    settings.update(conf)
    return settings


def spark_session(master: str = DEFAULT_MASTER, conf: dict[str, str] | None = None) -> SparkSession:
    """A SparkSession on ``master``; the caller stops it. Raises RuntimeError with what to
    install when pyspark or Java is missing."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise RuntimeError(NO_PYSPARK) from exc
    # Read by the launcher script pyspark runs, before any setting reaches the JVM.
    os.environ.setdefault("JAVA_HOME", str(find_java_home()))
    if is_local_master(master):
        os.environ.setdefault("SPARK_LOCAL_IP", LOOPBACK)
    settings = session_conf(master, conf or {})
    # PySpark started from Python (not spark-submit) takes the executors' Python from this
    # variable only; the setting alone would leave them on whatever `python3` PATH finds.
    os.environ["PYSPARK_PYTHON"] = settings[PYTHON_CONF]
    builder = SparkSession.builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
