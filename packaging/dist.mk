# Distribution: the artifacts users install (packaging/). Included by the root Makefile.
#   make dist          every artifact in dist/: manylinux abi3 wheel + sdist (and a wheel built
#                      from that sdist), npm tarball, C tarball, stripped CLI binary, and
#                      `cargo publish --dry-run` of the publishable crates (packaging/dist.sh)
#   make dist-check    the install tests against dist/ with no Rust toolchain on PATH
#   make test-dist     what `make test` runs: the wheel, npm, C and CLI artifacts (reusing the
#                      suites' release builds), then the install tests
# dist/ is ignored by git.

.PHONY: dist dist-check test-dist

dist:
	@bash packaging/dist.sh

dist-check:
	@bash packaging/test-install.sh

test-dist:
	@bash packaging/dist.sh python node c cli
	@bash packaging/test-install.sh

TEST_TARGETS += test-dist
