#!/usr/bin/env bash
# Checks safebuild's SARIF against the published SARIF 2.1.0 schema: the
# sample report (every kind of location) and the output of a real
# `safebuild --format sarif lint` over a leaky project made here with fresh
# fake secrets.
#
#   validate.sh SAFEBUILD SARIF_SAMPLE FAKE_SECRET TOOLS_DIR
set -euo pipefail
safebuild=$(realpath "$1") sample=$(realpath "$2") fake=$(realpath "$3") tools=$(realpath "$4")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check() {  # NAME COMMAND...
  if "${@:2}"; then echo "ok: $1"; pass=$((pass + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi
}

"$sample" >"$work/sample.sarif"
check "sample report validates" node "$here/validate.mjs" "$tools" "$work/sample.sarif"
# The validator must reject what the schema forbids: a line 0 region.
jq '.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0' \
  "$work/sample.sarif" >"$work/bad.sarif"
check "a region on line 0 is rejected" \
  bash -c "! node '$here/validate.mjs' '$tools' '$work/bad.sarif' >/dev/null"

mkdir -p "$work/project/ctx"
gh=$("$fake" GITHUB_TOKEN)
{
  echo "FROM busybox"
  echo "ENV GITHUB_TOKEN=$gh"
  echo "COPY . /app"
} >"$work/project/ctx/Containerfile"
"$fake" NPM_TOKEN | sed 's|^|//registry.npmjs.org/:_authToken=|' >"$work/project/ctx/.npmrc"
code=0
(cd "$work/project" && "$safebuild" --format sarif lint ctx >"$work/lint.sarif" 2>/dev/null) ||
  code=$?
check "lint of a leaky project exits 65" test "$code" = 65
check "lint output validates" node "$here/validate.mjs" "$tools" "$work/lint.sarif"
rules=$(jq -r '[.runs[0].results[].ruleId] | join(",")' "$work/lint.sarif")
check "lint results are secret-in-env and context-credential-file ($rules)" \
  test "$rules" = "secret-in-env,context-credential-file"
uris=$(jq -r '[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri]
  | join(",")' "$work/lint.sarif")
check "lint result URIs are relative ($uris)" test "$uris" = "ctx/Containerfile,ctx/.npmrc"
check "no secret value in the SARIF" bash -c "! grep -qF -- '$gh' '$work/lint.sarif'"
echo "$pass passed, $fail failed"
test "$fail" = 0
