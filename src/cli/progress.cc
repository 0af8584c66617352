#include "cli/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "cli/diag.h"

namespace safebuild {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kFirstDraw = std::chrono::seconds(1);
constexpr auto kRedraw = std::chrono::milliseconds(200);

std::string Size(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
  return buf;
}

// One write, so that the line is never torn by other output.
void WriteErr(const std::string& text) {
  if (::write(2, text.data(), text.size()) < 0) {
    // A progress line that cannot be shown is not worth an error.
  }
}

}  // namespace

bool WantProgress(int verbosity) {
  if (verbosity < 0 || !::isatty(2)) return false;
  const char* ci = std::getenv("CI");
  if (ci != nullptr && *ci != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::string_view(term) != "dumb";
}

std::chrono::milliseconds ProgressDelay() {
  const char* env = std::getenv("SAFEBUILD_PROGRESS_DELAY");
  if (env == nullptr || *env == '\0') return kFirstDraw;
  char* end = nullptr;
  double seconds = std::strtod(env, &end);
  if (end == env || *end != '\0' || !(seconds >= 0 && seconds <= 3600)) {
    PrintWarning(std::string("SAFEBUILD_PROGRESS_DELAY: '") + env +
                 "' is not a number of seconds from 0 to 3600; using 1");
    return kFirstDraw;
  }
  return std::chrono::milliseconds(std::llround(seconds * 1000));
}

std::string ProgressLine(int done, int total, uint64_t bytes, uint64_t files, double seconds) {
  std::string rate = seconds > 0 ? Size(static_cast<double>(bytes) / seconds) + "/s" : "-";
  return "scanning: layer " + std::to_string(done) + "/" + std::to_string(total) + ", " +
         Size(static_cast<double>(bytes)) + ", " + std::to_string(files) + " files, " + rate;
}

ProgressBar::ProgressBar(const ScanProgress& progress, bool enabled,
                         std::chrono::milliseconds delay)
    : progress_(progress), delay_(delay) {
  if (enabled) thread_ = std::thread([this] { Run(); });
}

ProgressBar::~ProgressBar() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (drawn_) WriteErr("\r\033[K");
}

void ProgressBar::Draw(Clock::time_point start) {
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::string line = ProgressLine(progress_.layers_done.load(), progress_.layers_total.load(),
                                  progress_.bytes.load(), progress_.files.load(), seconds);
  WriteErr("\r" + line + "\033[K");
  drawn_ = true;
}

void ProgressBar::Run() {
  const Clock::time_point start = Clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  if (wake_.wait_until(lock, start + delay_, [this] { return done_; })) return;
  while (true) {
    Draw(start);
    if (wake_.wait_for(lock, kRedraw, [this] { return done_; })) return;
  }
}

}  // namespace safebuild
