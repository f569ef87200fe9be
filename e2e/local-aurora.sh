#!/usr/bin/env bash
# A local "Aurora with IAM auth" for your own tests and CI (see docs/local-emulation.md).
#
#   sudo bash e2e/local-aurora.sh up [postgres|mariadb|all]   start (default: all), print how to connect
#   sudo bash e2e/local-aurora.sh down                        stop and remove everything
#   sudo -s; source /var/lib/auroraiam-e2e/env                ports, CA, emulated keys (root only, 0600)
#
# State lives in $AURORAIAM_E2E_STATE (default /var/lib/auroraiam-e2e: a fixed name, so `down`
# finds it, in a directory only root can write, unlike /tmp). A given state dir must be a
# directory owned by root and not writable by group or others (e2e/lib.sh e2e_state_dir).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export AURORAIAM_E2E_STATE="${AURORAIAM_E2E_STATE:-/var/lib/auroraiam-e2e}"
export AURORAIAM_E2E_STATE_OWNED="$AURORAIAM_E2E_STATE"
source "$here/lib.sh"
case "${1:-}" in
  up)
    what="${2:-all}"
    case "$what" in postgres|mariadb|all) ;; *) echo "usage: $0 up [postgres|mariadb|all]" >&2; exit 2 ;; esac
    e2e_require_root
    e2e_state_dir
    [ "$what" = mariadb ] || bash "$here/setup-postgres.sh"
    [ "$what" = postgres ] || bash "$here/setup-mariadb.sh"
    e2e_source_env
    cat <<MSG

Environment file (root only, mode 0600; it holds the emulated secret keys):
  $AURORAIAM_E2E_STATE/env

Emulated Aurora is up. Tokens must be signed with the emulated keys for host $E2E_HOST
(or, PostgreSQL database "aurora": $E2E_ENDPOINT), region $E2E_REGION, the server's port:

  source $AURORAIAM_E2E_STATE/env
  export AWS_ACCESS_KEY_ID=\$E2E_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=\$E2E_SECRET_ACCESS_KEY
MSG
    if [ -n "${E2E_PG_PORT:-}" ]; then cat <<MSG
  PGPASSWORD="\$(auroraiam generate-db-auth-token --hostname localhost --port \$E2E_PG_PORT --region us-east-1 --username app_user)" \\
    psql "host=localhost port=\$E2E_PG_PORT user=app_user dbname=postgres sslmode=verify-full sslrootcert=\$E2E_CA"
MSG
    fi
    if [ -n "${E2E_MYSQL_PORT:-}" ]; then cat <<MSG
  MYSQL_PWD="\$(auroraiam generate-db-auth-token --hostname localhost --port \$E2E_MYSQL_PORT --region us-east-1 --username app_user)" \\
    mariadb -h 127.0.0.1 -P \$E2E_MYSQL_PORT -u app_user --ssl-ca=\$E2E_CA --ssl-verify-server-cert
MSG
    fi
    cat <<MSG

Every login attempt and its exact result: ${E2E_PG_LOG:-} ${E2E_MYSQL_LOG:-}
Stop: sudo bash e2e/local-aurora.sh down
MSG
    ;;
  down) bash "$here/teardown.sh" ;;
  *) echo "usage: $0 up [postgres|mariadb|all] | down" >&2; exit 2 ;;
esac
