#!/usr/bin/env bash
# Runs the fuzz targets one after another (libFuzzer, one process each) and prints figures.
#   bash fuzz/run.sh smoke        each target for FUZZ_SECONDS (default 30) seconds  (make fuzz-smoke, CI)
#   bash fuzz/run.sh long         each target for FUZZ_RUNS (default 10,000,000) executions,
#                                 optionally capped at FUZZ_SECONDS per target       (make fuzz)
# FUZZ_TARGETS="parse_token cli" limits the targets. Needs the nightly toolchain (installed with
# rustup when missing) and cargo-fuzz (installed from crates.io when missing).
# Every target but ffi is built without a sanitizer (safe Rust: the harness assertions are the
# oracle, and the executions go 2-3x further); ffi, the unsafe C boundary, runs under
# AddressSanitizer with leak detection. Crashes, timeouts and OOMs land in fuzz/artifacts/<target>/;
# the figures in fuzz/target/figures-<mode>.txt. Exit status 1 when any target found anything.
set -uo pipefail
MODE=${1:-smoke}
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
ALL="parse_token diagnose verify_token hostname_region sign_roundtrip cli pam_password ffi"
TARGETS=${FUZZ_TARGETS:-$ALL}
case $MODE in
  smoke) SECONDS_PER=${FUZZ_SECONDS:-30}; RUNS=-1; CMP=${FUZZ_TRACE_COMPARES:-1} ;;
  long) SECONDS_PER=${FUZZ_SECONDS:-0}; RUNS=${FUZZ_RUNS:-10000000}; CMP=${FUZZ_TRACE_COMPARES:-0} ;;
  *) echo "usage: fuzz/run.sh smoke|long" >&2; exit 2 ;;
esac
# Comparison tracing (libFuzzer learns the strings and numbers the code compares against) costs
# half or more of an execution in these parsers: on in smoke runs, off in long runs (2-2.6x the
# executions; docs/reliability.md), whose dictionaries (fuzz/dict/) give the grammar's strings.
# FUZZ_TRACE_COMPARES=1/0 overrides. Each setting has its own target dir (no rebuild thrash).
if [ "$CMP" = 1 ]; then CMPFLAG=(); TDIR=target; else CMPFLAG=(--no-trace-compares); TDIR=target/nocmp; fi

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzz: installing the nightly toolchain (rustup)"
  rustup toolchain install nightly --profile minimal || { echo "fuzz: cannot install nightly; libFuzzer needs it" >&2; exit 1; }
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz (crates.io)"
  cargo install cargo-fuzz --locked || { echo "fuzz: cannot install cargo-fuzz from crates.io" >&2; exit 1; }
fi

TRIPLE=$(rustc +nightly -vV | sed -n 's/^host: //p')
echo "fuzz: building ($(cargo +nightly fuzz --version), $(rustc +nightly --version))"
plain=() asan=()
for t in $TARGETS; do if [ "$t" = ffi ]; then asan+=("$t"); else plain+=("$t"); fi; done
for t in "${plain[@]}"; do
  if [ "$TDIR" = target ]; then dir=(); else dir=(--target-dir "$TDIR"); fi
  cargo +nightly fuzz build -O -a "${CMPFLAG[@]}" --sanitizer none "${dir[@]}" "$t" >/dev/null ||
    { echo "fuzz: build of $t failed" >&2; exit 1; }
done
for t in "${asan[@]}"; do
  cargo +nightly fuzz build -O -a "${CMPFLAG[@]}" --sanitizer address --target-dir "$TDIR/asan" "$t" >/dev/null ||
    { echo "fuzz: build of $t (ASan) failed" >&2; exit 1; }
done

rm -rf corpus/seed-tmp
python3 seed.py corpus
FIG=target/figures-$MODE.txt
: >"$FIG"
found=0
printf 'fuzz: %-16s %12s %8s %8s %s\n' target execs seconds execs/s "crashes/timeouts/ooms/leaks" | tee -a "$FIG"
for t in $TARGETS; do
  if [ "$t" = ffi ]; then bin=$TDIR/asan/$TRIPLE/release/$t; else bin=$TDIR/$TRIPLE/release/$t; fi
  mkdir -p "artifacts/$t" corpus/"$t"
  log=target/fuzz-$t-$MODE.log
  extra=()
  [ "$SECONDS_PER" != 0 ] && extra+=("-max_total_time=$SECONDS_PER")
  # The token grammar's strings for every target, the CLI's words too for cli.
  cat dict/token.dict >"target/$t.dict"
  [ -f "dict/$t.dict" ] && cat "dict/$t.dict" >>"target/$t.dict"
  extra+=("-dict=target/$t.dict")
  # In this process (no -jobs: that sends every job's output to ./fuzz-0.log, which two runs in
  # this directory then share); -reload=0: one process, so no rescan of the corpus directory
  # every second (and no second run of the whole seed corpus at the first rescan).
  ASAN_OPTIONS=detect_leaks=1 "$bin" "corpus/$t" -runs="$RUNS" "${extra[@]}" -timeout=10 -rss_limit_mb=2048 \
    -reload=0 -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"$log" 2>&1
  rc=$?
  execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -1)
  secs=$(sed -nE 's/^Done [0-9]+ runs in ([0-9]+) second.*/\1/p' "$log" | tail -1)
  [ -z "$secs" ] && secs=$(sed -nE 's/.*time: ([0-9]+)s.*/\1/p' "$log" | tail -1)
  crashes=$(find "artifacts/$t" -name 'crash-*' | wc -l)
  timeouts=$(find "artifacts/$t" -name 'timeout-*' | wc -l)
  ooms=$(find "artifacts/$t" -name 'oom-*' | wc -l)
  leaks=$(find "artifacts/$t" -name 'leak-*' | wc -l)
  rate=$(( ${execs:-0} / (${secs:-1} > 0 ? ${secs:-1} : 1) ))
  printf 'fuzz: %-16s %12s %8s %8s %s\n' "$t" "${execs:-?}" "${secs:-?}" "$rate" "$crashes/$timeouts/$ooms/$leaks" | tee -a "$FIG"
  if [ $rc != 0 ] || [ $((crashes + timeouts + ooms + leaks)) != 0 ]; then
    found=1
    echo "fuzz: $t FAILED (exit $rc); log $HERE/$log:" >&2
    grep -E -A12 'panicked|ERROR: libFuzzer|ERROR: AddressSanitizer|ERROR: LeakSanitizer' "$log" | head -30 >&2
  fi
done
echo "fuzz: figures in fuzz/$FIG"
exit $found
