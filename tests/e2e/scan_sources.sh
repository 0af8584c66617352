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
  # Storage holds the hardlink as a second name of a file and a deletion as
  # a device, the archive a link entry and a ".wh." file: the same count.
  local files_storage files_archive
  files_storage=$(jq '.stats.files' "$CTX.storage.json")
  files_archive=$(jq '.stats.files' "$OUT")
  [ "$files_storage" = "$files_archive" ] ||
    fail "stats.files differ: $files_storage from storage, $files_archive from the archive"
  # The hardlink's bytes are read once from both.
  local bytes_storage bytes_archive
  bytes_storage=$(jq '.stats.bytes' "$CTX.storage.json")
  bytes_archive=$(jq '.stats.bytes' "$OUT")
  [ "$bytes_storage" = "$bytes_archive" ] ||
    fail "stats.bytes differ: $bytes_storage from storage, $bytes_archive from the archive"
  # busybox; token.txt; its copy-up, the link and the empty /etc/hostname,
  # hosts and resolv.conf a RUN leaves; .npmrc; /cfg/other; app.jar
  [ "$files_archive" = 10 ] || fail "not 10 files: $files_archive"
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

# As in rootless storage, where layer files belong to the container's user
# IDs: safebuild runs without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH and one
# file in a layer directory has mode 000, while podman (a service started
# here, with every capability) can still read it. The in-place read fails
# on that file and the scan falls back to `podman image save`: the secret in
# the unreadable file is found, nothing is skipped.
test_unreadable_layer_file_falls_back_to_the_export() {
  leaky_context
  "${PODMAN[@]}" build -q -t localhost/sources:perm "$CTX" >/dev/null 2>&1 ||
    { fail "podman build failed"; return; }
  local sock="$E2E_TMP/podman.sock"
  "${PODMAN[@]}" system service --time=0 "unix://$sock" >"$E2E_TMP/service.log" 2>&1 &
  local service=$! i
  for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.2; done
  cat > "$E2E_TMP/podman-remote" <<SH
#!/bin/sh
echo "\$*" >> "$PODMAN_LOG"
exec podman --url "unix://$sock" "\$@"
SH
  chmod +x "$E2E_TMP/podman-remote"
  local upper
  upper=$("${PODMAN[@]}" image inspect localhost/sources:perm | jq -r '.[0].GraphDriver.Data
    | .LowerDir | split(":") | map(select(test("/diff$"))) | .[]' |
    while read -r d; do [ -f "$d/app/token.txt" ] && echo "$d"; done | tail -n 1)
  # LowerDir lists the top first: the last match is layer 1, the COPY.
  [ -n "$upper" ] || { fail "no layer directory holds /app/token.txt"; kill "$service"; return; }
  chmod 000 "$upper/app/token.txt"
  : > "$PODMAN_LOG"
  setpriv --bounding-set -dac_override,-dac_read_search \
    --inh-caps -dac_override,-dac_read_search "$SAFEBUILD" --podman "$E2E_TMP/podman-remote" \
    --format json scan localhost/sources:perm >"$OUT" 2>"$ERR"
  RC=$?
  kill "$service"
  wait "$service" 2>/dev/null
  chmod 644 "$upper/app/token.txt"
  expect_rc 65
  grep -q "cannot read .* in podman's storage (.*Permission denied); exporting it instead" \
    "$ERR" || fail "no note about the fallback: $(cat "$ERR")"
  grep -q " save " "$PODMAN_LOG" || fail "not exported: $(cat "$PODMAN_LOG")"
  expect_json '[.findings[] | select(.path=="/app/token.txt" and .layer.index==1)]
    | length == 1' "the token in the unreadable file"
  expect_json '.complete == true and .stats.skipped.total == 0' "nothing skipped"
  [ "$(findings_of "$OUT" | wc -l)" = 5 ] || fail "not 5 findings: $(findings_of "$OUT")"
}

# Runs safebuild ARGS on a terminal (script(1) gives it one); what the
# terminal showed, stdout and stderr together, goes to $OUT.
sb_on_tty() {
  local cmd
  cmd=$(printf '%q ' "$SAFEBUILD" "$@")
  script -qec "$cmd" /dev/null >"$OUT" 2>"$ERR" </dev/null
  RC=$?
}

