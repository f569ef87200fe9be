#!/usr/bin/env bash
# Starts a local MariaDB that logs users in like Aurora MySQL: the server plugin
# AWSAuthenticationPlugin (mariadb-plugin/, loaded with INSTALL SONAME) asks the client for the
# IAM token with mysql_clear_password and checks it with pam_auroraiam's verifier; TLS is
# required. Users are created by the unchanged output of `auroraiam create-user-sql --dialect
# mariadb`. Root, loopback only, no systemd, all state under $AURORAIAM_E2E_STATE.
#
#   AURORAIAM_E2E_STATE=/tmp/aurora bash e2e/setup-mariadb.sh    # then: source /tmp/aurora/env
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_require_root
e2e_state_dir
start=$(e2e_ms)

e2e_apt_install mariadb-server mariadb-client libmariadbd-dev libpam0g-dev openssl
e2e_port_free "$E2E_MYSQL_PORT" || e2e_die "port $E2E_MYSQL_PORT is taken (set E2E_MYSQL_PORT)"
MY="$AURORAIAM_E2E_STATE/mysql"
[ -e "$MY/data/mysql" ] && e2e_die "$MY/data exists: run e2e/teardown.sh first"
mkdir -p "$MY/data" "$MY/run"
e2e_make_tls
e2e_mariadb_plugin "$MY/plugin"
install -o mysql -g mysql -m 0600 "$AURORAIAM_E2E_STATE/tls/server.key" "$MY/server.key"
cp "$AURORAIAM_E2E_STATE/tls/server.pem" "$MY/server.pem"
# The plugin runs inside mariadbd (user mysql): key file, policy and log belong to mysql.
e2e_write_keys "$MY/keys.conf" mysql
install -o mysql -g mysql -m 0600 /dev/null "$MY/verifier.log"
chown mysql:mysql "$MY" "$MY/data" "$MY/run"
# The plugin's server variable: the pam_auroraiam module arguments (one verifier for both servers).
plugin_args="config=$MY/keys.conf host=$E2E_HOST port=$E2E_MYSQL_PORT region=$E2E_REGION log=$MY/verifier.log"
plugin_args+=" account_id=$E2E_ACCOUNT_ID resource_id=$E2E_RESOURCE_ID"

mariadb-install-db --no-defaults --user=mysql --datadir="$MY/data" --auth-root-authentication-method=socket \
  --skip-test-db --skip-name-resolve >"$MY/install-db.log" 2>&1 \
  || { tail -20 "$MY/install-db.log" >&2; e2e_die "mariadb-install-db failed"; }
SOCK="$MY/run/mysqld.sock"
# A failure after the server started stops it again (a half-set-up server must not linger).
ready=0
stop_on_failure() {
  [ "$ready" = 1 ] || [ -z "${server_pid:-}" ] || { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; } || true
}
trap stop_on_failure EXIT
setsid mariadbd --no-defaults --user=mysql --datadir="$MY/data" --socket="$SOCK" --port="$E2E_MYSQL_PORT" \
  --bind-address=127.0.0.1 --skip-name-resolve --pid-file="$MY/mariadbd.pid" --log-error="$MY/server.log" \
  --plugin-dir="$MY/plugin" --loose-awsauthenticationplugin-args="$plugin_args" \
  --ssl-ca="$AURORAIAM_E2E_STATE/tls/ca.pem" --ssl-cert="$MY/server.pem" --ssl-key="$MY/server.key" \
  --require-secure-transport=ON --skip-log-bin --innodb-buffer-pool-size=32M --innodb-log-file-size=16M \
  </dev/null >/dev/null 2>&1 &
server_pid=$!
e2e_wait_for "mariadb-admin --no-defaults --socket='$SOCK' ping" 30 \
  || { tail -20 "$MY/server.log" >&2; e2e_die "MariaDB did not start"; }

mariadb --no-defaults --socket="$SOCK" -u root -e "INSTALL SONAME 'auth_auroraiam'" \
  || { tail -5 "$MY/server.log" >&2; e2e_die "INSTALL SONAME 'auth_auroraiam' failed"; }
# The production DDL, unchanged: `auroraiam create-user-sql --dialect mariadb` output.
e2e_create_user_sql mariadb > "$MY/users.sql" || e2e_die "auroraiam create-user-sql failed"
[ "$(grep -c "IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;$" "$MY/users.sql")" = "$(grep -c . "$MY/users.sql")" ] \
  || e2e_die "unexpected create-user-sql output ($MY/users.sql)"
mariadb --no-defaults --socket="$SOCK" -u root < "$MY/users.sql" || e2e_die "creating the users failed ($MY/users.sql)"
# A user with a password (mysql_native_password), like any non-IAM user on RDS.
pw_sql="$(printf '%s' "$E2E_PASSWORD" | sed "s/'/''/g")"
echo "CREATE USER \`${E2E_PASSWORD_USER//\`/\`\`}\`@'%' IDENTIFIED BY '$pw_sql' REQUIRE SSL;" | mariadb --no-defaults --socket="$SOCK" -u root \
  || e2e_die "creating the password user failed"

e2e_common_env
{
  e2e_env_add E2E_MYSQL_PORT "$E2E_MYSQL_PORT"
  e2e_env_add E2E_MYSQL_LOG "$MY/verifier.log"
  e2e_env_add E2E_MYSQL_SOCKET "$SOCK"
  e2e_env_add E2E_PASSWORD_USER "$E2E_PASSWORD_USER"
  e2e_env_add E2E_PASSWORD "$E2E_PASSWORD"
  e2e_env_add E2E_HOSTILE_USER "$E2E_HOSTILE_USER"
}
ready=1
e2e_log "MariaDB on 127.0.0.1:$E2E_MYSQL_PORT (TLS required, IAM tokens via AWSAuthenticationPlugin + mysql_clear_password) ready in $(e2e_secs_since "$start") s"
