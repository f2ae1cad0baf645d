# The commands the README and CI use. `make run` for a first look, `make test` before a push
# (CI calls exactly `make test`, see .ci/run).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# Test processes (pytest-xdist): the end-to-end tests run in one, the rest share out; 0 runs in this process.
PYTEST_WORKERS ?= 2

# Production-like settings for `check --deploy`. The key is a throwaway literal used only by
# this check; it is long and varied enough to pass Django's strength checks (W009).
DEPLOY_CHECK_ENV := DEBUG=false \
	SECRET_KEY='deploy-check-only-7Qm2xV9kR4tB8nW3zL6pF1sH5dJ0cY-not-used-anywhere-else' \
	ALLOWED_HOSTS=desk.example.com

.DEFAULT_GOAL := help
.PHONY: help venv install run lint typecheck test bench loadtest clean

help:
	@echo "make run        install, migrate, seed demo data, start web + worker + beat"
	@echo "make test       lint, then pytest in $(PYTEST_WORKERS) processes (PYTEST_ARGS='-k name', PYTEST_WORKERS=0)"
	@echo "make lint       ruff, mypy, import contracts (docs/architecture.md), missing-migrations check, OpenAPI check,"
	@echo "                check --deploy"
	@echo "make typecheck  mypy on the application code"
	@echo "make install    create $(VENV) and install requirements-dev.txt"
	@echo "make bench      seed 1,000,000 tickets, 3,000,000 messages and 100,000 help articles on PostgreSQL;"
	@echo "                time the sweep, the queue page, 10 saved views' counts, a 10,000-ticket bulk close,"
	@echo "                the desk's search and knowledge-base search (JSON)"
	@echo "make loadtest   gunicorn + worker on PostgreSQL and Redis under locust: customers submitting, 20 agents"
	@echo "                replying; the submission rate held with p99 to the acknowledgement under 2 s"

venv install: $(STAMP)

# Reinstalls only when a requirements file is newer than the stamp.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

run: $(STAMP)
	VENV=$(VENV) scripts/run-dev.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy helpdesk tickets knowledgebase canned_responses portal desk mail webhooks satisfaction reporting api
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(DEPLOY_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING

typecheck: $(STAMP)
	$(VENV)/bin/mypy helpdesk tickets knowledgebase canned_responses portal desk mail webhooks satisfaction reporting api

test: lint
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The benchmark needs PostgreSQL (a local one by default); BENCH_ARGS='--tickets 100000 --reseed'.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/helpdesk_bench
BENCH_ARGS ?=
# The knowledge-base search benchmark (100,000 articles); KB_BENCH_ARGS='--articles 100000 --reseed'.
KB_BENCH_ARGS ?=
# The reports (roll-up and page); REPORTS_BENCH_ARGS='--backfill --days 90'.
REPORTS_BENCH_ARGS ?=
# Production settings (DEBUG off, compressed static files); the broker is in memory so the
# figures are the database's and Django's, not a network hop's.
BENCH_ENV := $(DEPLOY_CHECK_ENV) ALLOWED_HOSTS=localhost SECURE_SSL_REDIRECT=false \
	DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=memory:// LOG_LEVEL=WARNING
bench: $(STAMP)
	psql "$(dir $(BENCH_DATABASE_URL))postgres" -qc "CREATE DATABASE $(notdir $(BENCH_DATABASE_URL))" 2>/dev/null || true
	$(BENCH_ENV) $(PY) manage.py migrate -v0
	$(BENCH_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(BENCH_ENV) $(PY) manage.py bench $(BENCH_ARGS)
	$(BENCH_ENV) $(PY) manage.py api_bench
	$(BENCH_ENV) $(PY) manage.py bench_paths
	$(BENCH_ENV) $(PY) manage.py kb_bench $(KB_BENCH_ARGS)
	$(BENCH_ENV) $(PY) manage.py reports_bench $(REPORTS_BENCH_ARGS)

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache test-artifacts

# The load test (loadtest/run.py): needs PostgreSQL, Redis, psql, redis-cli and openssl on this machine.
LOAD_STAMP := $(VENV)/.installed-load
$(LOAD_STAMP): requirements-load.txt $(STAMP)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-load.txt
	touch $@

loadtest: $(LOAD_STAMP)
	$(PY) loadtest/run.py

