#!/usr/bin/env bash
# Code lines (not blank, not comment) of the tracked source files under the given directories,
# per directory and in total. Used to measure how thin the surfaces are (issue #11):
#     scripts/code-lines.sh ffi bindings
# Counts .rs .js .mjs .cjs .ts .py .c .h .sh files that git tracks, except generated ones
# (binding.js, index.d.ts) and tests. Comment lines: `//`, `///`, `//!`, `#` (py/sh) and
# everything inside `/* ... */`; a line holding code and a trailing comment counts as code.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$#" -gt 0 ] || set -- ffi bindings
total=0
for dir in "$@"; do
  files=$(git ls-files -- "$dir" \
    | grep -E '\.(rs|js|mjs|cjs|ts|py|c|h|sh)$' \
    | grep -Ev '(^|/)(tests?|bench|examples)/|/binding\.js$|/index\.d\.ts$|\.pyi$' || true)
  [ -n "$files" ] || { printf '%-28s %6d\n' "$dir" 0; continue; }
  n=$(awk '
    FNR == 1 { inblock = 0; hash = (FILENAME ~ /\.(py|sh)$/) }
    {
      line = $0; sub(/^[ \t]+/, "", line); sub(/[ \t\r]+$/, "", line)
      if (inblock) { if (index(line, "*/")) { inblock = 0; rest = substr(line, index(line, "*/") + 2); sub(/^[ \t]+/, "", rest); if (rest != "" && rest !~ /^\/\//) code++ } ; next }
      if (line == "") next
      if (hash) { if (line ~ /^#/) next; code++; next }
      if (line ~ /^\/\//) next
      if (line ~ /^\/\*/) { if (!index(substr(line, 3), "*/")) inblock = 1; next }
      code++
    }
    END { print code + 0 }' $files)
  printf '%-28s %6d\n' "$dir" "$n"
  total=$((total + n))
done
printf '%-28s %6d\n' total "$total"
