// The project's lint and scan policy, `.safebuild.json` in the build context
// or the file given with --config:
//
//   {
//     "severity": {"secret-name-in-env": "info"},
//     "disable": ["heredoc-unsupported"],
//     "allow": [{"fingerprint": "5c0e…", "reason": "test fixture"}],
//     "secrets": {"NPM_TOKEN": {"command": ["pass", "show", "npm"]}}
//   }
//
// `severity` changes the severity of a rule's findings; `disable` and
// `allow` suppress findings. A suppressed finding stays in the report with
// the reason (it is counted and listed, never dropped) but does not fail
// the gate. `secrets` names where build secrets come from (see
// cli/secret_sources.h). Unknown keys are errors, so that a typo does not silently
// disable nothing.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "report/finding.h"
#include "util/expected.h"

namespace safebuild {

/// Where a build secret's value comes from ("secrets": {"ID": {"env":
/// "VAR"} | {"file": "PATH"} | {"podman": "NAME"} | {"command": [ARGV…]}}).
struct SecretSource {
  std::string id;
  enum Kind { kEnv, kFile, kPodman, kCommand } kind = kEnv;
  std::string name;               // the variable, path or podman secret
  std::vector<std::string> argv;  // kCommand, run without a shell
};

struct Policy {
  std::map<std::string, Severity> severity;  // rule → severity
  std::set<std::string> disabled;            // rule ids
  std::map<std::string, std::string> allow;  // fingerprint → reason
  std::string source;                        // the file, for reasons
  std::vector<SecretSource> secrets;         // by id, in file order
};

/// Name of the policy file looked up at the root of the build context.
inline constexpr std::string_view kPolicyFileName = ".safebuild.json";

/// Parses the JSON text of a policy; errors name `source`.
Expected<Policy> ParsePolicy(std::string_view text, const std::string& source);

/// Reads `file`; when it is empty, `context`/.safebuild.json if there is one
/// (an empty Policy when there is none).
Expected<Policy> LoadPolicy(const std::filesystem::path& file,
                            const std::filesystem::path& context);

/// Applies overrides, then suppressions, to findings not yet suppressed.
void ApplyPolicy(const Policy& policy, std::vector<Finding>& findings);

}  // namespace safebuild
