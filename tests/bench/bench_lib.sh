# Shared by the benchmark scripts (sourced): a work directory with podman
# storage of its own, removed on exit, and `measure`, which runs a command
# once under /usr/bin/time -v and keeps a row of its figures.

work=$(mktemp -d "/var/tmp/safebuild-${bench_name:-bench}.XXXXXX")
store=(--root "$work/root" --runroot "$work/runroot")
export CONTAINERS_CONF="$work/containers.conf"
printf '[engine]\nruntime = "runc"\n' >"$CONTAINERS_CONF"
cleanup() {
  podman "${store[@]}" rmi -af >/dev/null 2>&1 || true
  umount -R "$work/root/overlay" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "# $*" >&2; }

# measure NAME CMD...: one run under /usr/bin/time -v; appends a row to
# $rows (wall, user+sys, cores, peak RSS, and MiB/s of $bytes) and leaves
# the wall time in $wall and user+sys in $cpu.
rows=()
wall=0
cpu=0
bytes=0
measure() {
  local name=$1
  shift
  local t="$work/time.txt"
  /usr/bin/time -v -o "$t" "$@" >/dev/null 2>"$work/last.err" || true
  local user sys rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
    n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$t")
  user=$(awk -F': ' '/User time/ {print $2}' "$t")
  sys=$(awk -F': ' '/System time/ {print $2}' "$t")
  rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$t")
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
  rows+=("$(awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$bytes" \
    'BEGIN { c = u + s; printf "%-44s %8.2f %9.2f %6.2f %9.0f %9.0f", n, w, c, (w > 0 ? c / w : 0),
      r / 1024, (w > 0 ? b / 1048576 / w : 0) }')")
}

# The heading of the rows.
print_rows() {
  printf '%-44s %8s %9s %6s %9s %9s\n' "" "wall s" "user+sys" "cores" "RSS MiB" "MiB/s"
  printf '%s\n' "${rows[@]}"
}
