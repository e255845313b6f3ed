# Two commands set Liaison up on a fresh machine: `make run` and `make test`.
VENV     := .venv
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.installed
ASSETS   := node_modules/.installed
CHROMIUM := /usr/bin/chromium
# Chinese pages need a CJK font in the browser tests' screenshots.
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
CATALOGS := api/translations/zh/LC_MESSAGES/messages.mo
PYTHON   ?= python3
# apt-get needs root; use sudo when we are not.
AS_ROOT  := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test lint bench messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# Front-end packages come from the npm registry and are served by Liaison itself.
$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(ASSETS)

# The compiled catalogs are build artefacts; the .po files are the source.
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

# Browser tests drive Debian's Chromium; no browser is downloaded from elsewhere. Where it
# cannot be installed the suite still runs and says plainly that the browser tests did not.
$(CHROMIUM):
	-$(AS_ROOT) apt-get update -qq && $(AS_ROOT) apt-get install -y -qq chromium

$(CJK_FONT):
	-$(AS_ROOT) apt-get update -qq && $(AS_ROOT) apt-get install -y -qq fonts-noto-cjk

## run: install, migrate the SQLite database in instance/, load the demo data, serve on :5000
run: $(STAMP) $(ASSETS) $(CATALOGS)
	$(BIN)/liaison db upgrade
	$(BIN)/liaison demo
	$(BIN)/liaison serve

## test: install what the tests need, check the import contracts (pyproject.toml), and run the
## whole suite (SQLite, and PostgreSQL if it answers)
test: $(STAMP) $(ASSETS) $(CATALOGS) $(CHROMIUM) $(CJK_FONT)
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest

## bench: our layer against the raw SpiffWorkflow engine, side by side
bench: $(STAMP)
	$(BIN)/python -m bench

.PHONY: conformance
## conformance: every file of the outside BPMN corpus (../shared/bpmn-corpus, or CORPUS=DIR)
## deployed and run, or rejected with a located reason; fails on anything else
conformance: $(STAMP)
	$(BIN)/python -m bench.conformance $(CORPUS)

## messages: extract the interface messages and merge them into the .po files to translate
messages: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -o build/messages.pot .
	$(BIN)/pybabel update -i build/messages.pot -d api/translations --no-fuzzy-matching \
		--ignore-obsolete --width 100

lint: $(STAMP)
	$(BIN)/ruff check engine api tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .mypy_cache
