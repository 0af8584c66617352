#!/usr/bin/env bash
# The templates and the shims at work, with real podman and the real
# safebuild: each Containerfile template builds through safebuild with a
# credential given as --secret, the credential reaches the tool that needs
# it, and the image passes the scan and is tagged; the containerignore
# template keeps a credential file out of a `COPY . .`; `podman build` and
# `buildah bud` through the shims are gated the same way. Control builds
# that leak the same credential are blocked, which shows that it is one
# safebuild detects.
# Usage: real_builds.sh SAFEBUILD_BINARY
# Needs podman and busybox (busybox-static). The base image is busybox with
# fake npm, pip, go and mvn that report whether they saw a credential; the
# storage is a temporary one, removed at the end.
# shellcheck disable=SC2016 # script and Containerfile text is written as is
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR
. "$HERE/lib.sh"
SAFEBUILD=$(realpath "$1")
TEMPLATES=$ROOT/templates

# Exit 77: ctest reports the test as skipped.
if ! command -v podman > /dev/null || ! [ -x /bin/busybox ]; then
  skip "podman or /bin/busybox missing"
  finish real_builds
  exit 77
fi

T=$(mktemp -d /tmp/safebuild-real-builds.XXXXXX)
export CONTAINERS_CONF=$T/containers.conf
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
printf '[engine]\nruntime = "runc"\n' > "$CONTAINERS_CONF"
STORE=(--root "$T/root" --runroot "$T/runroot")
cleanup() {
  podman "${STORE[@]}" rmi -af > /dev/null 2>&1
  umount -R "$T/root/overlay" 2> /dev/null
  rm -rf "$T"
}
trap cleanup EXIT

# A fake tool: $1 is its name, $2 the file holding the credential it reads
# (a path, or a variable name holding one), $3 the shell that makes its
# output.
fake_tool() {
  cat > "$T/rootfs/usr/local/bin/$1" <<EOF
#!/bin/sh
cred=$2
if test -s "\$cred"; then echo "fake $1: credential seen"; else echo "fake $1: none"; fi
$3
EOF
  chmod +x "$T/rootfs/usr/local/bin/$1"
}

