"""Entry points for the `linkindex synth` command: generate a web and write it in one format.

The lead wires generate() into Typer; `python -m linkindex.synth` reaches it through argparse.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from linkindex.synth.model import SynthParams, build_web
from linkindex.synth.parquet import write_link_records
from linkindex.synth.truth import write_truth
from linkindex.synth.warcs import write_warcs

# Ground truth is plain Python over every capture: fine for thousands of pages, slow for millions.
TRUTH_MAX_PAGES = 50_000


def generate(
    out_dir: Path,
    seed: int = 7,
    root_domains: int = 60,
    pages_per_domain: int = 12,
    crawls: int = 3,
    fmt: Literal["warc", "parquet"] = "warc",
    links: int | None = None,
    spam_domains: int | None = None,
    spam_sites: int | None = None,
) -> Path:
    """Generate a seeded synthetic web into out_dir and return out_dir.

    fmt="warc" writes <out_dir>/<crawl>/<crawl>-00000.warc.gz (input for ingest); fmt="parquet"
    writes <out_dir>/<crawl>/links-*.parquet and pages-*.parquet (ingest's output layout, so
    out_dir can be a home's crawls/ folder). links sets the approximate total of link rows over
    all crawls (default: menus plus about 8 random links per page). spam_domains (link farm
    size) and spam_sites (penalized spam sites) default to SynthParams'; 0 leaves them out, and
    the normal web stays the same (docs/synth.md, "Counterfactuals"). ground_truth.json is
    written beside the crawls when the web has at most TRUTH_MAX_PAGES pages.
    """
    if fmt not in ("warc", "parquet"):
        raise ValueError(f"fmt must be 'warc' or 'parquet', not {fmt!r}")
    out_dir = Path(out_dir)
    spam = {
        k: v
        for k, v in (("spam_domains", spam_domains), ("spam_sites", spam_sites))
        if v is not None
    }
    params = SynthParams(
        seed=seed,
        root_domains=root_domains,
        pages_per_domain=pages_per_domain,
        crawls=crawls,
        links=links,
        **spam,
    )
    web = build_web(params)
    if fmt == "warc":
        write_warcs(web, out_dir)
    else:
        write_link_records(web, out_dir)
    if web.n_pages <= TRUTH_MAX_PAGES:
        write_truth(web, out_dir)
    return out_dir
