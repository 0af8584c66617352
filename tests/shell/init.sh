#!/usr/bin/env bash
# `safebuild init`: the files it copies and their content, the stack found
# from the project or given with --stack, each --ci file at its place, the
# rule that no file is ever replaced (a file that is there stays byte for
# byte, and inits racing each other create each file once), the errors and
# exit codes, and that an init'ed Node.js project lints clean.
# Usage: init.sh SAFEBUILD_BINARY
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR
. "$HERE/lib.sh"
SAFEBUILD=$(realpath "$1")
TEMPLATES=$ROOT/templates

T=$(mktemp -d /tmp/safebuild-init.XXXXXX)
trap 'chmod -R u+w "$T"; rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SAFEBUILD_TEMPLATES
umask 022

# init ARGS...: runs safebuild init in $T; sets OUT, ERR and RC.
init() {
  "$SAFEBUILD" "$@" > "$T/out" 2> "$T/err"
  RC=$?
  OUT=$(cat "$T/out")
  ERR=$(cat "$T/err")
}

# same NAME FILE TEMPLATE: FILE is a byte-for-byte copy of TEMPLATE.
same() {
  if cmp -s "$2" "$TEMPLATES/$3"; then ok "$1"; else not_ok "$1" "$2 differs from $3"; fi
}

lines() { printf '%s\n' "$@"; }

# --- a Node.js project, with a GitHub Actions workflow

mkdir -p node
echo '{"name": "app", "version": "1.0.0"}' > node/package.json
echo '{"lockfileVersion": 3}' > node/package-lock.json
echo 'console.log("hi")' > node/server.js
init init --ci github node
expect_eq "node: exit 0" "$RC" 0
expect_eq "node: the files it created, in order" "$OUT" \
  "$(lines "created node/Containerfile" "created node/.containerignore" \
    "created node/safebuild.mk" "created node/.github/workflows/safebuild.yml")"
expect_eq "node: the stack and the Makefile hint" "$ERR" \
  "$(lines "safebuild: node project (package.json)" \
    "safebuild: add \"include safebuild.mk\" to your Makefile, then: make image\
 IMAGE=localhost/node:latest")"
same "node: Containerfile is the node template" node/Containerfile \
  containerfiles/node.Containerfile
same "node: .containerignore is the template" node/.containerignore containerignore
same "node: safebuild.mk is the template" node/safebuild.mk safebuild.mk
same "node: the workflow is the GitHub Actions template" \
  node/.github/workflows/safebuild.yml ci/github-actions.yml
expect_eq "node: no Makefile is written" "$(test -e node/Makefile && echo yes)" ""
expect_eq "node: the files are rw-r--r-- under umask 022" \
  "$(stat -c %a node/Containerfile node/.containerignore node/safebuild.mk)" \
  "$(lines 644 644 644)"
expect_eq "node: nothing else in the project (no temporary file)" \
  "$(cd node && find . -mindepth 1 | sort)" \
  "$(lines ./.containerignore ./.github ./.github/workflows \
    ./.github/workflows/safebuild.yml ./Containerfile ./package-lock.json ./package.json \
    ./safebuild.mk ./server.js)"

"$SAFEBUILD" --fail-on info lint node > "$T/lint.out" 2>&1
rc=$?
expect_eq "node: the init'ed project lints clean (--fail-on info)" "$rc" 0
expect_has "node: lint's verdict" "$(cat "$T/lint.out")" \
  "safebuild: 0 findings; verdict: pass (--fail-on info)"

# The Makefile line init suggests works with the include it wrote.
printf 'include safebuild.mk\n' > node/Makefile
expect_eq "node: make image with the suggested line runs safebuild build" \
  "$(make --no-print-directory -C node -n image IMAGE=localhost/node:latest)" \
  "safebuild build -f Containerfile -t localhost/node:latest ."
rm node/Makefile

# --- never replacing a file

sum() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
before=$(sum node)
init init --ci github node
expect_eq "again: exit 0" "$RC" 0
expect_eq "again: every file is kept" "$OUT" \
  "$(lines "kept existing node/Containerfile" "kept existing node/.containerignore" \
    "kept existing node/safebuild.mk" "kept existing node/.github/workflows/safebuild.yml")"
