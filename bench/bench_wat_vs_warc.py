"""WAT against WARC: the cost per page of ingesting the same captures from either file.

Each WARC file is turned into the WAT Common Crawl would publish for it (synth/wats.py), then
both are ingested (run_ingest, one worker) into fresh homes, interleaved, best of --repeat: the
bundled sample (real pages) and a generated web. Writes bench/results/wat-vs-warc.json.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchutil import WORK, machine, write_result

from linkindex.demo import sample_folder
from linkindex.home import Home
from linkindex.ingest import run_ingest
from linkindex.synth import generate
from linkindex.synth.wats import write_wat


def wats_of(warcs: list[Path], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [write_wat(w, folder / f"{w.name.removesuffix('.gz')}.wat.gz") for w in warcs]


def inputs(work: Path, root_domains: int) -> dict[str, list[Path]]:
    """name -> WARC files: the bundled sample, and a generated web's first crawl."""
    web = work / f"web-{root_domains}"
    if not web.exists():
        generate(web, seed=11, root_domains=root_domains, pages_per_domain=12, crawls=1)
    return {
        "sample": sorted(sample_folder().glob("*.warc.gz")),
        f"synth-{root_domains}": sorted(web.glob("*/*.warc.gz")),
    }


def ingest_once(files: list[Path]) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        home = Home(Path(tmp)).ensure()
        started = time.perf_counter()
        summary = run_ingest(files, home, crawl="c", progress=False)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "pages": summary.pages, "links": summary.links}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--root-domains", type=int, default=400)
    args = parser.parse_args()
    work = WORK / "wat-vs-warc"
    work.mkdir(parents=True, exist_ok=True)
    sets = {}
    for name, warcs in inputs(work, args.root_domains).items():
        wats = wats_of(warcs, work / f"wat-{name}")
        runs: dict[str, list[dict[str, float]]] = {"warc": [], "wat": []}
        # Interleaved, best of n: on a shared machine the minimum is the least disturbed run.
        for _ in range(args.repeat):
            runs["warc"].append(ingest_once(warcs))
            runs["wat"].append(ingest_once(wats))
        best = {kind: min(r, key=lambda run: run["seconds"]) for kind, r in runs.items()}
        files = {"warc": warcs, "wat": wats}
        per_kind = {
            kind: {
                "files": len(files[kind]),
                "bytes": sum(p.stat().st_size for p in files[kind]),
                "pages": best[kind]["pages"],
                "links": best[kind]["links"],
                "best_seconds": round(best[kind]["seconds"], 3),
                "all_seconds": [round(run["seconds"], 3) for run in runs[kind]],
                "ms_per_page": round(1000 * best[kind]["seconds"] / best[kind]["pages"], 3),
                "bytes_per_page": round(
                    sum(p.stat().st_size for p in files[kind]) / best[kind]["pages"]
                ),
            }
            for kind in ("warc", "wat")
        }
        warc, wat = per_kind["warc"], per_kind["wat"]
        sets[name] = {
            **per_kind,
            "same_pages_and_links": (warc["pages"], warc["links"]) == (wat["pages"], wat["links"]),
            "warc_over_wat_time_per_page": round(warc["ms_per_page"] / wat["ms_per_page"], 2),
            "warc_over_wat_bytes_per_page": round(
                warc["bytes_per_page"] / wat["bytes_per_page"], 2
            ),
        }
    write_result("wat-vs-warc.json", {"repeat": args.repeat, "machine": machine(), "inputs": sets})


if __name__ == "__main__":
    main()
