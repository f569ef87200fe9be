# Shared helpers of the local "Aurora with IAM auth" emulator (sourced, not run).
# Everything lives under $AURORAIAM_E2E_STATE (a temp dir); nothing outside it except the PAM
# service files /etc/pam.d/auroraiam-* (libpam only reads services from there).

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$E2E_DIR/.." && pwd)"

# Emulated IAM: one long-term key and one temporary key (used with a session token).
# Test values only; the secrets are what the key file gives the verifier.
E2E_ACCESS_KEY_ID="${E2E_ACCESS_KEY_ID:-AKIAEMULATOREXAMPLE1}"
E2E_SECRET_ACCESS_KEY="${E2E_SECRET_ACCESS_KEY:-emulatorSecretKey/0000000000000000000000+1}"
E2E_TEMP_ACCESS_KEY_ID="${E2E_TEMP_ACCESS_KEY_ID:-ASIAEMULATOR00000002}"
E2E_TEMP_SECRET_ACCESS_KEY="${E2E_TEMP_SECRET_ACCESS_KEY:-emulatorTemporarySecret/000000000000000+2}"
# A third key whose tokens are also checked against an IAM policy (key file `policy=`): it
# allows rds-db:connect as app_user only, so any other user is refused with POLICY_DENIED.
E2E_POLICY_ACCESS_KEY_ID="${E2E_POLICY_ACCESS_KEY_ID:-AKIAEMULATOREXAMPLE3}"
E2E_POLICY_SECRET_ACCESS_KEY="${E2E_POLICY_SECRET_ACCESS_KEY:-emulatorPolicySecretKey/000000000000000+3}"
# The account and resource id the emulated database has (what policies name).
E2E_ACCOUNT_ID="${E2E_ACCOUNT_ID:-111122223333}"
E2E_RESOURCE_ID="${E2E_RESOURCE_ID:-cluster-AURORAIAMEMULATOR0000000000}"
# What Aurora checks a token against: the signing host and region. PostgreSQL also has a second
# service for a real-looking endpoint name (clients dial 127.0.0.1 and sign for the name, as
# through a tunnel), so code that infers the region from the endpoint runs unchanged.
E2E_HOST="${E2E_HOST:-localhost}"
E2E_REGION="${E2E_REGION:-us-east-1}"
E2E_ENDPOINT="${E2E_ENDPOINT:-mydb.cluster-emulator.us-east-1.rds.amazonaws.com}"
E2E_PG_PORT="${E2E_PG_PORT:-15432}"
E2E_MYSQL_PORT="${E2E_MYSQL_PORT:-13306}"
# Database users created on both servers (PAM user = database user); two need escaping.
# E2E_EXTRA_USERS="alice,bob" adds your own (comma-separated).
E2E_USERS=(app_user 'app+user@x' "o'brien")
# A name with every character that breaks naive quoting (both quote kinds, backtick, backslash,
# a comment end, a space, non-ASCII), created by the same production DDL on both servers.
E2E_HOSTILE_USER='h"o'"'"'st`i\le */ é'
# A user that keeps password authentication (not in rds_iam / not AWSAuthenticationPlugin).
E2E_PASSWORD_USER="${E2E_PASSWORD_USER:-password_user}"
E2E_PASSWORD="${E2E_PASSWORD:-not-an-iam-token-0}"
if [ -n "${E2E_EXTRA_USERS:-}" ]; then
  IFS=, read -r -a _extra <<< "$E2E_EXTRA_USERS"
  for _u in "${_extra[@]}"; do [ -n "$_u" ] && E2E_USERS+=("$_u"); done
fi

e2e_log() { echo "e2e: $*" >&2; }
e2e_die() { echo "e2e: error: $*" >&2; exit 1; }

e2e_require_root() {
  [ "$(id -u)" = 0 ] || e2e_die "run as root (it writes /etc/pam.d/auroraiam-* and starts servers as postgres/mysql)"
}

