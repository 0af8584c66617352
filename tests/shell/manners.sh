#!/usr/bin/env bash
# Terminal manners of the safebuild binary: each command's --help is its
# own and has examples, -q leaves only errors and the report, and every
# error is one line shaped `safebuild: error: …` with exit code 64. A fake
# podman stands in where a command would run podman.
# Usage: manners.sh SAFEBUILD_BINARY
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR
. "$HERE/lib.sh"
SAFEBUILD=$(realpath "$1")

T=$(mktemp -d /tmp/safebuild-manners.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SAFEBUILD_FORMAT SAFEBUILD_FAIL_ON SAFEBUILD_REWRITE SAFEBUILD_PODMAN

# A podman whose build fails with exit 3 and which answers `--help`.
cat > "$T/podman" <<'EOF'
#!/bin/sh
for a in "$@"; do [ "$a" = --help ] && { echo "fake podman $1 --help"; exit 0; }; done
case $1 in
  build) echo "fake podman build" >&2; exit 3 ;;
  version) echo "4.3.1" ;;
esac
exit 0
EOF
chmod +x "$T/podman"

# sb ARGS...: runs safebuild; sets OUT, ERR and RC.
sb() {
  "$SAFEBUILD" "$@" > "$T/out" 2> "$T/err"
  RC=$?
  OUT=$(cat "$T/out")
  ERR=$(cat "$T/err")
}

# --- --help

sb baseline --help
expect_eq "baseline --help: exit 0" "$RC" 0
expect_eq "baseline --help is baseline's, not scan's" "$(head -1 <<< "$OUT")" \
  "Usage: safebuild [OPTIONS] baseline [OPTIONS] IMAGE > FILE"
expect_has "baseline --help: its example" "$OUT" \
  "  safebuild baseline localhost/app:1 > .safebuild-baseline.json"
sb scan --help
expect_eq "scan --help is scan's" "$(head -1 <<< "$OUT")" \
  "Usage: safebuild [OPTIONS] scan [OPTIONS] IMAGE"

for cmd in scan baseline lint parse fix init; do
  sb "$cmd" --help
  expect_eq "$cmd --help: exit 0, nothing on stderr" "$RC:$ERR" "0:"
  expect_has "$cmd --help: an Examples section" "$OUT" "Examples:"
  if grep -q "^  safebuild .*$cmd" <<< "$OUT"; then ok "$cmd --help: an example of $cmd"
  else not_ok "$cmd --help: an example of $cmd" "$OUT"; fi
done
sb parse -h
expect_eq "parse -h: the same as --help" "$(head -1 <<< "$OUT")" \
  "Usage: safebuild parse [-f FILE] [CONTEXT]"
for cmd in build push; do
  sb --podman "$T/podman" "$cmd" --help
  expect_eq "$cmd --help: exit 0" "$RC" 0
  expect_has "$cmd --help: safebuild's Examples first" "$OUT" "Examples:"
  expect_has "$cmd --help: then podman's own options" "$OUT" "podman $cmd's own options:"
  expect_eq "$cmd --help: podman's help last" "$(tail -1 <<< "$OUT")" \
    "fake podman $cmd --help"
done
sb --help
expect_has "--help: an Examples section" "$OUT" "Examples:"
expect_has "--help: lists init" "$OUT" \
  "  init [--stack S] [--ci CI] [DIR]     copy the fitting templates into a project"

# --- -q: only errors and the report

mkdir -p p
# shellcheck disable=SC2016 # Containerfile text
printf 'FROM busybox\nARG GITHUB_TOKEN\nRUN echo "$GITHUB_TOKEN" > /dev/null\n' > p/Containerfile
sb --podman "$T/podman" build -t x p
expect_eq "build: podman's exit code" "$RC" 3
expect_has "build: the rewrite is suggested" "$ERR" \
  "safebuild fix would rewrite p/Containerfile ('safebuild fix --diff' shows it;\
 --rewrite=apply builds from it):"
report=$(grep -v -e '^safebuild fix would' -e '^p/Containerfile:[0-9]*: ' \
  -e '^build the rewritten' -e '^  ' <<< "$ERR")
sb -q --podman "$T/podman" build -t x p
expect_eq "build -q: podman's exit code" "$RC" 3
expect_lacks "build -q: no suggestion" "$ERR" \
  "safebuild fix would rewrite p/Containerfile ('safebuild fix --diff' shows it;\
 --rewrite=apply builds from it):"
