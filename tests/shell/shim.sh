#!/usr/bin/env bash
# The podman and buildah shims (wrappers/): builds are routed to safebuild
# with podman's global options carried over, everything else reaches the
# real tool untouched, and the shim never finds itself.
# Usage: shim.sh [SAFEBUILD_BINARY]
# Fake podman, buildah and safebuild scripts record their arguments, so no
# real podman is needed. With SAFEBUILD_BINARY, the real safebuild is also
# run behind the shim, against the fake podman.
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR
. "$HERE/lib.sh"
REAL_SAFEBUILD=${1:+$(realpath "$1")}

T=$(mktemp -d /tmp/safebuild-shim.XXXXXX)
trap 'rm -rf "$T"' EXIT
REC=$T/rec
mkdir -p "$REC" "$T/shim" "$T/real" "$T/sb" "$T/empty"
ln -s "$ROOT/wrappers/podman" "$T/shim/podman"
ln -s "$ROOT/wrappers/buildah" "$T/shim/buildah"

# A fake tool: records its argv (one per line), the stdin of `load`, and
# CONTAINERS_REGISTRIES_CONF; exits with $FAKE_EXIT.
make_fake() {
  cat > "$2" <<EOF
#!/bin/sh
printf '%s\n' "\$@" > "$REC/$1.argv"
printf '%s\n' "\${CONTAINERS_REGISTRIES_CONF:-}" > "$REC/$1.env"
[ "\${1:-}" != load ] || cat > "$REC/$1.stdin"
exit "\${FAKE_EXIT:-0}"
EOF
  chmod +x "$2"
}
make_fake podman "$T/real/podman"
make_fake buildah "$T/real/buildah"
make_fake safebuild "$T/sb/safebuild"

# The system tools the shims and fakes use, without the machine's own
# podman, buildah or safebuild: no test can reach them.
mkdir -p "$T/sys"
for tool in sh dd grep realpath readlink dirname basename cat env timeout \
  dash busybox bash; do
  if command -v "$tool" > /dev/null; then ln -s "$(command -v "$tool")" "$T/sys/$tool"; fi
done
SYS_PATH=$T/sys
BASE_PATH=$T/shim:$T/real:$T/sb:$SYS_PATH

