// A credential file COPY'd into the image, used by the RUN steps that follow
// and deleted by a later `rm`: the file still sits in the COPY layer. The
// rewrite mounts it as a build secret at the same path (`target=`) on each
// RUN step from the COPY up to and including the one that deleted it (a tool
// such as npm finds ~/.npmrc without the script naming it), and drops the
// COPY; its rm/chmod/chown operands leave those steps (file_commands.cc),
// a chmod's mode and a chown's owner moving onto the mount. An SSH key that
// only serves `git`/`ssh` becomes the build's SSH agent instead
// (`--mount=type=ssh`, `--ssh default=KEY`: podman loads the key file). A
// file that is never deleted is left alone: the image may need it at run
// time.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "containerfile/ignore_file.h"
#include "containerfile/lint.h"
#include "containerfile/shell_lex.h"
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

bool UsesGitOrSsh(const Instruction& ins) {
  for (const ShellCommand& cmd : LexCommands(ArgsSegment(ins))) {
    std::string name = cmd.Name();
    if (name == "git" || name == "ssh" || name == "scp" || name == "sftp" || name == "rsync" ||
        name == "ssh-add") {
      return true;
    }
    for (const auto& w : cmd.words) {
      if (StartsWith(w.text, "GIT_SSH_COMMAND=")) return true;
    }
  }
  return false;
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

// What `~` reads as in RUN `index`: /root while the stage runs as root
// with no HOME of its own, else unknown ("").
std::string HomeAt(const State& st, size_t index) {
  const auto& all = st.file.instructions;
  for (size_t j = 0; j < index; ++j) {
    if (all[j].stage != all[index].stage) continue;
    std::string user(Trim(all[j].args));
    if (all[j].keyword == "USER" && user != "root" && user != "0" && user != "0:0") return "";
    if (all[j].keyword == "ENV" && all[j].args.find("HOME") != std::string::npos) return "";
  }
  return "/root";
}

// The copied files each RUN loses (as mounts or not at all). The rm, chmod
// and chown edits are made once every COPY is known: a command whose every
// operand goes is dropped whole.
using Drops = std::map<size_t, std::vector<MountedFile>>;

void ApplyDrops(State& st, const Drops& drops) {
  for (const auto& [j, files] : drops) {
    const Instruction& run = st.file.instructions[j];
    OperandDrop od = DropFileOperands(run, files, HomeAt(st, j));
    InstructionEdit& e = st.edits[j];
    e.remove = e.remove || od.empty;
    e.cuts.insert(e.cuts.end(), od.cuts.begin(), od.cuts.end());
  }
}

// The mode COPY gives the file: the context file's own.
int ContextMode(const State& st, const std::string& src) {
  std::error_code ec;
  auto status = fs::status(fs::path(st.options.context) / CleanPath(src), ec);
  if (ec || !fs::is_regular_file(status)) return 0644;
  return static_cast<int>(status.permissions() & fs::perms::mask) & 0777;
}

std::string Octal(int mode) {
  std::string out;
  for (int shift = 9; shift >= 0; shift -= 3) out += static_cast<char>('0' + ((mode >> shift) & 7));
  return out;
}

std::string MountAttrs(const FileAttrs& a) {
  std::string out;
  if (a.mode_set) out += ",mode=" + Octal(a.mode);
  if (a.uid >= 0) out += ",uid=" + std::to_string(a.uid);
  if (a.gid >= 0) out += ",gid=" + std::to_string(a.gid);
  return out;
}

// podman loads a key file into an agent of its own (`--ssh default=KEY`)
// only when no passphrase protects it.
bool LoadableKey(const fs::path& key) {
  std::error_code ec;
  if (!fs::is_regular_file(key, ec) || fs::file_size(key, ec) > 65536) return false;
  std::ifstream in(key, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.find("ENCRYPTED") != std::string::npos) return false;
  if (text.find("BEGIN OPENSSH PRIVATE KEY") == std::string::npos) {
    return text.find("PRIVATE KEY-----") != std::string::npos;
  }
  // "openssh-key-v1\0", cipher "none", kdf "none", in base64.
  return text.find("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ") != std::string::npos;
}

// The build's agent: one podman loads from the key file itself when it
// can, else the user's own (`--ssh default`). Returns what serves the key.
std::string NeedSshAgent(State& st, const std::string& clean) {
  fs::path key = (fs::absolute(st.options.context) / clean).lexically_normal();
  if (LoadableKey(key)) {
    st.Need({"default", SecretNeed::kSsh, "default=" + key.string(), std::nullopt, ""});
    return "an agent podman loads from " + clean;
  }
  st.Need({"default", SecretNeed::kSsh, "default", std::nullopt, ""});
  st.Advise("load the key into an agent before the build: eval \"$(ssh-agent)\" && "
            "ssh-add " + clean);
  return "the build's ssh agent";
}

// The RUNs from the COPY up to the one that removes `dest`; empty when no
// RUN of the stage removes it.
std::vector<size_t> UsersOf(const State& st, size_t index, const std::string& dest) {
  const auto& all = st.file.instructions;
  std::vector<size_t> users;
  for (size_t j = index + 1; j < all.size() && all[j].stage == all[index].stage; ++j) {
    if (all[j].keyword != "RUN") continue;
    users.push_back(j);
    if (RemovesPath(all[j], dest, HomeAt(st, j))) return users;
  }
  return {};
}

// Why the file cannot leave the users' rm/chmod/chown commands, or "".
std::string TryDrops(const State& st, const Drops& drops, const std::vector<size_t>& users,
                     const MountedFile& file) {
  for (size_t j : users) {
    auto it = drops.find(j);
    std::vector<MountedFile> files = it == drops.end() ? std::vector<MountedFile>() : it->second;
    files.push_back(file);
    OperandDrop od = DropFileOperands(st.file.instructions[j], files, HomeAt(st, j));
    if (!od.error.empty()) {
      return "line " + std::to_string(st.file.instructions[j].start_line) + ": " + od.error;
    }
  }
  return "";
}

void RewriteCopy(State& st, Drops& drops, size_t index, const CopyOf& c) {
  const auto& all = st.file.instructions;
  const Instruction& copy = all[index];
  std::string at = (c.whole_context ? "COPY . sends " : "COPY ") + c.src + " (line " +
                   std::to_string(copy.start_line) + ")";
  auto skip = [&](const std::string& why) {
    st.Skip(copy.start_line, kRuleCopy, at + " left as is: " + why);
  };
  if (!StartsWith(c.dest, "/")) return skip("the destination is relative");
  std::vector<size_t> users = UsersOf(st, index, c.dest);
  if (users.empty()) {
    return skip("no later RUN removes " + c.dest +
                ", so the image may need it at run time (use podman run --secret)");
  }
  for (size_t j : users) {
    if (!IsEditableRun(all[j])) {
      return skip("RUN at line " + std::to_string(all[j].start_line) +
                  " is in exec form or has a heredoc");
    }
  }
  bool named = false;
  bool git = false;
  FileAttrs attrs;
  attrs.mode = ContextMode(st, c.src);
  for (size_t j : users) {
    // A step that writes next to the key (known_hosts) needs its directory,
    // which the mount makes and the agent does not.
    std::string dir = fs::path(c.dest).parent_path().string();
    named = named || NamesPath(all[j], c.dest, c.dest, HomeAt(st, j)) ||
            (dir != "/" && NamesPath(all[j], dir, c.dest, HomeAt(st, j)));
    git = git || UsesGitOrSsh(all[j]);
  }
  bool ssh = c.rule == "credential-file-ssh-key" && git && !named;
  for (size_t j : users) {
    std::string why = ssh ? "" : FileAttrsOf(all[j], c.dest, HomeAt(st, j), attrs);
    if (!why.empty()) return skip("line " + std::to_string(all[j].start_line) + ": " + why);
  }
  MountedFile file{c.dest, !ssh};
  if (std::string why = TryDrops(st, drops, users, file); !why.empty()) return skip(why);
  for (size_t j : users) drops[j].push_back(file);

  std::string id = SecretId(c.src);
  for (size_t j : users) {
    if (ssh) {
      st.Mount(j, "--mount=type=ssh",
               Guard("test -S \"$SSH_AUTH_SOCK\"", "no ssh agent: build with --ssh default"));
    } else {
      st.Mount(j, "--mount=type=secret,id=" + id + ",target=" + c.dest + MountAttrs(attrs),
               Guard("test -s " + c.dest, "secret " + id + " is missing or empty"));
    }
  }
  if (!c.whole_context) st.edits[index].remove = true;
  std::string clean = CleanPath(c.src);
  st.result.ignore_lines.push_back(clean);
  if (ssh) {
    std::string agent = NeedSshAgent(st, clean);
    st.Change(copy.start_line, kRuleSsh, at + " and its rm removed; git/ssh use " + agent);
    return;
  }
  fs::path src = fs::path(st.options.context) / clean;
  st.Need({id, SecretNeed::kFile, src.lexically_normal().string(), std::nullopt, ""});
  st.Change(copy.start_line, kRuleCopy,
            at + (c.whole_context ? ": the rm of " + c.dest + " removed; the file is left "
                                    "out of the build context (ignore file)"
                                  : " and its rm removed") +
                "; mounted as secret " + id + " at " + c.dest +
                (attrs.mode_set ? " with mode " + Octal(attrs.mode) : ""));
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
void RewriteContextCopies(State& st, Drops& drops) {
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
      RewriteCopy(st, drops, i, c);
    }
  }
}

}  // namespace

void RewriteCopiedCredentials(State& st) {
  const auto& all = st.file.instructions;
  Drops drops;
  for (size_t i = 0; i < all.size(); ++i) {
    if (auto c = CredentialCopy(all[i], st.file.escape, st.options.context)) {
      RewriteCopy(st, drops, i, *c);
    }
  }
  RewriteContextCopies(st, drops);
  ApplyDrops(st, drops);
}

}  // namespace safebuild::rewrite
