#!/usr/bin/env bash
# Installs the system packages the build and the test suites need, when missing (Debian 12).
# Language packages (pip, npm, cargo tools) are installed by each surface's own make target.
set -euo pipefail
need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
have_cmd pkg-config || need+=(pkg-config)
have_cmd cmake || need+=(cmake)
have_cmd valgrind || need+=(valgrind)
have_cmd python3 || need+=(python3)
have_pkg python3-venv || need+=(python3-venv)
have_pkg libpq-dev || need+=(libpq-dev)
for pkg in ${EXTRA_APT_PACKAGES:-}; do have_pkg "$pkg" || need+=("$pkg"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "install-deps: system packages present"
