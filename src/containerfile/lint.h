// Lint rules over a parsed Containerfile, the build's --build-arg values and
// the build context. Every finding points at FILE:LINE:COL.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "containerfile/parser.h"
#include "detect/detector.h"
#include "report/finding.h"

namespace safebuild {

struct LintInput {
  const Containerfile* file = nullptr;
  // --build-arg NAME=VALUE pairs of the build (NAME alone: from environment).
  std::vector<std::pair<std::string, std::string>> build_args;
  std::filesystem::path context;  // empty: do not look at the context
};

std::vector<Finding> Lint(const LintInput& input, const Detector& detector);

}  // namespace safebuild
