# Coverage-guided fuzzing (fuzz/, cargo-fuzz + libFuzzer on nightly; see docs/reliability.md).
#   make fuzz         every target to 10 million executions, one after another (FUZZ_RUNS,
#                     FUZZ_SECONDS caps each target, FUZZ_TARGETS picks some); prints the figures
#   make fuzz-smoke   every target for FUZZ_SECONDS (default 30) seconds; part of make test

.PHONY: fuzz fuzz-smoke

fuzz: pam-deps
	@bash fuzz/run.sh long

fuzz-smoke: pam-deps
	@bash fuzz/run.sh smoke

TEST_TARGETS += fuzz-smoke
