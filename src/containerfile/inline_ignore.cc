#include "containerfile/inline_ignore.h"

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

namespace safebuild {
namespace {

constexpr std::string_view kMarker = "safebuild:ignore";

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e + 1 - b);
}

bool IsCommentLine(std::string_view line) {
  std::string_view t = Trim(line);
  return !t.empty() && t.front() == '#';
}

// "… # safebuild:ignore a,b reason words" → rules a, b and the reason.
std::optional<InlineIgnore> ParseIgnore(std::string_view line, int number) {
  size_t at = line.find(kMarker);
  if (at == std::string_view::npos) return std::nullopt;
  size_t hash = line.rfind('#', at);
  if (hash == std::string_view::npos || !Trim(line.substr(hash + 1, at - hash - 1)).empty()) {
    return std::nullopt;
  }
  std::string_view rest = line.substr(at + kMarker.size());
  if (!rest.empty() && rest.front() != ' ' && rest.front() != '\t') return std::nullopt;
  rest = Trim(rest);
  size_t space = rest.find_first_of(" \t");
  std::string_view rules = rest.substr(0, space);
  InlineIgnore ig;
  ig.line = number;
  if (space != std::string_view::npos) ig.reason = std::string(Trim(rest.substr(space)));
  std::stringstream list{std::string(rules)};
  for (std::string rule; std::getline(list, rule, ',');) {
    if (!rule.empty()) ig.rules.push_back(rule);
  }
  if (ig.rules.empty()) return std::nullopt;
  return ig;
}

bool Covers(const InlineIgnore& ig, const std::string& rule) {
  return std::any_of(ig.rules.begin(), ig.rules.end(),
                     [&](const std::string& r) { return r == "*" || r == rule; });
}

// Instructions ascend by line and do not overlap: a binary search keeps a
// file with thousands of findings linear.
const Instruction* InstructionAt(const Containerfile& file, int line) {
  const auto& all = file.instructions;
  auto it = std::partition_point(all.begin(), all.end(), [&](const Instruction& ins) {
    return ins.end_line < line;
  });
  if (it == all.end() || it->start_line > line) return nullptr;
  return &*it;
}

}  // namespace

std::vector<InlineIgnore> IgnoresFor(const Containerfile& file, const Instruction& ins) {
  std::vector<InlineIgnore> out;
  const int count = static_cast<int>(file.lines.size());
  auto scan = [&](int number) {
    if (auto ig = ParseIgnore(file.lines[static_cast<size_t>(number - 1)], number)) {
      out.push_back(std::move(*ig));
    }
  };
  for (int n = ins.start_line - 1; n >= 1 && n <= count; --n) {
    if (!IsCommentLine(file.lines[static_cast<size_t>(n - 1)])) break;
    scan(n);
  }
  for (int n = std::max(ins.start_line, 1); n <= std::min(ins.end_line, count); ++n) scan(n);
  return out;
}

void ApplyInlineIgnores(const Containerfile& file, std::vector<Finding>& findings) {
  // Many findings share an instruction; its comments are read once.
  std::map<const Instruction*, std::vector<InlineIgnore>> cache;
  for (Finding& f : findings) {
    bool ours = f.origin == Origin::kContext ||
                (f.origin == Origin::kContainerfile && f.path == file.path);
    if (!ours || f.line <= 0 || !f.suppressed.empty()) continue;
    const Instruction* ins = InstructionAt(file, f.line);
    if (ins == nullptr) continue;
    auto cached = cache.find(ins);
    if (cached == cache.end()) cached = cache.emplace(ins, IgnoresFor(file, *ins)).first;
    for (const InlineIgnore& ig : cached->second) {
      if (!Covers(ig, f.rule)) continue;
      f.suppressed = "inline (line " + std::to_string(ig.line) + ")" +
                     (ig.reason.empty() ? "" : ": " + ig.reason);
      break;
    }
  }
}

}  // namespace safebuild
