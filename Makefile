# Parallax: `make demo` and `make test` do all set-up on a fresh machine (Python 3.11+ needed).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

AXE_VERSION := 4.14.1
AXE        := .cache/axe/node_modules/axe-core/axe.min.js
CHROMIUM   := /usr/bin/chromium

.PHONY: install demo test lint bench clean browser postgres pg-install pg-stop

# A private PostgreSQL server for the tests (Debian's `postgresql` package): a cluster in .cache/pg/data that
# listens only on a unix socket in .cache/pg (no TCP), trust auth, database $(PG_DB). Run as root, the server
# runs as the `postgres` user (PostgreSQL refuses root); when that user cannot reach this checkout (a home
# folder closed to others), or the socket path would pass the ~107-byte limit of unix sockets, the cluster
# lives in /tmp/parallax-pg-<uid>-<checksum of this folder> instead. `make pg-stop` stops it.
PG_PORT := 54329
PG_DB   := parallax_test
PG_BIN   = $(shell b=$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1); \
             [ -n "$$b" ] || b=$$(dirname "$$(command -v pg_ctl || echo /nonexistent/pg_ctl)"); echo "$$b")
PG_DIR   = $(shell d="$(CURDIR)/.cache/pg"; t="$(CURDIR)/.cache"; [ -d "$$t" ] || t="$(CURDIR)"; \
             if [ $${#d} -gt 90 ] || { [ "$$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$$t" 2>/dev/null; }; \
             then d="/tmp/parallax-pg-$$(id -u)-$$(printf %s "$(CURDIR)" | cksum | cut -d' ' -f1)"; fi; echo "$$d")
PG_URL   = postgresql://postgres@/$(PG_DB)?host=$(PG_DIR)&port=$(PG_PORT)

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

test: install lint browser postgres
	PARALLAX_TEST_POSTGRES='$(PG_URL)' PARALLAX_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest

# The browser tests drive Debian's chromium with Playwright (never `playwright install`) and inject axe-core.
browser: $(AXE)
	@test -x $(CHROMIUM) || { echo "installing chromium (apt-get)"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo apt-get install -y -q chromium; fi; }

$(AXE):
	mkdir -p .cache/axe
	npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@$(AXE_VERSION)

# Idempotent: creates the cluster once, starts the server when it is not answering (clearing a postmaster.pid
# left by a reboot, whose pid is not our server), creates the database when missing.
postgres: pg-install
	@set -e; dir="$(PG_DIR)"; bin="$(PG_BIN)"; as=""; \
	if [ "$$(id -u)" = 0 ]; then as="runuser -u postgres --"; cd /; fi; \
	(umask 022; mkdir -p "$$dir"); chmod 700 "$$dir"; \
	if [ "$$(id -u)" = 0 ]; then chown postgres: "$$dir"; fi; \
	if [ ! -s "$$dir/data/PG_VERSION" ]; then \
	  echo "creating the test PostgreSQL cluster in $$dir/data"; rm -rf "$$dir/data"; \
	  loc=C.UTF-8; locale -a 2>/dev/null | grep -qix 'c\.utf-\?8' || loc=C; \
	  $$as "$$bin/initdb" -D "$$dir/data" -U postgres --auth=trust -E UTF8 --locale=$$loc \
	    >"$$dir/initdb.log" 2>&1 || { cat "$$dir/initdb.log"; exit 1; }; \
	fi; \
	if ! "$$bin/pg_isready" -q -h "$$dir" -p $(PG_PORT); then \
	  pid=$$(head -n 1 "$$dir/data/postmaster.pid" 2>/dev/null || true); \
	  if [ -n "$$pid" ] && ! tr '\0' ' ' 2>/dev/null </proc/$$pid/cmdline | grep -qF -- "$$dir/data"; then \
	    echo "removing the stale postmaster.pid (pid $$pid)"; rm -f "$$dir/data/postmaster.pid" "$$dir/.s.PGSQL.$(PG_PORT).lock"; \
	  fi; \
	  echo "starting the test PostgreSQL server (socket in $$dir)"; \
	  $$as "$$bin/pg_ctl" -D "$$dir/data" -l "$$dir/server.log" -w -t 120 -o "-c listen_addresses='' \
	    -c unix_socket_directories='$$dir' -c port=$(PG_PORT) -c synchronous_commit=off" start >/dev/null \
	    || { tail -n 20 "$$dir/server.log"; exit 1; }; \
	fi; \
	"$$bin/psql" -h "$$dir" -p $(PG_PORT) -U postgres -d postgres -tAc \
	  "SELECT 1 FROM pg_database WHERE datname = '$(PG_DB)'" | grep -q 1 \
	  || "$$bin/createdb" -h "$$dir" -p $(PG_PORT) -U postgres $(PG_DB)

pg-install:
	@ls /usr/lib/postgresql/*/bin/initdb /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 \
	  || { command -v initdb && command -v pg_ctl; } >/dev/null \
	  || { echo "installing postgresql (apt-get)"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; \
	  else sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; fi; }

pg-stop:
	@dir="$(PG_DIR)"; bin="$(PG_BIN)"; as=""; \
	if [ "$$(id -u)" = 0 ]; then as="runuser -u postgres --"; cd /; fi; \
	pid=$$(head -n 1 "$$dir/data/postmaster.pid" 2>/dev/null || true); \
	if [ -n "$$pid" ] && tr '\0' ' ' 2>/dev/null </proc/$$pid/cmdline | grep -qF -- "$$dir/data"; then \
	  $$as "$$bin/pg_ctl" -D "$$dir/data" -m fast -w stop; fi

lint: install
	$(BIN)/ruff check src tests bench examples scripts

bench: install
	$(BIN)/python bench/extraction_html.py
	$(BIN)/python bench/textdump_train.py --evaluate-only
	$(BIN)/python bench/throughput.py

clean: pg-stop
	rm -rf "$(PG_DIR)"
	rm -rf $(VENV) parallax.db parallax.db-wal parallax.db-shm demo-export.json tests/artifacts .cache
