#!/usr/bin/env bash
# Shell completions (completions/): bash's completion function is driven
# through COMP_WORDS/COMP_CWORD, zsh's through an interactive zsh in a
# pseudo-terminal, fish's through `complete -C`. Local images come from a
# fake podman (SAFEBUILD_PODMAN), which also shows that completing never
# asks podman for --help. zsh and fish parts are skipped when not installed.
# Usage: completions.sh
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR
. "$HERE/lib.sh"
COMPLETIONS=$ROOT/completions

T=$(mktemp -d /tmp/safebuild-completions.XXXXXX)
trap 'rm -rf "$T"' EXIT
# A working directory with a file and a directory to complete.
mkdir -p "$T/work/ctxdir" "$T/work/store"
touch "$T/work/report.json" "$T/work/Containerfile"
cat > "$T/podman" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >> "$T/podman.calls"
[ "\$1" = images ] || exit 1
printf '%s\n' localhost/app:1 localhost/app:2 '<none>:<none>' quay.example/x/y:latest
EOF
chmod +x "$T/podman"
export SAFEBUILD_PODMAN=$T/podman
# fish keeps state under XDG directories: keep it in the test's own.
export XDG_CONFIG_HOME=$T/xdg/config XDG_DATA_HOME=$T/xdg/data XDG_CACHE_HOME=$T/xdg/cache
cd "$T/work" || exit 1

# --- bash

# shellcheck source=SCRIPTDIR/../../completions/safebuild.bash
. "$COMPLETIONS/safebuild.bash"

# comp WORD...: the candidates for the last word, one per line, sorted.
# Words are given as bash splits them (":" and "=" apart).
comp() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _safebuild safebuild "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | sort
}

expect_eq "bash: safebuild b → baseline, build" "$(comp safebuild b)" \
  "$(printf '%s\n' baseline build)"
expect_eq "bash: the commands" "$(comp safebuild '')" \
  "$(printf '%s\n' baseline build fix init lint parse push scan version)"
expect_eq "bash: --fail-on h → high" "$(comp safebuild --fail-on h)" high
expect_eq "bash: --fail-on lists the severities" "$(comp safebuild --fail-on '')" \
  "$(printf '%s\n' critical high info low medium)"
expect_eq "bash: --format values" "$(comp safebuild --format '')" \
  "$(printf '%s\n' json sarif text)"
expect_eq "bash: --rewrite values" "$(comp safebuild --rewrite '')" \
  "$(printf '%s\n' apply off suggest)"
expect_eq "bash: --rewrite value, then the command" "$(comp safebuild --rewrite apply bu)" build
expect_eq "bash: --con → --config" "$(comp safebuild --con)" --config
expect_eq "bash: --baseli → --baseline" "$(comp safebuild --baseli)" --baseline
expect_eq "bash: --format=j (split at =) → json" "$(comp safebuild --format = j)" json
expect_eq "bash: --format= (split at =)" "$(comp safebuild --format =)" \
  "$(printf '%s\n' json sarif text)"
expect_eq "bash: --color values" "$(comp safebuild --color '')" \
  "$(printf '%s\n' always auto never)"
expect_eq "bash: --re → --report, --rewrite" "$(comp safebuild --re)" \
  "$(printf '%s\n' --report --rewrite)"
expect_has "bash: --report completes files" "$(comp safebuild --report '')" report.json
expect_has "bash: options before the command" "$(comp safebuild -)" --keep-failed
expect_has "bash: --fail-on-skipped" "$(comp safebuild -)" --fail-on-skipped
expect_has "bash: --version before the command" "$(comp safebuild --ver)" --version
expect_eq "bash: the command after options and their values" \
  "$(comp safebuild --format json -q --report r.json bu)" build

out=$(comp safebuild build --bu)
expect_has "bash: build --bu includes --build-arg" "$out" --build-arg
expect_has "bash: build --bu includes --build-context" "$out" --build-context
expect_has "bash: build offers podman's global --root" "$(comp safebuild build --ro)" --root
expect_lacks "bash: build does not offer safebuild's --fail-on" \
  "$(comp safebuild build --fa)" --fail-on
expect_eq "bash: build --format values" "$(comp safebuild build --format '')" \
  "$(printf '%s\n' docker oci)"
expect_eq "bash: push --format values" "$(comp safebuild push --format '')" \
  "$(printf '%s\n' oci v2s1 v2s2)"
expect_eq "bash: build --pull=n (split at =)" "$(comp safebuild build --pull = n)" \
  "$(printf '%s\n' never newer)"
expect_has "bash: build -f completes files" "$(comp safebuild build -f '')" Containerfile
expect_eq "bash: build --root completes directories" "$(comp safebuild build --root '')" \
  "$(printf '%s\n' ctxdir store)"
expect_eq "bash: build's context is a directory" "$(comp safebuild build -t x '')" \
  "$(printf '%s\n' ctxdir store)"
expect_eq "bash: a value flag's value is no context" \
  "$(comp safebuild build --network '')" "$(printf '%s\n' host none private)"
