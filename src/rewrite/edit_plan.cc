// Turns the edits the rules collected into text. Lines outside the edited
// instructions are copied byte for byte. Within a RUN the new flags go right
// after the keyword and the prelude right before the script, at the column
// the parser recorded, so continuations and indentation stay as they were.
#include <algorithm>
#include <string>
#include <vector>

#include "rewrite/rewrite_internal.h"

namespace safebuild::rewrite {
namespace {

struct Lines {
  std::vector<std::string> lines;  // without '\n'
  bool final_newline = false;
};

Lines SplitLines(std::string_view text) {
  Lines out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      out.lines.emplace_back(text.substr(start));
      return out;
    }
    out.lines.emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  out.final_newline = !text.empty();
  return out;
}

std::string JoinLines(const Lines& l) {
  std::string out;
  for (size_t i = 0; i < l.lines.size(); ++i) {
    out += l.lines[i];
    if (i + 1 < l.lines.size() || l.final_newline) out += '\n';
  }
  return out;
}

// Inserts at a 1-based byte column, clamped to the line.
void InsertAt(std::string& line, int column, const std::string& text) {
  size_t at = std::min(line.size(), static_cast<size_t>(std::max(column, 1) - 1));
  line.insert(at, text);
}

std::vector<std::string> EditedRun(const Instruction& ins, const InstructionEdit& e,
                                   std::vector<std::string> lines) {
  int first = ins.start_line;
  std::string prelude;
  for (const auto& p : e.preludes) prelude += p;
  SourcePos script = ins.PosOf(0);
  std::string flags;
  for (const auto& m : e.mounts) flags += " " + m;
  // The script starts after the keyword; insert it first so the keyword's
  // column stays valid when both are on one line.
  if (!prelude.empty()) InsertAt(lines[script.line - first], script.column, prelude);
  int keyword_end = ins.keyword_pos.column + static_cast<int>(ins.keyword.size());
  if (!flags.empty()) InsertAt(lines[ins.keyword_pos.line - first], keyword_end, flags);
  for (const auto& [from, to] : e.substitutions) {
    for (auto& line : lines) {
      size_t at = line.find(from);
      if (at == std::string::npos) continue;
      line.replace(at, from.size(), to);
      break;
    }
  }
  return lines;
}

std::vector<std::string> Replacement(const Instruction& ins, const InstructionEdit& e,
                                     const Lines& file, bool in_tail = false) {
  std::vector<std::string> out = in_tail ? std::vector<std::string>() : e.before;
  if (e.remove || (e.moved && !in_tail)) return out;
  auto begin = file.lines.begin() + (ins.start_line - 1);
  auto end = file.lines.begin() + ins.end_line;
  std::vector<std::string> lines =
      e.replace ? std::vector<std::string>{*e.replace}
                : EditedRun(ins, e, std::vector<std::string>(begin, end));
  if (!lines.empty()) lines.back() += e.append;
  out.insert(out.end(), lines.begin(), lines.end());
  return out;
}

// The original line of each line Replacement() gives, 0 for added ones.
std::vector<int> ReplacementOrigins(const Instruction& ins, const InstructionEdit& e,
                                    bool in_tail = false) {
  std::vector<int> out(in_tail ? 0 : e.before.size(), 0);
  if (e.remove || (e.moved && !in_tail)) return out;
  if (e.replace) {
    out.push_back(ins.start_line);
    return out;
  }
  for (int l = ins.start_line; l <= ins.end_line; ++l) out.push_back(l);
  return out;
}

bool InFile(const Instruction& ins, const Lines& file) {
  return ins.start_line >= 1 && ins.end_line <= static_cast<int>(file.lines.size());
}

// The tail, rendered before any line moves: moved instructions are read
// from their original place.
std::vector<std::string> RenderTail(const State& st, const Lines& file,
                                    std::vector<int>& origins) {
  std::vector<std::string> out;
  for (const auto& item : st.tail) {
    if (!item.instruction) {
      out.push_back(item.text);
      origins.push_back(0);
      continue;
    }
    const Instruction& ins = st.file.instructions[*item.instruction];
    if (!InFile(ins, file)) continue;
    auto it = st.edits.find(*item.instruction);
    const InstructionEdit& e = it == st.edits.end() ? InstructionEdit{} : it->second;
    std::vector<std::string> lines = Replacement(ins, e, file, true);
    std::vector<int> from = ReplacementOrigins(ins, e, true);
    out.insert(out.end(), lines.begin(), lines.end());
    origins.insert(origins.end(), from.begin(), from.end());
  }
  return out;
}

}  // namespace

std::string RenderEdits(std::string_view text, const State& st, std::vector<int>& origins) {
  Lines file = SplitLines(text);
  origins.clear();
  for (size_t l = 1; l <= file.lines.size(); ++l) origins.push_back(static_cast<int>(l));
  std::vector<int> tail_origins;
  std::vector<std::string> tail = RenderTail(st, file, tail_origins);
  // Back to front, so earlier line numbers stay valid.
  for (auto it = st.edits.rbegin(); it != st.edits.rend(); ++it) {
    const Instruction& ins = st.file.instructions[it->first];
    if (!InFile(ins, file)) continue;
    std::vector<std::string> repl = Replacement(ins, it->second, file);
    auto begin = file.lines.begin() + (ins.start_line - 1);
    auto end = file.lines.begin() + ins.end_line;
    file.lines.erase(begin, end);
    file.lines.insert(file.lines.begin() + (ins.start_line - 1), repl.begin(), repl.end());
    std::vector<int> from = ReplacementOrigins(ins, it->second);
    origins.erase(origins.begin() + (ins.start_line - 1), origins.begin() + ins.end_line);
    origins.insert(origins.begin() + (ins.start_line - 1), from.begin(), from.end());
  }
  if (!tail.empty()) {
    file.final_newline = true;
    file.lines.insert(file.lines.end(), tail.begin(), tail.end());
    origins.insert(origins.end(), tail_origins.begin(), tail_origins.end());
  }
  return JoinLines(file);
}

}  // namespace safebuild::rewrite
