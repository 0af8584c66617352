# shellcheck shell=bash
# Helpers shared by the shell tests: each check prints an `ok` or `FAIL`
# line, and finish prints the tally and sets the exit code.
set -u

PASSED=0
FAILED=0
SKIPPED=0

ok() {
  PASSED=$((PASSED + 1))
  printf 'ok   %s\n' "$1"
}

not_ok() {
  FAILED=$((FAILED + 1))
  printf 'FAIL %s\n' "$1"
  shift
  [ $# -eq 0 ] || printf '     %s\n' "$@"
}

skip() {
  SKIPPED=$((SKIPPED + 1))
  printf 'skip %s\n' "$*"
}

# check NAME COMMAND...: passes when COMMAND succeeds.
check() {
  local name=$1
  shift
  if "$@"; then ok "$name"; else not_ok "$name" "command failed: $*"; fi
}

# expect_eq NAME GOT WANT
expect_eq() {
  if [ "$2" = "$3" ]; then
    ok "$1"
  else
    not_ok "$1" "got:  $(printf '%q' "$2")" "want: $(printf '%q' "$3")"
  fi
}

# expect_has NAME TEXT NEEDLE: TEXT has NEEDLE as one whole line.
expect_has() {
  if printf '%s\n' "$2" | grep -qxF -- "$3"; then
    ok "$1"
  else
    not_ok "$1" "no line \"$3\" in:" "$(printf '%s' "$2" | tr '\n' ' ')"
  fi
}

# expect_lacks NAME TEXT NEEDLE: no line of TEXT is NEEDLE.
expect_lacks() {
  if printf '%s\n' "$2" | grep -qxF -- "$3"; then
    not_ok "$1" "unexpected line \"$3\""
  else
    ok "$1"
  fi
}

finish() {
  echo
  echo "$1: $PASSED passed, $FAILED failed, $SKIPPED skipped"
  [ "$FAILED" -eq 0 ]
}
