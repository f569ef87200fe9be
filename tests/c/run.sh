#!/usr/bin/env bash
# `make test-c`: every test of the C ABI.
#   1. header drift: regenerate include/auroraiam.h with the pinned cbindgen, fail on any diff
#   2. Rust-side boundary tests (cargo test -p auroraiam-ffi: result mapping 1:1 with core, ...)
#   3. release build of libauroraiam (.so + .a), staged with its soname symlinks, and of the slim
#      library (--no-default-features: no default credential chain); their stripped sizes
#   4. C tests (-std=c11 -Wall -Wextra -Wpedantic -Werror) against the shared and the static
#      library: every shared vector, the API contract and bad input, 8 threads x 10 s, token
#      inspection (parse/verify/diagnose/redact of every vector token), the shared bad-input table
#      (tests/bad_inputs.json), the token provider
#      (explicit, environment, C callback, and the default chain against the loopback AWS
#      endpoint emulator, tests/emulators/aws_endpoints.py, in a hermetic AWS_* environment)
#   5. the same under AddressSanitizer + UndefinedBehaviorSanitizer, and under valgrind
#   6. the vector, inspection and provider tests against the slim library
#   7. a C++ translation unit including the header (-Werror), the examples (libpq, demo)
#   8. `make install-c` into a temporary prefix, then out-of-tree consumers through
#      pkg-config and CMake find_package (shared and static)
# Ends with "test-c: N passed, N failed" (N = individual checks) and exits non-zero on any failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
OUT=$ROOT/target/auroraiam-c/tests
LIB=$ROOT/target/auroraiam-c/lib
SLIM_LIB=$ROOT/target/auroraiam-c/slim/lib
mkdir -p "$OUT"
THREAD_SECONDS=${AURORAIAM_THREAD_SECONDS:-10}

total_passed=0 total_failed=0 failed_steps=()

# Installs what the suite needs when it is missing (Debian packages; needs root, as in CI).
ensure_tools() {
  local missing=()
  command -v gcc >/dev/null || missing+=(gcc)
  command -v g++ >/dev/null || missing+=(g++)
  command -v valgrind >/dev/null || missing+=(valgrind)
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  command -v cmake >/dev/null || missing+=(cmake)
  if ! command -v pg_config >/dev/null || [ ! -f "$(pg_config --includedir 2>/dev/null)/libpq-fe.h" ]; then
    missing+=(libpq-dev)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "test-c: installing ${missing[*]} (apt-get)"
    if [ "$(id -u)" != 0 ]; then
      echo "test-c: need root to install ${missing[*]}; install them and rerun" >&2
      exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
      { echo "test-c: apt-get install ${missing[*]} failed" >&2; exit 1; }
  fi
}

# step NAME COMMAND...: runs a command, shows its output, adds its "N passed, N failed" counts
# (C binaries) or "test result: ok. N passed; N failed" (cargo) to the totals; a step without
# counts counts as one check.
step() {
  local name=$1
  shift
  local log="$OUT/$name.log" start=$SECONDS rc
  echo "--- $name"
  ("$@") >"$log" 2>&1
  rc=$?
  local p f
  p=$(sed -nE 's/^[A-Za-z_+-]+: ([0-9]+) passed, ([0-9]+) failed$/\1/p; s/^test result: .*\. ([0-9]+) passed; ([0-9]+) failed.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
  f=$(sed -nE 's/^[A-Za-z_+-]+: ([0-9]+) passed, ([0-9]+) failed$/\2/p; s/^test result: .*\. ([0-9]+) passed; ([0-9]+) failed.*/\2/p' "$log" | awk '{s+=$1} END {print s+0}')
  if [ "$p" = 0 ] && [ "$f" = 0 ]; then
    if [ $rc = 0 ]; then p=1; else f=1; fi
  elif [ $rc != 0 ] && [ "$f" = 0 ]; then
    f=1
  fi
  total_passed=$((total_passed + p))
  total_failed=$((total_failed + f))
  if [ $rc = 0 ]; then
    grep -E '^(vectors|threads|consumer|header check|build-c|install-c|test result|sizes|chain|libauroraiam)|passed, [0-9]+ failed$' "$log" | sed 's/^/    /'
    echo "    ok ($((SECONDS - start)) s)"
  else
    failed_steps+=("$name")
    tail -n 60 "$log" | sed 's/^/    /'
    echo "    FAILED (exit $rc, $((SECONDS - start)) s; full log: $log)"
  fi
}

CSTD=(-std=c11 -Wall -Wextra -Wpedantic -Werror -O2 -g "-I$ROOT/include" "-DAURORAIAM_VECTORS_DIR=\"$ROOT/tests/vectors\"")
SHARED=("-L$LIB" -lauroraiam "-Wl,-rpath,$LIB")
read -r -a NATIVE <<<"$(cat "$ROOT/target/auroraiam-c/native-static-libs" 2>/dev/null || echo -lpthread -ldl -lm)"
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
VALGRIND=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect
          --show-leak-kinds=definite,indirect)
