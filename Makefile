# Avis & Réclamations — the two commands: `make run` and `make test`.
# Both install what is missing (wasm32 target, cargo-leptos, wasm-bindgen CLI, npm packages,
# Chromium for the browser tests), so they work on a fresh machine. Tools already at the right
# version are not reinstalled.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

CARGO_LEPTOS_VERSION := 0.3.10
# Must equal the wasm-bindgen crate version pinned in Cargo.toml / Cargo.lock.
WASM_BINDGEN_VERSION := 0.2.130

# cargo-leptos looks for wasm-bindgen and wasm-opt on PATH (it cannot download them here).
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/style/node_modules/.bin:$(CURDIR)/end2end/node_modules/.bin:$(PATH)

# Where the end-to-end tests run the server.
E2E_PORT ?= 3917

# Cargo's build folder: `target/` in the checkout, unless CARGO_TARGET_DIR says otherwise (`.ci/run`
# keeps one outside the clone, so a new clone reuses the compiled dependencies). The site
# (`target/site`) and the stylesheet (`target/style`) always stay in the checkout.
TARGET_DIR := $(if $(CARGO_TARGET_DIR),$(CARGO_TARGET_DIR),$(CURDIR)/target)

AIOSMTPD_VERSION = 1.4.6
FONTTOOLS_VERSION = 4.55.3
BROTLI_VERSION = 1.1.0

# The PostgreSQL server of the conformance run (`TEST_DATABASE=postgres`): each test creates and
# drops a database of its own there.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
export TEST_POSTGRES_URL

.PHONY: run test deps test-deps python-tools tools postgres load-test fault-test npm-style npm-e2e chromium css build build-release unit e2e demo clean bench-dashboard

## make run: build the release and serve on LEPTOS_SITE_ADDR (default 127.0.0.1:3000).
run: tools npm-style css build-release
	LEPTOS_OUTPUT_NAME=avis LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_ENV=PROD \
	  $(TARGET_DIR)/release/server serve

## make demo: fill an empty database with the demonstration campaign (then `make run`).
demo: tools npm-style css build-release
	LEPTOS_OUTPUT_NAME=avis LEPTOS_SITE_ROOT=target/site $(TARGET_DIR)/release/server seed-demo

## make test: unit + integration tests (Rust), then the browser tests (Playwright + Chromium).
test: deps css unit build e2e

deps: tools npm-style npm-e2e chromium test-deps

tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if [ "$$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $(CARGO_LEPTOS_VERSION)" ]; then \
	  echo "Installing cargo-leptos $(CARGO_LEPTOS_VERSION) (about 20 minutes on 2 cores, once)"; \
	  cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked; fi
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
	  CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force; fi

## make python-tools: a Python venv (.venv) with aiosmtpd, the real SMTP server of the e-mail
## tests, and fontTools (with brotli, for woff2), which cuts the web fonts down in `make css`.
## Reinstalled when this Makefile changes (pip skips what is already there).
python-tools: .venv/.installed
test-deps: python-tools
.venv/.installed: Makefile
	python3 -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check aiosmtpd==$(AIOSMTPD_VERSION) atpublic==9.0.0 attrs==26.1.0 \
	  fonttools==$(FONTTOOLS_VERSION) brotli==$(BROTLI_VERSION)
	touch $@

npm-style: style/node_modules/.installed
style/node_modules/.installed: style/package.json style/package-lock.json
	cd style && npm ci --no-audit --no-fund
	touch $@

npm-e2e: end2end/node_modules/.installed
end2end/node_modules/.installed: end2end/package.json end2end/package-lock.json
	cd end2end && npm ci --no-audit --no-fund
	touch $@

chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's Chromium for the browser tests"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

css: npm-style python-tools
	./style/build.sh

build: tools css
	cargo leptos build

# `--precompress`: the site's files also as .br (brotli 11) and .gz (libflate's default), which the server
# sends as they are to browsers that accept them (server/src/lib.rs, `with_static_files`).
build-release: tools css
	cargo leptos build --release --precompress

## make postgres: start the machine's PostgreSQL cluster(s) if installed and stopped, then check
## that TEST_POSTGRES_URL answers.
postgres:
	@if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then \
	  for version in $$(ls /etc/postgresql); do \
	    pg_ctlcluster --skip-systemctl-redirect "$$version" main status >/dev/null 2>&1 \
	      || pg_ctlcluster --skip-systemctl-redirect "$$version" main start || true; \
	  done; fi
	@for i in $$(seq 1 30); do psql "$(TEST_POSTGRES_URL)" -qAtc 'SELECT 1' >/dev/null 2>&1 && exit 0; sleep 1; done; \
	  echo "PostgreSQL does not answer at $(TEST_POSTGRES_URL) (set TEST_POSTGRES_URL; see README, Tests)"; exit 1

# Same RUSTFLAGS as cargo-leptos' debug builds, so the tests and `build` share compiled dependencies.
# The integration tests run twice: on SQLite files, then on PostgreSQL (the conformance run: every
# store operation, through the pages and directly, against both engines).
unit: test-deps postgres
	# One test at a time: several test servers running at once in one process hang now and
	# then (about one run in five of tests/survey.rs; cause not found yet).
	RUSTFLAGS="--cfg erase_components" cargo test --workspace -- --test-threads=1
	# `--workspace` as above, so nothing is compiled again (`-p server` would change the features).
	TEST_DATABASE=postgres RUSTFLAGS="--cfg erase_components" cargo test --workspace --tests -- --test-threads=1

