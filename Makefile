# Parallax: `make demo` and `make test` do all set-up on a fresh machine (Python 3.11+ needed).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

AXE_VERSION := 4.14.1
AXE        := .cache/axe/node_modules/axe-core/axe.min.js
CHROMIUM   := /usr/bin/chromium

.PHONY: install demo test lint bench clean browser

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/parallax analyze examples/
	$(BIN)/parallax articles
	$(BIN)/parallax export --format json -o demo-export.json

test: install lint browser
	$(BIN)/python -m pytest

# The browser tests drive Debian's chromium with Playwright (never `playwright install`) and inject axe-core.
browser: $(AXE)
	@test -x $(CHROMIUM) || { echo "installing chromium (apt-get)"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo apt-get install -y -q chromium; fi; }

$(AXE):
	mkdir -p .cache/axe
	npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@$(AXE_VERSION)

lint: install
	$(BIN)/ruff check src tests bench examples scripts

bench: install
	$(BIN)/python bench/extraction_html.py
	$(BIN)/python bench/textdump_train.py --evaluate-only
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) parallax.db parallax.db-wal parallax.db-shm demo-export.json tests/artifacts .cache
