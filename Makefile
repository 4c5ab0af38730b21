# Two commands on a fresh machine (python3 >= 3.11, make, git):
#   make repro   build the pipeline's environment if needed, rebuild the package with DVC, validate it
#   make test    build the whole environment if needed, run the test suite
PYTHON ?= python3
VENV := .venv
# The environment is installed in layers, one group of packages per lock in requirements/ (the
# groups are in pyproject.toml): each target installs only the groups it needs, and a stamp per
# group records that its lock is installed, so a group is installed again when its lock changes.
#   pipeline  `dvc repro` and `frictionless validate` (make repro, validate, docs, verify-sources, which)
#   formats   + SQLite, Excel, Parquet, Datasette, daff (make formats, serve, release, diff)
#   test      + pytest, duckdb, playwright, ruff, mypy (make test, lint, typecheck, bench)
# Each later lock is compiled with the earlier ones as constraints, so the versions of the packages
# the groups share agree. A changed pipeline lock rebuilds .venv from nothing.
PIPELINE_STAMP := $(VENV)/.installed
FORMATS_STAMP := $(VENV)/.installed-formats
TEST_STAMP := $(VENV)/.installed-test
PROJECT_PTH := $(VENV)/.project-on-path
# uv installs the locks (about 9 s for the pipeline group where pip took 77-112 s: it downloads in
# parallel and compiles no bytecode up front; docs/BENCHMARKS.md). pip bootstraps it from its own
# lock, with hashes like every other package.
UV := $(VENV)/bin/uv
INSTALL := $(UV) pip install --quiet --python $(VENV)/bin/python --require-hashes --no-deps
# cffconvert needs jsonschema<4, which frictionless cannot use: it gets its own environment.
TOOLS := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed
# The python that creates .venv: $(PYTHON) as found on PATH without .venv/bin, which comes first
# below (after .venv exists, `python3` would be its own python, which has no pip).
BASE_PYTHON := $(or $(shell PATH='$(subst $(CURDIR)/$(VENV)/bin:,,$(PATH))' command -v $(PYTHON)),$(PYTHON))
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export DVC_NO_ANALYTICS := 1
# The packages are installed without their bytecode (compiling all of it took 43 s and 200 MB):
# Python writes the bytecode of what the stages import on the first run. A PYTHONDONTWRITEBYTECODE
# set by the calling shell would make every run compile it again (a forced `dvc repro` 25 s
# instead of 14 s), so the project's own commands do not inherit it.
unexport PYTHONDONTWRITEBYTECODE

# Values given on the command line (or in the environment) stay data. Each is taken verbatim,
# without expanding make functions in it ($(value ...): `$(shell ...)` in a value runs nothing),
# and handed to the recipes in the environment; a recipe reads it only as "$$NAME", which the
# shell expands without word splitting or command substitution. Never write $(PORT) in a recipe:
# make would paste the value into the shell's command line.
PORT ?= 8001
# The text layers of the five documents, for verify-sources (CI requires them).
SOURCES ?= ../shared/sources
FROM ?=
TO ?=
FILE ?=
override PORT := $(value PORT)
override SOURCES := $(value SOURCES)
override FROM := $(value FROM)
override TO := $(value TO)
override FILE := $(value FILE)
export PORT SOURCES FROM TO FILE

.PHONY: repro test test-slow lint typecheck validate verify-sources verify-sources-if-held verify-own-extraction ledger docs release formats site serve chromium r bench lock clean diff which

# The staged tables first (tidy); then, where the text layers are at hand, every quote and
# excerpt of them against the documents, so that a mismatch stops before the checks run and
# publishes nothing; then the rest of the pipeline, publish last.
# It ends by saying whether the published files are still those of their registered version.
# DVC runs --quiet: each stage prints its own one-line summary (or its problems), and DVC's hints
# to `git add dvc.lock` and `dvc push`, which a reader reproducing the package has no use for, stay out.
repro: $(PIPELINE_STAMP) $(PROJECT_PTH)
	dvc repro --quiet tidy
	@if [ -d "$$SOURCES" ]; then python scripts/verify_sources.py --staged -- "$$SOURCES" || \
		{ echo "make repro: the staged tables differ from the documents (above); nothing was published" >&2; exit 1; }; \
	else printf '%s\n' "make repro: quotes NOT verified against the documents (no text layers in $$SOURCES; make repro SOURCES=DIR)"; fi
	dvc repro --quiet
	$(MAKE) --no-print-directory validate
	@python scripts/registry.py published

