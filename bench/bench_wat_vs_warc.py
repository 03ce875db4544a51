"""WAT against WARC: the cost per page of ingesting the same captures from either file.

Each WARC file is turned into the WAT Common Crawl would publish for it (synth/wats.py), then
both are ingested (run_ingest, one worker, in a child process: ingest_child.py) into fresh
homes, interleaved with a bare WAT loop (FastWARC + msgspec, each link's URL collected) and,
with --other SRC, another version's ingest of both; best of --repeat: the bundled sample (real
pages) and a generated web. Writes bench/results/wat-vs-warc.json.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import msgspec
from benchutil import REPO, WORK, code_version, ingest_in_child, loadavg, machine, write_result
from fastwarc.warc import ArchiveIterator, WarcRecordType

from linkindex.demo import sample_folder
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


def bare_wat_loop(files: list[Path]) -> tuple[int, int]:
    """The floor for WAT: iterate metadata records, decode the JSON, collect each <a>'s URL."""
    decode = msgspec.json.Decoder().decode
    pages = links = 0
    for path in files:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream, record_types=WarcRecordType.metadata):
                data = decode(record.reader.read())
                try:
                    response = data["Envelope"]["Payload-Metadata"]["HTTP-Response-Metadata"]
                    meta = response["HTML-Metadata"]
                except (KeyError, TypeError):
                    continue
                urls = [e["url"] for e in meta.get("Links", ()) if e.get("path") == "A@/href"]
                pages += 1
                links += len(urls)
    return pages, links


def bare_once(files: list[Path]) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    pages, links = bare_wat_loop(files)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"seconds": wall, "cpu_seconds": cpu, "pages": pages, "links": links}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--root-domains", type=int, default=400)
    parser.add_argument(
        "--other", type=Path, help="another version's src folder, measured in the same rounds"
    )
    args = parser.parse_args()
    work = WORK / "wat-vs-warc"
    work.mkdir(parents=True, exist_ok=True)
    sets = {}
    for name, warcs in inputs(work, args.root_domains).items():
        wats = wats_of(warcs, work / f"wat-{name}")
        kinds = ["warc", "wat", "bare_wat"] + (["other_warc", "other_wat"] if args.other else [])
        runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
        loads = [loadavg()[0]]
        # Interleaved, best of n: on a shared machine the minimum is the least disturbed run.
        for _ in range(args.repeat):
            runs["warc"].append(ingest_in_child(REPO / "src", warcs))
            runs["wat"].append(ingest_in_child(REPO / "src", wats))
            runs["bare_wat"].append(bare_once(wats))
            if args.other:
                runs["other_warc"].append(ingest_in_child(args.other, warcs))
                runs["other_wat"].append(ingest_in_child(args.other, wats))
            loads.append(loadavg()[0])
        best = {kind: min(r, key=lambda run: run["seconds"]) for kind, r in runs.items()}
        files = {kind: warcs if kind.endswith("warc") else wats for kind in kinds}
        per_kind = {
            kind: {
                "files": len(files[kind]),
                "bytes": sum(p.stat().st_size for p in files[kind]),
                "pages": best[kind]["pages"],
                "links": best[kind]["links"],
                "best_seconds": round(best[kind]["seconds"], 3),
                # CPU time moves less than wall time on a shared machine.
                "best_cpu_seconds": round(min(run["cpu_seconds"] for run in runs[kind]), 3),
                "all_seconds": [round(run["seconds"], 3) for run in runs[kind]],
                "ms_per_page": round(1000 * best[kind]["seconds"] / best[kind]["pages"], 3),
                "bytes_per_page": round(
                    sum(p.stat().st_size for p in files[kind]) / best[kind]["pages"]
                ),
            }
            for kind in kinds
        }
        warc, wat = per_kind["warc"], per_kind["wat"]
        sets[name] = {
            **per_kind,
            "same_pages_and_links": (warc["pages"], warc["links"]) == (wat["pages"], wat["links"]),
            "warc_over_wat_time_per_page": round(warc["ms_per_page"] / wat["ms_per_page"], 2),
            "warc_over_wat_bytes_per_page": round(
                warc["bytes_per_page"] / wat["bytes_per_page"], 2
            ),
            # The aim: WAT ingest at >= 0.5 of the bare WAT loop's pages/s.
            "wat_over_bare_wat_speed": round(
                per_kind["bare_wat"]["best_seconds"] / wat["best_seconds"], 3
            ),
            "loadavg_1min_between_rounds": loads,
        }
        if args.other:
            sets[name]["speedup_over_other"] = {
                kind: round(
                    per_kind[f"other_{kind}"]["best_seconds"] / per_kind[kind]["best_seconds"], 3
                )
                for kind in ("warc", "wat")
            }
    result = {"repeat": args.repeat, "machine": machine(), "code": code_version(), "inputs": sets}
    result["other"] = str(args.other) if args.other else None
    write_result("wat-vs-warc.json", result)


if __name__ == "__main__":
    main()