# The state dir: $AURORAIAM_E2E_STATE or a new private temp dir (mktemp -d). It holds the PAM
# module PostgreSQL loads, MariaDB's plugin dir, the emulated secrets and the env file
# root sources, so a given dir is used only if it is safe: not a symbolic link, a directory owned
# by root, not writable by group or others (a dir someone else pre-created in /tmp is refused).
# A dir that does not exist yet is created here (mode 0711: postgres and mysql traverse it).
e2e_state_dir() {
  if [ -z "${AURORAIAM_E2E_STATE:-}" ]; then
    AURORAIAM_E2E_STATE="$(mktemp -d /tmp/auroraiam-e2e.XXXXXX)" || e2e_die "mktemp -d failed"
  elif [ ! -e "$AURORAIAM_E2E_STATE" ] && [ ! -L "$AURORAIAM_E2E_STATE" ]; then
    # No -p: fails if someone creates it between the test and here (then the check refuses it).
    mkdir -m 0700 "$AURORAIAM_E2E_STATE" 2>/dev/null || true
  fi
  e2e_check_state_dir "$AURORAIAM_E2E_STATE" || exit 1
  chmod 0711 "$AURORAIAM_E2E_STATE"
  export AURORAIAM_E2E_STATE
}

# Fails (message on stderr) unless $1 is a real directory owned by root, not writable by group
# or others. Separate from e2e_state_dir so e2e/test-state-dir.sh can check it.
e2e_check_state_dir() { # dir
  local dir="$1" owner mode
  if [ -L "$dir" ]; then echo "e2e: error: state dir $dir is a symbolic link; refusing it" >&2; return 1; fi
  if [ ! -d "$dir" ]; then echo "e2e: error: state dir $dir is not a directory" >&2; return 1; fi
  owner="$(stat -c %u "$dir")" mode="$(stat -c %a "$dir")"
  if [ "$owner" != 0 ]; then
    echo "e2e: error: state dir $dir is owned by uid $owner, not root; refusing it (remove it or choose another)" >&2
    return 1
  fi
  if (( (8#$mode & 8#022) != 0 )); then
    echo "e2e: error: state dir $dir has mode $mode (writable by group or others); refusing it" >&2
    return 1
  fi
}

# Sources the env file of the state dir after checking it is a regular file (not a symbolic
# link) owned by root with mode 0600, in a state dir that passes e2e_check_state_dir.
e2e_source_env() {
  local env="$AURORAIAM_E2E_STATE/env"
  e2e_check_state_dir "$AURORAIAM_E2E_STATE" || exit 1
  [ -f "$env" ] && [ ! -L "$env" ] || e2e_die "$env is missing or not a regular file"
  [ "$(stat -c %u:%a "$env")" = "0:600" ] || e2e_die "$env is not owned by root with mode 0600; refusing to source it"
  # shellcheck disable=SC1090
  source "$env"
}

# apt-get install of whatever in "$@" is missing. Services must not start from the package
# scripts (no systemd here; Debian's init scripts would start a second server on the default
# port): a policy-rc.d denying them is put in place for the install when the image has none.
e2e_apt_install() {
  local need=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  e2e_log "apt-get install ${need[*]}"
  local policy=/usr/sbin/policy-rc.d added=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 0755 "$policy" && added=1
  fi
  local rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; } \
    > "${TMPDIR:-/tmp}/auroraiam-e2e-apt.log" 2>&1 || rc=$?
  [ "$added" = 1 ] && rm -f "$policy"
  [ "$rc" = 0 ] || { tail -20 "${TMPDIR:-/tmp}/auroraiam-e2e-apt.log" >&2; e2e_die "apt-get install ${need[*]} failed"; }
}

# A port must be free before a server takes it (a stale server would answer instead).
e2e_port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The first free port from $1 on (the test run uses it when a port was not chosen explicitly).
e2e_free_port_from() {
  local p="$1"
  while ! e2e_port_free "$p"; do p=$((p + 1)); done
  echo "$p"
}

# Test CA and a server certificate for localhost, 127.0.0.1 and the emulated endpoint name.
e2e_make_tls() {
  local dir="$AURORAIAM_E2E_STATE/tls"
  [ -s "$dir/server.pem" ] && return 0
  mkdir -p "$dir"
  (
    cd "$dir"
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
      -days 2 -subj "/CN=auroraiam local emulator test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
      -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' \
      "$E2E_ENDPOINT" > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
      -extfile server.ext 2>/dev/null
    rm -f server.csr server.ext ca.srl
    chmod 0644 ca.pem server.pem
    chmod 0600 ca.key server.key
  ) || e2e_die "could not make the test certificates (openssl)"
}

# Key file for the verifier: mode 0600, owned by the user the PAM module runs as.
e2e_write_keys() { # path owner
  local path="$1" owner="$2" policy="${1%.conf}.policy.json"
  "$(e2e_cli)" policy --region "$E2E_REGION" --account-id "$E2E_ACCOUNT_ID" --resource-id "$E2E_RESOURCE_ID" \
    --user app_user > "$policy" || e2e_die "auroraiam policy failed"
  ( umask 077; printf '# Emulated IAM: ACCESS_KEY_ID SECRET_ACCESS_KEY [policy=FILE]\n%s %s\n%s %s\n%s %s policy=%s\n' \
      "$E2E_ACCESS_KEY_ID" "$E2E_SECRET_ACCESS_KEY" "$E2E_TEMP_ACCESS_KEY_ID" "$E2E_TEMP_SECRET_ACCESS_KEY" \
      "$E2E_POLICY_ACCESS_KEY_ID" "$E2E_POLICY_SECRET_ACCESS_KEY" "$policy" > "$path" )
  chown "$owner" "$path" "$policy"
  chmod 0600 "$path" "$policy"
}

# The PAM module: built from this workspace (make pam-module) unless AURORAIAM_PAM_MODULE names one.
e2e_pam_module() {
  local so="${AURORAIAM_PAM_MODULE:-}"
  if [ -z "$so" ]; then
    make -C "$REPO_ROOT" --no-print-directory -s pam-module >"$AURORAIAM_E2E_STATE/pam-build.log" 2>&1 \
      || { tail -20 "$AURORAIAM_E2E_STATE/pam-build.log" >&2; e2e_die "building the PAM module failed"; }
    so="$REPO_ROOT/target/pam/pam_auroraiam.so"
  fi
  [ -f "$so" ] || e2e_die "PAM module $so not found"
  install -m 0644 "$so" "$AURORAIAM_E2E_STATE/pam_auroraiam.so"
}

# The MariaDB server plugin AWSAuthenticationPlugin (make mariadb-plugin: needs libmariadbd-dev for
# the server's plugin headers, installed when missing), unless AURORAIAM_MARIADB_PLUGIN names one:
# staged as DIR/auth_auroraiam.so, DIR being the server's --plugin-dir.
e2e_mariadb_plugin() { # dir
  local so="${AURORAIAM_MARIADB_PLUGIN:-}"
  if [ -z "$so" ]; then
    make -C "$REPO_ROOT" --no-print-directory -s mariadb-plugin >"$AURORAIAM_E2E_STATE/mariadb-plugin-build.log" 2>&1 \
      || { tail -20 "$AURORAIAM_E2E_STATE/mariadb-plugin-build.log" >&2; e2e_die "building the MariaDB plugin failed"; }
    so="$REPO_ROOT/target/mariadb-plugin/auth_auroraiam.so"
  fi
  [ -f "$so" ] || e2e_die "MariaDB plugin $so not found"
  mkdir -p "$1" && chmod 0755 "$1" && install -m 0644 "$so" "$1/auth_auroraiam.so"
}

# /etc/pam.d/<service>: our module for auth and account, nothing else.
e2e_pam_service() { # service host port region keys log [more module arguments]
  local args="config=$5 host=$2 port=$3 region=$4 log=$6 account_id=$E2E_ACCOUNT_ID resource_id=$E2E_RESOURCE_ID${7:+ $7}"
  local so="$AURORAIAM_E2E_STATE/pam_auroraiam.so"
  printf '# auroraiam local emulator (%s); removed by e2e/teardown.sh\nauth    required %s %s\naccount required %s %s\n' \
    "$AURORAIAM_E2E_STATE" "$so" "$args" "$so" "$args" > "/etc/pam.d/$1"
  chmod 0644 "/etc/pam.d/$1"
}

# The auroraiam CLI (for create-user-sql): built from this workspace unless AURORAIAM_CLI names one.
e2e_cli() {
  local cli="${AURORAIAM_CLI:-}"
  if [ -z "$cli" ]; then
    (cd "$REPO_ROOT" && cargo build --release -q -p auroraiam-cli) >"$AURORAIAM_E2E_STATE/cli-build.log" 2>&1 \
      || { tail -20 "$AURORAIAM_E2E_STATE/cli-build.log" >&2; e2e_die "building the auroraiam CLI failed"; }
    cli="$REPO_ROOT/target/release/auroraiam"
  fi
  [ -x "$cli" ] || e2e_die "auroraiam CLI $cli not found"
  echo "$cli"
}

# The production DDL for the IAM users: `auroraiam create-user-sql --dialect $1` for every
# E2E user and the hostile one.
e2e_create_user_sql() { # dialect
  local args=() u
  for u in "${E2E_USERS[@]}" "$E2E_HOSTILE_USER"; do args+=(--user "$u"); done
  "$(e2e_cli)" create-user-sql --dialect "$1" "${args[@]}"
}

# Waits up to $2 seconds for command "$1" (a string) to succeed.
e2e_wait_for() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    eval "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

# Milliseconds since the epoch, and the seconds since a start in ms, as "1.2".
e2e_ms() { date +%s%3N; }
e2e_secs_since() { local d=$(( $(e2e_ms) - $1 )); printf '%d.%d' $((d / 1000)) $(((d % 1000) / 100)); }

# Variables a client needs, written to $AURORAIAM_E2E_STATE/env (sourced by users and tests).
# It holds the emulated secret keys: created 0600 (owner root).
e2e_env_add() { # NAME value
  ( umask 077; printf 'export %s=%q\n' "$1" "$2" >> "$AURORAIAM_E2E_STATE/env" )
  chmod 0600 "$AURORAIAM_E2E_STATE/env"
}

# The variables both servers share (once per state dir).
e2e_common_env() {
  [ -s "$AURORAIAM_E2E_STATE/env" ] && return 0
  e2e_env_add AURORAIAM_E2E_STATE "$AURORAIAM_E2E_STATE"
  e2e_env_add E2E_HOST "$E2E_HOST"
  e2e_env_add E2E_REGION "$E2E_REGION"
  e2e_env_add E2E_ENDPOINT "$E2E_ENDPOINT"
  e2e_env_add E2E_CA "$AURORAIAM_E2E_STATE/tls/ca.pem"
  e2e_env_add E2E_ACCESS_KEY_ID "$E2E_ACCESS_KEY_ID"
  e2e_env_add E2E_SECRET_ACCESS_KEY "$E2E_SECRET_ACCESS_KEY"
  e2e_env_add E2E_TEMP_ACCESS_KEY_ID "$E2E_TEMP_ACCESS_KEY_ID"
  e2e_env_add E2E_TEMP_SECRET_ACCESS_KEY "$E2E_TEMP_SECRET_ACCESS_KEY"
  e2e_env_add E2E_POLICY_ACCESS_KEY_ID "$E2E_POLICY_ACCESS_KEY_ID"
  e2e_env_add E2E_POLICY_SECRET_ACCESS_KEY "$E2E_POLICY_SECRET_ACCESS_KEY"
}