# run [ENV=V...] TOOL ARGS...: runs a shim with the test PATH (unless the
# caller gives PATH) and no overrides from the outside; sets RC and clears
# the recordings first.
run() {
  rm -f "$REC"/*
  env -u SAFEBUILD_REAL_PODMAN -u SAFEBUILD_REAL_BUILDAH -u SAFEBUILD_BIN \
    PATH="$BASE_PATH" "$@" > "$T/out" 2> "$T/err" < /dev/null
  RC=$?
}

argv_of() { cat "$REC/$1.argv" 2>/dev/null; }
args() { printf '%s\n' "$@"; }

# --- podman: builds are routed to safebuild

run podman --root X build -t t .
expect_eq "podman --root X build: safebuild gets the real podman and the flags" \
  "$(argv_of safebuild)" "$(args --podman "$T/real/podman" build --root X -t t .)"
expect_eq "podman build: the real podman is not run by the shim" "$(argv_of podman)" ""

run podman --root=X --runroot Y --storage-driver vfs -c conn -r --log-level=debug \
  build -f F ctx
expect_eq "global options keep their form; -c and -r become long" \
  "$(argv_of safebuild)" \
  "$(args --podman "$T/real/podman" build --root=X --runroot Y --storage-driver vfs \
    --connection conn --remote --log-level=debug -f F ctx)"

run podman --connection=a -cb --remote=false build .
expect_eq "--connection=a, -cb and --remote=false" "$(argv_of safebuild)" \
  "$(args --podman "$T/real/podman" build --connection a --connection b --remote=false .)"

run podman -rc conn -r=false -cother build .
expect_eq "short clusters: -rc conn, -r=false, -cother" "$(argv_of safebuild)" \
  "$(args --podman "$T/real/podman" build --remote --connection conn --remote=false \
    --connection other .)"

run podman -x build .
expect_eq "an unknown short option goes to the real podman, which rejects it" \
  "$(argv_of podman)" "$(args -x build .)"

run podman image build -f Containerfile .
expect_eq "podman image build is routed" "$(argv_of safebuild)" \
  "$(args --podman "$T/real/podman" build -f Containerfile .)"

run podman --root X image build .
expect_eq "podman --root X image build is routed" "$(argv_of safebuild)" \
  "$(args --podman "$T/real/podman" build --root X .)"

run podman buildx build -t t .
expect_eq "podman buildx build is routed" "$(argv_of safebuild)" \
  "$(args --podman "$T/real/podman" build -t t .)"

run podman --some-new-flag value build .
expect_eq "an unknown global option with a value is carried over" "$(argv_of safebuild)" \
  "$(args --podman "$T/real/podman" build --some-new-flag value .)"

run podman --some-new-bool build .
expect_eq "an unknown global option before build is taken as a switch" \
  "$(argv_of safebuild)" "$(args --podman "$T/real/podman" build --some-new-bool .)"

run podman --root "a b'c" build --build-arg "X=1 2" -t 'q"t' "ctx dir"
expect_eq "spaces and quotes survive" "$(argv_of safebuild)" \
  "$(args --podman "$T/real/podman" build --root "a b'c" --build-arg "X=1 2" -t 'q"t' \
    "ctx dir")"

run podman build --help
expect_eq "podman build --help goes to safebuild, which asks podman" "$(argv_of safebuild)" \
  "$(args --podman "$T/real/podman" build --help)"

run FAKE_EXIT=65 podman build .
expect_eq "safebuild's exit code is the shim's" "$RC" 65

run podman --ssh native build .
expect_eq "a global --ssh before build is refused (125)" "$RC" 125
expect_eq "a refused build runs nothing" "$(argv_of safebuild)$(argv_of podman)" ""
if grep -q -- "--ssh native" "$T/err"; then ok "the refusal names the option"
else not_ok "the refusal names the option" "$(cat "$T/err")"; fi

run podman --ssh native images
expect_eq "a global --ssh is fine for other commands" "$(argv_of podman)" \
  "$(args --ssh native images)"

# --- podman: everything else is the real podman, untouched

run FAKE_EXIT=7 podman images
expect_eq "podman images reaches the real podman" "$(argv_of podman)" images
expect_eq "the real podman's exit code is the shim's" "$RC" 7
expect_eq "safebuild is not run for podman images" "$(argv_of safebuild)" ""

rm -f "$REC"/*
echo hi | env -u SAFEBUILD_REAL_PODMAN PATH="$BASE_PATH" podman load > /dev/null
expect_eq "standard input reaches the real podman" "$(cat "$REC/podman.stdin" 2>/dev/null)" hi

cp "$T/real/podman" "$T/podman.saved"
printf '#!/bin/sh\necho "out:$*"\necho "err:$*" >&2\n' > "$T/real/podman"
out=$(env -u SAFEBUILD_REAL_PODMAN PATH="$BASE_PATH" podman ps -a 2>/dev/null)
err=$(env -u SAFEBUILD_REAL_PODMAN PATH="$BASE_PATH" podman ps -a 2>&1 >/dev/null)
expect_eq "standard output reaches the caller" "$out" "out:ps -a"
expect_eq "standard error reaches the caller" "$err" "err:ps -a"
cp "$T/podman.saved" "$T/real/podman"

run podman --root X image ls --format '{{.ID}}'
expect_eq "global options of other commands stay in place" "$(argv_of podman)" \
  "$(args --root X image ls --format '{{.ID}}')"

run podman image inspect build
expect_eq "podman image inspect build is not a build" "$(argv_of podman)" \
  "$(args image inspect build)"

run podman --help
expect_eq "podman --help reaches the real podman" "$(argv_of podman)" --help

run podman --version
expect_eq "podman --version reaches the real podman" "$(argv_of podman)" --version

run podman run --rm img build
expect_eq "a later word 'build' is not the subcommand" "$(argv_of podman)" \
  "$(args run --rm img build)"

run podman
expect_eq "podman with no arguments reaches the real podman" "$RC:$(argv_of podman)" "0:"

# --- podman: finding the real podman

run PATH="$T/shim:$T/shim:$T/real:$T/sb:$SYS_PATH" timeout 10 podman images
expect_eq "shim directory twice in PATH: no recursion" "$RC:$(argv_of podman)" "0:images"

ln -s "$T/shim" "$T/shim-link"
run PATH="$T/shim-link:$T/shim:$T/real:$T/sb:$SYS_PATH" timeout 10 podman --root X build .
expect_eq "shim reached through a symlinked directory: no recursion" "$RC:$(argv_of safebuild)" \
  "0:$(args --podman "$T/real/podman" build --root X .)"

mkdir -p "$T/copy"
cp "$ROOT/wrappers/podman" "$T/copy/podman"
run PATH="$T/shim:$T/copy:$T/real:$T/sb:$SYS_PATH" timeout 10 podman info
expect_eq "a copy of the shim elsewhere in PATH is skipped" "$RC:$(argv_of podman)" "0:info"

run PATH="$T/shim:$T/shim:$T/sb:$SYS_PATH" timeout 10 podman images
if [ "$RC" = 127 ] && grep -q "no real podman" "$T/err"; then
  ok "no real podman: exit 127 with a message, no recursion"
else
  not_ok "no real podman: exit 127 with a message, no recursion" "rc=$RC" "$(cat "$T/err")"
fi

mkdir -p "$T/other"
make_fake podman "$T/other/podman"
run SAFEBUILD_REAL_PODMAN="$T/other/podman" podman build .
expect_eq "SAFEBUILD_REAL_PODMAN names the real podman" "$(argv_of safebuild)" \
  "$(args --podman "$T/other/podman" build .)"

run SAFEBUILD_REAL_PODMAN="$T/shim/podman" timeout 10 podman images
expect_eq "SAFEBUILD_REAL_PODMAN pointing at the shim is refused" "$RC" 127

rm -f "$REC"/*
(cd "$T" && PATH="shim:real:sb:$SYS_PATH" podman build . > /dev/null 2>&1)
expect_eq "relative PATH entries: the real podman is passed as an absolute path" \
  "$(argv_of safebuild)" "$(args --podman "$T/real/podman" build .)"

# --- podman: finding safebuild

run PATH="$T/shim:$T/real:$SYS_PATH" podman build .
if [ "$RC" = 127 ] && [ -z "$(argv_of podman)" ]; then
  ok "no safebuild: exit 127 and no unscanned build"
else
  not_ok "no safebuild: exit 127 and no unscanned build" "rc=$RC" "$(argv_of podman)"
fi

run PATH="$T/shim:$T/real:$SYS_PATH" SAFEBUILD_BIN="$T/sb/safebuild" podman build .
expect_eq "SAFEBUILD_BIN names safebuild" "$(argv_of safebuild)" \
  "$(args --podman "$T/real/podman" build .)"

mkdir -p "$T/prefix/bin" "$T/prefix/libexec/safebuild"
cp "$ROOT/wrappers/podman" "$T/prefix/libexec/safebuild/podman"
make_fake safebuild "$T/prefix/bin/safebuild"
rm -f "$REC"/*
env -u SAFEBUILD_BIN PATH="$T/prefix/libexec/safebuild:$T/real:$SYS_PATH" \
  podman build . > /dev/null 2>&1
expect_eq "installed layout: libexec/safebuild/podman runs bin/safebuild" \
  "$(argv_of safebuild)" "$(args --podman "$T/real/podman" build .)"

# --- buildah

run buildah bud -t t .
expect_eq "buildah bud is routed to safebuild with the real podman" "$(argv_of safebuild)" \
  "$(args --podman "$T/real/podman" build -t t .)"

run buildah --root X --runroot=Y --storage-opt a=b build -f F .
expect_eq "buildah build with storage options" "$(argv_of safebuild)" \
  "$(args --podman "$T/real/podman" build --root X --runroot Y --storage-opt a=b -f F .)"

run buildah build-using-dockerfile .
expect_eq "buildah build-using-dockerfile is routed" "$(argv_of safebuild)" \
  "$(args --podman "$T/real/podman" build .)"

run buildah --debug bud .
expect_eq "buildah --debug becomes --log-level=debug" "$(argv_of safebuild)" \
  "$(args --podman "$T/real/podman" build --log-level=debug .)"

run buildah --registries-conf /x/reg.conf bud .
expect_eq "buildah --registries-conf becomes CONTAINERS_REGISTRIES_CONF" \
  "$(cat "$REC/safebuild.env" 2>/dev/null)" /x/reg.conf

run buildah --short-name-alias-conf /x bud .
expect_eq "a buildah-only global option before bud is refused (125)" \
  "$RC:$(argv_of safebuild)" "125:"

run FAKE_EXIT=3 buildah images --json
expect_eq "buildah images reaches the real buildah" "$(argv_of buildah)" \
  "$(args images --json)"
expect_eq "the real buildah's exit code is the shim's" "$RC" 3

run PATH="$T/shim:$T/shim:$T/real:$T/sb:$SYS_PATH" timeout 10 buildah from scratch
expect_eq "buildah: shim directory twice in PATH: no recursion" \
  "$RC:$(argv_of buildah)" "0:$(args from scratch)"

mkdir -p "$T/only-buildah"
make_fake buildah "$T/only-buildah/buildah"
run PATH="$T/shim:$T/only-buildah:$T/sb:$SYS_PATH" timeout 10 buildah bud .
expect_eq "buildah bud without a real podman: exit 127" "$RC" 127

# --- other POSIX shells run the shims the same way

for shell in dash "busybox sh" "bash --posix"; do
  if ! command -v "${shell%% *}" > /dev/null; then
    skip "the shim under $shell"
    continue
  fi
  # shellcheck disable=SC2086 # the shell command is meant to be split
  run $shell "$ROOT/wrappers/podman" --root "a b" image build -t t .
  expect_eq "the podman shim under $shell" "$(argv_of safebuild)" \
    "$(args --podman "$T/real/podman" build --root "a b" -t t .)"
  # shellcheck disable=SC2086
  run FAKE_EXIT=4 $shell "$ROOT/wrappers/buildah" --root X containers
  expect_eq "the buildah shim under $shell" "$RC:$(argv_of buildah)" \
    "4:$(args --root X containers)"
done

# --- behind the shim, the real safebuild

if [ -n "$REAL_SAFEBUILD" ]; then
  run SAFEBUILD_BIN="$REAL_SAFEBUILD" podman --root X build --help
  expect_eq "real safebuild: podman build --help is podman's" "$RC:$(argv_of podman)" \
    "0:$(args build --root X --help)"
else
  skip "real safebuild behind the shim (no binary given)"
fi

finish shim
