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

# A busybox image with curl, git and ssh taken from the host (each binary,
# the libraries ldd names, and the passwd entry ssh needs), for RUN steps
# that download or clone. libgnutls carries the private keys of its own
# self-tests; a baseline of the tool image accepts them, so that the scans
# below judge only what the builds add.
make_tool_image() {
  local rootfs="$E2E_TMP/rootfs" bin lib
  mkdir -p "$rootfs/usr/bin" "$rootfs/usr/lib/git-core" "$rootfs/root"
  for bin in /usr/bin/curl /usr/bin/git /usr/bin/ssh /usr/lib/git-core/git-remote-http; do
    cp "$bin" "$rootfs/usr/bin/"
    for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do cp -L --parents "$lib" "$rootfs"; done
  done
  cp /usr/bin/git "$rootfs/usr/lib/git-core/git"
  mv "$rootfs/usr/bin/git-remote-http" "$rootfs/usr/lib/git-core/"
  echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
  tar -C "$rootfs" -cf "$E2E_TMP/tools.tar" .
  "${PODMAN[@]}" import -q "$E2E_TMP/tools.tar" localhost/tools:latest >/dev/null
  "$SAFEBUILD" baseline "${STORE[@]}" localhost/tools > "$E2E_TMP/tools-baseline.json" ||
    fail "no baseline of the tool image"
}
make_tool_image
SB_OPTS=()

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
  "$SAFEBUILD" "${SB_OPTS[@]}" --format json scan "${STORE[@]}" "$image" >"$OUT" 2>/dev/null ||
    fail "scan of $image did not pass"
  expect_json '.verdict == "pass" and (.findings | length == 0)' "scan finds nothing"
  OUT=$out
}

# Builds the original (blocked, kept for the checksum) and the rewrite.
# Sets ORIG_ID. Extra podman build args come after the tag.
build_both() {
  local tag=$1; shift
  sb "${SB_OPTS[@]}" --format json --keep-failed build "${STORE[@]}" "$@" -t "$tag" "$CTX"
  expect_rc 65
  ORIG_ID=$(jq -r '.image.id' "$OUT")
  expect_no_image "$tag"
  sb "${SB_OPTS[@]}" --rewrite=apply build "${STORE[@]}" "$@" -t "$tag" "$CTX"
  expect_rc 0
  expect_image_exists "$tag"
  grep -q "building from a rewritten copy" "$ERR" || fail "no rewrite note"
}

# expect_same_artifact IMAGE [PATH]: PATH (/artifact.txt) has the same
# checksum in IMAGE and in the original.
expect_same_artifact() {
  local a b path=${2:-/artifact.txt}
  a=$(image_file_sum "$ORIG_ID" "$path")
  b=$(image_file_sum "$1" "$path")
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

# A Containerfile that is a symlink is written through, as an editor does:
# the link stays, the file it names is rewritten.
test_fix_write_follows_a_symlinked_containerfile() {
  new_context
  mkdir -p "$CTX/real"
  printf 'FROM localhost/busybox\nARG NPM_TOKEN\nRUN echo "$NPM_TOKEN" | wc -c\n' \
    > "$CTX/real/Containerfile"
  cp "$CTX/real/Containerfile" "$CTX/original"
  ln -s real/Containerfile "$CTX/Containerfile"
  sb fix --write --target-version 4.3 "$CTX"
  expect_rc 0
  [ -L "$CTX/Containerfile" ] || fail "the symlink was replaced by a file"
  [ "$(readlink "$CTX/Containerfile")" = real/Containerfile ] || fail "the link changed"
  grep -q -- '--mount=type=secret,id=NPM_TOKEN' "$CTX/real/Containerfile" ||
    fail "the link's target was not rewritten"
  cmp -s "$CTX/Containerfile.bak" "$CTX/original" || fail "backup differs"
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

# A stage that writes ~/.npmrc-like files from a build secret: the steps
# stand in for `npm ci` and leave /app/.npmrc behind.
write_npm_project() {
  echo "{\"name\": \"$1\"}" > "$CTX/package.json"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
ARG NPM_TOKEN
WORKDIR /app
COPY package.json .
RUN echo "//registry.example.invalid/:_authToken=${NPM_TOKEN}" > .npmrc && \
    grep -c _authToken .npmrc > installed.txt && sha256sum package.json >> installed.txt
RUN cat installed.txt package.json > /app/artifact.txt
CMD ["cat", "/app/artifact.txt"]
CF
}

test_kind_f_derived_npmrc_splits_the_build_into_stages() {
  new_context
  local tok id found=0; tok=$("$FAKE" NPM_TOKEN)
  write_npm_project split
  build_both localhost/rw-f:1 --build-arg "NPM_TOKEN=$tok"
  expect_no_leak "$tok"
  expect_secret_in_original "$tok"
  expect_secret_nowhere localhost/rw-f:1 "$tok"
  expect_same_artifact localhost/rw-f:1 /app/artifact.txt
  grep -q 'rewrite-multi-stage: split into stages' "$ERR" || fail "no split note"
  "${PODMAN[@]}" image mount localhost/rw-f:1 > "$E2E_TMP/mnt" &&
    [ -e "$(cat "$E2E_TMP/mnt")/app/.npmrc" ] && fail "/app/.npmrc reached the image"
  "${PODMAN[@]}" image unmount localhost/rw-f:1 >/dev/null
  # The note names the build stage's images; they do hold the token.
  local ids; ids=$(sed -n 's/.*now: podman rmi //p' "$ERR")
  [ -n "$ids" ] || fail "no note about intermediate images"
  for id in $ids; do
    dump_image "$id"
    grep -aqF -- "$tok" "$E2E_TMP/dump/all" && found=1
  done
  [ "$found" = 1 ] || fail "none of the noted images holds the token"
}

test_prune_intermediate_removes_the_build_stage_images() {
  new_context
  local tok id; tok=$("$FAKE" NPM_TOKEN)
  write_npm_project pruned
  "${PODMAN[@]}" images -a -q --no-trunc | sort > "$E2E_TMP/before"
  sb --prune-intermediate --rewrite=apply build "${STORE[@]}" --build-arg "NPM_TOKEN=$tok" \
    -t localhost/rw-p:1 "$CTX"
  expect_rc 0
  expect_no_leak "$tok"
  grep -qE 'removed ([1-9][0-9]*) of \1 intermediate image' "$ERR" ||
    fail "no prune note: $(grep -i intermediate "$ERR")"
  grep -q 'advice: .*build with safebuild --prune-intermediate' "$ERR" &&
    fail "advised --prune-intermediate, which was given"
  "${PODMAN[@]}" images -a -q --no-trunc | sort > "$E2E_TMP/after"
  local added; added=$(comm -13 "$E2E_TMP/before" "$E2E_TMP/after")
  [ -n "$added" ] || fail "the build added no image"
  for id in $added; do
    dump_image "$id"
    if grep -aqF -- "$tok" "$E2E_TMP/dump/all"; then fail "image $id still holds the token"; fi
  done
  expect_image_exists localhost/rw-p:1
}

sum_of() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

test_secret_sources_named_in_the_config_reach_the_build() {
  new_context
  local from_file from_store from_cmd
  export SB_TEST_ENV_SECRET; SB_TEST_ENV_SECRET=$("$FAKE" GITHUB_TOKEN)
  from_file=$("$FAKE" NPM_TOKEN); from_store=$("$FAKE" PASSWORD); from_cmd=$("$FAKE" PYPI_TOKEN)
  printf '%s' "$from_file" > "$E2E_TMP/file-secret"
  printf '%s\n' "$from_cmd" > "$E2E_TMP/cmd-secret"
  printf '%s' "$from_store" | "${PODMAN[@]}" secret create sb-store - >/dev/null
  cat > "$CTX/.safebuild.json" <<JSON
{"secrets": {
  "from_env": {"env": "SB_TEST_ENV_SECRET"},
  "from_file": {"file": "$E2E_TMP/file-secret"},
  "from_store": {"podman": "sb-store"},
  "from_cmd": {"command": ["cat", "$E2E_TMP/cmd-secret"]}}}
JSON
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
RUN --mount=type=secret,id=from_env --mount=type=secret,id=from_file \
    --mount=type=secret,id=from_store --mount=type=secret,id=from_cmd \
    for s in from_env from_file from_store from_cmd; do \
      sha256sum < /run/secrets/$s | cut -d' ' -f1; done > /artifact.txt
CF
  ls "$TMPDIR" > "$E2E_TMP/tmp-before"
  sb build "${STORE[@]}" -t localhost/rw-src:1 "$CTX"
  expect_rc 0
  local want got
  want=$(printf '%s\n' "$(sum_of "$SB_TEST_ENV_SECRET")" "$(sum_of "$from_file")" \
    "$(sum_of "$from_store")" "$(sum_of "$from_cmd")")
  got=$(cat "$("${PODMAN[@]}" image mount localhost/rw-src:1)/artifact.txt")
  "${PODMAN[@]}" image unmount localhost/rw-src:1 >/dev/null
  [ "$got" = "$want" ] || fail "the build did not see the four values: $got"
  for v in "$SB_TEST_ENV_SECRET" "$from_file" "$from_store" "$from_cmd"; do
    expect_no_leak "$v"
  done
  ls "$TMPDIR" | diff -q - "$E2E_TMP/tmp-before" >/dev/null || fail "temporary files left"
  # A failing command fails the build before podman runs, naming the secret.
  cat > "$E2E_TMP/failing.json" <<'JSON'
{"secrets": {"from_cmd": {"command": ["sh", "-c", "exit 4"]}}}
JSON
  sb --config "$E2E_TMP/failing.json" build "${STORE[@]}" -t localhost/rw-src:2 "$CTX"
  expect_rc 64
  grep -qF 'secret from_cmd: `sh -c exit 4` exited with 4' "$ERR" || fail "no clear message"
  expect_no_image localhost/rw-src:2
  unset SB_TEST_ENV_SECRET
}

test_build_arg_file_is_read_and_its_secret_becomes_a_secret_mount() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  printf '# build settings\nAPP_VERSION=1.4\nGH_TOKEN=%s\n' "$tok" > "$E2E_TMP/args.conf"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
ARG APP_VERSION
ARG GH_TOKEN
RUN echo "v=$APP_VERSION len=${#GH_TOKEN}" > /artifact.txt
CF
  build_both localhost/rw-baf:1 --build-arg-file "$E2E_TMP/args.conf"
  expect_no_leak "$tok"
  expect_secret_in_original "$tok"
  expect_secret_nowhere localhost/rw-baf:1 "$tok"
  expect_same_artifact localhost/rw-baf:1
  local got; got=$(cat "$("${PODMAN[@]}" image mount localhost/rw-baf:1)/artifact.txt")
  "${PODMAN[@]}" image unmount localhost/rw-baf:1 >/dev/null
  [ "$got" = "v=1.4 len=40" ] || fail "the build args did not arrive: $got"
}

# The original of a file that held a secret is no backup in the build
# context, where `COPY .` would send it into the image: it is kept 0600 in
# the user's state directory, and the build of the rewritten file passes.
test_fix_write_keeps_a_secret_backup_out_of_the_context() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  printf 'FROM localhost/busybox\nENV GH_TOKEN=%s\nCOPY . /app/\n' "$tok" > "$CTX/Containerfile"
  cp "$CTX/Containerfile" "$E2E_TMP/secret-original"
  local state="$E2E_TMP/state"
  XDG_STATE_HOME=$state sb fix --write --target-version 4.3 "$CTX"
  expect_rc 0
  [ ! -e "$CTX/Containerfile.bak" ] || fail "a backup with the secret is in the context"
  local backup; backup=$(ls "$state"/safebuild/backups/Containerfile.*.bak 2>/dev/null)
  [ -n "$backup" ] || fail "no backup in the state directory"
  cmp -s "$backup" "$E2E_TMP/secret-original" || fail "backup differs"
  [ "$(stat -c %a "$backup")" = 600 ] || fail "backup mode $(stat -c %a "$backup")"
  [ "$(stat -c %a "$state/safebuild/backups")" = 700 ] || fail "backup directory not 0700"
  grep -qF "$backup" "$ERR" || fail "the note does not name the backup"
  expect_no_leak "$tok"
  sb build "${STORE[@]}" -t localhost/rw-bak:1 "$CTX"
  expect_rc 0
  expect_secret_nowhere localhost/rw-bak:1 "$tok"
}

