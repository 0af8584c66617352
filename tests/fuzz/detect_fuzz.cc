// libFuzzer target over the secret detector: every pattern, its validator,
// the filters and the UTF-16 path, on any bytes and under any of the file
// names that change how the detector reads a text, and with both pattern
// engines, which must agree. Built with
// -DSAFEBUILD_FUZZ=ON and clang, where a validator that throws ends the run
// (a release build reports the match instead, see detector.cc);
// tests/fuzz/replay_main.cc replays the seed corpus in every ctest run.
//
// A longer run before a release (from the build directory):
//   ./tests/detect_fuzz -max_total_time=3600 -max_len=65536 ../tests/fuzz/corpus/detect
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "detect/detector.h"

namespace {

// The first byte picks the path the text is scanned as.
constexpr std::array<std::string_view, 14> kPaths = {
    "notes.txt",   "app/main.py",    "package-lock.json", "root/.netrc", "root/.pgpass",
    "etc/pip.conf", "Env/API_TOKEN", "lib/x.so",          "app/.env",    "config.json",
    "app/__pycache__/settings.cpython-311.pyc",
    // Office parts, read as their text (detect/office_text.h).
    "srv/xl/sharedStrings.xml", "srv/word/document.xml", "srv/content.xml"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view path = kPaths[data[0] % kPaths.size()];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const safebuild::Detector& detector = safebuild::Detector::Default();
  const std::vector<safebuild::Match> found = detector.Scan(text, path);
  for (const safebuild::Match& m : found) {
    // Matches stay inside the text.
    if (m.offset > text.size() || m.length > text.size() - m.offset) __builtin_trap();
  }
  // The RE2::Set pass finds the same as the default one (the Hyperscan set
  // where the build has it, which also tries key names at their starts).
  static const safebuild::Detector re2_set(safebuild::Detector::PatternEngine::kRe2Set);
  const std::vector<safebuild::Match> by_re2 = re2_set.Scan(text, path);
  auto same = [](const safebuild::Match& a, const safebuild::Match& b) {
    return a.rule == b.rule && a.offset == b.offset && a.length == b.length;
  };
  if (!std::equal(found.begin(), found.end(), by_re2.begin(), by_re2.end(), same)) {
    __builtin_trap();
  }
  (void)detector.LooksLikeSecret(text.substr(0, 256));
  for (const safebuild::Match& m : detector.ScanName(text.substr(0, 4096))) {
    if (m.offset + m.length > std::min<size_t>(text.size(), 4096)) __builtin_trap();
  }
  return 0;
}