# Keyword-dense text keeps the detector busy long enough for a line to show.
test_progress_line_on_a_terminal_only() {
  new_context
  yes 'export API_KEY=${API_KEY} password: changeme token=<token> secret=xxxxxxxx' |
    head -n 400000 > "$CTX/slow.txt"
  printf 'FROM localhost/busybox\nCOPY slow.txt /slow.txt\n' > "$CTX/Containerfile"
  "${PODMAN[@]}" build -q -t localhost/slow:1 "$CTX" >/dev/null 2>&1 ||
    { fail "podman build failed"; return; }
  local cr=$'\r' clear=$'\r\e[K'
  # At once, not after a second: how long the scan takes is no part of it.
  CI='' SAFEBUILD_PROGRESS_DELAY=0 sb_on_tty scan "${STORE[@]}" localhost/slow:1
  expect_rc 0
  grep -q "scanning: layer [01]/2, .* MiB, [0-9]* files, .*/s" "$OUT" ||
    fail "no progress line on a terminal: $(tr '\r' '|' < "$OUT" | head -c 400)"
  grep -qF "$clear" "$OUT" || fail "the progress line was not cleared"
  # The report starts right after the clearing, at the start of the line.
  tail -n 1 "$OUT" | grep -qF "$clear""safebuild: 0 findings in 2 layers" ||
    fail "report not on a cleared line: $(tail -n 1 "$OUT" | tr '\r' '|')"
  "$SAFEBUILD" scan "${STORE[@]}" localhost/slow:1 2>&1 | cat >"$OUT"
  if grep -qF "$cr" "$OUT"; then fail "carriage return in piped output"; fi
  grep -q "0 findings" "$OUT" || fail "no report in piped output"
  CI='' sb_on_tty -q scan "${STORE[@]}" localhost/slow:1
  if grep -q "scanning:" "$OUT"; then fail "progress line with -q"; fi
  CI=true sb_on_tty scan "${STORE[@]}" localhost/slow:1
  if grep -q "scanning:" "$OUT"; then fail "progress line with CI set"; fi
  CI='' sb_on_tty scan "${STORE[@]}" localhost/busybox
  if grep -q "scanning:" "$OUT"; then fail "progress line for a scan under a second"; fi
}

# A registry of the test's own on 127.0.0.1. With "auth": TLS with a
# self-signed certificate (its CA file in $CERTS) and htpasswd basic auth
# for $REG_USER:$REG_PASS.
start_registry() {
  REGISTRY_PORT=$((20000 + RANDOM % 20000))
  local conf="$E2E_TMP/registry-$REGISTRY_PORT.yml" scheme=http curl_tls=()
  printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\n' \
    "$E2E_TMP/registry-$REGISTRY_PORT" > "$conf"
  printf 'http:\n  addr: 127.0.0.1:%s\n' "$REGISTRY_PORT" >> "$conf"
  if [ "${1:-}" = auth ]; then
    CERTS="$E2E_TMP/certs"
    mkdir -p "$CERTS"
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
      -addext subjectAltName=IP:127.0.0.1 -keyout "$E2E_TMP/registry.key" \
      -out "$CERTS/ca.crt" >/dev/null 2>&1 || return 1
    REG_USER=tester
    REG_PASS=$(openssl rand -hex 12)
    htpasswd -Bbn "$REG_USER" "$REG_PASS" > "$E2E_TMP/htpasswd" || return 1
    printf '  tls:\n    certificate: %s\n    key: %s\n' "$CERTS/ca.crt" \
      "$E2E_TMP/registry.key" >> "$conf"
    printf 'auth:\n  htpasswd:\n    realm: test\n    path: %s\n' "$E2E_TMP/htpasswd" >> "$conf"
    scheme=https
    curl_tls=(--cacert "$CERTS/ca.crt")
  fi
  docker-registry serve "$conf" >"$E2E_TMP/registry.log" 2>&1 &
  REGISTRY_PID=$!
  local i code
  for i in $(seq 50); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "${curl_tls[@]}" \
      "$scheme://127.0.0.1:$REGISTRY_PORT/v2/")
    [ "$code" = 200 ] || [ "$code" = 401 ] && return 0
    sleep 0.2
  done
  return 1
}

stop_registry() {
  kill "$REGISTRY_PID" 2>/dev/null
  wait "$REGISTRY_PID" 2>/dev/null
  REGISTRY_PID=""
}

