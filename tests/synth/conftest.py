"""Shared fixtures for the synthetic-web tests: one small default web, built once per session.

Building is cheap (about 0.2 s) but several modules read the same web.
"""

from __future__ import annotations

import pytest

from linkindex.synth import SynthParams, Web, build_web


@pytest.fixture(scope="session")
def web() -> Web:
    return build_web(SynthParams())
