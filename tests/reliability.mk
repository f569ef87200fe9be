# Miri over the pure-logic unit tests of the core and the C library's pointer/length helpers
# (docs/reliability.md). Needs the nightly toolchain with the miri and rust-src components
# (installed with rustup when missing). Its own target dir (target/miri, Miri's default).
#   make miri         the core's pure-logic unit tests + ffi::ptr, ffi::call (which covers last_error),
#                     ffi::verify tests; one line per test group (count, result, UB reports, seconds)
#                     in target/miri-groups.log, the full output in target/miri-<crate>.log
#   make miri-smoke   ffi::ptr and the core's encoding/hostname/region tests only; part of make test
#                     (5 min 40 s on a fresh machine, Miri's sysroot built, beside a CI run)

MIRI_CORE_TESTS ?= encoding:: hostname:: region:: parse:: time:: error:: coerce:: signing_key:: presign::
MIRI_FFI_TESTS ?= ptr:: call:: verify::

.PHONY: miri miri-smoke miri-deps

miri-deps:
	@rustup +nightly component list --installed 2>/dev/null | grep -q '^miri' || rustup component add --toolchain nightly miri rust-src

miri: miri-deps
	@start=$$SECONDS; mkdir -p target; : > target/miri-groups.log; \
	for crate in auroraiam auroraiam-ffi; do \
	  : > target/miri-$$crate.log; b=$$SECONDS; \
	  $(CARGO) +nightly miri test -q -p $$crate --lib --no-run 2>&1 | grep -E '^error' ; \
	  echo "miri: $$crate built under Miri in $$((SECONDS - b)) s" | tee -a target/miri-groups.log; \
	done; \
	for g in $(MIRI_CORE_TESTS:%=auroraiam:%) $(MIRI_FFI_TESTS:%=auroraiam-ffi:%); do \
	  crate=$${g%%:*}; filter=$${g#*:}; t=$$SECONDS; \
	  $(CARGO) +nightly miri test -q -p $$crate --lib -- $$filter > target/miri-group.log 2>&1; \
	  cat target/miri-group.log >> target/miri-$$crate.log; \
	  res=$$(grep -h '^test result' target/miri-group.log | sed -E 's/.*: ([A-Za-z]+)\. ([0-9]+) passed; ([0-9]+) failed.*/\1 \2 passed, \3 failed/'); \
	  ub=$$(grep -c 'Undefined Behavior' target/miri-group.log); \
	  echo "miri: $$crate $$filter $${res:-NO RESULT} ($$ub UB reports) in $$((SECONDS - t)) s" | tee -a target/miri-groups.log; \
	done; \
	echo "miri: total $$(grep -h '^test result' target/miri-auroraiam.log target/miri-auroraiam-ffi.log | sed -E 's/.*\. ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/' | awk '{p+=$$1; f+=$$2} END {print p " passed, " f " failed"}') in $$((SECONDS - start)) s" | tee -a target/miri-groups.log; \
	! grep -q -E '^test result: FAILED|Undefined Behavior|^error' target/miri-auroraiam.log target/miri-auroraiam-ffi.log

miri-smoke: miri-deps
	@$(MAKE) --no-print-directory miri MIRI_CORE_TESTS="encoding:: hostname:: region::" MIRI_FFI_TESTS="ptr::"

TEST_TARGETS += miri-smoke
