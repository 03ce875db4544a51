"""`python -m linkindex.synth`: an argparse front for linkindex.synth.cli.generate.

Kept separate from the Typer CLI so the generator runs without the rest of linkindex wired up.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from linkindex.synth.cli import generate


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m linkindex.synth",
        description="Generate a seeded synthetic web as WARC files or ingest-layout Parquet.",
    )
    ap.add_argument("out_dir", type=Path, help="folder to write crawls (and ground_truth.json)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--root-domains", type=int, default=60, help="normal root domains")
    ap.add_argument("--pages-per-domain", type=int, default=12, help="mean pages per domain")
    ap.add_argument("--crawls", type=int, default=3)
    ap.add_argument("--format", dest="fmt", choices=["warc", "parquet"], default="warc")
    ap.add_argument("--links", type=int, default=None, help="total link rows over all crawls")
    ap.add_argument("--spam-domains", type=int, default=None, help="link farm size (default 8)")
    ap.add_argument("--spam-sites", type=int, default=None, help="penalized spam sites (12)")
    args = ap.parse_args(argv)
    print(generate(**vars(args)))


if __name__ == "__main__":
    main()
