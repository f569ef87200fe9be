#!/usr/bin/env bash
# Install tests of the artifacts in dist/ (`make test-dist`, part of `make test`), the way users
# install them, on a PATH without cargo or rustc (~/.cargo/bin and every directory holding them
# are dropped; `command -v cargo` must fail inside):
#   python  a fresh venv, `pip install --no-index dist/*.whl` (no build), every vector token,
#           the default chain reading a profile (packaging/install_check.py)
#   node    a fresh npm project, `npm install --offline dist/auroraiam-<v>.tgz` (no compiler, no
#           network), every vector token through ESM and CommonJS, types installed, a Signer
#           through the default chain; a clear error on an unsupported platform
#   c       the tarball extracted to a temporary directory: tests/c/consumer built with
#           pkg-config (shared) and with CMake (shared and static), each printing a vector token
#   cli     the binary copied to a temporary bin directory: --version, every vector token case
#           of rds.json through a process, and --format uri/env/json round trips
# Each artifact also: needs no glibc symbol newer than 2.17 (the wheel is tagged manylinux_2_17),
# and carries the repository's LICENSE (the CLI is one file: none there).
# Needs the artifacts: packaging/dist.sh python node c cli.
#   packaging/test-install.sh [PART...]   (default: python node c cli)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIST=${DIST:-$ROOT/dist}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/auroraiam-install.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# PATH without the Rust toolchain: drop every directory that holds cargo, rustc or rustup.
clean_path=
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  [ -n "$d" ] || continue
  case "$d" in "$HOME/.cargo/bin" | */.cargo/bin | */.rustup/*) continue ;; esac
  [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || [ -e "$d/rustup" ] && continue
  clean_path=${clean_path:+$clean_path:}$d
done
export PATH=$clean_path
unset CARGO CARGO_HOME RUSTUP_HOME RUSTC CARGO_TARGET_DIR
if command -v cargo >/dev/null || command -v rustc >/dev/null; then
  echo "test-install: cargo or rustc is still on PATH ($PATH)" >&2; exit 1
fi
echo "test-install: PATH without a Rust toolchain (command -v cargo fails)"

passed=0
pass() { passed=$((passed + 1)); echo "test-install: ok: $*"; }
fail() { echo "test-install: $*" >&2; exit 1; }

# The glibc every Linux artifact promises (packaging/dist.sh links them with zig against 2.17's
# symbol versions; GLIBC_FLOOR=2.34 checks a ZIG_LINK=0 build).
GLIBC_FLOOR=${GLIBC_FLOOR:-2.17}
glibc_floor() { # FILE: fails if FILE needs a glibc symbol version newer than GLIBC_FLOOR
  local need
  need=$(objdump -T "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sort -t. -k1,1 -k2,2n -k3,3n -u | tail -n 1)
  printf '%s\n' "GLIBC_$GLIBC_FLOOR" "$need" | sort -t. -k1,1 -k2,2n -k3,3n -C ||
    fail "$(basename "$1") needs $need, newer than GLIBC_$GLIBC_FLOOR"
  echo "test-install: $(basename "$1") needs at most $need (floor GLIBC_$GLIBC_FLOOR)"
}
# Every artifact carries the repository's LICENSE (the Python and Node packages and the two
# publishable crates pack committed copies, which must not drift from it).
license_is() { # FILE WHAT
  [ -f "$1" ] || fail "$2 has no LICENSE"
  cmp -s "$1" "$ROOT/LICENSE" || fail "$2's LICENSE differs from the repository's"
}
license_is "$ROOT/bindings/python/LICENSE" "bindings/python"
license_is "$ROOT/bindings/node/LICENSE" "bindings/node"
license_is "$ROOT/core/LICENSE" "core (the auroraiam crate)"
license_is "$ROOT/cli/LICENSE" "cli (the auroraiam-cli crate)"

need() { [ -f "$1" ] || { echo "test-install: $1 missing: run 'make dist' (or packaging/dist.sh $2) first" >&2; exit 1; }; }

# --- Python: the manylinux wheel in a fresh venv --------------------------------------------------
check_python() {
wheel=$(ls "$DIST"/auroraiam-"$version"-cp39-abi3-*manylinux*.whl 2>/dev/null | head -n 1 || true)
need "${wheel:-$DIST/auroraiam-$version-cp39-abi3-manylinux_${GLIBC_FLOOR/./_}_x86_64.whl}" python
case "$wheel" in *[.-]manylinux_${GLIBC_FLOOR/./_}_x86_64.whl) ;; *) fail "$(basename "$wheel") is not tagged manylinux_${GLIBC_FLOOR/./_}" ;; esac
python3 -m venv "$TMP/venv"
"$TMP/venv/bin/python" -c 'import shutil, sys; sys.exit(shutil.which("cargo") is not None)'
"$TMP/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index --only-binary=:all: "$wheel"
(cd "$TMP" && "$TMP/venv/bin/python" "$ROOT/packaging/install_check.py" "$ROOT/tests/vectors")
site=$("$TMP/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')
glibc_floor "$(ls "$site"/auroraiam/_auroraiam*.so)"
license_is "$(ls "$site"/auroraiam-"$version".dist-info/licenses/LICENSE 2>/dev/null || true)" "the installed wheel"
pass "python wheel $(basename "$wheel")"
}

# --- Node: the npm tarball in a fresh project -----------------------------------------------------
check_node() {
tgz=$DIST/auroraiam-$version.tgz
need "$tgz" node
mkdir -p "$TMP/npm-project"
(cd "$TMP/npm-project" && printf '{ "name": "install-test", "version": "1.0.0", "private": true, "type": "module" }\n' >package.json &&
  npm install --offline --no-audit --no-fund --loglevel=error "$tgz" >/dev/null &&
  cp "$ROOT/packaging/install_check.mjs" . && node install_check.mjs "$ROOT/tests/vectors")
glibc_floor "$TMP/npm-project/node_modules/auroraiam/auroraiam.linux-x64-gnu.node"
license_is "$TMP/npm-project/node_modules/auroraiam/LICENSE" "the installed npm package"
# An unsupported platform gets a clear error, not npm's generic "Cannot find native binding".
printf "Object.defineProperty(process, 'arch', { value: 'riscv64' })\n" >"$TMP/riscv64.cjs"
out=$(cd "$TMP/npm-project" && node -r "$TMP/riscv64.cjs" -e "try { require('auroraiam') } catch (e) { console.log(e.code + ': ' + e.message) }")
grep -q '^ERR_AURORAIAM_UNSUPPORTED_PLATFORM: auroraiam: no native addon for this platform (linux-riscv64-gnu)' <<<"$out" ||
  { echo "test-install: unexpected error on an unsupported platform: $out" >&2; exit 1; }
grep -q 'prebuilt: linux-x64-gnu' <<<"$out" || { echo "test-install: the error does not list the prebuilt addons: $out" >&2; exit 1; }
echo "node: unsupported platform: $out"
pass "npm tarball $(basename "$tgz")"
}

# --- C: the tarball, consumed with pkg-config and with CMake --------------------------------------
check_c() {
ctar=$DIST/auroraiam-$version-linux-x86_64.tar.gz
need "$ctar" c
tar -xzf "$ctar" -C "$TMP"
cdir=$TMP/auroraiam-$version-linux-x86_64
for f in include/auroraiam.h lib/libauroraiam.a lib/pkgconfig/auroraiam.pc lib/cmake/auroraiam/auroraiamConfig.cmake \
         lib/cmake/auroraiam/auroraiamConfigVersion.cmake LICENSE README.md; do
  [ -f "$cdir/$f" ] || { echo "test-install: $f missing from $(basename "$ctar")" >&2; exit 1; }
done
license_is "$cdir/LICENSE" "the C tarball"
glibc_floor "$cdir/lib/libauroraiam.so.$version"
soname=$(readelf -d "$cdir/lib/libauroraiam.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ -L "$cdir/lib/$soname" ] && [ -L "$cdir/lib/libauroraiam.so" ] || { echo "test-install: soname links missing" >&2; exit 1; }
export PKG_CONFIG_PATH=$cdir/lib/pkgconfig
[ "$(pkg-config --modversion auroraiam)" = "$version" ]
# shellcheck disable=SC2046
gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$TMP/consumer_pc" tests/c/consumer/consumer.c \
  $(pkg-config --cflags --libs auroraiam) -Wl,-rpath,"$(pkg-config --variable=libdir auroraiam)"
"$TMP/consumer_pc"
readelf -d "$TMP/consumer_pc" | grep -q "NEEDED.*\[$soname\]"
cmake -S tests/c/consumer -B "$TMP/cmake" -DCMAKE_PREFIX_PATH="$cdir" >/dev/null
cmake --build "$TMP/cmake" >/dev/null
"$TMP/cmake/consumer_shared"
"$TMP/cmake/consumer_static"
pass "C tarball $(basename "$ctar") (pkg-config; CMake shared and static)"
}

# --- CLI: the binary alone ------------------------------------------------------------------------
check_cli() {
bin=$DIST/auroraiam-$version-linux-x86_64
need "$bin" cli
mkdir -p "$TMP/bin"
cp "$bin" "$TMP/bin/auroraiam"
cli=$TMP/bin/auroraiam
if readelf -S "$cli" | grep -q '\.symtab'; then echo "test-install: $(basename "$bin") is not stripped" >&2; exit 1; fi
"$cli" --version | grep -qx "auroraiam $version (features: credential-chain)"
glibc_floor "$cli"
python3 - "$cli" "$ROOT/tests/vectors" <<'EOF'
import json, os, subprocess, sys, urllib.parse
cli, vectors = sys.argv[1], sys.argv[2]
n = 0
for case in json.load(open(os.path.join(vectors, "rds.json")))["cases"]:
    env = {"PATH": os.environ["PATH"], "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_ACCESS_KEY_ID": case["access_key_id"], "AWS_SECRET_ACCESS_KEY": case["secret_access_key"]}
    if case["session_token"] is not None:
        env["AWS_SESSION_TOKEN"] = case["session_token"]
    args = [cli, "generate-db-auth-token", f"--hostname={case['hostname']}", f"--port={case['port']}",
            f"--username={case['username']}", f"--expires-in={case['expires_in']}", f"--signing-time={case['signing_time']}"]
    if case["region"] is not None:
        args.append(f"--region={case['region']}")
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
    assert out == case["expected_token"] + "\n", (case["id"], out)
    n += 1
    if n % 50 == 1 and case["port"] in (5432, 3306):
        uri = subprocess.run(args + ["--format=uri"], env=env, capture_output=True, text=True, check=True).stdout.strip()
        parts = urllib.parse.urlsplit(uri)
        assert urllib.parse.unquote(parts.password) == case["expected_token"], (case["id"], uri)
        assert urllib.parse.unquote(parts.username) == case["username"], (case["id"], uri)
        lines = subprocess.run(args + ["--format=env"], env=env, capture_output=True, text=True, check=True).stdout
        var = "PGPASSWORD" if case["port"] == 5432 else "MYSQL_PWD"
        got = subprocess.run(["sh", "-c", f'eval "$1"; printf %s "${var}"', "sh", lines],
                             capture_output=True, text=True, check=True).stdout
        assert got == case["expected_token"], (case["id"], lines)
        info = json.loads(subprocess.run(args + ["--format=json"], env=env, capture_output=True, text=True, check=True).stdout)
        assert info["token"] == case["expected_token"] and info["expires_at_unix"] == case["signing_time"] + case["expires_in"]
print(f"cli: {n} vector tokens identical (one process each); uri, env and json formats round-trip")
EOF
pass "CLI binary $(basename "$bin") ($("$cli" --version))"
}

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(python node c cli)
for part in "${parts[@]}"; do
  case "$part" in
    python | node | c | cli) "check_$part" ;;
    *) echo "test-install: unknown part $part (python, node, c, cli)" >&2; exit 2 ;;
  esac
done

echo "test-install: $passed artifacts installed and checked without a Rust toolchain"
