#include "report/policy.h"

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

namespace safebuild {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

constexpr uintmax_t kMaxPolicyBytes = 1u << 20;

Status ReadSeverities(const json& j, Policy& p) {
  if (!j.is_object()) return Fail("\"severity\" must be an object of rule: severity");
  for (const auto& [rule, value] : j.items()) {
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

}  // namespace

Expected<Policy> ParsePolicy(std::string_view text, const std::string& source) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Fail(source + ": not a JSON object");
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
