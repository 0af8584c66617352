// How podman 4.3 (imagebuilder) reads a Containerfile, line by line:
//  - Line 1 may be `# escape=X`; any other first line ends directive
//    processing, so podman ignores an escape after `# syntax=`.
//  - A line whose left-trimmed text starts with "#" is a comment, but only
//    when it starts an instruction: "RUN a # \" continues onto the next line.
//  - A line ending in the escape (blanks after it allowed) continues, also
//    after a doubled escape, which BuildKit does not continue. Inside a
//    continuation, blank and comment lines are dropped and do not end it.
//  - Lines and arguments are trimmed of Unicode white space (Go's
//    unicode.IsSpace), keywords end at ASCII blanks.
//  - The joined text splits into keyword, `--flags` and arguments; RUN, CMD,
//    ENTRYPOINT, SHELL, COPY, ADD, VOLUME and HEALTHCHECK's command try the
//    JSON (exec) form first.
// Heredocs (`RUN <<EOF`) are BuildKit's; the body is read the BuildKit way so
// that lint can scan it and warn that podman 4.3 reads it differently.
#include "containerfile/parser.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <string>
#include <utility>

#include "containerfile/json_array.h"
#include "containerfile/words.h"
#include "util/text.h"

namespace safebuild {
namespace {

constexpr std::array<std::string_view, 18> kKeywords = {
    "ADD",    "ARG",   "CMD",         "COPY",  "ENTRYPOINT", "ENV",
    "EXPOSE", "FROM",  "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD",
    "RUN",    "SHELL", "STOPSIGNAL",  "USER",  "VOLUME",     "WORKDIR"};

bool IsKeyword(std::string_view k) {
  return std::find(kKeywords.begin(), kKeywords.end(), k) != kKeywords.end();
}

bool TakesExecForm(std::string_view k) {
  return k == "RUN" || k == "CMD" || k == "ENTRYPOINT" || k == "SHELL" ||
         k == "COPY" || k == "ADD" || k == "VOLUME";
}

// Separates the keyword from its arguments (Go: `[\t\v\f\r ]+`).
bool IsTokenSpace(char c) { return c != '\n' && IsAsciiSpace(c); }

// Go's bufio.ScanLines: split at '\n' and drop one '\r' before it; a last
// line without '\n' counts when it is not empty.
std::vector<std::string> SplitLines(std::string_view text) {
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<std::string> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

size_t LeadingSpace(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsAsciiSpace(s[i])) ++i;
  return i;
}

// Byte length of the white space character at s[i] as Go's unicode.IsSpace
// sees it (U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F,
// U+205F, U+3000 beside ASCII), 0 when there is none.
size_t SpaceLength(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  if (IsAsciiSpace(s[i])) return 1;
  std::string_view c = s.substr(i, 3);
  if (StartsWith(c, "\xC2\x85") || StartsWith(c, "\xC2\xA0")) return 2;
  if (c.size() < 3) return 0;
  unsigned char last = static_cast<unsigned char>(c[2]);
  bool general = StartsWith(c, "\xE2\x80") &&
                 (last <= 0x8A || last == 0xA8 || last == 0xA9 || last == 0xAF);
  bool other =
      c == "\xE1\x9A\x80" || c == "\xE2\x81\x9F" || c == "\xE3\x80\x80";
  return general || other ? 3 : 0;
}

// podman trims lines and arguments of Unicode white space, not only ASCII.
size_t LeadingBlank(std::string_view s) {
  size_t i = 0;
  while (size_t n = SpaceLength(s, i)) i += n;
  return i;
}

// The end of `s` without trailing white space, not before `from`.
size_t TrimmedEnd(std::string_view s, size_t from) {
  size_t e = s.size();
  while (e > from) {
    size_t n = 1;
    while (n <= 3 && n <= e - from && SpaceLength(s, e - n) != n) ++n;
    if (n > 3 || n > e - from) break;
    e -= n;
  }
  return e;
}

// Inside a continuation these lines are dropped.
bool IsEmptyContinuation(std::string_view raw) {
  raw.remove_prefix(LeadingBlank(raw));
  return raw.empty() || raw[0] == '#';
}

// A keyword quoted in an error message. Text that is not a plain word may
// be a secret (`API_TOKEN=…` on a line of its own), so only a short prefix
// of letters is shown.
std::string DisplayWord(std::string_view w) {
  size_t n = 0;
  while (n < w.size() && n < 24 &&
         (std::isalpha(static_cast<unsigned char>(w[n])) || w[n] == '_')) {
    ++n;
  }
  return "\"" + std::string(w.substr(0, n)) + (n < w.size() ? "…\"" : "\"");
}

// One instruction's text, continuations joined, with each byte's position.
struct Logical {
  std::string text;
  std::vector<SourcePos> pos;
  int start_line = 0;
  int end_line = 0;
};

void Append(Logical& lg, std::string_view s, int line, int column) {
  lg.text.append(s);
  for (size_t i = 0; i < s.size(); ++i) {
    lg.pos.push_back({line, column + static_cast<int>(i)});
  }
}

// Removes a trailing escape and the blanks after it from the line appended
// at `line_start`; true when the instruction continues. `*doubled` tells
// whether another escape comes right before it on that line: podman still
// continues, BuildKit (which wants a byte other than the escape there) ends
// the instruction.
bool TrimContinuation(Logical& lg, size_t line_start, char escape,
                      bool* doubled) {
  size_t e = lg.text.size();
  while (e > line_start &&
         (lg.text[e - 1] == ' ' || lg.text[e - 1] == '\t')) {
    --e;
  }
  *doubled = false;
  if (e == line_start || lg.text[e - 1] != escape) return false;
  *doubled = e - 1 > line_start && lg.text[e - 2] == escape;
  lg.text.resize(e - 1);
  lg.pos.resize(e - 1);
  return true;
}

// podman's directive: `^#[ \t]*escape[ \t]*=[ \t]*(.)` on the lower-cased,
// left-trimmed line. Sets `value` to the rest after "=".
bool MatchPodmanEscape(std::string_view t, std::string_view* value) {
  auto blanks = [&t] {
    while (!t.empty() && (t[0] == ' ' || t[0] == '\t')) t.remove_prefix(1);
  };
  if (t.empty() || t[0] != '#') return false;
  t.remove_prefix(1);
  blanks();
  if (ToLower(t.substr(0, 6)) != "escape") return false;
  t.remove_prefix(6);
  blanks();
  if (t.empty() || t[0] != '=') return false;
  t.remove_prefix(1);
  blanks();
  if (t.empty()) return false;
  *value = t;
  return true;
}

// BuildKit's directive: `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`.
bool MatchBuildkitDirective(std::string_view t, Directive* d) {
  auto spaces = [&t] { t.remove_prefix(LeadingSpace(t)); };
  if (t.empty() || t[0] != '#') return false;
  t.remove_prefix(1);
  spaces();
  size_t n = 0;
  while (n < t.size() && std::isalnum(static_cast<unsigned char>(t[n]))) ++n;
  if (n == 0 || !std::isalpha(static_cast<unsigned char>(t[0]))) return false;
  d->name = ToLower(t.substr(0, n));
  t.remove_prefix(n);
  spaces();
  if (t.empty() || t[0] != '=') return false;
  t.remove_prefix(1);
  d->value = std::string(Trim(t));
  return !d->value.empty();
}

// The parts of "KEYWORD --flag … args" as byte ranges of the joined text.
struct Head {
  size_t keyword_begin = 0;
  size_t keyword_end = 0;
  std::vector<InstructionFlag> flags;
  size_t args_begin = 0;
  size_t args_end = 0;
};

InstructionFlag MakeFlag(std::string_view word, SourcePos pos) {
  InstructionFlag f;
  f.pos = pos;
  word.remove_prefix(2);  // "--"
  size_t eq = word.find('=');
  f.name = std::string(word.substr(0, eq));
  if (eq != std::string_view::npos) {
    f.has_value = true;
    f.value = std::string(word.substr(eq + 1));
  }
  return f;
}

// Reads one flag word starting at "--": quotes group, a backslash escapes
// (always a backslash here, whatever the file's escape is).
size_t ReadFlagWord(std::string_view text, size_t p, size_t end,
                    std::string* word, bool* quoted) {
  char quote = 0;
  for (; p < end; ++p) {
    char c = text[p];
    if (quote == 0 && IsAsciiSpace(c)) break;
    if (quote == 0 && (c == '\'' || c == '"')) {
      quote = c;
      *quoted = true;
      continue;
    }
    if (quote != 0 && c == quote) {
      quote = 0;
      continue;
    }
    if (c == '\\') {
      if (p + 1 == end) {
        quote = 0;
        continue;
      }
      c = text[++p];
    }
    word->push_back(c);
  }
  return p;
}

// Leading `--name[=value]` words; returns where the arguments start. A bare
// "--" ends the flags and is dropped.
size_t ExtractFlags(const Logical& lg, size_t p, size_t end,
                    std::vector<InstructionFlag>* flags) {
  const std::string& text = lg.text;
  while (true) {
    while (p < end && IsAsciiSpace(text[p])) ++p;
    if (p == end) return end;
    if (text[p] != '-' || p + 1 == end || text[p + 1] != '-') return p;
    size_t start = p;
    std::string word;
    bool quoted = false;
    p = ReadFlagWord(text, p, end, &word, &quoted);
    if (word == "--") return p;
    if (quoted || !word.empty()) {
      flags->push_back(MakeFlag(word, lg.pos[start]));
    }
  }
}

Head SplitHead(const Logical& lg, size_t b, size_t e) {
  Head h;
  h.keyword_begin = b;
  size_t k = b;
  while (k < e && !IsTokenSpace(lg.text[k])) ++k;
  h.keyword_end = k;
  while (k < e && IsTokenSpace(lg.text[k])) ++k;
  size_t a = k < e ? ExtractFlags(lg, k, e, &h.flags) : e;
  a += LeadingBlank(std::string_view(lg.text).substr(a, e - a));
  e = TrimmedEnd(std::string_view(lg.text).substr(0, e), a);
  h.args_begin = a;
  h.args_end = e;
  return h;
}

// BuildKit splits the instruction into words to find heredocs: blanks
// outside quotes separate words, a backslash escapes the next byte whatever
// the file's escape is, and "<<" keeps the blanks after it, so `<<  EOF` is
// one word.
std::vector<RawWord> HeredocWords(std::string_view text) {
  std::vector<RawWord> words;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    while (i < n && IsAsciiSpace(text[i])) ++i;
    if (i == n) break;
    RawWord w{i, i};
    char quote = 0;
    for (; i < n; ++i) {
      char c = text[i];
      if (quote == 0 && IsAsciiSpace(c)) break;
      if (c == '\\' && quote != '\'') {
        if (i + 1 < n) ++i;
      } else if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (c == quote) {
        quote = 0;
      } else if (quote == 0 && text.substr(i, 2) == "<<") {
        ++i;
        while (i + 1 < n && (text[i + 1] == ' ' || text[i + 1] == '\t')) ++i;
      }
    }
    w.end = i;
    words.push_back(w);
  }
  return words;
}

// The delimiter word after "<<" as BuildKit reads it: quotes and backslashes
// removed, one word only. Any quoting makes the body literal.
bool UnquoteDelimiter(std::string_view w, std::string* name, bool* quoted) {
  char quote = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    char c = w[i];
    if (quote == 0 && IsAsciiSpace(c)) return false;
    if (c == quote) {
      quote = 0;
    } else if (quote == 0 && (c == '"' || c == '\'')) {
      quote = c;
      *quoted = true;
    } else if (c == '\\' && quote != '\'' && i + 1 < w.size()) {
      char next = w[i + 1];
      if (quote == 0 || next == '"' || next == '$' || next == '\\') {
        name->push_back(next);
        ++i;
      } else {
        name->push_back(c);
      }
    } else if (c != '\\' || quote == '\'') {
      name->push_back(c);
    }
  }
  return quote == 0 && !name->empty();
}

