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

.PHONY: run test install system-deps lint messages check-deploy clean oidc-provider oidc-provider-helseid

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
	@echo "Vegviser: http://127.0.0.1:$(PORT)  (users: ke, koordinator, fysio, lege, ergo, laerer, ppt, habilitering, henvisning, vurdering, avdeling, kehf, leder, admin, pasient, forelder, ungdom; password: demo)"
	@# The job queue's consumer beside the server, stopped with it (Ctrl-C or the server's end).
	$(DEV_ENV) $(BIN)/vegviser run_huey --quiet & consumer=$$!; \
		trap 'kill $$consumer 2>/dev/null; wait $$consumer 2>/dev/null' EXIT INT TERM; \
		$(DEV_ENV) $(BIN)/vegviser runserver 127.0.0.1:$(PORT)

# The OpenID Connect provider the tests use, configured like ID-porten, for logging in by hand: start it here,
# then `make run` in another terminal with the variables it prints (docs/deploy.md, "ID-porten").
OIDC_PROVIDER_PORT ?= 8400
oidc-provider:
	@command -v node >/dev/null 2>&1 || { echo "The test provider needs Node.js and npm: bash scripts/system-deps.sh test" >&2; exit 1; }
	@[ tests/oidc_provider/node_modules/.package-lock.json -nt tests/oidc_provider/package-lock.json ] || \
		(cd tests/oidc_provider && npm ci --no-audit --no-fund --loglevel=error)
	@mkdir -p var
	@printf 'vegviser-development-secret' > var/idporten-client-secret
	@echo "In another terminal: IDPORTEN_ISSUER=http://127.0.0.1:$(OIDC_PROVIDER_PORT) IDPORTEN_CLIENT_ID=vegviser IDPORTEN_CLIENT_SECRET_FILE=$(CURDIR)/var/idporten-client-secret make run"
	cd tests/oidc_provider && OIDC_PROVIDER_PORT=$(OIDC_PROVIDER_PORT) VEGVISER_URL=http://127.0.0.1:$(PORT) node server.mjs

# The same provider configured like HelseID: the client's key pair is made in var/ at the first start.
HELSEID_PROVIDER_PORT ?= 8401
oidc-provider-helseid:
	@command -v node >/dev/null 2>&1 || { echo "The test provider needs Node.js and npm: bash scripts/system-deps.sh test" >&2; exit 1; }
	@[ tests/oidc_provider/node_modules/.package-lock.json -nt tests/oidc_provider/package-lock.json ] || \
		(cd tests/oidc_provider && npm ci --no-audit --no-fund --loglevel=error)
	@mkdir -p var
	@echo "In another terminal: HELSEID_ISSUER=http://127.0.0.1:$(HELSEID_PROVIDER_PORT) HELSEID_CLIENT_ID=vegviser HELSEID_PRIVATE_KEY_FILE=$(CURDIR)/var/helseid-client-key.json make run"
	cd tests/oidc_provider && OIDC_PROVIDER_PROFILE=helseid OIDC_PROVIDER_PORT=$(HELSEID_PROVIDER_PORT) \
		HELSEID_CLIENT_KEY_FILE=$(CURDIR)/var/helseid-client-key.json VEGVISER_URL=http://127.0.0.1:$(PORT) node server.mjs

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
