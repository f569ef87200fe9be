#!/usr/bin/env bash
# Builds libauroraiam in release (one build gives the shared and the static library) and
# stages it for the C tests, examples and `make install-c`:
#   target/auroraiam-c/lib/libauroraiam.so.X.Y.Z   (soname from build.rs, e.g. libauroraiam.so.0.1)
#   target/auroraiam-c/lib/<soname> -> libauroraiam.so.X.Y.Z
#   target/auroraiam-c/lib/libauroraiam.so -> <soname>
#   target/auroraiam-c/lib/libauroraiam.a
#   target/auroraiam-c/{version,soname,native-static-libs}
#
#   ffi/build-c.sh --slim   the slim build instead (--no-default-features: no default credential
#                           chain), cargo profile release-slim (target/release-slim, so it never
#                           overwrites the full build's artifacts), staged the same way in
#                           target/auroraiam-c/slim/lib
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO=${CARGO:-cargo}
out=target/auroraiam-c
cargo_args=(--release)
built=target/release
if [ "${1:-}" = "--slim" ]; then
  out=target/auroraiam-c/slim
  cargo_args=(--profile release-slim --no-default-features)
  built=target/release-slim
fi
mkdir -p "$out/lib"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# `cargo rustc` rather than `cargo build`: to get rustc's list of the system libraries a static
# link needs (cargo replays the note when the build is fresh), and to build only the cdylib and
# the staticlib. The crate also declares an rlib (the fuzz targets link it); cargo turns LTO off
# for a crate whose outputs include an rlib, which made the static library 108 MB of per-crate
# objects and the shared one 9.9 MB, against 26 MB and 7.5 MB with the release profile's fat
# LTO (all unstripped; measured with the credential chain).
if ! "$CARGO" rustc "${cargo_args[@]}" -p auroraiam-ffi --lib --crate-type cdylib,staticlib \
    -- --print native-static-libs 2>"$log"; then
  cat "$log" >&2
  exit 1
fi
grep -v '^note: \|^$' "$log" | grep -v 'link against the following native artifacts' >&2 || true
native=$(sed -n 's/^note: native-static-libs: //p' "$log" | tail -n 1)
[ -n "$native" ] || native="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

version=$("$CARGO" pkgid -p auroraiam-ffi | sed 's/.*[@#]//')
soname=$(readelf -d "$built/libauroraiam_ffi.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ -n "$soname" ] || { echo "build-c: $built/libauroraiam_ffi.so has no soname" >&2; exit 1; }

# Replace files atomically so a running test never sees a half-written library.
cp "$built/libauroraiam_ffi.so" "$out/lib/.libauroraiam.so.tmp"
mv -f "$out/lib/.libauroraiam.so.tmp" "$out/lib/libauroraiam.so.$version"
ln -sfn "libauroraiam.so.$version" "$out/lib/$soname"
ln -sfn "$soname" "$out/lib/libauroraiam.so"
cp "$built/libauroraiam_ffi.a" "$out/lib/.libauroraiam.a.tmp"
mv -f "$out/lib/.libauroraiam.a.tmp" "$out/lib/libauroraiam.a"
printf '%s\n' "$version" >"$out/version"
printf '%s\n' "$soname" >"$out/soname"
printf '%s\n' "$native" >"$out/native-static-libs"
echo "build-c: staged libauroraiam $version${1:+ ($1)} ($soname, static needs: $native) in $out/lib" >&2