// `<<EOF`, `<<-EOF`, `2<<"EOF"`, `<< EOF`, `<<EO"F"` (BuildKit's
// `^(\d*)<<(-?)\s*([^<]*)$`): fills the heredoc's name, strip_tabs and
// expand, or returns false.
bool ReadHeredocWord(std::string_view w, Heredoc* h) {
  size_t i = 0;
  while (i < w.size() && w[i] >= '0' && w[i] <= '9') ++i;
  if (w.substr(i, 2) != "<<") return false;
  i += 2;
  h->strip_tabs = i < w.size() && w[i] == '-';
  if (h->strip_tabs) ++i;
  while (i < w.size() && IsAsciiSpace(w[i])) ++i;
  std::string_view rest = w.substr(i);
  if (rest.find('<') != std::string_view::npos) return false;
  bool quoted = false;
  if (!UnquoteDelimiter(rest, &h->name, &quoted)) return false;
  h->expand = !quoted;
  return true;
}

class Parser {
 public:
  Parser(std::string_view text, std::string path) {
    cf_.path = std::move(path);
    cf_.lines = SplitLines(text);
  }

  Expected<Containerfile> Run();

 private:
  Status ReadDirectives();
  bool NextLogical(Logical* lg);
  bool Continues(Logical& lg, size_t line_start, int line);
  Status AddInstruction(const Logical& lg);
  Status FillArgs(Instruction& ins, const Logical& lg, const Head& head);
  Status CheckArgs(const Instruction& ins);
  Status CheckNameValues(const Instruction& ins);
  Status ReadExecForm(Instruction& ins);
  void ReadHeredocs(Instruction& ins);
  Error At(SourcePos p, const std::string& message) const;

