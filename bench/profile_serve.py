"""Where a worker's time goes on a billed request: cProfile over the whole ASGI app, in-process,
on a built index (bench_build's home by default); prints the top entries by own time.

The snapshot is read from that home through a symlink; keys, usage and limits are written to a
fresh state folder of its own, so the run never touches the measured home's state.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import io
import os
import pstats
import tempfile
import time
from pathlib import Path

from bench_serve import LRD, URL_METRICS, AsgiDriver, lrd_body, sample_targets, url_metrics_body
from benchutil import FULL_LINKS, code_version, work_dir, work_home

import linkindex
from linkindex.accounts.keys import KeyStore
from linkindex.home import Home


def profile_home(built: Home, root: Path) -> Home:
    """A home whose snapshots are `built`'s and whose state is its own (empty)."""
    home = Home(root)
    root.mkdir(parents=True, exist_ok=True)
    os.symlink(built.snapshots, home.snapshots)
    return home.ensure()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=FULL_LINKS, help="which bench_build home")
    parser.add_argument("--work", type=Path, help="work folder (default bench/work/links-<N>)")
    parser.add_argument("--requests", type=int, default=4000, help="requests per endpoint")
    parser.add_argument("--top", type=int, default=25, help="entries to print")
    args = parser.parse_args()

    from bench_serve import find_store

    from linkindex.api.app import create_app

    built = Home(work_home(work_dir(args.links, args.work)))
    store = find_store(built)
    targets = sample_targets(store, 50, 200, seed=11)
    lrd = [lrd_body(t) for group in targets.values() for t in group]
    um = [url_metrics_body(t) for t in targets["page/heavy"] + targets["page/random"]]
    with tempfile.TemporaryDirectory(prefix="profile-serve-") as tmp:
        home = profile_home(built, Path(tmp) / "home")
        credential = KeyStore(home.state / "keys.sqlite").create("profile")
        pair = f"{credential.access_id}:{credential.secret_key}".encode()
        driver = AsgiDriver(create_app(home), b"Basic " + base64.b64encode(pair))
        driver.start()
        try:
            for path, bodies in ((LRD, lrd), (URL_METRICS, um)):
                for body in bodies[:50]:  # warm: connections opened, pages cached
                    status, payload = driver.post(path, body)
                    if status != 200:
                        raise SystemExit(f"{path} -> {status}: {payload[:300]!r}")
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            for i in range(args.requests):
                driver.post(LRD, lrd[i % len(lrd)])
                driver.post(URL_METRICS, um[i % len(um)])
            profiler.disable()
            wall = time.perf_counter() - started
        finally:
            driver.close()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    total = stats.total_tt  # type: ignore[attr-defined]
    version = code_version()
    changed = f"+{version['src_diff_sha256']}" if version["src_diff_sha256"] else ""
    print(f"bench {version['head']}{changed}, load average {os.getloadavg()[0]:.2f}")
    # The code profiled: this checkout's src, or another copy put first on PYTHONPATH.
    print(f"linkindex from {Path(linkindex.__file__).parent.parent}")
    print(
        f"{2 * args.requests} requests (linking_root_domains and url_metrics alternating),"
        f" {wall / (2 * args.requests) * 1e6:.0f} us each under the profiler"
    )
    table: dict = stats.stats  # type: ignore[attr-defined]
    print(f"\nby own time:\n{'own %':>6} {'cum %':>6}  function")
    for func, (_, _, own, cumulative, _) in sorted(table.items(), key=lambda i: -i[1][2])[
        : args.top
    ]:
        print(f"{100 * own / total:6.1f} {100 * cumulative / total:6.1f}  {label(func)}")
    print(f"\nlinkindex's own functions by time inside them:\n{'cum %':>6}  function")
    ours = [item for item in table.items() if "linkindex/" in item[0][0]]
    for func, (_, _, _, cumulative, _) in sorted(ours, key=lambda i: -i[1][3])[: args.top]:
        print(f"{100 * cumulative / total:6.1f}  {label(func)}")
    # SQLite's time is one C function: split it by the Python function that asked.
    for func, (_, _, own, _, callers) in table.items():
        if func[2] == "<method 'execute' of 'sqlite3.Connection' objects>":
            print(f"\nsqlite3 execute, {100 * own / total:.1f} % in all, by caller:")
            for caller, (_, _, caller_own, _) in sorted(callers.items(), key=lambda i: -i[1][2]):
                print(f"{100 * caller_own / total:6.1f}  {label(caller)}")


def label(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    return f"{filename.split('site-packages/')[-1].split('src/')[-1]}:{line} {name}"


if __name__ == "__main__":
    main()
