# Two commands set Liaison up on a fresh machine: `make run` and `make test`.
VENV     := .venv
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.installed
ASSETS   := node_modules/.installed
CHROMIUM := /usr/bin/chromium
PYTHON   ?= python3
# apt-get needs root; use sudo when we are not.
AS_ROOT  := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# Front-end packages come from the npm registry and are served by Liaison itself.
$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(ASSETS)

# Browser tests drive Debian's Chromium; no browser is downloaded from elsewhere.
$(CHROMIUM):
	$(AS_ROOT) apt-get update -qq
	$(AS_ROOT) apt-get install -y -qq chromium

## run: install, migrate the SQLite database in instance/, load the demo data, serve on :5000
run: $(STAMP) $(ASSETS)
	$(BIN)/liaison db upgrade
	$(BIN)/liaison demo
	$(BIN)/liaison serve

## test: install what the tests need and run the whole suite (SQLite, and PostgreSQL if it answers)
test: $(STAMP) $(ASSETS) $(CHROMIUM)
	$(BIN)/pytest

## bench: our layer against the raw SpiffWorkflow engine, side by side
bench: $(STAMP)
	$(BIN)/python -m bench.completion
	$(BIN)/python -m bench.worker

lint: $(STAMP)
	$(BIN)/ruff check engine api tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .mypy_cache
