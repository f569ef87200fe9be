#!/usr/bin/env bash
# The emulator's state dir is private (e2e/lib.sh): run as root, it refuses a state dir someone
# else pre-created (another owner, a symbolic link, group/world-writable), makes a fresh one
# with mktemp -d, writes the env file (emulated secrets) with mode 0600 and sources it only
# when it is a root-owned 0600 regular file. Needs root (chown); takes well under a second.
#   bash e2e/test-state-dir.sh      (also run first by e2e/run-tests.sh)
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_require_root
scratch="$(mktemp -d /tmp/auroraiam-e2e-statetest.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
passed=0 failed=0
check() { # description, then a command that must succeed
  local what="$1"; shift
  if "$@" >"$scratch/out" 2>&1; then passed=$((passed + 1)); echo "ok   $what"
  else failed=$((failed + 1)); echo "FAIL $what"; sed 's/^/     | /' "$scratch/out"; fi
}
# Runs e2e_state_dir for $1 in a subshell (it exits on refusal); prints the dir it settled on.
state_dir() { ( AURORAIAM_E2E_STATE="$1"; e2e_state_dir && echo "$AURORAIAM_E2E_STATE" ); }
refused() { ! state_dir "$1" && [ "$(state_dir "$1" 2>&1 >/dev/null)" != "" ]; }

mkdir "$scratch/theirs" && chown 65534:65534 "$scratch/theirs"
check "a dir owned by another user is refused" refused "$scratch/theirs"
mkdir "$scratch/real" && ln -s "$scratch/real" "$scratch/link"
check "a symbolic link is refused" refused "$scratch/link"
mkdir -m 0777 "$scratch/open" && chmod 0777 "$scratch/open"
check "a world-writable dir is refused" refused "$scratch/open"
mkdir "$scratch/group" && chmod 0770 "$scratch/group"
check "a group-writable dir is refused" refused "$scratch/group"
check "a file is refused" bash -c "touch '$scratch/file' && ! ( AURORAIAM_E2E_STATE='$scratch/file'; source '$E2E_DIR/lib.sh'; e2e_state_dir )"
mkdir -m 0700 "$scratch/mine"
check "a root-owned private dir is used, mode 0711" \
  bash -c "[ \"\$(AURORAIAM_E2E_STATE='$scratch/mine'; source '$E2E_DIR/lib.sh'; e2e_state_dir; stat -c %u:%a \"\$AURORAIAM_E2E_STATE\")\" = 0:711 ]"
check "a missing dir is created by root, mode 0711" \
  bash -c "[ \"\$(AURORAIAM_E2E_STATE='$scratch/new'; source '$E2E_DIR/lib.sh'; e2e_state_dir; stat -c %u:%a \"\$AURORAIAM_E2E_STATE\")\" = 0:711 ]"
fresh="$(unset AURORAIAM_E2E_STATE; e2e_state_dir >/dev/null; echo "$AURORAIAM_E2E_STATE")"
check "no dir given: a fresh mktemp dir" bash -c "[ '$fresh' != '' ] && [ \"\$(stat -c %u:%a '$fresh')\" = 0:711 ]"

# The env file: 0600, and refused when it is not root's 0600 regular file.
AURORAIAM_E2E_STATE="$fresh"
e2e_common_env
check "the env file (emulated secrets) is 0600" bash -c "[ \"\$(stat -c %u:%a '$fresh/env')\" = 0:600 ]"
check "a good env file is sourced" bash -c "source '$E2E_DIR/lib.sh'; AURORAIAM_E2E_STATE='$fresh'; e2e_source_env; [ \"\$E2E_ACCESS_KEY_ID\" != '' ]"
chmod 0644 "$fresh/env"
check "a 0644 env file is not sourced" bash -c "! ( source '$E2E_DIR/lib.sh'; AURORAIAM_E2E_STATE='$fresh'; e2e_source_env )"
rm -f "$fresh/env" && ln -s "$scratch/mine" "$fresh/env"
check "a symbolic link as env file is not sourced" bash -c "! ( source '$E2E_DIR/lib.sh'; AURORAIAM_E2E_STATE='$fresh'; e2e_source_env )"
rm -rf "$fresh"

echo "test-state-dir: $passed passed, $failed failed"
[ "$failed" = 0 ]
