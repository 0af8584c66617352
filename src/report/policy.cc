#include "report/policy.h"

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "detect/detector.h"
#include "report/rule_catalog.h"

namespace safebuild {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

constexpr uintmax_t kMaxPolicyBytes = 1u << 20;

// Edits to turn `a` into `b`, for "did you mean".
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// A rule id the config names must exist: a typo would silently keep a rule
// on (or an override off) that the team believes is handled.
Status CheckRuleId(std::string_view where, const std::string& rule) {
  static const std::vector<std::string_view> kDetectorIds = DetectorRuleIds();
  if (FindLintRule(rule) != nullptr ||
      std::binary_search(kDetectorIds.begin(), kDetectorIds.end(), rule)) {
    return Ok{};
  }
  std::string_view best;
  size_t best_distance = 3;  // at most 2 edits away
  auto consider = [&](std::string_view id) {
    size_t d = EditDistance(rule, id);
    if (d < best_distance) {
      best_distance = d;
      best = id;
    }
  };
  for (const RuleInfo& r : LintRules()) consider(r.id);
  for (std::string_view id : kDetectorIds) consider(id);
  std::string hint = best.empty() ? " (safebuild-rules(7) lists them)"
                                  : " (did you mean \"" + std::string(best) + "\"?)";
  return Fail(std::string(where) + ": unknown rule id \"" + rule + "\"" + hint);
}

Status ReadSeverities(const json& j, Policy& p) {
  if (!j.is_object()) return Fail("\"severity\" must be an object of rule: severity");
  for (const auto& [rule, value] : j.items()) {
    if (Status st = CheckRuleId("\"severity\"", rule); !st) return st;
    auto sev = value.is_string() ? ParseSeverity(value.get<std::string>()) : std::nullopt;
    if (!sev) return Fail("severity of " + rule + " must be info, low, medium, high or critical");
    p.severity[rule] = *sev;
  }
  return Ok{};
}

Status ReadDisabled(const json& j, Policy& p) {
  if (!j.is_array()) return Fail("\"disable\" must be an array of rule ids");
  for (const auto& rule : j) {
    if (!rule.is_string()) return Fail("\"disable\" must be an array of rule ids");
    if (Status st = CheckRuleId("\"disable\"", rule.get<std::string>()); !st) return st;
    p.disabled.insert(rule.get<std::string>());
  }
  return Ok{};
}

Status ReadAllowed(const json& j, Policy& p) {
  if (!j.is_array()) return Fail("\"allow\" must be an array of {fingerprint, reason}");
  for (const auto& entry : j) {
    bool ok = entry.is_object() && entry.contains("fingerprint") &&
              entry["fingerprint"].is_string() && entry.contains("reason") &&
              entry["reason"].is_string() && entry.size() == 2;
    // A reason is required: an allowlist entry nobody can explain is a leak.
    if (!ok) return Fail("each \"allow\" entry needs a fingerprint and a reason, nothing else");
    p.allow[entry["fingerprint"].get<std::string>()] = entry["reason"].get<std::string>();
  }
  return Ok{};
}

bool IsSecretId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Expected<SecretSource> ReadSecretSource(const std::string& id, const json& j) {
  if (!IsSecretId(id)) return Fail("secret id \"" + id + "\" must be letters, digits, _ - .");
  std::string where = "secret " + id + ": ";
  if (!j.is_object() || j.size() != 1) {
    return Fail(where + "needs one of env, file, podman or command");
  }
  SecretSource s{id, SecretSource::kEnv, "", {}};
  const std::string kind = j.begin().key();
  const json& value = j.begin().value();
  if (kind == "command") {
    s.kind = SecretSource::kCommand;
    bool ok = value.is_array() && !value.empty();
    for (const auto& a : value) ok = ok && a.is_string();
    if (!ok) return Fail(where + "\"command\" must be a non-empty array of strings");
    for (const auto& a : value) s.argv.push_back(a.get<std::string>());
    return s;
  }
  static const std::map<std::string, SecretSource::Kind> kKinds = {
      {"env", SecretSource::kEnv}, {"file", SecretSource::kFile},
      {"podman", SecretSource::kPodman}};
  auto k = kKinds.find(kind);
  if (k == kKinds.end()) {
    return Fail(where + "unknown source \"" + kind + "\" (env, file, podman or command)");
  }
  s.kind = k->second;
  if (!value.is_string() || value.get<std::string>().empty()) {
    return Fail(where + "\"" + kind + "\" must be a non-empty string");
  }
  s.name = value.get<std::string>();
  return s;
}

Status ReadSecrets(const json& j, Policy& p) {
  if (!j.is_object()) return Fail("\"secrets\" must be an object of id: source");
  for (const auto& [id, value] : j.items()) {
    auto s = ReadSecretSource(id, value);
    if (!s) return Fail(s.error());
    p.secrets.push_back(*s);
  }
  return Ok{};
}

// "SOURCE:LINE:COL: invalid JSON: CAUSE" for the byte where parsing stopped.
std::string JsonErrorAt(const std::string& source, std::string_view text,
                        const json::parse_error& e) {
  size_t at = std::min<size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
  size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + at, '\n'));
  size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
  size_t column = line_start == std::string_view::npos || at == 0 ? at + 1 : at - line_start;
  std::string cause = e.what();
  // "[json.exception.parse_error.101] parse error at line 1, column 2: CAUSE"
  if (size_t colon = cause.find(": "); colon != std::string::npos) cause.erase(0, colon + 2);
  return source + ":" + std::to_string(line) + ":" + std::to_string(column) +
         ": invalid JSON: " + cause;
}

}  // namespace

Expected<Policy> ParsePolicy(std::string_view text, const std::string& source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return Fail(JsonErrorAt(source, text, e));
  }
  if (!j.is_object()) return Fail(source + ": not a JSON object");
  Policy p;
  p.source = source;
  for (const auto& [key, value] : j.items()) {
    Status st = key == "severity" ? ReadSeverities(value, p)
                : key == "disable" ? ReadDisabled(value, p)
                : key == "allow"   ? ReadAllowed(value, p)
                : key == "secrets" ? ReadSecrets(value, p)
                                   : Fail("unknown key \"" + key + "\"");
    if (!st) return Fail(source + ": " + st.error());
  }
  return p;
}

Expected<Policy> LoadPolicy(const fs::path& file, const fs::path& context) {
  fs::path path = file;
  std::error_code ec;
  if (path.empty()) {
    if (context.empty()) return Policy{};
    path = context / kPolicyFileName;
    if (!fs::is_regular_file(path, ec)) return Policy{};
  }
  auto size = fs::file_size(path, ec);
  if (ec) return Fail(path.string() + ": " + ec.message());
  if (size > kMaxPolicyBytes) return Fail(path.string() + ": file is too large");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(path.string() + ": cannot open");
  std::string text(std::istreambuf_iterator<char>(in), {});
  return ParsePolicy(text, path.string());
}

void ApplyPolicy(const Policy& policy, std::vector<Finding>& findings) {
  for (Finding& f : findings) {
    if (!f.suppressed.empty()) continue;
    if (auto it = policy.severity.find(f.rule); it != policy.severity.end()) {
      f.severity = it->second;
    }
    if (policy.disabled.count(f.rule) != 0) {
      f.suppressed = "config: rule disabled in " + policy.source;
    } else if (auto a = policy.allow.find(f.fingerprint);
               !f.fingerprint.empty() && a != policy.allow.end()) {
      f.suppressed = "config: " + a->second;
    }
  }
}

}  // namespace safebuild
