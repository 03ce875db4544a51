"""The SparkSession settings (linkindex/spark_session.py): --conf parsing, which masters count as
this machine's, and what --conf overrides; no JVM is started here."""

from __future__ import annotations

import pytest

from linkindex.spark_session import (
    DEFAULT_MASTER,
    find_java_home,
    is_local_master,
    parse_conf,
    session_conf,
)


def test_conf_pairs_split_at_the_first_equals_sign():
    assert parse_conf(["a.b=1", "spark.driver.extraJavaOptions=-Dx=y", "empty="]) == {
        "a.b": "1",
        "spark.driver.extraJavaOptions": "-Dx=y",
        "empty": "",
    }
    for bad in ("no-equals", "=value"):
        with pytest.raises(ValueError, match="key=value"):
            parse_conf([bad])


@pytest.mark.parametrize(
    ("master", "local"),
    [(DEFAULT_MASTER, True), ("local[2]", True), ("spark://127.0.0.1:7077", True),
     ("spark://localhost:7077", True), ("spark://10.1.2.3:7077", False), ("yarn", False),
     ("k8s://https://api.example.org:6443", False)],
)  # fmt: skip
def test_the_driver_binds_to_loopback_only_for_a_master_on_this_machine(master, local):
    settings = session_conf(master, {})
    assert is_local_master(master) is local
    assert (settings.get("spark.driver.host") == "127.0.0.1") is local
    assert settings["spark.ui.enabled"] == "false"


def test_conf_wins_over_every_default():
    settings = session_conf("local[1]", {"spark.ui.enabled": "true", "spark.driver.host": "h"})
    assert settings["spark.ui.enabled"] == "true" and settings["spark.driver.host"] == "h"


def test_no_console_progress_bars_unless_conf_asks_for_them():
    assert session_conf("local[1]", {})["spark.ui.showConsoleProgress"] == "false"
    asked = session_conf("local[1]", {"spark.ui.showConsoleProgress": "true"})
    assert asked["spark.ui.showConsoleProgress"] == "true"


def test_java_is_found():
    assert (find_java_home() / "bin" / "java").is_file()
