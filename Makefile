# Förderbuch: `make run` and `make test` each do all of their own set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint install bench bench-quick clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/foerderbuch serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Style, lint and types: main stays clean on all three (run before landing).
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

# The benchmark (tests/bench/run.py): 10k, 100k and 1M events; generated stores are kept in .bench/cache.
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

# The same at 10k events with fewer requests, in about two minutes: a smoke test (fails on errors, never on slowness).
bench-quick: $(STAMP)
	$(BIN)/python -m tests.bench.run --quick $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-output .bench bench-results.json
