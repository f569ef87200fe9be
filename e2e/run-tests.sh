#!/usr/bin/env bash
# `make test-e2e`: real PostgreSQL and MariaDB servers check IAM tokens from every auroraiam
# surface (CLI, C library, Python, Node) sent by the drivers people use, over TLS; and reject
# bad ones for the exact reason, read from the verifier's log. Root, loopback only; every
# server started here is stopped on exit, also on failure.
#
# Ends with "e2e: N passed, M failed"; exits non-zero if anything failed.
set -uo pipefail
PG_PORT_GIVEN="${E2E_PG_PORT:-}" MYSQL_PORT_GIVEN="${E2E_MYSQL_PORT:-}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_require_root
cd "$REPO_ROOT"
T0=$(e2e_ms)
WORK="$REPO_ROOT/target/e2e"            # venv, npm project, C example, test outputs (git-ignored)
OUT="$WORK/out"
rm -rf "$OUT"
mkdir -p "$OUT"

# Ports: the defaults, or the next free ones (a server left over from elsewhere must not answer).
export E2E_PG_PORT="${PG_PORT_GIVEN:-$(e2e_free_port_from 15432)}"
export E2E_MYSQL_PORT="${MYSQL_PORT_GIVEN:-$(e2e_free_port_from 13306)}"
# The state dir is private: pre-created, linked or shared dirs are refused (under a second).
bash "$E2E_DIR/test-state-dir.sh" || e2e_die "e2e/test-state-dir.sh failed"
AURORAIAM_E2E_STATE="$(mktemp -d /tmp/auroraiam-e2e.XXXXXX)"
export AURORAIAM_E2E_STATE
cleanup() { bash "$E2E_DIR/teardown.sh" || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

PASSED=0
FAILED=0
FAILURES=()
pass() { PASSED=$((PASSED + 1)); echo "ok   $1"; }
fail() {
  FAILED=$((FAILED + 1)); FAILURES+=("$1"); echo "FAIL $1: $2"
  [ -n "${3:-}" ] && [ -f "$3" ] && sed 's/^/     | /' "$3" | tail -15
}

# ---------------------------------------------------------------------------------------------
# Packages, surfaces, drivers
phase=$(e2e_ms)
e2e_apt_install postgresql mariadb-server mariadb-client libmariadbd-dev libpam0g-dev libpq-dev openssl python3-venv gcc
e2e_log "system packages ready ($(e2e_secs_since "$phase") s)"

phase=$(e2e_ms)
declare -A SURFACE_OK
build() { # surface command...
  local name="$1"; shift
  if "$@" >"$OUT/build-$name.log" 2>&1; then SURFACE_OK[$name]=1; else
    SURFACE_OK[$name]=0; fail "build $name" "$* failed" "$OUT/build-$name.log"; fi
}
build cli cargo build --release -q -p auroraiam-cli
build c bash -c "make -s c-lib && gcc -std=c11 -Wall -Wextra -Werror -O2 -Iinclude -I\$(pg_config --includedir) \
  -o '$WORK/libpq_connect' examples/c/libpq_connect.c -Ltarget/auroraiam-c/lib -lauroraiam -lpq \
  -Wl,-rpath,'$REPO_ROOT/target/auroraiam-c/lib'"
build pam make -s pam-module
# (make python-wheel is retried once: a concurrent cargo build can move maturin's artifact away.)
build python bash -c "{ make -s python-wheel || make -s python-wheel; } && { [ -x '$WORK/venv/bin/python' ] || python3 -m venv '$WORK/venv'; } \
  && '$WORK/venv/bin/pip' install -q --disable-pip-version-check -r bindings/python/tests/requirements-drivers.txt \
  && '$WORK/venv/bin/pip' install -q --disable-pip-version-check --no-deps --force-reinstall \$(ls -t target/python/wheels/auroraiam-*.whl | head -1)"
build node bash -c "make -s node-build && mkdir -p '$WORK/node' && cd '$WORK/node' \
  && { [ -f package.json ] || echo '{\"name\":\"auroraiam-e2e-drivers\",\"private\":true}' > package.json; } \
  && { [ -d node_modules/pg ] && [ -d node_modules/mysql2 ] \
       || npm install --no-audit --no-fund --loglevel=error 'pg@^8.13' 'mysql2@^3.22'; }"
build rust-pools cargo build -q -p auroraiam --example pool_client --features sqlx,tokio-postgres,credential-chain
e2e_log "surfaces and drivers ready ($(e2e_secs_since "$phase") s)"
CLI="$REPO_ROOT/target/release/auroraiam"
PY="$WORK/venv/bin/python"
export E2E_NODE_PROJECT="$WORK/node" AURORAIAM_NODE="$REPO_ROOT/bindings/node/index.mjs"

# ---------------------------------------------------------------------------------------------
# Servers
for server in postgres mariadb; do
  phase=$(e2e_ms)
  if ! bash "$E2E_DIR/setup-$server.sh" 2>"$OUT/setup-$server.log"; then
    fail "setup $server" "setup failed" "$OUT/setup-$server.log"
    echo "e2e: $PASSED passed, $FAILED failed"
    exit 1
  fi
  grep '^e2e: ' "$OUT/setup-$server.log" | tail -1 >&2
  declare "SETUP_SECS_$server=$(e2e_secs_since "$phase")"
done
e2e_source_env

# Credentials: long-term keys, and temporary keys with a session token as long as STS's
# (about 1,100 characters: the token grows past 1,400, beyond pam_exec's 511-byte cut).
SESSION_TOKEN="IQoJb3JpZ2luX2VjE$(head -c 800 /dev/urandom | base64 -w0 | head -c 1080)"
LONG_CREDS=(AWS_ACCESS_KEY_ID="$E2E_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$E2E_SECRET_ACCESS_KEY" AWS_SESSION_TOKEN=)
TEMP_CREDS=(AWS_ACCESS_KEY_ID="$E2E_TEMP_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$E2E_TEMP_SECRET_ACCESS_KEY"
            AWS_SESSION_TOKEN="$SESSION_TOKEN")
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION PGPASSWORD MYSQL_PWD

# ---------------------------------------------------------------------------------------------
# One login attempt, judged by the client's output AND the verifier's log.
#   login NAME SERVER EXPECT RESULT -- command...
# SERVER pg|mysql picks the verifier log. EXPECT: a line the client must print ("~text": a line
# containing text; for a rejection: text the client's error must contain). RESULT: the result
# code of the verifier's last new log line (OK, TOKEN_EXPIRED, ...); NONE: refused before any
# token check, so no new line; OK_THEN_REFUSED: refused although the verifier accepted the token.
N=0
login() {
  local name="$1" server="$2" expect="$3" result="$4"; shift 5
  local log; [ "$server" = pg ] && log="$E2E_PG_LOG" || log="$E2E_MYSQL_LOG"
  N=$((N + 1))
  local out="$OUT/$(printf '%02d' "$N")-$(echo "$name" | tr -c 'A-Za-z0-9_.-' '_').out"
  local before; before=$(wc -l < "$log")
  timeout 60 "$@" >"$out" 2>&1
  local rc=$?
  local new; new=$(tail -n +"$((before + 1))" "$log")
  local lines=0; [ -n "$new" ] && lines=$(printf '%s\n' "$new" | wc -l)
  local last_result; last_result=$(printf '%s\n' "$new" | tail -1 | sed -n 's/.* result=\([A-Z_]*\) .*/\1/p')
  printf -- '--- verifier log (new lines)\n%s\n' "$new" >> "$out"
  if [ "$result" = OK ]; then
    local seen=1
    if [ "${expect:0:1}" = "~" ]; then grep -qF -- "${expect:1}" "$out" || seen=0; else grep -qxF -- "$expect" "$out" || seen=0; fi
    if [ "$rc" != 0 ]; then fail "$name" "client exited $rc" "$out"; return; fi
    if [ "$seen" = 0 ]; then fail "$name" "client did not print '$expect'" "$out"; return; fi
    if [ "$lines" -lt 1 ] || [ "$last_result" != OK ]; then fail "$name" "verifier log: expected a result=OK line" "$out"; return; fi
  else
    if [ "$rc" = 0 ]; then fail "$name" "login succeeded but should have been refused" "$out"; return; fi
    if ! grep -qF -- "$expect" "$out"; then fail "$name" "client error does not contain '$expect'" "$out"; return; fi
    if [ "$result" = NONE ]; then
      if [ "$lines" != 0 ]; then fail "$name" "refused, but the token was checked first ($lines new log line(s))" "$out"; return; fi
    else
      [ "$result" = OK_THEN_REFUSED ] && result=OK
      if [ "$last_result" != "$result" ]; then
        fail "$name" "verifier log: expected result=$result, got '${last_result:-no line}'" "$out"; return
      fi
    fi
  fi
  pass "$name"
}

# A token from the CLI (the shell workflow): cli_token USER PORT [extra generate options]
cli_token() { "$CLI" generate-db-auth-token --hostname "$E2E_HOST" --region "${TOKEN_REGION:-$E2E_REGION}" --username "$1" --port "$2" "${@:3}"; }
need() { [ "${SURFACE_OK[$1]:-0}" = 1 ] || { fail "$2" "the $1 surface did not build"; return 1; }; }
PG_ENV=(PGHOST=localhost PGPORT="$E2E_PG_PORT" PGDATABASE=postgres PGSSLROOTCERT="$E2E_CA" PGCONNECT_TIMEOUT=10)
PSQL=(psql -X -A -t -c 'select current_user')
MARIADB=(mariadb --no-defaults -h 127.0.0.1 -P "$E2E_MYSQL_PORT" --ssl-ca="$E2E_CA" --ssl-verify-server-cert -N -s -e 'select current_user()')
PG_DENIED="PAM authentication failed for user"
MY_DENIED="Access denied for user"

echo "=== PostgreSQL $(basename "$(dirname "$E2E_PG_BIN")") on 127.0.0.1:$E2E_PG_PORT"
# psql + CLI tokens, every user, both credential kinds, require and verify-full.
if need cli "psql"; then
  for user in "${E2E_USERS[@]}"; do
    login "psql verify-full, CLI token, user $user" pg "$user" OK \
      -- env "${LONG_CREDS[@]}" "${PG_ENV[@]}" PGUSER="$user" PGSSLMODE=verify-full \
         PGPASSWORD="$(env "${LONG_CREDS[@]}" "$CLI" generate-db-auth-token --hostname "$E2E_HOST" --region "$E2E_REGION" --port "$E2E_PG_PORT" --username "$user")" \
         "${PSQL[@]}"
    login "psql require, CLI token with session token, user $user" pg "$user" OK \
      -- env "${PG_ENV[@]}" PGUSER="$user" PGSSLMODE=require \
         PGPASSWORD="$(env "${TEMP_CREDS[@]}" "$CLI" generate-db-auth-token --hostname "$E2E_HOST" --region "$E2E_REGION" --port "$E2E_PG_PORT" --username "$user")" \
         "${PSQL[@]}"
  done
  # A libpq URI: user and token percent-encoded (a raw token breaks the URI).
  user='app+user@x'
  tok="$(env "${TEMP_CREDS[@]}" "$CLI" generate-db-auth-token --hostname "$E2E_HOST" --region "$E2E_REGION" --port "$E2E_PG_PORT" --username "$user")"
  enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
  login "psql URI with percent-encoded user and session token" pg "$user" OK \
    -- psql -X -A -t -c 'select current_user' \
       "postgresql://$(enc "$user"):$(enc "$tok")@localhost:$E2E_PG_PORT/postgres?sslmode=verify-full&sslrootcert=$(enc "$E2E_CA")"
fi

# libpq from C, token from libauroraiam (examples/c/libpq_connect.c, unchanged).
if need c "C libpq example"; then
  for user in app_user "o'brien"; do
    login "C example (libauroraiam + libpq), verify-full, user $user" pg "~connected as $user (TLS on)" OK \
      -- env "${LONG_CREDS[@]}" "$WORK/libpq_connect" --host localhost --port "$E2E_PG_PORT" --user "$user" \
         --region "$E2E_REGION" --ca "$E2E_CA"
  done
  login "C example, session token, user app+user@x" pg "~connected as app+user@x (TLS on)" OK \
    -- env "${TEMP_CREDS[@]}" "$WORK/libpq_connect" --host localhost --port "$E2E_PG_PORT" --user 'app+user@x' \
       --region "$E2E_REGION" --ca "$E2E_CA"
  login "C example, endpoint name dialled through --hostaddr (region inferred)" pg "~connected as app_user (TLS on)" OK \
    -- env "${LONG_CREDS[@]}" "$WORK/libpq_connect" --host "$E2E_ENDPOINT" --hostaddr 127.0.0.1 --port "$E2E_PG_PORT" \
       --user app_user --dbname aurora --ca "$E2E_CA"
fi

if need python "Python drivers"; then
  for driver in psycopg asyncpg; do
    login "$driver, Python token, user app_user" pg app_user OK \
      -- env "${LONG_CREDS[@]}" "$PY" "$E2E_DIR/clients/py_client.py" "$driver" app_user
    login "$driver, Python token with session token, user app+user@x" pg 'app+user@x' OK \
      -- env "${TEMP_CREDS[@]}" "$PY" "$E2E_DIR/clients/py_client.py" "$driver" 'app+user@x'
    login "$driver, Python token, user o'brien" pg "o'brien" OK \
      -- env "${LONG_CREDS[@]}" "$PY" "$E2E_DIR/clients/py_client.py" "$driver" "o'brien"
  done
  # The examples as shipped: sign for the endpoint name (region inferred), dial 127.0.0.1.
  EX_ENV=(PGHOST="$E2E_ENDPOINT" PGHOSTADDR=127.0.0.1 PGPORT="$E2E_PG_PORT" PGDATABASE=aurora PGSSLROOTCERT="$E2E_CA")
  login "examples/python/psycopg_connect.py (endpoint name, PGHOSTADDR)" pg "~('app_user', 'PostgreSQL" OK \
    -- env "${LONG_CREDS[@]}" "${EX_ENV[@]}" PGUSER=app_user "$PY" examples/python/psycopg_connect.py
  login "examples/python/sqlalchemy_engine.py (endpoint name, session token)" pg "o'brien" OK \
    -- env "${TEMP_CREDS[@]}" "${EX_ENV[@]}" PGUSER="o'brien" "$PY" examples/python/sqlalchemy_engine.py
  login "psycopg rejects: token signed for another region" pg "$PG_DENIED" REGION_MISMATCH \
    -- env "${LONG_CREDS[@]}" "$PY" "$E2E_DIR/clients/py_client.py" psycopg app_user --region eu-west-1
fi

if need node "node pg"; then
  login "node pg (password as async function), Node token, user app_user" pg app_user OK \
    -- env "${LONG_CREDS[@]}" node "$E2E_DIR/clients/node_client.mjs" pg app_user
  login "node pg, Node token with session token, user app+user@x" pg 'app+user@x' OK \
    -- env "${TEMP_CREDS[@]}" node "$E2E_DIR/clients/node_client.mjs" pg 'app+user@x'
  login "node pg, Node token, user o'brien" pg "o'brien" OK \
    -- env "${LONG_CREDS[@]}" node "$E2E_DIR/clients/node_client.mjs" pg "o'brien"
fi

# Rejections, each with its exact reason in the verifier log.
if need cli "PostgreSQL rejections"; then
  P="$E2E_PG_PORT"
  reject_pg() { # name result user token
    login "psql rejects: $1" pg "$PG_DENIED" "$2" -- env "${PG_ENV[@]}" PGUSER="$3" PGSSLMODE=verify-full PGPASSWORD="$4" "${PSQL[@]}"
  }
  export "${LONG_CREDS[@]}"
  reject_pg "expired token (signed 1000 s ago)" TOKEN_EXPIRED app_user "$(cli_token app_user "$P" --signing-time $(( $(date +%s) - 1000 )))"
  reject_pg "token signed 1000 s in the future" TOKEN_NOT_YET_VALID app_user "$(cli_token app_user "$P" --signing-time $(( $(date +%s) + 1000 )))"
  reject_pg "wrong secret" SIGNATURE_MISMATCH app_user "$(AWS_SECRET_ACCESS_KEY=not-the-secret cli_token app_user "$P")"
  reject_pg "unknown access key" UNKNOWN_ACCESS_KEY app_user "$(AWS_ACCESS_KEY_ID=AKIAUNKNOWNEXAMPLE01 cli_token app_user "$P")"
  reject_pg "token for another user" USER_MISMATCH "o'brien" "$(cli_token app_user "$P")"
  reject_pg "token for another host" HOST_MISMATCH app_user \
    "$("$CLI" generate-db-auth-token --hostname other.example.com --region "$E2E_REGION" --port "$P" --username app_user)"
  reject_pg "token for another port" PORT_MISMATCH app_user "$(cli_token app_user 5432)"
  reject_pg "token for another region" REGION_MISMATCH app_user "$(TOKEN_REGION=eu-west-1 cli_token app_user "$P")"
  reject_pg "plain password, not a token" TOKEN_MALFORMED app_user "hunter2"
  # Aurora refuses RDS tokens asking to live more than 900 s (the libraries cannot make one).
  reject_pg "RDS token asking to live an hour" TOKEN_LIFETIME_TOO_LONG app_user \
    "$(python3 "$E2E_DIR/clients/sign_rds_token.py" "$E2E_HOST" "$P" app_user "$E2E_REGION" 3600)"
  reject_pg "endpoint token on the localhost database" HOST_MISMATCH app_user \
    "$("$CLI" generate-db-auth-token --hostname "$E2E_ENDPOINT" --port "$P" --username app_user)"
  POLICY_CREDS=(AWS_ACCESS_KEY_ID="$E2E_POLICY_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$E2E_POLICY_SECRET_ACCESS_KEY")
  login "psql, key with an IAM policy allowing app_user" pg app_user OK \
    -- env "${PG_ENV[@]}" PGUSER=app_user PGSSLMODE=verify-full PGPASSWORD="$(env "${POLICY_CREDS[@]}" "$CLI" generate-db-auth-token --hostname "$E2E_HOST" --region "$E2E_REGION" --port "$P" --username app_user)" "${PSQL[@]}"
  reject_pg "the key's IAM policy does not allow user o'brien" POLICY_DENIED "o'brien" \
    "$(env "${POLICY_CREDS[@]}" "$CLI" generate-db-auth-token --hostname "$E2E_HOST" --region "$E2E_REGION" --port "$P" --username "o'brien")"
  login "psql without TLS is refused before any token check" pg "no encryption" NONE \
    -- env "${PG_ENV[@]}" PGUSER=app_user PGSSLMODE=disable PGPASSWORD="$(cli_token app_user "$P")" "${PSQL[@]}"
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
fi

# Production DDL: the users were created by `auroraiam create-user-sql` (CREATE USER; GRANT
# rds_iam), including a name that breaks naive quoting; a user outside rds_iam keeps its password.
password_login() { # name server expect -- command...: logs in with a password; the verifier must not be asked
  local name="$1" server="$2" expect="$3"; shift 4
  local log; [ "$server" = pg ] && log="$E2E_PG_LOG" || log="$E2E_MYSQL_LOG"
  N=$((N + 1))
  local out="$OUT/$(printf '%02d' "$N")-$(echo "$name" | tr -c 'A-Za-z0-9_.-' '_').out"
  local before; before=$(wc -l < "$log")
  timeout 60 "$@" >"$out" 2>&1
  local rc=$? after; after=$(wc -l < "$log")
  if [ "$rc" != 0 ]; then fail "$name" "client exited $rc" "$out"
  elif ! grep -qxF -- "$expect" "$out"; then fail "$name" "client did not print '$expect'" "$out"
  elif [ "$after" != "$before" ]; then fail "$name" "the IAM verifier was asked ($((after - before)) new log line(s))" "$out"
  else pass "$name"; fi
}
if need cli "PostgreSQL production DDL users"; then
  login "psql, user with quotes, backtick, backslash, */, space, é (created by create-user-sql)" pg "$E2E_HOSTILE_USER" OK \
    -- env "${PG_ENV[@]}" PGUSER="$E2E_HOSTILE_USER" PGSSLMODE=verify-full \
       PGPASSWORD="$(env "${LONG_CREDS[@]}" "$CLI" generate-db-auth-token --hostname "$E2E_HOST" --region "$E2E_REGION" --port "$E2E_PG_PORT" --username "$E2E_HOSTILE_USER")" \
       "${PSQL[@]}"
  password_login "psql, user outside rds_iam logs in with its password" pg "$E2E_PASSWORD_USER" \
    -- env "${PG_ENV[@]}" PGUSER="$E2E_PASSWORD_USER" PGSSLMODE=verify-full PGPASSWORD="$E2E_PASSWORD" "${PSQL[@]}"
  login "psql rejects an IAM token for a user outside rds_iam (password auth)" pg "password authentication failed" NONE \
    -- env "${PG_ENV[@]}" PGUSER="$E2E_PASSWORD_USER" PGSSLMODE=verify-full \
       PGPASSWORD="$(env "${LONG_CREDS[@]}" "$CLI" generate-db-auth-token --hostname "$E2E_HOST" --region "$E2E_REGION" --port "$E2E_PG_PORT" --username "$E2E_PASSWORD_USER")" \
       "${PSQL[@]}"
fi

echo "=== MariaDB $(mariadbd --version | sed -n 's/.*Ver \([^ ]*\).*/\1/p') on 127.0.0.1:$E2E_MYSQL_PORT"
if need cli "mariadb CLI"; then
  for user in "${E2E_USERS[@]}"; do
    login "mariadb CLI (mysql_clear_password, verified TLS), CLI token, user $user" mysql "$user@%" OK \
      -- env MYSQL_PWD="$(env "${LONG_CREDS[@]}" "$CLI" generate-db-auth-token --hostname "$E2E_HOST" --region "$E2E_REGION" --port "$E2E_MYSQL_PORT" --username "$user")" \
         "${MARIADB[@]}" -u "$user"
    login "mariadb CLI, CLI token with session token, user $user" mysql "$user@%" OK \
      -- env MYSQL_PWD="$(env "${TEMP_CREDS[@]}" "$CLI" generate-db-auth-token --hostname "$E2E_HOST" --region "$E2E_REGION" --port "$E2E_MYSQL_PORT" --username "$user")" \
         "${MARIADB[@]}" -u "$user"
  done
fi
if need cli "MariaDB production DDL users"; then
  # Every IAM account is AWSAuthenticationPlugin AS 'RDS' (create-user-sql output, unchanged) and
  # the plugin is the one INSTALL SONAME loaded from this workspace.
  my_root() { mariadb --no-defaults --socket="$E2E_MYSQL_SOCKET" -u root -N -s -e "$1"; }
  iam_accounts=$(my_root "SELECT COUNT(*) FROM mysql.user WHERE plugin='AWSAuthenticationPlugin' AND authentication_string='RDS' AND ssl_type='ANY'")
  plugin_row=$(my_root "SELECT CONCAT(PLUGIN_STATUS, ' ', PLUGIN_LIBRARY) FROM information_schema.PLUGINS WHERE PLUGIN_NAME='AWSAuthenticationPlugin'")
  if [ "$iam_accounts" = "$(( ${#E2E_USERS[@]} + 1 ))" ] && [ "$plugin_row" = "ACTIVE auth_auroraiam.so" ]; then
    pass "MariaDB accounts use AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL ($iam_accounts), plugin $plugin_row"
  else fail "MariaDB accounts use AWSAuthenticationPlugin" "accounts: '$iam_accounts', plugin: '$plugin_row'"; fi
  login "mariadb CLI, user with quotes, backtick, backslash, */, space, é (created by create-user-sql)" mysql "$E2E_HOSTILE_USER@%" OK \
    -- env MYSQL_PWD="$(env "${LONG_CREDS[@]}" "$CLI" generate-db-auth-token --hostname "$E2E_HOST" --region "$E2E_REGION" --port "$E2E_MYSQL_PORT" --username "$E2E_HOSTILE_USER")" \
       "${MARIADB[@]}" --raw -u "$E2E_HOSTILE_USER"
  password_login "mariadb CLI, non-IAM user logs in with its password" mysql "$E2E_PASSWORD_USER@%" \
    -- env MYSQL_PWD="$E2E_PASSWORD" "${MARIADB[@]}" -u "$E2E_PASSWORD_USER"
fi
if need python "PyMySQL"; then
  login "PyMySQL, Python token, user app_user" mysql "app_user@%" OK \
    -- env "${LONG_CREDS[@]}" "$PY" "$E2E_DIR/clients/py_client.py" pymysql app_user
  login "PyMySQL, Python token with session token, user app+user@x" mysql "app+user@x@%" OK \
    -- env "${TEMP_CREDS[@]}" "$PY" "$E2E_DIR/clients/py_client.py" pymysql 'app+user@x'
  login "PyMySQL, Python token, user o'brien" mysql "o'brien@%" OK \
    -- env "${LONG_CREDS[@]}" "$PY" "$E2E_DIR/clients/py_client.py" pymysql "o'brien"
fi
if need node "node mysql2"; then
  login "node mysql2 (mysql_clear_password plugin), Node token, user app_user" mysql "app_user@%" OK \
    -- env "${LONG_CREDS[@]}" node "$E2E_DIR/clients/node_client.mjs" mysql2 app_user
  login "node mysql2, Node token with session token, user app+user@x" mysql "app+user@x@%" OK \
    -- env "${TEMP_CREDS[@]}" node "$E2E_DIR/clients/node_client.mjs" mysql2 'app+user@x'
  login "node mysql2, Node token, user o'brien" mysql "o'brien@%" OK \
    -- env "${LONG_CREDS[@]}" node "$E2E_DIR/clients/node_client.mjs" mysql2 "o'brien"
fi
if need cli "MariaDB rejections"; then
  P="$E2E_MYSQL_PORT"
  reject_my() { # name result user token
    login "mariadb rejects: $1" mysql "$MY_DENIED" "$2" -- env MYSQL_PWD="$4" "${MARIADB[@]}" -u "$3"
  }
  export "${LONG_CREDS[@]}"
  reject_my "expired token (signed 1000 s ago)" TOKEN_EXPIRED app_user "$(cli_token app_user "$P" --signing-time $(( $(date +%s) - 1000 )))"
  reject_my "wrong secret" SIGNATURE_MISMATCH app_user "$(AWS_SECRET_ACCESS_KEY=not-the-secret cli_token app_user "$P")"
  reject_my "token for another user" USER_MISMATCH "o'brien" "$(cli_token app_user "$P")"
  reject_my "token for another host" HOST_MISMATCH app_user \
    "$("$CLI" generate-db-auth-token --hostname other.example.com --region "$E2E_REGION" --port "$P" --username app_user)"
  reject_my "token for another port" PORT_MISMATCH app_user "$(cli_token app_user 3306)"
  reject_my "token for another region" REGION_MISMATCH app_user "$(TOKEN_REGION=eu-west-1 cli_token app_user "$P")"
  MY_POLICY_CREDS=(AWS_ACCESS_KEY_ID="$E2E_POLICY_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$E2E_POLICY_SECRET_ACCESS_KEY")
  login "mariadb, key with an IAM policy allowing app_user" mysql "app_user@%" OK \
    -- env MYSQL_PWD="$(env "${MY_POLICY_CREDS[@]}" "$CLI" generate-db-auth-token --hostname "$E2E_HOST" --region "$E2E_REGION" --port "$P" --username app_user)" \
       "${MARIADB[@]}" -u app_user
  reject_my "the key's IAM policy does not allow user o'brien" POLICY_DENIED "o'brien" \
    "$(env "${MY_POLICY_CREDS[@]}" "$CLI" generate-db-auth-token --hostname "$E2E_HOST" --region "$E2E_REGION" --port "$P" --username "o'brien")"
  # MariaDB checks REQUIRE SSL / require_secure_transport only after the auth plugin has run, so
  # the token IS checked (and was sent unencrypted): the login must still be refused, and the
  # verifier's OK line proves the refusal is the TLS requirement, not the token.
  login "mariadb without TLS is refused even with a valid token" mysql "$MY_DENIED" OK_THEN_REFUSED \
    -- env MYSQL_PWD="$(cli_token app_user "$P")" mariadb --no-defaults -h 127.0.0.1 -P "$P" --skip-ssl -u app_user -N -s -e 'select 1'
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
fi

# ---------------------------------------------------------------------------------------------
# Node pools through auroraiam/pg, auroraiam/postgres, auroraiam/mysql2 (e2e/clients/node_pools.mjs
# judges each run by the driver's results and the verifier log's new lines).
pool_test() { # name scenario driver
  N=$((N + 1))
  local out="$OUT/$(printf '%02d' "$N")-$(echo "$1" | tr -c 'A-Za-z0-9_.-' '_').out"
  if timeout 90 env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
       node "$E2E_DIR/clients/node_pools.mjs" "$2" "$3" >"$out" 2>&1; then pass "$1"
  else fail "$1" "see $out" "$out"; fi
}
echo "=== Pools: Node (auroraiam/pg, auroraiam/postgres, auroraiam/mysql2), Rust (sqlx, deadpool-postgres)"
if need node "Node pools"; then
  for driver in pg postgres mysql2; do
    pool_test "node $driver pool: 3 s tokens for 10 s, IMDS credentials rotating, a fresh token per connection" expiry "$driver"
  done
  for driver in pg postgres mysql2; do
    pool_test "node $driver: a rejected first token is retried once with fresh credentials" retry "$driver"
  done
  for driver in pg postgres mysql2; do
    pool_test "node $driver: a token rejected again surfaces the driver's error, without the token" reject "$driver"
  done
  for driver in pg postgres; do
    pool_test "node $driver: Aurora DSQL tokens, admin with DbConnectAdmin, app_user with DbConnect" dsql "$driver"
  done
fi
if need rust-pools "Rust pools"; then
  for driver in sqlx-pg sqlx-mysql deadpool; do
    pool_test "rust $driver pool: 3 s tokens for 10 s, IMDS credentials rotating, a fresh token per connection" expiry "$driver"
    pool_test "rust $driver: a rejected first token is retried once with fresh credentials" retry "$driver"
    pool_test "rust $driver: a token rejected again surfaces the driver's error, without the token" reject "$driver"
  done
  for driver in sqlx-pg deadpool; do
    pool_test "rust $driver: Aurora DSQL tokens, admin with DbConnectAdmin, app_user with DbConnect" dsql "$driver"
  done
fi

# ---------------------------------------------------------------------------------------------
# Python integrations (auroraiam.psycopg, .psycopg2, .asyncpg, .sqlalchemy, .pymysql, .aiomysql,
# .django) through e2e/clients/py_pools.py, which judges each run by the driver's results and
# the verifier log's new lines for its user. Runs for different users (and servers) share the
# servers, so up to 3 per server run at once, in waves.
py_pool_wave() { # scenario "integration user" ...
  local scenario="$1" spec integration user pids=() names=() outs=() i
  shift
  for spec in "$@"; do
    integration="${spec%% *}" user="${spec#* }"
    N=$((N + 1))
    local out="$OUT/$(printf '%02d' "$N")-py-$scenario-$integration.out"
    timeout 90 env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
      "$PY" "$E2E_DIR/clients/py_pools.py" "$scenario" "$integration" "$user" >"$out" 2>&1 &
    pids+=($!) names+=("python $integration: $scenario") outs+=("$out")
  done
  for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then pass "${names[$i]}"; else fail "${names[$i]}" "see ${outs[$i]}" "${outs[$i]}"; fi
  done
}
echo "=== Python integrations (3 s tokens for 10 s, IMDS credentials rotating; retry after a revoked key; rejection)"
if need python "Python integrations"; then
  U1=app_user U2='app+user@x' U3="o'brien"
  py_pool_wave expiry "psycopg-pool $U1" "psycopg-async-pool $U2" "psycopg2-pool $U3" \
    "pymysql $U1" "aiomysql-pool $U2" "sqlalchemy-pymysql $U3"
  py_pool_wave expiry "asyncpg-pool $U1" "sqlalchemy-psycopg $U2" "sqlalchemy-psycopg2 $U3" \
    "sqlalchemy-aiomysql $U1" "django-mysql $U2"
  py_pool_wave expiry "sqlalchemy-asyncpg $U1" "django-postgresql $U2" "psycopg $U3"
  for scenario in retry reject; do
    py_pool_wave "$scenario" "psycopg $U1" "psycopg2-pool $U2" "asyncpg-pool $U3" "pymysql $U1" "aiomysql-pool $U2" "django-mysql $U3"
    py_pool_wave "$scenario" "sqlalchemy-psycopg $U1" "sqlalchemy-psycopg2 $U2" "sqlalchemy-asyncpg $U3" \
      "sqlalchemy-pymysql $U1" "sqlalchemy-aiomysql $U2"
    py_pool_wave "$scenario" "psycopg-pool $U1" "psycopg-async-pool $U2" "django-postgresql $U3"
  done
fi

# ---------------------------------------------------------------------------------------------
echo "=== verifier logs"
check_logs() {
  local log="$1" name="$2"
  if grep -qF -e "$E2E_SECRET_ACCESS_KEY" -e "$E2E_TEMP_SECRET_ACCESS_KEY" -e "${SESSION_TOKEN:0:40}" -e "X-Amz-Signature=" "$log"; then
    fail "$name verifier log holds no token, signature or secret" "found one in $log"
  else pass "$name verifier log holds no token, signature or secret"; fi
  local longest; longest=$(sed -n 's/.* \([0-9][0-9]*\) bytes, with session token.*/\1/p' "$log" | sort -n | tail -1)
  if [ "${longest:-0}" -gt 1200 ]; then pass "$name: tokens with a session token arrive whole (longest $longest bytes)"
  else fail "$name: tokens with a session token arrive whole" "longest accepted token with a session token: ${longest:-none}"; fi
}
check_logs "$E2E_PG_LOG" PostgreSQL
check_logs "$E2E_MYSQL_LOG" MariaDB
cp "$E2E_PG_LOG" "$OUT/verifier-postgresql.log"
cp "$E2E_MYSQL_LOG" "$OUT/verifier-mariadb.log"

echo "e2e: setup PostgreSQL ${SETUP_SECS_postgres:-?} s, MariaDB ${SETUP_SECS_mariadb:-?} s; whole run $(e2e_secs_since "$T0") s (outputs in $OUT)"
[ "$FAILED" = 0 ] || printf 'e2e: failed: %s\n' "${FAILURES[@]}"
echo "e2e: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
