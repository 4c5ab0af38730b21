# Two commands on a fresh machine (python3 >= 3.11, make, git):
#   make repro   build the environment if needed, rebuild the package with DVC, validate it
#   make test    build the environment if needed, run the test suite
PYTHON ?= python3
VENV := .venv
# The environment is rebuilt whenever the lock file changes.
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export DVC_NO_ANALYTICS := 1

.PHONY: repro test validate docs lock clean

repro: $(STAMP)
	dvc repro
	$(MAKE) --no-print-directory validate

validate: $(STAMP)
	frictionless validate datapackage.json

test: $(STAMP)
	pytest

# great-expectations Data Docs for the cross-checks, in build/data_docs/ (not committed)
docs: $(STAMP)
	dvc repro
	python -m pipelines.crosscheck --docs build/data_docs

$(STAMP): requirements.lock
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --no-deps --require-hashes -r requirements.lock
	touch $(STAMP)

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(VENV)/bin/python -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra test \
		-o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) build