validate: $(PIPELINE_STAMP)
	frictionless validate datapackage.json

test: $(TEST_STAMP) $(TOOLS_STAMP) $(PROJECT_PTH) chromium
	@$(MAKE) --no-print-directory verify-sources-if-held
	pytest -n 2 --dist loadfile --no-loadscope-reorder -m "not slow"
	$(MAKE) --no-print-directory lint

# What make test leaves out to stay within 120 s: a release built, rebuilt and reproduced from
# its unzipped archive, the landing page, the search across all tables in a browser, every value of
# the five release formats read back (make test builds the workbook and the database and checks
# their layout), the Python and R recipes of docs/USING.md, and the 280 mutants of tests/test_mutations.py (each check is shown to catch
# its error in make test by a broken-copy test of its own). CI runs it after make test.
test-slow: $(TEST_STAMP) $(TOOLS_STAMP) r
	pytest -n 2 --dist loadfile --no-loadscope-reorder -m slow

# Style: the configuration is [tool.ruff] in pyproject.toml; `ruff format` and
# `ruff check --fix` repair most of what this reports.
lint: $(TEST_STAMP)
	ruff check .
	ruff format --check .
	mypy

# Types alone: the configuration is [tool.mypy] in pyproject.toml.
typecheck: $(TEST_STAMP)
	mypy

# tests/test_serve.py loads a Datasette page in a real headless browser; CI images may lack one.
chromium:
	@test -x /usr/bin/chromium || { echo "make: /usr/bin/chromium is missing; installing it with apt-get for the browser test of make serve"; \
		apt-get update && apt-get install -y chromium; }

# tests/test_recipes.py runs the R recipes of docs/USING.md (make test-slow): R with readr,
# jsonlite and haven, from Debian (no R package from CRAN, which this machine cannot reach).
r:
	@Rscript -e 'library(readr); library(jsonlite); library(haven)' >/dev/null 2>&1 || { \
		echo "make: R with readr, jsonlite and haven is missing; installing it with apt-get for the R recipes of docs/USING.md"; \
		apt-get update && apt-get install -y --no-install-recommends r-base-core r-cran-readr r-cran-jsonlite r-cran-haven; }

# Every quote, excerpt and as-printed text against the documents' text layers.
verify-sources: $(PIPELINE_STAMP)
	python scripts/verify_sources.py -- "$$SOURCES"

# The same with your own extraction of the documents (pdftotext of the published PDFs, say), each
# file named as data/sources.csv's text_layer_file: a different SHA-256 is a note, page headers
# and footers are dropped, excerpts are found by their text.
verify-own-extraction: $(PIPELINE_STAMP)
	python scripts/verify_sources.py --own-extraction -- "$$SOURCES"

# The number ledger alone, with every number of the documents that nothing accounts for yet (a
# published row, left_out.csv or data/raw/<source>/non_figures.csv); fails while there is one.
ledger: $(PIPELINE_STAMP)
	python scripts/ledger.py -- "$$SOURCES"

# make test: verify-sources when the text layers are there, else one line saying it did not run.
verify-sources-if-held: $(PIPELINE_STAMP)
	@if [ -d "$$SOURCES" ]; then $(MAKE) --no-print-directory verify-sources; \
	else printf '%s\n' "verify-sources: NOT RUN, no text layers in $$SOURCES (make verify-sources SOURCES=DIR)"; fi

# great-expectations Data Docs for the cross-checks, in build/data_docs/ (not committed)
docs: $(PIPELINE_STAMP)
	dvc repro
	python -m pipelines.stages.crosscheck --docs build/data_docs

# A release archive in dist/, only from a clean, validated tree.
release: $(FORMATS_STAMP)
	python scripts/release.py

# SQLite, Excel, Parquet, Stata and SPSS in dist/, from the published package, only when it validates.
formats: $(FORMATS_STAMP)
	python scripts/formats.py

# A static landing page in build/site/ (index.html, the codebook as HTML, the downloads), for any
# static host; .github/workflows/pages.yml publishes it.
site: $(FORMATS_STAMP)
	python scripts/landing_page.py

# The package in Datasette on http://127.0.0.1:$PORT/ (SQLite and metadata in build/serve/).
serve: $(FORMATS_STAMP)
	python scripts/serve.py --port="$$PORT"

