"""What `linkindex keys list` shows: each credential with its rate limit, quotas and usage.

Built from the same meter the server bills through, so the figures are the server's own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Column, Table

from linkindex.accounts.keys import KeyStore
from linkindex.accounts.meter import Meter
from linkindex.accounts.quotas import DATA_ROWS, QUOTA_PATHS, UNLIMITED_ROWS


def keys_report(state: Path) -> list[dict]:
    keys = KeyStore(state / "keys.sqlite")
    meter = Meter.open(state)
    report = []
    for key in keys.list():
        account = meter.account(key)
        quotas = {path: meter.quota(key, path) for path in QUOTA_PATHS}
        # Data rows always; another path when it has a policy or rows used this period (a key
        # that only used beta rows showed "data.rows 0" and hid them).
        paths = [p for p in QUOTA_PATHS if p == DATA_ROWS or p in account.policies
                 or quotas[p].used]  # fmt: skip
        report.append(
            {
                "access_id": key.access_id,
                "name": key.name,
                "state": "revoked" if key.revoked_at else "active",
                "account_id": account.account_id,
                "rate_limit": str(account.rate_limit) if account.rate_limit else None,
                # The quota object JSON-RPC answers, unlimited quotas shown the same way.
                "quotas": [quotas[path].to_json() for path in paths],
            }
        )
    return report


def _when(ts: int | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M") if ts else "-"


def render_keys(report: list[dict], out: Console) -> None:
    table = Table("name", "state", "account", "rate limit", "quota", "used / allotted", "period",
                  "next reset (UTC)")  # fmt: skip
    # The id is what the other commands take: never wrapped or cut.
    table.columns.insert(0, Column("access id", no_wrap=True, min_width=22))
    for key in report:
        for i, quota in enumerate(key["quotas"]):
            first = i == 0
            unlimited = quota["allotted"] == UNLIMITED_ROWS and not quota["overage"]
            allotted = "unlimited" if unlimited else f"{quota['allotted']:,}"
            overage = ("no limit" if unlimited else
                       "overage allowed" if quota["overage"] else "hard limit")  # fmt: skip
            table.add_row(
                key["access_id"] if first else "",
                key["name"] if first else "",
                key["state"] if first else "",
                str(key["account_id"]) if first else "",
                (key["rate_limit"] or "none") if first else "",
                quota["path"].removeprefix("api.limits."),
                f"{quota['used']:,} / {allotted}",
                f"{quota['reset']}, {overage}",
                _when(quota["period_reset"]),
            )
    # Piped into a file or another program the table keeps its full width.
    if not out.is_terminal:
        out = Console(width=160, file=out.file, color_system=None)
    out.print(table)
