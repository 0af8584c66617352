#!/usr/bin/env bash
# Builds the bundled example twice through safebuild: the leaky project is
# blocked with findings, the one done right is built and tagged.
# Usage: examples/run.sh SAFEBUILD FAKE_SECRET
# Fake credentials are generated here, at run time; podman storage is a
# temporary one of the example's own, removed at the end.
set -uo pipefail
safebuild=$(realpath "$1")
fake=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/safebuild-example.XXXXXX)
export CONTAINERS_CONF="$work/containers.conf"
printf '[engine]\nruntime = "runc"\n' > "$CONTAINERS_CONF"
store=(--root "$work/root" --runroot "$work/runroot")
cleanup() {
  podman "${store[@]}" rmi -af >/dev/null 2>&1
  umount -R "$work/root/overlay" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# A base image from busybox-static: no registry needed.
mkdir -p "$work/rootfs/bin"
cp /bin/busybox "$work/rootfs/bin/"
for a in $("$work/rootfs/bin/busybox" --list); do
  [ "$a" = busybox ] || ln -sf busybox "$work/rootfs/bin/$a"
done
tar -C "$work/rootfs" -cf "$work/base.tar" .
podman "${store[@]}" import -q "$work/base.tar" localhost/busybox >/dev/null

npm_token=$("$fake" NPM_TOKEN)
for project in leaky clean; do
  cp -r "$here/$project" "$work/$project"
  printf '//registry.npmjs.org/:_authToken=%s\n' "$npm_token" > "$work/$project/.npmrc"
done

echo "== safebuild build: the leaky project (expected: blocked) =="
NPM_TOKEN=$npm_token "$safebuild" build "${store[@]}" --build-arg NPM_TOKEN \
  -t localhost/example-leaky:1 "$work/leaky"
leaky_rc=$?
echo "exit code: $leaky_rc"
echo
echo "== safebuild build: the project done right (expected: tagged) =="
"$safebuild" build "${store[@]}" --secret "id=npmrc,src=$work/clean/.npmrc" \
  -t localhost/example-clean:1 "$work/clean"
clean_rc=$?
echo "exit code: $clean_rc"
echo
podman "${store[@]}" images --format '{{.Repository}}:{{.Tag}}' | grep example || true
if [ "$leaky_rc" = 65 ] && [ "$clean_rc" = 0 ]; then
  echo "example: the leaky image was blocked and the clean one tagged"
else
  echo "example: unexpected result (leaky $leaky_rc, clean $clean_rc)"
  exit 1
fi
