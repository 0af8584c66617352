// safebuild's own command line: `safebuild [OPTIONS] COMMAND [ARGS…]`.
// safebuild's options stand before the command (or in SAFEBUILD_*
// environment variables), so they never collide with a podman flag; for
// `build` and `push` everything after the command belongs to podman.
// `scan` and `lint` also take the common options after the command.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/finding.h"
#include "util/expected.h"

namespace safebuild {

struct CommonOptions {
  std::string format = "text";             // text | json
  std::optional<std::string> report_file;  // write the report here as well
  std::optional<std::string> config_file;  // policy; else .safebuild.json in the context
  Severity fail_on = Severity::kHigh;
  bool keep_failed = false;                // keep a blocked image in storage
  bool fail_on_skipped = false;            // anything not read in full blocks
  int verbosity = 0;                       // -q: -1, -v: 1, -vv: 2
  std::string color = "auto";              // auto | always | never
  std::string podman = "podman";           // podman binary
  std::string rewrite = "suggest";         // off | suggest | apply (build)
  bool prune_intermediate = false;         // build: remove other stages' images
  std::optional<std::string> baseline_file;  // accepted findings, left out
  bool write_baseline = false;             // the `baseline` command
};

struct CommandLine {
  CommonOptions common;
  std::string command;             // build, scan, lint, push, help, version
  std::vector<std::string> args;   // everything after the command
};

Expected<CommandLine> ParseCommandLine(const std::vector<std::string>& argv);

/// Parses common options that appear after `scan`/`lint`, updating
/// `common`; returns the remaining arguments in order.
Expected<std::vector<std::string>> ParseCommonAfterCommand(
    const std::vector<std::string>& args, CommonOptions& common);

std::string UsageText();
std::string CommandUsage(const std::string& command);

}  // namespace safebuild
