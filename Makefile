# The one entry point. `make run` and `make test` work on a fresh machine with Python 3.11+,
# Node.js and make: SQLite, Celery eager, no Redis needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= twinning.settings.local

.PHONY: run setup test test-fast lint format bench clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

static/vendor/.copied: node_modules/.installed scripts/copy-vendor.mjs
	npm run --silent vendor
	@touch $@

setup: $(VENV)/.installed static/vendor/.copied

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo
	@echo ""
	@echo "  Twinning is running at http://$(HOST):$(PORT)/  (staff admin: http://$(HOST):$(PORT)/admin/)"
	@echo "  E-mails are printed in this terminal. Stop with Ctrl-C."
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

# Runs the whole suite. Service and browser tests run when DATABASE_URL / REDIS_URL and
# Chromium are there, and are skipped with a message otherwise (under CI=true they fail instead).
test: setup
	DJANGO_SETTINGS_MODULE=twinning.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

test-fast: setup
	DJANGO_SETTINGS_MODULE=twinning.settings.test $(VENV)/bin/pytest -m "not slow" $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	DJANGO_SETTINGS_MODULE=twinning.settings.test $(PY) manage.py makemigrations --check --dry-run

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The engine against OR-tools and SciPy, then the end-to-end run and the admin at 10,000 rows on
# the database of DATABASE_URL (PostgreSQL for figures that mean something). See benchmarks/RESULTS.md.
bench: setup
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	$(PY) benchmarks/run.py --sizes 1000,10000 --repeats 5
	$(PY) benchmarks/django_bench.py --count 10000 --repeats 5

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles .pytest_cache .ruff_cache
