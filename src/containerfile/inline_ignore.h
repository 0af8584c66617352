// Inline suppression in a Containerfile:
//
//   # safebuild:ignore secret-name-in-env,secret-arg the value is a path
//   ENV API_TOKEN_FILE=/run/secrets/token
//
// A `# safebuild:ignore RULES REASON` comment suppresses the named rules
// (comma-separated; `*` for all) for the instruction it is on or for the
// instruction right below it (other comment lines may stand in between;
// a blank line ends the reach). "On" means any line the instruction spans,
// such as a shell comment at the end of a RUN line or a comment line
// inside a continuation. Suppressed findings are marked, not removed.
#pragma once

#include <string>
#include <vector>

#include "containerfile/parser.h"
#include "report/finding.h"

namespace safebuild {

struct InlineIgnore {
  std::vector<std::string> rules;  // "*" matches every rule
  std::string reason;
  int line = 0;  // of the comment
};

/// The ignore comments that apply to `ins`.
std::vector<InlineIgnore> IgnoresFor(const Containerfile& file, const Instruction& ins);

/// Marks the findings of `file` (Containerfile and context findings with a
/// line in it) that an inline comment suppresses.
void ApplyInlineIgnores(const Containerfile& file, std::vector<Finding>& findings);

}  // namespace safebuild
