// Secret literals written into a RUN line (`npm config set …:_authToken=…`,
// `curl -u user:PASSWORD`, `git clone https://TOKEN@host`, `export KEY=…`).
// podman records the whole line in the image history, so the value moves
// into a build secret: the RUN mounts it, exports it as a variable after
// the usual guard, and the literal becomes a reference to that variable,
// quoted for where it stood (unquoted, in "…" or in '…'). The places come
// from lint, which knows what each command does with its arguments; a
// value whose extent cannot be told for sure is left as is, with the reason.
// curl's URL credentials and Authorization headers are the download rules'.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

#include "containerfile/lint.h"
#include "containerfile/words.h"
#include "detect/detector.h"
#include "rewrite/rewrite_internal.h"
#include "util/fingerprint.h"
#include "util/text.h"

namespace safebuild::rewrite {
namespace {

// The quote that is open before byte `at` of a shell script.
char QuoteBefore(std::string_view script, size_t at) {
  char quote = 0;
  for (size_t i = 0; i < at && i < script.size(); ++i) {
    char c = script[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0;
    } else if (c == '\\') {
      ++i;
    } else if (quote == '"') {
      if (c == '"') quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    }
  }
  return quote;
}

bool EndsValue(char c, char quote) {
  if (quote != 0) return c == quote;
  return IsAsciiSpace(c) || std::string_view(";&|()<>`'\"").find(c) != std::string_view::npos;
}

// The value that starts at byte `at` of the script: what the detector
// matches there, else the rest of the shell word; in a URL it stops at the
// '@' before the host.
std::string ValueAt(const std::string& script, size_t at) {
  char quote = QuoteBefore(script, at);
  size_t end = at;
  while (end < script.size() && !EndsValue(script[end], quote)) ++end;
  std::string word = script.substr(at, end - at);
  for (const Match& m : Detector::Default().Scan(word)) {
    if (m.offset == 0 && m.rule != "high-entropy-value") return word.substr(0, m.length);
  }
  size_t word_start = script.find_last_of(" \t\"'", at);
  word_start = word_start == std::string::npos ? 0 : word_start + 1;
  bool in_url = script.substr(word_start, at - word_start).find("://") != std::string::npos;
  if (in_url && word.rfind('@') != std::string::npos) word.resize(word.rfind('@'));
  return word;
}

std::string EnvName(std::string text) {
  for (char& c : text) {
    c = std::isalnum(static_cast<unsigned char>(c)) != 0
            ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
            : '_';
  }
  return text;
}

// A name for the secret: the shell variable it was assigned to, the token
// kind the detector knows, the option it was given to, else SECRET.
std::string NameFor(const std::string& script, size_t at, const std::string& value) {
  static const std::regex kAssign(R"((^|[\s;&|(])([A-Za-z_][A-Za-z0-9_]*)=["']?$)");
  static const std::regex kOption(R"(--([A-Za-z][A-Za-z0-9-]*)[= ]["']?$)");
  static const std::regex kUserPassword(R"((\s-u\s*|--user[= ])[^\s:'"]*:$)");
  std::string before = script.substr(0, at);
  std::smatch m;
  if (std::regex_search(before, m, kAssign)) return m.str(2);
  if (std::regex_search(before, kUserPassword)) return "PASSWORD";
  for (const Match& d : Detector::Default().Scan(value)) {
    if (d.offset == 0 && d.length == value.size() && d.rule != "high-entropy-value" &&
        d.rule != "generic-secret-assignment") {
      return EnvName(d.rule);
    }
  }
  if (std::regex_search(before, m, kOption)) return EnvName(m.str(1));
  return "SECRET";
}

// The reference that replaces the literal, for the quote it stood in.
std::string Reference(const std::string& name, char quote) {
  if (quote == '"') return "${" + name + "}";
  if (quote == '\'') return "'\"${" + name + "}\"'";
  return "\"${" + name + "}\"";
}

bool IsValueFinding(const Finding& f) {
  return f.origin == Origin::kContainerfile && f.line > 0 && f.column > 0 &&
         !f.redacted.empty() && f.severity >= Severity::kHigh;
}

// The RUN that holds `line`, if any.
std::optional<size_t> RunAt(const State& st, int line) {
  const auto& all = st.file.instructions;
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].start_line <= line && line <= all[i].end_line) {
      if (all[i].Effective() == "RUN") return i;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Byte of `ins.args` at file position (line, column).
std::optional<size_t> ArgsOffset(const Instruction& ins, int line, int column) {
  for (size_t i = 0; i < ins.args.size(); ++i) {
    SourcePos p = ins.PosOf(i);
    if (p.line == line && p.column == column) return i;
  }
  return std::nullopt;
}

size_t CountOf(std::string_view text, const std::string& value) {
  size_t n = 0;
  for (size_t at = text.find(value); at != std::string_view::npos;
       at = text.find(value, at + value.size())) {
    ++n;
  }
  return n;
}

// True when the edits of RUN `index` already replace every place `value`
// stands in it (the same literal may stand twice: `a || b` fallbacks).
bool AllMoved(const State& st, size_t index, const std::string& value) {
  auto it = st.edits.find(index);
  if (it == st.edits.end()) return false;
  size_t moved = 0;
  for (const auto& [from, to] : it->second.substitutions) moved += CountOf(from, value);
  return moved >= CountOf(st.file.instructions[index].args, value);
}

bool InOneLine(const State& st, const Instruction& ins, const std::string& value) {
  for (int l = ins.start_line; l <= ins.end_line; ++l) {
    if (st.file.lines[l - 1].find(value) != std::string::npos) return true;
  }
  return false;
}

struct Literals {
  std::map<std::string, std::string> name_of;  // value → secret id
  std::vector<std::string> taken;              // ids in use
  // Each place moved: RUN index, byte of its args, length. Two rules may
  // find the same place (a header and the token format in it).
  std::vector<std::tuple<size_t, size_t, size_t>> moved;

  bool Covers(size_t index, size_t at) const {
    return std::any_of(moved.begin(), moved.end(), [&](const auto& m) {
      return std::get<0>(m) == index && std::get<1>(m) <= at &&
             at < std::get<1>(m) + std::get<2>(m);
    });
  }
};

std::string UniqueName(Literals& lit, std::string name) {
  std::string base = name;
  for (int n = 2; std::find(lit.taken.begin(), lit.taken.end(), name) != lit.taken.end(); ++n) {
    name = base + "_" + std::to_string(n);
  }
  lit.taken.push_back(name);
  return name;
}

// Why the literal of finding `f` in RUN `ins` cannot move, "" when it can.
std::string Problem(const State& st, const Instruction& ins, const std::string& value) {
  if (!IsEditableRunStep(ins)) return "the RUN is in exec form or has a heredoc";
  if (value.empty() || value.find('$') != std::string::npos) {
    return "cannot tell where the value ends";
  }
  if (!InOneLine(st, ins, value)) return "the value spans a line continuation";
  return "";
}

void MoveLiteral(State& st, Literals& lit, size_t index, const Finding& f) {
  const Instruction& ins = st.file.instructions[index];
  std::optional<size_t> at = ArgsOffset(ins, f.line, f.column);
  std::string value = at ? ValueAt(ins.args, *at) : "";
  // The extent must be the one lint saw: same redacted form.
  if (at && Redact(value) != f.redacted) value.clear();
  if (at && lit.Covers(index, *at)) return;
  if (!value.empty() && AllMoved(st, index, value)) return;
  std::string where = "RUN at line " + std::to_string(f.line);
  if (std::string why = Problem(st, ins, value); !why.empty()) {
    st.Skip(f.line, kRuleRunLiteral,
            where + ": the secret (" + f.rule + ", " + f.redacted + ") left as is: " + why +
                "; rotate it and pass it with --secret");
    return;
  }
  auto known = lit.name_of.find(value);
  std::string name = known != lit.name_of.end()
                         ? known->second
                         : UniqueName(lit, NameFor(ins.args, *at, value));
  lit.name_of[value] = name;
  lit.moved.emplace_back(index, *at, value.size());
  std::string mount = "--mount=type=secret,id=" + name;
  std::string file = "/run/secrets/" + name;
  st.Mount(index, mount,
           "test -s " + file + " || { echo 'secret " + name + " is missing or empty' >&2; "
           "exit 1; }; " + name + "=\"$(cat " + file + ")\" || exit 1; export " + name + "; ");
  st.edits[index].substitutions.emplace_back(value, Reference(name, QuoteBefore(ins.args, *at)));
  st.Need({name, SecretNeed::kEnv, name, value, ""});
  st.Change(f.line, kRuleRunLiteral,
            where + ": the secret (" + f.rule + ") moved into secret " + name +
                ", read from its mount");
  st.Advise("rotate the secret written in RUN at line " + std::to_string(f.line) +
            " (it is in the history of every image built from the file); put the new value "
            "in the environment variable " + name + ", or name another one in env=");
}

}  // namespace

void RewriteRunLiterals(State& st) {
  LintInput input;
  input.file = &st.file;
  std::vector<Finding> found = Lint(input, Detector::Default());
  Literals lit;
  for (const auto& need : st.result.secrets) lit.taken.push_back(need.id);
  for (const Finding& f : found) {
    if (!IsValueFinding(f)) continue;
    if (std::optional<size_t> run = RunAt(st, f.line)) MoveLiteral(st, lit, *run, f);
  }
}

}  // namespace safebuild::rewrite