test_fix_write_rewrites_every_file_given_with_f() {
  new_context
  printf 'FROM localhost/busybox\nARG NPM_TOKEN\nRUN echo "$NPM_TOKEN" | wc -c\n' \
    > "$CTX/Containerfile"
  printf 'FROM localhost/busybox\nARG GH_TOKEN\nRUN echo "$GH_TOKEN" | wc -c\n' \
    > "$CTX/Containerfile.dev"
  cp "$CTX/Containerfile" "$CTX/orig1"
  cp "$CTX/Containerfile.dev" "$CTX/orig2"
  sb fix --write --target-version 4.3 -f "$CTX/Containerfile" -f "$CTX/Containerfile.dev" "$CTX"
  expect_rc 0
  cmp -s "$CTX/Containerfile.bak" "$CTX/orig1" || fail "first backup differs"
  cmp -s "$CTX/Containerfile.dev.bak" "$CTX/orig2" || fail "second backup differs"
  grep -q -- '--mount=type=secret,id=NPM_TOKEN' "$CTX/Containerfile" || fail "first not rewritten"
  grep -q -- '--mount=type=secret,id=GH_TOKEN' "$CTX/Containerfile.dev" ||
    fail "second not rewritten"
  [ "$(grep -c '^safebuild: rewrote' "$ERR")" = 2 ] || fail "not two rewrite notes"
  sb fix --target-version 4.3 -f "$CTX/Containerfile" -f "$CTX/Containerfile.dev" "$CTX"
  expect_rc 64
  grep -q 'several files need --diff or --write' "$ERR" || fail "no usage message"
}

# Serves $E2E_TMP/served (any path) on 127.0.0.1 to requests whose
# Authorization header is Basic $HTTP_USER:$HTTP_PASS or Bearer
# $HTTP_TOKEN, 401 to the rest. The credentials come through the
# environment; the server stops by itself after 10 minutes. Sets HTTP_PORT.
start_http_server() {
  cat > "$E2E_TMP/server.py" <<'PY'
import base64, http.server, os, sys, threading
basic = base64.b64encode(f"{os.environ['HTTP_USER']}:{os.environ['HTTP_PASS']}".encode())
allowed = {"Basic " + basic.decode(), "Bearer " + os.environ["HTTP_TOKEN"]}
body = open(sys.argv[1], "rb").read()
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.headers.get("Authorization") in allowed
        self.send_response(200 if ok else 401)
        self.end_headers()
        if ok:
            self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[2], "w") as f:
    f.write(str(server.server_address[1]))
threading.Timer(600, server.shutdown).start()
server.serve_forever()
PY
  echo "served-artifact $RANDOM" > "$E2E_TMP/served"
  rm -f "$E2E_TMP/http.port"
  /usr/bin/python3 "$E2E_TMP/server.py" "$E2E_TMP/served" "$E2E_TMP/http.port" &
  HTTP_PID=$!
  for _ in $(seq 50); do [ -s "$E2E_TMP/http.port" ] && break; sleep 0.1; done
  HTTP_PORT=$(cat "$E2E_TMP/http.port")
}

# start_http_server for user deploy with a fresh HTTP_PASS and HTTP_TOKEN.
start_http_server_with_fresh_credentials() {
  export HTTP_USER=deploy HTTP_PASS HTTP_TOKEN
  HTTP_PASS=$("$FAKE" PASSWORD); HTTP_TOKEN=$("$FAKE" GITHUB_TOKEN)
  start_http_server
}

stop_http_server() {
  [ -n "${HTTP_PID:-}" ] || return 0
  kill "$HTTP_PID" 2>/dev/null
  wait "$HTTP_PID" 2>/dev/null
  HTTP_PID=""
}

test_kind_d_download_credentials_in_the_url_move_into_a_netrc_secret() {
  new_context
  start_http_server_with_fresh_credentials
  local enc; enc=$(jq -rn --arg p "$HTTP_PASS" '$p|@uri')
  cat > "$CTX/Containerfile" <<CF
FROM localhost/tools
RUN curl -fsS "http://deploy:$enc@127.0.0.1:$HTTP_PORT/pkg.tar" -o /artifact.txt
CF
  curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_PORT/x" 2>/dev/null &&
    fail "the server answers without credentials"
  SB_OPTS=(--baseline "$E2E_TMP/tools-baseline.json")
  build_both localhost/rw-d:1 --network host
  expect_no_leak "$HTTP_PASS"
  expect_no_leak "$enc"
  expect_secret_in_original "$enc"
  expect_secret_nowhere localhost/rw-d:1 "$enc"
  expect_secret_nowhere localhost/rw-d:1 "$HTTP_PASS"
  expect_same_artifact localhost/rw-d:1
  [ "$(image_file_sum localhost/rw-d:1 /artifact.txt)" = \
    "$(sha256sum < "$E2E_TMP/served" | cut -d' ' -f1)" ] || fail "not the served file"
  grep -q 'rewrite-download-credentials' "$ERR" || fail "no download rewrite note"
  SB_OPTS=()
  stop_http_server
}

test_kind_d_an_authorization_header_moves_into_a_header_file_secret() {
  new_context
  start_http_server_with_fresh_credentials
  cat > "$CTX/Containerfile" <<CF
FROM localhost/tools
RUN echo fetching && \\
    curl -fsS -H "Authorization: Bearer $HTTP_TOKEN" http://127.0.0.1:$HTTP_PORT/a -o /artifact.txt
CF
  SB_OPTS=(--baseline "$E2E_TMP/tools-baseline.json")
  build_both localhost/rw-d2:1 --network host
  expect_no_leak "$HTTP_TOKEN"
  expect_secret_in_original "$HTTP_TOKEN"
  expect_secret_nowhere localhost/rw-d2:1 "$HTTP_TOKEN"
  expect_same_artifact localhost/rw-d2:1
  [ "$(image_file_sum localhost/rw-d2:1 /artifact.txt)" = \
    "$(sha256sum < "$E2E_TMP/served" | cut -d' ' -f1)" ] || fail "not the served file"
  SB_OPTS=()
  stop_http_server
}

