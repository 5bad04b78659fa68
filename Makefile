# aftersale — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1

.PHONY: run test install test-deps lint format messages bench clean

$(VENV)/.installed: pyproject.toml
	@bash scripts/system-deps.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.test-installed: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install -q -e ".[test]"
	@touch $@

install: $(VENV)/.installed

test-deps: $(VENV)/.test-installed

## Set up everything, load the demo data once, and serve on http://$(HOST):$(PORT)
run: install
	$(BIN)/aftersale manage migrate --noinput -v 0
	$(BIN)/aftersale demo
	PORT=$(PORT) $(BIN)/aftersale serve --host $(HOST)

## Install what the tests need and run the whole suite on SQLite and on PostgreSQL
test: test-deps
	@bash scripts/run-tests.sh

## Benchmarks on the local PostgreSQL (not part of `make test`): case create, case list, order import.
## Each prints its figures; all three run, and the target fails if any missed its target (bench/README.md)
bench: install
	$(BIN)/python -m pip install -q -e ".[bench]"
	@status=0; \
	for b in case_create case_list order_import; do \
		echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py || status=1; \
	done; \
	exit $$status

lint: test-deps
	$(BIN)/ruff check aftersale tests bench
	$(BIN)/ruff format --check aftersale tests bench

format: test-deps
	$(BIN)/ruff format aftersale tests bench
	$(BIN)/ruff check --fix aftersale tests bench

## Regenerate and compile the translation catalogues
messages: install
	cd aftersale && ../$(BIN)/aftersale manage makemessages -l en --no-obsolete
	cd aftersale && ../$(BIN)/aftersale manage compilemessages -l en

clean:
	rm -rf $(VENV) var build *.egg-info
