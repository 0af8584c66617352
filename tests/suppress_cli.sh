#!/usr/bin/env bash
# `safebuild lint` with suppressions: an inline "# safebuild:ignore", the
# context's .safebuild.json and --config, on a project made here with fresh
# fake secrets. Suppressed findings are counted and listed, never dropped.
#
#   suppress_cli.sh SAFEBUILD FAKE_SECRET
set -euo pipefail
safebuild=$(realpath "$1") fake=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check() {  # NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then
    echo "ok: $1"; pass=$((pass + 1))
  else
    echo "FAIL: $1: expected [$2], got [$3]"; fail=$((fail + 1))
  fi
}
lint() {  # ARGS... → "EXIT SUMMARY" where SUMMARY lists rule:suppressed
  local code=0 out
  out=$(cd "$work" && "$safebuild" --format json "$@" 2>/dev/null) || code=$?
  echo "$code $(jq -r '[.suppressed, (.findings[] | "\(.rule):\(.suppressed // false)")]
    | map(tostring) | join(" ")' <<<"$out")"
}

mkdir -p "$work/ctx"
{
  echo "FROM busybox"
  echo "# safebuild:ignore secret-in-env rotated, kept for the demo"
  echo "ENV GITHUB_TOKEN=$("$fake" GITHUB_TOKEN)"
  echo "ENV NPM_TOKEN=$("$fake" NPM_TOKEN)"
} >"$work/ctx/Containerfile"

check "inline comment suppresses its instruction only" \
  "65 1 secret-in-env:true secret-in-env:false" "$(lint lint ctx)"

fp=$(cd "$work" && "$safebuild" --format json lint ctx 2>/dev/null |
  jq -r '.findings[] | select(.suppressed | not) | .fingerprint' || true)
printf '{"allow": [{"fingerprint": "%s", "reason": "test token"}]}\n' "$fp" \
  >"$work/ctx/.safebuild.json"
check "context .safebuild.json allowlists a fingerprint" \
  "0 2 secret-in-env:true secret-in-env:true" "$(lint lint ctx)"

echo '{"severity": {"secret-in-env": "low"}}' >"$work/other.json"
check "--config replaces the context file" \
  "0 1 secret-in-env:true secret-in-env:false" "$(lint --config other.json lint ctx)"

echo '{"disable": "secret-in-env"}' >"$work/bad.json"
code=0
(cd "$work" && "$safebuild" --config bad.json lint ctx 2>"$work/err") || code=$?
check "a broken policy is a usage error" 64 "$code"
check "and says why" 'safebuild: error: bad.json: "disable" must be an array of rule ids' \
  "$(cat "$work/err")"
echo "$pass passed, $fail failed"
test "$fail" = 0
