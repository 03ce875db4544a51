"""A first run as a new user makes it: the demo's credentials and examples, --version, homes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
from live_server import start_server, stop_server

from linkindex import __version__
from linkindex.accounts.keys import KeyStore
from linkindex.demo import DEMO_KEY_FILE, demo_credential
from linkindex.home import Home


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "linkindex.cli", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)  # fmt: skip


def test_version_prints_the_package_version():
    done = run("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"linkindex {__version__}"


def test_a_read_only_command_names_the_home_it_looked_in_and_creates_none(tmp_path):
    missing = tmp_path / "not-a-home"
    done = run("explain", "python.org", "--home", str(missing))
    assert done.returncode == 1
    assert "no index has been built yet" in done.stderr and str(missing) in done.stderr
    assert not missing.exists()


def test_the_demo_key_is_made_once_and_reused_with_owner_only_secrets(tmp_path):
    home = Home(tmp_path / "home").ensure()
    first = demo_credential(home)
    assert demo_credential(home) == first
    assert len(KeyStore(home.state / "keys.sqlite").list()) == 1
    mode = stat.S_IMODE(os.stat(home.state / DEMO_KEY_FILE).st_mode)
    assert mode == 0o600


def test_a_revoked_demo_key_is_replaced(tmp_path):
    home = Home(tmp_path / "home").ensure()
    first = demo_credential(home)
    KeyStore(home.state / "keys.sqlite").revoke(first.access_id)
    second = demo_credential(home)
    assert second.access_id != first.access_id


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    home = Home(tmp_path_factory.mktemp("demo") / "home")
    done = run("demo", "--no-serve", "--port", "8000", "--home", str(home.root))
    assert done.returncode == 0, done.stderr
    server = start_server(home)
    yield done, server
    stop_server(server)


def test_the_demo_prints_the_token_and_a_jsonrpc_example_that_works(demo_run):
    done, server = demo_run
    lines = done.stdout.splitlines()
    token = next(line for line in lines if line.startswith("token")).split(": ", 1)[1]
    command = next(line for line in lines if "/jsonrpc" in line)
    command = command.replace("http://127.0.0.1:8000", server.base_url)
    answer = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
    payload = json.loads(answer.stdout)
    assert "result" in payload, payload
    assert payload["result"]["site_metrics"]["domain_authority"] >= 1
    assert token in command


def test_the_demo_says_what_its_link_counts_count(demo_run):
    done, _ = demo_run
    assert "link records" in done.stderr and "distinct links" in done.stderr


def test_the_state_folder_holding_credentials_and_usage_is_owner_only(tmp_path):
    home = Home(tmp_path / "home").ensure()
    KeyStore(home.state / "keys.sqlite").create("k")
    assert stat.S_IMODE(os.stat(home.state).st_mode) == 0o700
    (home.state).chmod(0o755)  # a home made by an older version is tightened on next use
    Home(home.root).ensure()
    assert stat.S_IMODE(os.stat(home.state).st_mode) == 0o700
