// `safebuild fix` prints (or writes) the rewritten Containerfile and the
// build flags it needs; `safebuild --rewrite=… build` uses the same rewrite
// to suggest it after lint, or to build from a rewritten copy.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/options.h"
#include "podman/build_args.h"
#include "podman/podman.h"
#include "report/finding.h"
#include "util/expected.h"
#include "util/temp_dir.h"

namespace safebuild {

int RunFix(const CommonOptions& common, const std::vector<std::string>& args);

/// What `build` runs after the rewrite step: for `off`, `suggest` and a
/// file with nothing to rewrite, the user's own arguments.
struct BuildRewrite {
  std::vector<std::string> passthrough;   // podman build arguments
  std::vector<std::string> files;         // the Containerfiles to lint
  std::optional<std::string> stdin_text;  // for "-f -"
  std::vector<std::pair<std::string, std::string>> build_args;  // for lint
  // apply: the user's file as shown, and for each line of the rewritten
  // copy the user's line it came from (0: added by the rewrite).
  std::string rewritten_from;
  std::vector<int> line_origin;
  std::string ignore_file;  // apply: the copy's --ignorefile
};

/// Points the lint findings of a rewritten copy at the user's file and
/// line; a finding in a line the rewrite added says so.
void MapRewrittenFindings(const BuildRewrite& build, std::vector<Finding>& findings);

/// `apply` writes the rewritten file into `scratch`, turns secret
/// --build-args into --secrets whose values sit in 0600 files there (never
/// on a command line), and points podman at the copy. The TempDir wipes and
/// removes them on every exit path.
Expected<BuildRewrite> PrepareBuildRewrite(const CommonOptions& common,
                                           const BuildInvocation& inv,
                                           BuildRewrite original,
                                           const TempDir& scratch);

/// The `--secret` flags for the secrets the files of `build` mount, that
/// its arguments do not give and the config's "secrets" section names
/// (cli/secret_sources.h). Fails when a source fails (a command's non-zero
/// exit, a missing variable or file), naming the secret, never its value.
Expected<std::vector<std::string>> ConfiguredSecretFlags(const CommonOptions& common,
                                                        const BuildInvocation& inv,
                                                        const BuildRewrite& build,
                                                        const Podman& podman,
                                                        const TempDir& scratch);

}  // namespace safebuild
