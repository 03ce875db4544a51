"""The cost of indexing one whole Common Crawl release, from this project's measured figures.

Reads the benchmark results (bench/results/) and the stated assumptions below, prints the
estimate as Markdown (docs/scale.md, "The cost of a release", is its output) and writes
bench/results/release-cost.json. Nothing here is measured anew: every per-core rate comes from a
results file named beside it, so the estimate moves when a benchmark is run again.
"""

from __future__ import annotations

import json
import sys

from benchutil import RESULTS, write_result

# --- assumptions, each with its source ---------------------------------------------------------
# Common Crawl's December 2024 release (CC-MAIN-2024-51), as its announcement states: 2.64
# billion pages from 47.5 million hosts, 38.3 million registered domains.
RELEASE = "CC-MAIN-2024-51"
PAGES = 2.64e9
REGISTERED_DOMAINS = 38.3e6
# Link records per page: the Web Data Commons hyperlink graphs of Common Crawl count 128 billion
# links between 3.5 billion pages (2012) and 64 billion between 1.7 billion (2014), 36.6 and 37.6
# a page; both are distinct (page, page) links, which is what the index keeps of a page's links.
LINKS_PER_PAGE = 37.0
# Price of one core (one vCPU: a hardware thread, as each of this machine's 2 cores is) for an
# hour on spot or preemptible instances of a compute-optimised type; a stated assumption, not a
# measurement: spot prices move daily and by region.
PRICE_PER_CORE_HOUR = 0.02
AIM_DOLLARS = 50.0
# One SQLite shard's size the serving side is planned for: a file a local NVMe disk holds with
# room for the next snapshot beside it.
SHARD_BYTES = 256 * 2**30


def _load(name: str) -> dict:
    return json.loads((RESULTS / name).read_text())


def ingest_ms_per_page(links_per_page: float) -> tuple[float, dict]:
    """WAT ingest time per page for pages of ``links_per_page`` links: a per-page and a per-link
    cost fitted through the two inputs of bench_wat_vs_warc.py (real documentation pages of
    ~216 links and generated pages of ~13), one core."""
    measured = _load("wat-vs-warc.json")["inputs"]
    points = []
    for name in ("sample", "synth-400"):
        wat = measured[name]["wat"]
        points.append((wat["links"] / wat["pages"], wat["ms_per_page"]))
    (l1, t1), (l2, t2) = points
    per_link = (t1 - t2) / (l1 - l2)
    per_page = t2 - per_link * l2
    return per_page + per_link * links_per_page, {
        "source": "wat-vs-warc.json",
        "ms_per_page_fixed": round(per_page, 4),
        "ms_per_link": round(per_link, 5),
        "points_links_per_page_ms": [(round(a, 1), b) for a, b in points],
    }


def build_stages() -> tuple[dict[str, float], dict]:
    """Core-seconds per link record of each build stage, DuckDB on 2 cores, 100M records."""
    measured = _load("build-100M.json")
    cores = measured["machine"]["nproc"]
    records = measured["input"]["link_rows"]
    groups = {"hashing input records": "hash the inputs (the index_id)",
              "tracking links across crawls": "link state across crawls",
              "saving the link state for the next build": "link state across crawls",
              "counting links at every scope": "counts at every scope",
              "scoring spam signals": "spam signals",
              "ranking pages and root domains": "ranks (in the driver)",
              "indexing": "writing the store (tables and indexes)"}  # fmt: skip
    steps = measured["build"]["steps"]
    stages: dict[str, float] = {}
    for step in steps:
        name = groups.get(step["step"])
        if name is None:
            name = (
                "writing the store (tables and indexes)"
                if step["step"].startswith(("writing", "publishing"))
                else "other"
            )
        stages[name] = stages.get(name, 0.0) + step["seconds"] * cores / records
    facts = {
        "source": "build-100M.json",
        "records": records,
        "cores": cores,
        "wall_seconds": measured["build"]["wall_seconds"],
        "peak_rss_gib": measured["build"]["peak_rss_gib"],
        "peak_build_folder_gib": max(s["peak_build_folder_gib"] for s in steps),
        "parquet_gib": measured["input"]["parquet_gib"],
        "distinct_links": measured["index"]["links"],
    }
    return stages, facts