expect_eq "bash: --secret takes a value with no fixed words" \
  "$(comp safebuild build --secret '')" ""

out=$(comp safebuild scan '')
expect_has "bash: scan offers local images" "$out" localhost/app:1
expect_has "bash: scan offers the oci: transport" "$out" oci:
expect_lacks "bash: scan skips untagged images" "$out" "<none>:<none>"
expect_eq "bash: scan localhost/app:<Tab> (split at :)" "$(comp safebuild scan localhost/app :)" \
  "$(printf '%s\n' 1 2)"
expect_eq "bash: scan oci:<Tab> completes directories" "$(comp safebuild scan oci : '')" \
  "$(printf '%s\n' ctxdir store)"
expect_has "bash: scan oci-archive:<Tab> completes files" \
  "$(comp safebuild scan oci-archive : r)" report.json
expect_has "bash: options after scan" "$(comp safebuild scan --fa)" --fail-on
expect_has "bash: scan --root" "$(comp safebuild scan --ru)" --runroot
expect_eq "bash: scan --root completes directories" "$(comp safebuild scan --root '')" \
  "$(printf '%s\n' ctxdir store)"
expect_eq "bash: scan takes one image" "$(comp safebuild scan localhost/app:1 '')" ""
expect_has "bash: lint -f completes files" "$(comp safebuild lint -f '')" Containerfile
expect_has "bash: lint options" "$(comp safebuild lint --bu)" --build-arg
expect_has "bash: push offers local images" "$(comp safebuild push '')" quay.example/x/y:latest
expect_has "bash: push's destination offers transports" \
  "$(comp safebuild push localhost/app:1 '')" docker://
expect_has "bash: push offers podman push flags" "$(comp safebuild push --dig)" --digestfile
expect_eq "bash: version takes nothing" "$(comp safebuild version '')" ""
expect_eq "bash: init's options" "$(comp safebuild init --)" \
  "$(printf '%s\n' --ci --help --stack)"
expect_eq "bash: init --stack values" "$(comp safebuild init --stack '')" \
  "$(printf '%s\n' go maven node python)"
expect_eq "bash: init --ci g" "$(comp safebuild init --ci g)" "$(printf '%s\n' github gitlab)"
expect_eq "bash: init --ci=t (split at =)" "$(comp safebuild init --ci = t)" tekton
expect_eq "bash: init's DIR is a directory" "$(comp safebuild init --ci github '')" \
  "$(printf '%s\n' ctxdir store)"
expect_has "bash: baseline offers local images" "$(comp safebuild baseline '')" localhost/app:2
expect_has "bash: fix --di → --diff" "$(comp safebuild fix --di)" --diff

if grep -qv '^images ' "$T/podman.calls"; then
  not_ok "bash: podman is only asked for images" "$(sort -u "$T/podman.calls")"
else
  ok "bash: podman is only asked for images"
fi
expect_eq "bash: without podman, scan still offers transports" \
  "$(SAFEBUILD_PODMAN=$T/none comp safebuild scan '' 2>&1)" \
  "$(printf '%s\n' docker-archive: oci-archive: oci:)"

# The three files embed the same podman flags.
# shellcheck disable=SC2086 # the lists are split on purpose
bash_flags=$(printf '%s\n' $_safebuild_build_value_flags $_safebuild_build_switches | sort)
zsh_flags=$(sed -n '/^_safebuild_build_specs=(/,/^)/p' "$COMPLETIONS/_safebuild" |
  grep -oE -- "--[a-z0-9-]+(\}')?\[" | sed -E "s/[^a-z0-9-]//g" | sort)
expect_eq "zsh embeds bash's podman build flags" "$zsh_flags" \
  "$(grep -- '^--' <<< "$bash_flags" | grep -vx -- --pull)"
if grep -qF -- "'--pull=-[" "$COMPLETIONS/_safebuild"; then
  ok "zsh embeds --pull= (its value only after =)"
else
  not_ok "zsh embeds --pull= (its value only after =)"
fi

# --- zsh

