# Set-up and everyday commands; each installs what it needs into .venv first.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: demo test lint browser fuzz validate fit-spam bench bench-table bench-table-check bench-ingest bench-wat bench-fetch-ingest bench-manifest bench-spark bench-spark-ingest bench-spark-rank bench-build bench-incremental bench-rank bench-serve bench-shards bench-route bench-queries release-cost soak clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test,bench,validate,spark]'
	touch $(STAMP)

# `make demo PORT=8001` serves on another port.
PORT ?= 8000
demo: $(STAMP)
	$(VENV)/bin/linkindex demo --port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests scripts bench
	$(VENV)/bin/ruff format --check src tests scripts bench

# Debian's Chromium for the browser tests (tests/chromium.py), installed when it is missing and we
# may (root, or sudo without a password); about 25 s of apt on a fresh machine (docs/explorer.md).
# Where neither is possible the browser tests skip and say so; a failed install is an error.
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; \
	elif [ "$$(id -u)" = 0 ]; then SUDO=; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	else echo "No Chromium at $(CHROMIUM), and installing it needs root: the browser tests will skip."; exit 0; fi; \
	echo "Installing Debian's chromium for the browser tests"; \
	$$SUDO apt-get update -qq && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null

# One test process per core, at most 4, each given whole test files (pytest-xdist), so a file's
# shared index is made once; measured in docs/architecture.md ("Build tests on both engines").
test: lint browser
	$(VENV)/bin/pytest -n auto --maxprocesses 4 --dist loadfile

# Requests generated from the OpenAPI document, 170 to each V2 endpoint and JSON-RPC method
# (10,030 in all), in-process on a built index; figures in bench/results/fuzz.json.
fuzz: $(STAMP)
	FUZZ_EXAMPLES=170 FUZZ_RESULTS=bench/results/fuzz.json \
		$(VENV)/bin/pytest -q -p no:cacheprovider tests/api/test_fuzz.py

# Regenerates the validation section of docs/metrics.md and docs/img/score-distribution.png.
validate: $(STAMP)
	$(VENV)/bin/linkindex metrics validate

# Refits src/linkindex/scoring/spam_model.json on labelled synthetic webs.
fit-spam: $(STAMP)
	$(VENV)/bin/linkindex metrics fit-spam

# Every benchmark below, one after another (a failed one does not stop the others; they are
# named at the end), then the README's table rewritten from bench/results/. bench-build comes
# before bench-serve and bench-queries, which read its index, and release-cost last, as it reads
# the others.
BENCHMARKS := bench-ingest bench-wat bench-fetch-ingest bench-manifest bench-build \
	bench-incremental bench-rank bench-serve bench-queries bench-shards bench-route bench-spark \
	bench-spark-ingest bench-spark-rank soak release-cost
bench: $(STAMP)
	@failed=; for benchmark in $(BENCHMARKS); do \
		echo "== make $$benchmark"; \
		$(MAKE) --no-print-directory $$benchmark || failed="$$failed $$benchmark"; \
	done; \
	$(MAKE) --no-print-directory bench-table; \
	if [ -n "$$failed" ]; then echo "make bench: these failed:$$failed"; exit 1; fi

# The README's benchmark table, rewritten from bench/results/*.json and bench/figures.toml
# without measuring anything; bench-table-check changes nothing and fails when the table is not
# what the results give or a figure's code changed after it was measured (the standard library
# only: no install needed).
bench-table:
	$(PYTHON) bench/readme_table.py

bench-table-check:
	$(PYTHON) bench/readme_table.py --check

bench-ingest: $(STAMP)
	$(VENV)/bin/python bench/bench_ingest.py

# WAT against WARC: the same captures ingested from either file, cost per page (docs/ingest.md).
bench-wat: $(STAMP)
	$(VENV)/bin/python bench/bench_wat_vs_warc.py --repeat 5

# Ingest of files read as they stream in from a local mirror, against the same files from disk.
bench-fetch-ingest: $(STAMP)
	$(VENV)/bin/python bench/bench_fetch_ingest.py --repeat 5

# Recording one ingested file in a manifest of 90,000 entries (a whole release's WAT files).
bench-manifest: $(STAMP)
	$(VENV)/bin/python bench/bench_manifest.py --entries 90000 --repeat 5

# The Spark engines beside the embedded ones in one run, as ratios (needs Java 17+): ingest per
# core, local vs the embedded runner; a build of RECORDS link records (default 10M), local[2] vs
# DuckDB, wall time and peak memory; a standalone cluster of 2 one-core workers vs 1 on a build
# of SCALING_RECORDS. Writes bench/results/spark.json. `make bench-spark RECORDS=1000000`.
RECORDS ?= 10000000
SCALING_RECORDS ?= 1000000
bench-spark: $(STAMP)
	$(VENV)/bin/python bench/bench_spark.py --records $(RECORDS) --scaling-records $(SCALING_RECORDS)

# Spark local[1] and local[2] beside the embedded runner on a generated web of four WARC files,
# then a standalone cluster of two one-core workers on 127.0.0.1 (needs Java 17+).
bench-spark-ingest: $(STAMP)
	$(VENV)/bin/python bench/bench_spark_ingest.py --repeat 5 --cluster 2

# The same generated graph ranked in the driver (scipy) and on Spark local[2] (needs Java 17+).
bench-spark-rank: $(STAMP)
	$(VENV)/bin/python bench/bench_spark_rank.py

bench-build: $(STAMP)
	$(VENV)/bin/python bench/bench_build.py

bench-incremental: $(STAMP)
	$(VENV)/bin/python bench/bench_incremental.py

bench-rank: $(STAMP)
	cd bench && ../$(VENV)/bin/python bench_rank.py

bench-serve: $(STAMP)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) || \
		echo "wrk not installed: bench_serve falls back to its Python load generator"
	$(VENV)/bin/python bench/bench_serve.py

# A generated web of SHARD_LINKS link records built unsharded and in 4 shards, both served by
# `linkindex serve --workers 2` and loaded with wrk in alternating rounds (req/s per request
# kind, the ratio, build times, bytes); bench/results/shards.json. Needs wrk.
SHARD_LINKS ?= 1000000
bench-shards: $(STAMP)
	$(VENV)/bin/python bench/bench_shards.py --links $(SHARD_LINKS) --shards 4

# A generated web of ROUTE_LINKS link records in 4 shards, served by one local server and by a
# router over two shard hosts; the same requests one at a time to each (median latency per
# request kind, the router / local ratio); bench/results/route.json.
ROUTE_LINKS ?= 300000
bench-route: $(STAMP)
	$(VENV)/bin/python bench/bench_route.py --links $(ROUTE_LINKS)

# Every valid sort, filter and scope combination of every V2 list endpoint, and every url_metrics
# history kind, in-process on the heaviest targets of the index bench-build made of QUERY_LINKS
# link records (p50 and p99 per combination, the worst printed); bench/results/queries-<N>.json.
# QUERY_BEFORE=bench/work/<folder> measures an index of the same records built by the code before
# a change in turns with it.
QUERY_LINKS ?= 10000000
bench-queries: $(STAMP)
	$(VENV)/bin/python bench/bench_queries.py --links $(QUERY_LINKS) \
		$(if $(QUERY_BEFORE),--before $(QUERY_BEFORE))

# The cost of indexing one whole Common Crawl release, from the figures in bench/results/ (the
# other benchmarks' output; nothing is measured anew): docs/scale.md, "The cost of a release".
release-cost: $(STAMP)
	$(VENV)/bin/python bench/release_cost.py

# Mixed API traffic from several keys on `linkindex serve --workers 2` while builds publish new
# indexes and workers are SIGKILLed; checks answers and billing. `make soak DURATION=600`.
DURATION ?= 180
soak: $(STAMP)
	$(VENV)/bin/python bench/soak.py --duration $(DURATION)

clean:
	rm -rf $(VENV) .linkindex bench/work
