# Two commands on a fresh machine (python3 >= 3.11, make, git):
#   make repro   build the environment if needed, rebuild the package with DVC, validate it
#   make test    build the environment if needed, run the test suite
PYTHON ?= python3
VENV := .venv
# The environments are rebuilt whenever their lock file changes.
STAMP := $(VENV)/.installed
# cffconvert needs jsonschema<4, which frictionless cannot use: it gets its own environment.
TOOLS := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export DVC_NO_ANALYTICS := 1

.PHONY: repro test lint validate verify-sources docs release formats serve chromium bench lock clean diff which

repro: $(STAMP)
	dvc repro
	$(MAKE) --no-print-directory validate

validate: $(STAMP)
	frictionless validate datapackage.json

# The text layers of the five documents, for verify-sources (CI requires them).
SOURCES ?= ../shared/sources

test: $(STAMP) $(TOOLS_STAMP) chromium
	@if [ -d "$(SOURCES)" ]; then $(MAKE) --no-print-directory verify-sources; \
	else echo "verify-sources: NOT RUN, no text layers in $(SOURCES) (make verify-sources SOURCES=DIR)"; fi
	pytest -n 2 --dist loadfile --no-loadscope-reorder
	$(MAKE) --no-print-directory lint

# Style: the configuration is [tool.ruff] in pyproject.toml; `ruff format` and
# `ruff check --fix` repair most of what this reports.
lint: $(STAMP)
	ruff check .
	ruff format --check .

# tests/test_serve.py loads a Datasette page in a real headless browser; CI images may lack one.
chromium:
	@test -x /usr/bin/chromium || { echo "make: /usr/bin/chromium is missing; installing it with apt-get for the browser test of make serve"; \
		apt-get update && apt-get install -y chromium; }

# Every quote, excerpt and as-printed text against the documents' text layers.
verify-sources: $(STAMP)
	python scripts/verify_sources.py "$(SOURCES)"

# great-expectations Data Docs for the cross-checks, in build/data_docs/ (not committed)
docs: $(STAMP)
	dvc repro
	python -m pipelines.stages.crosscheck --docs build/data_docs

# A release archive in dist/, only from a clean, validated tree.
release: $(STAMP)
	python scripts/release.py

# SQLite, Excel and Parquet in dist/, from the published package, only when it validates.
formats: $(STAMP)
	python scripts/formats.py

# The package in Datasette on http://127.0.0.1:$(PORT)/ (SQLite and metadata in build/serve/).
PORT ?= 8001
serve: $(STAMP)
	python scripts/serve.py --port $(PORT)

# Value-level changes from a registered version to the working tree (or TO=<version>).
diff: $(STAMP)
	@python scripts/registry.py diff "$(FROM)" "$(TO)"

# Which registered version(s) a downloaded file belongs to, by its SHA-256.
which: $(STAMP)
	@python scripts/registry.py which "$(FILE)"

# Timings in docs/BENCHMARKS.md.
bench: $(STAMP)
	python scripts/bench.py

$(TOOLS_STAMP): requirements-tools.lock
	@echo "make: creating $(TOOLS) for cffconvert from requirements-tools.lock ($$(grep -c '==' requirements-tools.lock) packages)"
	rm -rf $(TOOLS)
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --no-deps --require-hashes -r requirements-tools.lock
	touch $(TOOLS_STAMP)

$(STAMP): requirements.lock
	@echo "make: creating the environment $(VENV) from requirements.lock ($$(grep -c '==' requirements.lock) packages, about 2 minutes)"
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --no-deps --require-hashes -r requirements.lock
	touch $(STAMP)
	@echo "make: $(VENV) is ready"

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(VENV)/bin/python -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra test \
		-o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe -o requirements-tools.lock requirements-tools.in

clean:
	rm -rf $(VENV) $(TOOLS) build dist
