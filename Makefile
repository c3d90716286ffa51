# The two commands of the README: `make run` serves the app, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
GUIDE := fixtures/guides/ml-engineer.txt
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev lint typecheck format guide fixture bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the pins change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-bench: requirements.txt requirements-dev.txt requirements-bench.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

guide: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_guide $(GUIDE) --slug ml-engineer

run: guide
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Types of the services, selectors and scheduling code (the paths are in pyproject.toml).
typecheck: install-dev
	$(BIN)/mypy

# Tests in random order (pytest-randomly: repeat an order with PYTEST_ARGS=--randomly-seed=N),
# with branch coverage of at least 90 %, on one worker per CPU (pytest-xdist; TEST_WORKERS=0 runs them
# in this process). Each worker has its own test database, and runs whole modules (--dist loadfile): the
# tests of one module may share a resource, as test_multinode's servers share one Redis database.
TEST_WORKERS ?= auto
test: lint typecheck
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --cov --cov-report=term --cov-fail-under=90 $(PYTEST_ARGS)

# Regenerate fixtures/ml-engineer.json after changing the guide or its annotations.
fixture: guide
	$(BIN)/python manage.py export_guide_fixture ml-engineer -o fixtures/ml-engineer.json

# Load and scale figures on PostgreSQL (never part of `make test`): see bench/load.py and docs/performance.md.
# BENCH_ARGS=--quick for a short trial run.
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/load.py $(BENCH_ARGS)