# A bare git repository served by an sshd of the test's own on 127.0.0.1,
# with a host key and authorized_keys made here. Sets SSH_PORT, SSH_DIR.
start_sshd() {
  SSH_DIR="$E2E_TMP/ssh"
  rm -rf "$SSH_DIR"  # a fresh one for each case
  mkdir -p "$SSH_DIR" /run/sshd
  ssh-keygen -q -t ed25519 -N '' -f "$SSH_DIR/host_key"
  ssh-keygen -q -t ed25519 -N '' -C rw-test -f "$SSH_DIR/id_ed25519"
  cp "$SSH_DIR/id_ed25519.pub" "$SSH_DIR/authorized_keys"
  git init -q --bare "$SSH_DIR/repo.git"
  git init -q "$SSH_DIR/work"
  echo "cloned-artifact $RANDOM" > "$SSH_DIR/work/artifact.txt"
  git -C "$SSH_DIR/work" add artifact.txt
  git -C "$SSH_DIR/work" -c user.name=t -c user.email=t@example.invalid commit -qm one
  git -C "$SSH_DIR/work" push -q "$SSH_DIR/repo.git" HEAD:refs/heads/main
  git -C "$SSH_DIR/repo.git" symbolic-ref HEAD refs/heads/main
  SSH_PORT=$(/usr/bin/python3 -c \
    'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat > "$SSH_DIR/sshd_config" <<CONF
ListenAddress 127.0.0.1:$SSH_PORT
HostKey $SSH_DIR/host_key
AuthorizedKeysFile $SSH_DIR/authorized_keys
PidFile $SSH_DIR/sshd.pid
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
CONF
  /usr/sbin/sshd -f "$SSH_DIR/sshd_config" -E "$SSH_DIR/sshd.log" || fail "sshd did not start"
  for _ in $(seq 50); do [ -s "$SSH_DIR/sshd.pid" ] && break; sleep 0.1; done
}

stop_sshd() {
  [ -n "${SSH_DIR:-}" ] && [ -s "$SSH_DIR/sshd.pid" ] || return 0
  kill "$(cat "$SSH_DIR/sshd.pid")" 2>/dev/null
  rm -f "$SSH_DIR/sshd.pid"
}

# The servers go before the storage does, whatever way the run ends.
stop_servers_and_clean_up() {
  stop_http_server
  stop_git_server
  stop_sshd
  [ -n "${SSH_AGENT_PID:-}" ] && kill "$SSH_AGENT_PID" 2>/dev/null
  cleanup
}
trap stop_servers_and_clean_up EXIT

test_kind_e_ssh_key_for_git_clone_becomes_the_ssh_agent() {
  new_context
  start_sshd
  cp "$SSH_DIR/id_ed25519" "$CTX/id_ed25519"
  chmod 600 "$CTX/id_ed25519"
  local key_body; key_body=$(sed -n 2p "$SSH_DIR/id_ed25519")
  cat > "$CTX/Containerfile" <<CF
FROM localhost/tools
COPY id_ed25519 /root/.ssh/id_ed25519
RUN GIT_SSH_COMMAND="ssh -oStrictHostKeyChecking=no -oUserKnownHostsFile=/dev/null -p $SSH_PORT" \\
    git clone -q ssh://root@127.0.0.1$SSH_DIR/repo.git /src && \\
    cp /src/artifact.txt /artifact.txt && rm -rf /src
RUN rm /root/.ssh/id_ed25519
CF
  SB_OPTS=(--baseline "$E2E_TMP/tools-baseline.json")
  # Only the agent started here holds the key; the rewritten build reaches
  # it through --ssh default.
  eval "$(ssh-agent -s)" >/dev/null
  ssh-add -q "$SSH_DIR/id_ed25519"
  build_both localhost/rw-e:1 --network host
  kill "$SSH_AGENT_PID"
  unset SSH_AUTH_SOCK SSH_AGENT_PID
  expect_secret_in_original "$key_body"
  expect_secret_nowhere localhost/rw-e:1 "$key_body"
  expect_same_artifact localhost/rw-e:1
  [ "$(image_file_sum localhost/rw-e:1 /artifact.txt)" = \
    "$(sha256sum < "$SSH_DIR/work/artifact.txt" | cut -d' ' -f1)" ] || fail "not the cloned file"
  grep -q 'rewrite-ssh-key' "$ERR" || fail "no ssh rewrite note"
  grep -q -- '--ssh default' "$ERR" || fail "--ssh flag not shown"
  SB_OPTS=()
  stop_sshd
}

# --- Leaky files of the kinds users write, built with --rewrite=apply only:
# each must build, pass the scan and hold its secrets nowhere (layers,
# config, history, safebuild's output), and the user's file stays as is.

# apply_passes TAG SECRET… [-- PODMAN BUILD ARGS…]
apply_passes() {
  local tag=$1; shift
  local secrets=() s
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do secrets+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  cp "$CTX/Containerfile" "$E2E_TMP/as-written"
  sb "${SB_OPTS[@]}" --rewrite=apply build "${STORE[@]}" "$@" -t "$tag" "$CTX"
  expect_rc 0
  expect_image_exists "$tag"
  cmp -s "$CTX/Containerfile" "$E2E_TMP/as-written" || fail "the user's file was changed"
  for s in "${secrets[@]}"; do
    expect_no_leak "$s"
    expect_secret_nowhere "$tag" "$s"
  done
}

test_held_out_env_token_used_by_a_later_run() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  cat > "$CTX/Containerfile" <<CF
FROM localhost/busybox
ENV GITHUB_TOKEN=$tok
WORKDIR /app
RUN echo "fetched with a token of \${#GITHUB_TOKEN} characters" > /app/out.txt
CMD ["cat", "/app/out.txt"]
CF
  apply_passes localhost/ho-env:1 "$tok"
  [ "$(image_file_sum localhost/ho-env:1 /app/out.txt)" = \
    "$(echo "fetched with a token of 40 characters" | sha256sum | cut -d' ' -f1)" ] ||
    fail "the RUN did not see the token"
}

# A step after USER reads the secret too (podman mounts it as root's 0400
# file): the value arrives, never an empty one; a numeric user and a name.
test_held_out_secret_read_by_a_non_root_user() {
  local user want
  want=$(echo "len=40" | sha256sum | cut -d' ' -f1)
  for user in 65534 nobody; do
    new_context
    local tok; tok=$("$FAKE" GITHUB_TOKEN)
    cat > "$CTX/Containerfile" <<CF
FROM localhost/busybox
ARG GH_TOKEN
RUN mkdir /work && chown 65534:65534 /work && echo 'nobody:x:65534:65534::/:/bin/sh' >> /etc/passwd
USER $user
RUN echo "len=\${#GH_TOKEN}" > /work/len.txt
CF
    apply_passes "localhost/ho-user-$user:1" "$tok" -- --build-arg "GH_TOKEN=$tok"
    [ "$(image_file_sum "localhost/ho-user-$user:1" /work/len.txt)" = "$want" ] ||
      fail "USER $user did not read the secret"
  done
}

# The start of the value's sha256: proof that the step read the value
# itself, short enough to be no secret in the image.
value_tag() { printf '%s' "$1" | sha256sum | cut -c1-12; }

# A base image whose config runs its steps as another user, the file naming
# none: a numeric one (podman import --change 'USER 65534') and a name (a
# base built with USER app), under a stage that starts FROM an earlier one.
test_held_out_secret_read_by_the_base_images_user() {
  local rootfs="$E2E_TMP/rootfs-user" tok want
  rm -rf "$rootfs" && mkdir -p "$rootfs" && tar -C "$rootfs" -xf "$E2E_TMP/busybox.tar"
  chmod 1777 "$rootfs/tmp"
  echo 'app:x:1234:1234::/tmp:/bin/sh' > "$rootfs/etc/passwd"
  tar -C "$rootfs" -cf "$E2E_TMP/user.tar" .
  "${PODMAN[@]}" import -q --change 'USER 65534' "$E2E_TMP/user.tar" localhost/base-65534 \
    >/dev/null || fail "podman import --change failed"
  "${PODMAN[@]}" import -q --change 'USER app' "$E2E_TMP/user.tar" localhost/base-app \
    >/dev/null || fail "podman import --change failed"
  tok=$("$FAKE" GITHUB_TOKEN)
  want=$(value_tag "$tok" | sha256sum | cut -d' ' -f1)
  local base
  for base in 65534 app; do
    new_context
    cat > "$CTX/Containerfile" <<CF
FROM localhost/base-$base AS deps
RUN echo deps > /tmp/deps.txt
FROM deps
ARG GH_TOKEN
RUN printf '%s' "\$GH_TOKEN" | sha256sum | cut -c1-12 > /tmp/tag.txt
CF
    apply_passes "localhost/ho-base-$base:1" "$tok" -- --build-arg "GH_TOKEN=$tok"
    [ "$(image_file_sum "localhost/ho-base-$base:1" /tmp/tag.txt)" = "$want" ] ||
      fail "the base image's user $base did not read the secret"
  done
  grep -qF -- '--mount=type=secret,id=GH_TOKEN,mode=0444' "$E2E_TMP/as-written" &&
    fail "the user's file holds the rewrite"
}

