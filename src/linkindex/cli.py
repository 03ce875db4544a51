"""The `linkindex` command: one thin verb per stage, wired to the stage's own entry point.

Every verb takes --home (default: $LINKINDEX_HOME, else ./.linkindex).
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console

from linkindex import locations
from linkindex.api.server_limits import ServerLimits
from linkindex.home import HOME_ENV, Home

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from linkindex.builder.pipeline import BuildResult

app = typer.Typer(
    help="A self-hosted backlink index built from WARC/WAT crawl files, speaking the Moz APIs.",
    no_args_is_help=True,
    add_completion=False,
)
keys_app = typer.Typer(help="Manage API credentials.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
metrics_app = typer.Typer(help="Fit and validate the metrics models.", no_args_is_help=True)
app.add_typer(metrics_app, name="metrics")

# soft_wrap: a message is never broken at the console's width, which is 80 columns when the
# output is not a terminal, so a path or a key in it stays whole for the reader to copy.
console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

HomeOption = Annotated[
    str | None,
    typer.Option("--home", help=f"Home folder (default: ${HOME_ENV}, else ./.linkindex)."),
]


# `linkindex ingest`'s exit status when some inputs were missing, empty or damaged.
PARTIAL_INGEST = 3
DEFAULT_LIMITS = ServerLimits()
SPARK_ONLY = "--master and --conf are Spark settings: add --engine spark"
WORKERS_NOT_SPARK = (
    "--workers is the embedded engine's: with --engine spark, parallelism is the cluster's "
    "cores (--master local[N], or the executors' spark.executor.cores)"
)
LOCAL_HOME_ONLY = (
    "{uri}: this command reads a local home; a home at a Hadoop URI keeps only its crawls "
    "there, and its snapshot and keys in the local folder that `linkindex build --engine spark "
    "--local-home DIR` wrote (default ./.linkindex): pass that folder as --home"
)
PATHS_OR_RELEASE = "give the files to ingest or --common-crawl RELEASE (one of the two)"
SAMPLE_NEEDS_RELEASE = "--files and --fraction sample a release: add --common-crawl RELEASE"
INTERRUPTED = (
    "interrupted: the files ingested so far are kept; run the same command again to go on "
    "(the file being read is read again from its start, a download resumes where it stopped)"
)
LOCAL_HOME_NOT_URI = "--local-home is for a --home at a Hadoop URI (s3a://, gs://, hdfs://, file:)"


class EngineName(StrEnum):
    """Where ingest and build run: this machine (processes; DuckDB) or a Spark cluster."""

    embedded = "embedded"
    spark = "spark"


# The Spark options ingest and build share, and their one check.
MasterOption = Annotated[
    str | None,
    typer.Option(help="Spark master URL for --engine spark (default: local[*])."),
]
ConfOption = Annotated[
    list[str] | None,
    typer.Option(help="A Spark setting k=v for --engine spark; repeat for more."),
]


def _check_spark_options(engine: EngineName, master: str | None, conf: list[str] | None) -> None:
    if engine is not EngineName.spark and (master is not None or conf):
        console.print(f"[red]{SPARK_ONLY}[/red]")
        raise typer.Exit(2)


@contextmanager
def _spark_session(master: str | None, conf: list[str] | None) -> Iterator[SparkSession]:
    """The session of --master and --conf, stopped after; exit 2 when Spark cannot start."""
    from linkindex.spark_session import DEFAULT_MASTER, parse_conf, spark_session

    try:
        session = spark_session(master or DEFAULT_MASTER, parse_conf(conf or []))
    except (RuntimeError, ValueError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    try:
        yield session
    finally:
        session.stop()


def _fail(message: str) -> NoReturn:
    console.print(f"[red]{message}[/red]", highlight=False)
    raise typer.Exit(2)


def _local_home(home: str | None) -> Home:
    resolved = _resolve_home(home)
    if resolved.uri:
        _fail(LOCAL_HOME_ONLY.format(uri=resolved.uri))
    return resolved


def _resolve_home(home: str | None, local: str | None = None) -> Home:
    try:
        return Home.resolve(home, local)
    except ValueError as exc:  # a URI of a scheme linkindex does not map
        _fail(str(exc))


def _home(home: str | None) -> Home:
    return _local_home(home).ensure()


def _existing_home(home: str | None) -> Home:
    """The home a read-only command reads: never created, and named when it holds no index."""
    return _local_home(home)


def _engine_home(engine: EngineName, home: str | None, local: str | None = None) -> Home:
    """The home of ingest and build: at a Hadoop URI only for Spark (a file: URI is a local
    folder to the embedded engine); a URI home's local folder is not made here."""
    from linkindex.ingest.runner import NEEDS_SPARK

    resolved = _resolve_home(home, local)
    if local is not None and not resolved.uri:
        _fail(LOCAL_HOME_NOT_URI)
    if resolved.uri and engine is not EngineName.spark:
        if locations.is_remote(resolved.uri):
            _fail(NEEDS_SPARK.format(location=resolved.uri))
        resolved = Home(locations.local_path(resolved.uri).resolve())
    return resolved if resolved.uri else resolved.ensure()