# Value-level changes from a registered version to the working tree (or TO=<version>).
diff: $(FORMATS_STAMP)
	@python scripts/registry.py diff "$$FROM" "$$TO"

# Which registered version(s) a downloaded file belongs to, by its SHA-256.
which: $(PIPELINE_STAMP)
	@python scripts/registry.py which "$$FILE"

# Timings and the size of a fresh clone's environment in docs/BENCHMARKS.md
# (python scripts/bench.py --skip-setup keeps the set-up figures already there, --only-setup the others).
bench: $(TEST_STAMP)
	python scripts/bench.py

$(TOOLS_STAMP): requirements-tools.lock
	@echo "make: creating $(TOOLS) for cffconvert from requirements-tools.lock ($$(grep -c '==' requirements-tools.lock) packages)"
	rm -rf $(TOOLS)
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --no-deps --require-hashes -r requirements-tools.lock
	touch $(TOOLS_STAMP)

# .venv has no pip of its own (creating one with pip took 9 s): the pip of $(PYTHON) installs uv
# into it, or, where $(PYTHON) has no pip, one that ensurepip adds to .venv.
$(PIPELINE_STAMP): requirements/pipeline.lock requirements/installer.lock
	@echo "make: creating the environment $(VENV) from requirements/pipeline.lock ($$(grep -c '==' requirements/pipeline.lock) packages)"
	rm -rf $(VENV)
	$(BASE_PYTHON) -m venv --without-pip $(VENV)
	if $(BASE_PYTHON) -m pip --python $(VENV)/bin/python --version >/dev/null 2>&1; then pip="$(BASE_PYTHON) -m pip --python $(VENV)/bin/python"; \
	else $(VENV)/bin/python -m ensurepip --default-pip >/dev/null && pip="$(VENV)/bin/python -m pip"; fi; \
	$$pip install --quiet --no-deps --require-hashes -r requirements/installer.lock
	$(INSTALL) -r requirements/pipeline.lock
	touch $@

# The project itself on the environment's path (a .pth file naming this folder), so that
# `from pipelines.load import load` works in .venv's python from any folder (PROJECT_PTH is set
# at the top: make expands a rule's prerequisites where it reads the rule).
$(PROJECT_PTH): $(PIPELINE_STAMP)
	printf '%s\n' "$(CURDIR)" > "$$($(VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/nl-defence-opinion-2025.pth"
	touch $@

$(FORMATS_STAMP): requirements/formats.lock $(PIPELINE_STAMP)
	@echo "make: adding the formats group to $(VENV) from requirements/formats.lock"
	$(INSTALL) -r requirements/formats.lock
	touch $@

# The test suite starts hundreds of Python processes: the bytecode of the whole environment is
# compiled here (about 30 s), so that the first `make test` does not compile it as it goes.
$(TEST_STAMP): requirements/test.lock $(FORMATS_STAMP)
	@echo "make: adding the test group to $(VENV) from requirements/test.lock"
	$(INSTALL) -r requirements/test.lock
	$(VENV)/bin/python -m compileall -qq -j 0 $(VENV)/lib
	touch $@

# Regenerate the locks after changing dependencies in pyproject.toml (or requirements/installer.in).
# Versions already locked are kept; delete a lock first to take the newest versions. Each group is
# compiled with the lock before it as a constraint, so shared packages get the same version.
COMPILE := $(UV) pip compile --quiet --generate-hashes --python-version 3.11 --custom-compile-command 'make lock'
lock: $(PIPELINE_STAMP)
	$(COMPILE) -o requirements/installer.lock requirements/installer.in
	$(COMPILE) -o requirements/pipeline.lock pyproject.toml
	$(COMPILE) --extra formats -c requirements/pipeline.lock -o requirements/formats.lock pyproject.toml
	$(COMPILE) --extra formats --extra test -c requirements/formats.lock -o requirements/test.lock pyproject.toml
	rm -rf build/pip-tools
	$(PYTHON) -m venv build/pip-tools
	build/pip-tools/bin/python -m pip install --quiet pip-tools
	build/pip-tools/bin/pip-compile --quiet --generate-hashes --allow-unsafe -o requirements-tools.lock requirements-tools.in

clean:
	rm -rf $(VENV) $(TOOLS) build dist
