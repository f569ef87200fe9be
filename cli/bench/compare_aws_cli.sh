#!/usr/bin/env bash
# Times `auroraiam generate-db-auth-token` against `aws rds generate-db-auth-token` in the same
# run (whole processes, as a shell uses them) and prints the ratio. Also checks that both print
# the same token for the same second. Uses `aws` from PATH, or installs aws-cli (v1, from PyPI)
# into target/cli-bench-venv. Usage: cli/bench/compare_aws_cli.sh [auroraiam runs] [aws runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/demo.env
N_OURS=${1:-500}
N_AWS=${2:-20}
cargo build -q --release -p auroraiam-cli
OURS=target/release/auroraiam
if command -v aws >/dev/null 2>&1; then
  AWS=$(command -v aws)
else
  python3 -m venv target/cli-bench-venv
  target/cli-bench-venv/bin/pip install -q awscli
  AWS=target/cli-bench-venv/bin/aws
fi
# Isolate aws-cli from any local configuration; the region is given explicitly.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
args=(--hostname "$DEMO_HOSTNAME" --port "$DEMO_PORT" --username "$DEMO_USERNAME")

# Same token: sign with auroraiam at the second aws-cli used.
aws_token=$("$AWS" rds generate-db-auth-token "${args[@]}" --region us-east-1)
amz=$(sed -E 's/.*X-Amz-Date=([0-9]{8}T[0-9]{6}Z).*/\1/' <<<"$aws_token")
iso="${amz:0:4}-${amz:4:2}-${amz:6:2}T${amz:9:2}:${amz:11:2}:${amz:13:2}Z"
our_token=$("$OURS" generate-db-auth-token "${args[@]}" --signing-time "$iso")
if [ "$aws_token" != "$our_token" ]; then
  echo "MISMATCH: aws-cli and auroraiam printed different tokens for $iso" >&2
  exit 1
fi
echo "same token as $("$AWS" --version 2>&1 | cut -d' ' -f1) for $iso"

time_runs() { # name, count, command...
  local name=$1 n=$2; shift 2
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$n"); do "$@" >/dev/null; done
  end=$(date +%s%N)
  echo $(( (end - start) / n ))
}
ours_ns=$(time_runs auroraiam "$N_OURS" "$OURS" generate-db-auth-token "${args[@]}")
aws_ns=$(time_runs aws "$N_AWS" "$AWS" rds generate-db-auth-token "${args[@]}" --region us-east-1)
awk -v o="$ours_ns" -v a="$aws_ns" -v no="$N_OURS" -v na="$N_AWS" 'BEGIN {
  printf "auroraiam generate-db-auth-token: %8.2f ms per process (%d runs)\n", o / 1e6, no
  printf "aws rds generate-db-auth-token:   %8.2f ms per process (%d runs)\n", a / 1e6, na
  printf "ratio: auroraiam is %.0fx faster per invocation\n", a / o
}'