COMMON_SRC=(tests/c/check.c)
VECTOR_SRC=(tests/c/vectors.c tests/c/json.c tests/c/check.c)
EMULATOR_SRC=(tests/c/emulator.c tests/c/json.c tests/c/check.c)

compile_all() {
  set -e
  read -r -a NATIVE <<<"$(cat "$ROOT/target/auroraiam-c/native-static-libs")"
  local kind flags
  for kind in shared static asan; do
    mkdir -p "$OUT/$kind"
    case $kind in
      shared) flags=("${SHARED[@]}") ;;
      static) flags=("$LIB/libauroraiam.a" "${NATIVE[@]}") ;;
      asan) flags=("${SAN[@]}" "${SHARED[@]}") ;;
    esac
    local san=()
    [ $kind = asan ] && san=("${SAN[@]}")
    gcc "${CSTD[@]}" "${san[@]}" -pthread -o "$OUT/$kind/test_vectors" tests/c/test_vectors.c "${VECTOR_SRC[@]}" "${flags[@]}"
    gcc "${CSTD[@]}" "${san[@]}" -pthread -o "$OUT/$kind/test_api" tests/c/test_api.c "${COMMON_SRC[@]}" "${flags[@]}"
    gcc "${CSTD[@]}" "${san[@]}" -pthread -o "$OUT/$kind/test_policy" tests/c/test_policy.c tests/c/json.c "${COMMON_SRC[@]}" "${flags[@]}"
    gcc "${CSTD[@]}" "${san[@]}" -pthread -o "$OUT/$kind/test_threads" tests/c/test_threads.c "${VECTOR_SRC[@]}" "${flags[@]}"
    gcc "${CSTD[@]}" "${san[@]}" -pthread -o "$OUT/$kind/test_inspect" tests/c/test_inspect.c "${VECTOR_SRC[@]}" "${flags[@]}"
    gcc "${CSTD[@]}" "${san[@]}" -pthread -o "$OUT/$kind/test_provider" tests/c/test_provider.c "${EMULATOR_SRC[@]}" "${flags[@]}"
    gcc "${CSTD[@]}" "${san[@]}" -pthread -o "$OUT/$kind/test_bad_inputs" tests/c/test_bad_inputs.c tests/c/json.c tests/c/check.c "${flags[@]}"
    echo "compiled $kind: test_vectors test_api test_policy test_threads test_inspect test_provider test_bad_inputs"
  done
  g++ -std=c++11 -Wall -Wextra -Wpedantic -Werror -O2 "-I$ROOT/include" -o "$OUT/shared/test_cxx" tests/c/test_cxx.cpp "${SHARED[@]}"
  g++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -Wold-style-cast -Wzero-as-null-pointer-constant "-I$ROOT/include" \
      -fsyntax-only tests/c/test_cxx.cpp
  gcc -std=c99 -Wall -Wextra -Wpedantic -Werror "-I$ROOT/include" -fsyntax-only -x c - <<<'#include "auroraiam.h"
int main(void) { return auroraiam_version() == 0; }'
  echo "compiled test_cxx (C++11, C++17 strict) and checked the header under C99"
}

