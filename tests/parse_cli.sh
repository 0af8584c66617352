#!/usr/bin/env bash
# `safebuild parse` and the CLI's parse errors: exact JSON values, exact
# error text with the line and a caret, and the exit codes.
#
#   parse_cli.sh SAFEBUILD
set -euo pipefail
safebuild=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check() {  # NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then
    echo "ok: $1"; pass=$((pass + 1))
  else
    echo "FAIL: $1"; diff <(echo "$2") <(echo "$3") || true; fail=$((fail + 1))
  fi
}
run() {  # ARGS... → stdout, stderr and exit code in $work/{out,err,code}
  local code=0
  (cd "$work" && "$safebuild" "$@" >out 2>err) || code=$?
  echo "$code" >"$work/code"
}

printf 'FROM busybox AS base\nRUN --mount=type=cache,target=/c \\\n  make\nCMD ["app"]\n' \
  >"$work/Containerfile"
run parse
check "parse exits 0" 0 "$(cat "$work/code")"
check "parse prints each instruction" \
  'FROM:shell:1-1:0 RUN:shell:2-3:0 CMD:exec:4-4:0' \
  "$(jq -r '[.instructions[] | "\(.keyword):\(.form):\(.start_line)-\(.end_line):\(.stage)"]
    | join(" ")' "$work/out")"
check "parse keeps flags and joins continuations" \
  'mount=type=cache,target=/c make' \
  "$(jq -r '.instructions[1] | "\(.flags[0].name)=\(.flags[0].value) \(.args)"' "$work/out")"

printf 'FROM a\n\nFORM b\n' >"$work/bad"
run parse -f bad
check "parse of a broken file exits 66" 66 "$(cat "$work/code")"
check "parse error text" 'safebuild: error: bad:3:1: unknown instruction "FORM"
    3 | FORM b
      | ^' "$(cat "$work/err")"
check "nothing on stdout" "" "$(cat "$work/out")"

run lint -f bad .
check "lint of a broken file exits 66" 66 "$(cat "$work/code")"
check "lint error text" 'safebuild: error: bad:3:1: unknown instruction "FORM"
    3 | FORM b
      | ^' "$(head -3 "$work/err")"

printf 'FROM a\nRUN x \\\n  y\n  ONBUILD ONBUILD RUN z\n' >"$work/bad2"
run parse --file=bad2
check "an error after a continuation points at its column" \
  "$(printf '%s\n' \
    'safebuild: error: bad2:4:11: chaining ONBUILD via `ONBUILD ONBUILD` isn'"'"'t allowed' \
    '    4 |   ONBUILD ONBUILD RUN z' '      |           ^')" \
  "$(cat "$work/err")"

printf 'FROM a\nRUN echo \326\326\n' >"$work/latin1"
run parse --file=latin1
check "bytes that are not UTF-8 print as U+FFFD, not a crash" "0 echo \ufffd\ufffd" \
  "$(cat "$work/code") $(jq -r '.instructions[1].args | @json' "$work/out" | tr -d '"' |
    sed 's/\xef\xbf\xbd/\\ufffd/g')"

# A file podman cannot build: lint says so and fails closed (parse prints
# what is there).
: >"$work/empty"
printf '# only a comment\nARG V=1\n' >"$work/nofrom"
run lint -f empty .
check "lint of an empty file" "66 safebuild: error: empty: no FROM instruction (the file is\
 empty); podman cannot build it" "$(cat "$work/code") $(head -1 "$work/err")"
run lint -f nofrom .
check "lint of a file without FROM" \
  "66 safebuild: error: nofrom: no FROM instruction; podman cannot build it" \
  "$(cat "$work/code") $(head -1 "$work/err")"
run parse -f nofrom
check "parse of a file without FROM prints it" "0 ARG" \
  "$(cat "$work/code") $(jq -r '.instructions[0].keyword' "$work/out")"

# Containerfile.in: cpp runs first, as podman does; line numbers are those
# of the file each line came from.
if command -v cpp >/dev/null; then
  printf '%s\n' '#define TOKEN_ARG ARG APP_TOKEN' 'FROM busybox' 'TOKEN_ARG' \
    '#include "env.inc"' 'RUN true' \
    >"$work/Containerfile.in"
  printf 'ENV A=1\n' >"$work/env.inc"
  run parse -f Containerfile.in .
  check "parse of a .in file: cpp's text, the lines of their files" \
    'cpp FROM:2 ARG:3:APP_TOKEN ENV:1:A=1:env.inc RUN:5' \
    "$(jq -r '[.preprocessed] + [.instructions[] | [.keyword, (.start_line | tostring)]
      + (if .keyword == "ARG" or .keyword == "ENV" then [.args] else [] end)
      + (if .file then [.file] else [] end) | join(":")] | join(" ")' "$work/out")"
  printf '#define BAD FROMM x\nFROM busybox\n\nBAD\n' >"$work/bad.in"
  run parse -f bad.in .
  check "a parse error in a .in file: its line, cpp's text and a caret" \
    'safebuild: error: bad.in:4:1: unknown instruction "FROMM"
    4 | FROMM x
      | ^' "$(cat "$work/err")"
  run fix -f Containerfile.in .
  check "fix leaves a .in file alone and says why" "64 safebuild: error: fix:\
 Containerfile.in: podman runs it through cpp, so it is not rewritten; 'safebuild lint -f\
 Containerfile.in' points at the lines to change" "$(cat "$work/code") $(cat "$work/err")"
else
  echo "FAIL: cpp is not installed (.ci/install-deps installs it)"; fail=$((fail + 1))
fi

# Heredoc delimiters as BuildKit reads them: blanks after "<<", a partly
# quoted word (literal body), a backslash-escaped quote (expanded body).
printf 'FROM a\nRUN <<  END_A sh\none\nEND_A\nRUN <<pa"rt" sh\ntwo $X\npart\n%s\n%s\n' \
  'COPY <<it\'"'"'s /f' 'it'"'"'s' >"$work/heredocs"
run parse -f heredocs
check "parse reads heredoc delimiters as BuildKit does" \
  'END_A:true:one|part:false:two $X|it'"'"'s:true:' \
  "$(jq -r '[.instructions[].heredocs[] | "\(.name):\(.expand):\(.body | rtrimstr("\n"))"]
    | join("|")' "$work/out")"

run parse --bogus
check "unknown option is a usage error" "64 safebuild: error: parse: unknown option --bogus" \
  "$(cat "$work/code") $(cat "$work/err")"
echo "$pass passed, $fail failed"
test "$fail" = 0
