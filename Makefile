# Two commands matter: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
LOCK := requirements/lock.txt
DEV_LOCK := requirements/dev-lock.txt
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Every absolute link (PDFs, QR codes, emails, the API) points here: the address served, unless SITE_URL (or
# its former name, WAGTAILADMIN_BASE_URL) is set already. Exported, so the demo's certificates follow it too.
SITE_URL ?= $(or $(WAGTAILADMIN_BASE_URL),http://$(HOST):$(PORT))
export SITE_URL

.PHONY: run test install install-production system-packages migrate demo serve lint format check audit bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Development installs both locks: production's pins and the tools for tests, lint, browsers and
# load tests. Servers install only $(LOCK) (docs/deploy.md).
$(STAMP): $(LOCK) $(DEV_LOCK) | $(BIN)/python
	$(BIN)/uv pip sync --quiet --python $(BIN)/python $(LOCK) $(DEV_LOCK)
	@mkdir -p var/static
	@touch $(STAMP)

install: $(STAMP) system-packages
	@mkdir -p var/static

## make install-production: what a server runs, the production lock only (docs/deploy.md)
install-production: system-packages | $(BIN)/python
	$(BIN)/uv pip sync --quiet --python $(BIN)/python $(LOCK)
	@rm -f $(STAMP)
	@mkdir -p var/static

# WeasyPrint subsets fonts with HarfBuzz-Subset when it is there (faster, no warning per PDF). The Noto
# fonts draw what the certificate's font lacks (other scripts; Chinese, Japanese and Korean; emoji):
# names are checked against the installed fonts, so without them such names are refused.
SYSTEM_PACKAGES := libharfbuzz-subset0 fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji
system-packages:
	@missing="$$(for package in $(SYSTEM_PACKAGES); do dpkg -s $$package >/dev/null 2>&1 || echo $$package; done)"; \
	[ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } \
		|| echo "Note: install Debian's" $$missing "for certificate PDFs (faster renders; names in every script)."

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo

serve: install
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/). Stop with Ctrl+C."
	@[ -z "$(LOGINS)" ] || $(BIN)/python manage.py load_demo --logins
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## make run: set up everything, load the demo curriculum and accounts, serve on 127.0.0.1:8000 (PORT=8002 for
## another). The demo logins come last, after the migrations' and the loader's output, just before the server starts.
run: migrate
	$(BIN)/python manage.py load_demo --no-logins
	@$(MAKE) --no-print-directory serve LOGINS=1

## make test: set up if needed and run the whole suite
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

## make audit: check both locks against the package index's advisory service (needs that service)
audit: install
	$(BIN)/pip-audit --requirement $(LOCK) --requirement $(DEV_LOCK) --require-hashes --disable-pip --strict \
		--progress-spinner off

# wrk drives the page benchmarks, HAProxy puts two app servers behind one address for the load test:
# installed like system-packages (apt-get only as root and only when missing).
BENCH_PACKAGES := wrk haproxy
bench: install
	@missing="$$(for package in $(BENCH_PACKAGES); do dpkg -s $$package >/dev/null 2>&1 || echo $$package; done)"; \
	[ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } \
		|| echo "Note: install Debian's" $$missing "for the page and load benchmarks (skipped without them)."
	@mkdir -p var/bench && touch var/bench/.started
	$(BIN)/python -m bench
	@status=0; for script in quiz_bots certificate_render certificate_memory certificate_verify bulk_issuance status_report page_throughput load_test fault_test; do \
		echo "$(BIN)/python -m bench.$$script"; $(BIN)/python -m bench.$$script || status=1; \
	done; $(BIN)/python -m bench.summary; exit $$status

## make lock: re-resolve pyproject.toml into the pinned, hashed locks: production, then the dev extra on top
lock: | $(BIN)/python
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet \
		--custom-compile-command "make lock" -o $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes --quiet \
		--custom-compile-command "make lock" --constraints $(LOCK) \
		$$(sed -nE 's/^([A-Za-z0-9._-]+)(\[[^]]*\])?==.*/--no-emit-package \1/p' $(LOCK)) -o $(DEV_LOCK)

clean:
	rm -rf $(VENV) var/db.sqlite3 .pytest_cache