  Containerfile cf_;
  size_t next_ = 0;  // index of the next unread line
  int stage_ = -1;
};

// An error after an escape that podman ignored most likely comes from it.
Error Parser::At(SourcePos p, const std::string& message) const {
  std::string hint;
  if (cf_.ignored_escape_line != 0 && p.line > cf_.ignored_escape_line) {
    hint = " (podman ignored the \"# escape=\" on line " +
           std::to_string(cf_.ignored_escape_line) + ")";
  }
  return Fail(cf_.path + ":" + std::to_string(p.line) + ":" +
              std::to_string(p.column) + ": " + message + hint);
}

Expected<Containerfile> Parser::Run() {
  if (Status s = ReadDirectives(); !s) return Error{s.error()};
  Logical lg;
  while (NextLogical(&lg)) {
    if (Status s = AddInstruction(lg); !s) return Error{s.error()};
  }
  return std::move(cf_);
}

// podman honours `# escape=` on the first line only; BuildKit reads every
// leading directive. Both stop at the first other line.
Status Parser::ReadDirectives() {
  bool podman_done = false;
  bool buildkit_done = false;
  for (size_t i = 0; i < cf_.lines.size() && !buildkit_done; ++i) {
    std::string_view t = cf_.lines[i];
    t.remove_prefix(LeadingBlank(t));
    const int line = static_cast<int>(i) + 1;
    std::string_view value;
    bool podman_escape = !podman_done && MatchPodmanEscape(t, &value);
    if (podman_escape) {
      if (line > 1) {
        return At({line, 1}, "only one escape parser directive can be used");
      }
      if (value[0] != '`' && value[0] != '\\') {
        return At({line, 1}, "invalid escape \"" +
                                 std::string(value.substr(0, 1)) +
                                 "\": must be ` or \\");
      }
      cf_.escape = value[0];
    } else {
      podman_done = true;
    }
    Directive d;
    if (!MatchBuildkitDirective(t, &d) ||
        (d.name != "escape" && d.name != "syntax" && d.name != "check")) {
      buildkit_done = true;
      continue;
    }
    d.line = line;
    if (d.name == "escape" && !podman_escape && cf_.ignored_escape_line == 0 &&
        (d.value == "`" || d.value == "\\")) {
      cf_.ignored_escape_line = line;
      cf_.ignored_escape = d.value[0];
    }
    cf_.directives.push_back(std::move(d));
  }
  return Ok{};
}

