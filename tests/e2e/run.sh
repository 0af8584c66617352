#!/usr/bin/env bash
# End-to-end tests: the real safebuild binary, real podman, real images.
# Usage: run.sh SAFEBUILD_BINARY FAKE_SECRET_BINARY
# Covers the cases in the project's test plan (build-arg in history, ENV and
# LABEL, copied-then-deleted, opaque whiteouts, zstd layers, a comment that
# swallows a line), plus the gate, pass-through and scan sources.
SAFEBUILD=$(realpath "$1")
FAKE=$(realpath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

make_base_image

test_case01_build_arg_value_is_reported_in_history() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
ARG GH_TOKEN
RUN echo building
RUN echo "t=$GH_TOKEN" > /a.txt && rm /a.txt
CF
  sb --format json build "${STORE[@]}" --build-arg "GH_TOKEN=$tok" -t localhost/c01:1 "$CTX"
  expect_rc 65
  expect_json '.verdict == "fail"'
  expect_json '[.findings[] | select(.origin=="history" and .rule=="github-classic-token")]
    | length == 2' "token in both RUN history entries"
  expect_json '[.findings[] | select(.origin=="layer")] | length == 0' "no layer finding"
  expect_json '[.findings[] | select(.origin=="containerfile" and .line==2)] | length >= 1' \
    "lint flags the ARG on line 2"
  expect_no_image localhost/c01:1
  expect_no_leak "$tok"
}

test_case02_env_and_label_are_reported_from_the_config() {
  new_context
  local key tok; key=$("$FAKE" AWS_ACCESS_KEY_ID); tok=$("$FAKE" GITHUB_TOKEN)
  cat > "$CTX/Containerfile" <<CF
FROM localhost/busybox
ENV AWS_ACCESS_KEY_ID=$key
LABEL ci.token="$tok"
CF
  sb --format json build "${STORE[@]}" -t localhost/c02:1 "$CTX"
  expect_rc 65
  expect_json '[.findings[] | select(.origin=="config" and .path=="Env/AWS_ACCESS_KEY_ID"
    and .rule=="aws-access-key-id")] | length == 1'
  expect_json '[.findings[] | select(.origin=="config" and .path=="Labels/ci.token"
    and .rule=="github-classic-token")] | length == 1'
  expect_json '[.findings[] | select(.origin=="history")] | length >= 2'
  expect_json '[.findings[] | select(.origin=="containerfile") | .line] | contains([2,3])'
  expect_no_image localhost/c02:1
  expect_no_leak "$key"
  expect_no_leak "$tok"
}

write_case03() {
  local tok=$1
  printf '//registry.example.invalid/:_authToken=%s\n' "$tok" > "$CTX/.npmrc"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
COPY .npmrc /app/.npmrc
RUN cat /app/.npmrc > /dev/null
RUN rm /app/.npmrc
CF
}

test_case03_copied_then_deleted_file_is_found_in_its_layer() {
  new_context
  local tok; tok=$("$FAKE" NPM_TOKEN)
  write_case03 "$tok"
  sb --format json build "${STORE[@]}" -t localhost/c03:1 "$CTX"
  expect_rc 65
  expect_json '[.findings[] | select(.origin=="layer" and .path=="/app/.npmrc"
    and .deleted==true and .layer.index==1
    and (.layer.created_by|test("COPY")) and (.layer.digest|startswith("sha256:")))]
    | length >= 1' "npmrc in the COPY layer, deleted"
  expect_json '[.findings[] | select(.origin=="layer" and .path=="/app/.npmrc"
    and (.instruction.file|endswith("/Containerfile")) and .instruction.line==2)]
    | length >= 1' "the layer finding names the COPY instruction that made it"
  expect_json '[.findings[] | select(.origin=="containerfile" and .line==2)] | length >= 1' \
    "lint flags the COPY"
  expect_no_image localhost/c03:1
  expect_no_leak "$tok"
}

# Squashed, the stage's instructions share one layer: no finding names an
# instruction, as the layer cannot tell which one wrote the file.
test_squashed_layers_name_no_instruction() {
  new_context
  local tok; tok=$("$FAKE" NPM_TOKEN)
  printf '//registry.example.invalid/:_authToken=%s\n' "$tok" > "$CTX/.npmrc"
  printf 'FROM localhost/busybox\nCOPY .npmrc /app/.npmrc\nRUN echo hello > /app/x\n' \
    > "$CTX/Containerfile"
  sb --format json build "${STORE[@]}" --squash -t localhost/c03:2 "$CTX"
  expect_rc 65
  expect_json '[.findings[] | select(.origin=="layer" and .path=="/app/.npmrc")] | length >= 1' \
    "squashed: the npmrc is still found"
  expect_json '[.findings[] | select(.origin=="layer" and .instruction != null)] | length == 0' \
    "squashed: no layer finding names an instruction"
  expect_no_image localhost/c03:2
  expect_no_leak "$tok"
}