# A leaky image (a token in a file a later layer deletes) and a clean one.
build_remote_images() {
  new_context
  TOK=$("$FAKE" GITHUB_TOKEN)
  printf 'token=%s\n' "$TOK" > "$CTX/token.txt"
  printf 'FROM localhost/busybox\nCOPY token.txt /app/token.txt\nRUN rm /app/token.txt\n' \
    > "$CTX/Containerfile"
  "${PODMAN[@]}" build -q -t localhost/remote-leaky:1 "$CTX" >/dev/null 2>&1 &&
    printf 'FROM localhost/busybox\nRUN echo fine > /fine\n' > "$CTX/Containerfile" &&
    "${PODMAN[@]}" build -q -t localhost/remote-clean:1 "$CTX" >/dev/null 2>&1
}

scratch_dirs() { find "$TMPDIR" -maxdepth 1 -name 'safebuild.*'; }

# A skopeo first in PATH that logs its arguments and, for --src-authfile,
# the modes of the file and its directory, then runs the real one.
SKOPEO_LOG="$E2E_TMP/skopeo-calls.log"
mkdir -p "$E2E_TMP/bin"
cat > "$E2E_TMP/bin/skopeo" <<'SH'
#!/bin/sh
echo "args: $*" >> "$SKOPEO_LOG"
for a in "$@"; do
  case $a in --src-authfile=*)
    f=${a#--src-authfile=}
    echo "authfile: $(stat -c %a "$f") dir: $(stat -c %a "$(dirname "$f")")" >> "$SKOPEO_LOG";;
  esac
done
[ -n "${SKOPEO_HOLD:-}" ] && { sleep 60 & wait $!; exit 1; }
exec /usr/bin/skopeo "$@"
SH
chmod +x "$E2E_TMP/bin/skopeo"
export SKOPEO_LOG

test_remote_image_over_plain_http() {
  start_registry || { fail "docker-registry did not start"; return; }
  build_remote_images || { fail "podman build failed"; return; }
  local reg="127.0.0.1:$REGISTRY_PORT"
  "${PODMAN[@]}" push -q --tls-verify=false localhost/remote-leaky:1 "docker://$reg/leaky:1" &&
    "${PODMAN[@]}" push -q --tls-verify=false localhost/remote-clean:1 "docker://$reg/clean:1" ||
    { fail "podman push failed"; stop_registry; return; }
  sb --format json scan --tls-verify=false "docker://$reg/leaky:1"
  expect_rc 65
  expect_json '[.findings[] | select(.path=="/app/token.txt" and .deleted==true
    and .rule=="github-classic-token")] | length == 1' "the deleted token, found remotely"
  expect_no_leak "$TOK"
  sb --format json scan "docker://$reg/clean:1" --tls-verify=false
  expect_rc 0
  expect_json '.verdict == "pass" and .stats.layers == 2' "the clean image passes"
  sb scan --tls-verify=false "docker://$reg/missing:1"
  expect_rc 66
  grep -q "has no image $reg/missing:1" "$ERR" || fail "unknown image: $(cat "$ERR")"
  sb scan --tls-verify=false "docker://127.0.0.1:1/leaky:1"
  expect_rc 66
  grep -q "cannot reach the registry 127.0.0.1:1" "$ERR" || fail "unreachable: $(cat "$ERR")"
  sb scan --tls-verify=maybe "docker://$reg/leaky:1"
  expect_rc 64
  sb scan --creds a:b localhost/remote-clean:1
  expect_rc 64
  grep -q "are for docker:// images" "$ERR" || fail "remote flag on a local image accepted"
  stop_registry
}

test_remote_image_with_credentials_and_tls() {
  start_registry auth || { fail "docker-registry with TLS and htpasswd did not start"; return; }
  build_remote_images || { fail "podman build failed"; return; }
  local reg="127.0.0.1:$REGISTRY_PORT"
  "${PODMAN[@]}" push -q --cert-dir "$CERTS" --creds "$REG_USER:$REG_PASS" \
    localhost/remote-leaky:1 "docker://$reg/leaky:1" >/dev/null 2>&1 ||
    { fail "podman push failed"; stop_registry; return; }
  : > "$SKOPEO_LOG"
  PATH="$E2E_TMP/bin:$PATH" sb --format json scan --cert-dir "$CERTS" \
    --creds "$REG_USER:$REG_PASS" "docker://$reg/leaky:1"
  expect_rc 65
  expect_json '[.findings[] | select(.path=="/app/token.txt")] | length == 1' "token found"
  grep -q "args: copy" "$SKOPEO_LOG" || fail "skopeo was not called"
  if grep -qF -- "$REG_PASS" "$SKOPEO_LOG"; then fail "password on skopeo's command line"; fi
  grep -q "authfile: 600 dir: 700" "$SKOPEO_LOG" ||
    fail "auth file not 0600 in a 0700 directory: $(cat "$SKOPEO_LOG")"
  expect_no_leak "$REG_PASS"
  expect_no_leak "$TOK"
  [ -z "$(scratch_dirs)" ] || fail "left behind in TMPDIR: $(scratch_dirs)"
  # A user's own auth file is passed on as it is.
  local auth="$E2E_TMP/auth.json"
  printf '{"auths":{"%s":{"auth":"%s"}}}' "$reg" \
    "$(printf '%s:%s' "$REG_USER" "$REG_PASS" | base64 -w0)" > "$auth"
  sb scan --cert-dir "$CERTS" --authfile "$auth" "docker://$reg/leaky:1"
  expect_rc 65
  sb scan --cert-dir "$CERTS" --creds "$REG_USER:wrong" "docker://$reg/leaky:1"
  expect_rc 66
  grep -q "the registry $reg refused access" "$ERR" || fail "auth failure: $(cat "$ERR")"
  sb scan "docker://$reg/leaky:1"
  expect_rc 66
  grep -q "TLS with $reg failed" "$ERR" || fail "unknown CA: $(cat "$ERR")"
  # Interrupted while skopeo runs: the auth file and the directory go too.
  : > "$SKOPEO_LOG"
  PATH="$E2E_TMP/bin:$PATH" SKOPEO_HOLD=1 "$SAFEBUILD" scan --cert-dir "$CERTS" \
    --creds "$REG_USER:$REG_PASS" "docker://$reg/leaky:1" >"$OUT" 2>"$ERR" &
  local pid=$! i
  for i in $(seq 50); do grep -q authfile "$SKOPEO_LOG" && break; sleep 0.2; done
  [ -n "$(scratch_dirs)" ] || fail "no private directory while skopeo runs"
  kill -INT "$pid"
  wait "$pid"
  RC=$?
  expect_rc 130
  [ -z "$(scratch_dirs)" ] || fail "left behind after SIGINT: $(scratch_dirs)"
  stop_registry
}

# A 100 MiB file with a token across the first 16 MiB window boundary and
# one in its last bytes: both found once, at their lines, from storage and
# from an archive, with the whole process under 256 MiB.
test_large_file_is_scanned_to_its_last_byte() {
  new_context
  local t1 t2
  t1=$("$FAKE" GITHUB_TOKEN)
  t2=$("$FAKE" NPM_TOKEN)
  python3 - "$CTX/big.bin" "$t1" "$t2" <<'PY'
import sys
size = 100 << 20
first = ("\ntoken=%s\n" % sys.argv[2]).encode()
last = ("\nnpm_auth=%s\n" % sys.argv[3]).encode()
with open(sys.argv[1], "wb") as f:
    f.truncate(size)
    f.seek((16 << 20) - 20)
    f.write(first)
    f.seek(size - len(last))
    f.write(last)
PY
  printf 'FROM localhost/busybox\nCOPY big.bin /data/big.bin\n' > "$CTX/Containerfile"
  "${PODMAN[@]}" build -q -t localhost/big:1 "$CTX" >/dev/null 2>&1 ||
    { fail "podman build failed"; return; }
  rm -f "$CTX/big.bin"
  "${PODMAN[@]}" save -q --format oci-archive -o "$CTX.oci.tar" localhost/big:1 ||
    { fail "podman save failed"; return; }
  local source rss
  for source in "${STORE[*]} localhost/big:1" "oci-archive:$CTX.oci.tar"; do
    # shellcheck disable=SC2086
    /usr/bin/time -f %M -o "$CTX.rss" "$SAFEBUILD" --format json scan $source \
      >"$OUT" 2>"$ERR"
    RC=$?
    expect_rc 65
    expect_json '[.findings[] | select(.path=="/data/big.bin") | [.rule, .line]]
      == [["github-classic-token", 2], ["npm-token", 4]]' "both tokens once ($source)"
    expect_json '.stats.truncated == 1 and .complete == true' "read in windows ($source)"
    rss=$(tail -1 "$CTX.rss")
    [ "$rss" -lt $((256 * 1024)) ] || fail "peak RSS ${rss} KiB ($source)"
    echo "    $source: peak RSS ${rss} KiB"
  done
  expect_no_leak "$t1"
  expect_no_leak "$t2"
}

# An image crafted here, as no build makes it: layer 1 hard-links
# /keep/link to /app/token.txt of layer 0 and whites the original out, so
# the token is visible only through the link. LAYOUT gets an OCI layout
# (layer 0 gzip, layer 1 uncompressed), LAYOUT.oci.tar the same as an
# oci-archive and LAYOUT.docker.tar as a docker-archive.
cross_layer_link_image() {
  LAYOUT="$CTX/layout"
  python3 - "$LAYOUT" "$1" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
out, token = sys.argv[1], sys.argv[2]
def tar(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, kind, data in entries:
            info = tarfile.TarInfo(name)
            if kind == "dir":
                info.type, info.mode = tarfile.DIRTYPE, 0o755
            elif kind == "link":
                info.type, info.linkname = tarfile.LNKTYPE, data
            else:
                info.size = len(data)
            t.addfile(info, io.BytesIO(data) if kind == "file" else None)
    return buf.getvalue()
layers = [tar([("app", "dir", b""), ("app/token.txt", "file", b"token=%s\n" % token.encode())]),
          tar([("keep", "dir", b""), ("keep/link", "link", "app/token.txt"),
               ("app/.wh.token.txt", "file", b"")])]
blobs = {}
def blob(data):
    digest = hashlib.sha256(data).hexdigest()
    blobs[digest] = data
    return "sha256:" + digest
config = {"architecture": "amd64", "os": "linux", "config": {},
          "rootfs": {"type": "layers",
                     "diff_ids": ["sha256:" + hashlib.sha256(l).hexdigest() for l in layers]},
          "history": [{"created_by": "COPY token.txt /app/"}, {"created_by": "crafted link"}]}
gz = gzip.compress(layers[0], mtime=0)
descs = [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": blob(gz),
          "size": len(gz)},
         {"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": blob(layers[1]),
          "size": len(layers[1])}]
cfg = json.dumps(config).encode()
manifest = json.dumps({"schemaVersion": 2,
                       "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                  "digest": blob(cfg), "size": len(cfg)},
                       "layers": descs}).encode()
index = {"schemaVersion": 2, "manifests": [{
    "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": blob(manifest),
    "size": len(manifest),
    "annotations": {"org.opencontainers.image.ref.name": "links"}}]}
os.makedirs(out + "/blobs/sha256")
for digest, data in blobs.items():
    open(out + "/blobs/sha256/" + digest, "wb").write(data)
open(out + "/index.json", "w").write(json.dumps(index))
open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
with tarfile.open(out + ".oci.tar", "w", format=tarfile.PAX_FORMAT) as t:
    for name in ["oci-layout", "index.json"] + ["blobs/sha256/" + d for d in blobs]:
        t.add(out + "/" + name, name)
docker = [{"Config": "config.json", "RepoTags": ["localhost/links:1"],
           "Layers": ["l0/layer.tar", "l1/layer.tar"]}]
with tarfile.open(out + ".docker.tar", "w", format=tarfile.PAX_FORMAT) as t:
    for name, data in [("manifest.json", json.dumps(docker).encode()), ("config.json", cfg),
                       ("l0/layer.tar", layers[0]), ("l1/layer.tar", layers[1])]:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
PY
}

# Each source kind reports the token at the link, in layer 1, visible, and
# the original in layer 0 as deleted.
test_cross_layer_hardlink_in_every_source_kind() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  cross_layer_link_image "$tok" || { fail "cannot craft the image"; return; }
  local src want got
  want=$'/app/token.txt 0 true
