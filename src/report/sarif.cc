#include "report/sarif.h"

#include <algorithm>
#include <map>

#include "report/rule_catalog.h"

namespace safebuild {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

constexpr const char* kSchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
// The project has no public home page, so the driver names no
// informationUri (it is optional); each rule's help points at the manual
// page that the package installs instead.
constexpr const char* kRulesManual = "safebuild-rules(7)";
constexpr const char* kFingerprintKey = "safebuild/v1";
constexpr const char* kSrcRoot = "%SRCROOT%";
constexpr const char* kImageRoot = "IMAGE";
constexpr const char* kImageConfig = "IMAGE_CONFIG";

bool IsImageOrigin(Origin o) {
  return o == Origin::kLayer || o == Origin::kConfig || o == Origin::kHistory;
}

// file:///abs/path/ for a directory, as originalUriBaseIds wants it.
std::string FileUri(const fs::path& abs, bool directory) {
  std::string uri = "file://" + UriEncodePath(abs.generic_string());
  if (directory && uri.back() != '/') uri += '/';
  return uri;
}

// The artifact location of a file on this machine: relative to the base
// directory when it is inside, else an absolute file: URI.
json SourceArtifact(const fs::path& file, const SarifOptions& options) {
  fs::path abs = fs::absolute(file).lexically_normal();
  fs::path rel = abs.lexically_relative(options.base_dir);
  std::string r = rel.generic_string();
  if (r.empty() || r == "." || r.starts_with("../") || r == "..") {
    return {{"uri", FileUri(abs, false)}};
  }
  return {{"uri", UriEncodePath(r)}, {"uriBaseId", kSrcRoot}};
}

json ImageArtifact(const Finding& f, std::string_view raw_path) {
  std::string path(raw_path);
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  const char* base = f.origin == Origin::kLayer ? kImageRoot : kImageConfig;
  return {{"uri", UriEncodePath(path)}, {"uriBaseId", base}};
}

json LogicalLocation(const Finding& f) {
  std::string name = f.path;
  if (!f.member.empty()) name += "!" + f.member;
  std::string qualified = name;
  if (f.layer) {
    qualified = "layer " + std::to_string(f.layer->index) + " (" + f.layer->digest +
                "):" + name;
  } else {
    qualified = std::string(ToString(f.origin)) + ":" + name;
  }
  const char* kind = f.origin == Origin::kLayer ? "resource" : "property";
  return {{"name", name}, {"fullyQualifiedName", qualified}, {"kind", kind}};
}

// `raw_path`: the path's own bytes, which a URI percent-encodes exactly
// (f.path is as shown, with \xHH for bytes that are not UTF-8).
json Location(const Finding& f, std::string_view raw_path, const SarifOptions& options) {
  json physical;
  if (IsImageOrigin(f.origin)) {
    physical["artifactLocation"] = ImageArtifact(f, raw_path);
  } else {
    physical["artifactLocation"] = SourceArtifact(std::string(raw_path), options);
  }
  if (f.line > 0) {
    json region = {{"startLine", f.line}};
    if (f.column > 0) region["startColumn"] = f.column;
    physical["region"] = region;
  }
  json loc = {{"physicalLocation", physical}};
  if (IsImageOrigin(f.origin)) loc["logicalLocations"] = json::array({LogicalLocation(f)});
  return loc;
}

struct RuleEntry {
  int index = 0;
  Severity severity = Severity::kInfo;  // the highest among its results
  const Finding* first = nullptr;       // describes a rule not in the catalogue
};

json RuleJson(const std::string& id, const RuleEntry& e) {
  const RuleInfo* info = FindLintRule(id);
  std::string title = info ? std::string(info->title) : e.first->message;
  std::string help = info ? std::string(info->fix) : e.first->fix;
  if (help.empty()) help = "remove the secret and rotate it: it has been exposed";
  help += std::string(" (see ") + kRulesManual + ")";
  json tags = json::array({"security", "secrets"});
  tags.push_back(info ? "containerfile" : "secret-detector");
  json rule = {{"id", id},
               {"name", id},
               {"shortDescription", {{"text", title}}},
               {"help", {{"text", help}}},
               {"defaultConfiguration", {{"level", SarifLevel(e.severity)}}},
               {"properties",
                {{"security-severity", SecuritySeverity(e.severity)}, {"tags", tags}}}};
  if (info) rule["fullDescription"] = {{"text", std::string(info->rationale)}};
  return rule;
}

json ResultProperties(const Finding& f) {
  json p = {{"severity", ToString(f.severity)}, {"origin", ToString(f.origin)}};
  if (!f.redacted.empty()) p["redacted"] = f.redacted;
  if (!f.found_in.empty()) p["found_in"] = f.found_in;
  if (f.deleted) p["deleted"] = *f.deleted;
  if (f.layer) p["layer"] = {{"index", f.layer->index}, {"digest", f.layer->digest}};
  return p;
}

json ResultJson(const Finding& f, std::string_view raw_path, const RuleEntry& e,
                const SarifOptions& options) {
  json r = {{"ruleId", f.rule},
            {"ruleIndex", e.index},
            {"level", SarifLevel(f.severity)},
            {"message", {{"text", f.message}}},
            {"locations", json::array({Location(f, raw_path, options)})}};
  if (!f.fingerprint.empty()) r["partialFingerprints"] = {{kFingerprintKey, f.fingerprint}};
  if (!f.suppressed.empty()) {
    const char* kind = f.suppressed.starts_with("inline") ? "inSource" : "external";
    r["suppressions"] = json::array({{{"kind", kind}, {"justification", f.suppressed}}});
  }
  if (f.instruction) {
    json physical = {{"artifactLocation", SourceArtifact(f.instruction->file, options)}};
    // SARIF lines start at 1: an instruction the rewrite added has none.
    if (f.instruction->line > 0) physical["region"] = {{"startLine", f.instruction->line}};
    r["relatedLocations"] = json::array(
        {{{"id", 1},
          {"physicalLocation", physical},
          {"message", {{"text", "the instruction that made this layer"}}}}});
  }
  r["properties"] = ResultProperties(f);
  return r;
}

// The base ids the results use. The image ones have no URI: they are
// described, so that a reader knows the path is inside the image.
json BaseIds(const Report& report, const SarifOptions& options) {
  json ids = {{kSrcRoot, {{"uri", FileUri(options.base_dir, true)}}}};
  std::string image = report.image ? " " + report.image->id : "";
  auto uses = [&](Origin a, Origin b) {
    return std::any_of(report.findings.begin(), report.findings.end(),
                       [&](const Finding& f) { return f.origin == a || f.origin == b; });
  };
  if (uses(Origin::kLayer, Origin::kLayer)) {
    ids[kImageRoot] = {{"description", {{"text", "the root filesystem of the image" + image}}}};
  }
  if (uses(Origin::kConfig, Origin::kHistory)) {
    ids[kImageConfig] = {
        {"description", {{"text", "the config and history of the image" + image}}}};
  }
  return ids;
}

// Errors, then what the scan did not read in full (as the JSON report's
// "skipped": the first kMaxSkippedNotes, and a count of the rest), each a
// notification of the run.
json Invocation(const Report& report) {
  constexpr size_t kMaxSkippedNotes = 100;
  json inv = {{"executionSuccessful", report.complete}};
  json notes = json::array();
  for (const auto& e : report.errors) {
    notes.push_back({{"level", "error"}, {"message", {{"text", e}}}});
  }
  const std::vector<Skipped> none;
  const std::vector<Skipped>& skipped = report.stats ? report.stats->skipped : none;
  for (size_t i = 0; i < skipped.size() && i < kMaxSkippedNotes; ++i) {
    const Skipped& k = skipped[i];
    const std::string where = k.member.empty() ? k.path : k.path + "!" + k.member;
    const std::string detail = k.detail.empty() ? "" : ": " + k.detail;
    json properties = {
        {"reason", k.reason}, {"path", k.path}, {"member", k.member}, {"layer", k.layer}};
    if (!k.detail.empty()) properties["detail"] = k.detail;
    notes.push_back({{"level", "warning"},
                     {"message", {{"text", "not read in full (" + k.reason + "): " + where +
                                               " in layer " + std::to_string(k.layer) +
                                               detail}}},
                     {"descriptor", {{"id", "skipped-" + k.reason}}},
                     {"properties", std::move(properties)}});
  }
  if (skipped.size() > kMaxSkippedNotes) {
    notes.push_back({{"level", "warning"},
                     {"message", {{"text", std::to_string(skipped.size() - kMaxSkippedNotes) +
                                               " more not read in full"}}}});
  }
  if (!notes.empty()) inv["toolExecutionNotifications"] = notes;
  return inv;
}

}  // namespace