test_held_out_arg_handed_on_by_env() {
  new_context
  local tok; tok=$("$FAKE" NPM_TOKEN)
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
ARG NPM_TOKEN
ENV NPM_TOKEN=${NPM_TOKEN}
WORKDIR /app
RUN test -n "$NPM_TOKEN" && echo "len=${#NPM_TOKEN}" > /app/ok.txt
CMD ["cat", "/app/ok.txt"]
CF
  apply_passes localhost/ho-alias:1 "$tok" -- --build-arg "NPM_TOKEN=$tok"
  grep -q 'ENV NPM_TOKEN=$NPM_TOKEN removed with the ARG' "$ERR" || fail "no alias note"
  [ "$(image_file_sum localhost/ho-alias:1 /app/ok.txt)" = \
    "$(echo "len=${#tok}" | sha256sum | cut -d' ' -f1)" ] || fail "the RUN did not see the token"
}

# An ENV of a stage is in the environment of the stages built FROM it (by
# index, podman's name of a stage without AS, or name, and on from them):
# their steps read the secret that replaces it, never an empty value. So
# do those of a stage built FROM one whose ENV copies an ARG.
test_held_out_env_of_a_stage_reaches_the_stages_built_from_it() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  cat > "$CTX/Containerfile" <<CF
FROM localhost/busybox
ENV GITHUB_TOKEN=$tok
FROM 0 AS build
RUN printf '%s' "\$GITHUB_TOKEN" | sha256sum | cut -c1-12 > /tag.txt
FROM build
RUN echo "len=\${#GITHUB_TOKEN}" > /len.txt
CF
  apply_passes localhost/ho-env-stages:1 "$tok"
  grep -q 'RUN at line 4, 6 read it from a secret mount' "$ERR" || fail "no note on the RUNs"
  [ "$(image_file_sum localhost/ho-env-stages:1 /tag.txt)" = \
    "$(value_tag "$tok" | sha256sum | cut -d' ' -f1)" ] || fail "the stage did not read the token"
  [ "$(image_file_sum localhost/ho-env-stages:1 /len.txt)" = \
    "$(echo "len=40" | sha256sum | cut -d' ' -f1)" ] || fail "the last stage did not read it"

  new_context
  tok=$("$FAKE" NPM_TOKEN)
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox AS deps
ARG NPM_TOKEN
ENV NPM_TOKEN=${NPM_TOKEN}
FROM deps
RUN printf '%s' "$NPM_TOKEN" | sha256sum | cut -c1-12 > /tag.txt
CF
  apply_passes localhost/ho-alias-stages:1 "$tok" -- --build-arg "NPM_TOKEN=$tok"
  [ "$(image_file_sum localhost/ho-alias-stages:1 /tag.txt)" = \
    "$(value_tag "$tok" | sha256sum | cut -d' ' -f1)" ] || fail "the stage did not read the token"
}

# The original (no rewrite) is blocked.
# An ONBUILD RUN with a token in its header: the image keeps the trigger
# with a secret mount instead, and a later build FROM it that passes
# --secret runs it and gets the served file.
test_held_out_onbuild_header_moves_into_a_secret_the_later_builds_pass() {
  new_context
  start_http_server_with_fresh_credentials
  cat > "$CTX/Containerfile" <<CF
FROM localhost/tools
ONBUILD RUN curl -fsS -H "Authorization: Bearer $HTTP_TOKEN" http://127.0.0.1:$HTTP_PORT/a \\
    -o /artifact.txt
RUN echo base > /ready.txt
CF
  SB_OPTS=(--baseline "$E2E_TMP/tools-baseline.json")
  expect_original_blocked --format docker
  apply_passes localhost/ho-onbuild:1 "$HTTP_TOKEN" -- --format docker --network host
  grep -q 'each build FROM this image runs it and must pass --secret id=auth_header' "$ERR" ||
    fail "no advice for the later builds"
  mkdir -p "$CTX/child"
  printf 'FROM localhost/ho-onbuild:1\nRUN test -s /artifact.txt\n' > "$CTX/child/Containerfile"
  printf 'Authorization: Bearer %s\n' "$HTTP_TOKEN" > "$E2E_TMP/auth_header"
  "${PODMAN[@]}" build -q --network host --secret "id=auth_header,src=$E2E_TMP/auth_header" \
    -t localhost/ho-onbuild-child:1 "$CTX/child" > /dev/null 2>&1 || fail "the later build failed"
  [ "$(image_file_sum localhost/ho-onbuild-child:1 /artifact.txt)" = \
    "$(sha256sum < "$E2E_TMP/served" | cut -d' ' -f1)" ] || fail "not the served file"
  expect_secret_nowhere localhost/ho-onbuild-child:1 "$HTTP_TOKEN"
  "${PODMAN[@]}" rmi -f localhost/ho-onbuild-child:1 > /dev/null 2>&1
  SB_OPTS=()
  stop_http_server
}

expect_original_blocked() {
  sb build "${STORE[@]}" "$@" -t localhost/ho-original:1 "$CTX"
  expect_rc 65
  expect_no_image localhost/ho-original:1
}

# `ENV NODE_AUTH_TOKEN=${NPM_TOKEN}`: npm reads the new name through its
# .npmrc, the RUN naming neither (a stand-in npm here), also in a stage
# built FROM the stage and from an exec-form RUN. The ENV pair goes, the
# other stays. (The .npmrc is written by a RUN here.)
test_held_out_arg_renamed_into_the_runtime_env() {
  new_context
  local tok want; tok=$("$FAKE" NPM_TOKEN)
  want=$(value_tag "$tok" | sha256sum | cut -d' ' -f1)
  cat > "$CTX/npm" <<'SH'
#!/bin/sh
var=$(sed -n 's/.*:_authToken=\${\([A-Z_]*\)}$/\1/p' /app/.npmrc)
eval "value=\${$var}"
printf %s "$value" | sha256sum | cut -c1-12 > "/app/npm-$1"
SH
  chmod +x "$CTX/npm"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox AS deps
WORKDIR /app
COPY npm /usr/local/bin/npm
RUN printf '//registry.example.invalid/:_authToken=${NODE_AUTH_TOKEN}\n' > .npmrc
ARG NPM_TOKEN
ENV NODE_AUTH_TOKEN="${NPM_TOKEN}" NODE_ENV=production
RUN npm ci
FROM deps
RUN ["/usr/local/bin/npm", "test"]
CF
  expect_original_blocked --build-arg "NPM_TOKEN=$tok"
  apply_passes localhost/ho-renamed:1 "$tok" -- --build-arg "NPM_TOKEN=$tok"
  grep -q "the image's runtime ENV no longer holds NODE_AUTH_TOKEN" "$ERR" ||
    fail "no note on the runtime ENV"
  grep -q 'podman run --secret node_auth_token,type=env,target=NODE_AUTH_TOKEN' "$ERR" ||
    fail "no run-time advice"
  [ "$(image_file_sum localhost/ho-renamed:1 /app/npm-ci)" = "$want" ] ||
    fail "npm ci did not read NODE_AUTH_TOKEN"
  [ "$(image_file_sum localhost/ho-renamed:1 /app/npm-test)" = "$want" ] ||
    fail "the stage built FROM it did not read NODE_AUTH_TOKEN"
  "${PODMAN[@]}" image inspect localhost/ho-renamed:1 --format '{{.Config.Env}}' > "$E2E_TMP/cfg"
  grep -q 'NODE_ENV=production' "$E2E_TMP/cfg" || fail "the other ENV pair was lost"
  if grep -q 'NODE_AUTH_TOKEN' "$E2E_TMP/cfg"; then fail "NODE_AUTH_TOKEN is in the config"; fi
}

# Exec-form RUN steps read the secret: a `sh -c` script and a program that
# reads GITHUB_TOKEN from its environment, its argv handed on unchanged.
test_held_out_exec_form_runs_read_the_secret() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  cat > "$CTX/fetch" <<'SH'
#!/bin/sh
printf '%s|' "$@" > /args.txt
printf %s "$GITHUB_TOKEN" | sha256sum | cut -c1-12 > /fetched.txt
SH
  chmod +x "$CTX/fetch"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
COPY fetch /usr/local/bin/fetch
ARG GITHUB_TOKEN
RUN ["sh", "-c", "echo \"len=${#GITHUB_TOKEN}\" > /len.txt"]
RUN ["/usr/local/bin/fetch", "--all", "a \"b\" c"]
CF
  expect_original_blocked --build-arg "GITHUB_TOKEN=$tok"
  apply_passes localhost/ho-exec:1 "$tok" -- --build-arg "GITHUB_TOKEN=$tok"
  grep -q 'RUN at line 4, 5 read it from a secret mount' "$ERR" || fail "no note on the RUNs"
  [ "$(image_file_sum localhost/ho-exec:1 /len.txt)" = \
    "$(echo "len=${#tok}" | sha256sum | cut -d' ' -f1)" ] || fail "sh -c did not read the token"
  [ "$(image_file_sum localhost/ho-exec:1 /fetched.txt)" = \
    "$(value_tag "$tok" | sha256sum | cut -d' ' -f1)" ] || fail "fetch did not read the token"
  [ "$(image_file_sum localhost/ho-exec:1 /args.txt)" = \
    "$(printf '%s' '--all|a "b" c|' | sha256sum | cut -d' ' -f1)" ] || fail "argv changed"
}

# `ARG GH_TOKEN` before FROM, declared again by the stage: both go (the
# comments stay), the build passes, and a second rewrite changes nothing.
# One that no stage declares takes the build argument nowhere: it is dropped.
test_held_out_global_arg_left_over_after_the_rewrite() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  cat > "$CTX/Containerfile" <<'CF'
# the token of the build
ARG GH_TOKEN
FROM localhost/busybox
ARG GH_TOKEN
RUN printf '%s' "$GH_TOKEN" | sha256sum | cut -c1-12 > /tag.txt
CF
  apply_passes localhost/ho-leftover:1 "$tok" -- --build-arg "GH_TOKEN=$tok"
  grep -q 'Containerfile:2: rewrite-arg-secret: ARG GH_TOKEN removed: every stage' "$ERR" ||
    fail "no note on the global ARG"
  [ "$(image_file_sum localhost/ho-leftover:1 /tag.txt)" = \
    "$(value_tag "$tok" | sha256sum | cut -d' ' -f1)" ] || fail "the RUN did not read the token"
  sb fix --write --target-version 4.3 --build-arg "GH_TOKEN=$tok" "$CTX"
  expect_rc 0
  if grep -q '^ARG' "$CTX/Containerfile"; then fail "an ARG GH_TOKEN is left"; fi
  grep -q '^# the token of the build$' "$CTX/Containerfile" || fail "the comment went"
  cp "$CTX/Containerfile" "$CTX/once"
  sb fix --write --target-version 4.3 --build-arg "GH_TOKEN=$tok" "$CTX"
  cmp -s "$CTX/Containerfile" "$CTX/once" || fail "the second rewrite changed the file"
  expect_no_leak "$tok"

  new_context
  printf 'ARG GH_TOKEN\nFROM localhost/busybox\nRUN echo built > /built.txt\n' \
    > "$CTX/Containerfile"
  apply_passes localhost/ho-global-only:1 "$tok" -- --build-arg "GH_TOKEN=$tok"
  grep -q 'dropped: only an ARG before the first FROM declares it' "$ERR" ||
    fail "the build argument was not dropped"
}

# A count, a checksum and a test of a secret are no copy of it: neither
# the user's own secret mount nor the one of a copied credential file that
# the rewrite makes blocks the build.
test_held_out_derived_values_of_a_secret_do_not_block() {
  new_context
  local tok; tok=$("$FAKE" NPM_TOKEN)
  printf '//registry.example.invalid/:_authToken=%s\n' "$tok" > "$CTX/.npmrc"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
COPY .npmrc /root/.npmrc
RUN grep -c _authToken /root/.npmrc > /count && wc -l /root/.npmrc > /lines && rm /root/.npmrc
CF
  apply_passes localhost/ho-derived:1 "$tok"
  [ "$(image_file_sum localhost/ho-derived:1 /count)" = "$(echo 1 | sha256sum | cut -d' ' -f1)" ] ||
    fail "grep -c did not read the mounted file"
  new_context
  printf '%s' "$tok" > "$E2E_TMP/tok-$$"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
RUN --mount=type=secret,id=tok test -s /run/secrets/tok && wc -c < /run/secrets/tok > /len && \
    sha256sum /run/secrets/tok | cut -c1-12 > /tag && [ -f /run/secrets/tok ] > /checked
CF
  sb build "${STORE[@]}" --secret "id=tok,src=$E2E_TMP/tok-$$" -t localhost/ho-derived-2:1 "$CTX"
  rm -f "$E2E_TMP/tok-$$"
  expect_rc 0
  expect_image_exists localhost/ho-derived-2:1
  [ "$(image_file_sum localhost/ho-derived-2:1 /len)" = \
    "$(echo "${#tok}" | sha256sum | cut -d' ' -f1)" ] || fail "the secret was not read"
  expect_secret_nowhere localhost/ho-derived-2:1 "$tok"
}

test_held_out_secret_default_of_an_arg_before_from() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  cat > "$CTX/Containerfile" <<CF
ARG GH_TOKEN=$tok
FROM localhost/busybox
ARG GH_TOKEN
RUN echo "len=\${#GH_TOKEN}" > /artifact.txt
CF
  apply_passes localhost/ho-global:1 "$tok"
  [ "$(image_file_sum localhost/ho-global:1 /artifact.txt)" = \
    "$(echo "len=40" | sha256sum | cut -d' ' -f1)" ] || fail "the RUN did not see the token"
}

test_held_out_arg_with_a_secret_default() {
  new_context
  local tok; tok=$("$FAKE" NPM_TOKEN)
  cat > "$CTX/Containerfile" <<CF
FROM localhost/busybox
ARG NPM_TOKEN=$tok
RUN test -n "\$NPM_TOKEN" && echo "len=\${#NPM_TOKEN}" > /artifact.txt
CF
  apply_passes localhost/ho-argdef:1 "$tok"
  grep -q 'rotate the value of ARG NPM_TOKEN' "$ERR" || fail "no rotation advice"
}

test_held_out_copied_npmrc_read_by_two_steps_then_removed() {
  new_context
  local tok; tok=$("$FAKE" NPM_TOKEN)
  printf '//registry.npmjs.org/:_authToken=%s\n' "$tok" > "$CTX/.npmrc"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
WORKDIR /app
COPY .npmrc /root/.npmrc
RUN grep -q _authToken /root/.npmrc && echo installed > /app/installed.txt
RUN grep -q registry.npmjs.org /root/.npmrc && echo audited >> /app/installed.txt
RUN rm -f /root/.npmrc
CF
  apply_passes localhost/ho-npmrc:1 "$tok"
  [ "$(image_file_sum localhost/ho-npmrc:1 /app/installed.txt)" = \
    "$(printf 'installed\naudited\n' | sha256sum | cut -d' ' -f1)" ] ||
    fail "the steps did not read the mounted .npmrc"
}

test_held_out_pip_conf_with_index_url_credentials() {
  new_context
  local pass; pass=$("$FAKE" PASSWORD | jq -Rr '@uri')
  printf '[global]\nindex-url = https://deploy:%s@pypi.example.invalid/simple\n' "$pass" \
    > "$CTX/pip.conf"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
COPY pip.conf /etc/pip.conf
RUN grep -q index-url /etc/pip.conf && echo installed > /installed.txt && rm /etc/pip.conf
CF
  apply_passes localhost/ho-pip:1 "$pass"
  grep -q 'mounted as secret pip.conf at /etc/pip.conf' "$ERR" || fail "no copy rewrite note"
}

test_held_out_netrc_copied_for_a_download() {
  new_context
  local pass; pass=$("$FAKE" PASSWORD)
  printf 'machine files.example.invalid login deploy password %s\n' "$pass" > "$CTX/.netrc"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
COPY .netrc /root/.netrc
RUN grep -q files.example.invalid /root/.netrc && echo fetched > /fetched.txt
RUN rm /root/.netrc
CF
  apply_passes localhost/ho-netrc:1 "$pass"
}

# One rm of two copied credentials at the end of a && list: both become
# mounts, the rm goes whole and the list stays valid.
test_held_out_rm_of_two_copied_credentials_in_one_command() {
  new_context
  local pass tok
  pass=$("$FAKE" PASSWORD); tok=$("$FAKE" PASSWORD | jq -Rr '@uri')
  printf 'machine files.example.invalid login deploy password %s\n' "$pass" > "$CTX/.netrc"
  printf '[global]\nindex-url = https://deploy:%s@pypi.example.invalid/simple\n' "$tok" \
    > "$CTX/pip.conf"
  # The RUN is one line, as written.
  local run='RUN curl -s --netrc file:///etc/passwd -o /fetched.txt'
  run+=' && grep -q index-url /etc/pip.conf && rm /root/.netrc /etc/pip.conf'
  printf 'FROM localhost/tools\nCOPY .netrc /root/.netrc\nCOPY pip.conf /etc/pip.conf\n%s\n' \
    "$run" > "$CTX/Containerfile"
  SB_OPTS=(--baseline "$E2E_TMP/tools-baseline.json")
  apply_passes localhost/ho-rm2:1 "$pass" "$tok"
  local mnt; mnt=$("${PODMAN[@]}" image mount localhost/ho-rm2:1)
  grep -q '^root:' "$mnt/fetched.txt" || fail "curl did not run"
  "${PODMAN[@]}" image unmount localhost/ho-rm2:1 >/dev/null
  grep -q 'mounted as secret netrc at /root/.netrc' "$ERR" || fail "no .netrc note"
  grep -q 'mounted as secret pip.conf at /etc/pip.conf' "$ERR" || fail "no pip.conf note"
  SB_OPTS=()
}

# chmod of a copied credential: the mount is read-only, so the mode moves
# onto it; the rm on a line of its own goes with that line.
test_held_out_chmod_of_a_copied_credential_becomes_the_mount_mode() {
  new_context
  local pass; pass=$("$FAKE" PASSWORD)
  printf 'machine files.example.invalid login deploy password %s\n' "$pass" > "$CTX/.netrc"
  chmod 644 "$CTX/.netrc"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
COPY .netrc /root/.netrc
RUN chmod 600 /root/.netrc && test "$(stat -c %a /root/.netrc)" = 600 && echo 600 > /mode.txt \
    && rm -f -- "/root/.netrc" \
    && echo done >> /mode.txt
CF
  apply_passes localhost/ho-chmod:1 "$pass"
  [ "$(image_file_sum localhost/ho-chmod:1 /mode.txt)" = \
    "$(printf '600\ndone\n' | sha256sum | cut -d' ' -f1)" ] || fail "the mount has not mode 600"
  grep -q 'mounted as secret netrc at /root/.netrc with mode 0600' "$ERR" || fail "no mode note"
}

# The held-out SSH case: chmod, a clone that cannot connect and falls back,
# rm -f; no agent runs: podman serves the key file through --ssh default=KEY.
test_held_out_ssh_key_chmod_clone_or_fall_back_then_rm() {
  new_context
  ssh-keygen -q -t ed25519 -N '' -C ho-ssh -f "$CTX/id_ed25519"
  local key_body; key_body=$(sed -n 2p "$CTX/id_ed25519")
  # The RUN is one line, as written.
  local run='RUN chmod 600 /root/.ssh/id_ed25519 && (GIT_SSH_COMMAND="ssh'
  run+=' -o StrictHostKeyChecking=no -o ConnectTimeout=2" git clone'
  run+=' ssh://git@127.0.0.1:9/repo.git /src || mkdir -p /src) && rm -f /root/.ssh/id_ed25519'
  printf 'FROM localhost/tools\nCOPY id_ed25519 /root/.ssh/id_ed25519\n%s\n' "$run" \
    > "$CTX/Containerfile"
  SB_OPTS=(--baseline "$E2E_TMP/tools-baseline.json")
  local agent=${SSH_AUTH_SOCK:-}
  unset SSH_AUTH_SOCK
  apply_passes localhost/ho-sshfb:1 "$key_body"
  [ -z "$agent" ] || export SSH_AUTH_SOCK=$agent
  grep -q -- "--ssh default=$CTX/id_ed25519" "$ERR" || fail "--ssh default=KEY not used"
  local mnt; mnt=$("${PODMAN[@]}" image mount localhost/ho-sshfb:1)
  [ -d "$mnt/src" ] || fail "the RUN did not fall back to mkdir"
  [ -e "$mnt/root/.ssh/id_ed25519" ] && fail "the key file is in the image"
  "${PODMAN[@]}" image unmount localhost/ho-sshfb:1 >/dev/null
  SB_OPTS=()
}

# A real clone over ssh from the test's sshd with the key served from its
# file (no agent of the user's), and one through `ssh -i KEY`, which keeps
# the key at that path as a 0600 secret mount.
test_held_out_ssh_key_clones_from_its_file_or_from_the_path_ssh_names() {
  new_context
  start_sshd
  cp "$SSH_DIR/id_ed25519" "$CTX/id_ed25519"
  chmod 644 "$CTX/id_ed25519"
  local key_body; key_body=$(sed -n 2p "$SSH_DIR/id_ed25519")
  local ssh="ssh -oStrictHostKeyChecking=no -oUserKnownHostsFile=/dev/null -p $SSH_PORT"
  cat > "$CTX/Containerfile" <<CF
FROM localhost/tools
COPY id_ed25519 /root/.ssh/
RUN chmod 600 /root/.ssh/id_ed25519 && GIT_SSH_COMMAND="$ssh" \\
    git clone -q ssh://root@127.0.0.1$SSH_DIR/repo.git /src && cp /src/artifact.txt /a1.txt && \\
    rm -rf /src /root/.ssh/id_ed25519
COPY id_ed25519 /keys/deploy_key
RUN chmod 0600 /keys/deploy_key && GIT_SSH_COMMAND="$ssh -i /keys/deploy_key" \\
    git clone -q ssh://root@127.0.0.1$SSH_DIR/repo.git /src && cp /src/artifact.txt /a2.txt
RUN rm -rf /src; rm /keys/deploy_key
CF
  SB_OPTS=(--baseline "$E2E_TMP/tools-baseline.json")
  local agent=${SSH_AUTH_SOCK:-}
  unset SSH_AUTH_SOCK
  apply_passes localhost/ho-sshkey:1 "$key_body" -- --network host
  [ -z "$agent" ] || export SSH_AUTH_SOCK=$agent
  local want; want=$(sha256sum < "$SSH_DIR/work/artifact.txt" | cut -d' ' -f1)
  [ "$(image_file_sum localhost/ho-sshkey:1 /a1.txt)" = "$want" ] || fail "no clone via --ssh"
  [ "$(image_file_sum localhost/ho-sshkey:1 /a2.txt)" = "$want" ] || fail "no clone via ssh -i"
  grep -q 'rewrite-ssh-key' "$ERR" || fail "no ssh rewrite note"
  grep -q 'mounted as secret id_ed25519 at /keys/deploy_key with mode 0600' "$ERR" ||
    fail "the key ssh -i names is not mounted with mode 0600"
  SB_OPTS=()
  stop_sshd
}

test_held_out_curl_user_password_reaches_the_server() {
  new_context
  start_http_server_with_fresh_credentials
  cat > "$CTX/Containerfile" <<CF
FROM localhost/tools
RUN curl -fsS -u deploy:$HTTP_PASS http://127.0.0.1:$HTTP_PORT/pkg -o /artifact.txt
CF
  SB_OPTS=(--baseline "$E2E_TMP/tools-baseline.json")
  apply_passes localhost/ho-curlu:1 "$HTTP_PASS" -- --network host
  [ "$(image_file_sum localhost/ho-curlu:1 /artifact.txt)" = \
    "$(sha256sum < "$E2E_TMP/served" | cut -d' ' -f1)" ] || fail "not the served file"
  grep -q 'moved into secret PASSWORD' "$ERR" || fail "no run-literal note"
  grep -q 'rotate the secret written in RUN at line 2' "$ERR" || fail "no rotation advice"
  SB_OPTS=()
  stop_http_server
}

test_held_out_several_secrets_in_one_file() {
  new_context
  local a b c; a=$("$FAKE" GITHUB_TOKEN); b=$("$FAKE" NPM_TOKEN); c=$("$FAKE" AWS_SECRET_ACCESS_KEY)
  cat > "$CTX/Containerfile" <<CF
FROM localhost/busybox
ARG GH_TOKEN
ENV NPM_TOKEN=$b
ENV AWS_SECRET_ACCESS_KEY=$c
RUN echo "\${#GH_TOKEN} \${#NPM_TOKEN}" > /a.txt
RUN test -n "\$AWS_SECRET_ACCESS_KEY" && echo aws >> /a.txt
CF
  apply_passes localhost/ho-several:1 "$a" "$b" "$c" -- --build-arg "GH_TOKEN=$a"
  [ "$(image_file_sum localhost/ho-several:1 /a.txt)" = \
    "$(printf '40 40\naws\n' | sha256sum | cut -d' ' -f1)" ] ||
    fail "the RUNs did not see all three"
}

test_held_out_multi_stage_builder_uses_the_secret() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox AS builder
ARG GH_TOKEN
WORKDIR /src
RUN echo "fetched with ${#GH_TOKEN} chars" > /src/app.txt
FROM localhost/busybox
COPY --from=builder /src/app.txt /app.txt
CMD ["cat", "/app.txt"]
CF
  apply_passes localhost/ho-multi:1 "$tok" -- --build-arg "GH_TOKEN=$tok"
  local id found=0
  for id in $(sed -n 's/.*now: podman rmi //p' "$ERR"); do
    dump_image "$id"
    if grep -aqF -- "$tok" "$E2E_TMP/dump/all"; then found=1; fi
  done
  [ "$found" = 0 ] || fail "the builder stage's image holds the token"
}

# A credential written in a stage that the image copies with COPY --from:
# removed at the end of that stage, the copy holds the build's output only.
test_held_out_credential_of_a_copied_stage_is_removed_before_the_copy() {
  new_context
  local tok; tok=$("$FAKE" NPM_TOKEN)
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox AS deps
ARG NPM_TOKEN
WORKDIR /app
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc \
 && grep -q _authToken .npmrc && echo installed > /app/installed.txt

FROM localhost/busybox
COPY --from=deps /app /app
CMD ["cat", "/app/installed.txt"]
CF
  apply_passes localhost/ho-copied:1 "$tok" -- --build-arg "NPM_TOKEN=$tok"
  grep -q 'removed at the end of the stage' "$ERR" || fail "no note of the removal"
  local mnt; mnt=$("${PODMAN[@]}" image mount localhost/ho-copied:1) || fail "image mount"
  [ "$(cat "$mnt/app/installed.txt" 2>/dev/null)" = installed ] ||
    fail "the stage's output did not reach the image"
  [ ! -e "$mnt/app/.npmrc" ] || fail ".npmrc reached the image"
  "${PODMAN[@]}" image unmount localhost/ho-copied:1 >/dev/null
}

test_held_out_npm_config_set_with_an_inline_token() {
  new_context
  local tok; tok=$("$FAKE" NPM_TOKEN)
  # A stand-in for npm: `config set` appends to ~/.npmrc, `ci` reads it.
  cat > "$CTX/npm" <<'SH'
#!/bin/sh
HOME=/root; mkdir -p /root
case "$1" in
  config) echo "$3" >> "$HOME/.npmrc" ;;
  ci) grep -q _authToken "$HOME/.npmrc" && echo installed > /app/installed.txt ;;