bool Parser::Continues(Logical& lg, size_t line_start, int line) {
  bool doubled = false;
  bool more = TrimContinuation(lg, line_start, cf_.escape, &doubled);
  // At the end of the file the two read it alike.
  if (doubled && next_ < cf_.lines.size()) {
    cf_.doubled_escape_lines.push_back(line);
  }
  return more;
}

bool Parser::NextLogical(Logical* out) {
  const auto& lines = cf_.lines;
  while (next_ < lines.size()) {
    int line = static_cast<int>(++next_);
    std::string_view raw = lines[next_ - 1];
    size_t lead = LeadingBlank(raw);
    std::string_view body = raw.substr(lead);
    if (!body.empty() && body[0] == '#') continue;
    Logical lg;
    lg.start_line = line;
    Append(lg, body, line, static_cast<int>(lead) + 1);
    bool more = Continues(lg, 0, line);
    if (!more && lg.text.empty()) continue;
    while (more && next_ < lines.size()) {
      line = static_cast<int>(++next_);
      raw = lines[next_ - 1];
      if (IsEmptyContinuation(raw)) continue;
      size_t start = lg.text.size();
      Append(lg, raw, line, 1);
      more = Continues(lg, start, line);
    }
    lg.end_line = static_cast<int>(next_);
    *out = std::move(lg);
    return true;
  }
  return false;
}

