# The one entry point. `make run` and `make test` work on a fresh machine with Python 3.11+,
# Node.js and make: SQLite, Celery eager, no Redis needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= twinning.settings.local
# The lock file .venv is synced to: requirements/dev.txt, or requirements/ci.txt (dev + the
# OR-tools reference solver) for CI and `make bench`. See README, "Dependencies".
REQUIREMENTS ?= requirements/dev.txt
UV := $(VENV)/bin/uv
UV_COMPILE := $(UV) pip compile --quiet --no-header --generate-hashes --python-version 3.11

.PHONY: run setup venv lock upgrade test test-fast lint format bench gold loadtest servertime clean

# .venv holds exactly the packages of $(REQUIREMENTS) (hash-checked) and the project, editable.
# scripts/sync_venv.py does nothing when neither the lock nor pyproject.toml changed.
venv:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) scripts/sync_venv.py $(REQUIREMENTS)

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/vendor/.copied: node_modules/.installed scripts/copy-vendor.mjs
	npm run --silent vendor
	@touch $@

setup: venv static/vendor/.copied

# Re-lock after editing the dependencies in pyproject.toml: versions already locked stay as
# they are, new ones are resolved. `make upgrade` moves everything to the newest versions.
# requirements/ci.txt is resolved first; the others are constrained to it, so the same
# package has the same version in every lock file.
lock: venv
	$(UV_COMPILE) pyproject.toml --extra dev --extra bench -o requirements/ci.txt $(UV_FLAGS)
	$(UV_COMPILE) pyproject.toml --extra dev -c requirements/ci.txt -o requirements/dev.txt
	$(UV_COMPILE) pyproject.toml -c requirements/ci.txt -o requirements/prod.txt
	$(UV_COMPILE) requirements/reference.in -o requirements/reference.txt $(UV_FLAGS)
	npm install --package-lock-only --no-audit --no-fund --loglevel=error
	@$(PY) scripts/sync_venv.py $(REQUIREMENTS)

upgrade: venv
	npm update --package-lock-only --no-audit --no-fund --loglevel=error
	$(MAKE) lock UV_FLAGS=--upgrade

# Links in e-mails follow HOST and PORT unless SITE_URL is set.
run: export SITE_URL ?= http://$(HOST):$(PORT)
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

# The quick loop while coding: no browser, no PostgreSQL/Redis/worker, nothing marked slow
# (run `make test` before landing). Measured times are in README.md.
test-fast: setup
	DJANGO_SETTINGS_MODULE=twinning.settings.test $(VENV)/bin/pytest \
		-m "not browser and not services and not slow" $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	DJANGO_SETTINGS_MODULE=twinning.settings.test $(PY) manage.py makemigrations --check --dry-run

# The engine against the hand-written gold set (issue 9): precision@3 against the experts, written
# to benchmarks/RESULTS.md. Uses a fresh SQLite test database.
gold: setup
	$(PY) benchmarks/gold_eval.py --write

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The PyPI `matching` library (the stable-mode reference of the benchmark) has the same name as
# our app: it lives in a venv of its own, which the benchmark calls as a separate process.
REFERENCE_VENV := .venv-reference
$(REFERENCE_VENV)/.installed: requirements/reference.txt
	@test -x $(REFERENCE_VENV)/bin/python || $(PYTHON) -m venv $(REFERENCE_VENV)
	$(REFERENCE_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r $<
	@touch $@

# The engine against OR-tools, SciPy and the `matching` library, then the end-to-end run and
# the admin at 10,000 rows on the database of DATABASE_URL (PostgreSQL for figures that mean
# something). See benchmarks/RESULTS.md.
bench: REQUIREMENTS = requirements/ci.txt
bench: setup $(REFERENCE_VENV)/.installed
	$(PY) -m benchmarks.run --sizes 1000,10000 --repeats 5 --reference-python $(REFERENCE_VENV)/bin/python
	$(PY) -m benchmarks.django_bench --count 10000 --repeats 5

# wrk against gunicorn (production settings over HTTP on 127.0.0.1) on a PostgreSQL database and
# a Redis database of their own (created when missing, emptied first: never point these at data
# you keep), beside a bare "ok" view; then a deadline rush through the real forms. Writes its
# section of benchmarks/RESULTS.md. About 4 minutes on a quiet machine.
LOADTEST_PORT ?= 8160
LOADTEST_ARGS ?=
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/twinning_loadtest
LOADTEST_REDIS_URL ?= redis://127.0.0.1:6379/14
loadtest: REQUIREMENTS = requirements/ci.txt
loadtest: setup
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	DATABASE_URL=$(LOADTEST_DATABASE_URL) REDIS_URL=$(LOADTEST_REDIS_URL) \
		$(PY) benchmarks/loadtest.py --port $(LOADTEST_PORT) --write $(LOADTEST_ARGS)

# Server time of the signed-in pages (in-process, median of 15) at demo scale and at 10,000
# applications, and of the public pages, on PostgreSQL (a database test_<name> of its own,
# created and dropped) and a Redis database of its own (emptied first). Writes its section of
# benchmarks/RESULTS.md. About 4 minutes on a quiet machine.
SERVERTIME_ARGS ?=
SERVERTIME_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/twinning_servertime
SERVERTIME_REDIS_URL ?= redis://127.0.0.1:6379/13
servertime: REQUIREMENTS = requirements/ci.txt
servertime: setup
	DATABASE_URL=$(SERVERTIME_DATABASE_URL) REDIS_URL=$(SERVERTIME_REDIS_URL) \
		$(PY) benchmarks/server_time.py --write $(SERVERTIME_ARGS)

clean:
	rm -rf $(VENV) $(REFERENCE_VENV) node_modules static/vendor staticfiles .pytest_cache .ruff_cache
