# Latchkey — developer entry points. `make` (or `make help`) lists the targets.
#
# Each target documented with a trailing `## description` shows up in `make help`.

SWIFT ?= swift
# Extra flags for `swift build` and `swift test` alike (e.g. SWIFT_BUILD_FLAGS="-c release").
SWIFT_BUILD_FLAGS ?=
# Extra flags for `swift test` only (e.g. SWIFT_TEST_FLAGS="--filter TokenKitTests").
SWIFT_TEST_FLAGS ?=
FORMAT_PATHS := Package.swift Shared Services Tests Benchmarks Examples/bookmarks/Package.swift Examples/bookmarks/Sources Examples/bookmarks/Tests

.DEFAULT_GOAL := help
SHELL := /bin/bash

.PHONY: help
help: ## List the targets
	@echo "usage: make TARGET [SWIFT_BUILD_FLAGS=...] [SWIFT_TEST_FLAGS=...]"
	@echo
	@awk 'BEGIN { FS = ":.*## " } /^[a-zA-Z0-9_.-]+:.*## / { printf "  %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

# ---------------------------------------------------------------------------
# Build, test, format
# ---------------------------------------------------------------------------

.PHONY: build
build: ## Build all products (swift build)
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

.PHONY: test
test: ## Build tests, then run them against a throwaway PostgreSQL (or DATABASE_URL if set)
	$(SWIFT) build --build-tests $(SWIFT_BUILD_FLAGS)
	Scripts/with-test-postgres.sh $(SWIFT) test --skip-build $(SWIFT_BUILD_FLAGS) $(SWIFT_TEST_FLAGS)

.PHONY: format
format: ## Reformat sources in place (swift format, config in .swift-format)
	$(SWIFT) format --in-place --recursive --parallel $(FORMAT_PATHS)

.PHONY: lint
lint: ## Check formatting without changing files (fails on any finding)
	$(SWIFT) format lint --strict --recursive --parallel $(FORMAT_PATHS)

.PHONY: clean
clean: ## Remove build artifacts (swift package clean)
	$(SWIFT) package clean

# ---------------------------------------------------------------------------
# The local stack (up, down, logs, status): Scripts/stack.sh, Docker Compose or native (Scripts/stack-native.sh)
# ---------------------------------------------------------------------------

# Where `make up` builds the release binaries of the native stack (a separate folder keeps them
# apart from debug builds, e.g. STACK_SCRATCH_PATH=.build-release), and extra flags for that build.
STACK_SCRATCH_PATH ?= .build
SWIFT_RELEASE_FLAGS ?=
STACK_VARS = SWIFT="$(SWIFT)" STACK_SCRATCH_PATH="$(STACK_SCRATCH_PATH)" SWIFT_RELEASE_FLAGS="$(SWIFT_RELEASE_FLAGS)"

.PHONY: up
up: ## Start the local stack on http://localhost:8080 (Docker Compose if an engine answers, else native)
	@$(STACK_VARS) Scripts/stack.sh up

.PHONY: down
down: ## Stop the local stack (the database is kept)
	@$(STACK_VARS) Scripts/stack.sh down

.PHONY: logs
logs: ## Follow the logs of the local stack
	@$(STACK_VARS) Scripts/stack.sh logs

.PHONY: status
status: ## Show what of the local stack runs and is ready
	@$(STACK_VARS) Scripts/stack.sh status

.PHONY: validate-deploy
validate-deploy: ## Validate compose, Dockerfile, gateway config, Kubernetes manifests and scripts
	Scripts/validate-deploy.sh

# ---------------------------------------------------------------------------------------------
# Browser tests of the web demo (Web/)
# ---------------------------------------------------------------------------------------------

# Tests/browser/run.sh: installs chromium and the Python packages when missing, starts the native
# stack (10 s access tokens), runs pytest + Playwright, stops the stack (if it started it).
# STACK_CONFIGURATION=debug uses the binaries `make test` built instead of a release build;
# LATCHKEY_BASE_URL=http://... tests a running gateway instead; PYTEST_ARGS="-k ..." picks tests.
.PHONY: browser-test
browser-test: ## Browser tests of the web demo (Playwright + chromium) against the native stack
	@$(STACK_VARS) Tests/browser/run.sh

# ---------------------------------------------------------------------------------------------
# Benchmarks
# ---------------------------------------------------------------------------------------------

# Scripts/bench.sh: release build (in BENCH_SCRATCH_PATH, default .build-release), a throwaway stack on
# 127.0.0.1, every benchmark of bench/README.md, then bench/results/latest.md and latest.json.
# BENCH_SECONDS, BENCH_ROUNDS, BENCH_SKIP_BUILD=1 and friends: see the script's header.
.PHONY: bench
bench: ## Benchmarks on a throwaway local stack; writes bench/results/latest.{md,json} (~5 min + release build)
	@SWIFT="$(SWIFT)" Scripts/bench.sh

