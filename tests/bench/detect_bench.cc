// detect-bench: the detector alone, to measure its throughput.
//
//   detect-bench FILE [CHUNK_KB]
//   detect-bench DIRECTORY
//
// A FILE is scanned in chunks (default 1024 KiB). A DIRECTORY is scanned as
// a layer's files are: each regular file on its own, under its own path
// (the path decides which rules apply). Reading is outside the timing.
// With DETECT_BENCH_LIST=1 each finding is also printed (path:line:column,
// rule, severity; no value), so two builds can be compared for new findings.
// With DETECT_BENCH_ENGINE=re2set the multi-pattern pass is RE2::Set.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "detect/detector.h"

namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// (path, text) pieces to scan: the chunks of one file, or every file of a
// tree.
std::vector<std::pair<std::string, std::string>> Inputs(const char* arg, size_t chunk) {
  std::vector<std::pair<std::string, std::string>> inputs;
  if (std::filesystem::is_directory(arg)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
      if (!entry.is_regular_file() || entry.is_symlink()) continue;
      inputs.emplace_back(entry.path().string(), ReadAll(entry.path()));
    }
    return inputs;
  }
  const std::string text = ReadAll(arg);
  for (size_t pos = 0; pos < text.size(); pos += chunk) {
    inputs.emplace_back("bench.txt", text.substr(pos, chunk));
  }
  return inputs;
}

// sb_detect alone does not link the report's names.
constexpr const char* kSeverityNames[] = {"info", "low", "medium", "high", "critical"};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fputs("usage: detect-bench FILE [CHUNK_KB] | DIRECTORY\n", stderr);
    return 2;
  }
  const size_t chunk = (argc == 3 ? std::strtoul(argv[2], nullptr, 10) : 1024) << 10;
  const auto inputs = Inputs(argv[1], chunk);
  size_t bytes = 0;
  for (const auto& [path, text] : inputs) bytes += text.size();
  // DETECT_BENCH_ENGINE=re2set: the RE2::Set pass, to compare with the
  // Hyperscan set that a build on amd64 carries.
  const char* engine = std::getenv("DETECT_BENCH_ENGINE");
  const safebuild::Detector detector(engine != nullptr && std::string(engine) == "re2set"
                                         ? safebuild::Detector::PatternEngine::kRe2Set
                                         : safebuild::Detector::PatternEngine::kAuto);

  auto start = std::chrono::steady_clock::now();
  size_t findings = 0;
  std::vector<std::pair<std::string, safebuild::Match>> listed;
  const bool list = std::getenv("DETECT_BENCH_LIST") != nullptr;
  for (const auto& [path, text] : inputs) {
    auto matches = detector.Scan(text, path);
    findings += matches.size();
    if (list) {
      for (auto& match : matches) listed.emplace_back(path, std::move(match));
    }
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu bytes in %zu pieces, %.2f s: %.1f MB/s, %zu findings\n", bytes,
              inputs.size(), seconds, static_cast<double>(bytes) / 1e6 / seconds, findings);
  for (const auto& [path, match] : listed) {
    std::printf("%s:%lld:%lld %s %s %s (%s)\n", path.c_str(),
                static_cast<long long>(match.line), static_cast<long long>(match.column),
                match.rule.c_str(), kSeverityNames[static_cast<int>(match.severity)],
                match.redacted.c_str(), match.description.c_str());
  }
  return 0;
}
