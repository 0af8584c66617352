#include "report/report.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <tuple>

#include "util/text.h"

namespace safebuild {
namespace {

constexpr const char* kSeverityNames[] = {"info", "low", "medium", "high", "critical"};
constexpr const char* kOriginNames[] = {"containerfile", "context", "config", "history",
                                        "layer"};

auto SortKey(const Finding& f) {
  return std::tuple(static_cast<int>(f.origin), f.layer ? f.layer->index : -1, f.path,
                    f.member, f.line, f.column, f.rule);
}

nlohmann::json FindingJson(const Finding& f) {
  nlohmann::json j = {{"rule", f.rule},
                      {"severity", ToString(f.severity)},
                      {"origin", ToString(f.origin)},
                      {"path", f.path}};
  if (!f.member.empty()) j["member"] = f.member;
  if (!f.found_in.empty()) j["found_in"] = f.found_in;
  if (f.line > 0) j["line"] = f.line;
  if (f.column > 0) j["column"] = f.column;
  if (f.layer) {
    j["layer"] = {{"index", f.layer->index},
                  {"digest", f.layer->digest},
                  {"created_by", f.layer->created_by}};
  }
  if (f.instruction) {
    j["instruction"] = {{"file", f.instruction->file}, {"line", f.instruction->line}};
  }
  if (f.deleted) j["deleted"] = *f.deleted;
  if (!f.fingerprint.empty()) j["fingerprint"] = f.fingerprint;
  if (!f.redacted.empty()) j["redacted"] = f.redacted;
  j["message"] = f.message;
  if (!f.fix.empty()) j["fix"] = f.fix;
  if (!f.suppressed.empty()) {
    j["suppressed"] = true;
    j["suppression"] = f.suppressed;
  }
  return j;
}

constexpr size_t kMaxListedSkips = 100;  // the counts stay exact

// Every reason appears, also at 0, so CI can read a count without a default.
nlohmann::json SkippedCounts(const ScanStats& stats) {
  nlohmann::json counts = {{"total", stats.skipped.size()}};
  for (const char* reason :
       {"size", "ratio", "depth", "entries", "unreadable", "unsupported", "memory"}) {
    counts[reason] = 0;
  }
  for (const Skipped& s : stats.skipped) {
    counts[s.reason] = counts.value(s.reason, 0) + 1;
  }
  return counts;
}

nlohmann::json SkippedList(const ScanStats& stats) {
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < stats.skipped.size() && i < kMaxListedSkips; ++i) {
    const Skipped& s = stats.skipped[i];
    nlohmann::json j = {{"reason", s.reason}, {"path", s.path}, {"layer", s.layer}};
    if (!s.member.empty()) j["member"] = s.member;
    if (!s.detail.empty()) j["detail"] = s.detail;
    list.push_back(std::move(j));
  }
  return list;
}

// ANSI colour for a severity, when colour is on.
std::string Paint(const TextStyle& style, Severity s, std::string_view text) {
  if (!style.color) return std::string(text);
  const char* code = s >= Severity::kHigh     ? "\033[1;31m"
                     : s == Severity::kMedium ? "\033[1;33m"
                                              : "\033[1;36m";
  return code + std::string(text) + "\033[0m";
}

std::string Bold(const TextStyle& style, std::string_view text) {
  if (!style.color) return std::string(text);
  return "\033[1m" + std::string(text) + "\033[0m";
}

std::string Location(const Finding& f) {
  std::string loc = f.path;
  if (!f.member.empty()) loc += "!" + f.member;
  if (f.line > 0) loc += ":" + std::to_string(f.line);
  if (f.line > 0 && f.column > 0) loc += ":" + std::to_string(f.column);
  return loc;
}

// Blanks as wide as the first `bytes` bytes of `excerpt`: one per UTF-8
// character, tabs kept so the caret lines up under them.
std::string CaretPadding(std::string_view excerpt, size_t bytes) {
  std::string pad;
  for (size_t i = 0; i < bytes && i < excerpt.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(excerpt[i]);
    if ((c & 0xC0) == 0x80) continue;
    pad += c == '\t' ? '\t' : ' ';
  }
  return pad;
}

void RenderFinding(std::ostream& out, const Finding& f, const TextStyle& style) {
  out << "  " << Bold(style, Location(f)) << ": "
      << Paint(style, f.severity, ToString(f.severity)) << ": " << f.message;
  if (!f.redacted.empty()) out << " (" << f.redacted << ")";
  out << " [" << f.rule << "]";
  if (f.deleted) {
    out << (*f.deleted ? " deleted later, still in the image"
                       : " visible in the final filesystem");
  }
  out << "\n";
  if (f.instruction) {
    const char* verb = f.origin == Origin::kContext ? "sent by " : "made by ";
    out << "    " << verb << f.instruction->file;
    if (f.instruction->line > 0) out << ":" << f.instruction->line;
    out << "\n";
  }
  if (!f.excerpt.empty()) {
    std::string num = std::to_string(f.line);
    out << "    " << num << " | " << f.excerpt << "\n";
    if (f.excerpt_column > 0) {
      out << "    " << std::string(num.size(), ' ') << " | "
          << CaretPadding(f.excerpt, static_cast<size_t>(f.excerpt_column - 1))
          << Paint(style, f.severity, "^") << "\n";
    }
  }
  if (!f.fix.empty()) out << "    fix: " << f.fix << "\n";
  if (!f.suppressed.empty()) out << "    suppressed: " << f.suppressed << "\n";
}

std::string GroupTitle(const Finding& f) {
  switch (f.origin) {
    case Origin::kContainerfile:
    case Origin::kContext:
      return "Containerfile and build context";
    case Origin::kConfig:
      return "Image config";
    case Origin::kHistory:
      return "Image history";
    case Origin::kLayer:
      break;
  }
  std::string title = "Layer " + std::to_string(f.layer ? f.layer->index : 0);
  if (f.layer && !f.layer->digest.empty()) title += " " + f.layer->digest.substr(0, 19);
  if (f.layer && !f.layer->created_by.empty()) {
    std::string by = f.layer->created_by;
    if (by.size() > 60) by = by.substr(0, 57) + "...";
    title += " (" + by + ")";
  }
  return title;
}

// "safebuild: not read in full: 2 (1 ratio, 1 size)", then with -v each one.
void RenderSkipped(std::ostream& out, const ScanStats& stats, const TextStyle& style) {
  if (stats.skipped.empty()) return;
  std::map<std::string, int> counts;
  for (const Skipped& s : stats.skipped) ++counts[s.reason];
  out << "safebuild: not read in full: " << stats.skipped.size() << " (";
  bool first = true;
  for (const auto& [reason, n] : counts) {
    out << (first ? "" : ", ") << n << " " << reason;
    first = false;
  }
  out << ")\n";
  if (!style.verbose) return;
  for (const Skipped& s : stats.skipped) {
    out << "  layer " << s.layer << " " << s.path << (s.member.empty() ? "" : "!")
        << s.member << ": " << s.reason << (s.detail.empty() ? "" : ": " + s.detail) << "\n";
  }
}

}  // namespace

