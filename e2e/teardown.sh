#!/usr/bin/env bash
# Stops the emulator's servers, removes the PAM service files /etc/pam.d/auroraiam-* and the
# state dir. Safe to run on a half set-up or already torn-down state.
#
#   AURORAIAM_E2E_STATE=/tmp/aurora bash e2e/teardown.sh      (E2E_KEEP_STATE=1 keeps the dir)
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_require_root
STATE="${AURORAIAM_E2E_STATE:-}"

if [ -n "$STATE" ] && [ -d "$STATE" ]; then
  if [ -f "$STATE/pg/data/postmaster.pid" ]; then
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$STATE/pg/data" -m fast -w -t 20 stop >/dev/null 2>&1 \
      || e2e_log "pg_ctl stop failed; killing the postmaster"
    pid="$(head -1 "$STATE/pg/data/postmaster.pid" 2>/dev/null || true)"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  if [ -f "$STATE/mysql/mariadbd.pid" ]; then
    pid="$(cat "$STATE/mysql/mariadbd.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      e2e_wait_for "! kill -0 $pid" 20 || { e2e_log "mariadbd $pid did not stop; killing it"; kill -9 "$pid"; }
    fi
  fi
fi
rm -f /etc/pam.d/auroraiam-*
if [ -n "$STATE" ] && [ -d "$STATE" ] && [ "${E2E_KEEP_STATE:-0}" != 1 ]; then
  case "$STATE" in
    /tmp/auroraiam-e2e.*|/var/lib/auroraiam-e2e|"${AURORAIAM_E2E_STATE_OWNED:-/nonexistent}") rm -rf "$STATE" ;;
    *) e2e_log "state dir $STATE kept (not created by the emulator; remove it yourself)" ;;
  esac
fi
e2e_log "torn down"