make_base_image() {
  mkdir -p "$T/rootfs/bin" "$T/rootfs/usr/local/bin" "$T/rootfs/tmp" "$T/rootfs/etc" \
    "$T/rootfs/root"
  cp /bin/busybox "$T/rootfs/bin/busybox"
  local applet
  for applet in $("$T/rootfs/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$T/rootfs/bin/$applet"
  done
  fake_tool npm /root/.npmrc 'mkdir -p node_modules/dep && echo ok > node_modules/dep/index.js'
  fake_tool pip '"${PIP_CONFIG_FILE:-}"' 'mkdir -p /opt/venv/lib && echo ok > /opt/venv/lib/dep'
  fake_tool go /root/.netrc \
    'if [ "$1" = build ]; then printf "#!/bin/sh\necho app\n" > /out/app; chmod +x /out/app; fi'
  fake_tool mvn '"$(echo "$@" | sed -n "s/.*-s \([^ ]*\).*/\1/p")"' \
    'case "$*" in *package*) mkdir -p target && echo jar > target/app.jar ;; esac'
  cat > "$T/rootfs/usr/local/bin/python" <<'EOF'
#!/bin/sh
# python -m venv DIR: a venv whose pip is the fake pip.
mkdir -p "$3/bin" && cp /usr/local/bin/pip "$3/bin/pip"
EOF
  chmod +x "$T/rootfs/usr/local/bin/python"
  tar -C "$T/rootfs" -cf "$T/base.tar" .
  podman "${STORE[@]}" import -q --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    "$T/base.tar" localhost/tools:latest > /dev/null
}

token() { tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 36; }

# build NAME ARGS...: safebuild build with the test storage and the fake
# base image; output in $T/NAME.log, exit code in RC.
build() {
  local name=$1
  shift
  "$SAFEBUILD" build "${STORE[@]}" --build-arg BASE_IMAGE=localhost/tools \
    --build-arg RUNTIME_IMAGE=localhost/tools "$@" > "$T/$name.log" 2>&1
  RC=$?
}

expect_built() {
  local name=$1 image=$2
  if [ "$RC" = 0 ] && podman "${STORE[@]}" image exists "$image"; then
    ok "$name: built, scanned clean and tagged"
  else
    not_ok "$name: built, scanned clean and tagged" "exit $RC" "$(tail -15 "$T/$name.log")"
  fi
}

expect_blocked() {
  local name=$1 image=$2
  if [ "$RC" = 65 ] && ! podman "${STORE[@]}" image exists "$image"; then
    ok "$name: blocked (65), not tagged"
  else
    not_ok "$name: blocked (65), not tagged" "exit $RC" "$(tail -15 "$T/$name.log")"
  fi
}

expect_log() {
  if grep -qF -- "$3" "$T/$2.log"; then ok "$1"; else not_ok "$1" "$(tail -15 "$T/$2.log")"; fi
}

expect_no_leak() {
  if grep -qF -- "$2" "$T/$1.log"; then not_ok "$1: the credential is not printed"
  else ok "$1: the credential is not printed"; fi
}

make_base_image
NPM_TOKEN=npm_$(token)
PIP_TOKEN=$(token)
NETRC_TOKEN=$(token)
MVN_TOKEN=$(token)

# Every project has the containerignore template and a credential file in
# its context, as a developer's checkout would.
new_project() {
  P=$T/$1
  mkdir -p "$P"
  cp "$TEMPLATES/containerignore" "$P/.containerignore"
  printf '//registry.example.invalid/:_authToken=%s\n' "$NPM_TOKEN" > "$P/.npmrc"
}

new_project node
printf '{"name": "app", "version": "1.0.0"}\n' > "$P/package.json"
printf '{"lockfileVersion": 3}\n' > "$P/package-lock.json"
echo 'console.log("app")' > "$P/server.js"
build node -f "$TEMPLATES/containerfiles/node.Containerfile" \
  --secret "id=npmrc,src=$P/.npmrc" -t localhost/tmpl-node:1 "$P"
expect_built node localhost/tmpl-node:1
expect_log "node: npm saw the .npmrc" node "fake npm: credential seen"
expect_no_leak node "$NPM_TOKEN"

new_project python
echo 'requests' > "$P/requirements.txt"
printf '[global]\nindex-url = https://ci:%s@pypi.example.invalid/simple\n' "$PIP_TOKEN" \
  > "$T/pip.conf"
build python -f "$TEMPLATES/containerfiles/python.Containerfile" \
  --secret "id=pipconf,src=$T/pip.conf" -t localhost/tmpl-python:1 "$P"
expect_built python localhost/tmpl-python:1
expect_log "python: pip saw the pip.conf" python "fake pip: credential seen"
expect_no_leak python "$PIP_TOKEN"

new_project go
printf 'module example.invalid/app\n\ngo 1.22\n' > "$P/go.mod"
: > "$P/go.sum"
echo 'package main' > "$P/main.go"
printf 'machine git.example.invalid login ci password %s\n' "$NETRC_TOKEN" > "$T/netrc"
build go -f "$TEMPLATES/containerfiles/go.Containerfile" --secret "id=netrc,src=$T/netrc" \
  --build-arg GOPRIVATE=git.example.invalid -t localhost/tmpl-go:1 "$P"
expect_built go localhost/tmpl-go:1
expect_log "go: go saw the .netrc" go "fake go: credential seen"
expect_no_leak go "$NETRC_TOKEN"

new_project maven
echo '<project/>' > "$P/pom.xml"
mkdir -p "$P/src/main"
server="<server><id>r</id><username>ci</username><password>$MVN_TOKEN</password></server>"
printf '<settings><servers>%s</servers></settings>\n' "$server" > "$T/settings.xml"
build maven -f "$TEMPLATES/containerfiles/maven.Containerfile" \
  --secret "id=maven-settings,src=$T/settings.xml" -t localhost/tmpl-maven:1 "$P"
expect_built maven localhost/tmpl-maven:1
expect_log "maven: mvn saw the settings.xml" maven "fake mvn: credential seen"
expect_no_leak maven "$MVN_TOKEN"

# Without the secret the templates still build (public registries).
build node-nosecret -f "$TEMPLATES/containerfiles/node.Containerfile" \
  -t localhost/tmpl-node:2 "$T/node"
expect_built node-nosecret localhost/tmpl-node:2
expect_log "node without the secret: the guard notes it" node-nosecret \
  "no npmrc secret given"

# --- the containerignore template, and controls that leak

printf 'FROM localhost/tools\nCOPY . /ctx/\n' > "$T/copy-all.Containerfile"
new_project ignore
echo 'data' > "$P/data.txt"
mkdir -p "$P/.aws" && printf '[default]\nregion = x\n' > "$P/.aws/config"
build ignore -f "$T/copy-all.Containerfile" -t localhost/tmpl-ignore:1 "$P"
expect_built "COPY . . with the containerignore" localhost/tmpl-ignore:1
# The image's files, without running it.
ctr=$(podman "${STORE[@]}" create localhost/tmpl-ignore:1 /bin/true 2> "$T/create.err")
out=$(podman "${STORE[@]}" export "$ctr" 2>&1 | tar -t 2>&1 | sort)
podman "${STORE[@]}" rm "$ctr" > /dev/null 2>&1
expect_has "the context's data file is copied" "$out" ctx/data.txt
expect_lacks "the .npmrc is not copied" "$out" ctx/.npmrc
expect_lacks "the .aws directory is not copied" "$out" ctx/.aws/

rm "$P/.containerignore"
build ignore-control -f "$T/copy-all.Containerfile" -t localhost/tmpl-ignore:2 "$P"
expect_blocked "control: COPY . . without the containerignore" localhost/tmpl-ignore:2
expect_no_leak ignore-control "$NPM_TOKEN"

printf 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY .npmrc /root/.npmrc\nRUN echo install\n' \
  > "$T/leaky.Containerfile"
mkdir -p "$T/leaky" && cp "$T/node/.npmrc" "$T/leaky/.npmrc"
build leaky -f "$T/leaky.Containerfile" -t localhost/tmpl-leaky:1 "$T/leaky"
expect_blocked "control: the .npmrc copied in, as the templates avoid" localhost/tmpl-leaky:1
# A tag in a cluster of short flags is held back as -t is.
build leaky-qt -f "$T/leaky.Containerfile" -qt localhost/tmpl-leaky:2 "$T/leaky"
expect_blocked "-qt NAME: the tag is held back too" localhost/tmpl-leaky:2
build leaky-qt2 -f "$T/leaky.Containerfile" -qtlocalhost/tmpl-leaky:3 "$T/leaky"
expect_blocked "-qtNAME: the tag is held back too" localhost/tmpl-leaky:3
# Files written out of the build would leave before the gate: refused.
build leaky-output -f "$T/leaky.Containerfile" -o "type=local,dest=$T/leaky-out" "$T/leaky"
if [ "$RC" = 64 ] && [ ! -e "$T/leaky-out" ]; then
  ok "-o DIR: refused (64) before the build, nothing written"
else
  not_ok "-o DIR: refused (64) before the build, nothing written" "exit $RC" \
    "$(tail -5 "$T/leaky-output.log")"
fi
expect_log "-o DIR: the refusal says why" leaky-output "before the scan can block it"
# A manifest list names no blocked image: one the build made goes, one that
# was there loses the entry.
build leaky-list -f "$T/leaky.Containerfile" --manifest localhost/leaky-list "$T/leaky"
if [ "$RC" = 65 ] && ! podman "${STORE[@]}" manifest exists localhost/leaky-list; then
  ok "--manifest NEW: blocked (65), the list the build made is gone"
else
  not_ok "--manifest NEW: blocked (65), the list the build made is gone" "exit $RC" \
    "$(tail -5 "$T/leaky-list.log")"
fi
podman "${STORE[@]}" manifest create localhost/kept-list > /dev/null
build leaky-list2 -f "$T/leaky.Containerfile" --manifest localhost/kept-list "$T/leaky"
entries=$(podman "${STORE[@]}" manifest inspect localhost/kept-list 2>/dev/null |
  grep -c '"digest"')
if [ "$RC" = 65 ] && [ "$entries" = 0 ]; then
  ok "--manifest OLD: blocked (65), the list keeps no entry for the image"
else
  not_ok "--manifest OLD: blocked (65), the list keeps no entry for the image" \
    "exit $RC, $entries entries" "$(tail -5 "$T/leaky-list2.log")"
fi
podman "${STORE[@]}" manifest rm localhost/kept-list > /dev/null 2>&1

# --- the shims, with the real podman behind them

shim() {
  local name=$1
  shift
  SAFEBUILD_BIN=$SAFEBUILD PATH="$ROOT/wrappers:$PATH" "$@" > "$T/$name.log" 2>&1
  RC=$?
}
shim shim-podman podman "${STORE[@]}" build --build-arg BASE_IMAGE=localhost/tools \
  -f "$TEMPLATES/containerfiles/node.Containerfile" --secret "id=npmrc,src=$T/node/.npmrc" \
  -t localhost/shim-node:1 "$T/node"
expect_built "podman --root … build through the shim" localhost/shim-node:1
expect_log "podman build through the shim: safebuild's verdict" shim-podman "verdict: pass"
shim shim-buildah buildah "${STORE[@]}" bud --build-arg BASE_IMAGE=localhost/tools \
  -f "$T/leaky.Containerfile" -t localhost/shim-leaky:1 "$T/leaky"
expect_blocked "buildah --root … bud of a leaky build through the shim" localhost/shim-leaky:1
shim shim-qt podman "${STORE[@]}" image build --build-arg BASE_IMAGE=localhost/tools \
  -f "$T/leaky.Containerfile" -qt localhost/shim-leaky:2 "$T/leaky"
expect_blocked "podman image build -qt of a leaky build through the shim" localhost/shim-leaky:2
shim shim-images podman "${STORE[@]}" images --format '{{.Repository}}:{{.Tag}}'
expect_log "podman images through the shim is the real podman" shim-images \
  localhost/shim-node:1

finish real_builds
