#!/usr/bin/env bash
# Archive benchmark (a script, not a test): memory and time of a scan of an
# image made of archives. Builds, in podman storage of its own, a one-layer
# image of real Debian packages (.deb: ar, holding xz tars; several larger
# than a 16 MiB window, up to 80 MB) and the jars of Debian's Java library
# packages (zip), about 650 MB in all, downloaded from Debian's mirror with
# apt-get download. Then prints, side by side, from one run:
#   - safebuild scanning the image from podman's storage, and from an
#     uncompressed oci-archive (wall, user+sys, cores, peak RSS);
#   - ripgrep -z with the detector's own pattern set over the same files
#     (it reads gzip, xz, bzip2 and zstd streams, not .deb or .jar);
#   - the archives and members safebuild opened, and what it skipped;
# against the target: peak RSS under 256 MiB whatever the image.
# Downloads are cached in $SAFEBUILD_BENCH_CACHE (default
# /var/cache/safebuild-bench). Needs root, podman, apt-get, dpkg-deb,
# ripgrep, jq and /usr/bin/time.
#
#   archive_bench.sh SAFEBUILD BENCH_PATTERNS
#     (both built in the build directory: safebuild, tests/bench-patterns)
set -euo pipefail
safebuild=$(realpath "$1")
patterns_bin=$(realpath "$2")
cache=${SAFEBUILD_BENCH_CACHE:-/var/cache/safebuild-bench}/debs-v1
large_debs=(openjdk-17-jdk-headless openjdk-17-jre-headless libreoffice-core firefox-esr
  chromium thunderbird libllvm15 gcc-12 libqt5webenginecore5 golang-1.19-go)
java_debs=(libguava-java libjackson2-databind-java libnetty-java libbcprov-java libecj-java
  ant libjetty9-java libtomcat9-java libcommons-lang3-java liblog4j2-java libjna-java
  libgoogle-gson-java libslf4j-java libspring-core-java libhibernate-validator-java)

bench_name=archive-bench
source "$(dirname "$0")/bench_lib.sh"

debs_dir() {
  if [ ! -f "$cache/.done" ]; then
    log "apt-get download ${#large_debs[@]} + ${#java_debs[@]} packages (cached in $cache)"
    rm -rf "$cache" && mkdir -p "$cache"
    (cd "$cache" && apt-get download -q "${large_debs[@]}" "${java_debs[@]}" >/dev/null 2>&1)
    touch "$cache/.done"
  fi
  echo "$cache"
}

build_image() {
  log "building the image in $work"
  local ctx="$work/ctx" debs
  debs=$(debs_dir)
  mkdir -p "$ctx/var/cache/apt/archives" "$ctx/extract"
  cp "$debs"/*.deb "$ctx/var/cache/apt/archives/"
  for name in "${java_debs[@]}"; do
    dpkg-deb -x "$debs/${name}_"*.deb "$ctx/extract"
  done
  # The jars themselves, not the symbolic links to them.
  mkdir -p "$ctx/usr/share/java"
  find "$ctx/extract" -type f -name '*.jar' -exec cp -n {} "$ctx/usr/share/java/" \;
  rm -rf "$ctx/extract"
  tar -C "$ctx" --numeric-owner -cf - . |
    podman "${store[@]}" import -q - localhost/archive-bench:1 >/dev/null
  rm -rf "$ctx"
}

layer_dir() {
  podman "${store[@]}" image inspect localhost/archive-bench:1 |
    jq -r '.[0].GraphDriver.Data.UpperDir'
}

summary() {
  jq -r '.stats | "archives \(.archives), members \(.members), skipped \(.skipped.total)" +
    " (size \(.skipped.size), ratio \(.skipped.ratio), unreadable \(.skipped.unreadable))"' "$1"
}

main() {
  build_image
  local dir files
  dir=$(layer_dir)
  bytes=$(find "$dir" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
  files=$(find "$dir" -type f | wc -l)
  podman "${store[@]}" push -q localhost/archive-bench:1 "oci-archive:$work/image.tar" \
    >/dev/null 2>&1
  "$patterns_bin" >"$work/patterns.txt"
  find "$dir" -type f -print0 | xargs -0 cat >/dev/null  # warm the page cache

  measure "safebuild scan, from storage" "$safebuild" --format json \
    --report "$work/storage.json" scan "${store[@]}" localhost/archive-bench:1
  measure "safebuild scan, from oci-archive" "$safebuild" --format json \
    --report "$work/archive.json" scan "oci-archive:$work/image.tar"
  measure "ripgrep -z, $(wc -l <"$work/patterns.txt") detector patterns" \
    rg -z -uuu -a -U --no-unicode -c --no-messages -f "$work/patterns.txt" "$dir"

  echo
  echo "image: 1 layer, $files files ($(find "$dir" -name '*.deb' | wc -l) .deb," \
    "$(find "$dir" -name '*.jar' | wc -l) .jar), $((bytes / 1048576)) MiB; 2 cores"
  print_rows
  echo
  echo "from storage:     $(summary "$work/storage.json")"
  echo "from oci-archive: $(summary "$work/archive.json")"
  local rss_s rss_a
  rss_s=$(echo "${rows[0]}" | awk '{print $(NF-1)}')
  rss_a=$(echo "${rows[1]}" | awk '{print $(NF-1)}')
  awk -v a="$rss_s" -v b="$rss_a" 'BEGIN {
    t = "peak RSS < 256 MiB (" a " / " b " MiB)"
    printf "%-72s %s\n", t, (a < 256 && b < 256 ? "met" : "MISSED") }'
}

main
