# lithloop: `make run` serves the platform with demo data; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
PYTEST_ARGS ?= -n 2 --dist worksteal
export FLASK_APP := lithloop:create_app

.PHONY: run test test-fast install install-dev migrate seed lint bench mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The public address and text logs as for the server: its warnings name the right port.
migrate: install
	PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)} LOG_FORMAT=$${LOG_FORMAT:-text} \
	$(BIN)/flask db upgrade

# The demo: test cards through the embedded fake Stripe (PAYMENTS_MODE=demo, unless real
# Stripe keys are set), links in mails and QR codes to this dev server.
seed: migrate
	PAYMENTS_MODE=$${PAYMENTS_MODE:-demo} PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)} \
	$(BIN)/flask seed-demo --if-empty

run: seed
	PAYMENTS_MODE=$${PAYMENTS_MODE:-demo} PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)} \
	LOG_FORMAT=$${LOG_FORMAT:-text} $(BIN)/flask run --host $(HOST) --port $(PORT)

# SQLite always; PostgreSQL as well when TEST_DATABASE_URL is set. Bytecode caches are kept
# even where the environment turns them off (PYTHONDONTWRITEBYTECODE): the tests start the
# app in a hundred processes, and each would compile its 400 modules again.
TEST_ENV := PYTHONDONTWRITEBYTECODE=
test: install-dev
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

# The quick loop: SQLite only, without the slow groups (browser journeys, PostgreSQL,
# worker processes and faults, long routing, hypothesis-heavy; markers in pyproject.toml).
FAST_MARKERS := not slow and not browser and not processes and not postgres
test-fast: install-dev
	$(TEST_ENV) TEST_DATABASE_URL= $(BIN)/python -m pytest -m "$(FAST_MARKERS)" $(PYTEST_ARGS)

# lithloop vs pyvroom vs PyVRP on 24 generated regional days (BENCH_ARGS="--quick", ...)
bench: install-dev
	$(BIN)/python bench/routing_regional.py $(BENCH_ARGS)

# Mutation testing of the pure cores (docs/testing.md); slow, not part of `make test` or CI.
# State in mutants/: a re-run tries only what changed and the survivors (MUTATE_JOBS=2).
mutate: install-dev
	$(BIN)/python tools/mutate.py $(MUTATE_ARGS)

lint: install-dev  # ruff check, ruff format --check, mypy on the pure cores
	$(BIN)/ruff check lithloop tests bench tools
	$(BIN)/ruff format --check lithloop tests bench tools
	$(BIN)/mypy  # routing, pricing, batteries, clock, vocab ([tool.mypy] in pyproject.toml)

clean:
	rm -rf $(VENV) instance .pytest_cache mutants
