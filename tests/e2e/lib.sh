# Shared set-up and assertions for the end-to-end tests. Every test runs the
# real safebuild binary against real podman, in storage of its own under a
# temporary directory, with a busybox base image imported from
# busybox-static (no registry is needed).
set -u

E2E_TMP=$(mktemp -d /tmp/safebuild-e2e.XXXXXX)
export CONTAINERS_CONF="$E2E_TMP/containers.conf"
export TMPDIR="$E2E_TMP/tmp"
mkdir -p "$TMPDIR"
cat > "$CONTAINERS_CONF" <<CONF
[engine]
runtime = "runc"
CONF
STORE=(--root "$E2E_TMP/root" --runroot "$E2E_TMP/runroot")
PODMAN=(podman "${STORE[@]}")
PASSED=0
FAILED=0
FAILURES=()
CURRENT=""

cleanup() {
  "${PODMAN[@]}" rm -af >/dev/null 2>&1
  "${PODMAN[@]}" rmi -af >/dev/null 2>&1
  [ -n "${REGISTRY_PID:-}" ] && kill "$REGISTRY_PID" 2>/dev/null
  umount -R "$E2E_TMP/root/overlay" 2>/dev/null
  rm -rf "$E2E_TMP" 2>/dev/null || true
}
trap cleanup EXIT

make_base_image() {
  local rootfs="$E2E_TMP/rootfs"
  mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc"
  cp /bin/busybox "$rootfs/bin/busybox"
  local applet
  for applet in $("$rootfs/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  tar -C "$rootfs" -cf "$E2E_TMP/busybox.tar" .
  "${PODMAN[@]}" import -q "$E2E_TMP/busybox.tar" localhost/busybox:latest >/dev/null
}

# A fresh directory for one test's build context.
new_context() {
  CTX=$(mktemp -d "$E2E_TMP/ctx.XXXXXX")
  OUT="$CTX.out"
  ERR="$CTX.err"
}

# Runs safebuild with the test storage; stdout to $OUT, stderr to $ERR,
# exit code to $RC.
sb() {
  "$SAFEBUILD" "$@" >"$OUT" 2>"$ERR"
  RC=$?
}

fail() {
  FAILURES+=("$CURRENT: $*")
  echo "    FAIL: $*" >&2
  CASE_OK=0
}

expect_rc() {
  [ "$RC" = "$1" ] || fail "exit code $RC, expected $1 (stderr: $(tail -5 "$ERR"))"
}

# expect_json FILTER [MESSAGE]: the jq filter over $OUT must be true.
expect_json() {
  local got
  got=$(jq -e "$1" "$OUT" 2>/dev/null) || fail "${2:-json check failed}: $1"
}

# The secret value must appear nowhere: stdout, stderr, report files.
expect_no_leak() {
  local value=$1 f
  for f in "$OUT" "$ERR" "$@"; do
    [ -f "$f" ] || continue
    if grep -qF -- "$value" "$f"; then fail "secret value printed in $(basename "$f")"; fi
  done
}

expect_image_exists() {
  "${PODMAN[@]}" image exists "$1" || fail "image $1 should exist"
}

expect_no_image() {
  if "${PODMAN[@]}" image exists "$1"; then fail "image $1 should not exist"; fi
}

run_case() {
  CURRENT=$1
  CASE_OK=1
  echo "--- $1"
  "$1"
  if [ "$CASE_OK" = 1 ]; then
    PASSED=$((PASSED + 1))
    echo "    ok"
  else
    FAILED=$((FAILED + 1))
  fi
}

finish() {
  echo
  if [ "$FAILED" -gt 0 ]; then
    printf 'failed: %s\n' "${FAILURES[@]}"
  fi
  echo "e2e: $PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ]
}
