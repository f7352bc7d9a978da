# policykg — the two commands a user needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
GRAPH  := build/kg.ttl

.PHONY: run test build serve lint bench clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The stamp is re-made whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# Debian packages the page tests and the reasoner use (Chromium, Java). Installed only when
# missing and only where apt-get can run (root); elsewhere the tests that need them say so.
# A font with Chinese glyphs (fonts-wqy-microhei) draws the calendar's PNG/SVG and makes screenshots legible.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium default-jre-headless fonts-wqy-microhei >/dev/null; \
	  else echo "note: chromium/java/a Chinese font missing and cannot be installed here; browser, reasoner and report-image tests will be skipped"; fi; \
	fi

$(GRAPH): $(VENV)/.installed $(wildcard loaders/*.py loaders/formats/*.py loaders/data/*.yaml loaders/data/samples/* ontology/*.ttl kg/*.py)
	$(BIN)/policykg build --out $(GRAPH)

build: $(GRAPH)

run: $(GRAPH)
	$(BIN)/policykg serve --graph $(GRAPH) --host $(HOST) --port $(PORT)

# JavaScript from the npm registry (frontend/package-lock.json): axe-core for the pages' accessibility tests.
frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

test: $(VENV)/.installed system-deps frontend/node_modules/.installed
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check .

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf build .pytest_cache test-artifacts
