# Set-up and everyday commands; each installs what it needs into .venv first.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: demo test lint browser fuzz validate fit-spam bench-ingest bench-wat bench-spark bench-spark-ingest bench-spark-rank bench-build bench-incremental bench-rank bench-serve bench-shards release-cost soak clean

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

bench-ingest: $(STAMP)
	$(VENV)/bin/python bench/bench_ingest.py

# WAT against WARC: the same captures ingested from either file, cost per page (docs/ingest.md).
bench-wat: $(STAMP)
	$(VENV)/bin/python bench/bench_wat_vs_warc.py --repeat 5

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