std::string_view SarifLevel(Severity s) {
  if (s >= Severity::kHigh) return "error";
  return s == Severity::kMedium ? "warning" : "note";
}

std::string_view SecuritySeverity(Severity s) {
  constexpr std::string_view kScores[] = {"1.0", "3.0", "5.5", "8.0", "9.5"};
  return kScores[static_cast<int>(s)];
}

std::string UriEncodePath(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 std::string_view("-._~/!$&'()*+,;=:@").find(static_cast<char>(c)) !=
                     std::string_view::npos;
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

json ToSarif(const Report& raw, const SarifOptions& options) {
  const Report report = Shown(raw);
  // Rules in id order, so that ruleIndex is stable for the same findings.
  std::map<std::string, RuleEntry> rules;
  for (const auto& f : report.findings) {
    auto [it, added] = rules.try_emplace(f.rule, RuleEntry{0, f.severity, &f});
    if (!added && f.severity > it->second.severity) it->second.severity = f.severity;
  }
  json rule_list = json::array();
  for (auto& [id, entry] : rules) {
    entry.index = static_cast<int>(rule_list.size());
    rule_list.push_back(RuleJson(id, entry));
  }
  json results = json::array();
  for (size_t i = 0; i < report.findings.size(); ++i) {
    const Finding& f = report.findings[i];
    results.push_back(ResultJson(f, raw.findings[i].path, rules.at(f.rule), options));
  }
  json driver = {{"name", "safebuild"},
                 {"version", SAFEBUILD_VERSION},
                 {"semanticVersion", SAFEBUILD_VERSION},
                 {"rules", rule_list}};
  json run = {{"tool", {{"driver", driver}}},
              {"originalUriBaseIds", BaseIds(report, options)},
              {"invocations", json::array({Invocation(report)})},
              {"results", results}};
  return {{"$schema", kSchemaUri}, {"version", "2.1.0"}, {"runs", json::array({run})}};
}

}  // namespace safebuild
