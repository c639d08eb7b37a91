# Everyday targets. `make build` and `make test` set up what they need on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BASE_URL ?=
HOST ?= 127.0.0.1
PORT ?= 8000
BENCH_N ?= 1000,10000,50000
BENCH_RUNS ?= 3
# Test processes: one a core, at most four (each build in a test forks workers of its own);
# TEST_JOBS=0 runs the tests in this process.
TEST_JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ "$$n" -gt 4 ] && n=4; echo $$n)

BUILD_FLAGS := $(if $(BASE_URL),--base-url $(BASE_URL),)

.PHONY: build serve test bench bench-smoke lint clean distclean setup

build: $(VENV)/.runtime $(VENV)/.bytecode node_modules/.installed
	$(BIN)/site-gen build $(BUILD_FLAGS)

serve: $(VENV)/.runtime $(VENV)/.bytecode node_modules/.installed
	$(BIN)/site-gen serve --host $(HOST) --port $(PORT) $(BUILD_FLAGS)

test: $(VENV)/.test $(VENV)/.bytecode node_modules/.installed
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadscope
	$(MAKE) bench-smoke

bench: $(VENV)/.test $(VENV)/.bytecode node_modules/.installed
	$(BIN)/python -m bench --sizes $(BENCH_N) --runs $(BENCH_RUNS)

bench-smoke: $(VENV)/.test $(VENV)/.bytecode node_modules/.installed
	$(BIN)/python -m bench --sizes 200 --runs 1 --out .cache/bench-smoke

lint: $(VENV)/.test
	$(BIN)/python -m ruff check site_gen tests bench
	$(BIN)/python -m mypy

setup: $(VENV)/.test node_modules/.installed

clean:
	rm -rf _site _site.* _site-* .cache

distclean: clean
	rm -rf $(VENV) node_modules

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.runtime $@

# The generator's own modules compiled once: where PYTHONDONTWRITEBYTECODE is set (as in many
# containers), Python would otherwise compile them again at every start, 0.05 s of each build.
$(VENV)/.bytecode: $(wildcard site_gen/*.py site_gen/*/*.py) | $(VENV)/bin/python
	$(BIN)/python -m compileall -q site_gen
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@
