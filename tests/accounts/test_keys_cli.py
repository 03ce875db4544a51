"""`linkindex keys set-quota` and `keys list` as an operator runs them."""

from __future__ import annotations

import json
import subprocess
import sys

from linkindex.accounts.keys import KeyStore
from linkindex.accounts.meter import Meter
from linkindex.accounts.quotas import BETA_ROWS, DATA_ROWS, UNLIMITED_ROWS


def linkindex(*args: str, home) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "linkindex.cli", *args, "--home", str(home.root)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_set_quota_and_rate_limit_show_in_keys_list(home):
    access_id = KeyStore(home.state / "keys.sqlite").create("ops").access_id
    done = linkindex("keys", "set-quota", access_id, "--allotted", "5000", "--reset", "day",
                     "--no-overage", "--rate-limit", "10/second", home=home)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert linkindex("keys", "set-quota", access_id, "--path", BETA_ROWS, "--allotted", "5",
                     home=home).returncode == 0  # fmt: skip
    [key] = json.loads(linkindex("keys", "list", "--json", home=home).stdout)
    assert key["rate_limit"] == "10/second" and key["account_id"] == 1
    data, beta = key["quotas"]
    assert (data["path"], data["allotted"], data["reset"], data["overage"]) == (
        DATA_ROWS, 5000, "day", False
    )  # fmt: skip
    assert (beta["path"], beta["allotted"], beta["reset"], beta["overage"]) == (
        BETA_ROWS, 5, "month", True
    )  # fmt: skip
    table = linkindex("keys", "list", home=home).stdout
    assert access_id in table and "0 / 5,000" in table and "10/second" in table


def test_keys_list_shows_the_rows_used(home):
    keys = KeyStore(home.state / "keys.sqlite")
    credential = keys.create("ops")
    key = keys.verify_basic(credential.access_id, credential.secret_key)
    Meter.open(home.state).charge(key, DATA_ROWS, 1234)
    [listed] = json.loads(linkindex("keys", "list", "--json", home=home).stdout)
    [data] = listed["quotas"]
    assert (data["used"], data["allotted"], data["overage"]) == (1234, UNLIMITED_ROWS, False)
    table = linkindex("keys", "list", home=home).stdout
    assert "1,234 / unlimited" in table and "no limit" in table


def test_keys_list_shows_beta_rows_used_without_a_beta_quota(home):
    keys = KeyStore(home.state / "keys.sqlite")
    credential = keys.create("ops")
    key = keys.verify_basic(credential.access_id, credential.secret_key)
    Meter.open(home.state).charge(key, BETA_ROWS, 378)
    [listed] = json.loads(linkindex("keys", "list", "--json", home=home).stdout)
    data, beta = listed["quotas"]
    assert (data["path"], data["used"]) == (DATA_ROWS, 0)
    assert (beta["path"], beta["used"], beta["allotted"], beta["overage"]) == (
        BETA_ROWS, 378, UNLIMITED_ROWS, False
    )  # fmt: skip
    table = linkindex("keys", "list", home=home).stdout
    assert "beta.rows" in table and "378 / unlimited" in table


def test_options_left_out_keep_their_values(home):
    access_id = KeyStore(home.state / "keys.sqlite").create("ops").access_id
    linkindex("keys", "set-quota", access_id, "--allotted", "10", "--no-overage", home=home)
    linkindex("keys", "set-quota", access_id, "--reset", "week", home=home)
    [key] = json.loads(linkindex("keys", "list", "--json", home=home).stdout)
    quota = key["quotas"][0]
    assert (quota["allotted"], quota["reset"], quota["overage"]) == (10, "week", False)


def test_bad_settings_and_unknown_keys_fail_with_a_message(home):
    access_id = KeyStore(home.state / "keys.sqlite").create("ops").access_id
    bad_reset = linkindex("keys", "set-quota", access_id, "--reset", "fortnight", home=home)
    assert bad_reset.returncode == 2 and "never, month, week, day, hour, minute" in bad_reset.stderr
    bad_rate = linkindex("keys", "set-quota", access_id, "--rate-limit", "5/hour", home=home)
    assert bad_rate.returncode == 2 and "N/second, N/minute or none" in bad_rate.stderr
    bad_path = linkindex(
        "keys", "set-quota", access_id, "--path", "x", "--allotted", "1", home=home
    )
    assert bad_path.returncode == 2 and "api.limits.data.rows" in bad_path.stderr
    nothing = linkindex("keys", "set-quota", access_id, home=home)
    assert nothing.returncode == 2
    unknown = linkindex("keys", "set-quota", "linkindex-nope", "--allotted", "1", home=home)
    assert unknown.returncode == 1 and "No credential" in unknown.stderr
