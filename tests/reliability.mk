# Miri over the pure-logic unit tests of the core and the C library's pointer/length helpers
# (docs/reliability.md). Needs the nightly toolchain with the miri and rust-src components
# (installed with rustup when missing). Its own target dir (target/miri, Miri's default).
#   make miri         the core's pure-logic unit tests + ffi::ptr, ffi::call, ffi::last_error tests
#   make miri-smoke   ffi::ptr and the core's encoding/hostname/region tests only (not in make test:
#                     building Miri's sysroot took over 25 min on the loaded 2-core machine)

MIRI_CORE_TESTS ?= encoding:: hostname:: region:: parse:: time:: error:: coerce:: signing_key:: presign::
MIRI_FFI_TESTS ?= ptr:: call:: last_error::

.PHONY: miri miri-smoke miri-deps

miri-deps:
	@rustup +nightly component list --installed 2>/dev/null | grep -q '^miri' || rustup component add --toolchain nightly miri rust-src

miri: miri-deps
	@start=$$SECONDS; \
	$(CARGO) +nightly miri test -q -p auroraiam --lib -- $(MIRI_CORE_TESTS) 2>&1 | tee target/miri-core.log | grep -E '^test result|error' ; \
	$(CARGO) +nightly miri test -q -p auroraiam-ffi --lib -- $(MIRI_FFI_TESTS) 2>&1 | tee target/miri-ffi.log | grep -E '^test result|error' ; \
	echo "miri: $$(grep -h '^test result' target/miri-core.log target/miri-ffi.log | sed -E 's/.*ok\. ([0-9]+) passed; ([0-9]+) failed.*/\1 passed, \2 failed/' | paste -sd' ' -) in $$((SECONDS - start)) s"; \
	! grep -q -E '^test result: FAILED|Undefined Behavior|^error' target/miri-core.log target/miri-ffi.log

miri-smoke: miri-deps
	@$(MAKE) --no-print-directory miri MIRI_CORE_TESTS="encoding:: hostname:: region::" MIRI_FFI_TESTS="ptr::"

