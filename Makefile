# One task runner for people and CI. `make demo` and `make test` are the README's quick start.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# $(STAMP): what running techpact needs; $(DEV_STAMP): that plus the dev extras (pytest, ruff,
# Playwright, Dask, duckdb_engine) for tests and linting.
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# setuptools notes every editable install of a mapped layout ("Editable installation"): noise.
PIP := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip --quiet

.PHONY: browser demo dev test lint format install bench sample clean server serve server-stop worker

$(BIN)/python:
	@echo "Creating $(VENV) and installing techpact (runtime dependencies only)..."
	@$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@$(PIP) install --upgrade pip
	@$(PIP) install -e .
	@touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	@echo "Installing the dev extras into $(VENV)..."
	@$(PIP) install -e '.[dev]'
	@touch $(DEV_STAMP)

## The development environment: techpact with the dev extras (`make test` and `make lint` need it).
dev: $(DEV_STAMP)
install: $(DEV_STAMP)

## Run the whole pipeline offline on the bundled (generated) sample landing zone.
demo: $(STAMP)
	@$(BIN)/techpact run --offline --landing-dir sample/landing

## Lint, then run the whole test suite (installs headless Chromium for the browser tests first).
test: $(DEV_STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

## Debian's Chromium for the browser tests (report and dashboard pages), where this user can
## install it; elsewhere those tests are skipped with the reason (and fail under CI=true).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian's chromium for the browser tests..."; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
				|| echo "Could not install chromium: the browser tests will say so."; \
		else \
			echo "No chromium: install Debian's 'chromium' package to run the browser tests."; \
		fi; }

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Regenerate the bundled sample landing zone (deterministic).
sample: $(STAMP)
	$(BIN)/python sample/generate_landing.py sample/landing

## The performance targets as same-round ratios -> bench/results.md (~6 min); e.g.
## `make bench BENCH_ARGS="--rounds 1 --scales 1"` for a quick look, --strict to fail on a miss.
BENCH_ARGS ?=
bench: $(DEV_STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## A local Prefect server on 127.0.0.1 (UI at http://127.0.0.1:$(PREFECT_PORT)), in the background.
PREFECT_PORT ?= 4200
PREFECT_ENV := PREFECT_HOME=$(CURDIR)/data/.prefect PREFECT_SERVER_ANALYTICS_ENABLED=false
API_URL := http://127.0.0.1:$(PREFECT_PORT)/api

server: $(STAMP)
	@mkdir -p data/.prefect
	@if $(BIN)/python -c "import urllib.request as u; u.urlopen('$(API_URL)/health', timeout=2)" 2>/dev/null; then \
		echo "Prefect server already running at $(API_URL)"; \
	else \
		$(PREFECT_ENV) nohup $(BIN)/prefect server start --host 127.0.0.1 --port $(PREFECT_PORT) \
			> data/prefect-server.log 2>&1 & echo $$! > data/prefect-server.pid; \
		for i in $$(seq 1 120); do \
			$(BIN)/python -c "import urllib.request as u; u.urlopen('$(API_URL)/health', timeout=2)" 2>/dev/null && break; \
			sleep 1; \
		done; \
		echo "Prefect server: $(API_URL) (UI: http://127.0.0.1:$(PREFECT_PORT); log: data/prefect-server.log)"; \
	fi

## Serve the scheduled deployments of prefect.yaml from this process (starts the server first).
serve: server
	$(PREFECT_ENV) PREFECT_API_URL=$(API_URL) $(BIN)/techpact serve

## Register the deployments for workers and start one process worker (starts the server first).
worker: server
	$(PREFECT_ENV) PREFECT_API_URL=$(API_URL) $(BIN)/prefect work-pool create techpact-process --type process --overwrite
	$(PREFECT_ENV) PREFECT_API_URL=$(API_URL) TECHPACT_PROJECT_DIR=$(CURDIR) $(BIN)/prefect --no-prompt deploy --all
	$(PREFECT_ENV) PREFECT_API_URL=$(API_URL) $(BIN)/prefect worker start --pool techpact-process

server-stop:
	@if [ -f data/prefect-server.pid ]; then kill $$(cat data/prefect-server.pid) && rm data/prefect-server.pid; fi

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
