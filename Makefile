# Rankfile's two commands: `make run` and `make test`. Everything a fresh clone needs
# (virtualenv, Python packages, front-end assets from package-lock.json, database, demo data)
# is installed by these targets; nothing has to be done by hand first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := static/vendor
VENDOR_FILES := $(VENDOR)/htmx.min.js $(VENDOR)/pico.classless.min.css
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev assets lint typecheck messages bench clean

run: export RANKFILE_ENV ?= development
run: install assets
	$(BIN)/rankfile migrate
	$(BIN)/rankfile demo --if-empty
	$(BIN)/rankfile serve --host $(HOST) --port $(PORT)

test: install-dev assets
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
assets: $(VENDOR_FILES)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

# Third-party front-end code comes from the npm lockfile, never from a commit.
node_modules/.package-lock.json: package-lock.json package.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

$(VENDOR)/htmx.min.js: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $@

$(VENDOR)/pico.classless.min.css: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/@picocss/pico/css/pico.classless.min.css $@

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

# Extract every translatable string from code and templates into app/locale/messages.pot.
messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -o app/locale/messages.pot --no-location --omit-header .

bench: install-dev assets
	$(BIN)/python bench/coworkers.py
	$(BIN)/python bench/readiness.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache
