#!/usr/bin/env bash
# Lint benchmark (not a timed test): generates a Containerfile of 2,000
# instructions and prints how long `safebuild lint` takes on it, next to
# the time for a one-line file (process start and detector set-up), and
# hadolint's time when hadolint is installed. Target: under 20 ms for the
# lint itself.
#
#   lint_bench.sh SAFEBUILD [RUNS]
set -euo pipefail
safebuild=$(realpath "$1") runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  echo "FROM busybox AS build"
  for i in $(seq 1 399); do
    echo "ARG VERSION_$i=1.$i"
    echo "ENV PATH_$i=/opt/tool$i/bin LANG_$i=C.UTF-8"
    echo "RUN --mount=type=cache,target=/var/cache/$i apk add --no-cache pkg$i=1.$i \\"
    echo "    && echo \"built $i\" > /tmp/log$i"
    echo "COPY --chown=1000:1000 src/file$i.txt /app/file$i.txt"
    echo "LABEL org.example.step$i=\"step $i\""
  done
  echo "FROM busybox"
  echo "COPY --from=build /app /app"
  echo "CMD [\"/app/run\"]"
  echo "USER 1000"
} >"$work/Containerfile"
echo "FROM busybox" >"$work/One"
count=$(grep -cvE '^\s' "$work/Containerfile")

best() {  # FILE → best wall time of $runs runs, in ms
  local best=999999 start end ms
  for _ in $(seq 1 "$runs"); do
    start=$(date +%s%N)
    "$safebuild" lint -f "$1" "$work/empty-context" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    ms=$(((end - start) / 1000000))
    ((ms < best)) && best=$ms
  done
  echo "$best"
}
mkdir -p "$work/empty-context"
full=$(best "$work/Containerfile")
one=$(best "$work/One")
echo "safebuild lint, $count instructions: ${full} ms (best of $runs)"
echo "safebuild lint, 1 instruction:    ${one} ms (start-up)"
echo "lint time for $count instructions: $((full - one)) ms (target < 20 ms)"
if command -v hadolint >/dev/null; then
  start=$(date +%s%N)
  hadolint "$work/Containerfile" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo "hadolint: $(((end - start) / 1000000)) ms"
else
  echo "hadolint: not installed"
fi
