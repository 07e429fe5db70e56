# KITU platform. `make run` and `make test` work on a fresh machine with Python 3.11+ and Node.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: install run test test-sqlite test-postgres bench lint messages clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Local demo: SQLite in var/, demo data, relaxed second factor (never in production).
run: export KITU_DEMO = 1
run: export KITU_RELAX_2FA = 1
run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "KITU-Plattform: http://127.0.0.1:8000  (Ctrl+C beendet)"
	$(PY) manage.py runserver 127.0.0.1:8000

# The whole suite on SQLite (with browser tests where Chromium is installed) and, where KITU_TEST_POSTGRES
# is set, on PostgreSQL at the same time (one process per core); the PostgreSQL log follows the SQLite one.
test: install
	@mkdir -p var
	@if [ -n "$$KITU_TEST_POSTGRES" ]; then \
		$(MAKE) --no-print-directory test-postgres > var/test-postgres.log 2>&1 & postgres_pid=$$!; \
		$(MAKE) --no-print-directory test-sqlite; sqlite=$$?; \
		wait $$postgres_pid; postgres=$$?; \
		echo "===== PostgreSQL run (var/test-postgres.log) ====="; cat var/test-postgres.log; \
		echo "SQLite run: exit $$sqlite; PostgreSQL run: exit $$postgres"; \
		[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]; \
	else \
		$(MAKE) --no-print-directory test-sqlite && $(MAKE) --no-print-directory test-postgres; \
	fi

test-sqlite:
	env -u DATABASE_URL -u DJANGO_SETTINGS_MODULE $(VENV)/bin/pytest -p no:cacheprovider --ds=config.settings.test

test-postgres:
	@if [ -n "$$KITU_TEST_POSTGRES" ]; then \
		DATABASE_URL="$$KITU_TEST_POSTGRES" $(VENV)/bin/pytest -p no:cacheprovider --ds=config.settings.test -m "not browser"; \
	else \
		echo "PostgreSQL run skipped: KITU_TEST_POSTGRES is not set (e.g. postgres://postgres@127.0.0.1:5432/kitu)"; \
	fi

bench: install
	$(PY) bench/run.py
	$(PY) bench/catalog.py
	$(PY) bench/optimizer.py
	$(PY) bench/orders.py
	$(PY) bench/defects.py
	$(PY) bench/billing.py
	$(PY) bench/tasks.py
	$(PY) bench/council.py
	$(PY) bench/payables.py
	$(PY) bench/servicedesk.py
	$(PY) bench/tenants.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

messages: install
	$(PY) manage.py makemessages -l en --ignore=node_modules --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages -l en --ignore=node_modules --ignore=.venv

clean:
	rm -rf $(VENV) node_modules var