esac
SH
  chmod +x "$CTX/npm"
  cat > "$CTX/Containerfile" <<CF
FROM localhost/busybox
WORKDIR /app
COPY npm /usr/local/bin/npm
RUN npm config set //registry.npmjs.org/:_authToken=$tok && npm ci
CMD ["cat", "/app/installed.txt"]
CF
  apply_passes localhost/ho-npmset:1 "$tok"
  local note='rewrite-run-literal: RUN at line 4: the secret (run-writes-credentials)'
  grep -q "$note moved into secret NPM_TOKEN" "$ERR" || fail "no run-literal note"
  grep -qF -- '--secret id=NPM_TOKEN,type=env,env=NPM_TOKEN' "$ERR" || fail "flag not shown"
  grep -q 'rewrite-multi-stage: split into stages' "$ERR" || fail "~/.npmrc not left behind"
  [ -n "$(image_file_sum localhost/ho-npmset:1 /app/installed.txt)" ] || fail "npm ci did not run"
  sb fix --target-version 4.3 "$CTX"
  expect_rc 0
  grep -q 'rotate the secret written in RUN at line 4' "$ERR" || fail "fix gives no advice"
  expect_no_leak "$tok"
}

test_held_out_inline_export_of_a_key() {
  new_context
  local key; key=$("$FAKE" STRIPE_SECRET_KEY)
  cat > "$CTX/Containerfile" <<CF
FROM localhost/busybox
RUN export STRIPE_KEY=$key && echo "\${#STRIPE_KEY}" > /len.txt
CF
  apply_passes localhost/ho-export:1 "$key"
  [ "$(image_file_sum localhost/ho-export:1 /len.txt)" = \
    "$(echo "${#key}" | sha256sum | cut -d' ' -f1)" ] || fail "the RUN did not see the key"
}

test_held_out_copy_of_the_whole_context_with_an_npmrc() {
  new_context
  local tok; tok=$("$FAKE" NPM_TOKEN)
  printf '//registry.npmjs.org/:_authToken=%s\n' "$tok" > "$CTX/.npmrc"
  echo '{"name": "ctx"}' > "$CTX/package.json"
  echo 'notes.txt' > "$CTX/.containerignore"
  echo 'stays out' > "$CTX/notes.txt"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
WORKDIR /app
COPY . .
RUN grep -q _authToken /app/.npmrc && echo installed > /app/installed.txt
RUN rm /app/.npmrc
CF
  apply_passes localhost/ho-ctx:1 "$tok"
  grep -q 'COPY . sends .npmrc (line 3): the rm of /app/.npmrc removed' "$ERR" ||
    fail "no context copy note"
  local mnt; mnt=$("${PODMAN[@]}" image mount localhost/ho-ctx:1)
  [ -s "$mnt/app/installed.txt" ] || fail "the RUN did not read the mounted .npmrc"
  [ -e "$mnt/app/package.json" ] || fail "the rest of the context was not copied"
  [ -e "$mnt/app/notes.txt" ] && fail "the user's .containerignore was not applied"
  "${PODMAN[@]}" image unmount localhost/ho-ctx:1 >/dev/null
}

test_undeclared_secret_build_arg_is_dropped_under_apply() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  printf 'FROM localhost/busybox\nRUN echo hi > /a.txt\n' > "$CTX/Containerfile"
  apply_passes localhost/ho-unused:1 "$tok" -- --build-arg "GH_TOKEN=$tok"
  grep -q 'rewrite-unused-build-arg: --build-arg GH_TOKEN dropped' "$ERR" || fail "no drop note"
  if grep -q 'were not consumed' "$ERR"; then fail "podman still got the build arg"; fi
  # Without apply it is only a warning: the build passes.
  sb build "${STORE[@]}" --build-arg "GH_TOKEN=$tok" -t localhost/ho-unused:2 "$CTX"
  expect_rc 0
  grep -q 'low: --build-arg GH_TOKEN carries a secret.*no ARG declares it' "$ERR" ||
    fail "no warning"
  expect_no_leak "$tok"
}

# One stage's ARG becomes a secret; another's cannot (SHELL): that stage
# still reads the --build-arg, so podman still gets it, and both stages
# read the value. The ARG left as is still blocks the image.
test_apply_keeps_a_build_arg_that_a_stage_left_as_is_reads() {
  new_context
  local tok id want; tok=$("$FAKE" GITHUB_TOKEN)
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox AS one
ARG GH_TOKEN
RUN printf '%s' "$GH_TOKEN" | sha256sum | cut -c1-12 > /one.txt
FROM localhost/busybox
ARG GH_TOKEN
SHELL ["/bin/sh", "-c"]
RUN printf '%s' "$GH_TOKEN" | sha256sum | cut -c1-12 > /two.txt
COPY --from=one /one.txt /one.txt
CF
  sb --rewrite=apply --format json --keep-failed build "${STORE[@]}" \
    --build-arg "GH_TOKEN=$tok" -t localhost/rw-kept:1 "$CTX"
  expect_rc 65
  expect_no_leak "$tok"
  grep -q 'ARG GH_TOKEN left as is: SHELL at line 6' "$ERR" || fail "no note on the skip"
  if grep -q 'instead of --build-arg GH_TOKEN' "$ERR"; then fail "the build arg was dropped"; fi
  id=$(jq -r '.image.id' "$OUT")
  want=$(value_tag "$tok" | sha256sum | cut -d' ' -f1)
  [ "$(image_file_sum "$id" /two.txt)" = "$want" ] || fail "the stage left as is read no value"
  [ "$(image_file_sum "$id" /one.txt)" = "$want" ] || fail "the rewritten stage read no value"
}

test_findings_under_apply_name_the_users_file_and_line() {
  new_context
  local tok; tok=$("$FAKE" NPM_TOKEN)
  printf '//registry.npmjs.org/:_authToken=%s\n' "$tok" > "$CTX/.npmrc"
  # Line 5 prints what it read from the credential into the image: the
  # rewrite cannot help, and says so at the user's line.
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
# comment
COPY .npmrc /root/.npmrc
RUN echo first > /first.txt
RUN grep _authToken /root/.npmrc > /found.txt
RUN rm /root/.npmrc
CF
  sb --rewrite=apply build "${STORE[@]}" -t localhost/ho-map:1 "$CTX"
  expect_rc 65
  grep -qF "$CTX/Containerfile:5: high: RUN copies the secret mounted at /root/.npmrc" "$ERR" ||
    fail "finding not at the user's line: $(grep -F 'RUN copies' "$ERR")"
  grep -qF "$CTX/Containerfile:5: not rewritten (rewrite): left as is" "$ERR" ||
    fail "no reason at the user's line"
  if grep -q "$TMPDIR/safebuild" "$ERR"; then fail "a finding names the private copy"; fi
  expect_no_leak "$tok"
}

# A bare git repository holding artifact.txt, served over smart HTTP
# (git http-backend) on 127.0.0.1 to requests whose Basic credentials are
# $GIT_USER:$GIT_PASS, 401 to the rest; stops by itself after 10 minutes.
# Sets GIT_PORT.
start_git_server() {
  local dir="$E2E_TMP/git"
  rm -rf "$dir" && mkdir -p "$dir"
  git init -q --bare "$dir/repo.git"
  git init -q "$dir/work"
  echo "cloned-over-http $RANDOM" > "$dir/work/artifact.txt"
  git -C "$dir/work" add artifact.txt
  git -C "$dir/work" -c user.name=t -c user.email=t@example.invalid commit -qm one
  git -C "$dir/work" push -q "$dir/repo.git" HEAD:refs/heads/main
  git -C "$dir/repo.git" symbolic-ref HEAD refs/heads/main
  cat > "$dir/server.py" <<'PY'
import base64, http.server, os, subprocess, sys, threading
want = "Basic " + base64.b64encode(
    f"{os.environ['GIT_USER']}:{os.environ['GIT_PASS']}".encode()).decode()
class Handler(http.server.BaseHTTPRequestHandler):
    def serve(self):
        if self.headers.get("Authorization") != want:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        env = {"GIT_PROJECT_ROOT": sys.argv[1], "GIT_HTTP_EXPORT_ALL": "1",
               "PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": self.command,
               "REMOTE_USER": "git", "CONTENT_TYPE": self.headers.get("Content-Type", ""),
               "CONTENT_LENGTH": str(len(body)), "PATH": os.environ["PATH"]}
        out = subprocess.run(["git", "http-backend"], input=body, env=env,
                             capture_output=True).stdout
        head, _, rest = out.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.split(b"\r\n"):
            k, _, v = line.decode().partition(":")
            if k.lower() == "status":
                status = int(v.split()[0])
            elif k:
                headers.append((k, v.strip()))
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(rest)))
        self.end_headers()
        self.wfile.write(rest)
    do_GET = do_POST = serve
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[2], "w") as f:
    f.write(str(server.server_address[1]))
