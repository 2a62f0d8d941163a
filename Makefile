# Grappe — every set-up step is here, so that a fresh clone needs only `make run` or `make test`.
# `make help` lists the commands.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
CHROMIUM := /usr/bin/chromium
INSTALLED := $(VENV)/.installed
# The test suite's database (pytest-django creates test_<name> next to it). Override from the environment.
TEST_DATABASE_URL := postgres://postgres@127.0.0.1:5432/grappe
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-x tests/clusters"`.
PYTEST_ARGS ?=
# pytest-xdist spreads the suite over the cores: `-n auto` is one worker per core (a single core runs it in one
# process). PYTEST_WORKERS=4 sets the number, PYTEST_WORKERS=0 (or PYTEST_ARGS="-n 0") runs in one process, e.g.
# for --pdb. `--dist worksteal` (docs/development/tests.md, "Parallel runs"): each worker starts with half of the suite in pytest-django's
# order and takes tests from the end of another's queue when its own is empty, so both finish together; after a
# transactional test, tests/conftest.py puts the migrated catalogue back, so a worker may run any test after it.
PYTEST_DIST ?= worksteal
PYTEST_WORKERS ?= $(shell [ "$$(nproc 2>/dev/null || echo 1)" -gt 1 ] && echo auto || echo 0)

comma := ,

.PHONY: help install lock hooks run demo test lint format check-migrations docs docs-check browser checkers pdftools services database bench messages clean distclean

help: ## List the commands
	@echo "Grappe — make targets:"
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-18s %s\n", $$1, $$2}'

# Reproducible installs: requirements-dev.lock (everything `make install` needs) and requirements.lock (the
# Docker image: no development tools) pin every package with its hashes; `make lock` regenerates both from
# pyproject.toml. When pyproject.toml asks for something a lock lacks (a colleague added a dependency), `make
# install` says so and installs from pyproject.toml's ranges instead, so that work goes on until `make lock`.
LOCK := requirements-dev.lock
LOCK_EXTRAS := dev,sentry
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host --resolver=backtracking

$(INSTALLED): pyproject.toml $(wildcard $(LOCK))
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { \
	   if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	     echo "Installing Debian's python3-venv…"; rm -rf $(VENV); \
	     apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv \
	       && $(PYTHON) -m venv $(VENV); \
	   else echo "*** $(PYTHON) -m venv failed: install python3-venv." >&2; exit 1; fi; }
	$(PIP) install --quiet --upgrade pip
	@if $(PY) bin/check_lock.py $(LOCK) --extras $(LOCK_EXTRAS); then \
	   echo "Installing the pinned, hash-checked packages of $(LOCK)…"; \
	   $(PIP) install --quiet --require-hashes -r $(LOCK) && $(PIP) install --quiet --no-deps -e .; \
	 else \
	   echo "*** Installing from pyproject.toml's version ranges instead (not reproducible): run 'make lock'."; \
	   $(PIP) install --quiet -e '.[$(LOCK_EXTRAS)]'; \
	 fi
	@touch $@

lock: ## Regenerate requirements.lock and requirements-dev.lock (pinned, with hashes) from pyproject.toml
	@test -x $(PY) || $(MAKE) install
	$(PIP) install --quiet 'pip-tools>=7.4,<8'
	$(PIP_COMPILE) --extra sentry --output-file requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra $(subst $(comma), --extra ,$(LOCK_EXTRAS)) --output-file $(LOCK) pyproject.toml
	@echo "Locked. Commit requirements.lock and $(LOCK); 'make install' now installs exactly these versions."

install: $(INSTALLED) ## Create .venv and install Grappe with its development tools

hooks: ## Let git merge the gettext catalogues entry by entry (see .gitattributes)
	git config merge.po.name "gettext catalogue, entry by entry"
	git config merge.po.driver '$(abspath $(PY)) bin/merge_po.py %O %A %B'
	git config merge.mo.name "compiled catalogue: keep ours, recompile"
	git config merge.mo.driver true

run: install ## Start the app with demo data: SQLite, web server and Celery worker (Ctrl-C stops both)
	$(MANAGE) migrate --no-input
	@if ! compgen -G 'locale/*/LC_MESSAGES/*.po' >/dev/null; then echo "No translation catalogue in locale/."; \
	 elif command -v msgfmt >/dev/null; then $(MANAGE) compilemessages --ignore='.venv' --ignore='var' -l fr -l en >/dev/null; \
	 else echo "gettext's msgfmt not found: using the committed .mo files"; fi
	$(MANAGE) load_demo
	$(PY) bin/run_local.py

demo: install ## Load (or refresh) the demo data into the local SQLite database
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo

test: export DJANGO_SETTINGS_MODULE := config.settings.test
test: export DATABASE_URL ?= $(TEST_DATABASE_URL)
test: install browser checkers pdftools database lint check-migrations docs-check ## Run the whole suite (PostgreSQL, Redis, a real worker, chromium)
	@if [ -x $(CHROMIUM) ]; then \
	   $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) $(PYTEST_ARGS); \
	 else \
	   echo "*** $(CHROMIUM) is missing and could not be installed: the browser tests are SKIPPED (-m 'not browser')."; \
	   $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) -m 'not browser' $(PYTEST_ARGS); \
	 fi

pdftools: ## Install poppler-utils (pdftotext, pdfsig, pdfinfo) for the PDF tests (when root and missing)
	@if command -v pdfsig >/dev/null && command -v pdftotext >/dev/null; then exit 0; fi; \
	 if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	   echo "Installing Debian's poppler-utils for the PDF tests…"; \
	   apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends poppler-utils; \
	 else \
	   echo "*** poppler-utils (pdfsig, pdftotext) is missing: install it as root; the PDF tests skip without it (and fail on CI)."; \
	 fi

browser: ## Install Debian's chromium for the browser tests (when root and missing)
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	 if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	   echo "Installing Debian's chromium for the browser tests…"; \
	   (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) \
	     || echo "*** Could not install chromium: the browser tests will be skipped."; \
	 else \
	   echo "*** $(CHROMIUM) is missing (install Debian's chromium as root): the browser tests will be skipped."; \
	 fi

CHECKERS := node_modules/axe-core/axe.min.js node_modules/vnu-jar/build/dist/vnu.jar
checkers: ## Install the accessibility and HTML checkers (npm axe-core, vnu-jar; Java and npm via apt when root)
	@if ! command -v java >/dev/null || ! command -v npm >/dev/null; then \
	   if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	     echo "Installing Debian's Java runtime and npm for the checkers…"; \
	     apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	       $$(command -v java >/dev/null || echo default-jre-headless) $$(command -v npm >/dev/null || echo npm); \
	   else echo "*** java or npm is missing (install default-jre-headless and npm): the checks will be skipped."; fi; \
	 fi
	@if command -v npm >/dev/null && { [ "$${CI:-}" = true ] || ! ls $(CHECKERS) >/dev/null 2>&1; }; then \
	   echo "Installing axe-core and vnu-jar (package-lock.json)…"; npm ci --no-audit --no-fund --loglevel=error; \
	 fi

services: ## PostgreSQL and Redis on 127.0.0.1 for the tests: started when down, Debian's installed when missing and root
	bin/services.sh

database: export DATABASE_URL ?= $(TEST_DATABASE_URL)
database: install services ## Create the PostgreSQL database named by DATABASE_URL if it does not exist
	$(PY) bin/ensure_database.py

lint: install ## ruff check ., the import contracts of pyproject.toml (lint-imports) and djLint on templates/
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/djlint templates --lint
	$(VENV)/bin/djlint templates --check

format: install ## ruff format and ruff's import sorting; djLint reformats templates/
	$(VENV)/bin/ruff check --select I --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint templates --reformat

check-migrations: export DJANGO_SETTINGS_MODULE := config.settings.test
check-migrations: install ## Fail when a model change has no migration
	$(MANAGE) makemigrations --check --dry-run

# The documentation site (mkdocs.yml, docs/): --strict turns every warning (a broken link or anchor, a page in the
# nav that does not exist, a missing included file) into a failure. Building needs no network.
docs: install ## Build the documentation site into site/ (open site/index.html; `.venv/bin/mkdocs serve` to edit)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

docs-check: install ## Build the documentation with --strict into a temporary folder (part of `make test`)
	@site=$$(mktemp -d); trap 'rm -rf "$$site"' EXIT; NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet --site-dir "$$site"

bench: install ## Run the performance scripts in bench/ (they print their figures)
	@shopt -s nullglob; scripts=(bench/population.py); \
	 for script in bench/[!_]*.py; do [ "$$script" = bench/population.py ] || scripts+=("$$script"); done; \
	 for script in "$${scripts[@]}"; do echo "== $$script"; $(PY) "$$script"; done

messages: install ## Update the French and English catalogues, then compile them
	$(MANAGE) makemessages -l fr -l en --ignore=.venv --ignore=var --ignore=bench --ignore=tests --no-obsolete
	$(MANAGE) makemessages -d djangojs -l fr -l en --ignore=.venv --ignore=var --ignore=bench --ignore=tests --no-obsolete
	$(MANAGE) compilemessages --ignore='.venv' --ignore='var' -l fr -l en

clean: ## Remove caches, the local broker's messages and test files (keeps .venv and db.sqlite3)
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis var/broker var/test-media var/test-private var/celerybeat-schedule*

distclean: clean ## Also remove .venv, the SQLite database and every file under var/
	rm -rf $(VENV) var db.sqlite3 db.sqlite3-wal db.sqlite3-shm *.egg-info
