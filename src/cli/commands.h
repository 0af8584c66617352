// The commands. `build` reads as its pipeline: lint, build, scan, gate, tag.
#pragma once

#include <string>
#include <vector>

#include "cli/options.h"

namespace safebuild {

/// Runs a whole command line and returns the process exit code.
int Main(const std::vector<std::string>& argv);

int RunBuild(const CommonOptions& common, const std::vector<std::string>& args);
int RunScan(const CommonOptions& common, const std::vector<std::string>& args);
int RunLint(const CommonOptions& common, const std::vector<std::string>& args);
int RunPush(const CommonOptions& common, const std::vector<std::string>& args);

}  // namespace safebuild
