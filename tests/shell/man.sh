#!/usr/bin/env bash
# Manual pages (man/): mandoc finds nothing at WARNING level or above, and
# nothing at STYLE level once the pages can see each other; the pages cover
# every command and option of `safebuild --help` and every report field of
# the README.
# Usage: man.sh [SAFEBUILD_BINARY]
# Without the binary the checks against --help are skipped.
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR
. "$HERE/lib.sh"
SAFEBUILD=${1:+$(realpath "$1")}
MAN=$ROOT/man

if ! command -v mandoc > /dev/null; then
  not_ok "mandoc is not installed (Debian package mandoc)"
  finish man
  exit
fi

T=$(mktemp -d /tmp/safebuild-man.XXXXXX)
trap 'rm -rf "$T"' EXIT

mandoc -Tlint -Wwarning "$MAN"/* > "$T/lint" 2>&1
rc=$?
# mandoc also notes an outdated system mandoc.db, which is no lint message.
out=$(grep -v 'mandoc.db' "$T/lint")
expect_eq "mandoc -Tlint -Wwarning man/*: exit 0" "$rc" 0
expect_eq "mandoc -Tlint -Wwarning man/*: no messages" "$out" ""

# With the pages in a manual tree of their own, their references to each
# other resolve; only pages of other packages that are not installed may
# be missing.
# Every section the pages are in (safebuild-rules.7 is section 7).
for page in "$MAN"/*; do
  mkdir -p "$T/man/man${page##*.}"
  ln -s "$page" "$T/man/man${page##*.}/"
done
out=$(MANPATH=$T/man:/usr/share/man mandoc -Tlint -Wstyle "$MAN"/* 2>&1 |
  grep -v 'mandoc.db' | grep -v 'referenced manual not found: Xr \(podman\|buildah\|jq\)')
expect_eq "mandoc -Tlint -Wstyle: no notes" "$out" ""

for page in "$MAN"/*; do
  if mandoc -Tutf8 "$page" > "$T/out" 2>&1 && [ -s "$T/out" ]; then
    ok "$(basename "$page") renders"
  else
    not_ok "$(basename "$page") renders"
  fi
done

# The report fields documented in the README's table are all in the page.
# shellcheck disable=SC2016 # backquotes are Markdown
fields=$(sed -n '/^| field | meaning |/,/^$/p' "$ROOT/README.md" | grep -o '^| `[^|]*' |
  grep -o '`[a-z_]*`' | tr -d '`')
page=$(mandoc -Tascii "$MAN/safebuild-report.5" | sed 's/.\x08//g')
for field in $fields; do
  if grep -qw -- "$field" <<< "$page"; then ok "safebuild-report.5 documents $field"
  else not_ok "safebuild-report.5 documents $field"; fi
done

if [ -n "$SAFEBUILD" ]; then
  help=$("$SAFEBUILD" --help)
  commands=$(sed -n '/^Commands:/,/^$/p' <<< "$help" | awk 'NR > 1 && $1 ~ /^[a-z]+$/ {print $1}')
  for cmd in $commands; do
    [ "$cmd" = version ] && continue
    check "the $cmd command has safebuild-$cmd.1" test -f "$MAN/safebuild-$cmd.1"
  done
  page=$(mandoc -Tascii "$MAN/safebuild.1" | sed 's/.\x08//g')
  while read -r option; do
    if grep -qF -- "$option" <<< "$page"; then ok "safebuild.1 documents $option"
    else not_ok "safebuild.1 documents $option"; fi
  done < <(grep -oE -- '--[a-z][a-z-]+' <<< "$help" | sort -u)
else
  skip "pages against safebuild --help (no binary given)"
fi

finish man
