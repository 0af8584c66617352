#!/usr/bin/env bash
# End-to-end: a local image read in place from podman's overlay storage gives
# exactly the findings of the same image exported as an oci-archive (rule,
# path, member, layer, deleted flag, fingerprint), for a deleted file, an
# opaque directory, a hardlink that outlives its original and a secret inside
# a jar; and an image in vfs storage falls back to the export.
# Usage: scan_sources.sh SAFEBUILD_BINARY FAKE_SECRET_BINARY
SAFEBUILD=$(realpath "$1")
FAKE=$(realpath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

make_base_image

# A podman that logs each call, so a test can tell whether an export ran.
PODMAN_LOG="$E2E_TMP/podman-calls.log"
cat > "$E2E_TMP/podman-logged" <<SH
#!/bin/sh
echo "\$*" >> "$PODMAN_LOG"
exec podman "\$@"
SH
chmod +x "$E2E_TMP/podman-logged"

# The findings of a JSON report, one line each, sorted.
findings_of() {
  jq -r '.findings[] | select(.origin=="layer")
    | [.rule, .path, (.member // ""), (.layer.index|tostring), (.deleted|tostring),
       .fingerprint] | join(" ")' "$1" | sort
}

# A context with a token (copied, hard-linked, deleted), an .npmrc hidden
# by an opaque directory, and a jar with a token inside.
leaky_context() {
  new_context
  TOK=$("$FAKE" GITHUB_TOKEN)
  NPM=$("$FAKE" NPM_TOKEN)
  JAR_TOK=$("$FAKE" GITLAB_TOKEN)
  printf 'token=%s\n' "$TOK" > "$CTX/token.txt"
  printf '//registry.npmjs.org/:_authToken=%s\n' "$NPM" > "$CTX/npmrc"
  python3 - "$CTX/app.jar" "$JAR_TOK" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
    z.writestr("config/app.properties", "gitlab.token=" + sys.argv[2] + "\n")
PY
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
COPY token.txt /app/token.txt
RUN mkdir /keep && ln /app/token.txt /keep/link
RUN rm /app/token.txt
COPY npmrc /cfg/.npmrc
RUN rm -rf /cfg && mkdir /cfg && echo plain > /cfg/other
COPY app.jar /srv/lib/app.jar
CF
}

test_storage_scan_matches_the_export() {
  leaky_context
  "${PODMAN[@]}" build -q -t localhost/sources:1 "$CTX" >/dev/null 2>&1 ||
    { fail "podman build failed"; return; }
  : > "$PODMAN_LOG"
  sb --podman "$E2E_TMP/podman-logged" --format json scan "${STORE[@]}" localhost/sources:1
  expect_rc 65
  grep -q "image inspect" "$PODMAN_LOG" || fail "podman image inspect was not called"
  if grep -q " save " "$PODMAN_LOG"; then fail "exported instead of reading storage"; fi
  cp "$OUT" "$CTX.storage.json"
  "${PODMAN[@]}" save -q --format oci-archive -o "$CTX.oci.tar" localhost/sources:1 ||
    { fail "podman save failed"; return; }
  sb --format json scan "oci-archive:$CTX.oci.tar"
  expect_rc 65
  local from_storage from_archive
  from_storage=$(findings_of "$CTX.storage.json")
  from_archive=$(findings_of "$OUT")
  [ "$from_storage" = "$from_archive" ] ||
    fail "storage and archive differ: $(diff <(echo "$from_storage") <(echo "$from_archive"))"
  # The link's RUN copies the original up into its own layer too: both deleted.
  expect_json '[.findings[] | select(.path=="/app/token.txt" and .deleted==true)
    | .layer.index] == [1, 2]' "deleted original, in layers 1 and 2"
  expect_json '[.findings[] | select(.path=="/keep/link" and .deleted==false)] | length == 1' \
    "hardlink that outlives it"
  expect_json '[.findings[] | select(.path=="/cfg/.npmrc" and .deleted==true)] | length == 1' \
    "npmrc under the opaque directory"
  expect_json '[.findings[] | select(.path=="/srv/lib/app.jar"
    and .member=="config/app.properties" and .rule=="gitlab-token")] | length == 1' \
    "token inside the jar"
  [ "$(echo "$from_storage" | wc -l)" = 5 ] || fail "not 5 findings: $from_storage"
  expect_no_leak "$TOK" "$CTX.storage.json"
  expect_no_leak "$NPM" "$CTX.storage.json"
  expect_no_leak "$JAR_TOK" "$CTX.storage.json"
}

