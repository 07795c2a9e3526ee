# Chronicon: `make demo` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STORE  ?= data/store
PORT   ?= 5000

.PHONY: demo install test lint stress bench clean

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/kg

install: $(BIN)/kg

## demo: install, build seeds/ into the default store, serve on http://127.0.0.1:$(PORT)
demo: install
	$(BIN)/kg build seeds/ --store $(STORE) || true
	@echo "Chronicon is serving on http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(BIN)/kg serve --store $(STORE) --port $(PORT)

## test: lint and the whole test suite (about ten minutes at most)
test: install
	$(BIN)/ruff check kg tests
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check kg tests

## stress: the slow soak and fault runs (issue 7)
stress: install
	$(BIN)/python -m pytest -q -m stress tests/stress

## bench: the benchmarks, written to bench/RESULTS.md (issue 9)
bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) data dist build *.egg-info .pytest_cache