def spark_factor() -> dict:
    """Spark local[2] against DuckDB on the same records and cores (bench_spark.py)."""
    build = _load("spark.json")["build"]
    return {
        "source": "spark.json",
        "records": build["records"],
        "wall": build["spark_over_duckdb_wall"],
        "peak_rss": build["spark_over_duckdb_peak_rss"],
    }


def store_bytes_per_link() -> dict:
    measured = _load("build-10M.json")
    return {
        "source": "build-10M.json",
        "bytes_per_distinct_link": measured["index"]["sqlite_bytes"] / measured["index"]["links"],
    }


def estimate() -> dict:
    records = PAGES * LINKS_PER_PAGE
    ingest_ms, ingest_facts = ingest_ms_per_page(LINKS_PER_PAGE)
    stages, build_facts = build_stages()
    spark = spark_factor()
    store = store_bytes_per_link()
    hours = {"ingest (WAT)": PAGES * ingest_ms / 1000 / 3600}
    for name, per_record in stages.items():
        hours[name] = records * per_record / 3600
    build_hours = sum(v for k, v in hours.items() if k != "ingest (WAT)")
    duckdb_rate_total = hours["ingest (WAT)"] + build_hours
    spark_total = hours["ingest (WAT)"] + build_hours * spark["wall"]
    store_bytes = records * store["bytes_per_distinct_link"]
    scale = records / build_facts["records"]
    return {
        "release": RELEASE,
        "assumptions": {
            "pages": PAGES,
            "links_per_page": LINKS_PER_PAGE,
            "link_records": records,
            "registered_domains": REGISTERED_DOMAINS,
            "price_per_core_hour": PRICE_PER_CORE_HOUR,
            "shard_bytes": SHARD_BYTES,
        },
        "measured": {"ingest": ingest_facts, "build": build_facts, "spark": spark, "store": store},
        "core_hours": {k: round(v, 1) for k, v in hours.items()},
        "core_hours_at_duckdb_rate": round(duckdb_rate_total, 1),
        "core_hours_at_spark_local_rate": round(spark_total, 1),
        "dollars_at_duckdb_rate": round(duckdb_rate_total * PRICE_PER_CORE_HOUR, 1),
        "dollars_at_spark_local_rate": round(spark_total * PRICE_PER_CORE_HOUR, 1),
        "aim_dollars": AIM_DOLLARS,
        "parquet_tib": round(build_facts["parquet_gib"] * scale / 1024, 1),
        "build_scratch_tib": round(build_facts["peak_build_folder_gib"] * scale / 1024, 1),
        "store_tib": round(store_bytes / 2**40, 1),
        "shards": int(-(-store_bytes // SHARD_BYTES)),
    }


def markdown(result: dict) -> str:
    a = result["assumptions"]
    lines = [
        f"Assumed: {a['pages'] / 1e9:.2f} billion pages ({result['release']}), "
        f"{a['links_per_page']:.0f} link records a page, so "
        f"{a['link_records'] / 1e9:.0f} billion link records; "
        f"${a['price_per_core_hour']:.3f} a core-hour.",
        "",
        "| stage | core-hours at the measured per-core rate | dollars |",
        "| --- | ---: | ---: |",
    ]
    for stage, hours in result["core_hours"].items():
        if hours < 0.5:  # loading the inputs' views: no work of its own
            continue
        lines.append(f"| {stage} | {hours:,.0f} | {hours * a['price_per_core_hour']:,.0f} |")
    lines += [
        f"| **all, at DuckDB's per-core rate** | **{result['core_hours_at_duckdb_rate']:,.0f}** "
        f"| **{result['dollars_at_duckdb_rate']:,.0f}** |",
        f"| **all, the build at Spark local[2]'s rate "
        f"({result['measured']['spark']['wall']}x DuckDB's)** "
        f"| **{result['core_hours_at_spark_local_rate']:,.0f}** "
        f"| **{result['dollars_at_spark_local_rate']:,.0f}** |",
        "",
        f"Disk: {result['parquet_tib']} TiB of Parquet records, "
        f"{result['build_scratch_tib']} TiB of build scratch at its peak, "
        f"{result['store_tib']} TiB of serving store in {result['shards']} shards of "
        f"{a['shard_bytes'] / 2**30:.0f} GiB.",
    ]
    return "\n".join(lines)


def main() -> None:
    result = estimate()
    path = write_result("release-cost.json", result)
    sys.stdout.write(markdown(result) + "\n")
    sys.stderr.write(f"-> {path}\n")


if __name__ == "__main__":
    main()