std::string_view ToString(Severity s) { return kSeverityNames[static_cast<int>(s)]; }

std::optional<Severity> ParseSeverity(std::string_view s) {
  for (int i = 0; i < 5; ++i) {
    if (s == kSeverityNames[i]) return static_cast<Severity>(i);
  }
  return std::nullopt;
}

std::string_view ToString(Origin o) { return kOriginNames[static_cast<int>(o)]; }

bool Fails(const Report& report) {
  if (!report.complete) return true;
  if (report.fail_on_skipped && report.stats && !report.stats->skipped.empty()) return true;
  return std::any_of(report.findings.begin(), report.findings.end(),
                     [&](const Finding& f) {
                       return f.severity >= report.fail_on && f.suppressed.empty();
                     });
}

void Normalize(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return SortKey(a) < SortKey(b); });
  auto same = [](const Finding& a, const Finding& b) {
    return SortKey(a) == SortKey(b) && a.fingerprint == b.fingerprint;
  };
  // One finding of several alike; still in the image when any of them is
  // (one path twice in a layer: the earlier copy replaced, the later not).
  std::vector<Finding> kept;
  kept.reserve(findings.size());
  for (Finding& f : findings) {
    if (!kept.empty() && same(kept.back(), f)) {
      if (kept.back().deleted && f.deleted && !*f.deleted) kept.back().deleted = false;
      continue;
    }
    kept.push_back(std::move(f));
  }
  findings = std::move(kept);
}

