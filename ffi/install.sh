#!/usr/bin/env bash
# Installs libauroraiam for C and C++ users (run through `make install-c PREFIX=...`):
#   $PREFIX/include/auroraiam.h
#   $LIBDIR/libauroraiam.so.X.Y.Z, <soname> and libauroraiam.so symlinks, libauroraiam.a
#   $LIBDIR/pkgconfig/auroraiam.pc                  (pkg-config --cflags --libs auroraiam)
#   $LIBDIR/cmake/auroraiam/auroraiamConfig.cmake   (find_package(auroraiam), auroraiam::auroraiam)
#   $LIBDIR/cmake/auroraiam/auroraiamConfigVersion.cmake
# Environment: PREFIX (default /usr/local), LIBDIR (default $PREFIX/lib), INCLUDEDIR (default
# $PREFIX/include), DESTDIR (staging root for packagers). Needs the staged build (ffi/build-c.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
stage=target/auroraiam-c
PREFIX=${PREFIX:-/usr/local}
LIBDIR=${LIBDIR:-$PREFIX/lib}
INCLUDEDIR=${INCLUDEDIR:-$PREFIX/include}
DESTDIR=${DESTDIR:-}
case "$PREFIX" in /*) ;; *) PREFIX=$(realpath -m "$PREFIX") ;; esac
case "$LIBDIR" in /*) ;; *) LIBDIR=$(realpath -m "$LIBDIR") ;; esac
case "$INCLUDEDIR" in /*) ;; *) INCLUDEDIR=$(realpath -m "$INCLUDEDIR") ;; esac
for f in version soname native-static-libs lib/libauroraiam.a; do
  [ -e "$stage/$f" ] || { echo "install-c: $stage/$f is missing: run 'make c-lib' first" >&2; exit 1; }
done
version=$(cat "$stage/version")
soname=$(cat "$stage/soname")
native=$(cat "$stage/native-static-libs")
IFS=. read -r major minor _patch <<<"$version"
cmakedir=$LIBDIR/cmake/auroraiam

install -d "$DESTDIR$INCLUDEDIR" "$DESTDIR$LIBDIR/pkgconfig" "$DESTDIR$cmakedir"
install -m 644 include/auroraiam.h "$DESTDIR$INCLUDEDIR/auroraiam.h"
install -m 755 "$stage/lib/libauroraiam.so.$version" "$DESTDIR$LIBDIR/libauroraiam.so.$version"
ln -sfn "libauroraiam.so.$version" "$DESTDIR$LIBDIR/$soname"
ln -sfn "$soname" "$DESTDIR$LIBDIR/libauroraiam.so"
install -m 644 "$stage/lib/libauroraiam.a" "$DESTDIR$LIBDIR/libauroraiam.a"

subst() {
  sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@LIBDIR@|$LIBDIR|g" -e "s|@INCLUDEDIR@|$INCLUDEDIR|g" \
      -e "s|@VERSION@|$version|g" -e "s|@MAJOR@|$major|g" -e "s|@MINOR@|$minor|g" -e "s|@SONAME@|$soname|g" \
      -e "s|@NATIVE_STATIC_LIBS@|$native|g" \
      -e "s|@NATIVE_STATIC_LIBS_CMAKE@|$(echo "$native" | sed 's/-l//g; s/ /;/g')|g" \
      -e "s|@CMAKE_TO_PREFIX@|$(realpath -m --relative-to="$cmakedir" "$PREFIX")|g" \
      -e "s|@LIBDIR_REL@|$(realpath -m --relative-to="$PREFIX" "$LIBDIR")|g" \
      -e "s|@INCLUDEDIR_REL@|$(realpath -m --relative-to="$PREFIX" "$INCLUDEDIR")|g" \
      -e "s|@SIZEOF_VOID_P@|$(getconf LONG_BIT | awk '{print $1/8}')|g" "$1"
}
subst ffi/pkg/auroraiam.pc.in >"$DESTDIR$LIBDIR/pkgconfig/auroraiam.pc"
subst ffi/pkg/auroraiamConfig.cmake.in >"$DESTDIR$cmakedir/auroraiamConfig.cmake"
subst ffi/pkg/auroraiamConfigVersion.cmake.in >"$DESTDIR$cmakedir/auroraiamConfigVersion.cmake"
chmod 644 "$DESTDIR$LIBDIR/pkgconfig/auroraiam.pc" "$DESTDIR$cmakedir"/*.cmake
echo "install-c: installed libauroraiam $version into $DESTDIR$PREFIX (lib: $LIBDIR, include: $INCLUDEDIR)"
