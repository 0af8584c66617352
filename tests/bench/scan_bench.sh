#!/usr/bin/env bash
# Scan benchmark (a script, not a test). Builds a real image of about 700 MB
# in podman storage of its own: a Debian bookworm root filesystem made by
# debootstrap from Debian's mirror (layer 0) and a node_modules tree of real
# npm packages installed from the npm registry (layer 1). Then prints, side
# by side, from one run with a warm page cache:
#   - safebuild scanning the image in place from podman's storage, and from
#     an oci-archive with gzip layers (wall, user+sys, cores, peak RSS);
#   - ripgrep with the detector's own pattern set over the same files;
#   - cat of every file (the read limit);
#   - gzip -dc of the layer blobs (the decompression limit);
#   - secretlint over a sample of the files, scaled to the whole;
#   - every finding on that image, so false alarms can be read.
# Downloads (root filesystem, npm packages, secretlint) are cached in
# $SAFEBUILD_BENCH_CACHE (default /var/cache/safebuild-bench), so a second
# run only builds and measures. Needs root, podman, debootstrap, ripgrep,
# npm, jq and /usr/bin/time.
#
#   scan_bench.sh SAFEBUILD BENCH_PATTERNS
#     (both built in the build directory: safebuild, tests/bench-patterns)
#
# SAFEBUILD_BENCH_ONLY=archive measures only the oci-archive scan and
# gzip -dc (minutes less: no storage scan, ripgrep, cat or secretlint).
# SAFEBUILD_BENCH_BEFORE=BINARY also measures an earlier safebuild on the
# same archive, in the same run, for a before/after comparison.
set -euo pipefail
safebuild=$(realpath "$1")
patterns_bin=$(realpath "$2")
cache=${SAFEBUILD_BENCH_CACHE:-/var/cache/safebuild-bench}
mirror=${SAFEBUILD_BENCH_MIRROR:-http://deb.debian.org/debian}
npm_packages=(@babel/core@7.29.17 @mui/material@5.18.0 aws-sdk@2.1693.0 date-fns@3.6.0
  eslint@8.57.1 lodash@4.18.1 moment@2.31.0 monaco-editor@0.57.0 react@18.3.1
  react-dom@18.3.1 rxjs@7.8.2 three@0.187.0 typescript@5.9.3 webpack@5.113.0)
secretlint_packages=(secretlint@13.0.6 @secretlint/secretlint-rule-preset-recommend@13.1.0)
sample_every=${SAFEBUILD_BENCH_SAMPLE_EVERY:-40}  # secretlint reads 1 file in N
only=${SAFEBUILD_BENCH_ONLY:-}
before=${SAFEBUILD_BENCH_BEFORE:+$(realpath "$SAFEBUILD_BENCH_BEFORE")}

mkdir -p "$cache"
bench_name=bench
source "$(dirname "$0")/bench_lib.sh"

# ------------------------------------------------------------- inputs

rootfs_tar() {
  local tar="$cache/rootfs-bookworm.tar"
  if [ ! -s "$tar" ]; then
    log "debootstrap bookworm (cached in $cache afterwards)"
    local dir="$cache/rootfs.tmp"
    rm -rf "$dir"
    debootstrap --include=python3,git,ca-certificates,openssh-client,curl \
      bookworm "$dir" "$mirror" >"$cache/debootstrap.log" 2>&1
    rm -f "$dir"/var/cache/apt/archives/*.deb  # as an image build cleans up
    tar -C "$dir" --numeric-owner -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$dir"
  fi
  echo "$tar"
}

node_modules_dir() {
  local dir="$cache/npm-v1"
  if [ ! -f "$dir/.done" ]; then
    log "npm install ${#npm_packages[@]} packages (cached in $dir afterwards)"
    rm -rf "$dir" && mkdir -p "$dir"
    echo '{"name":"bench-app","version":"1.0.0","private":true}' >"$dir/package.json"
    (cd "$dir" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
      --save-exact "${npm_packages[@]}" >/dev/null)
    touch "$dir/.done"
  fi
  echo "$dir"
}

secretlint_bin() {
  local dir="$cache/secretlint"
  if [ ! -x "$dir/node_modules/.bin/secretlint" ]; then
    log "npm install secretlint into $dir"
    npm install --no-audit --no-fund --loglevel=error --prefix "$dir" \
      "${secretlint_packages[@]}" >/dev/null
  fi
  echo "$dir/node_modules/.bin/secretlint"
}

build_image() {
  log "building the image in $work"
  podman "${store[@]}" import -q "$(rootfs_tar)" localhost/bench-base:1 >/dev/null
  local ctx="$work/ctx"
  mkdir -p "$ctx"
  cp -a "$(node_modules_dir)/node_modules" "$(node_modules_dir)/package.json" "$ctx/"
  printf 'FROM localhost/bench-base:1\nCOPY . /srv/app/\n' >"$ctx/Containerfile"
  podman "${store[@]}" build -q -t localhost/bench:1 "$ctx" >/dev/null 2>&1
  rm -rf "$ctx"
}

# The layer directories safebuild reads in place, base first.
layer_dirs() {
  podman "${store[@]}" image inspect localhost/bench:1 | jq -r '.[0].GraphDriver.Data
    | ((.LowerDir // "" | split(":") | reverse) + [.UpperDir]) | .[] | select(. != "")'
}

# ------------------------------------------------------------- measuring

# The archive line and the decompression limit alone (SAFEBUILD_BENCH_ONLY).
archive_only() {
  local w_archive c_archive
  cat "$work/image.tar" "$@" >/dev/null  # warm the page cache
  if [ -n "$before" ]; then
    measure "earlier safebuild, from oci-archive (gzip)" "$before" --format json \
      --report "$work/before.json" scan "oci-archive:$work/image.tar"
  fi
  measure "safebuild scan, from oci-archive (gzip)" "$safebuild" --format json \
    --report "$work/archive.json" scan "oci-archive:$work/image.tar"
  w_archive=$wall c_archive=$cpu
  measure "gzip -dc of the layers (decompression limit)" \
    sh -c 'for l in "$@"; do gzip -dc "$l"; done' sh "$@"
  echo
  print_rows
  echo
  awk -v a="$w_archive" -v b="$wall" -v ca="$c_archive" -v cb="$cpu" 'BEGIN {
    t = "archive within 1.2x of gzip -dc (" a " s vs " b " s; cpu " ca " vs " cb ")"
    printf "%-72s %s\n", t, (a <= 1.2 * b ? "met" : "MISSED") }'
  echo "findings: $(jq '.findings | length' "$work/archive.json")" \
    "${before:+(earlier: $(jq '.findings | length' "$work/before.json"))}"
}

main() {
  build_image
  mapfile -t dirs < <(layer_dirs)
  bytes=$(find "${dirs[@]}" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
  files=$(find "${dirs[@]}" -type f | wc -l)
  log "image: ${#dirs[@]} layers, $files files, $((bytes / 1048576)) MiB"
  podman "${store[@]}" push -q localhost/bench:1 "oci-archive:$work/image.tar" >/dev/null 2>&1
  mkdir -p "$work/blobs"
  tar -C "$work/blobs" -xf "$work/image.tar"
  local layers
  mapfile -t layers < <(jq -r '.manifests[0].digest' "$work/blobs/index.json" |
    sed 's/sha256:/blobs\/sha256\//' | xargs -I{} jq -r '.layers[].digest' "$work/blobs/{}" |
    sed "s|sha256:|$work/blobs/blobs/sha256/|")
  "$patterns_bin" >"$work/patterns.txt"
  find "${dirs[@]}" -type f -print0 | xargs -0 cat >/dev/null  # warm the page cache

  if [ "$only" = archive ]; then
    archive_only "${layers[@]}"
    return
  fi

  # Wall times depend on what else the machine runs; CPU times (user+sys)
  # are printed next to them for that reason.
  local w_storage w_archive w_rg w_cat w_gzip w_sl c_storage c_archive c_rg c_cat c_gzip c_sl
  measure "safebuild scan, from storage" "$safebuild" --format json \
    --report "$work/storage.json" scan "${store[@]}" localhost/bench:1
  w_storage=$wall c_storage=$cpu
  measure "safebuild scan, from oci-archive (gzip)" "$safebuild" --format json \
    --report "$work/archive.json" scan "oci-archive:$work/image.tar"
  w_archive=$wall c_archive=$cpu
  measure "ripgrep, $(wc -l <"$work/patterns.txt") detector patterns" \
    rg -uuu -a -U --no-unicode -c --no-messages -f "$work/patterns.txt" "${dirs[@]}"
  w_rg=$wall c_rg=$cpu
  measure "cat of every file (read limit)" \
    sh -c 'find "$@" -type f -print0 | xargs -0 cat' sh "${dirs[@]}"
  w_cat=$wall c_cat=$cpu
  measure "gzip -dc of the layers (decompression limit)" \
    sh -c 'for l in "$@"; do gzip -dc "$l"; done' sh "${layers[@]}"
  w_gzip=$wall c_gzip=$cpu

  # secretlint over every Nth file, its time scaled by bytes to the whole.
  local sample="$work/sample" sl
  sl=$(secretlint_bin)
  mkdir -p "$sample"
  find "${dirs[@]}" -type f -print0 | awk -v RS='\0' -v n="$sample_every" 'NR % n == 0' |
    while IFS= read -r f; do cp "$f" "$sample/$(echo "$f" | md5sum | cut -c1-16)"; done
  local sample_bytes
  sample_bytes=$(du -sb "$sample" | cut -f1)
  echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' \
    >"$work/.secretlintrc.json"
  local all_bytes=$bytes
  bytes=$sample_bytes
  measure "secretlint, 1 file in $sample_every ($((sample_bytes / 1048576)) MiB)" \
    "$sl" --secretlintrc "$work/.secretlintrc.json" --format json "$sample/*"
  w_sl=$wall c_sl=$cpu
  bytes=$all_bytes
  scale() { awk -v t="$1" -v s="$sample_bytes" -v b="$bytes" 'BEGIN { printf "%.1f", t * b / s }'; }
  local w_sl_all c_sl_all
  w_sl_all=$(scale "$w_sl")
  c_sl_all=$(scale "$c_sl")

  echo
  echo "image: ${#dirs[@]} layers, $files files, $((bytes / 1048576)) MiB; archive" \
    "$(($(stat -c %s "$work/image.tar") / 1048576)) MiB; 2 cores"
  print_rows
  printf '%-44s %8s %9s\n' "secretlint scaled to the whole image" "$w_sl_all" "$c_sl_all"
  echo
  local rss_s rss_a
  rss_s=$(echo "${rows[0]}" | awk '{print $(NF-1)}')
  rss_a=$(echo "${rows[1]}" | awk '{print $(NF-1)}')
  target() { awk -v ok="$2" -v t="$1" 'BEGIN { printf "%-72s %s\n", t, (ok ? "met" : "MISSED") }'; }
  target "storage no slower than ripgrep ($w_storage s vs $w_rg s; cpu $c_storage vs $c_rg)" \
    "$(awk -v a="$w_storage" -v b="$w_rg" 'BEGIN { print (a <= b) }')"
  target "archive within 1.2x of gzip -dc ($w_archive s vs $w_gzip s; cpu $c_archive vs $c_gzip)" \
    "$(awk -v a="$w_archive" -v b="$w_gzip" 'BEGIN { print (a <= 1.2 * b) }')"
  target "100x faster than secretlint ($w_storage s vs $w_sl_all s; cpu $c_storage vs $c_sl_all)" \
    "$(awk -v a="$w_storage" -v b="$w_sl_all" 'BEGIN { print (a * 100 <= b) }')"
  target "peak RSS < 256 MiB ($rss_s / $rss_a MiB)" \
    "$(awk -v a="$rss_s" -v b="$rss_a" 'BEGIN { print (a < 256 && b < 256) }')"
  local count
  count=$(jq '[.findings[] | select(.suppressed != true)] | length' "$work/storage.json")
  target "fewer than 5 findings on this image, all false alarms ($count)" "$((count < 5))"
  echo
  echo "findings (storage scan; the archive scan found" \
    "$(jq '.findings | length' "$work/archive.json")):"
  jq -r '.findings[] | "  \(.severity)\t\(.rule)\t\(.path)\(if .member then "!" + .member
    else "" end):\(.line // "-")\t\(.redacted)\(if .suppressed then "\t(suppressed: " +
    (.suppression // "" | tostring) + ")" else "" end)"' "$work/storage.json"
  jq -r '"complete: \(.complete), stats: \(.stats | tostring)"' "$work/storage.json"
}

main "$@"