test_case04_opaque_whiteout_hides_the_file_but_not_the_finding() {
  new_context
  local pw; pw=$("$FAKE" PASSWORD)
  cat > "$CTX/Containerfile" <<CF
FROM localhost/busybox
RUN mkdir /cfg && echo "machine git.example.invalid login ci password $pw" > /cfg/.netrc
RUN rm -rf /cfg && mkdir /cfg && touch /cfg/placeholder
CF
  sb --format json build "${STORE[@]}" "$CTX"
  expect_rc 65
  expect_json '[.findings[] | select(.origin=="layer" and .path=="/cfg/.netrc"
    and .deleted==true and .layer.index==1)] | length == 1'
  expect_json '[.findings[] | select(.path|test("placeholder|wh\\."))] | length == 0'
  expect_no_leak "$pw"
}

test_case05_zstd_and_archive_sources_give_the_same_findings() {
  new_context
  local tok; tok=$("$FAKE" NPM_TOKEN)
  write_case03 "$tok"
  sb --keep-failed --format json build "${STORE[@]}" --iidfile "$CTX.iid" "$CTX"
  expect_rc 65
  local id; id=$(cat "$CTX.iid")
  expect_image_exists "$id"
  local src
  "${PODMAN[@]}" push -q --compression-format zstd "$id" "oci:$CTX.zstd:c05" || fail "push zstd"
  "${PODMAN[@]}" push -q --compression-format zstd:chunked "$id" "oci:$CTX.chunked:c05" ||
    fail "push zstd:chunked"
  "${PODMAN[@]}" save -q --format oci-archive -o "$CTX.oci.tar" "$id" || fail "save oci"
  "${PODMAN[@]}" save -q --format docker-archive -o "$CTX.docker.tar" "$id" || fail "save docker"
  for src in "oci:$CTX.zstd:c05" "oci:$CTX.chunked:c05" "oci-archive:$CTX.oci.tar" \
             "docker-archive:$CTX.docker.tar" "$id"; do
    sb --format json scan "${STORE[@]}" "$src"
    expect_rc 65
    expect_json '[.findings[] | select(.origin=="layer" and .path=="/app/.npmrc"
      and .deleted==true and .layer.index==1)] | length >= 1' "finding from $src"
    expect_no_leak "$tok"
  done
  grep -q 'tar+zstd' "$CTX.zstd/blobs/sha256/"* 2>/dev/null || fail "layers are not zstd"
  # A layer that cannot be decoded fails the scan; it never yields clean.
  local blob
  for blob in "$CTX.zstd"/blobs/sha256/*; do
    if [ "$(head -c 4 "$blob" | od -An -tx1 | tr -d ' ')" = 28b52ffd ]; then
      truncate -s 200 "$blob"
    fi
  done
  sb --format json scan "oci:$CTX.zstd:c05"
  expect_rc 66
  expect_json '.verdict == "fail" and .complete == false'
  # A damaged archive: the error names the archive, not a vanished temp path.
  python3 - "$CTX.oci.tar" <<'PY'
import sys
p = sys.argv[1]
d = bytearray(open(p, 'rb').read())
mid = len(d) // 2
d[mid:mid + 100] = b'\0' * 100
open(p, 'wb').write(d)
PY
  sb scan "oci-archive:$CTX.oci.tar"
  expect_rc 66
  grep -q "oci-archive:$CTX.oci.tar member blobs/sha256/" "$ERR" ||
    fail "error does not name the archive"
  if grep -q "$TMPDIR" "$ERR"; then fail "error names a temporary path"; fi
  "${PODMAN[@]}" rmi -f "$id" >/dev/null
}

test_case10_comment_escape_swallows_the_next_line() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  cat > "$CTX/Containerfile" <<CF
FROM localhost/busybox
RUN echo hello # \\
ENV API_TOKEN=$tok
RUN echo a \\
    # a comment inside a continuation
    b
CF
  sb --format json build "${STORE[@]}" "$CTX"
  expect_rc 65
  expect_json '[.findings[] | select(.origin=="config")] | length == 0' "no Env finding"
  expect_json '[.findings[] | select(.origin=="history" and .rule=="github-classic-token")]
    | length == 1'
  expect_json '[.findings[] | select(.origin=="containerfile" and .line==3)] | length == 1' \
    "lint reports the token on line 3 inside the RUN"
  expect_no_leak "$tok"
}

test_clean_build_is_tagged_and_flags_pass_through() {
  new_context
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
ARG GREETING=hello
ENV APP_MODE=production PASSWORD_FILE=/run/secrets/db
RUN echo "$GREETING" > /greeting
CF
  sb --format json build "${STORE[@]}" --build-arg GREETING=hi -t localhost/clean:1 \
     --tag=localhost/clean:2 "$CTX" --layers=false --no-cache
  expect_rc 0
  expect_json '.verdict == "pass" and (.findings|length) == 0 and .complete == true'
  expect_json '.image.tags == ["localhost/clean:1","localhost/clean:2"]'
  expect_image_exists localhost/clean:1
  expect_image_exists localhost/clean:2
  jq -e . "$OUT" >/dev/null || fail "stdout is not pure JSON"
  # -f - reads the Containerfile from stdin; safebuild lints it and hands
  # the same text to podman.
  "$SAFEBUILD" build "${STORE[@]}" -t localhost/clean:stdin -f - "$CTX" \
    < "$CTX/Containerfile" >"$OUT" 2>"$ERR"
  RC=$?
  expect_rc 0
  expect_image_exists localhost/clean:stdin
}

image_count() { "${PODMAN[@]}" images -a -q | wc -l; }

test_podman_failure_exit_code_passes_through() {
  new_context
  local tok; tok=$("$FAKE" NPM_TOKEN)
  printf '//r.example.invalid/:_authToken=%s\n' "$tok" > "$CTX/.npmrc"
  printf 'FROM localhost/busybox\nCOPY .npmrc /app/.npmrc\nRUN exit 3\n' > "$CTX/Containerfile"
  local before; before=$(image_count)
  sb build "${STORE[@]}" -t localhost/broken:1 "$CTX"
  expect_rc 3
  expect_no_image localhost/broken:1
  # The cached COPY layer holds the token and was never scanned.
  [ "$(image_count)" = "$before" ] || fail "the failed build left cached layer images"
  expect_no_leak "$tok"
  # The report still goes out, with the lint findings and why there is no image.
  sb --format json --report "$CTX.report.json" build "${STORE[@]}" -t localhost/broken:1 "$CTX"
  expect_rc 3
  expect_json '.complete == false and .verdict == "fail"' "incomplete report"
  expect_json '.errors == ["podman build failed (exit 3)"]' "the build's error, one line"
  expect_json '[.findings[] | select(.origin=="containerfile" and .line==2)] | length >= 1' \
    "lint finding on the COPY of .npmrc"
  cmp -s "$OUT" "$CTX.report.json" || fail "--report differs from stdout"
  expect_no_leak "$tok"
  sb --format sarif build "${STORE[@]}" -t localhost/broken:1 "$CTX"
  expect_rc 3
  expect_json '.runs[0].invocations[0].executionSuccessful == false' "SARIF says it failed"
  sb build "${STORE[@]}" --no-such-flag "$CTX"
  expect_rc 125
}

test_bad_baseline_stops_the_build_before_podman_runs() {
  new_context
  local arg; arg=$("$FAKE" GITHUB_TOKEN)
  printf '{x' > "$CTX.baseline.json"
  printf 'FROM localhost/busybox\nARG T\nRUN echo "$T" | wc -c\n' > "$CTX/Containerfile"
  local before; before=$(image_count)
  sb --baseline "$CTX.baseline.json" build "${STORE[@]}" --build-arg "T=$arg" \
    -t localhost/bl:1 "$CTX"
  expect_rc 64
  grep -q "$CTX.baseline.json" "$ERR" || fail "the error names the baseline file"
  [ "$(image_count)" = "$before" ] || fail "podman built although the baseline is broken"
  grep -q "STEP 1/" "$ERR" && fail "podman ran"
  expect_no_leak "$arg"
}

# A report that could not be written would leave a tagged image with no
# report: a path that cannot take it stops the build before podman runs.
test_unwritable_report_stops_the_build_before_podman_runs() {
  new_context
  printf 'FROM localhost/busybox\nRUN true\n' > "$CTX/Containerfile"
  mkdir -p "$CTX.reportdir"
  local before; before=$(image_count)
  for report in "$CTX.reportdir" "$CTX.missing/report.json"; do
    sb --report "$report" build "${STORE[@]}" -t localhost/rep:1 "$CTX"
    expect_rc 64
    grep -q -- "--report $report" "$ERR" || fail "the error names the report path"
    expect_no_image localhost/rep:1
    grep -q "STEP 1/" "$ERR" && fail "podman ran"
  done
  [ "$(image_count)" = "$before" ] || fail "podman built although the report cannot be written"
}

test_blocked_image_is_removed_unless_kept() {
  new_context
  local tok; tok=$("$FAKE" GITLAB_TOKEN)
  printf 'FROM localhost/busybox\nRUN echo "glab=%s" > /etc/tok\n' "$tok" > "$CTX/Containerfile"
  sb --format json build "${STORE[@]}" -t localhost/blocked:1 "$CTX"
  expect_rc 65
  local id; id=$(jq -r .image.id "$OUT")
  expect_no_image "$id"
  expect_json '[.findings[] | select(.origin=="layer" and .path=="/etc/tok"
    and .deleted==false and .rule=="gitlab-token")] | length == 1'
  sb --keep-failed --format json build "${STORE[@]}" -t localhost/blocked:1 "$CTX"
  expect_rc 65
  id=$(jq -r .image.id "$OUT")
  expect_image_exists "$id"
  expect_no_image localhost/blocked:1
  # Text for people: redacted, grouped by layer, on stderr.
  sb scan "${STORE[@]}" "$id"
  expect_rc 65
  grep -q "Layer 1" "$ERR" || fail "text report has no layer group"
  grep -q "${tok:0:4}…" "$ERR" || fail "text report has no redacted prefix"
  expect_no_leak "$tok"
  sb --fail-on critical --format json scan "${STORE[@]}" "$id"
  expect_rc 65
  "${PODMAN[@]}" rmi -f "$id" >/dev/null
}

start_registry() {
  REGISTRY_PORT=$((20000 + RANDOM % 20000))
  cat > "$E2E_TMP/registry.yml" <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $E2E_TMP/registry
http:
  addr: 127.0.0.1:$REGISTRY_PORT
YML
  docker-registry serve "$E2E_TMP/registry.yml" >"$E2E_TMP/registry.log" 2>&1 &
  REGISTRY_PID=$!
  local i
  for i in $(seq 50); do
    curl -sf "http://127.0.0.1:$REGISTRY_PORT/v2/" >/dev/null && return 0
    sleep 0.2
  done
  return 1
}

test_push_sends_only_clean_images() {
  start_registry || { fail "docker-registry did not start"; return; }
  local reg="127.0.0.1:$REGISTRY_PORT"
  new_context
  printf 'FROM localhost/busybox\nRUN echo fine > /fine\n' > "$CTX/Containerfile"
  sb build "${STORE[@]}" -t localhost/pushme:1 "$CTX"
  expect_rc 0
  sb push "${STORE[@]}" --tls-verify=false localhost/pushme:1 "docker://$reg/pushme:1"
  expect_rc 0
  skopeo inspect --tls-verify=false "docker://$reg/pushme:1" >/dev/null 2>&1 ||
    fail "clean image not in the registry"
  local tok; tok=$("$FAKE" DOCKERHUB_PAT)
  printf 'FROM localhost/busybox\nENV HUB=%s\n' "$tok" > "$CTX/Containerfile"
  sb --keep-failed build "${STORE[@]}" --iidfile "$CTX.iid" "$CTX"
  expect_rc 65
  "${PODMAN[@]}" tag "$(cat "$CTX.iid")" localhost/leaky:1
  sb push "${STORE[@]}" --tls-verify=false localhost/leaky:1 "docker://$reg/leaky:1"
  expect_rc 65
  if skopeo inspect --tls-verify=false "docker://$reg/leaky:1" >/dev/null 2>&1; then
    fail "leaky image reached the registry"
  fi
  expect_no_leak "$tok"
  "${PODMAN[@]}" rmi -f localhost/leaky:1 >/dev/null
}

test_sigterm_reaches_podman_and_nothing_is_left() {
  new_context
  # A duration of its own, so that no other "sleep 60" on the machine (a
  # suite beside this one, a shell) is taken for the RUN step.
  local secs=$((1000 + RANDOM % 9000))
  printf 'FROM localhost/busybox\nRUN sleep %s\n' "$secs" > "$CTX/Containerfile"
  local images; images=$(image_count)
  local before; before=$(ls "$TMPDIR" | grep -c '^safebuild\.')
  "$SAFEBUILD" build "${STORE[@]}" -t localhost/slow:1 "$CTX" >"$OUT" 2>"$ERR" &
  local pid=$!
  sleep 4
  kill -TERM "$pid"
  local i
  for i in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    fail "safebuild still running 30 s after SIGTERM"
    kill -KILL "$pid"
  fi
  wait "$pid"
  RC=$?
  [ "$RC" -ne 0 ] || fail "interrupted build exited 0"
  pgrep -f "sleep $secs" >/dev/null && fail "the RUN step is still running"
  local after; after=$(ls "$TMPDIR" | grep -c '^safebuild\.')
  [ "$after" = "$before" ] || fail "temporary directories left behind"
  [ "$(image_count)" = "$images" ] || fail "the interrupted build left images"
  [ -z "$("${PODMAN[@]}" ps -a --external -q)" ] || fail "a build container was left"
  expect_no_image localhost/slow:1
}

test_usage_errors_have_their_own_code() {
  new_context
  sb --fail-on severe scan localhost/busybox
  expect_rc 64
  grep -q "safebuild: error: --fail-on" "$ERR" || fail "no clear usage error"
  sb frobnicate
  expect_rc 64
  sb --version
  expect_rc 0
  grep -q '^safebuild [0-9]' "$OUT" || fail "--version"
  # push reads podman's storage only, as podman push does: refused up front.
  for src in "oci:$CTX/layout" "oci-archive:$CTX/a.tar" "docker-archive:$CTX/d.tar"; do
    sb push "${STORE[@]}" "$src" "oci:$CTX/out"
    expect_rc 64
    grep -q "skopeo copy" "$ERR" || fail "push $src: no clear refusal"
  done
  [ ! -e "$CTX/out" ] || fail "push wrote its destination"
}

test_containerfile_in_is_linted_after_cpp_at_the_included_line() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  printf 'FROM localhost/busybox\n#include "secrets.cf"\nRUN echo hi\n' \
    > "$CTX/Containerfile.in"
  printf '# shared build arguments\nARG GH_TOKEN=%s\n' "$tok" > "$CTX/secrets.cf"
  sb --format json build "${STORE[@]}" -f "$CTX/Containerfile.in" -t localhost/cin:1 "$CTX"
  expect_rc 65
  expect_json '[.findings[] | select(.origin=="containerfile"
    and (.path | endswith("/secrets.cf")) and .line==2
    and .rule=="secret-in-arg-default")] | length == 1' \
    "lint names secrets.cf line 2"
  expect_json '[.findings[] | select(.origin=="history")] | length >= 1' \
    "podman preprocessed the file and recorded the ARG"
  expect_no_image localhost/cin:1
  expect_no_leak "$tok"
}

# `--annotation` lands in the manifest, MAINTAINER in the config's author:
# both are pulled with the image, so both are read (from storage and from
# an oci-archive), and the image is never tagged.
test_annotation_and_author_are_read() {
  new_context
  local tok npm; tok=$("$FAKE" GITHUB_TOKEN); npm=$("$FAKE" NPM_TOKEN)
  printf 'FROM localhost/busybox\nMAINTAINER ops %s\nRUN echo hi > /x\n' "$tok" \
    > "$CTX/Containerfile"
  sb --keep-failed --format json build "${STORE[@]}" --annotation "ci.npm=$npm" \
    --iidfile "$CTX.iid" -t localhost/ann:1 "$CTX"
  expect_rc 65
  expect_json '[.findings[] | select(.origin=="config" and .path=="Annotations/ci.npm"
    and .rule=="npm-token")] | length == 1' "annotation from storage"
  expect_json '[.findings[] | select(.origin=="config" and .path=="Author"
    and .rule=="github-classic-token")] | length == 1' "author from storage"
  expect_no_image localhost/ann:1
  local id; id=$(cat "$CTX.iid")
  "${PODMAN[@]}" save -q --format oci-archive -o "$CTX.oci.tar" "$id" || fail "save oci"
  sb --format json scan "oci-archive:$CTX.oci.tar"
  expect_rc 65
  expect_json '[.findings[] | select(.path=="Annotations/ci.npm")] | length == 1' \
    "annotation from the oci-archive"
  expect_no_leak "$tok"
  expect_no_leak "$npm"
  "${PODMAN[@]}" rmi -f "$id" >/dev/null
}

# E2E_ONLY=PATTERN runs only the cases whose names match.
for t in $(declare -F | awk '{print $3}' | grep -E '^test_' | grep -e "${E2E_ONLY:-.}"); do
  run_case "$t"
done
finish
