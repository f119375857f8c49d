# Parallax: `make demo` and `make test` do all set-up on a fresh machine (Python 3.11+ needed).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test lint bench clean

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

test: install lint
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests bench examples scripts

bench: install
	$(BIN)/python bench/extraction_html.py
	$(BIN)/python bench/textdump_train.py --evaluate-only
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) parallax.db parallax.db-wal parallax.db-shm demo-export.json tests/artifacts
