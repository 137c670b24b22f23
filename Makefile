# Senapas: `make demo` and `make test` are all a fresh clone needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install system-deps demo test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian packages the browser tests and PDF checks use (Chromium, poppler, fonts); needs root.
SYSTEM_PACKAGES := chromium poppler-utils fonts-dejavu-core fonts-liberation
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing $$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

demo: install
	$(BIN)/senapas demo

test: install
	$(BIN)/ruff check engine web bench tests
	$(BIN)/mypy engine bench
	$(BIN)/pytest -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check engine web bench tests
	$(BIN)/mypy engine web bench

bench: install
	$(BIN)/senapas bench

clean:
	rm -rf $(VENV) instance test-artifacts
