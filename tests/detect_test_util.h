// Shorthands of the detector tests.
#pragma once

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

}  // namespace safebuild::detect_test
