// Rewrites a leaky Containerfile into one that takes its secrets from build
// secrets instead of baking them into the image. Each rewrite has its own
// rule id:
//   rewrite-arg-secret       ARG (+ --build-arg) carrying a secret into RUN
//   rewrite-literal-secret   a secret literal in ENV, ARG or LABEL
//   rewrite-copied-credential  COPY of a credential file used, then `rm`'d
//   rewrite-ssh-key          an SSH key copied in for `git clone`
//   rewrite-download-credentials  curl credentials in a URL or header
//   rewrite-run-literal      any other secret literal in a RUN line
//   rewrite-unused-build-arg a secret --build-arg that no ARG declares:
//                            podman 4.3 records it nowhere, it is dropped
//   rewrite-multi-stage      a single stage whose secret steps leave derived
//                            credentials becomes a build stage + a final
//                            stage that copies only the artifacts
// The edit touches only the instructions that change, by the line spans the
// parser recorded; every other byte (comments, blank lines, the escape
// directive, continuations) is kept. Rewriting a rewritten file changes
// nothing. Only syntax the target podman accepts is emitted: podman 4.3 has
// no `env=` on secret mounts, so a RUN reads the value from the mounted file
// after a guard that fails the build when the secret is missing or empty.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/expected.h"

namespace safebuild {

/// A podman version as X.Y; the rewrite's target.
struct PodmanVersion {
  int major = 4;
  int minor = 3;
  bool AtLeast(int maj, int min) const {
    return major > maj || (major == maj && minor >= min);
  }
};

/// "4.3.1", "5.0" → {4, 3}, {5, 0}.
Expected<PodmanVersion> ParsePodmanVersion(std::string_view text);

/// `RUN --mount=type=secret,…,env=NAME` (buildah 1.43, podman 5.8).
bool SupportsSecretEnvMount(const PodmanVersion& v);

struct RewriteOptions {
  PodmanVersion target;
  // --build-arg NAME=VALUE of the build, resolved (NAME alone: from the
  // environment, missing ones left out).
  std::vector<std::pair<std::string, std::string>> build_args;
  // Apply mode: an ARG is only turned into a secret when the build gives it
  // a value, since the guard would otherwise fail a build that worked.
  bool require_values = false;
  std::string context = ".";  // for `src=` of copied credential files
  // What the final stage of a split build copies (`fix --artifact`); empty:
  // chosen by the heuristics of stage_rules.cc.
  std::vector<std::string> artifacts;
  // The config User of each base image, by the reference BaseImages gives
  // ("" and "0": root), as podman tells it. A step whose stage starts from
  // an image not named here runs as a user not known: its secret mounts
  // are made readable by all (mode=0444) rather than left root's 0400.
  std::map<std::string, std::string> base_users;
};

/// An image a stage starts from (not an earlier stage, not scratch): the
/// FROM reference and its --platform ("" when it has none, "?" when it
/// holds a variable not known), global ARGs and --build-args put in.
struct BaseImage {
  std::string ref;
  std::string platform;
};

/// The base images of `text`, for the build to look up their users; a
/// reference whose variables have no value is left out.
std::vector<BaseImage> BaseImages(std::string_view text, const RewriteOptions& options);

/// One `--secret` (or `--ssh`) the rewritten file needs at build time.
struct SecretNeed {
  std::string id;
  enum Kind { kEnv, kFile, kSsh } kind = kEnv;
  std::string source;  // kEnv: variable name; kFile: path; kSsh: "default"
  // The value, when the rewrite knows it (a --build-arg, a literal taken
  // out of the file); apply mode hands it to podman in a 0600 file. Never
  // printed.
  std::optional<std::string> value;
  std::string replaces_build_arg;  // the --build-arg NAME it replaces
};

struct RewriteNote {
  int line = 0;
  std::string rule;
  std::string message;  // never holds a secret value
};

struct RewriteResult {
  std::string text;                  // the rewritten file
  bool changed = false;
  std::vector<RewriteNote> changes;  // what was rewritten
  std::vector<RewriteNote> skipped;  // left as is, with the reason
  std::vector<SecretNeed> secrets;
  std::vector<std::string> advice;
  std::vector<std::string> ignore_lines;  // for .containerignore
  // Secret --build-args that no ARG declares: podman ignores them; the
  // build leaves them out.
  std::vector<std::string> unused_build_args;
  // For each line of `text`, the 1-based line of the original it came
  // from; 0 for a line the rewrite added.
  std::vector<int> line_origin;
  /// The original line of 1-based `line` of `text`, 0 when it was added.
  int OriginalLine(int line) const;
};

/// Rewrites `text`. Fails only when the file cannot be parsed; a file that
/// cannot be rewritten safely comes back unchanged with the reasons.
Expected<RewriteResult> RewriteContainerfile(std::string_view text,
                                             const std::string& path,
                                             const RewriteOptions& options);

/// The `--secret`/`--ssh` flags for `needs`, as the user types them.
std::vector<std::string> BuildFlags(const std::vector<SecretNeed>& needs);

/// A unified diff of two texts with 3 lines of context ("" when equal).
std::string UnifiedDiff(std::string_view before, std::string_view after,
                        const std::string& name);

}  // namespace safebuild
