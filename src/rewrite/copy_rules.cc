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
//
// Which files: each source of a COPY (or of an ADD of a local file, which
// is a copy; an ADD of a tar archive is unpacked, and refused), a glob
// matched against the context; only the credentials leave the COPY, its
// other sources and flags stay (--chown/--chmod move onto the mount). A
// glob that also matches other files stays, and the credential leaves the
// context through the ignore file. Where: a relative destination, and a
// relative path in a RUN, are read under the stage's WORKDIR, worked out
// from the file alone (ENV/ARG values, earlier stages); a base image's own
// WORKDIR is not known, and such a COPY is refused with that reason.
#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <regex>
#include <set>
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
  // The COPY stays and the file leaves the build context instead (ignore
  // file): `COPY . DIR`, or a glob that matches other files too.
  bool whole_context = false;
  std::string via;   // what sent it: "." or the glob, "" for the file itself
  FileAttrs attrs;   // what --chown and --chmod give it
  std::string owner_note;  // why the mount is readable by all, "" if not
};

std::string Basename(const std::string& p) {
  size_t slash = p.find_last_of('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

bool IsGlob(const std::string& w) { return w.find_first_of("*?[") != std::string::npos; }

std::string Line(int line) { return "line " + std::to_string(line); }

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

std::string CredentialRule(const std::string& context, const std::string& src) {
  std::string rule = CredentialFileRule(src);
  if (rule.empty() && HoldsSecret(context, src)) rule = "credential-content";
  return rule;
}

// A tar archive (plain or compressed) that ADD unpacks, by its first bytes
// as buildah tells: gzip, bzip2, xz, zstd, or "ustar" at 257.
bool IsTarArchive(const std::string& context, const std::string& src) {
  std::ifstream in(fs::path(context) / CleanPath(src), std::ios::binary);
  char head[512] = {};
  in.read(head, sizeof head);
  std::string_view h(head, static_cast<size_t>(in.gcount()));
  return StartsWith(h, "\x1f\x8b") || StartsWith(h, "BZh") ||
         StartsWith(h, std::string_view("\xfd" "7zXZ\0", 6)) ||
         StartsWith(h, "\x28\xb5\x2f\xfd") || (h.size() >= 262 && h.substr(257, 5) == "ustar");
}

// The stage's FROM instruction and what it names.
const Instruction* FromOf(const State& st, int stage) {
  for (const auto& ins : st.file.instructions) {
    if (ins.stage == stage && ins.keyword == "FROM") return &ins;
  }
  return nullptr;
}

// ENV and ARG values known at instruction `index` of its stage: literal
// ones, an ARG's from the build's --build-arg or its default.
std::map<std::string, std::string> KnownValues(const State& st, size_t index) {
  std::map<std::string, std::string> values;
  const auto& all = st.file.instructions;
  for (size_t j = 0; j < index; ++j) {
    if (all[j].stage != all[index].stage) continue;
    if (all[j].keyword != "ENV" && all[j].keyword != "ARG") continue;
    for (const auto& kv : SplitKeyValues(all[j], st.file.escape)) {
      auto given = std::find_if(st.options.build_args.begin(), st.options.build_args.end(),
                                [&](const auto& a) { return a.first == kv.key; });
      if (all[j].keyword == "ARG" && given != st.options.build_args.end()) {
        values[kv.key] = given->second;
      } else if (kv.has_value && kv.value.find_first_of("$`") == std::string::npos) {
        values[kv.key] = kv.value;
      } else {
        values.erase(kv.key);
      }
    }
  }
  return values;
}

// `text` with $NAME and ${NAME} of `values` put in; the reason in `why`
// when one has no known value.
std::string Expand(const std::string& text, const std::map<std::string, std::string>& values,
                   std::string& why) {
  static const std::regex kVar(R"(\$(\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)))");
  std::string out;
  size_t last = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), kVar), end; it != end; ++it) {
    std::string name = (*it)[2].matched ? (*it)[2].str() : (*it)[3].str();
    auto v = values.find(name);
    if (v == values.end()) {
      why = "$" + name + " has no value safebuild knows";
      return "";
    }
    out += text.substr(last, static_cast<size_t>(it->position()) - last) + v->second;
    last = static_cast<size_t>(it->position() + it->length());
  }
  out += text.substr(last);
  if (out.find_first_of("$`") != std::string::npos) why = "it holds a $ safebuild cannot read";
  return why.empty() ? out : "";
}

