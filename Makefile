# The front door: `make run` starts the product with demo data, `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# The first Python >= 3.12 found: on PATH, then pyenv's installed versions ($PYENV_ROOT or
# ~/.pyenv), then the system's.
FIND_PYTHON = pyenv=$${PYENV_ROOT:-$$HOME/.pyenv}; \
	for p in python3.14 python3.13 python3.12 python3 $$pyenv/versions/3.1[2-9]*/bin/python3 \
	/usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do \
	if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	"$$p" -c 'import sys; print(sys.executable)'; break; fi; done

.PHONY: run test install lint format migrations-check demo bench-import serve worker bench backtest clean

$(STAMP): pyproject.toml
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		python=$$($(FIND_PYTHON)); \
		if [ -z "$$python" ]; then echo "Python >= 3.12 wird benötigt und wurde nicht gefunden."; exit 1; fi; \
		echo "Lege $(VENV) mit $$python an"; rm -rf $(VENV); "$$python" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

# Development targets run with DEBUG=1; without it the settings are production's.
run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	@echo
	@echo "Zielsteuerung läuft auf http://$(HOST):$(PORT)/  (Beenden mit Strg+C)"
	@echo "Demo-Zugänge (Passwort jeweils: demo):"
	@echo "  ministerium            Ministerium (MW), Bearbeitung"
	@echo "  jobcenter-heidekreis   Jobcenter Landkreis Heidekreis (03358)"
	@echo "  jobcenter-verden       Jobcenter Landkreis Verden (03361)"
	@echo "  leser                  Lesezugriff (Ausschuss für Zielvereinbarungen)"
	@echo
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

test: install lint migrations-check
	$(VENV)/bin/pytest $(PYTEST_ARGS)

demo: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo

bench-import: install
	$(PY) benchmarks/bench_import.py

# Production-like serving: DEBUG off, PostgreSQL from DATABASE_URL, migrations and
# collectstatic first, then gunicorn with 2 × cores + 1 workers (docs/operations.md).
WORKERS ?= $(shell echo $$(( 2 * $$(nproc 2>/dev/null || echo 1) + 1 )))
serve: install
	@if [ -z "$$SECRET_KEY" ] || [ -z "$$DATABASE_URL" ]; then \
		echo "make serve braucht SECRET_KEY und DATABASE_URL in der Umgebung, z. B.:"; \
		echo "  export SECRET_KEY=\$$(openssl rand -base64 48)"; \
		echo "  export DATABASE_URL=postgres://BENUTZER:PASSWORT@127.0.0.1:5432/zielsteuerung"; \
		echo "Siehe docs/operations.md."; exit 1; fi
	DEBUG=0 $(PY) manage.py migrate --noinput
	DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=0 $(VENV)/bin/gunicorn zielsteuerung.wsgi:application \
		--bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - --timeout 120

# The background worker for TASKS_BACKEND=database (runs the national imports).
worker: install
	$(PY) manage.py db_worker

bench: install
	$(PY) benchmarks/bench.py

# The year-end forecast against the past (docs/forecast.md): national demo data in a
# temporary SQLite database, the tables written into docs/forecast.md.
BACKTEST_DB := $(shell mktemp -u /tmp/zs-backtest-XXXXXX.sqlite3)
backtest: install
	DATABASE_URL=sqlite:///$(BACKTEST_DB) $(PY) manage.py migrate --noinput --verbosity 0
	DATABASE_URL=sqlite:///$(BACKTEST_DB) $(PY) manage.py generate_national_data
	DATABASE_URL=sqlite:///$(BACKTEST_DB) $(PY) manage.py forecast_backtest --write docs/forecast.md
	rm -f $(BACKTEST_DB)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
