// Every call safebuild makes to podman goes through here, with the user's
// persistent flags (--root, --runroot, …) repeated so that build, inspect,
// save, tag, rmi and push all see the same storage. Children are started
// with Boost.Process; SIGINT, SIGTERM and SIGHUP sent to safebuild reach the
// running child, and safebuild exits only after it has.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "util/expected.h"

namespace safebuild {

struct PodmanOptions {
  std::string binary = "podman";           // SAFEBUILD_PODMAN overrides
  std::vector<std::string> global_flags;   // e.g. {"--root", "/x"}
};

struct RunOptions {
  bool stdout_to_stderr = false;           // keep stdout free for a report
  std::optional<std::string> stdin_data;   // fed to the child's stdin
  bool capture_stdout = false;
  bool quiet = false;                      // child's stdout/stderr discarded
  bool add_globals = true;                 // false: ARGS already hold them
  // When set, the child's output is relayed line by line through it (to
  // redact secrets podman echoes, such as ENV lines and build args).
  std::function<std::string(std::string_view)> filter;
};

struct RunResult {
  int exit_code = 0;        // the child's, or 128+N when killed by signal N
  std::string out;          // captured stdout
};

class Podman {
 public:
  explicit Podman(PodmanOptions options);

  /// Runs `podman GLOBAL_FLAGS… ARGS…`. Fails only when it cannot start,
  /// or, for captured runs, when podman exits non-zero.
  Expected<RunResult> Run(const std::vector<std::string>& args,
                          const RunOptions& run = {}) const;

  /// `podman image inspect` of one image, parsed.
  Expected<std::string> InspectJson(const std::string& image) const;

  /// Exports `image` as an OCI layout directory.
  Status SaveOciDir(const std::string& image, const std::string& dir) const;

  Status Tag(const std::string& image, const std::vector<std::string>& tags) const;
  Status Remove(const std::string& image) const;

  const PodmanOptions& options() const { return options_; }

 private:
  std::vector<std::string> WithGlobals(const std::vector<std::string>& args) const;
  PodmanOptions options_;
};

/// The signal that interrupted safebuild (0: none). Set by the handlers
/// that InstallSignalForwarding installs.
int PendingSignal();
void InstallSignalForwarding();

}  // namespace safebuild
