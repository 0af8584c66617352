// The catalogue of lint rule ids: one entry per rule with its usual
// severity, a title, why it matters and how to fix it. SARIF's rule metadata
// and the rule manual page (man/safebuild-rules.7) are written from it.
// The secret formats found by the detector (in images and Containerfiles
// alike) have a second list: their id names the format, the title says
// what it is.
#pragma once

#include <span>
#include <string_view>

#include "report/finding.h"

namespace safebuild {

struct RuleInfo {
  std::string_view id;
  Severity severity;           // the usual one; a finding may differ
  std::string_view title;      // one line
  std::string_view rationale;  // why it is a leak
  std::string_view fix;        // what to do instead
};

/// Every lint rule, sorted by id.
std::span<const RuleInfo> LintRules();

/// The entry for `id`, or nullptr for a detector rule or an unknown id.
const RuleInfo* FindLintRule(std::string_view id);

/// Every detector rule (token formats, keys, passwords), sorted by id.
/// "url-credentials" is both and is listed with the lint rules only.
std::span<const RuleInfo> DetectorRules();

/// The detector entry for `id`, or nullptr.
const RuleInfo* FindDetectorRule(std::string_view id);

}  // namespace safebuild