test_vfs_storage_falls_back_to_the_export() {
  leaky_context
  local vfs=(--root "$E2E_TMP/vfsroot" --runroot "$E2E_TMP/vfsrunroot" --storage-driver vfs)
  podman "${vfs[@]}" import -q "$E2E_TMP/busybox.tar" localhost/busybox:latest >/dev/null ||
    { fail "vfs import failed"; return; }
  podman "${vfs[@]}" build -q -t localhost/sources:vfs "$CTX" >/dev/null 2>&1 ||
    { fail "vfs build failed"; return; }
  : > "$PODMAN_LOG"
  sb --podman "$E2E_TMP/podman-logged" --format json scan "${vfs[@]}" localhost/sources:vfs
  podman "${vfs[@]}" rmi -af >/dev/null 2>&1
  expect_rc 65
  grep -q " save " "$PODMAN_LOG" || fail "vfs storage was not exported: $(cat "$PODMAN_LOG")"
  # vfs diffs the link as a hardlink entry, no copy of the original: 4.
  [ "$(findings_of "$OUT" | wc -l)" = 4 ] || fail "not 4 findings: $(findings_of "$OUT")"
}

# Fingerprints survive a rebuild of the same content (new layer digests),
# so a baseline written for one build accepts the next; a new secret shows.
test_baseline_survives_a_rebuild() {
  leaky_context
  "${PODMAN[@]}" build -q --no-cache -t localhost/base:1 "$CTX" >/dev/null 2>&1 &&
    "${PODMAN[@]}" build -q --no-cache -t localhost/base:2 "$CTX" >/dev/null 2>&1 ||
    { fail "podman build failed"; return; }
  sb --format json scan "${STORE[@]}" localhost/base:1
  local first; first=$(findings_of "$OUT" | awk '{print $1, $2, $3, $5, $6}')
  sb --format json scan "${STORE[@]}" localhost/base:2
  local second; second=$(findings_of "$OUT" | awk '{print $1, $2, $3, $5, $6}')
  [ -n "$first" ] && [ "$first" = "$second" ] ||
    fail "fingerprints changed across a rebuild: $(diff <(echo "$first") <(echo "$second"))"
  [ "$(jq -r '.findings[0].layer.digest' "$OUT")" != "" ] || fail "no layer digest"
  sb baseline "${STORE[@]}" localhost/base:1
  expect_rc 0
  cp "$OUT" "$CTX.baseline.json"
  expect_json '.schema == 1 and (.baseline | length) == 4' "4 distinct accepted findings"
  expect_no_leak "$TOK" "$CTX.baseline.json"
  sb --format json --baseline "$CTX.baseline.json" scan "${STORE[@]}" localhost/base:2
  expect_rc 0
  expect_json '.findings == [] and .baselined == 5 and .verdict == "pass"' "all baselined"
  local extra; extra=$("$FAKE" GITHUB_TOKEN)
  printf 'RUN echo "token=%s" > /new.txt\n' "$extra" >> "$CTX/Containerfile"
  "${PODMAN[@]}" build -q -t localhost/base:3 "$CTX" >/dev/null 2>&1 ||
    { fail "podman build failed"; return; }
  sb --format json --baseline "$CTX.baseline.json" scan "${STORE[@]}" localhost/base:3
  expect_rc 65
  expect_json '[.findings[] | select(.origin=="layer") | .path] == ["/new.txt"]' \
    "only the new file among layer findings"
  expect_json '.baselined == 5' "the old ones counted"
  expect_no_leak "$extra"
}

run_case test_storage_scan_matches_the_export
run_case test_baseline_survives_a_rebuild
run_case test_vfs_storage_falls_back_to_the_export
finish
