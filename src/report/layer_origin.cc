#include "report/layer_origin.h"

#include <charconv>
#include <iterator>
#include <sstream>
#include <string_view>

#include "util/text.h"

namespace safebuild {
namespace {

// The stage `--target` names (by name or index), else the last one.
int BuiltStage(const Containerfile& cf, const std::string& target) {
  int last = -1;
  for (const Instruction& ins : cf.instructions) {
    if (ins.keyword != "FROM") continue;
    last = ins.stage;
    if (target.empty()) continue;
    std::istringstream in(ins.args);
    std::vector<std::string> words{std::istream_iterator<std::string>(in), {}};
    bool named = words.size() == 3 && ToLower(words[1]) == "as" &&
                 ToLower(words[2]) == ToLower(target);
    if (named || std::to_string(ins.stage) == target) return ins.stage;
  }
  return target.empty() ? last : -1;
}

// The instruction keyword a history entry records: "RUN" for a command.
std::string KeywordOf(const std::string& created_by) {
  constexpr std::string_view kNop = "#(nop) ";
  size_t at = created_by.find(kNop);
  if (at == std::string::npos) return "RUN";
  std::string_view rest = std::string_view(created_by).substr(at + kNop.size());
  return ToUpper(std::string(rest.substr(0, rest.find(' '))));
}

int HistoryIndexOf(const Finding& f) {
  if (f.layer && f.layer->history_index >= 0) return f.layer->history_index;
  constexpr std::string_view kPrefix = "history/";
  if (f.origin != Origin::kHistory || !StartsWith(f.path, kPrefix)) return -1;
  int index = -1;
  const char* begin = f.path.data() + kPrefix.size();
  const char* end = f.path.data() + f.path.size();
  auto [ptr, ec] = std::from_chars(begin, end, index);
  return ec == std::errc() && ptr == end ? index : -1;
}

}  // namespace

std::map<int, SourceRef> MapHistoryToInstructions(const Containerfile& cf,
                                                  const nlohmann::json& history,
                                                  const std::string& target) {
  int stage = BuiltStage(cf, target);
  std::vector<const Instruction*> steps;
  for (const Instruction& ins : cf.instructions) {
    if (ins.stage == stage && ins.keyword != "FROM") steps.push_back(&ins);
  }
  if (stage < 0 || !history.is_array() || history.size() < steps.size()) return {};
  const size_t first = history.size() - steps.size();
  std::map<int, SourceRef> map;
  for (size_t j = 0; j < steps.size(); ++j) {
    const nlohmann::json& h = history[first + j];
    if (!h.is_object() || !h.contains("created_by") || !h["created_by"].is_string()) return {};
    if (KeywordOf(h["created_by"].get<std::string>()) != steps[j]->keyword) return {};
    map[static_cast<int>(first + j)] = SourceRef{cf.path, steps[j]->start_line};
  }
  return map;
}

std::map<std::string, SourceRef> MapConfigToInstructions(const Containerfile& cf,
                                                         const std::string& target) {
  const int stage = BuiltStage(cf, target);
  std::map<std::string, SourceRef> map;
  for (const Instruction& ins : cf.instructions) {
    if (ins.stage != stage || (ins.keyword != "ENV" && ins.keyword != "LABEL")) continue;
    const std::string prefix = ins.keyword == "ENV" ? "Env/" : "Labels/";
    for (const KeyValue& kv : SplitKeyValues(ins, cf.escape)) {
      map[prefix + kv.key] = SourceRef{cf.path, ins.start_line};
    }
  }
  return map;
}

void AttributeConfigToInstructions(const std::map<std::string, SourceRef>& map,
                                   std::vector<Finding>& findings) {
  for (Finding& f : findings) {
    if (f.origin != Origin::kConfig || f.instruction) continue;
    auto it = map.find(f.path);
    if (it != map.end()) f.instruction = it->second;
  }
}

void AttributeToInstructions(const std::map<int, SourceRef>& map,
                             std::vector<Finding>& findings) {
  for (Finding& f : findings) {
    if (f.origin != Origin::kLayer && f.origin != Origin::kHistory) continue;
    auto it = map.find(HistoryIndexOf(f));
    if (it != map.end()) f.instruction = it->second;
  }
}

}  // namespace safebuild