Finding Shown(Finding f) {
  for (std::string* s : {&f.rule, &f.fingerprint, &f.redacted, &f.message, &f.fix,
                         &f.suppressed, &f.found_in}) {
    *s = Printable(*s);
  }
  f.path = PrintableName(f.path);
  f.member = PrintableName(f.member);
  if (f.excerpt_column > 0) {  // the caret moves with what is escaped before it
    const size_t before = std::min(f.excerpt.size(), static_cast<size_t>(f.excerpt_column - 1));
    f.excerpt_column = static_cast<int>(Printable(f.excerpt.substr(0, before), true).size()) + 1;
  }
  f.excerpt = Printable(f.excerpt, true);
  if (f.layer) f.layer->created_by = Printable(f.layer->created_by, true);
  if (f.instruction) f.instruction->file = PrintableName(f.instruction->file);
  return f;
}

Report Shown(const Report& report) {
  Report out = report;
  for (Finding& f : out.findings) f = Shown(std::move(f));
  for (std::string& e : out.errors) e = Printable(e);
  if (out.image) {
    for (std::string& t : out.image->tags) t = Printable(t);
  }
  if (out.stats) {
    for (Skipped& s : out.stats->skipped) {
      s.path = PrintableName(s.path);
      s.member = PrintableName(s.member);
      s.detail = Printable(s.detail);
    }
  }
  return out;
}

nlohmann::json ToJson(const Report& raw) {
  const Report report = Shown(raw);
  nlohmann::json j;
  j["schema"] = 1;
  j["verdict"] = Fails(report) ? "fail" : "pass";
  j["fail_on"] = ToString(report.fail_on);
  j["fail_on_skipped"] = report.fail_on_skipped;
  if (report.image) {
    j["image"] = {{"id", report.image->id}, {"tags", report.image->tags}};
  }
  j["complete"] = report.complete;
  j["suppressed"] = std::count_if(report.findings.begin(), report.findings.end(),
                                  [](const Finding& f) { return !f.suppressed.empty(); });
  if (!report.errors.empty()) j["errors"] = report.errors;
  if (report.baselined) j["baselined"] = *report.baselined;
  j["findings"] = nlohmann::json::array();
  for (const auto& f : report.findings) j["findings"].push_back(FindingJson(f));
  if (report.stats) {
    j["stats"] = {{"layers", report.stats->layers},
                  {"files", report.stats->files},
                  {"bytes", report.stats->bytes},
                  {"truncated", report.stats->truncated},
                  {"archives", report.stats->archives},
                  {"members", report.stats->members},
                  {"skipped", SkippedCounts(*report.stats)}};
    j["skipped"] = SkippedList(*report.stats);
  }
  return j;
}

std::string RenderText(const Report& raw, const TextStyle& style) {
  const Report report = Shown(raw);
  std::ostringstream out;
  std::string group;
  for (const auto& f : report.findings) {
    bool lint = f.origin == Origin::kContainerfile || f.origin == Origin::kContext;
    if (lint && style.skip_lint) continue;
    if (!f.suppressed.empty() && !style.verbose) continue;  // counted below
    std::string title = GroupTitle(f);
    if (title != group) {
      out << Bold(style, title) << "\n";
      group = title;
    }
    RenderFinding(out, f, style);
  }
  for (const auto& e : report.errors) out << "safebuild: error: " << e << "\n";
  if (report.stats) RenderSkipped(out, *report.stats, style);
  std::map<Severity, int> counts;
  size_t suppressed = 0;
  for (const auto& f : report.findings) {
    if (f.suppressed.empty()) {
      ++counts[f.severity];
    } else {
      ++suppressed;
    }
  }
  std::string summary;
  for (auto it = counts.rbegin(); it != counts.rend(); ++it) {
    summary += (summary.empty() ? "" : ", ") + std::to_string(it->second) + " " +
               std::string(ToString(it->first));
  }
  const size_t shown = report.findings.size() - suppressed;
  out << "safebuild: " << shown << " finding" << (shown == 1 ? "" : "s");
  if (!summary.empty()) out << " (" << summary << ")";
  if (suppressed > 0) out << ", " << suppressed << " suppressed";
  if (report.baselined && *report.baselined > 0) {
    out << ", " << *report.baselined << " in the baseline";
  }
  if (report.stats) {
    out << " in " << report.stats->layers << " layers, " << report.stats->files << " files";
  }
  // Findings or not, a scan that did not finish fails for that.
  if (!report.complete) out << "; the scan is incomplete";
  out << "; verdict: " << (Fails(report) ? "fail" : "pass") << " (--fail-on "
      << ToString(report.fail_on) << (report.fail_on_skipped ? ", --fail-on-skipped" : "")
      << ")\n";
  return out.str();
}

}  // namespace safebuild