if command -v zsh > /dev/null; then
  rc=0
  out=$(zsh -fc "fpath=($COMPLETIONS \$fpath); autoload -U compinit; compinit -u -D;
    whence -w _safebuild; print \$_comps[safebuild]; autoload +X _safebuild" 2>&1) || rc=$?
  expect_eq "zsh: compinit finds _safebuild for safebuild" "$rc:$out" \
    "0:$(printf '%s\n' '_safebuild: function' _safebuild)"
  out=$(timeout 60 zsh -f "$HERE/zsh-complete.zsh" "$COMPLETIONS" \
    'safebuild --format ' 'safebuild b' 'safebuild build --bu' 'safebuild --fail-on h' \
    'safebuild push --format ' 'safebuild scan ' 'safebuild i' 'safebuild init --stack ' \
    'safebuild init --ci ' 'safebuild --rewrite ' 2>&1)
  # section LINE: the listing zsh shows for LINE.
  section() { awk -v l="=== $1" '$0 == l {on = 1; next} /^=== / {on = 0} on' <<< "$out"; }
  words() { section "$1" | tr -s ' \t' '\n'; }
  expect_has "zsh: --format lists json" "$(words 'safebuild --format ')" json
  expect_has "zsh: --format lists text" "$(words 'safebuild --format ')" text
  expect_has "zsh: --format lists sarif" "$(words 'safebuild --format ')" sarif
  expect_has "zsh: --rewrite lists apply" "$(words 'safebuild --rewrite ')" apply
  expect_has "zsh: safebuild b lists build" "$(words 'safebuild b')" build
  expect_has "zsh: build --bu lists --build-arg" "$(words 'safebuild build --bu')" --build-arg
  expect_has "zsh: --fail-on h lists high" "$(words 'safebuild --fail-on h')" high
  expect_has "zsh: push --format lists v2s2" "$(words 'safebuild push --format ')" v2s2
  expect_has "zsh: scan lists local images" "$(words 'safebuild scan ')" localhost/app:1
  expect_has "zsh: safebuild i lists init" "$(words 'safebuild i')" init
  expect_has "zsh: init --stack lists maven" "$(words 'safebuild init --stack ')" maven
  expect_has "zsh: init --ci lists tekton" "$(words 'safebuild init --ci ')" tekton
  mkdir -p "$T/bin"
  ln -s "$T/podman" "$T/bin/podman"
  out=$(env -u SAFEBUILD_PODMAN PATH="$T/bin:$PATH" timeout 60 zsh -f \
    "$HERE/zsh-complete.zsh" "$COMPLETIONS" 'safebuild push ' 2>&1)
  expect_has "zsh: push lists images from the podman in PATH" "$(words 'safebuild push ')" \
    localhost/app:2
  if grep -q "_safebuild" <<< "$out"; then
    not_ok "zsh: no error from the completion functions" "$out"
  else
    ok "zsh: no error from the completion functions"
  fi
else
  skip "zsh is not installed"
fi

# --- fish

if command -v fish > /dev/null; then
  fcomp() {
    fish -c "source '$COMPLETIONS/safebuild.fish'; complete -C \"\$argv[1]\"" "$1" | cut -f1
  }
  expect_eq "fish: the file loads without error" \
    "$(fish -c "source '$COMPLETIONS/safebuild.fish'" 2>&1; echo "rc=$?")" "rc=0"
  expect_eq "fish: --format lists text, json and sarif" \
    "$(fcomp 'safebuild --format ' | sort)" "$(printf '%s\n' json sarif text)"
  expect_eq "fish: --rewrite lists the modes" "$(fcomp 'safebuild --rewrite ' | sort)" \
    "$(printf '%s\n' apply off suggest)"
  expect_has "fish: commands after --rewrite MODE" "$(fcomp 'safebuild --rewrite apply ')" build
  expect_eq "fish: --fail-on h → high" "$(fcomp 'safebuild --fail-on h')" high
  expect_eq "fish: safebuild bu → build" "$(fcomp 'safebuild bu')" build
  expect_has "fish: commands after options and values" "$(fcomp 'safebuild --format json ')" scan
  out=$(fcomp 'safebuild build --bu')
  expect_has "fish: build --bu includes --build-arg" "$out" --build-arg
  expect_eq "fish: build --format values" "$(fcomp 'safebuild build --format ' | sort)" \
    "$(printf '%s\n' docker oci)"
  expect_has "fish: build's context is a directory" "$(fcomp 'safebuild build ')" ctxdir/
  expect_lacks "fish: build's context is no file" "$(fcomp 'safebuild build ')" report.json
  expect_has "fish: lint -f completes files" "$(fcomp 'safebuild lint -f ')" Containerfile
  expect_has "fish: options after scan" "$(fcomp 'safebuild scan --fa')" --fail-on
  expect_has "fish: scan lists local images" "$(fcomp 'safebuild scan ')" localhost/app:2
  expect_has "fish: scan oci: completes directories" "$(fcomp 'safebuild scan oci:c')" \
    oci:ctxdir/
  expect_has "fish: push lists local images" "$(fcomp 'safebuild push ')" localhost/app:1
  expect_eq "fish: init --stack values" "$(fcomp 'safebuild init --stack ' | sort)" \
    "$(printf '%s\n' go maven node python)"
  expect_eq "fish: init --ci values" "$(fcomp 'safebuild init --ci ' | sort)" \
    "$(printf '%s\n' github gitlab tekton)"
  expect_has "fish: init's DIR is a directory" "$(fcomp 'safebuild init ')" ctxdir/
  expect_lacks "fish: init's DIR is no file" "$(fcomp 'safebuild init ')" report.json
  expect_eq "fish offers bash's podman build flags" "$(fcomp 'safebuild build --' | sort -u)" \
    "$(grep -- '^--' <<< "$bash_flags")"
else
  skip "fish is not installed"
fi

finish completions
