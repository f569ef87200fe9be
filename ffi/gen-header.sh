#!/usr/bin/env bash
# Generates include/auroraiam.h from ffi/src with cbindgen: the one command for the header.
#   ffi/gen-header.sh           write include/auroraiam.h
#   ffi/gen-header.sh --check   regenerate into a temporary file and fail on any difference
# Installs the pinned cbindgen (cargo install --locked) when it is missing or another version.
# The AURORAIAM_VERSION_* macros come from the ffi crate's version (the workspace version).
set -euo pipefail
cd "$(dirname "$0")/.."
CBINDGEN_VERSION=0.29.4
CARGO=${CARGO:-cargo}

cargo_bin=${CARGO_HOME:-$HOME/.cargo}/bin/cbindgen
have_version() { [ -x "$1" ] && [ "$("$1" --version 2>/dev/null)" = "cbindgen $CBINDGEN_VERSION" ]; }
cbindgen_bin=$(command -v cbindgen || true)
if ! have_version "$cbindgen_bin"; then
  cbindgen_bin=$cargo_bin
  if ! have_version "$cbindgen_bin"; then
    echo "gen-header: installing cbindgen $CBINDGEN_VERSION (cargo install --locked)" >&2
    "$CARGO" install cbindgen --locked --version "$CBINDGEN_VERSION" >&2
    have_version "$cbindgen_bin" || { echo "gen-header: cbindgen $CBINDGEN_VERSION not found after install" >&2; exit 1; }
  fi
fi

version=$("$CARGO" pkgid -p auroraiam-ffi | sed 's/.*[@#]//')
if ! [[ $version =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]]; then
  echo "gen-header: cannot read a MAJOR.MINOR.PATCH version from '$version'" >&2
  exit 1
fi
major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]} patch=${BASH_REMATCH[3]}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The version block goes after the includes; the packed number is built from the three
# component macros (each tested against the library), and a static assertion in the trailer
# checks the packing.
version_block=$(cat <<TOML
after_includes = """

/** Major version of the library this header was generated from. */
#define AURORAIAM_VERSION_MAJOR $major
/** Minor version of the library this header was generated from. */
#define AURORAIAM_VERSION_MINOR $minor
/** Patch version of the library this header was generated from. */
#define AURORAIAM_VERSION_PATCH $patch
/** The version as a string, equal to what auroraiam_version() returns for a matching library. */
#define AURORAIAM_VERSION_STRING "$version"
/** (MAJOR << 16) | (MINOR << 8) | PATCH, equal to auroraiam_version_number() for a matching library. */
#define AURORAIAM_VERSION_NUMBER ((AURORAIAM_VERSION_MAJOR << 16) | (AURORAIAM_VERSION_MINOR << 8) | AURORAIAM_VERSION_PATCH)"""
TOML
)
# after_includes is a top-level key: insert it before the first [table] of the config.
awk -v block="$version_block" '!done && /^\[/ { print block; print ""; done = 1 } { print }' \
  ffi/cbindgen.toml > "$tmp/cbindgen.toml"

"$cbindgen_bin" --quiet --config "$tmp/cbindgen.toml" --crate auroraiam-ffi --output "$tmp/auroraiam.h" ffi

if [ "${1:-}" = "--check" ]; then
  if ! diff -u include/auroraiam.h "$tmp/auroraiam.h"; then
    echo "include/auroraiam.h is out of date: run 'make header' and commit it" >&2
    exit 1
  fi
  echo "header check: include/auroraiam.h is up to date (cbindgen $CBINDGEN_VERSION, version $version)"
else
  mkdir -p include
  cp "$tmp/auroraiam.h" include/auroraiam.h
  echo "wrote include/auroraiam.h (cbindgen $CBINDGEN_VERSION, version $version)"
fi
