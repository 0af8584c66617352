// Scans an opened image: the config (Env, Labels, Cmd, Entrypoint, …), every
// history entry, and every file of every layer, also files a later layer
// deleted. A layer that cannot be read fails the whole scan: a partial scan
// never looks clean.
//
// Every byte of every file is scanned. A file larger than one window (16
// MiB and the overlap) is scanned window by window (see
// image/content_windows.h), so memory stays bounded whatever its size.
// What needs the whole file works on such a file within limits: an archive
// is opened from its file in a layer directory, or from a copy in
// spool_dir when it comes from a layer tar, read with pread either way
// (one past max_archive_bytes is named in `skipped` with reason "size", its
// bytes scanned as they are);
// the detector's sniffs of the first bytes (binary, UTF-16) run on each
// window, so a UTF-16 file is decoded window by window (little-endian
// without a mark is recognised in every window, big-endian only in the
// first, which holds its mark; later ones get the plain token scan); a
// line longer than a window is seen a window at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "detect/detector.h"
#include "image/content_windows.h"
#include "image/layout.h"
#include "report/finding.h"
#include "report/report.h"
#include "scan/nested.h"
#include "util/expected.h"

namespace safebuild {

/// Counters the scan keeps up to date for a progress display.
struct ScanProgress {
  std::atomic<int> layers_total{0};
  std::atomic<int> layers_done{0};
  std::atomic<uint64_t> files{0};
  std::atomic<uint64_t> bytes{0};
};

struct ScanOptions {
  int jobs = 2;                            // threads: read layers, then scan files
  WindowSize window;                       // larger files: scanned in windows
  // An archive larger than a window from a layer tar is copied to a file of
  // no name in spool_dir (the system's temporary directory when empty) to
  // be opened: up to max_archive_bytes; a larger one is not opened.
  uint64_t max_archive_bytes = 4ull << 30;
  std::filesystem::path spool_dir;
  NestedLimits nested;                     // archives in layers; depth 0: off
  ScanProgress* progress = nullptr;        // updated as files are read
  std::function<bool()> cancelled;         // polled; true ends the scan with an error
};

struct ScanOutput {
  std::vector<Finding> findings;
  ScanStats stats;
};

Expected<ScanOutput> ScanImage(const OpenedImage& image, const Detector& detector,
                               const ScanOptions& options = {});

/// The matches of one window of a file, with offsets and lines in the
/// whole file: only those starting in the window's own part, so that a
/// secret in the overlap of two windows is found once. What limits cut in
/// the window is added to `cuts` when given.
std::vector<Match> ScanWindow(const Detector& detector, const ContentWindow& window,
                              std::string_view path, std::vector<ScanCut>* cuts = nullptr);

/// The config and history part alone (no layer reads).
std::vector<Finding> ScanConfig(const OpenedImage& image, const Detector& detector);

}  // namespace safebuild
