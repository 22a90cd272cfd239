# Entry points: `make run` (the site on SQLite with demo data), `make test` (the whole suite,
# on SQLite and on a throwaway PostgreSQL server), `make bench` (benchmarks, not tests).
# Each target installs what it needs first; a second run reuses it.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed
CSS := build/static/safer_norfolk/application.css

.PHONY: lock run test bench bench-small load lint check-deploy test-sqlite test-postgres test-postgres-server test-browser test-contract install assets clean

run: install assets
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# The suites are independent, each on a database of its own: the PostgreSQL run (the whole
# suite, shared among pytest-xdist workers, each keeping pytest-django's order so that the
# tests that empty the tables come last on each), the browser tests, the SQLite
# run (only the tests marked `sqlite`: code with a path of its own per engine), the API contract
# test and the tests that stop and start the PostgreSQL server. Two jobs run at a time (a
# third only slows the others: the processors are busy), the longest first, and each one's
# output is printed whole when it ends, with its slowest tests.
WORKERS ?= 2
JOBS ?= 2
PYTEST := $(BIN)/pytest --durations=15
test: install assets lint check-deploy
	$(MAKE) --no-print-directory -j$(JOBS) --output-sync=target \
		test-postgres test-browser test-sqlite test-contract test-postgres-server

install: $(INSTALLED)

# Exactly the locked versions, each checked against its hash; then the project itself.
$(INSTALLED): pyproject.toml requirements/development.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/development.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# The lock files, after a change to pyproject.toml: versions already locked are kept where the
# ranges still allow them. `make lock UPGRADE="--upgrade-package django"` moves one package
# (docs/development.md).
LOCK := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(UPGRADE)
lock: install
	$(LOCK) --output-file=requirements/production.txt pyproject.toml
	$(LOCK) --extra=dev --output-file=requirements/development.txt pyproject.toml

assets: $(CSS)

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(CSS): $(NODE_INSTALLED) $(wildcard assets/scss/*.scss)
	npm run --silent build

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# The production settings must pass Django's deployment checks with no warning.
check-deploy: install
	DJANGO_ENV=production ALLOWED_HOSTS=safer-norfolk.example.org \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	$(PY) manage.py check --deploy --fail-level WARNING

# On SQLite, what differs by engine: simple search, the outstanding page's SQL, bulk writes
# with their history, locking, the demo and scale data that `make run` loads, a crawl of
# every public page for leaks. Mark a module `sqlite` when its code takes a path of its own
# on SQLite.
test-sqlite: install assets
	$(PYTEST) -m "sqlite and not contract and not browser and not postgres"

# On PostgreSQL the whole suite but the browser tests, the contract test and the tests that
# stop the server, which each have a run of their own.
test-postgres: install assets
	$(PY) tests/postgres_server.py $(PYTEST) -n $(WORKERS) --dist load \
		-m "not contract and not browser and not postgres"

# The tests that stop and start the PostgreSQL server under a worker (or read it whole, as
# the backups do): alone on a server of their own.
test-postgres-server: install assets
	$(PY) tests/postgres_server.py $(PYTEST) -m "postgres and not browser"

# The browser tests: Playwright driving Chromium against a live server, on PostgreSQL.
test-browser: install assets
	$(PY) tests/postgres_server.py $(PYTEST) -m browser

# The API contract test (schemathesis against gunicorn serving a live PostgreSQL database), in
# a run of its own on a throwaway server of its own.
test-contract: install assets
	$(PY) tests/postgres_server.py $(PYTEST) -m contract

# Benchmarks (not part of the test suite); figures go in docs/performance.md.
bench: install assets
	$(PY) benchmarks/pdf.py
	$(PY) tests/postgres_server.py sh -c "$(PY) manage.py migrate -v0 && $(PY) benchmarks/import_observations.py"
	$(PY) tests/postgres_server.py sh -c "$(PY) manage.py migrate -v0 && $(PY) benchmarks/import_plan.py"
	$(PY) tests/postgres_server.py sh -c "$(PY) manage.py migrate -v0 && $(PY) benchmarks/alerts.py"
	$(PY) tests/postgres_server.py --keep benchmarks/data/county $(PY) benchmarks/pages.py --scale county

# The page benchmark alone, on the small dataset (every public URL pattern: several
# minutes); both need wrk. Either fails when a pattern misses its share of the ceiling.
bench-small: install assets
	$(PY) tests/postgres_server.py --keep benchmarks/data/small $(PY) benchmarks/pages.py --scale small

# Load test (not part of the test suite): gunicorn with production settings under wrk, on a
# throwaway PostgreSQL; figures go in docs/performance.md. Needs wrk (apt-get install wrk).
load: install assets
	$(PY) tests/postgres_server.py $(PY) benchmarks/load.py

clean:
	rm -rf $(VENV) node_modules build staticfiles .pytest_cache