def _inputs(engine: EngineName, paths: list[str]) -> list[locations.Location]:
    """Ingest's inputs: local paths, and URLs and URIs as strings, or exit 2. The embedded
    engine reads a file: URI as its path and downloads the others; Spark's tasks read them."""
    from linkindex.ingest.download import is_http

    inputs: list[locations.Location] = []
    for text in paths:
        if not locations.is_uri(text):
            inputs.append(Path(text))
        elif is_http(text):
            inputs.append(text)
        elif locations.scheme_of(text) not in locations.SCHEMES:
            _fail(locations.UNKNOWN_SCHEME.format(uri=text, scheme=locations.scheme_of(text)))
        elif engine is EngineName.spark or locations.is_remote(text):
            inputs.append(text)
        else:
            inputs.append(locations.local_path(text))
    return inputs


def _release_inputs(
    release: str,
    kind: str,
    base_url: str | None,
    files: int | None,
    fraction: float | None,
    seed: int,
    scratch: Path,
) -> tuple[list[locations.Location], list[tuple[str, str]]]:
    """The URLs of a Common Crawl release's files to ingest (its listing, sampled) and the
    listed paths refused with why, or exit 2."""
    from linkindex.ingest.commoncrawl import DEFAULT_BASE_URL, release_files

    base_url = base_url or DEFAULT_BASE_URL
    try:
        with console.status(f"reading the listing of {release}"):
            found = release_files(base_url, release, kind, scratch, files, fraction, seed)
            return list(found.urls), found.refused
    except ValueError as exc:
        _fail(str(exc))


def _check_release(release: str, files: int | None, fraction: float | None) -> None:
    """The release's name and the sample asked for, or exit 2: before the crawl is locked."""
    from linkindex.ingest.commoncrawl import check_release, check_sample

    try:
        check_release(release)
        check_sample(files, fraction)
    except ValueError as exc:
        _fail(str(exc))


def _exists(location: locations.Location) -> bool:
    if isinstance(location, Path):
        return location.exists()
    from linkindex.ingest.download import is_http

    if is_http(location):
        return True  # found out when downloaded, with retries
    try:
        return locations.exists(location)
    except Exception as exc:  # no route to the bucket, no credentials, no libhdfs
        _fail(f"{location}: {exc}")