expect_eq "again: the project is byte-identical" "$(sum node)" "$before"

mkdir -p py
touch py/requirements.txt
printf 'FROM localhost/mine\nRUN echo my own\n' > py/Containerfile
printf 'image:\n\t@echo my own include\n' > py/safebuild.mk
ln -s /nonexistent/ignore py/.containerignore
before=$(sha256sum py/Containerfile py/safebuild.mk)
init init --ci gitlab py
expect_eq "python: exit 0 with files kept" "$RC" 0
expect_eq "python: kept existing files are named, the rest created" "$OUT" \
  "$(lines "kept existing py/Containerfile" "kept existing py/.containerignore" \
    "kept existing py/safebuild.mk" "created py/.gitlab-ci.yml")"
expect_eq "python: the existing files are byte-identical" \
  "$(sha256sum py/Containerfile py/safebuild.mk)" "$before"
expect_eq "python: a dangling symlink is kept, its target not created" \
  "$(readlink py/.containerignore):$(test -e /nonexistent/ignore && echo made)" \
  "/nonexistent/ignore:"
same "python: .gitlab-ci.yml is the GitLab template" py/.gitlab-ci.yml ci/gitlab-ci.yml
expect_eq "python: the stack from requirements.txt" "$(head -1 <<< "$ERR")" \
  "safebuild: python project (requirements.txt)"

# A Dockerfile or .dockerignore is what podman reads when no Containerfile
# or .containerignore is there: writing one would change the build.
mkdir -p legacy
touch legacy/go.mod
echo 'FROM scratch' > legacy/Dockerfile
echo 'secrets/' > legacy/.dockerignore
init init legacy
expect_eq "Dockerfile project: exit 0" "$RC" 0
expect_eq "Dockerfile project: neither Containerfile nor .containerignore" "$OUT" \
  "$(lines "kept existing legacy/Dockerfile (podman reads Containerfile first: none written)" \
    "kept existing legacy/.dockerignore (podman reads .containerignore first: none written)" \
    "created legacy/safebuild.mk")"
expect_eq "Dockerfile project: no Containerfile, no .containerignore" \
  "$(cd legacy && find . -mindepth 1 -printf '%P\n' | sort)" \
  "$(lines .dockerignore Dockerfile go.mod safebuild.mk)"

# Inits racing each other into one project: each file is created once,
# complete, and every other init keeps it.
mkdir -p race
touch race/pom.xml
for i in 1 2 3 4 5 6 7 8; do
  "$SAFEBUILD" -q init --ci tekton race > "$T/race.$i" 2>&1 &
done
wait
expect_eq "race: each file created exactly once by 8 inits" \
  "$(cat "$T"/race.* | grep '^created' | sort)" \
  "$(lines "created race/.containerignore" "created race/Containerfile" \
    "created race/safebuild.mk" "created race/tekton/safebuild-task.yaml")"
expect_eq "race: the others kept them (8 x 4 - 4 lines)" \
  "$(cat "$T"/race.* | grep -c '^kept existing')" 28
same "race: the Containerfile is the maven template, complete" race/Containerfile \
  containerfiles/maven.Containerfile
same "race: the Tekton Task is the template" race/tekton/safebuild-task.yaml \
  ci/tekton-task.yaml
expect_eq "race: no temporary file is left" "$(find race -name '.*.??????' | wc -l)" 0

# --- the stack

mkdir -p both
touch both/package.json both/go.mod
init init --stack go both
expect_eq "--stack go overrides package.json" "$RC:$(head -1 <<< "$ERR")" \
  "0:safebuild: go project (--stack)"
same "--stack go: the go Containerfile" both/Containerfile containerfiles/go.Containerfile

mkdir -p both2
touch both2/package.json both2/go.mod
init init both2
expect_eq "two stacks: exit 64" "$RC" 64
expect_eq "two stacks: the error names both and the choices" "$ERR" \
  "safebuild: error: init: both2 looks like more than one stack: node (package.json), go\
 (go.mod); choose one with --stack node, python, go or maven"
