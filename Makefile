# policykg — the two commands a user needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STORE  := build/store
PLANS  ?=
VENDOR := api/static/vendor/manifest.json

.PHONY: run test build serve lint bench clean system-deps frontend node-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The stamp is re-made whenever pyproject.toml changes. The browser assets come first (order only:
# a rebuilt bundle needs no reinstall, the package is installed in place).
$(VENV)/.installed: pyproject.toml | $(BIN)/python $(VENDOR)
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# The browser assets (the /query editor, /docs, /redoc) from npm, bundled into api/static/vendor/
# (git-ignored); nothing is fetched when the server runs. --ignore-scripts: no package needs an
# install script here (esbuild finds its binary without one), and it keeps install-time analytics
# (swagger-ui-dist's scarf) off the network. node_modules/.package-lock.json is npm ci's own stamp.
frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null 2>&1 || $(MAKE) --no-print-directory node-deps
	cd frontend && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

$(VENDOR): frontend/node_modules/.package-lock.json frontend/build.mjs $(wildcard frontend/src/*)
	cd frontend && node build.mjs

frontend: $(VENDOR)

# Node.js and npm from Debian when missing (as root), else one line saying what to install.
node-deps:
	@if ! command -v npm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else echo "error: npm not found: install Node.js (>= 18) and npm to build the browser assets" >&2; exit 1; fi; \
	fi

# Debian packages the page tests and the reasoner use (Chromium, Java). Installed only when
# missing and only where apt-get can run (root); elsewhere the tests that need them say so.
# A font with Chinese glyphs (fonts-wqy-microhei) draws the calendar's PNG/SVG and makes screenshots legible.
# virtuoso-opensource: the tests start Virtuoso (virtuoso-t, isql-vt) on 127.0.0.1 as a remote store.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q . \
	    || ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium default-jre-headless fonts-wqy-microhei \
	      virtuoso-opensource >/dev/null; \
	  else echo "note: chromium/java/a Chinese font/Virtuoso missing and cannot be installed here; browser, reasoner, report-image and Virtuoso tests will be skipped"; fi; \
	fi

# The store is rebuilt when it is missing or older than the code and data it is built with.
# `current` is the symlink to the store's current generation: make sees that generation's time.
# PLANS=dir/ builds those plans instead of the bundled one (make run PLANS=plans/).
$(STORE)/current: $(VENV)/.installed $(wildcard loaders/*.py loaders/formats/*.py loaders/data/*.yaml loaders/data/*/* ontology/*.ttl kg/*.py)
	$(BIN)/policykg build $(PLANS) --store $(STORE)

build: $(STORE)/current

run: $(STORE)/current frontend
	$(BIN)/policykg serve --store $(STORE) --host $(HOST) --port $(PORT)

test: $(VENV)/.installed system-deps frontend
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check .

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf build .pytest_cache test-artifacts
