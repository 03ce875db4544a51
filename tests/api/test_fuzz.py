"""Fuzzing from the published OpenAPI document: every V2 endpoint and every JSON-RPC method.

Each target (12 endpoints, 47 x-methods names) gets the same number of generated requests,
sent in-process to the app on a built index with a valid key (fuzzing.py says what is checked).
CI runs FUZZ_EXAMPLES=5 per target (about 300 requests); `make fuzz` runs 170 per target
(10,000 and more) and writes its figures to FUZZ_RESULTS (bench/results/fuzz.json).
Hypothesis is derandomized (its fixed seed) unless FUZZ_SEED names another seed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fuzzing import VALID, Figures, problems, refused_by_decoder, requests, targets
from hypothesis import HealthCheck, given, seed, settings
from link_web import in_process

from linkindex.api.jsonrpc.registry import METHODS
from linkindex.api.openapi import openapi_document
from linkindex.api.registry import V2_ENDPOINTS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
RESULTS = os.environ.get("FUZZ_RESULTS")
SEED = os.environ.get("FUZZ_SEED")
TARGETS = targets()
FIGURES = Figures()


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    # Most generated requests are 400s; the bad-request throttle would answer the rest 429.
    yield from in_process(tmp_path_factory, throttle=False)
    if RESULTS:
        figures = {"examples_per_target": EXAMPLES, "seed": SEED, **FIGURES.as_json()}
        Path(RESULTS).parent.mkdir(parents=True, exist_ok=True)
        Path(RESULTS).write_text(json.dumps(figures, indent=2) + "\n")


def _fuzz(target):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=SEED is None,
        suppress_health_check=list(HealthCheck),
    )
    @given(request=requests(target))
    def run(client, request):
        body, kind = request
        FIGURES.requests[target.name] += 1
        FIGURES.kinds[kind] += 1
        refused = refused_by_decoder(target, body) if kind == VALID else None
        response = client.post(target.path, json=body)
        FIGURES.statuses[target.name][response.status_code] += 1
        found = problems(target, body, response.status_code, response.content)
        if refused:
            found.append(f"the schema allows a body the server's types refuse: {refused}")
        if response.status_code >= 500:
            FIGURES.server_errors.append({"target": target.name, "body": body})
        if found:
            FIGURES.violations.append(
                {"target": target.name, "body": body, "problems": found,
                 "status": response.status_code, "answer": response.text[:500]}
            )  # fmt: skip
        assert not found, (found, response.text[:500])

    return run if SEED is None else seed(int(SEED))(run)


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_generated_requests_get_documented_answers(client, target):
    _fuzz(target)(client)


def test_every_endpoint_and_method_is_fuzzed():
    document = openapi_document()
    v2 = {t.name for t in TARGETS if not t.jsonrpc}
    methods = {t.name for t in TARGETS if t.jsonrpc}
    assert v2 == {e.path for e in V2_ENDPOINTS} == set(document["paths"]) - {"/jsonrpc"}
    assert methods == set(document["paths"]["/jsonrpc"]["post"]["x-methods"])
    assert set(METHODS) <= methods