def _version(value: bool) -> None:
    if value:
        from linkindex import __version__

        out.print(f"linkindex {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """A self-hosted backlink index built from WARC/WAT crawl files, speaking the Moz APIs."""


@app.command()
def ingest(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="WARC/WAT files or folders of them, https:// (or http://) URLs of files, "
            "s3://, gs:// or hdfs:// URIs (files and folders); one command makes one crawl."
        ),
    ] = None,
    common_crawl: Annotated[
        str | None,
        typer.Option(
            help="Ingest a Common Crawl release by name (CC-MAIN-YYYY-WW): its files listed in "
            "<base-url>/crawl-data/<release>/<kind>.paths.gz, downloaded as they are read."
        ),
    ] = None,
    kind: Annotated[
        str, typer.Option(help="With --common-crawl: wat (links already extracted) or warc.")
    ] = "wat",
    files: Annotated[
        int | None, typer.Option(min=1, help="With --common-crawl: a sample of N files.")
    ] = None,
    fraction: Annotated[
        float | None, typer.Option(help="With --common-crawl: a sample of this fraction (0-1].")
    ] = None,
    seed: Annotated[
        int, typer.Option(help="The sample's seed: the same seed, the same files.")
    ] = 0,
    base_url: Annotated[
        str | None,
        typer.Option(
            help="A mirror laid out like Common Crawl's bucket, https://, http:// (a mirror on a "
            "LAN), s3:// or a local folder (default: https://data.commoncrawl.org/)."
        ),
    ] = None,
    keep_downloads: Annotated[
        Path | None,
        typer.Option(help="Keep downloaded files in this folder (default: deleted once read)."),
    ] = None,
    crawl: Annotated[
        str | None,
        typer.Option(help="Crawl name (default: the release, or from the files)."),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(min=1, help="Parallel worker processes, downloads included (embedded)."),
    ] = 1,
    engine: Annotated[
        EngineName,
        typer.Option(help="embedded: this machine's processes; spark: one Spark task per file."),
    ] = EngineName.embedded,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    master: MasterOption = None,
    conf: ConfOption = None,
    home: HomeOption = None,
) -> None:
    """Extract links and pages from crawl files into columnar records.

    Exits 0 when every file was read whole, 3 when some were missing, empty, damaged or not
    downloaded (a cut file, or records failing their WARC-Block-Digest: the rest is kept), 2
    when no path could be read at all or the options do not fit together, 130 when
    interrupted (run the same command again to resume).
    """
    from linkindex.ingest import print_summary, run_ingest
    from linkindex.ingest.reasons import BAD_DIGEST
    from linkindex.ingest.runner import take_crawl_lock, unlocked_note

    _check_spark_options(engine, master, conf)
    if engine is EngineName.spark and workers != 1:
        console.print(f"[red]{WORKERS_NOT_SPARK}[/red]")
        raise typer.Exit(2)
    if bool(paths) == bool(common_crawl):
        _fail(PATHS_OR_RELEASE)
    if not common_crawl and (files is not None or fraction is not None):
        _fail(SAMPLE_NEEDS_RELEASE)
    resolved = _engine_home(engine, home)
    refused: list[tuple[str, str]] = []
    lock = None
    if (note := unlocked_note(resolved)) is not None:
        console.print(f"[yellow]{note}[/yellow]", highlight=False)
    try:
        if common_crawl:
            crawl = crawl or common_crawl
            _check_release(common_crawl, files, fraction)
            # Before the listing (and a Spark session): a second run into the crawl is refused
            # before any network work. The run holds the lock from here to its end.
            lock = take_crawl_lock(resolved, crawl)
            scratch = resolved.root / "downloads"
            scratch.mkdir(parents=True, exist_ok=True)
            inputs, refused = _release_inputs(
                common_crawl, kind, base_url, files, fraction, seed, scratch
            )
        else:
            inputs = _inputs(engine, paths or [])
            if not any(_exists(p) for p in inputs):
                missing = ", ".join(map(str, paths or []))
                console.print(f"[red]No such file or folder: {missing}[/red]")
                raise typer.Exit(2)
        if engine is EngineName.spark:
            from linkindex.ingest.spark_runner import run_spark_ingest

            with _spark_session(master, conf) as session:
                summary = run_spark_ingest(
                    inputs,
                    resolved,
                    session,
                    crawl=crawl,
                    keep_downloads=keep_downloads,
                    progress=True,
                    lock=lock,
                )
        else:
            from linkindex.ingest.fetched import FetchPlan

            fetch = None
            if keep_downloads is not None:
                fetch = FetchPlan(keep_downloads.expanduser().resolve(), keep=True)
            summary = run_ingest(
                inputs,
                resolved,
                crawl=crawl,
                workers=workers,
                progress=True,
                fetch=fetch,
                lock=lock,
            )
    except KeyboardInterrupt:
        console.print(f"[yellow]{INTERRUPTED}[/yellow]")
        raise typer.Exit(130) from None
    except ValueError as exc:
        _fail(str(exc))
    finally:
        if lock is not None:  # the run released it, unless it failed to start
            lock.close()
    summary.failed_files[:0] = refused  # listed paths never fetched, with why
    if json_output:
        out.print_json(json.dumps(summary.as_dict()))
    else:
        print_summary(summary, console)
    if summary.failed_files or summary.skipped.get(BAD_DIGEST):
        raise typer.Exit(PARTIAL_INGEST)


@app.command()
def build(
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    force: Annotated[bool, typer.Option(help="Rebuild even if the content is unchanged.")] = False,
    full: Annotated[
        bool,
        typer.Option(help="Re-read every crawl instead of merging new ones into the saved state."),
    ] = False,
    memory_limit: Annotated[
        str | None, typer.Option(help="DuckDB memory limit, e.g. 8GB (default: 4GB).")
    ] = None,
    keep: Annotated[int, typer.Option(min=1, help="Published snapshots to keep.")] = 3,
    shards: Annotated[
        int,
        typer.Option(
            min=1,
            max=4096,
            help="Split the serving store into this many files by the targets' root domains "
            "(docs/scale.md); 1: one file.",
        ),
    ] = 1,
    engine: Annotated[
        EngineName,
        typer.Option(help="embedded: DuckDB on this machine; spark: every step as Spark jobs."),
    ] = EngineName.embedded,
    master: MasterOption = None,
    conf: ConfOption = None,
    home: HomeOption = None,
    local_home: Annotated[
        str | None,
        typer.Option(
            help="With --home at a Hadoop URI (--engine spark): the local folder of the "
            "snapshot, link state and keys (default: ./.linkindex); serve it with --home."
        ),
    ] = None,
) -> None:
    """Aggregate every ingested crawl into a new index snapshot and publish it."""
    from linkindex.builder.inputs import NothingToBuild
    from linkindex.builder.pipeline import MEMORY_LIMIT_NOT_SPARK, build_index
    from linkindex.index.layout import BuildInProgress

    _check_spark_options(engine, master, conf)
    if engine is EngineName.spark and memory_limit is not None:
        console.print(f"[red]{MEMORY_LIMIT_NOT_SPARK}[/red]")
        raise typer.Exit(2)
    resolved = _engine_home(engine, home, local_home)

    def run(
        spark: SparkSession | None, on_step: Callable[[str], None] | None = None
    ) -> BuildResult:
        return build_index(
            resolved, force=force, full=full, memory_limit=memory_limit, keep=keep,
            on_step=on_step, spark=spark, shards=shards,
        )  # fmt: skip

    try:
        with ExitStack() as stack:
            spark = (
                stack.enter_context(_spark_session(master, conf))
                if engine is EngineName.spark
                else None
            )
            if json_output:
                result = run(spark)
            else:
                with console.status("building") as status:
                    result = run(spark, lambda step: status.update(f"build: {step}"))
    except (NothingToBuild, BuildInProgress) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    if json_output:
        out.print_json(json.dumps(result.as_dict()))
        return
    state = (
        "unchanged content, current snapshot kept"
        if result.reused
        else f"published ({result.link_state} link state: {result.link_state_reason})"
    )
    console.print(
        f"{state} in {result.seconds:.1f}s: {result.counts.get('pages', 0)} pages,"
        f" {result.counts.get('root_domains', 0)} root domains,"
        f" {result.counts.get('links', 0)} links; index date {result.index_date}"
    )
    out.print(result.index_id, highlight=False)


def _check_port_free(host: str, port: int) -> None:
    # Say so before minutes of work, not after: uvicorn would only fail at the end.
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        console.print(f"[red]Cannot listen on {host}:{port}: {exc.strerror}. Use --port.[/red]")
        raise typer.Exit(2) from exc


def _limit(name: str, minimum: float, help: str) -> Any:
    """A `serve` option for one of the server's limits, also read from LINKINDEX_LIMIT_<name>."""
    return typer.Option(envvar=f"LINKINDEX_LIMIT_{name}", min=minimum, help=help)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server worker processes.")] = 1,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(
            "--cors-origin",
            help="An origin whose browser pages may call the APIs (repeatable; * for any).",
        ),
    ] = None,
    max_header_bytes: Annotated[
        int, _limit("MAX_HEADER_BYTES", 1024, "Largest request line and headers, in bytes (431).")
    ] = DEFAULT_LIMITS.max_header_bytes,
    header_timeout: Annotated[
        float, _limit("HEADER_TIMEOUT", 0.1, "Seconds a client has to send its headers (408).")
    ] = DEFAULT_LIMITS.header_timeout,
    max_body_bytes: Annotated[
        int, _limit("MAX_BODY_BYTES", 1024, "Largest request body, in bytes (413).")
    ] = DEFAULT_LIMITS.max_body_bytes,
    body_timeout: Annotated[
        float, _limit("BODY_TIMEOUT", 0.1, "Seconds a client has to send its body (408).")
    ] = DEFAULT_LIMITS.body_timeout,
    key_running: Annotated[
        int, _limit("KEY_RUNNING", 1, "Requests of one key in progress at once, per worker.")
    ] = DEFAULT_LIMITS.key_running,
    key_waiting: Annotated[
        int, _limit("KEY_WAITING", 0, "Requests of one key waiting their turn, per worker (429).")
    ] = DEFAULT_LIMITS.key_waiting,
    home: HomeOption = None,
) -> None:
    """Serve the current index snapshot over HTTP (Moz Links API V2)."""
    import uvicorn

    from linkindex.api.app import CORS_ORIGINS_ENV
    from linkindex.api.connection import LimitedHttpProtocol

    resolved = _home(home)
    _check_port_free(host, port)
    os.environ[HOME_ENV] = str(resolved.root)  # uvicorn workers build the app from it
    os.environ[CORS_ORIGINS_ENV] = " ".join(cors_origin or [])
    limits = ServerLimits(
        max_header_bytes, header_timeout, max_body_bytes, body_timeout, key_running, key_waiting
    )
    os.environ.update(limits.to_environment())  # and their limits (docs/api.md)
    console.print(
        f"serving {resolved.root} on http://{host}:{port}/ (API docs at /docs, Link Explorer at"
        " /explorer)"
    )
    uvicorn.run(
        "linkindex.api.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        http=LimitedHttpProtocol,
    )


