"""A whole list exported as CSV, two ways, against `linkindex serve` (one worker):

- `pages`: what the Link Explorer did before: POST /v2/linking_root_domains 50 rows a call,
  following next_token, every result kept, the CSV built at the end;
- `stream`: POST /explorer/exports for a ticket, then GET the ticket's CSV as it streams;
- `refused`: the ticket asked for by a key with 9,999 rows left: counted, then refused.

The same 10,000 linking root domains each way (a generated web: N root domains link to one
target; the followed-only filter, which the API caps at 10,000), in alternating rounds. Per
round: wall seconds, rows billed, and the most bytes the client held at once (every page's
JSON for `pages`, the largest chunk read for `stream`); the load average beside each round.

    PYTHONPATH=src .venv/bin/python bench/bench_export.py --rounds 3
Prints one JSON object and writes bench/results/export.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
from pathlib import Path

import requests
from benchutil import RESULTS, WORK

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from live_server import start_server, stop_server  # noqa: E402
from records_factory import Crawl  # noqa: E402

from linkindex.accounts.keys import KeyStore  # noqa: E402
from linkindex.accounts.quotas import DATA_ROWS, AccountStore, QuotaPolicy  # noqa: E402
from linkindex.builder.pipeline import build_index  # noqa: E402
from linkindex.home import Home  # noqa: E402

REQUEST = {"target": "t.com/", "target_scope": "root_domain", "filter": "external+follow"}


def built_home(linking: int) -> Home:
    """A home where `linking` root domains each link once to t.com (built on first use)."""
    home = Home(WORK / f"export-{linking}" / "home")
    if (home.snapshots / "CURRENT").exists():
        return home
    home.ensure()
    crawl = Crawl("c1", "2026-01-10")
    for i in range(linking):
        crawl.page(f"http://d{i}.com/")
        crawl.link(f"http://d{i}.com/", "http://t.com/")
    crawl.write(home.crawls)
    build_index(home)
    return home


def by_pages(base: str, auth: tuple[str, str]) -> tuple[int, int]:
    """(rows, bytes held): every page kept, then the CSV made, as the page's script did."""
    session = requests.Session()
    pages: list[bytes] = []
    token = ""
    while True:
        body = {**REQUEST, "limit": 50, **({"next_token": token} if token else {})}
        answer = session.post(f"{base}/v2/linking_root_domains", json=body, auth=auth)
        answer.raise_for_status()
        pages.append(answer.content)
        token = answer.json()["next_token"]
        if not token:
            break
    results = [r for page in pages for r in json.loads(page)["results"]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["root_domain", "domain_authority"])
    writer.writerows([r["root_domain"], r["domain_authority"]] for r in results)
    return len(results), sum(map(len, pages)) + len(out.getvalue())


def by_stream(base: str, auth: tuple[str, str]) -> tuple[int, int]:
    """(rows, bytes held): the ticket, then the file read chunk by chunk and counted."""
    session = requests.Session()
    asked = {"endpoint": "linking_root_domains", "request": REQUEST}
    ticket = session.post(f"{base}/explorer/exports", json=asked, auth=auth)
    ticket.raise_for_status()
    lines, largest = 0, 0
    with session.get(base + ticket.json()["url"], stream=True) as answer:
        answer.raise_for_status()
        for chunk in answer.iter_content(chunk_size=None):
            largest = max(largest, len(chunk))
            lines += chunk.count(b"\n")
    return lines - 1, largest  # the header line is no row


def refused(base: str, auth: tuple[str, str]) -> tuple[int, int]:
    """(rows, bytes held) of a ticket refused after counting: the key has 9,999 rows left, so
    the server reads the list unbilled until it passes them (the cost of the quota's cover)."""
    asked = {"endpoint": "linking_root_domains", "request": REQUEST}
    ticket = requests.post(f"{base}/explorer/exports", json=asked, auth=auth)
    assert ticket.status_code == 429, ticket.text
    return 0, len(ticket.content)


def rows_used(base: str, auth: tuple[str, str]) -> int:
    answer = requests.post(f"{base}/v2/usage_data", json={}, auth=auth)
    return answer.json()["rows_consumed"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--linking", type=int, default=10_030)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    home = built_home(args.linking)
    server = start_server(home)
    runs: list[dict] = []
    try:
        for round_ in range(args.rounds):
            for name, export in (("pages", by_pages), ("stream", by_stream), ("refused", refused)):
                key = KeyStore(home.state / "keys.sqlite").create(f"bench-{name}-{round_}")
                if name == "refused":
                    AccountStore(home.state / "keys.sqlite").set_quota(
                        key.access_id, DATA_ROWS, QuotaPolicy(9_999, "month", False)
                    )
                auth = (key.access_id, key.secret_key)
                load = os.getloadavg()[0]
                started = time.perf_counter()
                rows, held = export(server.base_url, auth)
                seconds = time.perf_counter() - started
                billed = rows_used(server.base_url, auth)
                runs.append({"way": name, "round": round_, "rows": rows,
                             "seconds": round(seconds, 3), "rows_billed": billed,
                             "client_bytes_held": held, "load_1min": round(load, 2)})  # fmt: skip
                print(json.dumps(runs[-1]), flush=True)
    finally:
        stop_server(server)
    seconds = {way: [r["seconds"] for r in runs if r["way"] == way] for way in ("pages", "stream")}
    ratios = [round(s / p, 2) for p, s in zip(seconds["pages"], seconds["stream"], strict=True)]
    result = {"linking_root_domains": args.linking, "runs": runs, "stream_over_pages": ratios}
    (RESULTS / "export.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({"stream_over_pages": ratios}))


if __name__ == "__main__":
    main()
