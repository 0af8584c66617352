// Shorthands of the detector tests.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "detect/detector.h"

namespace safebuild::detect_test {

inline std::vector<Match> Scan(std::string_view text, std::string_view path = {}) {
  return Detector::Default().Scan(text, path);
}

/// The rules of `matches`, comma-separated, in order.
inline std::string RulesOf(const std::vector<Match>& matches) {
  std::string out;
  for (const Match& m : matches) out += (out.empty() ? "" : ",") + m.rule;
  return out;
}

/// Runs `command` with a shell; true when it exits 0.
inline bool Shell(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace safebuild::detect_test
