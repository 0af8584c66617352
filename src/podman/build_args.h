// Reads a `podman build` (or `podman push`) command line without changing
// it. safebuild needs a few facts from it: the tags to hold back, the
// Containerfile and context to lint, the build arguments, and podman's
// persistent flags (--root, --runroot, --storage-driver, …) that every podman
// call safebuild makes itself must repeat, or it would look at other storage.
// Everything else passes through untouched, in its order.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/expected.h"

namespace safebuild {

struct BuildInvocation {
  std::vector<std::string> passthrough;    // the args minus -t/--tag
  std::vector<std::string> global_flags;   // persistent flags, as given
  std::vector<std::string> tags;
  std::vector<std::string> files;          // -f/--file values, in order
  std::string context;                     // positional, "." when absent
  std::vector<std::pair<std::string, std::optional<std::string>>> build_args;
  std::vector<std::string> build_arg_files;  // --build-arg-file values
  std::optional<std::string> iidfile;      // the user's --iidfile
  std::optional<std::string> ignorefile;   // --ignorefile
  std::optional<std::string> manifest;     // --manifest: the list the image joins
  bool help = false;                       // -h/--help: podman answers
  // Flags whose effect leaves podman before the scan can hold it back:
  // -o/--output (the image's files into a directory or tar), --cache-to
  // (its layers to a registry).
  std::vector<std::string> before_gate;
  // --squash, --squash-all, --layers=false: the stage's instructions share
  // one layer, so a layer tells no instruction.
  bool merged_layers = false;
};

/// Splits the arguments after `build`. A cluster of short flags reads as
/// podman reads it: "-qt NAME" is -q and -t NAME. Value flags are known from podman
/// 4.x's `build --help`; an unknown `--flag` without `=` is taken as a
/// boolean, like podman would reject it anyway.
Expected<BuildInvocation> ParseBuildArgs(const std::vector<std::string>& args);

/// The entries of a --build-arg-file: "NAME=VALUE" lines (the value is the
/// rest of the line, as written), "NAME" alone (the value comes from the
/// environment), blank lines and "#" comments skipped.
Expected<std::vector<std::pair<std::string, std::optional<std::string>>>> ReadBuildArgFile(
    const std::string& path);

/// podman 4.3 has no --build-arg-file, so safebuild reads each file itself:
/// its entries join `build_args`, and in `passthrough` the flag becomes one
/// `--build-arg NAME` per entry. The values go into safebuild's own
/// environment, which podman inherits, so that no value stands on podman's
/// command line; the rewrite can then turn the secret ones into --secrets.
Status ExpandBuildArgFiles(BuildInvocation& inv);

struct PushInvocation {
  std::vector<std::string> passthrough;
  std::vector<std::string> global_flags;
  std::string image;
  std::optional<std::string> destination;
  bool help = false;  // -h/--help: podman answers
};

/// Splits the arguments after `push`: podman push flags, IMAGE [DEST].
Expected<PushInvocation> ParsePushArgs(const std::vector<std::string>& args);

/// Persistent podman flags accepted by `scan` as well (storage selection).
bool IsPodmanGlobalValueFlag(const std::string& name);
bool IsPodmanGlobalBoolFlag(const std::string& name);

}  // namespace safebuild
