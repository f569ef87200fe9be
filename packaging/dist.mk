# Distribution: the artifacts users install (packaging/). Included by the root Makefile.
#   make dist          every artifact in dist/: manylinux_2_17 abi3 wheel + sdist (and a wheel
#                      built from that sdist), npm tarball, C tarball, stripped CLI binary (each
#                      linked by zig against glibc 2.17), and `cargo publish --dry-run` of the
#                      publishable crates (packaging/dist.sh)
#   make dist-check    the install tests against dist/ with no Rust toolchain on PATH
#   make test-dist     what `make test` runs: the crates' manifests and Rust floor, `cargo publish
#                      --dry-run` of auroraiam and auroraiam-cli (dist.sh manifests crates: about
#                      1 min, its verification reusing the debug builds of the earlier suites),
#                      the wheel, npm, C and CLI artifacts (reusing the
#                      suites' release builds: each relinks only its own crate, the addon next to
#                      the others since it builds in its own target/<triple> dir), then the
#                      install tests
#   make dist-sdist    the sdist alone, then a wheel built from it in an empty directory (not in
#                      `make test`: see packaging/dist.sh part_sdist for its cost)
# dist/ is ignored by git.

.PHONY: dist dist-check test-dist dist-sdist

dist:
	@bash packaging/dist.sh

dist-check:
	@bash packaging/test-install.sh

test-dist:
	@bash packaging/dist.sh tools manifests crates
	@log=$$(mktemp); trap 'rm -f $$log' EXIT; \
	  bash packaging/dist.sh node >$$log 2>&1 & node=$$!; \
	  bash packaging/dist.sh python c cli; rc=$$?; \
	  if ! wait $$node; then cat $$log >&2; echo "test-dist: packaging/dist.sh node failed" >&2; exit 1; fi; \
	  grep '^dist: ' $$log; exit $$rc
	@bash packaging/test-install.sh

dist-sdist:
	@bash packaging/dist.sh python sdist

TEST_TARGETS += test-dist
