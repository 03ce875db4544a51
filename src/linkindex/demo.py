"""`linkindex demo`: the bundled real sample crawl, ingested, built and ready to serve.

The sample ships inside the package (data/sample/, with its NOTICE); nothing is downloaded.
"""

from __future__ import annotations

import json
import shlex
from importlib import resources
from pathlib import Path

from rich.console import Console

from linkindex.accounts.keys import Credential, KeyStore
from linkindex.build.pipeline import build_index
from linkindex.home import Home


def sample_folder() -> Path:
    return Path(str(resources.files("linkindex") / "data" / "sample"))


def sample_crawls() -> dict[str, list[Path]]:
    """Crawl name -> the sample files that make it, as the sample's manifest.json says."""
    folder = sample_folder()
    manifest = json.loads((folder / "manifest.json").read_text())
    crawls: dict[str, list[Path]] = {}
    for entry in manifest["files"]:
        crawls.setdefault(entry["crawl"], []).append(folder / entry["name"])
    return crawls


def curl_example(host: str, port: int, credential: Credential) -> str:
    body = json.dumps({"target": "docs.python.org", "target_scope": "root_domain", "limit": 5})
    return (
        f"curl -d {shlex.quote(body)} -X POST http://{host}:{port}/v2/linking_root_domains"
        f" -u {shlex.quote(credential.access_id + ':' + credential.secret_key)}"
    )


def prepare_demo(home: Home, console: Console, host: str, port: int) -> tuple[Credential, str]:
    from linkindex.ingest import print_summary, run_ingest

    for crawl, files in sample_crawls().items():
        console.print(f"ingesting sample crawl {crawl}")
        print_summary(run_ingest(files, home, crawl=crawl, workers=1, progress=True), console)
    with console.status("building the index"):
        result = build_index(home)
    console.print(f"index {result.index_id} ({result.counts.get('links', 0)} links)")
    credential = KeyStore(home.state / "keys.sqlite").create("demo")
    return credential, curl_example(host, port, credential)
