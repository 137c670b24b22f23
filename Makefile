# Senapas: `make demo` and `make test` are all a fresh clone needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: install
	$(BIN)/senapas demo

test: install
	$(BIN)/ruff check engine web tests
	$(BIN)/mypy engine
	$(BIN)/pytest -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check engine web tests
	$(BIN)/mypy engine web

bench: install
	$(BIN)/senapas bench

clean:
	rm -rf $(VENV) instance test-artifacts
