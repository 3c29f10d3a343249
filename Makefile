# make run   - set everything up and start the app on http://127.0.0.1:$(PORT)
# make test  - set everything up and run every test (real Chromium included)
# make test-pg - the same suite against a throwaway PostgreSQL on loopback
# make test-stack - nginx, two app instances, PostgreSQL, Redis and S3 together
# make test-browser-repeat - the browser tests ROUNDS times under stress-ng load, flakes counted
# make bench - server, photo and page figures into docs/benchmarks.md
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app

.PHONY: help run setup db oidc-provider test test-pg test-browser-repeat lint format codes chromium \
	fonts poppler postgresql redis nginx test-stack wrk stress-ng worker bench bench-codes bench-shrink bench-photo-check bench-web \
	bench-lie-fi tesseract purge clean
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed ## Create .venv and install the pinned requirements

db: setup ## Migrate the embedded database and seed the demo commune
	$(FLASK) db upgrade
	$(FLASK) seed-demo

run: db fonts $(if $(filter 1,$(VNEID_DEV_PROVIDER)),oidc-provider) ## Start the app; SMS codes land in instance/sms-outbox.jsonl (make codes); VNEID_DEV_PROVIDER=1: a test identity provider too
	@echo "Mở http://127.0.0.1:$(PORT)/x/05665 - mã SMS: make codes; khóa đăng nhập (passkey) cần http://localhost:$(PORT)"
	PORT=$(PORT) bash scripts/run.sh

OIDC_PROVIDER := tests/oidc_provider
$(OIDC_PROVIDER)/node_modules/.package-lock.json: $(OIDC_PROVIDER)/package.json $(OIDC_PROVIDER)/package-lock.json
	@command -v npm >/dev/null || { SUDO=$$(command -v sudo || true); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nodejs npm; }
	bash scripts/node-for-provider.sh --install >/dev/null
	npm ci --prefix $(OIDC_PROVIDER) --no-audit --no-fund --loglevel=error
	touch $@

oidc-provider: $(OIDC_PROVIDER)/node_modules/.package-lock.json ## Install the test OpenID provider (npm oidc-provider, the machine's Node.js) for the VNeID tests

worker: db ## Send the citizens' SMS and emails from the outbox (keeps running)
	SMS_BACKEND=$${SMS_BACKEND:-file} $(FLASK) notify-worker

codes: ## Show the latest SMS messages written by the file backend
	@tail -n 5 instance/sms-outbox.jsonl 2>/dev/null || echo "Chưa có tin nhắn nào."

chromium: ## Install Debian's Chromium for the browser tests when missing
	@if [ ! -x /usr/bin/chromium ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; \
	fi

fonts: ## Install Debian's DejaVu fonts (Vietnamese letters in the PDF poster) when missing
	@if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq fonts-dejavu-core; \
	fi

poppler: ## Install pdftoppm (the poster test renders the PDF to read its QR) when missing
	@if ! command -v pdftoppm >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq poppler-utils; \
	fi

tesseract: ## Install Debian's Tesseract OCR and its Vietnamese model (make bench-shrink reads the photos) when missing
	@if ! command -v tesseract >/dev/null || ! tesseract --list-langs 2>/dev/null | grep -qx vie; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq tesseract-ocr tesseract-ocr-vie; \
	fi

postgresql: ## Install Debian's PostgreSQL server (for make test-pg) when missing
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq postgresql; \
	fi

redis: ## Install Debian's redis-server (the shared rate-limit tests start one on loopback) when missing
	@if ! command -v redis-server >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq redis-server; \
	fi

nginx: ## Install Debian's nginx (the TLS proxy of make test-stack) when missing
	@if [ ! -x /usr/sbin/nginx ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nginx-light; \
	fi

wrk: ## Install Debian's wrk load generator (for make bench) when missing
	@if ! command -v wrk >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk; \
	fi

stress-ng: ## Install Debian's stress-ng (the load of make test-browser-repeat) when missing
	@if ! command -v stress-ng >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq stress-ng; \
	fi

test: setup chromium fonts poppler redis oidc-provider ## Run every test
	$(BIN)/pytest -q

test-pg: setup chromium fonts poppler postgresql redis oidc-provider ## Run every test against a throwaway PostgreSQL cluster on loopback
	bash scripts/test-pg.sh

test-stack: setup postgresql redis nginx ## nginx+TLS, two app instances, PostgreSQL, Redis, S3 on loopback: files dossiers, restarts Redis and PostgreSQL, counts (about 2 min)
	bash scripts/test-stack.sh

ROUNDS ?= 10
test-browser-repeat: setup chromium fonts poppler stress-ng oidc-provider ## The browser tests ROUNDS times (10) under stress-ng load, no retry; per-test passes and failures (PYTEST_ARGS="-k offline")
	$(BIN)/python scripts/browser_repeat.py --rounds $(ROUNDS) -- $(PYTEST_ARGS)

purge: db ## Delete drafts untouched for DRAFT_RETENTION_DAYS and unlinked photos
	$(FLASK) purge

lint: setup ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

SIGN_IN_RATE ?= 2
bench-codes: setup wrk ## Status lookups (p50/p99) idle and while SIGN_IN_RATE citizens a second ask for codes through a 5 s SMS gateway; prints JSON
	$(BIN)/python bench/server_bench.py --scenarios-only --rounds 3 --submits 10 --skip-browser \
		--sign-in-rate $(SIGN_IN_RATE) --gateway-delay 5

bench-shrink: setup chromium fonts poppler tesseract ## Bytes per page and OCR accuracy of the shrunk photo of a form, today's and document mode
	$(BIN)/python bench/shrink_bench.py

clean: ## Remove the venv and the local database
	rm -rf $(VENV) instance

bench-photo-check: setup chromium fonts poppler ## True and false warning rates of the photo check on generated photos of a form
	$(BIN)/python bench/photo_check_bench.py

bench-web: setup chromium ## Bytes transferred: first load of /x/05665 and the wizard's JS+CSS
	$(BIN)/python bench/web_bytes.py

bench-lie-fi: setup chromium ## Seconds a citizen waits on a hung network before the offline page or error
	$(BIN)/python bench/lie_fi_bench.py

bench: setup chromium wrk tesseract fonts poppler ## gunicorn on loopback: lookup and submit vs bare Flask, shrink, page bytes -> docs/benchmarks.md
	$(BIN)/python bench/server_bench.py
