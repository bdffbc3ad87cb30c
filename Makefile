# fedlab: `make run` serves both apps with the demo data; `make test` runs every test.
# `make test-quick` is the quick local run: no browser tests, no schemathesis, no `slow` tests (the route fuzzers);
# `make test` runs them all.
# Both work on a fresh machine: they create the virtual environment and install what they need.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# Two workers (the machine has two cores). Each test file stays on one worker (one xdist group per file),
# except the files marked `spread`, whose long tests are handed out one by one; the browser and `slow` tests
# go first, in collection order (tests/conftest.py).
PARALLEL := -n 2 --dist loadgroup --no-loadscope-reorder
# schemathesis gives every generated case of a file the same test id, which pytest-xdist cannot
# tell apart (it would run one case per app): that file runs in a single process.
SERIAL := tests/test_schemathesis.py

# `time` (each pass's wall time) is bash's.
SHELL := /bin/bash

.PHONY: run test coverage test-fast test-quick test-e2e test-postgres setup install translations extract system-deps esia-clients a11y-deps lint format bench bench-idp bench-region clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Compile the message catalogues (.po -> .mo) of both apps.
translations: install
	$(BIN)/pybabel compile -f -d idp/translations -D messages
	$(BIN)/pybabel compile -f -d rp/translations -D messages

# Update the catalogues from the source (run after changing UI strings, then translate the new entries).
extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o idp/translations/messages.pot idp labkit
	$(BIN)/pybabel update -i idp/translations/messages.pot -d idp/translations -l en --no-fuzzy-matching
	$(BIN)/pybabel extract -F babel.cfg -k _l -o rp/translations/messages.pot rp labkit
	$(BIN)/pybabel update -i rp/translations/messages.pot -d rp/translations -l en --no-fuzzy-matching

setup: translations
	$(BIN)/fedlab setup

run: setup
	$(BIN)/fedlab serve

# Chromium for the browser tests and OpenSSL's GOST engine for ESIA's protocol, from Debian's packages.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }
	@dpkg -s libengine-gost-openssl >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libengine-gost-openssl >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libengine-gost-openssl >/dev/null; fi; }

# npm `esia` 0.2.3 for the tests that run real ESIA client libraries (tests/esia/), from its lock file.
ESIA_NODE := tests/esia/node
$(ESIA_NODE)/node_modules/.package-lock.json: $(ESIA_NODE)/package-lock.json
	npm ci --prefix $(ESIA_NODE) --no-audit --no-fund --loglevel=error

esia-clients: $(ESIA_NODE)/node_modules/.package-lock.json

# axe-core for the browser accessibility tests, pinned by tests/a11y/node/package-lock.json.
A11Y_NODE := tests/a11y/node
$(A11Y_NODE)/node_modules/.package-lock.json: $(A11Y_NODE)/package.json $(A11Y_NODE)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; fi; }
	cd $(A11Y_NODE) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

a11y-deps: $(A11Y_NODE)/node_modules/.package-lock.json

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/codespell

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every test on SQLite (browser tests included), schemathesis, then the tests of the database on PostgreSQL
# (127.0.0.1:5432, a database of its own per run). The wall time of each pass is printed.
test: system-deps a11y-deps translations lint esia-clients
	time $(BIN)/pytest $(PARALLEL) --ignore=$(SERIAL) $(PYTEST_ARGS)
	time $(BIN)/pytest $(SERIAL) $(PYTEST_ARGS)
	time FEDLAB_TEST_DB=postgresql $(BIN)/pytest -m "not e2e" $(PARALLEL) --ignore=$(SERIAL) $(PYTEST_ARGS)

# The SQLite pass with a coverage summary (coverage's tracing slows every test: not part of `make test`).
coverage: system-deps a11y-deps translations esia-clients
	$(BIN)/pytest $(PARALLEL) --ignore=$(SERIAL) --cov --cov-report=term $(PYTEST_ARGS)

# The suite (without the browser tests) on PostgreSQL; FEDLAB_TEST_PG_DSN says where (libpq conninfo).
test-postgres: translations
	FEDLAB_TEST_DB=postgresql $(BIN)/pytest -m "not e2e" $(PARALLEL) --ignore=$(SERIAL) $(PYTEST_ARGS)

test-fast: translations esia-clients
	$(BIN)/pytest -m "not e2e" $(PARALLEL) --ignore=$(SERIAL) $(PYTEST_ARGS)
	$(BIN)/pytest $(SERIAL) $(PYTEST_ARGS)

test-quick: translations
	$(BIN)/pytest -m "not e2e and not slow" $(PARALLEL) --ignore=$(SERIAL) $(PYTEST_ARGS)

test-e2e: system-deps a11y-deps translations
	$(BIN)/pytest -m e2e $(PARALLEL) $(PYTEST_ARGS)

bench: translations
	$(BIN)/python bench/token_endpoint.py
	$(BIN)/python bench/logins.py

# The lab IdP against panva's oidc-provider (npm, pinned by bench/oidc-provider/package-lock.json).
bench-idp: translations
	cd bench/oidc-provider && npm ci --no-audit --no-fund --silent
	$(BIN)/python bench/oidc_provider.py $(BENCH_ARGS)

# The diary at region scale (100 schools, 50,000 pupils, ~10 M marks), on SQLite then PostgreSQL.
bench-region: translations
	$(BIN)/python bench/region.py $(BENCH_ARGS)
	$(BIN)/python bench/region.py --postgres $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .cache $(ESIA_NODE)/node_modules
