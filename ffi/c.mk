# C ABI: libauroraiam (ffi/), include/auroraiam.h, C tests (tests/c/), examples (examples/c/).
#   make c-lib                 release build of libauroraiam.so + .a, staged in target/auroraiam-c/lib
#   make c-lib-slim            the same without the default credential chain (--no-default-features),
#                              staged in target/auroraiam-c/slim/lib
#   make header                regenerate include/auroraiam.h (pinned cbindgen); commit the result
#   make header-check          fail if include/auroraiam.h differs from a fresh generation
#   make test-c                every C test (drift check, vectors, sanitizers, valgrind, install)
#   make demo-c                print the demo token through the C API (source scripts/demo.env first)
#   make bench-c               per-token time through the C API next to the Rust core benchmark
#   make install-c PREFIX=...  install header, libraries, pkg-config and CMake files (DESTDIR too)

PREFIX ?= /usr/local
AURORAIAM_C_OUT := target/auroraiam-c

.PHONY: c-lib c-lib-slim header header-check test-c demo-c bench-c install-c install

c-lib:
	@bash ffi/build-c.sh

c-lib-slim:
	@bash ffi/build-c.sh --slim

header:
	@bash ffi/gen-header.sh

header-check:
	@bash ffi/gen-header.sh --check

test-c:
	@bash tests/c/run.sh

demo-c: c-lib
	@mkdir -p $(AURORAIAM_C_OUT)/demo
	@gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 -Iinclude -o $(AURORAIAM_C_OUT)/demo/demo_token \
		examples/c/demo_token.c -L$(AURORAIAM_C_OUT)/lib -lauroraiam -Wl,-rpath,$(CURDIR)/$(AURORAIAM_C_OUT)/lib
	@$(AURORAIAM_C_OUT)/demo/demo_token

bench-c:
	@bash tests/c/bench.sh

install-c: c-lib
	@PREFIX="$(PREFIX)" bash ffi/install.sh

install: install-c

TEST_TARGETS += test-c
DEMO_TARGETS += demo-c
BENCH_TARGETS += bench-c
