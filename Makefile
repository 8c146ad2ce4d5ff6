# Förderbuch: `make run` and `make test` each do all of their own set-up on a fresh machine.
# Dependencies come from requirements.lock (every package pinned and hashed), installed by the pip pinned in requirements-pip.lock; `make lock` updates both.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements-pip.lock requirements.lock | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint lock install bench bench-quick clean messages

$(STAMP): pyproject.toml requirements-pip.lock requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-pip.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/foerderbuch serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Style, lint, types and the dependency arrows: main stays clean on all four (run before landing).
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The translation catalogue (README, "Translations"): extracts every text marked in Python (_, gettext, N_,
# message) and in the templates (_) into web/locale/messages.pot and merges it into the English .po;
# new or changed texts then want English there (tests/web/test_catalogue_complete.py says which).
LOCALE := web/locale
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k message --no-location --sort-output --no-wrap \
		--project=Förderbuch --version=0.1.0 --copyright-holder="Stadt Dortmund" -o $(LOCALE)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -D messages -l en --no-wrap

# Re-resolves pyproject.toml's pins (runtime, test and lint extras) into requirements.lock, for every
# supported Python; versions already locked are kept unless pyproject asks otherwise. To move
# everything to the newest allowed releases: make lock LOCK_ARGS=--upgrade
LOCK_ARGS ?=
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra test --extra lint --generate-hashes --universal \
		--python-version 3.11 --no-header --quiet $(LOCK_ARGS) -o requirements.lock
	$(BIN)/uv pip compile requirements-pip.in --generate-hashes --universal \
		--python-version 3.11 --no-header --quiet $(LOCK_ARGS) -o requirements-pip.lock

# The benchmark (tests/bench/run.py): 10k, 100k and 1M events; generated stores are kept in .bench/cache.
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

# The same at 10k events with fewer requests, in about two minutes: a smoke test (fails on errors, never on slowness).
bench-quick: $(STAMP)
	$(BIN)/python -m tests.bench.run --quick $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .venv313 .pytest_cache .hypothesis test-output .bench bench-results.json