threading.Timer(600, server.shutdown).start()
server.serve_forever()
PY
  rm -f "$dir/port"
  /usr/bin/python3 "$dir/server.py" "$dir" "$dir/port" &
  GIT_SERVER_PID=$!
  for _ in $(seq 50); do [ -s "$dir/port" ] && break; sleep 0.1; done
  GIT_PORT=$(cat "$dir/port")
  git ls-remote "http://127.0.0.1:$GIT_PORT/repo.git" >/dev/null 2>&1 &&
    fail "the git server answers without credentials"
}

stop_git_server() {
  [ -n "${GIT_SERVER_PID:-}" ] || return 0
  kill "$GIT_SERVER_PID" 2>/dev/null
  wait "$GIT_SERVER_PID" 2>/dev/null
  GIT_SERVER_PID=""
}

# git keeps the URL it clones from in .git/config: the token must reach
# the server, yet no file of the image may hold it.
test_git_clone_token_in_the_url_reaches_the_server_through_a_helper() {
  new_context
  export GIT_USER=oauth2 GIT_PASS
  GIT_PASS=$("$FAKE" GITLAB_TOKEN)
  start_git_server
  cat > "$CTX/Containerfile" <<CF
FROM localhost/tools
RUN git clone -q http://oauth2:$GIT_PASS@127.0.0.1:$GIT_PORT/repo.git /src && \\
    cp /src/artifact.txt /artifact.txt
CF
  SB_OPTS=(--baseline "$E2E_TMP/tools-baseline.json")
  build_both localhost/rw-git:1 --network host
  expect_no_leak "$GIT_PASS"
  expect_secret_in_original "$GIT_PASS"
  expect_secret_nowhere localhost/rw-git:1 "$GIT_PASS"
  expect_same_artifact localhost/rw-git:1
  [ "$(image_file_sum localhost/rw-git:1 /artifact.txt)" = \
    "$(sha256sum < "$E2E_TMP/git/work/artifact.txt" | cut -d' ' -f1)" ] || fail "not the clone"
  local mnt; mnt=$("${PODMAN[@]}" image mount localhost/rw-git:1)
  grep -q "url = http://oauth2@127.0.0.1:$GIT_PORT/repo.git" "$mnt/src/.git/config" ||
    fail "the remote is not the URL without its token"
  "${PODMAN[@]}" image unmount localhost/rw-git:1 >/dev/null
  grep -q 'credentials of the git URL to 127.0.0.1' "$ERR" || fail "no git rewrite note"
  SB_OPTS=()
  stop_git_server
}