/keep/link 1 false'
  for src in "oci:$LAYOUT:links" "oci-archive:$LAYOUT.oci.tar" \
             "docker-archive:$LAYOUT.docker.tar"; do
    sb --format json scan "$src"
    expect_rc 65
    got=$(jq -r '.findings[] | select(.origin=="layer")
      | "\(.path) \(.layer.index) \(.deleted)"' "$OUT" | sort)
    [ "$got" = "$want" ] || fail "$src: $got"
    expect_no_leak "$tok"
  done
  # In storage the link would be a plain file of layer 1's directory, but
  # podman 4.3 refuses to store such a layer (it links to the target in the
  # layer's own directory): then only that refusal is checked.
  if ! "${PODMAN[@]}" load -q -i "$LAYOUT.oci.tar" >/dev/null 2>"$CTX.load.err"; then
    grep -q "processing tar file" "$CTX.load.err" ||
      fail "podman load failed otherwise: $(tail -3 "$CTX.load.err")"
    echo "    podman cannot store the image; storage not checked"
    return
  fi
  local id; id=$("${PODMAN[@]}" images -q --filter reference='*links*' | head -1)
  sb --format json scan "${STORE[@]}" "$id"
  expect_rc 65
  expect_json '[.findings[] | select(.path=="/keep/link" and .layer.index==1
    and .deleted==false)] | length == 1' "link from storage"
  expect_no_leak "$tok"
  "${PODMAN[@]}" rmi -f "$id" >/dev/null 2>&1
}

# An archive read in place: cut short, or naming a blob it does not hold,
# fails with 66 and says so, naming the archive.
test_damaged_archive_is_a_clear_error() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  cross_layer_link_image "$tok" || { fail "cannot craft the image"; return; }
  local tar="$LAYOUT.oci.tar" size
  size=$(stat -c %s "$tar")
  head -c $((size / 2)) "$tar" > "$CTX/cut.tar"
  sb --format json scan "oci-archive:$CTX/cut.tar"
  expect_rc 66
  expect_json '.complete == false' "incomplete"
  grep -q "cut.tar.*truncated" "$ERR" || fail "no truncation named: $(cat "$ERR")"
  local manifest layer
  manifest=$(jq -r '.manifests[0].digest' "$LAYOUT/index.json" | cut -d: -f2)
  layer=$(jq -r '.layers[1].digest' "$LAYOUT/blobs/sha256/$manifest" | cut -d: -f2)
  python3 - "$tar" "$CTX/missing.tar" "blobs/sha256/$layer" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1]) as src, tarfile.open(sys.argv[2], "w") as dst:
    for m in src.getmembers():
        if m.name != sys.argv[3]:
            dst.addfile(m, src.extractfile(m))
PY
  sb --format json scan "oci-archive:$CTX/missing.tar"
  expect_rc 66
  grep -q "missing.tar: blob sha256:$layer is missing" "$ERR" ||
    fail "missing blob not named: $(cat "$ERR")"
}

# Secrets in names: a file named with a token (deleted by a later RUN), a
# directory named with a key ID, a symlink whose target holds a token and a
# zip member named with a token.
# Each is one finding that says where it was found, with its layer and
# deleted flag, from storage and from an archive alike; no value appears in
# the report, not even in a path.
test_secrets_in_names_and_link_targets() {
  new_context
  local gh id gl npm
  gh=$("$FAKE" GITHUB_TOKEN)
  id=$("$FAKE" AWS_ACCESS_KEY_ID)
  gl=$("$FAKE" GITLAB_TOKEN)
  npm=$("$FAKE" NPM_TOKEN)
  python3 - "$CTX/names.zip" "$npm" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("conf/" + sys.argv[2] + "/settings.ini", "a = 1\n")
PY
  cat > "$CTX/Containerfile" <<CF
FROM localhost/busybox
RUN touch /etc/$gh && mkdir -p /srv/$id && echo x > /srv/$id/conf && ln -s /x/$gl /srv/link
RUN rm /etc/$gh
COPY names.zip /opt/names.zip
CF
  "${PODMAN[@]}" build -q -t localhost/names:1 "$CTX" >/dev/null 2>&1 ||
    { fail "podman build failed"; return; }
  sb --format json scan "${STORE[@]}" localhost/names:1
  expect_rc 65
  cp "$OUT" "$CTX.storage.json"
  expect_json '[.findings[] | select(.origin=="layer" and .found_in=="name"
    and .rule=="github-classic-token" and .layer.index==1 and .deleted==true)
    | .path] == ["/etc/'"${gh:0:4}"'…"]' "token in a deleted file's name"
  expect_json '[.findings[] | select(.origin=="layer" and .found_in=="name"
    and .rule=="aws-access-key-id" and .deleted==false) | .path] == ["/srv/'"${id:0:4}"'…"]' \
    "key ID in a directory name, once"
  expect_json '[.findings[] | select(.origin=="layer" and .found_in=="link-target"
    and .rule=="gitlab-token" and .deleted==false) | .path] == ["/srv/link"]' \
    "token in a symlink target"
  expect_json '[.findings[] | select(.origin=="layer" and .found_in=="name"
    and .rule=="npm-token" and .path=="/opt/names.zip") | .member]
    == ["conf/'"${npm:0:4}"'…"]' "token in a zip member's name"
  expect_json '[.findings[] | select(.origin=="layer")] | length == 4' "4 layer findings"
  "${PODMAN[@]}" save -q --format oci-archive -o "$CTX.oci.tar" localhost/names:1 ||
    { fail "podman save failed"; return; }
  sb --format sarif scan "oci-archive:$CTX.oci.tar"
  expect_rc 65
  jq -e '[.runs[0].results[] | .properties.found_in // empty] | sort
    == ["link-target", "name", "name", "name"]' "$OUT" >/dev/null ||
    fail "found_in missing in SARIF"
  expect_no_leak "$npm"
  sb --format json scan "oci-archive:$CTX.oci.tar"
  [ "$(findings_of "$CTX.storage.json")" = "$(findings_of "$OUT")" ] ||
    fail "storage and archive differ"
  expect_no_leak "$gh" "$CTX.storage.json"
  expect_no_leak "$id" "$CTX.storage.json"
  expect_no_leak "$gl" "$CTX.storage.json"
  expect_no_leak "$npm" "$CTX.storage.json"
}