@app.command()
def explain(
    target: Annotated[str, typer.Argument(help="A URL, host or root domain, e.g. python.org.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    home: HomeOption = None,
) -> None:
    """Show why a target's DA, PA, Spam Score, Link Propensity and Brand Authority are so."""
    from linkindex.explain import explain as explain_target
    from linkindex.index.snapshot import CurrentSnapshot, NoSnapshot
    from linkindex.urls import BadURL

    resolved = _existing_home(home)
    try:
        if not resolved.snapshots.is_dir():  # do not create a home to look in it
            raise NoSnapshot("no index has been built yet: run `linkindex build`")
        snapshot = CurrentSnapshot(resolved.snapshots).get()
        report = explain_target(snapshot, target)
    except NoSnapshot as exc:
        console.print(f"[red]{exc} (looked in {resolved.root})[/red]", highlight=False)
        raise typer.Exit(1) from exc
    except BadURL as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    if json_output:
        out.print_json(json.dumps(report))
        return
    from linkindex.explain_view import render

    render(report, out)


@app.command()
def watch(
    base_url: Annotated[str, typer.Option(help="The Links API server, e.g. http://host:8000.")],
    state: Annotated[Path, typer.Option(help="File keeping the last index_id seen.")],
    on_change: Annotated[
        str, typer.Option(help="Shell command run once per change; $1 old id, $2 new id.")
    ],
    interval: Annotated[float, typer.Option(min=1, help="Seconds between polls.")] = 900.0,
    jitter: Annotated[float, typer.Option(min=0, max=0.5, help="Spread of each wait.")] = 0.1,
    checks: Annotated[
        int | None,
        typer.Option(min=1, help="Stop after this many polls or events (default: never)."),
    ] = None,
    push: Annotated[
        bool, typer.Option("--push", help="Subscribe to /v2/index_events instead of polling.")
    ] = False,
    access_id: Annotated[str | None, typer.Option(envvar="LINKINDEX_ACCESS_ID")] = None,
    secret_key: Annotated[str | None, typer.Option(envvar="LINKINDEX_SECRET_KEY")] = None,
    token: Annotated[str | None, typer.Option(envvar="LINKINDEX_TOKEN")] = None,
) -> None:
    """Poll index_metadata politely (or subscribe with --push) and run a command once each
    time index_id changes."""
    import logging

    from linkindex.client import ApiError, LinksClient
    from linkindex.watch import Watcher

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        client = LinksClient(base_url, access_id, secret_key, token=token)
    except ValueError as exc:
        console.print(f"[red]{exc} (options or LINKINDEX_* environment variables)[/red]")
        raise typer.Exit(2) from exc
    watcher = Watcher(client, state, on_change, interval=interval, jitter=jitter)
    try:
        if push:
            watcher.follow_events(checks)
        else:
            watcher.run(checks)
    except ApiError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


@metrics_app.command("fit-spam")
def metrics_fit_spam(
    out: Annotated[
        Path | None, typer.Option(help="Where to write the model (default: the shipped one).")
    ] = None,
) -> None:
    """Fit the Spam Score model on every family of labelled web and write spam_model.json."""
    from linkindex.scoring.spam_model import MODEL_PATH
    from linkindex.validation.fit_spam import fit_on_families, write_model

    with console.status("building the labelled families of web and fitting"):
        model = fit_on_families()
    path = write_model(model, out or MODEL_PATH)
    held = model.fitted_on["leave_one_family_out_auc"]
    console.print(f"wrote {path}; leave-one-family-out AUC: {held}")


@metrics_app.command("validate")
def metrics_validate(
    docs: Annotated[Path, typer.Option(help="The docs folder holding metrics.md.")] = Path("docs"),
) -> None:
    """Rebuild the validation webs and regenerate the report in docs/metrics.md and its plot."""
    from linkindex.validation.report import validate

    if not (docs / "metrics.md").exists():
        console.print(f"[red]{docs / 'metrics.md'} not found: run from the repository root[/red]")
        raise typer.Exit(1)
    with console.status("building the validation indexes"):
        found = validate(docs)
    out.print("\n".join(found.lines), highlight=False)


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="A label for this credential.")] = "default",
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    home: HomeOption = None,
) -> None:
    """Create a credential; its secrets are shown once and stored only hashed."""
    from linkindex.accounts.keys import KeyStore

    credential = KeyStore(_home(home).state / "keys.sqlite").create(name)
    fields = {
        "access_id": credential.access_id,
        "secret_key": credential.secret_key,
        "token": credential.token,
    }
    if json_output:
        out.print_json(json.dumps(fields))
        return
    for key, value in fields.items():
        out.print(f"{key}: {value}", highlight=False)
    console.print("Store these now: the secret key and token cannot be shown again.")


