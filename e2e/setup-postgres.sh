#!/usr/bin/env bash
# Starts a local PostgreSQL that logs users in like Aurora PostgreSQL: members of rds_iam give
# an IAM token as the password, checked by pam_auroraiam.so (other users their password); TLS only (non-TLS is refused before any token
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
# Aurora DSQL: database "dsql" checks DSQL tokens for $E2E_HOST (admin: DbConnectAdmin, others DbConnect).
e2e_pam_service auroraiam-pg-dsql "$E2E_HOST" "$E2E_PG_PORT" "$E2E_REGION" "$PG/keys.conf" "$PG/verifier.log" kind=dsql

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
# Like RDS: members of rds_iam log in with IAM tokens (`hostssl all +rds_iam all pam`), every
# other user with its password. Database "aurora" checks tokens for the endpoint name, database
# "dsql" Aurora DSQL tokens (kind=dsql), every other one RDS tokens for localhost.
cat > "$PG/data/pg_hba.conf" <<HBA
# auroraiam local emulator: RDS's rule, IAM tokens over TLS for members of rds_iam.
local   all     postgres                peer
hostssl aurora  +rds_iam  127.0.0.1/32  pam pamservice=auroraiam-pg-endpoint
hostssl dsql    +rds_iam  127.0.0.1/32  pam pamservice=auroraiam-pg-dsql
hostssl all     +rds_iam  127.0.0.1/32  pam pamservice=auroraiam-pg
hostssl all     all       127.0.0.1/32  scram-sha-256
host    all     all       127.0.0.1/32  reject
host    all     all       ::1/128       reject
HBA
as_pg "$PG_BIN/pg_ctl" -D "$PG/data" -l "$PG/server.log" -w -t 30 start >/dev/null \
  || { tail -20 "$PG/server.log" >&2; e2e_die "PostgreSQL did not start"; }

admin_sql() { as_pg "$PG_BIN/psql" -X -q -h "$PG/run" -p "$E2E_PG_PORT" -d postgres -v ON_ERROR_STOP=1 "$@"; }
echo 'CREATE DATABASE aurora;' | admin_sql
echo 'CREATE DATABASE dsql;' | admin_sql
# What RDS has: the rds_iam role. The users are created by the production DDL, unchanged
# (`auroraiam create-user-sql --dialect postgresql`: CREATE USER …; GRANT rds_iam TO …;).
echo 'CREATE ROLE rds_iam NOLOGIN;' | admin_sql
ddl="$(e2e_create_user_sql postgresql)" || e2e_die "auroraiam create-user-sql failed"
printf '%s\n' "$ddl" > "$PG/users.sql"
admin_sql -f "$PG/users.sql" || e2e_die "creating the users with the production DDL failed ($PG/users.sql)"
# DSQL's admin role (logs in to database "dsql" with DbConnectAdmin tokens).
echo 'CREATE USER admin IN ROLE rds_iam;' | admin_sql
# A user outside rds_iam keeps password authentication.
echo "CREATE USER :\"u\" PASSWORD :'p';" | admin_sql -v u="$E2E_PASSWORD_USER" -v p="$E2E_PASSWORD"

e2e_common_env
{
  e2e_env_add E2E_PG_PORT "$E2E_PG_PORT"
  e2e_env_add E2E_PG_BIN "$PG_BIN"
  e2e_env_add E2E_PG_LOG "$PG/verifier.log"
  e2e_env_add E2E_PG_SOCKET_DIR "$PG/run"
  e2e_env_add E2E_PASSWORD_USER "$E2E_PASSWORD_USER"
  e2e_env_add E2E_PASSWORD "$E2E_PASSWORD"
  e2e_env_add E2E_HOSTILE_USER "$E2E_HOSTILE_USER"
}
ready=1
e2e_log "PostgreSQL on 127.0.0.1:$E2E_PG_PORT (TLS only, IAM tokens via pam_auroraiam) ready in $(e2e_secs_since "$start") s"
