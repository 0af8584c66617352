// Baselines: findings a team has looked at and accepted. `safebuild baseline
// IMAGE > FILE` writes them; `--baseline FILE` then reports only findings
// not in it and counts the rest. A finding is matched by rule, origin, path,
// nested-archive member and fingerprint, never by layer digest or line: a
// rebuild of the same content (new layer digests) matches, a moved secret or
// a new value does not. The fingerprint is a keyed hash, so the file holds
// nothing of the secret itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/finding.h"
#include "report/report.h"
#include "util/expected.h"

namespace safebuild {

class Baseline {
 public:
  static Expected<Baseline> Parse(const std::string& text);
  static Expected<Baseline> Load(const std::string& path);

  /// The baseline file for these findings (schema 1, stable order).
  static nlohmann::json ToJson(const std::vector<Finding>& findings);

  bool Contains(const Finding& f) const { return keys_.count(Key(f)) != 0; }

  /// Drops the findings the baseline holds; returns how many.
  uint64_t Remove(std::vector<Finding>& findings) const;

 private:
  static std::string Key(const Finding& f);
  std::unordered_set<std::string> keys_;
};

/// --baseline FILE on a report: nothing without a file; with one, removes
/// the accepted findings and sets report.baselined.
Status ApplyBaselineFile(const std::optional<std::string>& file, Report& report);

}  // namespace safebuild