examples() {
  set -e
  gcc "${CSTD[@]}" "-I$(pg_config --includedir)" -o "$OUT/libpq_connect" examples/c/libpq_connect.c "${SHARED[@]}" -lpq
  gcc "${CSTD[@]}" -o "$OUT/demo_token" examples/c/demo_token.c "${SHARED[@]}"
  local out rc
  # Without a host: usage on stderr, exit 2.
  set +e
  out=$(env -u PGHOST "$OUT/libpq_connect" 2>&1); rc=$?
  set -e
  [ $rc = 2 ] && grep -q "no host" <<<"$out" || { echo "libpq_connect without a host: exit $rc: $out"; return 1; }
  # A host the region cannot be inferred from: a clear auroraiam error, exit 1.
  set +e
  out=$(AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret "$OUT/libpq_connect" --host 127.0.0.1 --port 1 --user u 2>&1); rc=$?
  set -e
  [ $rc = 1 ] && grep -q "REGION_REQUIRED" <<<"$out" || { echo "libpq_connect region: exit $rc: $out"; return 1; }
  # Token made, connection refused on a closed loopback port: libpq's error, exit 1.
  set +e
  out=$(AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret "$OUT/libpq_connect" --host 127.0.0.1 --port 1 --user u --region us-east-1 2>&1); rc=$?
  set -e
  [ $rc = 1 ] && grep -q "connection to 127.0.0.1:1 as u failed" <<<"$out" || { echo "libpq_connect refused: exit $rc: $out"; return 1; }
  echo "libpq example: usage, REGION_REQUIRED and connection-refused paths report clearly"
  # The demo program prints rds-0001's token for rds-0001's inputs.
  out=$(env -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
        AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY DEMO_HOSTNAME=mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com DEMO_PORT=5432 \
        DEMO_USERNAME=iam_user DEMO_SIGNING_TIME=1478540373 "$OUT/demo_token")
  [[ $out == *"X-Amz-Signature=2df3d4ae98b4034dbac0d02277f978e3e505a22cf1d6996a937cc207be1aed14" ]] ||
    { echo "demo_token printed $out"; return 1; }
  echo "demo_token prints rds-0001's token"
  # The verifier example accepts it for what it was made for, and rejects it precisely.
  gcc "${CSTD[@]}" -o "$OUT/verify_token" examples/c/verify_token.c "${SHARED[@]}"
  local token=$out verified
  verify() {
    env -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY="$1" "$OUT/verify_token" \
      --host mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com --port 5432 --user iam_user --region us-east-1 \
      --now "$2" <<<"$token" 2>&1
  }
  set +e
  verified=$(verify wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY 1478540400); rc=$?
  set -e
  [ $rc = 0 ] && grep -q "^verified: OK" <<<"$verified" && grep -q "X-Amz-Signature=<redacted:64 chars>" <<<"$verified" &&
    ! grep -q 2df3d4ae98b4 <<<"$verified" || { echo "verify_token: exit $rc: $verified"; return 1; }
  set +e
  verified=$(verify wrong-secret 1478540400); rc=$?
  set -e
  [ $rc = 1 ] && grep -q "rejected: SIGNATURE_MISMATCH" <<<"$verified" || { echo "verify_token wrong secret: $verified"; return 1; }
  set +e
  verified=$(verify wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY 1478541373); rc=$?
  set -e
  [ $rc = 1 ] && grep -q "EXPIRED: expired 100 s ago" <<<"$verified" && grep -q "rejected: TOKEN_EXPIRED" <<<"$verified" ||
    { echo "verify_token expired: $verified"; return 1; }
  echo "verify_token verifies demo_token's token, rejects a wrong secret and an expired token"
}

