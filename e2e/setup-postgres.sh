#!/usr/bin/env bash
# Starts a local PostgreSQL that logs users in like Aurora PostgreSQL with rds_iam: the password
# is an IAM token, checked by pam_auroraiam.so; TLS only (non-TLS is refused before any token
# check). Root, loopback only, no systemd, all state under $AURORAIAM_E2E_STATE.
#
#   AURORAIAM_E2E_STATE=/tmp/aurora bash e2e/setup-postgres.sh   # then: source /tmp/aurora/env
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_require_root
e2e_state_dir
start=$(e2e_ms)

e2e_apt_install postgresql openssl
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$PG_BIN/initdb" ] || e2e_die "no PostgreSQL server binaries under /usr/lib/postgresql"
e2e_port_free "$E2E_PG_PORT" || e2e_die "port $E2E_PG_PORT is taken (set E2E_PG_PORT)"

PG="$AURORAIAM_E2E_STATE/pg"
[ -e "$PG/data/PG_VERSION" ] && e2e_die "$PG/data exists: run e2e/teardown.sh first"
mkdir -p "$PG/run"
e2e_make_tls
e2e_pam_module
install -o postgres -g postgres -m 0600 "$AURORAIAM_E2E_STATE/tls/server.key" "$PG/server.key"
cp "$AURORAIAM_E2E_STATE/tls/server.pem" "$PG/server.pem"
# The backend runs PAM in-process as postgres: the key file and the log belong to postgres.
e2e_write_keys "$PG/keys.conf" postgres
install -o postgres -g postgres -m 0600 /dev/null "$PG/verifier.log"
chown postgres:postgres "$PG" "$PG/run"
e2e_pam_service auroraiam-pg "$E2E_HOST" "$E2E_PG_PORT" "$E2E_REGION" "$PG/keys.conf" "$PG/verifier.log"
e2e_pam_service auroraiam-pg-endpoint "$E2E_ENDPOINT" "$E2E_PG_PORT" "$E2E_REGION" "$PG/keys.conf" "$PG/verifier.log"

as_pg() { runuser -u postgres -- "$@"; }
# A failure after the server started stops it again (a half-set-up server must not linger).
ready=0
stop_on_failure() {
  [ "$ready" = 1 ] || [ ! -f "$PG/data/postmaster.pid" ] \
    || as_pg "$PG_BIN/pg_ctl" -D "$PG/data" -m immediate -w stop >/dev/null 2>&1 || true
}
trap stop_on_failure EXIT
as_pg "$PG_BIN/initdb" -D "$PG/data" -U postgres --auth-local=peer --auth-host=reject -E UTF8 --locale=C.UTF-8 \
  --no-sync >"$PG/initdb.log" 2>&1 || { cat "$PG/initdb.log" >&2; e2e_die "initdb failed"; }
cat >> "$PG/data/postgresql.conf" <<CONF
# auroraiam local emulator
listen_addresses = '127.0.0.1'
port = $E2E_PG_PORT
unix_socket_directories = '$PG/run'
ssl = on
ssl_cert_file = '$PG/server.pem'
ssl_key_file = '$PG/server.key'
log_connections = on
fsync = off
CONF
# Database "aurora" checks tokens for the endpoint name, every other one for localhost.
cat > "$PG/data/pg_hba.conf" <<HBA
# auroraiam local emulator: IAM tokens over TLS only, like Aurora PostgreSQL with rds_iam.
local   all     postgres                peer
hostssl aurora  all       127.0.0.1/32  pam pamservice=auroraiam-pg-endpoint
hostssl all     all       127.0.0.1/32  pam pamservice=auroraiam-pg
host    all     all       127.0.0.1/32  reject
host    all     all       ::1/128       reject
HBA
as_pg "$PG_BIN/pg_ctl" -D "$PG/data" -l "$PG/server.log" -w -t 30 start >/dev/null \
  || { tail -20 "$PG/server.log" >&2; e2e_die "PostgreSQL did not start"; }

admin_sql() { as_pg "$PG_BIN/psql" -X -q -h "$PG/run" -p "$E2E_PG_PORT" -d postgres -v ON_ERROR_STOP=1 "$@"; }
echo 'CREATE DATABASE aurora;' | admin_sql
for user in "${E2E_USERS[@]}"; do
  echo 'CREATE ROLE :"u" LOGIN;' | admin_sql -v u="$user"
done

e2e_common_env
{
  e2e_env_add E2E_PG_PORT "$E2E_PG_PORT"
  e2e_env_add E2E_PG_BIN "$PG_BIN"
  e2e_env_add E2E_PG_LOG "$PG/verifier.log"
  e2e_env_add E2E_PG_SOCKET_DIR "$PG/run"
}
ready=1
e2e_log "PostgreSQL on 127.0.0.1:$E2E_PG_PORT (TLS only, IAM tokens via pam_auroraiam) ready in $(e2e_secs_since "$start") s"