Status Parser::AddInstruction(const Logical& lg) {
  size_t b = LeadingBlank(lg.text);
  size_t e = TrimmedEnd(lg.text, b);
  if (b == e) return Ok{};  // only an escape: nothing to run

  Instruction ins;
  ins.start_line = lg.start_line;
  ins.end_line = lg.end_line;
  Head head = SplitHead(lg, b, e);
  std::string_view word(lg.text.data() + head.keyword_begin,
                        head.keyword_end - head.keyword_begin);
  ins.keyword = ToUpper(word);
  ins.keyword_pos = lg.pos[b];
  if (!IsKeyword(ins.keyword)) {
    return At(ins.keyword_pos, "unknown instruction " + DisplayWord(word));
  }
  if (ins.keyword == "FROM") ++stage_;
  ins.stage = stage_;
  if (Status s = FillArgs(ins, lg, head); !s) return s;
  if (Status s = CheckArgs(ins); !s) return s;
  if (Status s = ReadExecForm(ins); !s) return s;
  ReadHeredocs(ins);
  cf_.instructions.push_back(std::move(ins));
  return Ok{};
}

// Arguments and flags; for ONBUILD those of the wrapped instruction.
Status Parser::FillArgs(Instruction& ins, const Logical& lg,
                        const Head& outer) {
  Head head = outer;
  ins.flags = outer.flags;
  if (ins.keyword == "ONBUILD" && head.args_begin < head.args_end) {
    head = SplitHead(lg, outer.args_begin, outer.args_end);
    std::string_view word(lg.text.data() + head.keyword_begin,
                          head.keyword_end - head.keyword_begin);
    ins.onbuild_keyword = ToUpper(word);
    SourcePos at = lg.pos[head.keyword_begin];
    if (!IsKeyword(ins.onbuild_keyword)) {
      return At(at, "unknown instruction " + DisplayWord(word));
    }
    if (ins.onbuild_keyword == "ONBUILD") {
      return At(at, "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    }
    if (ins.onbuild_keyword == "FROM" || ins.onbuild_keyword == "MAINTAINER") {
      return At(at,
                ins.onbuild_keyword + " isn't allowed as an ONBUILD trigger");
    }
    ins.flags.insert(ins.flags.end(), head.flags.begin(), head.flags.end());
  }
  ins.args = lg.text.substr(head.args_begin, head.args_end - head.args_begin);
  ins.arg_pos.assign(
      lg.pos.begin() + static_cast<std::ptrdiff_t>(head.args_begin),
      lg.pos.begin() + static_cast<std::ptrdiff_t>(head.args_end));
  return Ok{};
}

Status Parser::CheckArgs(const Instruction& ins) {
  const std::string& k = ins.Effective();
  // A bare HEALTHCHECK parses (BuildKit prints it as "(healthcheck)"); only
  // the build rejects it.
  if (ins.args.empty() && k != "CMD" && k != "ENTRYPOINT" &&
      k != "HEALTHCHECK") {
    return At(ins.keyword_pos, k + " requires at least one argument");
  }
  if (k == "ENV" || k == "LABEL") return CheckNameValues(ins);
  return Ok{};
}

// ENV and LABEL: either "NAME value…" or only NAME=VALUE words.
Status Parser::CheckNameValues(const Instruction& ins) {
  const std::string& k = ins.Effective();
  std::vector<RawWord> words = SplitWords(ins.args, cf_.escape);
  if (words.empty()) {
    return At(ins.keyword_pos, k + " requires at least one argument");
  }
  auto has_eq = [&](const RawWord& w) {
    return std::string_view(ins.args)
               .substr(w.begin, w.end - w.begin)
               .find('=') != std::string_view::npos;
  };
  if (!has_eq(words[0])) {
    if (std::none_of(ins.args.begin(), ins.args.end(), IsTokenSpace)) {
      return At(ins.PosOf(0), k + " must have two arguments");
    }
    return Ok{};
  }
  for (const RawWord& w : words) {
    if (!has_eq(w)) {
      return At(ins.PosOf(w.begin), "syntax error: expected NAME=VALUE");
    }
  }
  return Ok{};
}

Status Parser::ReadExecForm(Instruction& ins) {
  const std::string& k = ins.Effective();
  size_t from = 0;
  if (k == "HEALTHCHECK") {
    // HEALTHCHECK TYPE [command]: the command may be exec form.
    while (from < ins.args.size() && !IsAsciiSpace(ins.args[from])) ++from;
    while (from < ins.args.size() && IsAsciiSpace(ins.args[from])) ++from;
  } else if (!TakesExecForm(k)) {
    return Ok{};
  }
  JsonStrings json;
  switch (
      ParseJsonStringArray(std::string_view(ins.args).substr(from), &json)) {
    case JsonArrayKind::kNotJson:
      return Ok{};
    case JsonArrayKind::kNotStrings:
      return At(ins.PosOf(from),
                "when using JSON array syntax, arrays must be comprised of "
                "strings only");
    case JsonArrayKind::kStrings:
      break;
  }
  ins.exec_form = true;
  ins.exec = std::move(json.values);
  ins.exec_offsets = std::move(json.offsets);
  for (auto& offsets : ins.exec_offsets) {
    for (size_t& o : offsets) o += from;
  }
  return Ok{};
}

// BuildKit reads heredoc bodies from the lines after the instruction, one
// after the other, each up to its delimiter line.
void Parser::ReadHeredocs(Instruction& ins) {
  const std::string& k = ins.Effective();
  if (ins.exec_form || (k != "RUN" && k != "COPY" && k != "ADD")) return;
  for (const RawWord& w : HeredocWords(ins.args)) {
    Heredoc h;
    std::string_view word(ins.args.data() + w.begin, w.end - w.begin);
    if (!ReadHeredocWord(word, &h)) continue;
    h.args_offset = w.begin;
    h.start_line = static_cast<int>(next_) + 1;
    h.end_line = ins.end_line;
    while (next_ < cf_.lines.size()) {
      std::string_view line = cf_.lines[next_++];
      h.end_line = static_cast<int>(next_);
      std::string_view cmp = line;
      while (h.strip_tabs && !cmp.empty() && cmp[0] == '\t') {
        cmp.remove_prefix(1);
      }
      if (cmp == h.name) break;
      h.content.append(line);
      h.content.push_back('\n');
    }
    ins.end_line = std::max(ins.end_line, h.end_line);
    ins.heredocs.push_back(std::move(h));
  }
}

}  // namespace

SourcePos Instruction::PosOf(size_t i) const {
  if (i < arg_pos.size()) return arg_pos[i];
  if (arg_pos.empty()) return keyword_pos;
  SourcePos p = arg_pos.back();
  p.column += 1;
  return p;
}

SourcePos Heredoc::PosOf(size_t i) const {
  i = std::min(i, content.size());
  SourcePos p{start_line, 1};
  size_t line_start = 0;
  for (size_t k = 0; k < i; ++k) {
    if (content[k] == '\n') {
      ++p.line;
      line_start = k + 1;
    }
  }
  p.column = static_cast<int>(i - line_start) + 1;
  return p;
}

Expected<Containerfile> ParseContainerfile(std::string_view text,
                                           std::string path) {
  if (text.size() > kMaxContainerfileSize) {
    return Fail(path + ":1:1: file is too large (" +
                std::to_string(text.size()) + " bytes; the limit is 16 MiB)");
  }
  return Parser(text, std::move(path)).Run();
}

std::vector<KeyValue> SplitKeyValues(const Instruction& ins, char escape) {
  const std::string_view args = ins.args;
  const std::string& k = ins.Effective();
  std::vector<RawWord> words = SplitWords(args, escape);
  std::vector<KeyValue> out;
  if (words.empty()) return out;
  auto unquote_into = [&](KeyValue& kv, size_t begin, size_t end) {
    Unquoted u = UnquoteWord(args.substr(begin, end - begin), escape);
    kv.value = std::move(u.text);
    kv.value_offset = begin;
    for (size_t o : u.offsets) kv.value_offsets.push_back(begin + o);
  };
  auto word = [&](size_t b, size_t e) { return args.substr(b, e - b); };
  bool legacy =
      (k == "ENV" || k == "LABEL") &&
      word(words[0].begin, words[0].end).find('=') == std::string_view::npos;
  if (legacy) {
    // "ENV NAME the rest": one pair, the value is all after the name.
    size_t n = 0;
    while (n < args.size() && !IsTokenSpace(args[n])) ++n;
    size_t v = n;
    while (v < args.size() && IsTokenSpace(args[v])) ++v;
    KeyValue kv;
    kv.key = UnquoteWord(args.substr(0, n), escape).text;
    kv.has_value = v < args.size();
    unquote_into(kv, v, args.size());
    out.push_back(std::move(kv));
    return out;
  }
  for (const RawWord& w : words) {
    std::string_view raw = word(w.begin, w.end);
    size_t eq = raw.find('=');
    KeyValue kv;
    kv.key_offset = w.begin;
    kv.key = UnquoteWord(raw.substr(0, eq), escape).text;
    if (eq == std::string_view::npos) {
      kv.value_offset = w.end;
    } else {
      kv.has_value = true;
      unquote_into(kv, w.begin + eq + 1, w.end);
    }
    out.push_back(std::move(kv));
  }
  return out;
}

}  // namespace safebuild
