// A one-line progress display on stderr while an image is scanned: layers
// done of all, bytes and files read, and the rate, rewritten in place with
// '\r' and cleared when the scan ends. It shows only on a terminal, never
// with -q or under CI (CI set), and only once a scan has run for a second
// (SAFEBUILD_PROGRESS_DELAY), so that quick scans and logs stay free of it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "scan/scanner.h"

namespace safebuild {

/// True when stderr is a terminal, not -q (verbosity < 0), CI is unset and
/// TERM is not "dumb".
bool WantProgress(int verbosity);

/// How long a scan runs before the line first shows: 1 s, or the seconds
/// (0 to 3600, decimal) in SAFEBUILD_PROGRESS_DELAY; a value that is none
/// is warned about and the default kept.
std::chrono::milliseconds ProgressDelay();

/// "scanning: layer 1/3, 12.5 MiB, 1204 files, 48.1 MiB/s".
std::string ProgressLine(int done, int total, uint64_t bytes, uint64_t files, double seconds);

class ProgressBar {
 public:
  /// Draws `progress` on stderr from a thread of its own when `enabled`,
  /// once `delay` has passed.
  ProgressBar(const ScanProgress& progress, bool enabled,
              std::chrono::milliseconds delay = std::chrono::seconds(1));
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar();  // stops, and clears the line if one was drawn

 private:
  void Run();
  void Draw(std::chrono::steady_clock::time_point start);

  const ScanProgress& progress_;
  const std::chrono::milliseconds delay_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  bool drawn_ = false;
  std::thread thread_;
};

}  // namespace safebuild
