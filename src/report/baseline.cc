#include "report/baseline.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "util/text.h"

namespace safebuild {
namespace {

constexpr uint64_t kMaxBaselineBytes = 64ull << 20;

std::string Field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

// Unit separators cannot occur in a rule id or fingerprint, nor in a
// path as shown (Printable), which is how a baseline file holds it.
std::string Baseline::Key(const Finding& f) {
  return f.rule + '\x1f' + std::string(ToString(f.origin)) + '\x1f' + Printable(f.path) +
         '\x1f' + Printable(f.member) + '\x1f' + f.fingerprint;
}

Expected<Baseline> Baseline::Parse(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Fail("not a JSON object");
  if (j.value("schema", 0) != 1) return Fail("unknown baseline schema (expected 1)");
  auto list = j.find("baseline");
  if (list == j.end() || !list->is_array()) return Fail("no \"baseline\" list");
  Baseline b;
  for (const auto& e : *list) {
    if (!e.is_object()) return Fail("a baseline entry is not an object");
    Finding f;
    f.rule = Field(e, "rule");
    f.fingerprint = Field(e, "fingerprint");
    f.path = Field(e, "path");
    f.member = Field(e, "member");
    std::string origin = Field(e, "origin");
    bool known = false;
    for (Origin o : {Origin::kContainerfile, Origin::kContext, Origin::kConfig,
                     Origin::kHistory, Origin::kLayer}) {
      if (ToString(o) == origin) {
        f.origin = o;
        known = true;
      }
    }
    if (f.rule.empty() || f.fingerprint.empty() || !known) {
      return Fail("a baseline entry needs rule, fingerprint and a known origin");
    }
    b.keys_.insert(Key(f));
  }
  return b;
}

Expected<Baseline> Baseline::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail("cannot read the baseline " + path);
  std::string text;
  text.resize(kMaxBaselineBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxBaselineBytes) return Fail("baseline " + path + " is too large");
  auto b = Parse(text);
  if (!b) return Fail("baseline " + path + ": " + b.error());
  return b;
}

nlohmann::json Baseline::ToJson(const std::vector<Finding>& findings) {
  std::vector<nlohmann::json> entries;
  std::unordered_set<std::string> seen;
  for (const Finding& raw : findings) {
    const Finding f = Shown(raw);
    if (f.fingerprint.empty() || !seen.insert(Key(f)).second) continue;
    nlohmann::json e = {{"rule", f.rule},
                        {"origin", ToString(f.origin)},
                        {"path", f.path},
                        {"fingerprint", f.fingerprint}};
    if (!f.member.empty()) e["member"] = f.member;
    entries.push_back(std::move(e));
  }
  std::sort(entries.begin(), entries.end());
  return {{"schema", 1}, {"baseline", entries}};
}

uint64_t Baseline::Remove(std::vector<Finding>& findings) const {
  auto accepted = [this](const Finding& f) { return Contains(f); };
  auto end = std::remove_if(findings.begin(), findings.end(), accepted);
  uint64_t n = static_cast<uint64_t>(findings.end() - end);
  findings.erase(end, findings.end());
  return n;
}

Status ApplyBaselineFile(const std::optional<std::string>& file, Report& report) {
  if (!file) return Ok{};
  auto b = Baseline::Load(*file);
  if (!b) return Fail(b.error());
  report.baselined = b->Remove(report.findings);
  return Ok{};
}

}  // namespace safebuild