expect_has "build -q: the lint report stays" "$ERR" \
  "safebuild: 2 findings (1 medium, 1 low); verdict: pass (--fail-on high)"
expect_has "build -q: the error stays" "$ERR" "safebuild: error: podman build failed (exit 3)"
expect_eq "build -q: the same output less the suggestion" \
  "$(grep -v '^  ' <<< "$ERR")" "$report"

# A tag podman would refuse is refused before anything is built, with
# podman's exit code and message (the fake podman would print "fake podman
# build").
while IFS='|' read -r tag want; do
  sb -q --podman "$T/podman" build -t ok:1 -t "$tag" p
  expect_eq "build -t '$tag': refused up front, exit 125" "$RC:$ERR" \
    "125:safebuild: error: tag $tag: invalid reference format$want"
done <<'EOF'
Bad:tag|: repository name must be lowercase
a b|
app@sha256:abc|: a build tag cannot name a digest
EOF

# podman echoes every step; a secret lint found in a RUN line (here a
# password that no token format matches) is redacted there too.
cat > "$T/echo-podman" <<'EOF'
#!/bin/sh
[ "$1" = build ] || exit 0
dir=. file=
while [ $# -gt 0 ]; do
  case "$1" in -f|--file) file=$2; shift ;; --iidfile) shift ;; -*) ;; *) dir=$1 ;; esac
  shift
done
n=0
grep -v '^#' "${file:-$dir/Containerfile}" | while IFS= read -r l; do
  n=$((n + 1)); echo "STEP $n: $l"
done
exit 3
EOF
chmod +x "$T/echo-podman"
mkdir -p echo
pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
printf 'FROM busybox\nRUN curl -fsS -u deploy:%s https://files.example.invalid/x -o /x\n' \
  "$pw" > echo/Containerfile
sb --podman "$T/echo-podman" build -t x echo
expect_eq "echoed build: podman's exit code" "$RC" 3
expect_has "echoed build: the step is shown" "$OUT" \
  "STEP 2: RUN curl -fsS -u deploy:${pw:0:4}… https://files.example.invalid/x -o /x"
if grep -qF -- "$pw" <<< "$OUT$ERR"; then
  not_ok "echoed build: the password is in no output" "it was printed"
else
  ok "echoed build: the password is in no output"
fi

sb -q init --stack go p
expect_eq "init -q: the files on stdout, nothing on stderr" "$RC:$ERR:$(wc -l <<< "$OUT")" \
  "0::3"
sb -q --color always lint p
expect_eq "lint -q: exit 0" "$RC" 0
# shellcheck disable=SC2001 # a regular expression, not a plain pattern
expect_has "lint -q: the report's verdict" "$(sed 's/\x1b\[[0-9;]*m//g' <<< "$ERR")" \
  "safebuild: 2 findings (1 medium, 1 low); verdict: pass (--fail-on high)"

# --- errors: one line, `safebuild: error: …`, exit 64

while IFS='|' read -r args want; do
  # shellcheck disable=SC2086 # the arguments are split on purpose
  sb -q $args
  expect_eq "safebuild $args" "$RC:$ERR" "64:safebuild: error: $want"
done <<'EOF'
bogus|unknown command "bogus" (try 'safebuild --help')
|no command given (try 'safebuild --help')
--fail-on extreme lint p|--fail-on must be info, low, medium, high or critical, not "extreme"
--format xml lint p|--format must be text, json or sarif, not "xml"
--color sometimes lint p|--color must be auto, always or never
scan|scan: needs an IMAGE
scan a b|scan: takes exactly one IMAGE
parse --nope|parse: unknown option --nope
lint nowhere|lint: no Containerfile or Dockerfile in nowhere
init --stack cobol p|init: --stack must be node, python, go or maven, not "cobol"
EOF

# A bad value from the environment names the variable.
SAFEBUILD_FORMAT=yaml sb -q lint p
expect_eq "SAFEBUILD_FORMAT=yaml" "$RC:$ERR" \
  "64:safebuild: error: SAFEBUILD_FORMAT: --format must be text, json or sarif, not \"yaml\""
SAFEBUILD_FAIL_ON=extreme sb -q lint p
expect_eq "SAFEBUILD_FAIL_ON=extreme" "$RC:$ERR" \
  "64:safebuild: error: SAFEBUILD_FAIL_ON: --fail-on must be info, low, medium, high or\
 critical, not \"extreme\""

finish manners
