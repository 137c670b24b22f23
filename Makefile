# Senapas: `make demo` and `make test` are all a fresh clone needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install system-deps test-deps moddle vendor demo test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian packages pip cannot bring: Chromium for the browser tests, the fonts the letters are set in, Redis for
# the shared rate-limit tests; needs root.
SYSTEM_PACKAGES := chromium fonts-dejavu-core fonts-liberation redis-server
CHROMIUM := /usr/bin/chromium
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing $$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Before the tests: as root, install what is missing; otherwise stop with the command that installs it.
# SENAPAS_SKIP_BROWSER=1 lets the tests run without Chromium (the browser tests are then skipped).
test-deps:
	@missing=$$(for p in $(filter-out chromium,$(SYSTEM_PACKAGES)); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ ! -x $(CHROMIUM) ] && [ "$$SENAPAS_SKIP_BROWSER" != 1 ]; then missing="chromium $$missing"; fi; \
	missing=$$(echo $$missing); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory system-deps; exit; fi; \
	echo "make test needs the Debian packages $$missing; install them with:"; \
	echo "    sudo make system-deps"; \
	case "$$missing" in chromium*) echo "(or skip the browser tests instead: SENAPAS_SKIP_BROWSER=1 make test)";; esac; \
	exit 1

demo: install
	$(BIN)/senapas demo

# The modeler round trip (tests/processes/test_modeler_roundtrip.py) runs bpmn-moddle with node, when node is here.
moddle:
	@if command -v npm >/dev/null 2>&1; then cd tools/moddle && npm ci --no-audit --no-fund --silent; \
	else echo "node/npm not found: the modeler round trip test is skipped (outside CI)"; fi

# The editor's browser files (bpmn-js, dmn-js) from tools/editor/package-lock.json into web/static/vendor/,
# with VERSIONS recording package versions and checksums; the built files are committed (needs node only here).
vendor:
	cd tools/editor && npm ci --no-audit --no-fund --silent && node build.mjs

test: install test-deps lint moddle
	$(BIN)/pytest -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check engine web bench tests letters
	$(BIN)/mypy engine web letters bench

bench: install
	$(BIN)/senapas bench

clean:
	rm -rf $(VENV) instance test-artifacts