# The token of an ARG, in a remote added in one step and fetched from in
# the next, with `credential.helper store` set in the image: the helper
# of the rewrite replaces it, so ~/.git-credentials is never written.
test_git_remote_with_an_arg_token_is_fetched_by_a_later_step() {
  new_context
  export GIT_USER=ci GIT_PASS
  GIT_PASS=$("$FAKE" GITHUB_TOKEN)
  start_git_server
  cat > "$CTX/Containerfile" <<CF
FROM localhost/tools
ARG GH_TOKEN
RUN git config --global credential.helper store && git init -q /src && \\
    git -C /src remote add origin "http://ci:\${GH_TOKEN}@127.0.0.1:$GIT_PORT/repo.git"
RUN git -C /src fetch -q origin main && git -C /src show FETCH_HEAD:artifact.txt > /artifact.txt
CF
  SB_OPTS=(--baseline "$E2E_TMP/tools-baseline.json")
  apply_passes localhost/rw-git2:1 "$GIT_PASS" -- --network host --build-arg "GH_TOKEN=$GIT_PASS"
  [ "$(image_file_sum localhost/rw-git2:1 /artifact.txt)" = \
    "$(sha256sum < "$E2E_TMP/git/work/artifact.txt" | cut -d' ' -f1)" ] || fail "not fetched"
  SB_OPTS=()
  stop_git_server
}

