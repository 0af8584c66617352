// Shorthands of the detector tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "detect/detector.h"

namespace safebuild::detect_test {

/// The detector with only the RE2::Set pass, which Scan() holds the
/// default one (a Hyperscan set, where the build has one) to.
inline const Detector& Re2SetDetector() {
  static const Detector detector(Detector::PatternEngine::kRe2Set);
  return detector;
}

/// What the default detector finds in `text`; every call also checks that
/// the RE2::Set pass finds exactly the same, so that each detector test
/// holds both engines to its expectations.
inline std::vector<Match> Scan(std::string_view text, std::string_view path = {}) {
  std::vector<Match> found = Detector::Default().Scan(text, path);
  std::vector<Match> by_re2 = Re2SetDetector().Scan(text, path);
  auto same = [](const Match& a, const Match& b) {
    return a.rule == b.rule && a.offset == b.offset && a.length == b.length &&
           a.severity == b.severity && a.description == b.description;
  };
  EXPECT_TRUE(std::equal(found.begin(), found.end(), by_re2.begin(), by_re2.end(), same))
      << "the two pattern engines disagree on a text of " << text.size() << " bytes at "
      << path;
  return found;
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
