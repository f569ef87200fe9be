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

include $(sort $(wildcard ffi/*.mk cli/*.mk bindings/*/*.mk pam/*.mk e2e/*.mk))

.PHONY: demo test print-demo-targets demo-rust test-core bench-core

demo:
	@bash scripts/demo.sh

test: $(TEST_TARGETS)
	@echo "make test: all suites passed ($(TEST_TARGETS))"

print-demo-targets:
	@echo $(DEMO_TARGETS)

demo-rust:
	@$(CARGO) run -q --release -p auroraiam --example generate

test-core:
	$(CARGO) test -p auroraiam

bench-core:
	$(CARGO) bench -p auroraiam --bench token
