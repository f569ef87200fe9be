# auroraiam: one entry point for building, the demo and every test.
#   make demo   build every surface and print the same token from each (the main job)
#   make test   run every test of every surface
# Each surface adds its own targets in a fragment (ffi/c.mk, bindings/python/python.mk, ...)
# and appends to DEMO_TARGETS / TEST_TARGETS.

SHELL := /bin/bash
.DEFAULT_GOAL := demo
CARGO ?= cargo

DEMO_TARGETS := demo-rust
TEST_TARGETS := test-core

include $(sort $(wildcard ffi/*.mk cli/*.mk bindings/*/*.mk pam/*.mk mariadb-plugin/*.mk e2e/*.mk packaging/*.mk fuzz/*.mk tests/*.mk))

.PHONY: deps demo test print-demo-targets demo-rust test-core bench-core bench bench-table

# System packages (apt) every surface needs; each surface target installs its own language packages.
deps:
	@bash scripts/install-deps.sh

demo: deps
	@bash scripts/demo.sh

# Suites run one after another (they share one cargo target dir and 2 cores).
test: deps
	@set -e; for t in $(TEST_TARGETS); do echo "=== make $$t"; $(MAKE) --no-print-directory $$t; done
	@echo "make test: all suites passed ($(TEST_TARGETS))"

bench: bench-core $(BENCH_TARGETS)

# README's performance tables from one run of the core, Python and Node benches (scripts/perf-table.py).
bench-table:
	python3 scripts/perf-table.py

print-demo-targets:
	@echo $(DEMO_TARGETS)

demo-rust:
	@$(CARGO) run -q --release -p auroraiam --example generate

# Core three times: the slim build, the build with the default credential chain, and the pool
# integrations (features sqlx and tokio-postgres; unit tests only, the servers are in test-e2e).
# First: no crate's modules import each other in a loop (docs/architecture.md; under a second).
test-core:
	python3 scripts/module-loops.py
	$(CARGO) test -p auroraiam
	$(CARGO) test -p auroraiam --features credential-chain
	$(CARGO) test -p auroraiam --features sqlx,tokio-postgres,credential-chain --lib

# token: per-token cost against the SHA-256 floor and aws-sigv4; amz_date, encoding: the
# hand-written X-Amz-Date, percent-encoding and hex against the crates (time, percent-encoding, hex).
bench-core:
	$(CARGO) bench -p auroraiam --bench token --bench amz_date --bench encoding