install_and_consume() {
  set -e
  local tmp
  tmp=$(mktemp -d "$OUT/install.XXXXXX")
  trap 'rm -rf "$tmp"' RETURN
  make -s -C "$ROOT" --no-print-directory install-c PREFIX="$tmp/prefix"
  local version
  version=$(cat "$ROOT/target/auroraiam-c/version")
  # pkg-config
  export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
  [ "$(pkg-config --modversion auroraiam)" = "$version" ]
  local flags
  flags=$(pkg-config --cflags --libs auroraiam)
  echo "pkg-config --cflags --libs auroraiam: $flags"
  # shellcheck disable=SC2086
  gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$tmp/consumer_pc" tests/c/consumer/consumer.c $flags
  LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/consumer_pc"
  readelf -d "$tmp/consumer_pc" | grep -q "NEEDED.*\[$(cat "$ROOT/target/auroraiam-c/soname")\]"
  echo "consumer: pkg-config build links the soname $(cat "$ROOT/target/auroraiam-c/soname")"
  # CMake find_package, shared and static targets
  cmake -S tests/c/consumer -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
  cmake --build "$tmp/cmake" >/dev/null
  "$tmp/cmake/consumer_shared"
  "$tmp/cmake/consumer_static"
  if readelf -d "$tmp/cmake/consumer_static" | grep -q libauroraiam; then
    echo "consumer_static depends on the shared library"; return 1
  fi
  echo "consumer: CMake auroraiam::auroraiam (shared) and auroraiam::auroraiam_static both work"
  # A newer or other-ABI version must not be accepted.
  if cmake -S tests/c/consumer -B "$tmp/cmake-wrong" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DAURORAIAM_WANT=99.0 >/dev/null 2>&1; then
    echo "find_package(auroraiam 99.0) was accepted"; return 1
  fi
  # The installed CMake package is relocatable.
  mv "$tmp/prefix" "$tmp/moved"
  cmake -S tests/c/consumer -B "$tmp/cmake-moved" -DCMAKE_PREFIX_PATH="$tmp/moved" >/dev/null
  cmake --build "$tmp/cmake-moved" >/dev/null
  "$tmp/cmake-moved/consumer_shared"
  echo "consumer: the CMake package still works after moving the prefix"
  # DESTDIR staging for packagers.
  make -s -C "$ROOT" --no-print-directory install-c PREFIX=/usr/local DESTDIR="$tmp/dest" >/dev/null
  test -f "$tmp/dest/usr/local/include/auroraiam.h" -a -L "$tmp/dest/usr/local/lib/libauroraiam.so" \
       -a -f "$tmp/dest/usr/local/lib/cmake/auroraiam/auroraiamConfigVersion.cmake"
  grep -q "^prefix=/usr/local$" "$tmp/dest/usr/local/lib/pkgconfig/auroraiam.pc"
  echo "consumer: DESTDIR install lays out /usr/local under the staging root"
}

# Stripped size of the full and the slim shared library (reported in docs/c.md).
library_sizes() {
  set -e
  local tmp full slim
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  strip -o "$tmp/full.so" "$LIB/libauroraiam.so"
  strip -o "$tmp/slim.so" "$SLIM_LIB/libauroraiam.so"
  full=$(stat -c %s "$tmp/full.so")
  slim=$(stat -c %s "$tmp/slim.so")
  echo "sizes: libauroraiam.so stripped: $full bytes with the default credential chain, $slim bytes slim (--no-default-features)"
}

# The loopback AWS endpoint emulator (IMDSv2 and friends) for the provider tests: started once,
# stopped (stdin closed) when the script exits.
EMU_PID='' EMU_PORT='' EMU_FD=''
start_emulator() {
  local fifo=$OUT/emulator.in
  rm -f "$fifo" "$OUT/emulator.out"
  mkfifo "$fifo"
  python3 tests/emulators/aws_endpoints.py --port 0 <"$fifo" >"$OUT/emulator.out" 2>"$OUT/emulator.err" &
  EMU_PID=$!
  exec {EMU_FD}>"$fifo"
  rm -f "$fifo"
  for _ in $(seq 100); do
    grep -q '^PORT ' "$OUT/emulator.out" 2>/dev/null && break
    sleep 0.1
  done
  EMU_PORT=$(sed -n 's/^PORT //p' "$OUT/emulator.out")
  if [ -z "$EMU_PORT" ]; then
    echo "test-c: the AWS endpoint emulator did not start: $(cat "$OUT/emulator.err")" >&2
    EMU_PORT=0
  fi
  echo "--- emulator: tests/emulators/aws_endpoints.py on 127.0.0.1:$EMU_PORT (pid $EMU_PID)"
}
stop_emulator() {
  [ -n "$EMU_FD" ] && exec {EMU_FD}>&- && EMU_FD=''
  if [ -n "$EMU_PID" ]; then
    for _ in $(seq 20); do kill -0 "$EMU_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
    EMU_PID=''
  fi
}
trap stop_emulator EXIT