// The working directory before instruction `limit` of `stage`: its
// WORKDIRs over the one its FROM starts with (an earlier stage's; / for
// scratch). "" with the reason in `why` when a base image's is needed.
std::string WorkdirOf(const State& st, int stage, size_t limit, std::string& why) {
  const auto& all = st.file.instructions;
  const Instruction* from = FromOf(st, stage);
  std::string dir;
  std::string unknown;
  if (from != nullptr) {
    std::vector<std::string> words = Split(std::string(Trim(from->args)), ' ');
    std::string base = words.empty() ? "" : words[0];
    int earlier = StageNamed(st.file, base, stage);
    if (earlier >= 0) {
      dir = WorkdirOf(st, earlier, all.size(), why);
      if (dir.empty()) return "";
    } else if (base == "scratch") {
      dir = "/";
    } else {
      unknown = "the WORKDIR of base image " + base + " (" + Line(from->start_line) +
                ") is not known";
    }
  }
  for (size_t j = 0; j < limit && j < all.size(); ++j) {
    if (all[j].stage != stage || all[j].keyword != "WORKDIR") continue;
    std::string expand_why;
    std::string next = Expand(std::string(Trim(all[j].args)), KnownValues(st, j), expand_why);
    if (!expand_why.empty()) {
      why = "WORKDIR at " + Line(all[j].start_line) + ": " + expand_why;
      return "";
    }
    if (StartsWith(next, "/")) {
      dir = next;
    } else if (!dir.empty()) {
      dir += "/" + next;
    }
  }
  if (dir.empty()) why = unknown;
  return dir.empty() ? "" : CleanPath(dir);
}

}  // namespace

std::string WorkdirAt(const State& st, size_t index, std::string& why) {
  return WorkdirOf(st, st.file.instructions[index].stage, index, why);
}

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