# ---------------------------------------------------------------------------------------------
# Soak and fuzzing
# ---------------------------------------------------------------------------------------------

# Tests/soak/run.sh: builds the release executables, starts them with a throwaway PostgreSQL, runs a
# bounded mix of reads, writes, refreshes and revocations (Tests/soak/soak.py, aiohttp), samples
# memory, descriptors and connections every 10 s, and writes test-artifacts/soak/latest.md.
# SOAK_DURATION=seconds (default 180), SOAK_CONNECTIONS (default 64), SOAK_BUILD=0 skips the build.
.PHONY: soak
soak: ## Soak the release stack (default 3 min at 64 connections); report in test-artifacts/soak/latest.md
	Tests/soak/run.sh

# Scripts/test-monitoring.sh: promtool checks and unit-tests deploy/monitoring/alerts.yml, then starts the
# debug executables, a throwaway PostgreSQL and a real Prometheus, and queries one metric of each service
# and the loaded rules through Prometheus' API (needs Debian's `prometheus` package; ~15 s once built).
.PHONY: monitoring-test
monitoring-test: ## Alert rules (promtool check + unit tests), then a real Prometheus scraping the debug executables
	$(SWIFT) build --product auth $(SWIFT_BUILD_FLAGS)
	$(SWIFT) build --product notes $(SWIFT_BUILD_FLAGS)
	$(SWIFT) build --product profile $(SWIFT_BUILD_FLAGS)
	Scripts/test-monitoring.sh

# Scripts/test-tracing.sh: an OTLP/HTTP receiver (Python, opentelemetry-proto pinned in .local/tracing-venv) and the
# debug executables with tracing on and a throwaway PostgreSQL: traceparent continued, auth's introspection span in the
# same trace under the caller's client span, service.name, and no secret in any span or log line (~10 s once built).
.PHONY: tracing-test
tracing-test: ## Tracing across notes/profile and auth against an OTLP receiver; no secret in spans or logs
	$(SWIFT) build --product auth $(SWIFT_BUILD_FLAGS)
	$(SWIFT) build --product notes $(SWIFT_BUILD_FLAGS)
	$(SWIFT) build --product profile $(SWIFT_BUILD_FLAGS)
	Scripts/test-tracing.sh

# Scripts/test-examples.sh: Examples/python-links (a resource service in Python) against the real auth with a
# throwaway PostgreSQL (~1 min once auth is built, 40 s of it waiting for a 10 s token to expire).
.PHONY: examples-test
examples-test: ## The Python example service against the real auth (needs python3; makes .local/examples-venv if needed)
	$(SWIFT) build --product auth $(SWIFT_BUILD_FLAGS)
	Scripts/test-examples.sh

# Scripts/test-examples-swift.sh: Examples/bookmarks (a fourth Swift service, its own package depending on the TokenKit
# products by path, as an outside package would) built and run against the real auth, the gateway and a throwaway
# PostgreSQL (its first build compiles its dependencies: ~7 min; then ~25 s). Needs .build/debug/auth (make test).
.PHONY: examples-swift-test
examples-swift-test: ## The Swift example service (Examples/bookmarks) against the real auth (needs .build/debug/auth)
	$(SWIFT) build --product auth $(SWIFT_BUILD_FLAGS)
	Scripts/test-examples-swift.sh

# Scripts/docs.sh: DocC archives of TokenKit, TokenKitHummingbird and TokenKitClients (swift-docc-plugin) in
# .build/docs/, every DocC warning an error (~1 min once the targets are built).
.PHONY: docs
docs: ## DocC documentation of the three library products into .build/docs (DocC warnings fail it)
	SWIFT="$(SWIFT)" Scripts/docs.sh

# Tests/fuzz/run.sh: starts the debug executables with a throwaway PostgreSQL and runs schemathesis
# (pinned, in .build/fuzz-venv) against docs/openapi/*.yaml: no generated request may get a 5xx.
# FUZZ_MAX_EXAMPLES (default 25 per operation) and FUZZ_MAX_TIME (default 25 s per run, 6 runs) bound it.
.PHONY: fuzz
fuzz: ## Fuzz every service with schemathesis against docs/openapi/ (no 5xx allowed)
	$(SWIFT) build --product auth $(SWIFT_BUILD_FLAGS)
	$(SWIFT) build --product notes $(SWIFT_BUILD_FLAGS)
	$(SWIFT) build --product profile $(SWIFT_BUILD_FLAGS)
	Tests/fuzz/run.sh