# Runs a command with no AWS_* variable of the caller's, HOME and the AWS config files pointing
# at empty files, and IMDS pointing at the emulator: the developer's real credentials and the
# real instance metadata service are never used.
HERMETIC=$OUT/hermetic
hermetic() {
  mkdir -p "$HERMETIC/home"
  : >"$HERMETIC/config"
  : >"$HERMETIC/credentials"
  local unset=() v
  for v in $(compgen -e); do
    [[ $v == AWS_* ]] && unset+=(-u "$v")
  done
  env "${unset[@]}" HOME="$HERMETIC/home" AWS_CONFIG_FILE="$HERMETIC/config" \
    AWS_SHARED_CREDENTIALS_FILE="$HERMETIC/credentials" AWS_REGION=us-east-1 \
    AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$EMU_PORT" AURORAIAM_EMULATOR_PORT="$EMU_PORT" "$@"
}

# Runs a test binary (linked against the full shared library) with the slim one instead.
slim() {
  env LD_LIBRARY_PATH="$SLIM_LIB" "$@"
}

ensure_tools
step header-drift bash ffi/gen-header.sh --check
step rust-boundary-tests cargo test -q -p auroraiam-ffi
step build-libauroraiam bash ffi/build-c.sh
step build-libauroraiam-slim bash ffi/build-c.sh --slim
step library-sizes library_sizes
step compile compile_all
start_emulator
step vectors-shared "$OUT/shared/test_vectors"
step vectors-static "$OUT/static/test_vectors"
step api-shared "$OUT/shared/test_api"
step api-static "$OUT/static/test_api"
step policy-shared "$OUT/shared/test_policy"
step policy-static "$OUT/static/test_policy"
step threads-10s-shared "$OUT/shared/test_threads" --seconds "$THREAD_SECONDS"
step threads-static "$OUT/static/test_threads" --rounds 2
step inspect-shared "$OUT/shared/test_inspect"
step inspect-static "$OUT/static/test_inspect"
step bad-inputs-shared "$OUT/shared/test_bad_inputs"
step bad-inputs-static "$OUT/static/test_bad_inputs"
step provider-shared hermetic "$OUT/shared/test_provider"
step provider-static hermetic "$OUT/static/test_provider" --quick
step cxx "$OUT/shared/test_cxx"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
step asan-ubsan-vectors "$OUT/asan/test_vectors"
step asan-ubsan-api "$OUT/asan/test_api"
step asan-ubsan-policy "$OUT/asan/test_policy"
step asan-ubsan-threads "$OUT/asan/test_threads" --rounds 2
step asan-ubsan-inspect "$OUT/asan/test_inspect"
step asan-ubsan-bad-inputs "$OUT/asan/test_bad_inputs"
step asan-ubsan-provider hermetic "$OUT/asan/test_provider" --quick
step valgrind-vectors "${VALGRIND[@]}" "$OUT/shared/test_vectors"
step valgrind-api "${VALGRIND[@]}" "$OUT/shared/test_api"
step valgrind-policy "${VALGRIND[@]}" "$OUT/shared/test_policy"
step valgrind-threads "${VALGRIND[@]}" "$OUT/shared/test_threads" --rounds 1
step valgrind-inspect "${VALGRIND[@]}" "$OUT/shared/test_inspect"
step valgrind-provider hermetic "${VALGRIND[@]}" "$OUT/shared/test_provider" --quick
step valgrind-cxx "${VALGRIND[@]}" "$OUT/shared/test_cxx"
stop_emulator
step slim-vectors slim "$OUT/shared/test_vectors"
step slim-inspect slim "$OUT/shared/test_inspect"
step slim-provider hermetic env LD_LIBRARY_PATH="$SLIM_LIB" "$OUT/shared/test_provider" --expect-slim
step examples examples
step install-and-consume install_and_consume

echo
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "test-c: FAILED steps: ${failed_steps[*]}"
fi
echo "test-c: $total_passed passed, $total_failed failed"
[ ${#failed_steps[@]} -eq 0 ] && [ "$total_failed" -eq 0 ]
