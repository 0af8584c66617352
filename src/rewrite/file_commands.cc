// The rm, chmod and chown commands of a RUN script that name a copied
// credential file. Once the file is a read-only secret mount (or, for an SSH
// key, not in the build at all), `rm` of it fails with EBUSY or ENOENT and
// `chmod` with EROFS, so those operands must leave the script. A command left
// without operands goes as a whole; the list it stood in keeps its meaning:
// an rm that succeeded always is dropped with the operator on the side that
// leaves the same connector (`a && rm x; b` -> `a; b`), and a last command
// after `;` becomes `true` so that the exit status stays 0. Anything else
// (`||`, pipes, `&`, an empty subshell) is refused with the reason. The
// script is read with the shell lexer lint uses; the edits are cuts at file
// positions, so continuations and the rest of each line stay as written.
#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "containerfile/ignore_file.h"
#include "containerfile/shell_lex.h"
#include "rewrite/rewrite_internal.h"
#include "util/text.h"

namespace safebuild::rewrite {
namespace {

enum class Kind { kNone, kRm, kChmod, kChown };

// One rm/chmod/chown command: its mode or owner and its operands.
struct FileCommand {
  Kind kind = Kind::kNone;
  bool recursive = false;
  bool force = false;
  std::string spec;               // chmod's mode, chown's owner
  std::vector<size_t> operands;   // word indexes
};

bool OnlyLetters(std::string_view option, std::string_view allowed) {
  return option.size() > 1 && option[0] == '-' && option[1] != '-' &&
         option.substr(1).find_first_not_of(allowed) == std::string_view::npos;
}

FileCommand Parse(const ShellCommand& cmd) {
  FileCommand fc;
  std::string name = cmd.Name();
  if (name == "rm") fc.kind = Kind::kRm;
  if (name == "chmod") fc.kind = Kind::kChmod;
  if (name == "chown") fc.kind = Kind::kChown;
  if (fc.kind == Kind::kNone) return fc;
  const char* letters = fc.kind == Kind::kRm ? "rRfvidI" : fc.kind == Kind::kChmod ? "Rfvc"
                                                                                  : "RfvchHLP";
  bool options = true;
  for (size_t i = cmd.NameIndex() + 1; i < cmd.words.size(); ++i) {
    const std::string& w = cmd.words[i].text;
    if (options && w == "--") {
      options = false;
    } else if (options && (OnlyLetters(w, letters) || StartsWith(w, "--"))) {
      fc.recursive = fc.recursive || w == "--recursive" ||
                     (w[1] != '-' && w.find_first_of("rR") != std::string::npos);
      fc.force = fc.force || w == "--force" || (w[1] != '-' && w.find('f') != std::string::npos);
      // --reference names the mode by another file: not one we can read.
      if (StartsWith(w, "--reference")) fc.spec = "?";
    } else if (fc.kind != Kind::kRm && fc.spec.empty()) {
      fc.spec = w;
    } else {
      fc.operands.push_back(i);
    }
  }
  return fc;
}

// The word as an absolute clean path: `~/` and `$HOME/` read as the
// home, a relative path as under the working directory; "" when it
// depends on anything else.
std::string Resolve(std::string w, const RunDirs& dirs) {
  for (const char* prefix : {"~/", "$HOME/", "${HOME}/"}) {
    if (!dirs.home.empty() && StartsWith(w, prefix)) {
      w = dirs.home + "/" + w.substr(std::string(prefix).size());
    }
  }
  bool relative = !w.empty() && w[0] != '/' && w[0] != '~' && w[0] != '-';
  if (relative && !dirs.cwd.empty()) w = dirs.cwd + "/" + w;
  if (!StartsWith(w, "/") || w.find_first_of("$`") != std::string::npos) return "";
  return CleanPath(w);
}

// The directories each command of `cmds` runs with: after a `cd` (or
// pushd, popd), the working directory is no longer known.
std::vector<RunDirs> DirsOf(const std::vector<ShellCommand>& cmds, RunDirs dirs) {
  std::vector<RunDirs> out;
  for (const ShellCommand& cmd : cmds) {
    out.push_back(dirs);
    std::string name = cmd.Name();
    if (name == "cd" || name == "pushd" || name == "popd") dirs.cwd.clear();
  }
  return out;
}

bool IsGlob(const std::string& w) { return w.find_first_of("*?[") != std::string::npos; }

bool IsAncestor(const std::string& dir, const std::string& path) {
  return dir == "/" || StartsWith(path, dir + "/");
}

// A file of `files` that `path` names: the file itself, or, for an `rm -r`,
// the directory made only to hold it or one below that.
const MountedFile* Named(const std::vector<MountedFile>& files, const std::string& path,
                         bool recursive) {
  for (const auto& f : files) {
    if (path.empty()) continue;
    if (f.path == path) return &f;
    bool in_holder = !f.holder.empty() && (path == f.holder || IsAncestor(f.holder, path));
    if (recursive && in_holder && IsAncestor(path, f.path)) return &f;
  }
  return nullptr;
}

bool ListOperator(const std::string& op) { return op == "&&" || op == ";" || op == "\n"; }

size_t SkipBlanksBack(const std::string& s, size_t i) {
  while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) --i;
  return i;
}

size_t SkipBlanks(const std::string& s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

// Cuts for args bytes [b, e), one per file line they lie on; the first
// gets `text`. False when the bytes of one line are not contiguous.
bool AddCuts(const Instruction& run, size_t b, size_t e, const std::string& text,
             std::vector<InstructionEdit::Cut>& cuts) {
  size_t first = cuts.size();
  for (size_t i = b; i < e; ++i) {
    SourcePos p = run.PosOf(i);
    bool joins = cuts.size() > first && cuts.back().line == p.line &&
                 cuts.back().column + static_cast<int>(cuts.back().length) == p.column;
    if (joins) {
      ++cuts.back().length;
      continue;
    }
    for (size_t k = first; k < cuts.size(); ++k) {
      if (cuts[k].line == p.line) return false;
    }
    cuts.push_back({p.line, p.column, 1, ""});
  }
  if (cuts.size() == first) {
    if (text.empty()) return true;
    SourcePos p = run.PosOf(b);
    cuts.push_back({p.line, p.column, 0, ""});
  }
  cuts[first].text = text;
  return true;
}

std::string Quote(const std::string& w) { return "`" + w + "`"; }

class Dropper {
 public:
  Dropper(const Instruction& run, const std::vector<MountedFile>& files, const RunDirs& dirs)
      : run_(run), files_(files), cmds_(LexCommands(ArgsSegment(run))),
        dirs_(DirsOf(cmds_, dirs)) {}

  OperandDrop Run();

 private:
  // Marks the command gone or cuts its operands; false on error.
  bool Command(size_t k);
  bool Group(size_t first, size_t last);
  bool ClearsLastLine(size_t b, size_t e, const std::string& text) const;
  bool CutOne(const std::vector<std::pair<size_t, size_t>>& ranges, const std::string& text);
  size_t Begin(size_t k) const {
    return SkipBlanks(run_.args, cmds_[k].op_before_at + cmds_[k].op_before.size());
  }
  size_t End(size_t k) const { return SkipBlanksBack(run_.args, cmds_[k].op_after_at); }
  bool Fail(std::string why) {
    out_.error = std::move(why);
    return false;
  }

  const Instruction& run_;
  const std::vector<MountedFile>& files_;
  std::vector<ShellCommand> cmds_;
  std::vector<RunDirs> dirs_;
  std::vector<bool> gone_;
  OperandDrop out_;
};

bool Dropper::Command(size_t k) {
  const ShellCommand& cmd = cmds_[k];
  FileCommand fc = Parse(cmd);
  if (fc.kind == Kind::kNone) return true;
  std::vector<size_t> drop;
  for (size_t i : fc.operands) {
    const std::string& w = cmd.words[i].text;
    std::string path = Resolve(w, dirs_[k]);
    if (Named(files_, path, fc.recursive && fc.kind == Kind::kRm)) {
      drop.push_back(i);
      continue;
    }
    for (const auto& f : files_) {
      bool glob = IsGlob(w) && fnmatch(w.c_str(), f.path.c_str(), FNM_PATHNAME) == 0;
      bool tree = !path.empty() && IsAncestor(path, f.path) && fc.recursive;
      if ((glob || tree) && f.mounted) {
        return Fail(cmd.Name() + " " + Quote(w) + " reaches " + f.path +
                    ", which becomes a read-only mount");
      }
      if (tree && fc.kind == Kind::kRm && !fc.force) {
        return Fail("rm " + Quote(w) + " fails when " + f.path + " is no longer copied");
      }
    }
  }
  if (drop.empty()) return true;
  if (fc.spec == "?") return Fail(cmd.Name() + " --reference is not understood");
  if (drop.size() < fc.operands.size()) {
    for (size_t i : drop) {
      size_t b = SkipBlanksBack(run_.args, cmd.raw_begin[i]);
      if (!AddCuts(run_, b, cmd.raw_end[i], "", out_.cuts)) {
        return Fail("an operand of " + cmd.Name() + " is split oddly across lines");
      }
    }
    return true;
  }
  for (const auto& r : cmd.redirects) {
    if (r.target.text != "/dev/null") {
      return Fail(cmd.Name() + " writes to " + Quote(r.target.text) + ", so it cannot go");
    }
  }
  gone_[k] = true;
  return true;
}

// Would cutting args [b, e) for `text` leave the instruction's last line
// blank? Its continuation would then run into the next instruction.
bool Dropper::ClearsLastLine(size_t b, size_t e, const std::string& text) const {
  const std::string& args = run_.args;
  int last = run_.PosOf(args.size() - 1).line;
  if (last == run_.PosOf(0).line || (!text.empty() && run_.PosOf(b).line == last)) return false;
  for (size_t i = args.size(); i-- > 0 && run_.PosOf(i).line == last;) {
    bool blank = args[i] == ' ' || args[i] == '\t';
    if (!blank && (i < b || i >= e)) return false;
  }
  return true;
}

// The first of `ranges` whose cut stays on one line, else the first that
// can be cut at all; false when none can.
bool Dropper::CutOne(const std::vector<std::pair<size_t, size_t>>& ranges,
                     const std::string& text) {
  std::vector<InstructionEdit::Cut> best;
  for (const auto& [b, e] : ranges) {
    std::vector<InstructionEdit::Cut> cuts;
    if (ClearsLastLine(b, e, text) || !AddCuts(run_, b, e, text, cuts)) continue;
    if (best.empty() || (best.size() > 1 && cuts.size() == 1)) best = cuts;
  }
  out_.cuts.insert(out_.cuts.end(), best.begin(), best.end());
  return !best.empty();
}

// Commands [first, last] go: they always succeed, so they act as one.
bool Dropper::Group(size_t first, size_t last) {
  const std::string& before = cmds_[first].op_before;
  const std::string& after = cmds_[last].op_after;
  bool starts = before.empty() || before == "(";
  bool ends = after.empty() || after == ")";
  std::string name = cmds_[first].Name();
  if ((!starts && !ListOperator(before)) || (!ends && !ListOperator(after))) {
    return Fail(name + " is joined by " + Quote(ListOperator(before) || starts ? after : before) +
                "; only && and ; lists are edited");
  }
  if (starts && ends) {
    if (!before.empty() || !after.empty()) return Fail(name + " is alone in a subshell");
    out_.empty = true;
    return true;
  }
  size_t begin = Begin(first);
  size_t end = End(last);
  size_t after_end = cmds_[last].op_after_at + after.size();
  size_t before_at = cmds_[first].op_before_at;
  std::vector<std::pair<size_t, size_t>> ranges;
  if (starts || (!ends && before != "&&")) {
    // `rm x && b`, `a; rm x && b`: the next command takes its place.
    ranges = {{begin, SkipBlanks(run_.args, after_end)}, {begin, after_end}};
  } else if (before == "&&") {
    // `a && rm x; b`, `a && rm x`: `a` keeps the connector after.
    ranges = {{SkipBlanksBack(run_.args, before_at), end}, {before_at, end}};
  }
  // The fallback, and `a; rm x` whose status was rm's, 0: `true` in its place.
  if (CutOne(ranges, "") || CutOne({{begin, end}}, "true")) return true;
  return Fail(name + " is split oddly across lines");
}

OperandDrop Dropper::Run() {
  gone_.assign(cmds_.size(), false);
  for (size_t k = 0; k < cmds_.size(); ++k) {
    if (!Command(k)) return out_;
  }
  for (size_t k = 0; k < cmds_.size(); ++k) {
    if (!gone_[k]) continue;
    size_t last = k;
    while (last + 1 < cmds_.size() && gone_[last + 1] &&
           ListOperator(cmds_[last].op_after) &&
           cmds_[last + 1].op_before_at == cmds_[last].op_after_at) {
      ++last;
    }
    if (!Group(k, last)) {
      out_.cuts.clear();
      out_.empty = false;
      return out_;
    }
    k = last;
  }
  return out_;
}

std::optional<int> Bits(char perm) {
  switch (perm) {
    case 'r': return 0444;
    case 'w': return 0222;
    case 'x': return 0111;
    default: return std::nullopt;  // X, s, t, u, g, o: not worth guessing
  }
}

// One `[ugoa]*([-+=][rwx]*)+` clause of a symbolic mode.
std::optional<int> Clause(std::string_view c, int mode) {
  int who = 0;
  size_t i = 0;
  for (; i < c.size() && std::string_view("ugoa").find(c[i]) != std::string_view::npos; ++i) {
    who |= c[i] == 'u' ? 0700 : c[i] == 'g' ? 0070 : c[i] == 'o' ? 0007 : 0777;
  }
  if (i == c.size()) return std::nullopt;
  while (i < c.size()) {
    char op = c[i++];
    if (op != '+' && op != '-' && op != '=') return std::nullopt;
    // Without a who, + and = follow the umask, which we do not know.
    if (who == 0 && op != '-') return std::nullopt;
    int mask = who == 0 ? 0777 : who;
    int bits = 0;
    for (; i < c.size() && std::string_view("+-=").find(c[i]) == std::string_view::npos; ++i) {
      auto b = Bits(c[i]);
      if (!b) return std::nullopt;
      bits |= *b & mask;
    }
    mode = op == '+' ? mode | bits : op == '-' ? mode & ~bits : (mode & ~mask) | bits;
  }
  return mode;
}

}  // namespace

std::optional<int> ApplyChmod(const std::string& spec, int mode) {
  bool octal = !spec.empty() && spec.size() <= 4 &&
               spec.find_first_not_of("01234567") == std::string::npos;
  if (octal) return std::stoi(spec, nullptr, 8) & 07777;
  for (const std::string& clause : Split(spec, ',')) {
    auto next = Clause(clause, mode);
    if (!next) return std::nullopt;
    mode = *next;
  }
  return mode;
}

OperandDrop DropFileOperands(const Instruction& run, const std::vector<MountedFile>& files,
                             const RunDirs& dirs) {
  return Dropper(run, files, dirs).Run();
}

bool RemovesPath(const Instruction& run, const std::string& path, const RunDirs& dirs) {
  std::vector<ShellCommand> cmds = LexCommands(ArgsSegment(run));
  std::vector<RunDirs> at = DirsOf(cmds, dirs);
  for (size_t k = 0; k < cmds.size(); ++k) {
    const ShellCommand& cmd = cmds[k];
    FileCommand fc = Parse(cmd);
    if (fc.kind != Kind::kRm) continue;
    for (size_t i : fc.operands) {
      std::string p = Resolve(cmd.words[i].text, at[k]);
      if (p == path || (fc.recursive && !p.empty() && IsAncestor(p, path))) return true;
    }
  }
  return false;
}

// `needle` as a command would write it from the home: "~/.ssh/key".
std::string FromHome(const std::string& needle, const std::string& home) {
  if (home.empty() || !StartsWith(needle, home + "/")) return "";
  return "~" + needle.substr(home.size());
}

bool NamesPath(const Instruction& run, const std::string& needle, const std::string& file,
               const RunDirs& dirs) {
  std::vector<ShellCommand> cmds = LexCommands(ArgsSegment(run));
  std::vector<RunDirs> at = DirsOf(cmds, dirs);
  std::string tilde = FromHome(needle, dirs.home);
  for (size_t k = 0; k < cmds.size(); ++k) {
    const ShellCommand& cmd = cmds[k];
    // Inside a word (GIT_SSH_COMMAND='ssh -i ~/.ssh/key'), as written;
    // a whole word, also relative to the working directory.
    auto names = [&](const std::string& w) {
      return w.find(needle) != std::string::npos ||
             Resolve(w, {dirs.home, ""}).find(needle) != std::string::npos ||
             Resolve(w, at[k]) == needle ||
             (!tilde.empty() && w.find(tilde) != std::string::npos);
    };
    FileCommand fc = Parse(cmd);
    for (size_t i = 0; i < cmd.words.size(); ++i) {
      bool operand = std::find(fc.operands.begin(), fc.operands.end(), i) != fc.operands.end();
      std::string path = Resolve(cmd.words[i].text, at[k]);
      if (operand && path == file) continue;
      // `rm -r` of a directory the file is in removes it; it uses nothing.
      if (operand && fc.kind == Kind::kRm && !path.empty() && IsAncestor(path, file)) continue;
      if (names(cmd.words[i].text)) return true;
    }
    for (const auto& r : cmd.redirects) {
      if (names(r.target.text)) return true;
    }
  }
  return false;
}

std::string FileAttrsOf(const Instruction& run, const std::string& path,
                        const RunDirs& dirs, FileAttrs& attrs) {
  std::vector<ShellCommand> cmds = LexCommands(ArgsSegment(run));
  std::vector<RunDirs> at = DirsOf(cmds, dirs);
  for (size_t k = 0; k < cmds.size(); ++k) {
    const ShellCommand& cmd = cmds[k];
    FileCommand fc = Parse(cmd);
    if (fc.kind != Kind::kChmod && fc.kind != Kind::kChown) continue;
    bool names = std::any_of(fc.operands.begin(), fc.operands.end(), [&](size_t i) {
      return Resolve(cmd.words[i].text, at[k]) == path;
    });
    if (!names) continue;
    if (fc.kind == Kind::kChmod) {
      auto mode = ApplyChmod(fc.spec, attrs.mode);
      if (!mode) return "chmod " + Quote(fc.spec) + " is not a mode safebuild can work out";
      attrs.mode = *mode;
      attrs.mode_set = true;
      continue;
    }
    std::string why = ApplyChown(fc.spec, attrs);
    if (!why.empty()) return why;
  }
  return "";
}

std::string ApplyChown(const std::string& spec, FileAttrs& attrs) {
  size_t sep = spec.find_first_of(":.");
  std::string user = spec.substr(0, sep);
  std::string group = sep == std::string::npos ? "" : spec.substr(sep + 1);
  // `USER:` takes the user's login group: known for root alone.
  if (sep != std::string::npos && group.empty()) group = user == "root" ? "root" : "?";
  if (!user.empty()) {
    auto uid = NumericId(user);
    if (!uid) return "chown " + Quote(spec) + ": the uid of " + user + " is not known";
    attrs.uid = *uid;
  }
  if (!group.empty()) {
    auto gid = NumericId(group);
    if (!gid) return "chown " + Quote(spec) + ": the gid is not known";
    attrs.gid = *gid;
  }
  return "";
}

bool NamesOtherUnder(const Instruction& run, const std::string& dir, const std::string& file,
                     const RunDirs& dirs) {
  std::vector<ShellCommand> cmds = LexCommands(ArgsSegment(run));
  std::vector<RunDirs> at = DirsOf(cmds, dirs);
  auto names = [&](const std::string& w, const RunDirs& d) {
    std::string p = Resolve(w, d);
    if (p == file) return false;
    if (p == dir || StartsWith(p, dir + "/")) return true;
    for (size_t i = w.find(dir + "/"); i != std::string::npos; i = w.find(dir + "/", i + 1)) {
      size_t end = w.find_first_of(" \t'\";:,=", i);
      if (CleanPath(w.substr(i, end == std::string::npos ? end : end - i)) != file) return true;
    }
    return false;
  };
  for (size_t k = 0; k < cmds.size(); ++k) {
    const ShellCommand& cmd = cmds[k];
    std::string name = cmd.Name();
    // Removing, making or setting the mode of the directory puts nothing in it.
    bool quiet = name == "rm" || name == "mkdir" || name == "chmod" || name == "chown";
    size_t count = quiet ? 0 : cmd.words.size();
    for (size_t i = 0; i < count; ++i) {
      if (names(cmd.words[i].text, at[k])) return true;
    }
    for (const auto& r : cmd.redirects) {
      if (names(r.target.text, at[k])) return true;
    }
  }
  return false;
}

}  // namespace safebuild::rewrite
