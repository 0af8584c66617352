#!/usr/bin/env bash
# End-to-end tests of the rewrite (`--rewrite=apply`, `safebuild fix`) with
# real podman. For each rewrite kind: the original build is blocked; the
# rewritten build passes, is tagged, carries the secret in no layer, config
# or history entry, and makes the same artifact (a file's checksum).
# Usage: rewrite.sh SAFEBUILD_BINARY FAKE_SECRET_BINARY
SAFEBUILD=$(realpath "$1")
FAKE=$(realpath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

make_base_image

# sha256 of FILE inside IMAGE, read through `podman image mount`.
image_file_sum() {
  local mnt sum
  mnt=$("${PODMAN[@]}" image mount "$1") || return 1
  sum=$(sha256sum < "$mnt$2" | cut -d' ' -f1)
  "${PODMAN[@]}" image unmount "$1" >/dev/null
  echo "$sum"
}

# Every layer (uncompressed), the config, `image inspect` and `history
# --no-trunc` of IMAGE, in one file: $E2E_TMP/dump/all.
dump_image() {
  local image=$1 dump="$E2E_TMP/dump"
  rm -rf "$dump" && mkdir -p "$dump"
  "${PODMAN[@]}" save --format oci-dir -o "$dump/oci" "$image" >/dev/null 2>&1 ||
    fail "podman save failed"
  for blob in "$dump"/oci/blobs/sha256/*; do
    if gzip -t "$blob" 2>/dev/null; then zcat "$blob"; else cat "$blob"; fi
  done > "$dump/all"
  "${PODMAN[@]}" image inspect "$image" >> "$dump/all"
  "${PODMAN[@]}" history --no-trunc "$image" >> "$dump/all"
  [ -s "$dump/all" ] || fail "nothing read from $image"
}

# The check below must be able to see the secret: the original has it.
expect_secret_in_original() {
  dump_image "$ORIG_ID"
  grep -aqF -- "$1" "$E2E_TMP/dump/all" || fail "the original image does not hold the secret"
}

# The value must be in no layer, config or history entry of IMAGE.
expect_secret_nowhere() {
  local image=$1 value=$2 dump="$E2E_TMP/dump"
  dump_image "$image"
  if grep -aqF -- "$value" "$dump/all"; then fail "secret value found in $image"; fi
  local out=$OUT
  OUT="$dump/scan.json"
  "$SAFEBUILD" --format json scan "${STORE[@]}" "$image" >"$OUT" 2>/dev/null ||
    fail "scan of $image did not pass"
  expect_json '.verdict == "pass" and (.findings | length == 0)' "scan finds nothing"
  OUT=$out
}

# Builds the original (blocked, kept for the checksum) and the rewrite.
# Sets ORIG_ID. Extra podman build args come after the tag.
build_both() {
  local tag=$1; shift
  sb --format json --keep-failed build "${STORE[@]}" "$@" -t "$tag" "$CTX"
  expect_rc 65
  ORIG_ID=$(jq -r '.image.id' "$OUT")
  expect_no_image "$tag"
  sb --rewrite=apply build "${STORE[@]}" "$@" -t "$tag" "$CTX"
  expect_rc 0
  expect_image_exists "$tag"
  grep -q "building from a rewritten copy" "$ERR" || fail "no rewrite note"
}

expect_same_artifact() {
  local a b
  a=$(image_file_sum "$ORIG_ID" /artifact.txt)
  b=$(image_file_sum "$1" /artifact.txt)
  [ -n "$a" ] && [ "$a" = "$b" ] || fail "artifact differs: $a vs $b"
}

test_kind_a_build_arg_becomes_a_secret_mount() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
ARG GH_TOKEN
RUN echo building > /built.txt
RUN test -n "$GH_TOKEN" && echo "len=${#GH_TOKEN}" > /artifact.txt
CF
  cp "$CTX/Containerfile" "$CTX/original"
  build_both localhost/rw-a:1 --build-arg "GH_TOKEN=$tok"
  expect_no_leak "$tok"
  expect_secret_in_original "$tok"
  expect_secret_nowhere localhost/rw-a:1 "$tok"
  expect_same_artifact localhost/rw-a:1
  cmp -s "$CTX/Containerfile" "$CTX/original" || fail "the user's file was changed"
  grep -q 'id=GH_TOKEN' "$ERR" || fail "flags not shown"
}

test_kind_b_env_literal_becomes_a_secret_mount() {
  new_context
  local tok lab; tok=$("$FAKE" GITHUB_TOKEN); lab=$("$FAKE" NPM_TOKEN)
  cat > "$CTX/Containerfile" <<CF
FROM localhost/busybox
# the mode stays, the token goes
ENV APP_MODE=prod GH_TOKEN=$tok
LABEL ci.token="$lab" ci.owner=team
RUN echo "len=\${#GH_TOKEN} mode=\$APP_MODE" > /artifact.txt
CF
  build_both localhost/rw-b:1
  expect_no_leak "$tok"
  expect_no_leak "$lab"
  expect_secret_in_original "$lab"
  expect_secret_in_original "$tok"
  expect_secret_nowhere localhost/rw-b:1 "$tok"
  expect_secret_nowhere localhost/rw-b:1 "$lab"
  expect_same_artifact localhost/rw-b:1
  "${PODMAN[@]}" image inspect localhost/rw-b:1 --format '{{.Config.Labels}} {{.Config.Env}}' \
    > "$E2E_TMP/cfg"
  grep -q 'ci.owner:team' "$E2E_TMP/cfg" || fail "the other LABEL pair was lost"
  grep -q 'APP_MODE=prod' "$E2E_TMP/cfg" || fail "the other ENV pair was lost"
  grep -q 'rotate the value of ENV GH_TOKEN' "$ERR" || fail "no rotation advice"
}

test_kind_c_copied_credential_becomes_a_target_mount() {
  new_context
  local tok; tok=$("$FAKE" NPM_TOKEN)
  printf '//registry.example.invalid/:_authToken=%s\n' "$tok" > "$CTX/.npmrc"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
COPY .npmrc /app/.npmrc
RUN grep -q _authToken /app/.npmrc && echo have-npmrc > /artifact.txt
RUN rm /app/.npmrc
CF
  build_both localhost/rw-c:1
  expect_no_leak "$tok"
  expect_secret_in_original "$tok"
  expect_secret_nowhere localhost/rw-c:1 "$tok"
  expect_same_artifact localhost/rw-c:1
  grep -q '^  \.npmrc$' "$ERR" || fail "ignore line not suggested"
}

test_fix_write_keeps_a_backup_and_is_idempotent() {
  new_context
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
ARG NPM_TOKEN
RUN echo "$NPM_TOKEN" | wc -c
CF
  cp "$CTX/Containerfile" "$CTX/original"
  sb fix --write --target-version 4.3 "$CTX"
  expect_rc 0
  cmp -s "$CTX/Containerfile.bak" "$CTX/original" || fail "backup differs"
  grep -q -- '--mount=type=secret,id=NPM_TOKEN' "$CTX/Containerfile" || fail "not rewritten"
  cp "$CTX/Containerfile" "$CTX/once"
  sb fix --write --target-version 4.3 "$CTX"
  expect_rc 0
  cmp -s "$CTX/Containerfile" "$CTX/once" || fail "second rewrite changed the file"
  grep -q 'nothing to rewrite' "$ERR" || fail "no 'nothing to rewrite' note"
}

test_fix_prints_a_diff_and_the_flags() {
  new_context
  printf 'FROM localhost/busybox\nARG GH_TOKEN\nRUN echo $GH_TOKEN\n' > "$CTX/Containerfile"
  sb fix --diff --target-version 4.3 "$CTX"
  expect_rc 0
  local header='--- a/Containerfile|+++ b/Containerfile|@@ -1,3 +1,2 @@|'
  head -3 "$OUT" | tr '\n' '|' | grep -qF -- "$header" || fail "diff header: $(head -3 "$OUT")"
  grep -qF -- '-ARG GH_TOKEN' "$OUT" || fail "diff lacks the ARG removal"
  grep -qF -- '--secret id=GH_TOKEN,type=env,env=GH_TOKEN  (instead of --build-arg GH_TOKEN)' \
    "$ERR" || fail "flags missing"
}

test_fix_diff_never_prints_the_value() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  printf 'FROM localhost/busybox\nENV GITHUB_TOKEN=%s APP=1\n' "$tok" > "$CTX/Containerfile"
  sb fix --diff --target-version 4.3 "$CTX"
  expect_rc 0
  grep -qF -- "-ENV GITHUB_TOKEN=${tok:0:4}…" "$OUT" || fail "diff lacks the redacted removal"
  expect_no_leak "$tok"
}

test_suggest_is_the_default_and_changes_nothing() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  printf 'FROM localhost/busybox\nARG GH_TOKEN\nRUN echo ${#GH_TOKEN}\n' > "$CTX/Containerfile"
  sb build "${STORE[@]}" --build-arg "GH_TOKEN=$tok" -t localhost/rw-s:1 "$CTX"
  expect_rc 65
  grep -q "safebuild fix would rewrite" "$ERR" || fail "no suggestion"
  expect_no_leak "$tok"
  sb --rewrite=off build "${STORE[@]}" --build-arg "GH_TOKEN=$tok" -t localhost/rw-s:1 "$CTX"
  expect_rc 65
  if grep -q "safebuild fix would rewrite" "$ERR"; then fail "suggested with --rewrite=off"; fi
}

for t in $(declare -F | awk '{print $3}' | grep '^test_'); do run_case "$t"; done
finish