@keys_app.command("list")
def keys_list(
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    home: HomeOption = None,
) -> None:
    """List credentials (never their secrets) with their rate limit, quotas and usage."""
    from linkindex.accounts.report import keys_report, render_keys

    report = keys_report(_home(home).state)
    if json_output:
        out.print_json(json.dumps(report))
        return
    render_keys(report, out)


@keys_app.command("set-quota")
def keys_set_quota(
    access_id: str,
    path: Annotated[
        str, typer.Option(help="Quota path: api.limits.data.rows, api.limits.beta.rows, ...")
    ] = "api.limits.data.rows",
    allotted: Annotated[
        int | None, typer.Option(min=0, help="Rows allowed per period on this path.")
    ] = None,
    reset: Annotated[
        str | None, typer.Option(help="never, month, week, day, hour or minute (UTC).")
    ] = None,
    overage: Annotated[
        bool | None,
        typer.Option("--overage/--no-overage", help="Keep answering past the allotment."),
    ] = None,
    rate_limit: Annotated[
        str | None, typer.Option(help="Requests per key: N/second, N/minute, or none.")
    ] = None,
    home: HomeOption = None,
) -> None:
    """Set a key's allotment on a quota path and its rate limit; running servers follow at once.

    Options left out keep their current values (a key starts with no allotment, overage allowed,
    monthly periods, and no rate limit).
    """
    from linkindex.accounts.quotas import AccountStore, RateLimit

    store = AccountStore(_home(home).state / "keys.sqlite")
    if allotted is None and reset is None and overage is None and rate_limit is None:
        console.print(
            "[red]Nothing to set: give --allotted, --reset, --overage or --rate-limit[/red]"
        )
        raise typer.Exit(2)
    try:
        account = store.get(access_id)
        if allotted is not None or reset is not None or overage is not None:
            current = account.policy(path)
            store.set_quota(
                access_id,
                path,
                type(current)(
                    allotted=current.allotted if allotted is None else allotted,
                    reset=current.reset if reset is None else reset,
                    overage=current.overage if overage is None else overage,
                ),
            )
        if rate_limit is not None:
            store.set_rate_limit(access_id, RateLimit.parse(rate_limit))
    except KeyError:
        console.print(f"[red]No credential {access_id}: see linkindex keys list[/red]")
        raise typer.Exit(1) from None
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    console.print(f"updated {access_id}")


