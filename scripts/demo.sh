#!/usr/bin/env bash
# The main job: build every surface, sign the demo inputs through each, and check that all of
# them print the byte-identical token. Each surface contributes a `demo-<surface>` make target
# (listed in DEMO_TARGETS) that prints the token alone on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/demo.env
targets=$(make -s print-demo-targets)
declare -A tokens
for t in $targets; do
  tok=$(make -s "$t" | tail -n 1)
  tokens[$t]=$tok
  printf '%-12s %s\n' "${t#demo-}" "$tok"
done
first=""
for t in $targets; do
  if [ -z "$first" ]; then first=${tokens[$t]}; fi
  if [ "${tokens[$t]}" != "$first" ]; then
    echo "MISMATCH: ${t#demo-} printed a different token" >&2
    exit 1
  fi
done
echo "all $(echo $targets | wc -w) surfaces printed the same token"
