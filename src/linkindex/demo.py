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
from linkindex.builder.pipeline import build_index
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


# The demo key's secrets, kept in the clear (owner-only) so that every `linkindex demo` run
# prints the same working credentials instead of creating another key. Only the demo key:
# other keys are stored hashed and shown once.
DEMO_KEY_FILE = "demo-key.json"


def curl_example(host: str, port: int, credential: Credential) -> str:
    body = json.dumps({"target": "docs.python.org", "target_scope": "root_domain", "limit": 5})
    return (
        f"curl -d {shlex.quote(body)} -X POST http://{host}:{port}/v2/linking_root_domains"
        f" -u {shlex.quote(credential.access_id + ':' + credential.secret_key)}"
    )


def jsonrpc_curl_example(host: str, port: int, credential: Credential) -> str:
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": "linkindex-demo-request-0001",  # Moz asks 24+ characters
            "method": "data.site.metrics.fetch",
            "params": {"data": {"site_query": {"query": "docs.python.org", "scope": "domain"}}},
        }
    )
    return (
        f"curl -d {shlex.quote(body)} -X POST http://{host}:{port}/jsonrpc"
        f" -H 'Content-Type: application/json' -H {shlex.quote('x-moz-token: ' + credential.token)}"
    )


def demo_credential(home: Home) -> Credential:
    """The demo key saved by an earlier run if it is still active, else a new one, saved."""
    keys = KeyStore(home.state / "keys.sqlite")
    saved = home.state / DEMO_KEY_FILE
    if saved.exists():
        try:
            credential = Credential(**json.loads(saved.read_text()))
        except (ValueError, TypeError):
            credential = None
        if (
            credential is not None
            and keys.verify_basic(credential.access_id, credential.secret_key) is not None
            and keys.verify_token(credential.token) is not None
        ):
            return credential
    credential = keys.create("demo")
    saved.write_text(json.dumps(credential.__dict__))
    saved.chmod(0o600)
    return credential


def prepare_demo(
    home: Home, console: Console, host: str, port: int
) -> tuple[Credential, list[str]]:
    from linkindex.ingest import print_summary, run_ingest

    for crawl, files in sample_crawls().items():
        console.print(f"ingesting sample crawl {crawl}")
        print_summary(run_ingest(files, home, crawl=crawl, workers=1, progress=True), console)
    with console.status("building the index"):
        result = build_index(home)
    console.print(
        f"index {result.index_id}: {result.counts.get('links', 0):,} distinct links (source "
        "page, target page), the link records of every crawl merged"
    )
    credential = demo_credential(home)
    examples = [
        curl_example(host, port, credential),
        jsonrpc_curl_example(host, port, credential),
    ]
    return credential, examples