@keys_app.command("revoke")
def keys_revoke(access_id: str, home: HomeOption = None) -> None:
    """Revoke a credential; a running server refuses it on the next request."""
    from linkindex.accounts.keys import KeyStore

    if not KeyStore(_home(home).state / "keys.sqlite").revoke(access_id):
        console.print(f"[red]No active credential {access_id}[/red]")
        raise typer.Exit(1)
    console.print(f"revoked {access_id}")


@app.command()
def synth(
    out: Annotated[Path, typer.Argument(help="Folder to write the generated crawls into.")],
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same web.")] = 7,
    root_domains: Annotated[int, typer.Option(min=2, help="Number of root domains.")] = 60,
    pages_per_domain: Annotated[int, typer.Option(min=1, help="Pages per root domain.")] = 12,
    crawls: Annotated[int, typer.Option(min=1, help="Number of crawls, two months apart.")] = 3,
    fmt: Annotated[
        str, typer.Option("--format", help="warc (input for ingest) or parquet (ingested form).")
    ] = "warc",
    links: Annotated[int | None, typer.Option(help="Total link rows over all crawls.")] = None,
    spam_domains: Annotated[
        int | None, typer.Option(min=0, help="Size of the planted link farm (0: none).")
    ] = None,
    spam_sites: Annotated[
        int | None, typer.Option(min=0, help="Number of planted spam sites (0: none).")
    ] = None,
) -> None:
    """Generate a seeded synthetic web with planted spam and its ground truth (docs/synth.md)."""
    from linkindex.synth import generate

    if fmt not in ("warc", "parquet"):
        console.print("[red]--format must be warc or parquet[/red]")
        raise typer.Exit(2)
    folder = generate(out, seed=seed, root_domains=root_domains, pages_per_domain=pages_per_domain,
                      crawls=crawls, fmt=fmt, links=links, spam_domains=spam_domains,
                      spam_sites=spam_sites)  # type: ignore[arg-type]  # fmt: skip
    console.print(
        f"wrote a synthetic web to {folder}; ingest each crawl folder as its own crawl, e.g."
        f" linkindex ingest {folder}/<crawl> --crawl <crawl>"
    )


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Build and print, but do not serve.")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Ingest the bundled sample crawl, build, print the demo key and curl commands, serve.

    The demo key is made once and reused by later runs (its secrets in state/demo-key.json).
    """
    from linkindex.demo import prepare_demo

    resolved = _home(home)
    if not no_serve:
        _check_port_free(host, port)
    credential, examples = prepare_demo(resolved, console, host, port)
    out.print(f"access_id: {credential.access_id}", highlight=False)
    out.print(f"secret_key: {credential.secret_key}", highlight=False)
    out.print(f"token (JSON-RPC, x-moz-token): {credential.token}", highlight=False)
    out.print("Try the Links API V2, then the JSON-RPC Moz API:", highlight=False)
    for example in examples:
        out.print(example, highlight=False, soft_wrap=True)
    sys.stdout.flush()
    if not no_serve:
        serve(host=host, port=port, workers=1, home=str(resolved.root))


if __name__ == "__main__":
    app()
