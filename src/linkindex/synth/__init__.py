"""Seeded synthetic webs with known ground truth, for index tests and 10M+-link benchmarks.

model builds the web, warcs/parquet write it, truth states what the index must answer.
"""

from linkindex.synth.cli import generate
from linkindex.synth.model import SynthParams, Web, build_web
from linkindex.synth.parquet import write_link_records
from linkindex.synth.truth import compute_truth, write_truth
from linkindex.synth.warcs import write_warcs

__all__ = [
    "SynthParams",
    "Web",
    "build_web",
    "compute_truth",
    "generate",
    "write_link_records",
    "write_truth",
    "write_warcs",
]