namespace {

RunDirs DirsAt(const State& st, size_t index) {
  std::string why;
  return {HomeAt(st, index), WorkdirAt(st, index, why)};
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

// The secret id for context file `src`: its name, made unique when another
// file of the same name is already a secret.
std::string SecretId(const State& st, const std::string& src, const std::string& path) {
  std::string base;
  for (char c : Basename(src)) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' ||
              c == '.';
    base += ok ? c : '_';
  }
  while (!base.empty() && base.front() == '.') base.erase(0, 1);
  if (base.empty()) base = "credential";
  std::string id = base;
  auto taken = [&](const std::string& name) {
    return std::any_of(st.result.secrets.begin(), st.result.secrets.end(),
                       [&](const SecretNeed& n) { return n.id == name && n.source != path; });
  };
  for (int n = 2; taken(id); ++n) id = base + "_" + std::to_string(n);
  return id;
}

std::string Guard(const std::string& test, const std::string& what) {
  return test + " || { echo '" + what + "' >&2; exit 1; }; ";
}

// The copied files each RUN loses (as mounts or not at all). The rm, chmod
// and chown edits are made once every COPY is known: a command whose every
// operand goes is dropped whole.
using Drops = std::map<size_t, std::vector<MountedFile>>;

void ApplyDrops(State& st, const Drops& drops) {
  for (const auto& [j, files] : drops) {
    const Instruction& run = st.file.instructions[j];
    OperandDrop od = DropFileOperands(run, files, DirsAt(st, j));
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

// The build's agent: one podman loads from the key files itself when it
// can (`--ssh default=KEY1,KEY2`: ssh tries each key of the agent), else
// the user's own (`--ssh default`). Returns what serves the key.
std::string NeedSshAgent(State& st, const std::string& clean) {
  fs::path key = (fs::absolute(st.options.context) / clean).lexically_normal();
  auto have = std::find_if(st.result.secrets.begin(), st.result.secrets.end(),
                           [](const SecretNeed& n) { return n.kind == SecretNeed::kSsh; });
  bool loadable = LoadableKey(key);
  bool first = have == st.result.secrets.end();
  bool served = loadable && (first || have->source != "default");
  if (first) {
    st.Need({"default", SecretNeed::kSsh, loadable ? "default=" + key.string() : "default",
             std::nullopt, ""});
  } else if (!loadable) {
    have->source = "default";
  } else if (("," + have->source.substr(8) + ",").find("," + key.string() + ",") ==
             std::string::npos) {
    have->source += "," + key.string();
  }
  if (served) return "an agent podman loads from " + clean;
  st.Advise("load the keys into an agent before the build: eval \"$(ssh-agent)\" && "
            "ssh-add KEY (each key the build copied)");
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
    if (RemovesPath(all[j], dest, DirsAt(st, j))) return users;
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
    OperandDrop od = DropFileOperands(st.file.instructions[j], files, DirsAt(st, j));
    if (!od.error.empty()) return Line(st.file.instructions[j].start_line) + ": " + od.error;
  }
  return "";
}

bool Under(const std::string& dir, const std::string& path) {
  return !path.empty() && (path == dir || StartsWith(path, dir + "/"));
}

// Does instruction `j` (not the COPY of `dest` itself) put or name
// anything under `dir` but `dest`?
bool OtherUnder(const State& st, size_t j, const std::string& dir, const std::string& dest) {
  const Instruction& ins = st.file.instructions[j];
  if (ins.keyword == "RUN") return NamesOtherUnder(ins, dir, dest, DirsAt(st, j));
  if (ins.keyword != "COPY" && ins.keyword != "ADD" && ins.keyword != "WORKDIR") return false;
  if (ins.args.find(dir) == std::string::npos) return false;
  // Another credential copied there becomes a mount as well.
  std::vector<RawWord> raw = SplitWords(ins.args, st.file.escape);
  for (size_t k = 0; ins.keyword != "WORKDIR" && k + 1 < raw.size(); ++k) {
    std::string src = ins.args.substr(raw[k].begin, raw[k].end - raw[k].begin);
    if (CredentialRule(st.options.context, src).empty()) return true;
  }
  return ins.keyword == "WORKDIR" || raw.size() < 2;
}

// The highest directory above `dest` that looks made only to hold it
// (/root/.docker for /root/.docker/config.json): not a system directory,
// not the home or the working directory or above them, and no other path
// under it in any COPY, ADD, WORKDIR or RUN of the stage. "" when none.
std::string Holder(const State& st, size_t index, const std::string& dest) {
  static const std::set<std::string> kSystem = {
      "/bin", "/boot", "/dev", "/etc",  "/home", "/lib", "/lib64", "/media", "/mnt", "/opt",
      "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp",   "/usr",   "/var"};
  const auto& all = st.file.instructions;
  RunDirs dirs = DirsAt(st, index);
  std::string holder;
  for (fs::path d = fs::path(dest).parent_path(); d.has_relative_path(); d = d.parent_path()) {
    std::string dir = d.string();
    if (kSystem.count(dir) || Under(dir, dirs.home) || Under(dir, dirs.cwd)) break;
    bool other = false;
    for (size_t j = 0; j < all.size() && !other; ++j) {
      other = j != index && all[j].stage == all[index].stage && OtherUnder(st, j, dir, dest);
    }
    if (other) break;
    holder = dir;
  }
  return holder;
}

// Mounts the credential `c` on the RUNs that use it up to its rm, or says
// why not. True when the file no longer needs copying.
bool RewriteCopy(State& st, Drops& drops, size_t index, const CopyOf& c) {
  const auto& all = st.file.instructions;
  const Instruction& copy = all[index];
  std::string at = copy.keyword + " " + (c.via.empty() ? "" : c.via + " sends ") + c.src +
                   " (" + Line(copy.start_line) + ")";
  auto skip = [&](const std::string& why) {
    st.Skip(copy.start_line, kRuleCopy, at + " left as is: " + why);
    return false;
  };
  std::vector<size_t> users = UsersOf(st, index, c.dest);
  if (users.empty()) {
    return skip("no later RUN removes " + c.dest +
                ", so the image may need it at run time (use podman run --secret)");
  }
  for (size_t j : users) {
    // An exec-form RUN between takes the mount as any RUN does (its argv
    // runs through /bin/sh -c '… exec "$@"'); the one whose rm is dropped
    // must be a shell command.
    const bool between = j != users.back() && all[j].keyword == "RUN" &&
                         all[j].Effective() == "RUN" && all[j].heredocs.empty();
    if (!IsEditableRun(all[j]) && !between) {
      return skip("RUN at " + Line(all[j].start_line) + " is in exec form or has a heredoc");
    }
  }
  bool named = false;
  bool git = false;
  FileAttrs attrs = c.attrs;
  for (size_t j : users) {
    // A step that writes next to the key (known_hosts) needs its directory,
    // which the mount makes and the agent does not.
    std::string dir = fs::path(c.dest).parent_path().string();
    RunDirs dirs = DirsAt(st, j);
    named = named || NamesPath(all[j], c.dest, c.dest, dirs) ||
            (dir != "/" && NamesPath(all[j], dir, c.dest, dirs));
    git = git || UsesGitOrSsh(all[j]);
  }
  bool ssh = c.rule == "credential-file-ssh-key" && git && !named;
  for (size_t j : users) {
    std::string why = ssh ? "" : FileAttrsOf(all[j], c.dest, DirsAt(st, j), attrs);
    if (!why.empty()) return skip(Line(all[j].start_line) + ": " + why);
  }
  MountedFile file{c.dest, !ssh, Holder(st, index, c.dest)};
  if (std::string why = TryDrops(st, drops, users, file); !why.empty()) return skip(why);
  for (size_t j : users) drops[j].push_back(file);

  std::string clean = CleanPath(c.src);
  fs::path src = (fs::path(st.options.context) / clean).lexically_normal();
  std::string id = SecretId(st, c.src, src.string());
  for (size_t j : users) {
    if (ssh) {
      st.Mount(j, "--mount=type=ssh",
               Guard("test -S \"$SSH_AUTH_SOCK\"", "no ssh agent: build with --ssh default"));
    } else {
      st.Mount(j, "--mount=type=secret,id=" + id + ",target=" + c.dest + MountAttrs(attrs),
               Guard("test -s " + c.dest, "secret " + id + " is missing or empty"));
    }
  }
  st.result.ignore_lines.push_back(clean);
  if (ssh) {
    std::string agent = NeedSshAgent(st, clean);
    st.Change(copy.start_line, kRuleSsh, at + " and its rm removed; git/ssh use " + agent);
    return true;
  }
  st.Need({id, SecretNeed::kFile, src.string(), std::nullopt, ""});
  std::string what = c.whole_context ? ": the rm of " + c.dest + " removed; the file is left "
                                       "out of the build context (ignore file)"
                                     : " and its rm removed";
  st.Change(copy.start_line, kRuleCopy,
            at + what + "; mounted as secret " + id + " at " + c.dest +
                (attrs.mode_set ? " with mode " + Octal(attrs.mode) : "") + c.owner_note);
  return true;
}

// A COPY or ADD as the rewrite reads it.
struct CopySpec {
  std::vector<std::string> sources;  // unquoted
  std::vector<RawWord> raw;          // each source's bytes in args
  std::string dest;                  // as written, unquoted
  RawWord dest_raw;
  FileAttrs attrs;
  std::string owner_note;
};

// The context files that glob `pattern` matches (only its last part may
// be a glob), as buildah sends them: the ignore file applied.
std::vector<std::string> GlobMatches(const std::string& context, const std::string& pattern) {
  std::string clean = CleanPath(pattern);
  size_t slash = clean.find_last_of('/');
  std::string dir = slash == std::string::npos ? "" : clean.substr(0, slash);
  std::string base = slash == std::string::npos ? clean : clean.substr(slash + 1);
  std::vector<std::string> out;
  std::error_code ec;
  std::string ignore_name;
  IgnoreRules ignore = IgnoreRules::Load(context, &ignore_name);
  for (const auto& e : fs::directory_iterator(fs::path(context) / dir, ec)) {
    std::string name = e.path().filename().string();
    std::string rel = dir.empty() ? name : dir + "/" + name;
    if (fnmatch(base.c_str(), name.c_str(), 0) == 0 && !ignore.Excludes(rel)) out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// --chown and --chmod onto the mount; the reason when a flag is one the
// rewrite does not know.
std::string ReadFlags(const Instruction& ins, CopySpec& spec) {
  for (const auto& f : ins.flags) {
    if (f.name == "chmod") {
      auto mode = ApplyChmod(f.value, 0644);
      if (!mode) return "--chmod=" + f.value + " is not a mode safebuild can work out";
      spec.attrs.mode = *mode;
      spec.attrs.mode_set = true;
    } else if (f.name == "chown") {
      FileAttrs owner;
      if (ApplyChown(f.value, owner).empty()) {
        spec.attrs.uid = owner.uid;
        spec.attrs.gid = owner.gid;
        continue;
      }
      spec.owner_note = " (readable by all: the uid of --chown=" + f.value + " is not known)";
    } else if (f.name != "link") {
      return "its flag --" + f.name + " is not one safebuild rewrites";
    }
  }
  // A name's uid is only in the image's /etc/passwd: the mount is readable
  // by all, which is only the step's own processes.
  if (!spec.owner_note.empty()) {
    spec.attrs.mode = 0444;
    spec.attrs.mode_set = true;
  }
  return "";
}

// Is `dest` (as written) a directory the file goes into?
bool DestIsDir(const std::string& dest, size_t sources, const std::string& abs,
               const RunDirs& dirs) {
  return sources > 1 || EndsWith(dest, "/") || dest == "." || dest == ".." ||
         EndsWith(dest, "/.") || abs == "/" || abs == "/root" || abs == "/tmp" ||
         (!abs.empty() && (abs == dirs.home || abs == dirs.cwd));
}

// Cuts the sources of COPY `index` that now are mounts; the whole COPY
// goes when none is left.
void DropSources(State& st, size_t index, const CopySpec& spec, const std::vector<bool>& gone) {
  InstructionEdit& e = st.edits[index];
  if (std::all_of(gone.begin(), gone.end(), [](bool g) { return g; })) {
    e.remove = true;
    return;
  }
  const Instruction& ins = st.file.instructions[index];
  for (size_t k = 0; k < gone.size(); ++k) {
    if (!gone[k]) continue;
    // The word and the blanks after it, up to the next word (there is
    // always one: the destination); the word alone when that is on
    // another line.
    size_t next = k + 1 < spec.raw.size() ? spec.raw[k + 1].begin : spec.dest_raw.begin;
    SourcePos from = ins.PosOf(spec.raw[k].begin);
    SourcePos to = ins.PosOf(next);
    if (to.line != from.line) to = ins.PosOf(spec.raw[k].end);
    size_t length = to.line == from.line ? static_cast<size_t>(to.column - from.column) : 0;
    if (length > 0) e.cuts.push_back({from.line, from.column, length, ""});
  }
  // With one source left, a directory must end in "/" to stay one.
  bool one_left = std::count(gone.begin(), gone.end(), false) == 1;
  if (one_left && !DestIsDir(spec.dest, 1, "", {}) && !spec.dest.empty()) {
    SourcePos end = ins.PosOf(spec.dest_raw.end);
    e.cuts.push_back({end.line, end.column, 0, "/"});
  }
}

// Reads COPY/ADD `ins`; the reason when its credentials cannot be taken
// out (or "" with no sources when it is no COPY of context files).
std::string ReadCopy(const State& st, const Instruction& ins, CopySpec& spec) {
  if ((ins.keyword != "COPY" && ins.keyword != "ADD") || !ins.heredocs.empty()) return "";
  std::vector<std::string> words;
  if (ins.exec_form) {
    words = ins.exec;
  } else {
    std::vector<RawWord> raw = SplitWords(ins.args, st.file.escape);
    for (const RawWord& w : raw) {
      words.push_back(UnquoteWord(std::string_view(ins.args).substr(w.begin, w.end - w.begin),
                                  st.file.escape)
                          .text);
    }
    if (!raw.empty()) spec.raw.assign(raw.begin(), raw.end() - 1);
    if (!raw.empty()) spec.dest_raw = raw.back();
  }
  if (words.size() < 2) return "";
  spec.sources.assign(words.begin(), words.end() - 1);
  spec.dest = words.back();
  for (const auto& f : ins.flags) {
    if (f.name == "from") {
      return "it copies from " + f.value + ", not from the build context: mount the "
             "credential in the stage that uses it";
    }
  }
  if (ins.exec_form) return "it is in JSON form";
  return ReadFlags(ins, spec);
}

// The credential files that source `k` of `spec` sends; `whole` set when
// it sends other files too (a glob): then the source stays.
// `dest` is where the file lands ("" when not known), which may name a
// credential file (/root/.docker/config.json) that its source does not.
std::vector<CopyOf> CredentialsOf(const State& st, const Instruction& ins,
                                  const CopySpec& spec, size_t k, const std::string& dest,
                                  bool into_dir, bool& whole, std::string& why) {
  const std::string& src = spec.sources[k];
  const std::string& context = st.options.context;
  std::vector<CopyOf> out;
  whole = false;
  if (src.find("://") != std::string::npos || StartsWith(src, "git@")) return out;
  std::vector<std::string> files = IsGlob(src) ? GlobMatches(context, src)
                                               : std::vector<std::string>{src};
  for (const std::string& f : files) {
    std::string to = dest.empty() ? "" : into_dir ? CleanPath(dest + "/" + Basename(f)) : dest;
    std::string rule = CredentialFileRule(f);
    if (rule.empty() && !to.empty()) rule = CredentialFileRule(to);
    if (rule.empty()) rule = CredentialRule(context, f);
    if (ins.keyword == "ADD" && IsTarArchive(context, f)) {
      why = "ADD unpacks the archive " + f + "; a file unpacked from it cannot become a secret "
            "mount (COPY the credential on its own, or RUN --mount=type=secret,id=X,target="
            "/tmp/" + Basename(f) + " and unpack it there)";
      continue;
    }
    if (rule.empty()) {
      whole = true;
      continue;
    }
    CopyOf c;
    c.src = f;
    c.dest = to;
    c.rule = rule;
    c.via = IsGlob(src) ? src : "";
    c.attrs = spec.attrs;
    if (!c.attrs.mode_set) c.attrs.mode = ContextMode(st, f);
    c.owner_note = spec.owner_note;
    out.push_back(c);
  }
  if (!IsGlob(src)) whole = false;
  for (auto& c : out) c.whole_context = whole;
  return out;
}

// A COPY (or ADD of a local file, which copies it) of credential files:
// each one used, then removed, by later RUNs becomes a mount there and
// leaves the COPY; the other sources stay.
void RewriteCopyInstruction(State& st, Drops& drops, size_t index) {
  const Instruction& ins = st.file.instructions[index];
  CopySpec spec;
  std::string why = ReadCopy(st, ins, spec);
  if (spec.sources.empty()) return;
  std::vector<bool> gone(spec.sources.size(), false);
  bool any = false;
  std::string where;
  std::string dest_why;
  std::string dest_abs;
  RunDirs dirs = DirsAt(st, index);
  if (StartsWith(spec.dest, "/")) {
    dest_abs = CleanPath(spec.dest);
  } else if (!spec.dest.empty()) {
    std::string cwd = WorkdirAt(st, index, dest_why);
    if (!cwd.empty()) dest_abs = CleanPath(cwd + "/" + spec.dest);
  }
  bool into_dir = DestIsDir(spec.dest, spec.sources.size(), dest_abs, dirs);
  for (size_t k = 0; k < spec.sources.size(); ++k) {
    bool whole = false;
    std::string src_why;
    std::vector<CopyOf> creds =
        CredentialsOf(st, ins, spec, k, dest_abs, into_dir, whole, src_why);
    if (!src_why.empty()) {
      st.Skip(ins.start_line, kRuleCopy, ins.keyword + " " + spec.sources[k] + " (" +
                                             Line(ins.start_line) + ") left as is: " + src_why);
    }
    if (creds.empty()) continue;
    any = true;
    bool all_moved = true;
    for (CopyOf& c : creds) {
      std::string at = ins.keyword + " " + c.src + " (" + Line(ins.start_line) + ")";
      if (!why.empty() || dest_abs.empty()) {
        std::string reason = !why.empty() ? why
                                          : "its destination " + spec.dest +
                                                " is relative and " + dest_why;
        st.Skip(ins.start_line, kRuleCopy, at + " left as is: " + reason);
        all_moved = false;
        continue;
      }
      all_moved = RewriteCopy(st, drops, index, c) && all_moved;
    }
    gone[k] = all_moved && !whole;
  }
  if (any && std::any_of(gone.begin(), gone.end(), [](bool g) { return g; })) {
    DropSources(st, index, spec, gone);
  }
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
      std::string why;
      std::string cwd = StartsWith(dest, "/") ? "/" : WorkdirAt(st, i, why);
      CopyOf c;
      c.src = rel;
      c.rule = CredentialFileRule(rel);
      c.whole_context = true;
      c.via = ".";
      c.attrs.mode = ContextMode(st, rel);
      if (cwd.empty()) {
        st.Skip(ins.start_line, kRuleCopy, "COPY . sends " + rel + " (" +
                                               Line(ins.start_line) + ") left as is: its "
                                               "destination " + dest + " is relative and " + why);
        continue;
      }
      c.dest = CleanPath(cwd + "/" + dest + "/" + rel);
      RewriteCopy(st, drops, i, c);
    }
  }
}

}  // namespace

void RewriteCopiedCredentials(State& st) {
  const auto& all = st.file.instructions;
  Drops drops;
  for (size_t i = 0; i < all.size(); ++i) {
    bool context = all[i].keyword == "COPY" && all[i].flags.empty() &&
                   (StartsWith(all[i].args, ". ") || StartsWith(all[i].args, "./ "));
    if (!context) RewriteCopyInstruction(st, drops, i);
  }
  RewriteContextCopies(st, drops);
  ApplyDrops(st, drops);
}

}  // namespace safebuild::rewrite
