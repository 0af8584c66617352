// Scans an opened image: the config (Env, Labels, Cmd, Entrypoint, …), every
// history entry, and every file of every layer, also files a later layer
// deleted. A layer that cannot be read fails the whole scan: a partial scan
// never looks clean.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "detect/detector.h"
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
  uint64_t max_file_bytes = 256ull << 20;  // per file; the rest is counted
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

/// The config and history part alone (no layer reads).
std::vector<Finding> ScanConfig(const OpenedImage& image, const Detector& detector);

}  // namespace safebuild