expect_eq "two stacks: nothing written" \
  "$(cd both2 && find . -mindepth 1 -printf '%P\n' | sort)" "$(lines go.mod package.json)"

mkdir -p empty
init init empty
expect_eq "no stack: exit 64" "$RC" 64
expect_eq "no stack: the error lists the choices" "$ERR" \
  "safebuild: error: init: cannot tell the stack of empty: no package.json (node),\
 requirements.txt, pyproject.toml, setup.py (python), go.mod (go) or pom.xml (maven);\
 choose one with --stack node, python, go or maven"
expect_eq "no stack: nothing written" "$(find empty -mindepth 1)" ""

# --- usage errors and write failures

init init --stack rust empty
expect_eq "--stack rust: 64 and why" "$RC:$ERR" \
  "64:safebuild: error: init: --stack must be node, python, go or maven, not \"rust\""
init init --stack node --ci jenkins empty
expect_eq "--ci jenkins: 64 and why" "$RC:$ERR" \
  "64:safebuild: error: init: --ci must be github, gitlab or tekton, not \"jenkins\""
init init --force
expect_eq "an unknown option: 64" "$RC:$ERR" "64:safebuild: error: init: unknown option --force"
init init a b
expect_eq "two directories: 64" "$RC:$ERR" "64:safebuild: error: init: takes at most one DIR"
init init node/package.json
expect_eq "DIR is a file: 64" "$RC:$ERR" \
  "64:safebuild: error: init: node/package.json is not a directory"
expect_eq "usage errors wrote nothing" "$(find empty -mindepth 1)" ""

mkdir -p blocked
touch blocked/package.json blocked/.github
init init --ci github blocked
expect_eq "a file that cannot be written: exit 70" "$RC" 70
expect_eq "a file that cannot be written: the error names it" "$(grep error <<< "$ERR")" \
  "safebuild: error: cannot create blocked/.github/workflows: Not a directory"
expect_eq "a file that cannot be written: the others are written" "$OUT" \
  "$(lines "created blocked/Containerfile" "created blocked/.containerignore" \
    "created blocked/safebuild.mk")"

# --- where the templates come from

mkdir -p own/containerfiles envproj
cp "$TEMPLATES/safebuild.mk" "$TEMPLATES/containerignore" own/
echo '# our own node template' > own/containerfiles/node.Containerfile
touch envproj/package.json
SAFEBUILD_TEMPLATES=$T/own init -v init envproj
expect_eq "SAFEBUILD_TEMPLATES: exit 0" "$RC" 0
expect_eq "SAFEBUILD_TEMPLATES: its Containerfile is copied" "$(cat envproj/Containerfile)" \
  "# our own node template"
expect_has "-v names the templates directory" "$ERR" "safebuild: templates: $T/own"
SAFEBUILD_TEMPLATES=$T/none init init envproj
expect_eq "SAFEBUILD_TEMPLATES without templates: exit 70" "$RC:$ERR" \
  "70:safebuild: error: init: SAFEBUILD_TEMPLATES=$T/none holds no safebuild templates\
 (safebuild.mk, containerfiles/)"
init -v init --stack node "$T/empty"
expect_has "from a build directory, the source tree's templates" "$ERR" \
  "safebuild: templates: $TEMPLATES"
rm -rf "$T/empty"/* "$T/empty"/.[!.]*

# --- quiet, help

mkdir -p quiet
touch quiet/setup.py
init -q init quiet
expect_eq "-q: no notes on stderr" "$RC:$ERR" "0:"
expect_eq "-q: the files are still listed" "$(wc -l <<< "$OUT")" 3
init init --help
expect_eq "init --help: exit 0" "$RC" 0
expect_eq "init --help: the synopsis" "$(head -1 <<< "$OUT")" \
  "Usage: safebuild init [--stack STACK] [--ci CI] [DIR]"
expect_has "init --help: an Examples section" "$OUT" "Examples:"
expect_has "init --help: an example with --ci" "$OUT" "  safebuild init --ci github ~/src/app"

finish init
