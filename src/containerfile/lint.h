// Lint rules over a parsed Containerfile, the build's --build-arg values and
// the build context. Every finding points at FILE:LINE:COL (context findings
// name the context file and the COPY line). Severity follows the value: only
// a value the detector calls a secret makes a high or critical finding; a
// name alone gives low-severity advice. No finding carries a secret value.
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
  // An empty value is not checked: resolve NAME from the environment first
  // to have it checked.
  std::vector<std::pair<std::string, std::string>> build_args;
  std::filesystem::path context;  // empty: do not look at the context
  // podman's --ignorefile; empty: podman's lookup (see ignore_lookup.h).
  std::filesystem::path ignore_file;
  // When set, receives every secret value lint found, so that other output
  // of the same build (podman's, which echoes each step) can hide them too.
  std::vector<std::string>* secret_values = nullptr;
};

/// Findings sorted by origin, path, line, column and rule; one per place and
/// rule. Reads the context (bounded, no symlinks followed) when it is set.
std::vector<Finding> Lint(const LintInput& input, const Detector& detector);

}  // namespace safebuild
