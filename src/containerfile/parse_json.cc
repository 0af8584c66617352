#include "containerfile/parse_json.h"

namespace safebuild {
namespace {

using nlohmann::json;

// The body as the build sees it: with "<<-" leading tabs are stripped.
std::string Body(const Heredoc& h) {
  if (!h.strip_tabs) return h.content;
  std::string out;
  bool line_start = true;
  for (char c : h.content) {
    if (line_start && c == '\t') continue;
    line_start = c == '\n';
    out += c;
  }
  return out;
}

json HeredocJson(const Instruction& ins, const Heredoc& h) {
  return {{"name", h.name},
          {"body", Body(h)},
          {"expand", !HeredocQuoted(ins, h)},
          {"strip_tabs", h.strip_tabs},
          {"start_line", h.start_line},
          {"end_line", h.end_line}};
}

json InstructionJson(const Instruction& ins) {
  json j = {{"keyword", ins.keyword}};
  if (!ins.onbuild_keyword.empty()) j["onbuild"] = ins.onbuild_keyword;
  json flags = json::array();
  for (const InstructionFlag& f : ins.flags) {
    json flag = {{"name", f.name}};
    if (f.has_value) flag["value"] = f.value;
    flags.push_back(flag);
  }
  j["flags"] = flags;
  j["args"] = ins.args;
  j["form"] = ins.exec_form ? "exec" : "shell";
  if (ins.exec_form) j["exec"] = ins.exec;
  j["start_line"] = ins.start_line;
  j["end_line"] = ins.end_line;
  j["stage"] = ins.stage;
  json heredocs = json::array();
  for (const Heredoc& h : ins.heredocs) heredocs.push_back(HeredocJson(ins, h));
  j["heredocs"] = heredocs;
  return j;
}

}  // namespace

bool HeredocQuoted(const Instruction&, const Heredoc& h) { return !h.expand; }

json ParsedToJson(const Containerfile& file) {
  json directives = json::array();
  for (const Directive& d : file.directives) {
    directives.push_back({{"name", d.name}, {"value", d.value}, {"line", d.line}});
  }
  json instructions = json::array();
  for (const Instruction& ins : file.instructions) {
    instructions.push_back(InstructionJson(ins));
  }
  json j = {{"schema", 1},
            {"path", file.path},
            {"escape", std::string(1, file.escape)},
            {"directives", directives},
            {"instructions", instructions}};
  if (file.ignored_escape_line > 0) {
    j["ignored_escape"] = {{"value", std::string(1, file.ignored_escape)},
                           {"line", file.ignored_escape_line}};
  }
  return j;
}

}  // namespace safebuild
