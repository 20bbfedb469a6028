# Vegviser. Two commands for a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
# Vegviser runs on Python 3.11: `python3.11` where the machine has it, else `python3` (checked below).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Development and demo: synthetic identity numbers, no second factor required, e-mail to the console, links in
# e-mail to this port; the site's own error pages (VEGVISER_DEBUG_PAGES=1 for Django's).
DEV_ENV := VEGVISER_DEBUG=1 VEGVISER_TEST_IDENTITIES=1 PORT=$(PORT)
TEST_ENV := SECRET_KEY=test-only-secret VEGVISER_TEST_IDENTITIES=1

.PHONY: run test install system-deps lint messages check-deploy clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
		echo "Vegviser needs Python 3.11, and $(PYTHON) is $$($(PYTHON) --version 2>/dev/null || echo "not found")." >&2; \
		echo "Install Python 3.11 (e.g. apt-get install python3.11 python3.11-venv) or name it: make run PYTHON=/path/to/python3.11" >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

system-deps:
	@bash scripts/system-deps.sh test

run: install
	@bash scripts/system-deps.sh run
	mkdir -p var
	$(DEV_ENV) $(BIN)/vegviser migrate --noinput
	$(DEV_ENV) $(BIN)/vegviser demo --if-empty
	@# A database made before the guides were shipped gets them too; importing again changes nothing.
	$(DEV_ENV) $(BIN)/vegviser import_priority_guides
	@echo "Vegviser: http://127.0.0.1:$(PORT)  (users: ke, koordinator, fysio, lege, ergo, laerer, ppt, habilitering, henvisning, vurdering, avdeling, kehf, admin, pasient, forelder, ungdom; password: demo)"
	@# The job queue's consumer beside the server, stopped with it (Ctrl-C or the server's end).
	$(DEV_ENV) $(BIN)/vegviser run_huey --quiet & consumer=$$!; \
		trap 'kill $$consumer 2>/dev/null; wait $$consumer 2>/dev/null' EXIT INT TERM; \
		$(DEV_ENV) $(BIN)/vegviser runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(TEST_ENV) $(BIN)/mypy src
	$(BIN)/lint-imports

# The suite runs in parallel processes on each database, the browser tests apart; those drive one Chromium
# against one live server and run once: on PostgreSQL when DATABASE_URL is set, else on SQLite.
PARALLEL := -n auto --maxprocesses=4 -m "not browser"

test: install system-deps lint
	$(TEST_ENV) $(BIN)/vegviser makemigrations --check --dry-run
	@echo "== tests on SQLite =="
	env -u DATABASE_URL $(TEST_ENV) $(BIN)/pytest $(PARALLEL)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== tests on PostgreSQL =="; \
		$(TEST_ENV) $(BIN)/pytest $(PARALLEL) && \
		echo "== browser tests and the accessibility sweep, on PostgreSQL ==" && \
		$(TEST_ENV) $(BIN)/pytest -m browser; \
	else \
		echo "== browser tests and the accessibility sweep, on SQLite ==" && \
		env -u DATABASE_URL $(TEST_ENV) $(BIN)/pytest -m browser && \
		echo "== PostgreSQL not tested: set DATABASE_URL=postgres://USER@HOST:5432/DB to run the suite there too =="; \
	fi

# Refresh the translation catalogues after changing UI strings; then translate and compile.
messages: install
	cd src/vegviser && $(TEST_ENV) ../../$(BIN)/vegviser makemessages -l nb -l nn -l en --no-obsolete --no-location
	cd src/vegviser && $(TEST_ENV) ../../$(BIN)/vegviser compilemessages

check-deploy: install
	SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=vegviser.example.no \
		$(BIN)/vegviser check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var/static