# An image finding of a build from the rewritten copy names the user's
# file and line (the rewrite took out the ARG above it).
test_image_finding_under_apply_is_made_by_the_users_line() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
# the step at line 5 writes the token into the image
ARG GH_TOKEN
RUN echo one > /one.txt
RUN echo "$GH_TOKEN" > /token.txt
CF
  sb --format json --rewrite=apply build "${STORE[@]}" --build-arg "GH_TOKEN=$tok" \
    -t localhost/rw-made:1 "$CTX"
  expect_rc 65
  expect_json "[.findings[] | select(.path == \"/token.txt\")] | length == 1 and
     (.[0].instruction == {\"file\": \"$CTX/Containerfile\", \"line\": 5})" \
    "made by the user's line 5"
  grep -qF "made by $CTX/Containerfile:5" "$ERR" || fail "text report not at line 5"
  expect_no_leak "$tok"
}

# A COPY of several sources under a WORKDIR, with --chown, and a glob that
# only the credential matches: the credential leaves each, the rest stays.
test_held_out_copy_of_several_sources_keeps_the_other_sources() {
  new_context
  local tok; tok=$("$FAKE" NPM_TOKEN)
  printf '//registry.npmjs.org/:_authToken=%s\n' "$tok" > "$CTX/.npmrc"
  echo '{"name": "several"}' > "$CTX/package.json"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
WORKDIR /app
COPY --chown=1000:1000 package.json .npmrc ./
RUN grep -q _authToken .npmrc && stat -c %u package.json > owner.txt && rm .npmrc
COPY package*.json .npmrc* /copy2/
RUN grep -q _authToken /copy2/.npmrc && rm -f /copy2/.npmrc
CF
  apply_passes localhost/ho-sources:1 "$tok"
  grep -q 'COPY .npmrc (line 3) and its rm removed; mounted as secret npmrc at /app/.npmrc' \
    "$ERR" || fail "no note for the COPY of several sources"
  grep -q 'COPY .npmrc\* sends .npmrc (line 5) and its rm removed' "$ERR" || fail "no glob note"
  local mnt; mnt=$("${PODMAN[@]}" image mount localhost/ho-sources:1)
  [ "$(cat "$mnt/app/owner.txt")" = 1000 ] || fail "--chown of the other source lost"
  [ -e "$mnt/app/package.json" ] && [ -e "$mnt/copy2/package.json" ] ||
    fail "the other sources were not copied"
  "${PODMAN[@]}" image unmount localhost/ho-sources:1 >/dev/null
  # Under a WORKDIR only the base image knows, the COPY stays, with why.
  printf 'FROM localhost/busybox\nCOPY .npmrc .\nRUN grep -q _authToken .npmrc && rm .npmrc\n' \
    > "$CTX/Containerfile"
  sb --rewrite=apply build "${STORE[@]}" -t localhost/ho-sources:2 "$CTX"
  expect_rc 65
  grep -qF "COPY .npmrc (line 2) left as is: its destination . is relative and the WORKDIR of \
base image localhost/busybox (line 1) is not known" "$ERR" || fail "no reason for the refusal"
  expect_no_leak "$tok"
}

# ADD of a local file is a copy; with --chown its mount is the owner's.
test_kind_c_add_of_a_local_credential_becomes_a_target_mount() {
  new_context
  local tok pass; tok=$("$FAKE" NPM_TOKEN); pass=$("$FAKE" PASSWORD)
  printf '//registry.example.invalid/:_authToken=%s\n' "$tok" > "$CTX/.npmrc"
  printf 'machine h.invalid login u password %s\n' "$pass" > "$CTX/.netrc"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
ADD .npmrc /root/.npmrc
ADD --chown=1000:1000 .netrc /home/u/.netrc
RUN grep -q _authToken /root/.npmrc && stat -c %u /home/u/.netrc > /artifact.txt && \
    rm /root/.npmrc /home/u/.netrc
CF
  build_both localhost/rw-add:1
  expect_no_leak "$tok"
  expect_no_leak "$pass"
  expect_secret_in_original "$tok"
  expect_secret_nowhere localhost/rw-add:1 "$tok"
  expect_secret_nowhere localhost/rw-add:1 "$pass"
  expect_same_artifact localhost/rw-add:1
  grep -q 'ADD .netrc (line 3) and its rm removed; mounted as secret netrc' "$ERR" ||
    fail "no ADD note"
}

# ADD of a URL with credentials: a RUN downloads it with them from a
# secret, with curl (tools) or busybox wget (busybox); the file keeps
# ADD's mode 0600 and its --chown owner.
test_kind_d_add_of_a_url_with_credentials_downloads_with_them_from_a_secret() {
  new_context
  start_http_server_with_fresh_credentials
  local enc base; enc=$(jq -rn --arg p "$HTTP_PASS" '$p|@uri')
  SB_OPTS=(--baseline "$E2E_TMP/tools-baseline.json")
  for base in tools busybox; do
    cat > "$CTX/Containerfile" <<CF
FROM localhost/$base
ADD --chown=1000:1000 http://deploy:$enc@127.0.0.1:$HTTP_PORT/dl/tool.tgz /opt/
RUN stat -c '%a %u' /opt/tool.tgz > /artifact.txt && cat /opt/tool.tgz >> /artifact.txt
CF
    build_both "localhost/rw-addurl-$base:1" --network host
    expect_no_leak "$HTTP_PASS"
    expect_no_leak "$enc"
    expect_secret_nowhere "localhost/rw-addurl-$base:1" "$enc"
    expect_secret_nowhere "localhost/rw-addurl-$base:1" "$HTTP_PASS"
    expect_same_artifact "localhost/rw-addurl-$base:1"
    [ "$(image_file_sum "localhost/rw-addurl-$base:1" /artifact.txt)" = \
      "$({ echo '600 1000'; cat "$E2E_TMP/served"; } | sha256sum | cut -d' ' -f1)" ] ||
      fail "$base: not the served file with mode 600 and owner 1000"
    grep -q 'ADD of the URL to 127.0.0.1:[0-9]* with credentials became a RUN' "$ERR" ||
      fail "no ADD URL note"
  done
  SB_OPTS=()
  stop_http_server
}

# rm -rf of the directory that only held the credential goes with it.
test_held_out_rm_of_the_credentials_own_directory() {
  new_context
  local tok; tok=$("$FAKE" GITHUB_TOKEN)
  printf '{"auths": {"registry.example.invalid": {"auth": "%s"}}}\n' \
    "$(printf 'ci:%s' "$tok" | base64 -w0)" > "$CTX/config.json"
  cat > "$CTX/Containerfile" <<'CF'
FROM localhost/busybox
COPY config.json /root/.docker/config.json
RUN grep -c auths /root/.docker/config.json > /artifact.txt
RUN rm -rf /root/.docker
CF
  build_both localhost/rw-holder:1
  expect_secret_nowhere localhost/rw-holder:1 "$(printf 'ci:%s' "$tok" | base64 -w0)"
  expect_same_artifact localhost/rw-holder:1
  local mnt; mnt=$("${PODMAN[@]}" image mount localhost/rw-holder:1)
  [ -s "$mnt/root/.docker/config.json" ] && fail "the credential is in the image"
  "${PODMAN[@]}" image unmount localhost/rw-holder:1 >/dev/null
}

# Two keys in one build, each at the path `ssh -i` names (a secret mount
# each), then at ssh's default paths, served by the one agent podman loads
# with both (the server accepts only the second key there).
test_held_out_two_ssh_keys_in_one_build() {
  new_context
  start_sshd
  ssh-keygen -q -t ed25519 -N '' -C other -f "$CTX/key_a"
  cp "$SSH_DIR/id_ed25519" "$CTX/key_b"
  local ssh="ssh -oStrictHostKeyChecking=no -oUserKnownHostsFile=/dev/null -p $SSH_PORT"
  local url="ssh://root@127.0.0.1$SSH_DIR/repo.git" only="-oIdentitiesOnly=yes"
  cat "$CTX/key_a.pub" >> "$SSH_DIR/authorized_keys"
  cat > "$CTX/Containerfile" <<CF
FROM localhost/tools
COPY key_a /root/.ssh/key_a
COPY key_b /root/.ssh/key_b
RUN GIT_SSH_COMMAND="$ssh $only -i /root/.ssh/key_a" git clone -q $url /a && \
    GIT_SSH_COMMAND="$ssh $only -i ~/.ssh/key_b" git clone -q $url /b && \
    cat /a/artifact.txt /b/artifact.txt > /a1.txt && rm -rf /a /b /root/.ssh
CF
  SB_OPTS=(--baseline "$E2E_TMP/tools-baseline.json")
  local agent=${SSH_AUTH_SOCK:-}
  unset SSH_AUTH_SOCK
  apply_passes localhost/ho-twokeys:1 "$(sed -n 2p "$CTX/key_a")" "$(sed -n 2p "$CTX/key_b")" \
    -- --network host
  local want; want=$(cat "$SSH_DIR/work/artifact.txt" "$SSH_DIR/work/artifact.txt" | sha256sum)
  [ "$(image_file_sum localhost/ho-twokeys:1 /a1.txt)" = "${want%% *}" ] ||
    fail "no clone with each key"
  grep -q 'mounted as secret key_b at /root/.ssh/key_b' "$ERR" || fail "key_b not mounted"
  cp "$SSH_DIR/id_ed25519.pub" "$SSH_DIR/authorized_keys"
  cat > "$CTX/Containerfile" <<CF
FROM localhost/tools
COPY key_a /root/.ssh/id_ed25519
COPY key_b /root/.ssh/id_rsa
RUN GIT_SSH_COMMAND="$ssh" git clone -q $url /src && cp /src/artifact.txt /a2.txt && \
    rm -rf /src /root/.ssh
CF
  apply_passes localhost/ho-twokeys:2 "$(sed -n 2p "$CTX/key_a")" "$(sed -n 2p "$CTX/key_b")" \
    -- --network host
  [ -z "$agent" ] || export SSH_AUTH_SOCK=$agent
  want=$(sha256sum < "$SSH_DIR/work/artifact.txt")
  [ "$(image_file_sum localhost/ho-twokeys:2 /a2.txt)" = "${want%% *}" ] ||
    fail "no clone through the agent"
  grep -q 'COPY key_b (line 3) and its rm removed; git/ssh use an agent podman loads from key_b' \
    "$ERR" || fail "key_b not in the agent"
  SB_OPTS=()
  stop_sshd
}

# E2E_ONLY=PATTERN runs only the cases whose names match.
for t in $(declare -F | awk '{print $3}' | grep '^test_' | grep -e "${E2E_ONLY:-.}"); do
  run_case "$t"
done
finish
