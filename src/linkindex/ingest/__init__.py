"""The ingest stage: WARC and WAT files in, Parquet page and link records of one crawl out.

``run_ingest`` is the entry point; ``extract`` is the per-record function any runner can call.
"""

from __future__ import annotations

from linkindex.ingest.extract import extract
from linkindex.ingest.reader import read_records
from linkindex.ingest.rows import Extraction, LinkRow, PageRow
from linkindex.ingest.runner import run_ingest
from linkindex.ingest.summary import IngestSummary, print_summary

__all__ = [
    "Extraction",
    "IngestSummary",
    "LinkRow",
    "PageRow",
    "extract",
    "print_summary",
    "read_records",
    "run_ingest",
]
