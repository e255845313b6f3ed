# Two commands set Liaison up on a fresh machine: `make run` and `make test`.
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PYTHON  ?= python3

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

## run: install, migrate the SQLite database in instance/, load the demo data, serve on :5000
run: $(STAMP)
	$(BIN)/liaison db upgrade
	$(BIN)/liaison demo
	$(BIN)/liaison serve

## test: install what the tests need and run the whole suite (SQLite, and PostgreSQL if it answers)
test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check engine api tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
