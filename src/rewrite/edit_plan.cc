// Turns the edits the rules collected into text. Lines outside the edited
// instructions are copied byte for byte. Within a RUN the new flags go right
// after the keyword and the prelude right before the script, at the column
// the parser recorded, so continuations and indentation stay as they were.
// An exec-form RUN has no script to put a prelude before: its JSON array is
// written anew, on one line, with a shell that runs the prelude first.
#include <algorithm>
#include <string>
#include <string_view>
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

// `text` as a JSON string: quotes, backslashes and control bytes escaped,
// the other bytes (UTF-8) as they are.
std::string JsonString(std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += std::string("\\u00") + kHex[u >> 4] + kHex[u & 0xF];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A RUN's lines after its edits, each with the original line it came from.
struct EditedLines {
  std::vector<std::string> lines;
  std::vector<int> origins;
};

// A line that cuts left holding nothing but blanks and the continuation.
bool OnlyContinuation(const std::string& line, char escape) {
  size_t end = line.size();
  if (end > 0 && line[end - 1] == escape) --end;
  return line.find_first_not_of(" \t", 0) >= end;
}

void ApplyCuts(const Instruction& ins, const InstructionEdit& e, char escape, EditedLines& out) {
  int first = ins.start_line;
  std::vector<InstructionEdit::Cut> cuts = e.cuts;
  // Right to left, so that the columns of the others stay valid.
  std::sort(cuts.begin(), cuts.end(), [](const auto& a, const auto& b) {
    return a.line != b.line ? a.line > b.line : a.column > b.column;
  });
  std::vector<bool> cut(out.lines.size(), false);
  for (const auto& c : cuts) {
    if (c.line < first || c.line - first >= static_cast<int>(out.lines.size())) continue;
    std::string& line = out.lines[c.line - first];
    size_t at = std::min(line.size(), static_cast<size_t>(std::max(c.column, 1) - 1));
    line.replace(at, c.length, c.text);
    cut[c.line - first] = true;
  }
  // A continuation line emptied by a cut goes, unless it holds the keyword,
  // the script's start (the prelude's place) or the end.
  int keep_a = ins.keyword_pos.line - first;
  int keep_b = ins.PosOf(0).line - first;
  for (int i = static_cast<int>(out.lines.size()) - 2; i >= 0; --i) {
    if (!cut[i] || i == keep_a || i == keep_b || !OnlyContinuation(out.lines[i], escape)) {
      continue;
    }
    out.lines.erase(out.lines.begin() + i);
    out.origins.erase(out.origins.begin() + i);
  }
}

EditedLines EditedRun(const Instruction& ins, const InstructionEdit& e,
                      std::vector<std::string> lines, char escape) {
  int first = ins.start_line;
  EditedLines out{std::move(lines), {}};
  for (int l = ins.start_line; l <= ins.end_line; ++l) out.origins.push_back(l);
  ApplyCuts(ins, e, escape, out);
  std::string prelude;
  for (const auto& p : e.preludes) prelude += p;
  SourcePos script = ins.PosOf(0);
  std::string flags;
  for (const auto& m : e.mounts) flags += " " + m;
  // The keyword's and the script's lines are never dropped: these indexes
  // still hold.
  // The script starts after the keyword; insert it first so the keyword's
  // column stays valid when both are on one line.
  if (!prelude.empty() && ins.exec_form) {
    // The array is written anew on the line it starts on; the lines it
    // went on over are dropped.
    size_t at = static_cast<size_t>(script.line - first);
    std::string& line = out.lines[at];
    line = line.substr(0, std::min(line.size(), static_cast<size_t>(script.column - 1))) +
           ExecWithPrelude(ins.exec, prelude);
    out.lines.resize(at + 1);
    out.origins.resize(at + 1);
  } else if (!prelude.empty()) {
    InsertAt(out.lines[script.line - first], script.column, prelude);
  }
  int keyword_end = ins.keyword_pos.column + static_cast<int>(ins.keyword.size());
  if (!flags.empty() && ins.keyword == "ONBUILD") {
    // After "ONBUILD RUN" and its flags: where the script starts.
    InsertAt(out.lines[script.line - first], script.column, flags.substr(1) + " ");
  } else if (!flags.empty()) {
    InsertAt(out.lines[ins.keyword_pos.line - first], keyword_end, flags);
  }
  for (const auto& [from, to] : e.substitutions) {
    for (auto& line : out.lines) {
      size_t at = line.find(from);
      if (at == std::string::npos) continue;
      line.replace(at, from.size(), to);
      break;
    }
  }
  return out;
}

// The lines that stand for instruction `ins` with its edits, and the
// original line of each (0 for added ones).
EditedLines Replacement(const Instruction& ins, const InstructionEdit& e, const Lines& file,
                        char escape, bool in_tail = false) {
  EditedLines out;
  if (!in_tail) {
    out.lines = e.before;
    out.origins.assign(e.before.size(), 0);
  }
  if (e.remove || (e.moved && !in_tail)) return out;
  auto begin = file.lines.begin() + (ins.start_line - 1);
  auto end = file.lines.begin() + ins.end_line;
  EditedLines edited = e.replace ? EditedLines{{*e.replace}, {ins.start_line}}
                                 : EditedRun(ins, e, std::vector<std::string>(begin, end), escape);
  if (!edited.lines.empty()) edited.lines.back() += e.append;
  out.lines.insert(out.lines.end(), edited.lines.begin(), edited.lines.end());
  out.origins.insert(out.origins.end(), edited.origins.begin(), edited.origins.end());
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
    EditedLines r = Replacement(ins, e, file, st.file.escape, true);
    out.insert(out.end(), r.lines.begin(), r.lines.end());
    origins.insert(origins.end(), r.origins.begin(), r.origins.end());
  }
  return out;
}

}  // namespace

bool IsShellScriptArray(const std::vector<std::string>& argv) {
  if (argv.size() < 3 || argv[1] != "-c") return false;
  std::string_view shell = argv[0];
  shell.remove_prefix(std::min(shell.size(), shell.rfind('/') + 1));
  return shell == "sh" || shell == "bash" || shell == "ash" || shell == "dash";
}

std::string ExecWithPrelude(const std::vector<std::string>& argv, const std::string& prelude) {
  std::vector<std::string> words = argv;
  if (IsShellScriptArray(argv)) {
    words[2] = prelude + words[2];
  } else {
    // "$@" hands on every word as it was, and exec leaves no shell behind.
    words = {"/bin/sh", "-c", prelude + "exec \"$@\"", "sh"};
    words.insert(words.end(), argv.begin(), argv.end());
  }
  std::string out = "[";
  for (const auto& w : words) out += (out.size() > 1 ? ", " : "") + JsonString(w);
  return out + "]";
}

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
    EditedLines r = Replacement(ins, it->second, file, st.file.escape);
    auto begin = file.lines.begin() + (ins.start_line - 1);
    auto end = file.lines.begin() + ins.end_line;
    file.lines.erase(begin, end);
    file.lines.insert(file.lines.begin() + (ins.start_line - 1), r.lines.begin(), r.lines.end());
    origins.erase(origins.begin() + (ins.start_line - 1), origins.begin() + ins.end_line);
    origins.insert(origins.begin() + (ins.start_line - 1), r.origins.begin(), r.origins.end());
  }
  if (!tail.empty()) {
    file.final_newline = true;
    file.lines.insert(file.lines.end(), tail.begin(), tail.end());
    origins.insert(origins.end(), tail_origins.begin(), tail_origins.end());
  }
  return JoinLines(file);
}

}  // namespace safebuild::rewrite
