// A credential file COPY'd into the image, used by the RUN steps that follow
// and deleted by a later `rm`: the file still sits in the COPY layer. The
// rewrite mounts it as a build secret at the same path (`target=`) on each
// RUN step from the COPY up to and including the one that deleted it (a tool
// such as npm finds ~/.npmrc without the script naming it), and drops the
// COPY and the `rm`. An SSH key that only serves `git`/`ssh` becomes the
// build's SSH agent (`--mount=type=ssh`, `--ssh default`) instead. A file
// that is never deleted is left alone: the image may need it at run time.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "containerfile/ignore_file.h"
#include "containerfile/lint.h"
#include "containerfile/words.h"
#include "detect/detector.h"
#include "rewrite/rewrite_internal.h"
#include "util/text.h"

namespace safebuild::rewrite {
namespace {
namespace fs = std::filesystem;

struct CopyOf {
  std::string src;   // context path as written
  std::string dest;  // absolute path of the file in the image
  std::string rule;  // credential file rule
  bool whole_context = false;  // `COPY . DIR`: the COPY stays
};

std::string Basename(const std::string& p) {
  size_t slash = p.find_last_of('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// A context file that holds a secret (pip.conf with index-url credentials,
// say) though its name is no credential file's; read up to 64 KiB.
bool HoldsSecret(const std::string& context, const std::string& src) {
  fs::path p = fs::path(context) / CleanPath(src);
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(p, ec)) || fs::file_size(p, ec) > 65536) {
    return false;
  }
  std::ifstream in(p, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return !Detector::Default().Scan(text, src).empty();
}

// "COPY SRC /abs/dest" of one credential file from the context, else none.
std::optional<CopyOf> CredentialCopy(const Instruction& ins, char escape,
                                     const std::string& context) {
  if (ins.keyword != "COPY" || ins.exec_form || !ins.heredocs.empty()) return std::nullopt;
  for (const auto& f : ins.flags) {
    if (f.name == "from") return std::nullopt;
  }
  std::vector<RawWord> raw = SplitWords(ins.args, escape);
  if (raw.size() != 2) return std::nullopt;
  std::string_view args = ins.args;
  CopyOf c;
  c.src = UnquoteWord(args.substr(raw[0].begin, raw[0].end - raw[0].begin), escape).text;
  c.dest = UnquoteWord(args.substr(raw[1].begin, raw[1].end - raw[1].begin), escape).text;
  if (c.src.find_first_of("*?[") != std::string::npos) return std::nullopt;
  c.rule = CredentialFileRule(c.src);
  if (c.rule.empty() && HoldsSecret(context, c.src)) c.rule = "credential-content";
  if (c.rule.empty()) return std::nullopt;
  if (EndsWith(c.dest, "/")) c.dest += Basename(c.src);
  return c;
}

std::string RegexEscape(const std::string& s) {
  static const std::string kSpecial = R"(\^$.|?*+()[]{}/)";
  std::string out;
  for (char c : s) {
    if (kSpecial.find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string RmPattern(const std::string& dest) {
  return R"(rm(\s+-[A-Za-z]+)*\s+)" + RegexEscape(dest);
}

// How the `rm` of `dest` leaves RUN `ins`: the whole step, or a piece of
// text to cut ("" when the step does not remove it as we can undo).
struct RmCut {
  bool whole = false;
  std::string text;
};

RmCut FindRm(const Instruction& ins, const std::string& dest) {
  std::string rm = RmPattern(dest);
  if (std::regex_match(std::string(Trim(ins.args)), std::regex(rm + R"(\s*)"))) {
    return {true, ""};
  }
  // "… && rm X" / "…; rm X" (followed by another command or the end), or
  // a leading "rm X && …".
  std::smatch m;
  std::string args = ins.args;
  std::regex trailing(R"(\s*(&&|;)\s*)" + rm + R"((?=\s*(&&|;|$)))");
  if (std::regex_search(args, m, trailing)) return {false, m.str(0)};
  std::regex leading("^\\s*" + rm + R"(\s*(&&|;)\s*)");
  if (std::regex_search(args, m, leading)) return {false, std::string(Trim(m.str(0))) + " "};
  return {};
}

// The substitution works on file lines; the cut must lie within one.
bool InFileLines(const State& st, const Instruction& ins, const std::string& text) {
  for (int l = ins.start_line; l <= ins.end_line; ++l) {
    if (st.file.lines[l - 1].find(text) != std::string::npos) return true;
  }
  return false;
}

bool RemovesFile(const Instruction& ins, const std::string& dest) {
  if (ins.keyword != "RUN" || ins.args.find(dest) == std::string::npos) return false;
  return std::regex_search(ins.args, std::regex(R"((^|[\s;&|])rm\s)"));
}

bool UsesGitOrSsh(const Instruction& ins) {
  return std::regex_search(ins.args, std::regex(R"((^|[\s;&|])(git|ssh|scp)\s)"));
}

std::string SecretId(const std::string& src) {
  std::string id;
  for (char c : Basename(src)) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' ||
              c == '.';
    id += ok ? c : '_';
  }
  while (!id.empty() && id.front() == '.') id.erase(0, 1);
  return id.empty() ? "credential" : id;
}

std::string Guard(const std::string& test, const std::string& what) {
  return test + " || { echo '" + what + "' >&2; exit 1; }; ";
}

void RewriteCopy(State& st, size_t index, const CopyOf& c) {
  const auto& all = st.file.instructions;
  const Instruction& copy = all[index];
  std::string at = (c.whole_context ? "COPY . sends " : "COPY ") + c.src + " (line " +
                   std::to_string(copy.start_line) + ")";
  if (!StartsWith(c.dest, "/")) {
    st.Skip(copy.start_line, kRuleCopy, at + " left as is: the destination is relative");
    return;
  }
  std::vector<size_t> users;
  size_t deleter = 0;
  for (size_t j = index + 1; j < all.size() && all[j].stage == copy.stage; ++j) {
    if (all[j].keyword != "RUN") continue;
    users.push_back(j);
    if (RemovesFile(all[j], c.dest)) {
      deleter = j;
      break;
    }
  }
  if (deleter == 0) {
    st.Skip(copy.start_line, kRuleCopy,
            at + " left as is: no later RUN removes " + c.dest +
                ", so the image may need it at run time (use podman run --secret)");
    return;
  }
  for (size_t j : users) {
    if (!IsEditableRun(all[j])) {
      st.Skip(copy.start_line, kRuleCopy, at + " left as is: RUN at line " +
                                              std::to_string(all[j].start_line) +
                                              " is in exec form or has a heredoc");
      return;
    }
  }
  RmCut cut = FindRm(all[deleter], c.dest);
  if (!cut.whole && cut.text.empty()) {
    st.Skip(copy.start_line, kRuleCopy,
            at + " left as is: cannot take the rm of " + c.dest + " out of line " +
                std::to_string(all[deleter].start_line));
    return;
  }
  if (!cut.whole && !InFileLines(st, all[deleter], cut.text)) {
    st.Skip(copy.start_line, kRuleCopy,
            at + " left as is: the rm of " + c.dest + " spans a line continuation");
    return;
  }
  if (cut.whole) users.pop_back();

  bool named = false;
  bool git = false;
  for (size_t j : users) {
    named = named || all[j].args.find(c.dest) != std::string::npos;
    git = git || UsesGitOrSsh(all[j]);
  }
  bool ssh = c.rule == "credential-file-ssh-key" && git && !named;
  std::string id = SecretId(c.src);
  for (size_t j : users) {
    if (ssh) {
      st.Mount(j, "--mount=type=ssh",
               Guard("test -S \"$SSH_AUTH_SOCK\"", "no ssh agent: build with --ssh default"));
    } else {
      st.Mount(j, "--mount=type=secret,id=" + id + ",target=" + c.dest,
               Guard("test -s " + c.dest, "secret " + id + " is missing or empty"));
    }
  }
  if (!c.whole_context) st.edits[index].remove = true;
  if (cut.whole) {
    st.edits[deleter].remove = true;
  } else {
    st.edits[deleter].substitutions.emplace_back(cut.text, "");
  }
  std::string clean = CleanPath(c.src);
  st.result.ignore_lines.push_back(clean);
  if (ssh) {
    st.Need({"default", SecretNeed::kSsh, "default", std::nullopt, ""});
    st.Change(copy.start_line, kRuleSsh,
              at + " and its rm removed; git/ssh use the build's ssh agent");
    st.Advise("load the key into an agent before the build: eval \"$(ssh-agent)\" && "
              "ssh-add " + clean);
    return;
  }
  fs::path src = fs::path(st.options.context) / clean;
  st.Need({id, SecretNeed::kFile, src.lexically_normal().string(), std::nullopt, ""});
  st.Change(copy.start_line, kRuleCopy,
            at + (c.whole_context ? ": the rm of " + c.dest + " removed; the file is left "
                                    "out of the build context (ignore file)"
                                  : " and its rm removed") +
                "; mounted as secret " + id + " at " + c.dest);
}

// The directory `COPY . DEST` fills: DEST when absolute, else under the
// stage's last literal WORKDIR; "" when unknowable.
std::string CopyDestDir(const State& st, size_t index, const std::string& dest) {
  if (StartsWith(dest, "/")) return CleanPath(dest);
  std::string workdir = "/";
  const auto& all = st.file.instructions;
  for (size_t j = 0; j < index; ++j) {
    if (all[j].stage != all[index].stage || all[j].keyword != "WORKDIR") continue;
    std::string dir(Trim(all[j].args));
    if (dir.find('$') != std::string::npos) return "";
    workdir = StartsWith(dir, "/") ? dir : workdir + "/" + dir;
  }
  return CleanPath(workdir + "/" + dest);
}

// Credential files of the context that `COPY . DIR` sends into the image,
// as lint finds them (the ignore file applied).
void RewriteContextCopies(State& st) {
  const auto& all = st.file.instructions;
  bool copies_context = std::any_of(all.begin(), all.end(), [&](const Instruction& ins) {
    return ins.keyword == "COPY" && (StartsWith(ins.args, ". ") || StartsWith(ins.args, "./ "));
  });
  if (!copies_context || st.options.context.empty()) return;
  LintInput input;
  input.file = &st.file;
  input.context = st.options.context;
  for (const Finding& f : Lint(input, Detector::Default())) {
    if (f.rule != "context-credential-file" || f.origin != Origin::kContext ||
        !f.instruction) {
      continue;
    }
    // Lint names the file with the context joined, and the COPY that sends it.
    const std::string rel =
        std::filesystem::path(f.path)
            .lexically_relative(std::filesystem::path(st.options.context).lexically_normal())
            .generic_string();
    for (size_t i = 0; i < all.size(); ++i) {
      const Instruction& ins = all[i];
      if (ins.start_line != f.instruction->line || ins.keyword != "COPY" || !ins.flags.empty()) {
        continue;
      }
      std::vector<RawWord> raw = SplitWords(ins.args, st.file.escape);
      if (raw.size() != 2) continue;
      std::string dest = ins.args.substr(raw[1].begin, raw[1].end - raw[1].begin);
      std::string dir = CopyDestDir(st, i, dest);
      if (dir.empty()) continue;
      CopyOf c{rel, CleanPath(dir + "/" + rel), CredentialFileRule(rel), true};
      RewriteCopy(st, i, c);
    }
  }
}

}  // namespace

void RewriteCopiedCredentials(State& st) {
  const auto& all = st.file.instructions;
  for (size_t i = 0; i < all.size(); ++i) {
    if (auto c = CredentialCopy(all[i], st.file.escape, st.options.context)) {
      RewriteCopy(st, i, *c);
    }
  }
  RewriteContextCopies(st);
}

}  // namespace safebuild::rewrite