e2e: build npm-e2e chromium
	cd end2end && E2E_PORT=$(E2E_PORT) E2E_SERVER_BIN=$(TARGET_DIR)/debug/server npx playwright test

## make load-test: the load and crash tests in the issue's form (200 visitors for 60 s against the
## release server, on SQLite then PostgreSQL; figures in BENCHMARKS.md). `make test` runs them
## short (40 visitors, 4 s, debug build). Not part of `make test`.
LOAD_CLIENTS ?= 200
LOAD_SECONDS ?= 60
# Milliseconds a visitor spends on the form (and on the thank-you page); 0 = back to back (saturation).
LOAD_THINK_MS ?= 0
load-test: test-deps postgres
	RUSTFLAGS="--cfg erase_components" cargo build --release -p server
	LOAD_CLIENTS=$(LOAD_CLIENTS) LOAD_SECONDS=$(LOAD_SECONDS) LOAD_THINK_MS=$(LOAD_THINK_MS) LOAD_SERVER_BIN=$(TARGET_DIR)/release/server \
	  RUSTFLAGS="--cfg erase_components" cargo test --workspace --test load -- --test-threads=1 --nocapture

## make fault-test: the issue's by-hand fault. PostgreSQL itself (the machine's cluster, with
## pg_ctlcluster) is stopped for 10 s in the middle of a 30-second load of FAULT_CLIENTS visitors
## (debug server): kept forms, /healthz, recovery, nothing lost. Not part of `make test`: it
## stops the PostgreSQL other programs on this machine may be using.
FAULT_CLIENTS ?= 40
FAULT_THINK_MS ?= 500
fault-test: test-deps postgres
	LOAD_CLIENTS=$(FAULT_CLIENTS) LOAD_SECONDS=30 LOAD_THINK_MS=$(FAULT_THINK_MS) \
	  RUSTFLAGS="--cfg erase_components" cargo test --workspace --test load -- --ignored --test-threads=1 --nocapture postgres_stopped

## make bench-dashboard: dashboard and export timings over BENCH_RESPONSES generated responses
## (issue 4; figures in BENCHMARKS.md). Not part of `make test`. The database is kept in
## target/bench/ and reused while it holds the same plan (delete the folder to regenerate).
BENCH_RESPONSES ?= 1000000
BENCH_YEARS ?= 3
BENCH_DIR := target/bench
BENCH_DB := $(BENCH_DIR)/bench.db
BENCH_EMAIL := bench.qualite@essonne.gouv.fr
BENCH_PASSWORD := banc-d-essai-tableau-de-bord
BENCH_ENV = DATABASE_URL="sqlite://$(BENCH_DB)?mode=rwc" LEPTOS_OUTPUT_NAME=avis LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_ENV=PROD

bench-dashboard:
	RUSTFLAGS="--cfg erase_components" cargo build --release -p server
	@mkdir -p $(BENCH_DIR)
	@marker="$(BENCH_DB).$(BENCH_RESPONSES)-$(BENCH_YEARS)-$$(date +%Y).done"; \
	if [ -f "$$marker" ]; then echo "Reusing $(BENCH_DB) ($(BENCH_RESPONSES) responses)"; else \
	  rm -f $(BENCH_DB) $(BENCH_DB)-wal $(BENCH_DB)-shm $(BENCH_DB).*.done; \
	  $(BENCH_ENV) $(TARGET_DIR)/release/server generate --responses $(BENCH_RESPONSES) --years $(BENCH_YEARS); \
	  echo '$(BENCH_PASSWORD)' | $(BENCH_ENV) $(TARGET_DIR)/release/server create-user --email $(BENCH_EMAIL) --name "Banc d'essai" --role qualite; \
	  touch "$$marker"; fi
	@echo "Database: $$(du -h $(BENCH_DB) | cut -f1) ($(BENCH_DB), WAL $$(du -h $(BENCH_DB)-wal 2>/dev/null | cut -f1 || echo 0))"
	@port=$$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"); \
	$(BENCH_ENV) LEPTOS_SITE_ADDR=127.0.0.1:$$port $(TARGET_DIR)/release/server serve > $(BENCH_DIR)/server.log 2>&1 & pid=$$!; \
	trap "kill $$pid 2>/dev/null || true" EXIT; \
	for i in $$(seq 1 150); do curl -sf http://127.0.0.1:$$port/healthz >/dev/null && break; \
	  kill -0 $$pid 2>/dev/null || { cat $(BENCH_DIR)/server.log; exit 1; }; sleep 0.2; done; \
	BASE_URL=http://127.0.0.1:$$port EMAIL=$(BENCH_EMAIL) PASSWORD='$(BENCH_PASSWORD)' SERVER_PID=$$pid node end2end/bench/dashboard.mjs

clean:
	cargo clean
	rm -rf style/node_modules end2end/node_modules end2end/test-results end2end/playwright-report
