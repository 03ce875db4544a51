"""Incremental build benchmark: one small new crawl merged into a large index's saved link state,
beside a full rebuild of the same crawls in the same run.

Owns bench/work/incremental-<N>/ and results/incremental-<N>.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from bench_build import GIB, run_child, timed_build
from benchutil import (
    FULL_LINKS,
    PAGES_PER_DOMAIN,
    RESULTS,
    WORK,
    code_version,
    machine,
    root_domains_for,
    size_label,
    work_home,
)

CRAWLS = 4  # three make the large index; a sample of the fourth is the small new crawl


def child_generate(work: Path, links: int, seed: int, new_share: float) -> None:
    """Generate four crawls; keep three in the home, and a sample of the fourth's pages (with
    their links) as the new crawl, so it gains, loses and kills links as a real recrawl does."""
    import duckdb

    from linkindex.synth import SynthParams, write_link_records

    params = SynthParams(
        seed=seed, root_domains=root_domains_for(links), pages_per_domain=PAGES_PER_DOMAIN,
        links=links * CRAWLS // 3, crawls=CRAWLS,
    )  # fmt: skip
    staging = work / "generated"
    names = sorted(write_link_records(params, staging))
    crawls = work_home(work) / "crawls"
    crawls.mkdir(parents=True)
    for name in names[:-1]:
        (staging / name).rename(crawls / name)
    newest = staging / names[-1]
    new = work / "new-crawl" / names[-1]
    new.mkdir(parents=True)
    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE chosen AS SELECT DISTINCT page FROM '{newest}/pages-*.parquet'"
        f" WHERE hash(page) % 1000000 < {round(new_share * 1_000_000)}"
    )
    for kind, key in (("pages", "page"), ("links", "source_page")):
        con.execute(
            f"COPY (SELECT r.* FROM '{newest}/{kind}-*.parquet' r SEMI JOIN chosen c"
            f" ON c.page = r.{key}) TO '{new}/{kind}-00000.parquet' (FORMAT parquet)"
        )
    shutil.rmtree(staging)
    (work / "params.json").write_text(json.dumps(params.to_json()))


def rows_in(folder: Path, kind: str) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in folder.rglob(f"{kind}-*.parquet"))


def summarize(built: dict, wall: float, peak: int) -> dict:
    return {
        "link_state": built["result"]["link_state"],
        "index_id": built["result"]["index_id"],
        "wall_seconds": round(wall, 2),
        "peak_rss_gib": round(peak / GIB, 3),
        "steps": built["steps"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=FULL_LINKS, help="link rows in the index")
    parser.add_argument("--new-share", type=float, default=0.01,
                        help="share of the newest crawl's pages in the small crawl")  # fmt: skip
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--memory-limit", help="DuckDB memory_limit (default: the build's)")
    parser.add_argument("--timeout", type=float, default=3600, help="kill a child after this")
    parser.add_argument("--child", choices=("generate",), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = args.work or WORK / f"incremental-{size_label(args.links)}"
    if args.child == "generate":
        child_generate(work, args.links, args.seed, args.new_share)
        return

    facts, code = machine(), code_version()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    print(f"generating {args.links:,} link rows and a small crawl into {work} ...", flush=True)
    gen_wall, _ = run_child(
        ["--child", "generate", "--work", str(work), "--links", str(args.links),
         "--seed", str(args.seed), "--new-share", str(args.new_share)],
        args.timeout, Path(__file__).resolve(),
    )  # fmt: skip
    home = work_home(work)
    report: dict = {
        "benchmark": "incremental",
        "label": size_label(args.links),
        "input": {
            "index_link_rows": rows_in(home / "crawls", "links"),
            "index_page_rows": rows_in(home / "crawls", "pages"),
            "new_link_rows": rows_in(work / "new-crawl", "links"),
            "new_page_rows": rows_in(work / "new-crawl", "pages"),
            "new_share": args.new_share,
            "synth_params": json.loads((work / "params.json").read_text()),
            "generation_seconds": round(gen_wall, 2),
        },
    }
    print("full build of the large index (saves the link state) ...", flush=True)
    report["base"] = summarize(*timed_build(work, args.memory_limit, args.timeout))
    for crawl in (work / "new-crawl").iterdir():
        shutil.copytree(crawl, home / "crawls" / crawl.name)
    print("incremental build after the small crawl ...", flush=True)
    report["incremental"] = summarize(
        *timed_build(work, args.memory_limit, args.timeout, merge=True)
    )
    print("full rebuild of the same crawls ...", flush=True)
    report["full"] = summarize(*timed_build(work, args.memory_limit, args.timeout))
    incremental, full = report["incremental"], report["full"]
    kinds = (incremental["link_state"], full["link_state"])
    if kinds != ("incremental", "full"):
        raise SystemExit(f"unexpected build kinds: {kinds}")
    if incremental["index_id"] != full["index_id"]:
        raise SystemExit("the incremental and full builds disagree on the index_id")
    report["incremental_over_full"] = round(incremental["wall_seconds"] / full["wall_seconds"], 3)
    report["state_bytes"] = sum(p.stat().st_size for p in (home / "link-state").iterdir())
    report.update(machine=facts, code=code, measured_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"incremental-{size_label(args.links)}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print_summary(report, out)


def print_summary(report: dict, out: Path) -> None:
    inp = report["input"]
    print(f"\nincremental build benchmark ({report['label']} link rows)  ->  {out}")
    print(f"  index: {inp['index_link_rows']:,} link rows; new crawl: {inp['new_link_rows']:,}"
          f" link rows, {inp['new_page_rows']:,} pages")  # fmt: skip
    steps = {}
    for kind in ("incremental", "full"):
        run = report[kind]
        print(f"  {kind:12s} {run['wall_seconds']:8.1f} s  peak RSS {run['peak_rss_gib']} GiB")
        steps[kind] = {s["step"]: s["seconds"] for s in run["steps"]}
    print(f"  incremental / full: {report['incremental_over_full']}")
    for name in dict.fromkeys([*steps["incremental"], *steps["full"]]):
        inc, full = steps["incremental"].get(name), steps["full"].get(name)
        print(f"    {name:48s} {inc if inc is not None else '-':>8} {full or '-':>8}")


if __name__ == "__main__":
    main()