# `setfattr -n user.token -v …`: the value is in the layer, as an extended
# attribute of the file in podman's storage and as a SCHILY.xattr record in
# the exported layer tar. Both sources report it, and never print it.
test_secrets_in_extended_attributes() {
  new_context
  local gh password
  gh=$("$FAKE" GITHUB_TOKEN)
  password=$("$FAKE" PASSWORD)
  mkdir -p "$CTX/rootfs/app" "$CTX/rootfs/srv"
  echo '#!/bin/sh' > "$CTX/rootfs/app/run"
  python3 - "$CTX/rootfs" "$gh" "$password" <<'PY'
import os, sys
os.setxattr(sys.argv[1] + "/app/run", "user.token", sys.argv[2].encode())
os.setxattr(sys.argv[1] + "/srv", "user.db_password", sys.argv[3].encode())
PY
  tar --xattrs --xattrs-include='user.*' -C "$CTX/rootfs" -cf "$CTX/x.tar" . ||
    { fail "tar failed"; return; }
  "${PODMAN[@]}" import -q "$CTX/x.tar" localhost/xattrs:1 >/dev/null ||
    { fail "podman import failed"; return; }
  local want='[.findings[] | select(.found_in=="xattr")
    | [.rule, .path, (.message | sub(".* in an "; "in an "))]] | sort
    == [["generic-secret-assignment", "/srv", "in an extended attribute (user.db_password)"],
        ["github-classic-token", "/app/run", "in an extended attribute (user.token)"]]'
  sb --format json scan "${STORE[@]}" localhost/xattrs:1
  expect_rc 65
  expect_json "$want" "xattrs from storage"
  expect_no_leak "$gh"
  expect_no_leak "$password"
  "${PODMAN[@]}" save -q --format oci-archive -o "$CTX.oci.tar" localhost/xattrs:1 ||
    { fail "podman save failed"; return; }
  sb --format json scan "oci-archive:$CTX.oci.tar"
  expect_rc 65
  expect_json "$want" "xattrs from the archive"
  expect_no_leak "$gh"
  expect_no_leak "$password"
}

run_case test_storage_scan_matches_the_export
run_case test_secrets_in_extended_attributes
run_case test_secrets_in_names_and_link_targets
run_case test_cross_layer_hardlink_in_every_source_kind
run_case test_damaged_archive_is_a_clear_error
run_case test_large_file_is_scanned_to_its_last_byte
run_case test_baseline_survives_a_rebuild
run_case test_vfs_storage_falls_back_to_the_export
run_case test_unreadable_layer_file_falls_back_to_the_export
run_case test_progress_line_on_a_terminal_only
run_case test_remote_image_over_plain_http
run_case test_remote_image_with_credentials_and_tls
finish
