// Rules on what RUN (and ADD) commands do with credentials: pass them to a
// download (URL user info, curl -u, wget --password, an Authorization
// header), copy a mounted secret into the image, or write a credential file
// that then stays in the layer. Commands come from a small shell lexer; the
// detector's matches inside them are claimed so that each secret is reported
// once, by the most specific rule.
#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <optional>
#include <unordered_map>
#include <utility>

#include "containerfile/lint_internal.h"
#include "containerfile/secret_names.h"
#include "containerfile/shell_lex.h"
#include "util/text.h"

namespace safebuild::lint {
namespace {

constexpr std::string_view kCredsFix =
    "mount the credentials with RUN --mount=type=secret,id=creds and read "
    "them from /run/secrets/creds (curl -K, wget --config, a .netrc target)";

constexpr std::array<std::string_view, 11> kAuthHeaders = {
    "authorization",  "proxy-authorization", "private-token",  "job-token",
    "deploy-token",   "x-api-key",           "api-key",        "x-auth-token",
    "x-access-token", "x-vault-token",       "x-jfrog-art-api"};

bool IsShell(std::string_view w) {
  size_t slash = w.rfind('/');
  std::string_view base =
      slash == std::string_view::npos ? w : w.substr(slash + 1);
  return base == "sh" || base == "bash" || base == "ash" || base == "dash" ||
         base == "zsh";
}

// The commands of an instruction: its script, `sh -c` script, exec words or
// RUN heredoc bodies.
std::vector<ShellCommand> Commands(const Instruction& ins) {
  std::vector<ShellCommand> out;
  int pipelines = 0;  // numbered across all scripts of the instruction
  auto add = [&](const Segment& script) {
    int base = pipelines;
    for (ShellCommand& c : LexCommands(script)) {
      c.pipeline += base;
      pipelines = std::max(pipelines, c.pipeline + 1);
      out.push_back(std::move(c));
    }
  };
  if (!ins.exec_form) {
    add(ArgsSegment(ins));
  } else if (!ins.exec.empty() && IsShell(ins.exec[0])) {
    for (size_t k = 1; k + 1 < ins.exec.size(); ++k) {
      if (ins.exec[k] == "-c") add(ExecSegment(ins, k + 1));
    }
  } else if (!ins.exec.empty()) {
    ShellCommand c;
    for (size_t k = 0; k < ins.exec.size(); ++k) {
      c.words.push_back(ExecSegment(ins, k));
    }
    c.pos = ins.PosOf(0);
    out.push_back(std::move(c));
  }
  if (ins.Effective() == "RUN") {
    for (const Heredoc& h : ins.heredocs) add(HeredocSegment(h));
  }
  return out;
}

class CommandRules {
 public:
  CommandRules(const Instruction& ins, std::vector<ScannedText>& scanned,
               FindingSink& sink)
      : ins_(ins),
        scanned_(scanned),
        sink_(sink),
        keyword_(DisplayKeyword(ins)) {}

  void Run(std::vector<ShellCommand> commands);

 private:
  void Downloads(const ShellCommand& cmd);
  void UrlUserInfo(const Segment& word);
  void Credential(std::string_view rule, const Segment& cred,
                  const std::string& what);
  void IndexCommands();
  bool RemovedLater(size_t i, std::string_view written) const;
  bool PipelineRefersTo(size_t target, int pipeline) const;
  void SecretMountCopies();
  void CredentialWrites(size_t i);

  const Instruction& ins_;
  std::vector<ScannedText>& scanned_;
  FindingSink& sink_;
  std::string keyword_;
  std::vector<ShellCommand> commands_;
  std::vector<std::string> mounts_;  // targets of secret mounts
  // Per mount target, per pipeline: does the pipeline name the target?
  std::vector<std::vector<char>> refers_;
  // The last command that removes each path ("~/" for the home directory).
  std::unordered_map<std::string, size_t> removed_at_;
};

// The variable `text` is: "$NAME", "${NAME}" or "${NAME…}", else "".
std::string VariableName(std::string_view text) {
  size_t at = text.starts_with("${") ? 2 : text.starts_with("$") ? 1 : 0;
  if (at == 0) return "";
  size_t end = at;
  while (end < text.size() &&
         (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '_')) {
    ++end;
  }
  return std::string(text.substr(at, end - at));
}

// Does the instruction set `name` from a secret mount: `env=NAME` on the
// mount, or `NAME="$(cat /run/secrets/…)"` in its script (the rewrite's
// own prelude)? Then the value is no build variable.
bool SetFromSecretMount(const Instruction& ins, const std::string& name) {
  if (name.empty()) return false;
  for (const auto& f : ins.flags) {
    if (f.name != "mount" || f.value.find("type=secret") == std::string::npos) continue;
    for (const auto& part : Split(f.value, ',')) {
      if (part == "env=" + name) return true;
    }
  }
  for (const char* form : {"=\"$(cat /run/secrets/", "=$(cat /run/secrets/"}) {
    std::string assign = name + form;
    for (size_t at = ins.args.find(assign); at != std::string::npos;
         at = ins.args.find(assign, at + 1)) {
      bool word_start = at == 0 || std::string_view(" \t;&|(").find(ins.args[at - 1]) !=
                                       std::string_view::npos;
      if (word_start) return true;
    }
  }
  return false;
}

// A credential handed to a download: low when it comes from a variable,
// else as serious as the detector says.
void CommandRules::Credential(std::string_view rule, const Segment& cred,
                              const std::string& what) {
  if (cred.text.empty()) return;
  if (IsVariableReference(cred.text) && SetFromSecretMount(ins_, VariableName(cred.text))) {
    return;
  }
  if (IsVariableReference(cred.text)) {
    sink_.Add("download-credentials-from-variable", Severity::kLow,
              cred.PosOf(0),
              keyword_ + " passes " + what +
                  " from a build variable; ARG and ENV values "
                  "are stored in the image",
              std::string(kCredsFix));
    return;
  }
  if (IsPlaceholder(cred.text)) return;
  std::optional<SecretSpan> s = ClaimMatch(scanned_, cred);
  if (!s && sink_.detector().LooksLikeSecret(cred.text)) {
    s = SpanOfValue(kHighEntropyRule, Severity::kHigh, cred);
  }
  std::string message = keyword_ + " passes " + what;
  if (s) {
    message += " that is a secret (" + s->rule + ")";
  } else {
    s = SpanOfValue(rule, Severity::kMedium, cred);
    message += " as a literal";
  }
  sink_.AddSecret(rule, *s,
                  message + "; the command is recorded in the image history",
                  std::string(kCredsFix));
}

// "scheme://user:password@host": the password, or a token used as user.
void CommandRules::UrlUserInfo(const Segment& word) {
  const std::string& w = word.text;
  for (size_t scheme = w.find("://"); scheme != std::string::npos;
       scheme = w.find("://", scheme + 3)) {
    size_t begin = scheme + 3;
    size_t end = w.find_first_of("/?# \t", begin);
    if (end == std::string::npos) end = w.size();
    size_t at = w.rfind('@', end == 0 ? 0 : end - 1);
    if (at == std::string::npos || at < begin) continue;
    size_t colon = w.find(':', begin);
    if (colon != std::string::npos && colon < at) {
      Credential("url-credentials", word.Sub(colon + 1, at - colon - 1),
                 "a password in a URL");
      continue;
    }
    Segment user = word.Sub(begin, at - begin);
    if (IsVariableReference(user.text) ||
        sink_.detector().LooksLikeSecret(user.text)) {
      Credential("url-credentials", user, "a token in a URL");
    }
  }
}

// The value of option `opt` at words[j]: "-u X", "-uX", "--user=X".
std::optional<Segment> OptionValue(const std::vector<Segment>& words, size_t j,
                                   std::string_view opt) {
  const std::string& w = words[j].text;
  if (w == opt) {
    if (j + 1 < words.size()) return words[j + 1];
    return std::nullopt;
  }
  if (StartsWith(opt, "--") && StartsWith(w, std::string(opt) + "=")) {
    return words[j].Sub(opt.size() + 1, w.size());
  }
  if (!StartsWith(opt, "--") && w.size() > opt.size() && StartsWith(w, opt)) {
    return words[j].Sub(opt.size(), w.size());
  }
  return std::nullopt;
}

// "Authorization: Bearer X" → X when the header carries credentials.
std::optional<Segment> HeaderCredential(const Segment& header) {
  const std::string& h = header.text;
  size_t colon = h.find(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string name = ToLower(Trim(std::string_view(h).substr(0, colon)));
  if (std::find(kAuthHeaders.begin(), kAuthHeaders.end(), name) ==
      kAuthHeaders.end()) {
    return std::nullopt;
  }
  size_t v = h.find_first_not_of(" \t", colon + 1);
  if (v == std::string::npos) return std::nullopt;
  size_t space = h.find(' ', v);
  // "Bearer X", "token X", "Basic X": the credential follows the scheme.
  if (space != std::string::npos) v = h.find_first_not_of(' ', space);
  if (v == std::string::npos) return std::nullopt;
  size_t end = h.find_last_not_of(" \t");
  return header.Sub(v, end + 1 - v);
}

void CommandRules::Downloads(const ShellCommand& cmd) {
  const std::string name = cmd.Name();
  const std::vector<Segment>& words = cmd.words;
  for (size_t j = 0; j < words.size(); ++j) {
    UrlUserInfo(words[j]);
    for (std::string_view opt : {"-H", "--header"}) {
      std::optional<Segment> header = OptionValue(words, j, opt);
      std::optional<Segment> cred =
          header ? HeaderCredential(*header) : std::nullopt;
      if (cred) {
        Credential("auth-header", *cred, "a credential in an HTTP header");
      }
    }
    if (name == "curl") {
      for (std::string_view opt : {"-u", "--user", "-U", "--proxy-user"}) {
        std::optional<Segment> v = OptionValue(words, j, opt);
        size_t colon = v ? v->text.find(':') : std::string::npos;
        if (colon != std::string::npos) {
          Credential("url-credentials", v->Sub(colon + 1, v->text.size()),
                     "a password to curl " + std::string(opt));
        }
      }
    }
    if (name == "wget") {
      for (std::string_view opt :
           {"--password", "--http-password", "--ftp-password",
            "--proxy-password", "--http-passwd"}) {
        std::optional<Segment> v = OptionValue(words, j, opt);
        if (v) {
          Credential("url-credentials", *v,
                     "a password to wget " + std::string(opt));
        }
      }
    }
  }
}

// Targets of `--mount=type=secret,…` flags: target=, else /run/secrets/<id>.
std::vector<std::string> SecretMounts(const Instruction& ins) {
  std::vector<std::string> out;
  for (const InstructionFlag& f : ins.flags) {
    if (f.name != "mount") continue;
    std::string type, id, target;
    for (const std::string& field : Split(f.value, ',')) {
      size_t eq = field.find('=');
      std::string k = ToLower(Trim(std::string_view(field).substr(0, eq)));
      std::string v = eq == std::string::npos ? "" : field.substr(eq + 1);
      if (k == "type") type = v;
      if (k == "id") id = v;
      if (k == "target" || k == "dst" || k == "destination") target = v;
    }
    if (type != "secret") continue;
    if (target.empty() && !id.empty()) target = "/run/secrets/" + id;
    if (!target.empty()) out.push_back(target);
  }
  return out;
}

// True when `word` names the mounted file or the /run/secrets directory.
bool RefersTo(std::string_view word, const std::string& target) {
  for (size_t at = word.find(target); at != std::string_view::npos;
       at = word.find(target, at + 1)) {
    size_t end = at + target.size();
    if (end == word.size()) return true;
    unsigned char c = static_cast<unsigned char>(word[end]);
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '.') return true;
  }
  if (StartsWith(target, "/run/secrets/")) {
    std::string_view w = word;
    while (w.size() > 1 && w.back() == '/') w.remove_suffix(1);
    return w == "/run/secrets";
  }
  return false;
}

bool IsDevice(std::string_view path) { return StartsWith(path, "/dev/"); }

bool IsWriteRedirect(std::string_view op) {
  return op == ">" || op == ">>" || op == ">|" || op == "&>";
}

std::vector<std::string_view> Operands(const ShellCommand& cmd) {
  std::vector<std::string_view> out;
  for (size_t j = cmd.NameIndex() + 1; j < cmd.words.size(); ++j) {
    if (!StartsWith(cmd.words[j].text, "-")) out.push_back(cmd.words[j].text);
  }
  return out;
}

// Files a command writes what it reads: cp/install/rsync/mv destinations,
// tee and dd outputs, redirections.
std::vector<std::string> WrittenFiles(const ShellCommand& cmd) {
  std::vector<std::string> out;
  const std::string name = cmd.Name();
  std::vector<std::string_view> ops = Operands(cmd);
  if ((name == "cp" || name == "install" || name == "rsync" || name == "mv") &&
      ops.size() >= 2) {
    out.emplace_back(ops.back());
  }
  if (name == "tee") out.assign(ops.begin(), ops.end());
  if (name == "dd") {
    for (std::string_view w : ops) {
      if (StartsWith(w, "of=")) out.emplace_back(w.substr(3));
    }
  }
  for (const ShellRedirect& r : cmd.redirects) {
    if (IsWriteRedirect(r.op)) out.push_back(r.target.text);
  }
  std::erase_if(out, [](const std::string& f) { return IsDevice(f); });
  return out;
}

// "$HOME/x", "${HOME}/x", "/root/x" → "~/x": builds run as root.
std::string HomeRelative(std::string_view path) {
  for (std::string_view home : {"$HOME/", "${HOME}/", "/root/"}) {
    if (StartsWith(path, home)) {
      return "~/" + std::string(path.substr(home.size()));
    }
  }
  return std::string(path);
}

// Indexes what the rules ask about every command, so that they stay
// linear however many commands a hostile RUN holds.
void CommandRules::IndexCommands() {
  size_t pipelines = 0;
  for (const ShellCommand& c : commands_) {
    pipelines = std::max(pipelines, static_cast<size_t>(c.pipeline) + 1);
  }
  refers_.assign(mounts_.size(), std::vector<char>(pipelines, 0));
  for (size_t k = 0; k < commands_.size(); ++k) {
    const ShellCommand& c = commands_[k];
    for (size_t t = 0; t < mounts_.size(); ++t) {
      bool hit = false;
      for (const Segment& w : c.words) {
        hit = hit || RefersTo(w.text, mounts_[t]);
      }
      for (const ShellRedirect& r : c.redirects) {
        hit = hit || RefersTo(r.target.text, mounts_[t]);
      }
      if (hit) refers_[t][static_cast<size_t>(c.pipeline)] = 1;
    }
    std::string name = c.Name();
    if (name != "rm" && name != "shred" && name != "unlink") continue;
    for (std::string_view w : Operands(c)) removed_at_[HomeRelative(w)] = k;
  }
}

// A later `rm` of the file (or a directory holding it) in the same RUN.
bool CommandRules::RemovedLater(size_t i, std::string_view written) const {
  std::string path = HomeRelative(written);
  while (!path.empty()) {
    auto it = removed_at_.find(path);
    if (it != removed_at_.end() && it->second > i) return true;
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) break;
    path.resize(slash);
  }
  return false;
}

bool CommandRules::PipelineRefersTo(size_t target, int pipeline) const {
  return refers_[target][static_cast<size_t>(pipeline)] != 0;
}

// How the secret mounted at a path reaches a command: it names the file
// (`cat /run/secrets/x`, `< /run/secrets/x`), or holds its value, read by a
// command substitution that prints it (`"$(cat /run/secrets/x)"`).
struct SecretFlow {
  bool path = false;
  bool value = false;
};

constexpr int kMaxSubstitutionDepth = 8;

bool PrintsSecret(const ShellCommand& cmd, const std::string& target, bool from_stdin,
                  int depth);

// Does the script of a command substitution print the secret?
bool ScriptPrintsSecret(const Segment& script, const std::string& target, int depth) {
  if (depth > kMaxSubstitutionDepth) return true;  // too deep to tell: it may
  std::vector<ShellCommand> commands = LexCommands(script);
  bool flowing = false;  // does the pipe into the command carry it?
  for (size_t i = 0; i < commands.size(); ++i) {
    bool piped = i > 0 && commands[i].pipeline == commands[i - 1].pipeline;
    flowing = PrintsSecret(commands[i], target, piped && flowing, depth);
    // What a pipeline prints is what its last command prints.
    bool last = i + 1 == commands.size() || commands[i + 1].pipeline != commands[i].pipeline;
    if (flowing && last) return true;
  }
  return false;
}

// The closing byte of the substitution that opens at `open` of `w` ("$("
// or "`"); w.size() when it does not close.
size_t SubstitutionClose(std::string_view w, size_t open) {
  if (w[open] == '`') return std::min(w.find('`', open + 1), w.size());
  int depth = 0;
  for (size_t i = open + 1; i < w.size(); ++i) {
    if (w[i] == '(') ++depth;
    if (w[i] == ')' && --depth == 0) return i;
  }
  return w.size();
}

SecretFlow WordFlow(const Segment& word, const std::string& target, int depth) {
  SecretFlow flow;
  const std::string& w = word.text;
  std::string outside;  // the word without its substitutions
  for (size_t i = 0; i < w.size();) {
    size_t open = w.compare(i, 2, "$(") == 0 ? 2 : w[i] == '`' ? 1 : 0;
    if (open == 0) {
      outside += w[i++];
      continue;
    }
    size_t close = SubstitutionClose(w, i);
    Segment inner = word.Sub(i + open, close - std::min(close, i + open));
    if (RefersTo(inner.text, target) && ScriptPrintsSecret(inner, target, depth + 1)) {
      flow.value = true;
    }
    outside += ' ';
    i = close + 1;
  }
  flow.path = RefersTo(outside, target);
  return flow;
}

bool IsChecksum(const std::string& name) {
  static constexpr std::string_view kSums[] = {
      "md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum",
      "b2sum",  "cksum",   "sum",       "shasum"};
  return std::find(std::begin(kSums), std::end(kSums), name) != std::end(kSums);
}

// grep's modes that print a count, a file name or nothing instead of the
// lines: -c, -q, -l, -L, also in a cluster (-qs) or spelled out.
bool GrepSummarizes(const ShellCommand& cmd) {
  for (size_t j = cmd.NameIndex() + 1; j < cmd.words.size(); ++j) {
    std::string_view w = cmd.words[j].text;
    if (w == "--") break;
    if (w == "--count" || w == "--quiet" || w == "--silent" || w == "--files-with-matches" ||
        w == "--files-without-match") {
      return true;
    }
    if (w.size() < 2 || w[0] != '-' || w[1] == '-') continue;
    for (char c : w.substr(1)) {
      if (c == 'c' || c == 'q' || c == 'l' || c == 'L') return true;
      // The rest of the cluster is this option's value.
      if (std::string_view("efmABCdD").find(c) != std::string_view::npos) break;
    }
  }
  return false;
}

bool HasOption(const ShellCommand& cmd, std::initializer_list<std::string_view> names) {
  for (size_t j = cmd.NameIndex() + 1; j < cmd.words.size(); ++j) {
    std::string_view w = cmd.words[j].text;
    for (std::string_view n : names) {
      if (w == n || (StartsWith(n, "--") && StartsWith(w, std::string(n) + "="))) return true;
    }
  }
  return false;
}

// Commands whose output tells something about what they read (a count, a
// checksum, a yes or no, a size) but holds none of it. A checksum's -c mode
// prints the file names the input lists, and --files0-from prints them too.
bool Summarizes(const ShellCommand& cmd) {
  const std::string name = cmd.Name();
  if (IsChecksum(name)) return !HasOption(cmd, {"-c", "--check"});
  if (name == "wc") return !HasOption(cmd, {"--files0-from"});
  if (name == "test" || name == "[" || name == "[[" || name == "stat" || name == "ls") {
    return true;
  }
  if (name == "grep" || name == "egrep" || name == "fgrep") return GrepSummarizes(cmd);
  return false;
}

// Does what `cmd` prints or writes hold the secret mounted at `target`?
// `from_stdin`: the pipe into it carries the secret. A command that prints
// its arguments only (echo, printf) prints the path, not the file; one that
// summarizes what it reads prints neither, unless the value itself stands
// in its arguments.
bool PrintsSecret(const ShellCommand& cmd, const std::string& target, bool from_stdin,
                  int depth) {
  SecretFlow flow;
  auto add = [&flow](SecretFlow f) {
    flow.path = flow.path || f.path;
    flow.value = flow.value || f.value;
  };
  for (const Segment& w : cmd.words) add(WordFlow(w, target, depth));
  for (const ShellRedirect& r : cmd.redirects) {
    SecretFlow f = WordFlow(r.target, target, depth);
    // Only an input redirection reads the file it names.
    if (r.op != "<" && r.op != "<&") f.path = false;
    add(f);
  }
  if (flow.value) return true;
  const std::string name = cmd.Name();
  if (name == "echo" || name == "printf") return false;
  return (flow.path || from_stdin) && !Summarizes(cmd);
}

void CommandRules::SecretMountCopies() {
  for (size_t t = 0; t < mounts_.size(); ++t) {
    bool flowing = false;  // does the pipe into the command carry the secret?
    for (size_t i = 0; i < commands_.size(); ++i) {
      const ShellCommand& cmd = commands_[i];
      bool piped = i > 0 && cmd.pipeline == commands_[i - 1].pipeline;
      flowing = PipelineRefersTo(t, cmd.pipeline) &&
                PrintsSecret(cmd, mounts_[t], piped && flowing, 0);
      if (!flowing) continue;
      for (const std::string& dest : WrittenFiles(cmd)) {
        if (RefersTo(dest, mounts_[t]) || RemovedLater(i, dest)) continue;
        sink_.Add("secret-mount-copied", Severity::kHigh, cmd.pos,
                  keyword_ + " copies the secret mounted at " + mounts_[t] +
                      " into the image (to " + dest +
                      "); the copy stays in the layer",
                  "use the secret where it is mounted (point target= at the "
                  "path the tool reads) or delete the copy in the same RUN");
      }
    }
  }
}

// A command that stores credentials in a file: what it does, and the file.
struct CredentialStore {
  std::string what;  // "" when the command stores none
  std::string file;
};

bool IsLoginWithPassword(const ShellCommand& cmd) {
  for (const Segment& w : cmd.words) {
    const std::string& t = w.text;
    if (t == "-p" || t == "--password" || StartsWith(t, "--password=") ||
        (StartsWith(t, "-p") && t.size() > 2 && t[1] == 'p')) {
      return true;
    }
  }
  return false;
}

CredentialStore StoreOf(const ShellCommand& cmd) {
  const std::string name = cmd.Name();
  std::vector<std::string> ops;
  for (std::string_view w : Operands(cmd)) ops.push_back(ToLower(w));
  auto has = [&ops](std::string_view w) {
    return std::find(ops.begin(), ops.end(), w) != ops.end();
  };
  auto any = [&ops](std::initializer_list<std::string_view> parts) {
    for (const std::string& w : ops) {
      for (std::string_view part : parts) {
        if (w.find(part) != std::string::npos) return true;
      }
    }
    return false;
  };
  const bool config_set = has("config") && has("set");
  if ((name == "npm" || name == "pnpm") && has("set") &&
      any({"_authtoken", "_auth", "_password"})) {
    return {name + " config set stores a registry token in ~/.npmrc",
            "~/.npmrc"};
  }
  if (name == "yarn" && config_set && any({"npmauth"})) {
    return {"yarn config set stores a registry token in ~/.yarnrc.yml",
            "~/.yarnrc.yml"};
  }
  if (name == "git" && has("config") && has("credential.helper") &&
      any({"store"})) {
    return {
        "git config credential.helper store keeps passwords in "
        "~/.git-credentials",
        "~/.git-credentials"};
  }
  if (name == "aws" && has("configure") && has("set") &&
      any({"aws_secret_access_key", "aws_access_key_id",
           "aws_session_token"})) {
    return {"aws configure set stores the key in ~/.aws/credentials",
            "~/.aws/credentials"};
  }
  if ((name == "pip" || name == "pip3") && config_set &&
      (any({"password", "token"}) || (any({"index-url"}) && any({"@"})))) {
    return {name + " config set stores index credentials in pip.conf",
            "~/.config/pip/pip.conf"};
  }
  if (name == "poetry" && has("config") &&
      any({"http-basic.", "pypi-token."})) {
    return {"poetry config stores the credentials in auth.toml",
            "~/.config/pypoetry/auth.toml"};
  }
  if (name == "composer" && has("config") &&
      any({"http-basic", "github-oauth", "gitlab-token", "bearer"})) {
    return {"composer config stores the credentials in auth.json",
            "~/.composer/auth.json"};
  }
  static constexpr std::string_view kLogins[] = {"docker", "podman",  "buildah",
                                                 "skopeo", "nerdctl", "helm"};
  if (std::find(std::begin(kLogins), std::end(kLogins), name) !=
          std::end(kLogins) &&
      has("login") && IsLoginWithPassword(cmd)) {
    return {name + " login -p stores the registry password in the auth file",
            "~/.docker/config.json"};
  }
  for (const ShellRedirect& r : cmd.redirects) {
    std::string rule = CredentialFileRule(r.target.text);
    if (IsWriteRedirect(r.op) && !rule.empty()) {
      return {"writes credentials to " + r.target.text + " (" + rule + ")",
              r.target.text};
    }
  }
  return {};
}

// Does a later RUN of the stage of `ins` remove `written` (the same path,
// or one of the same name when either is relative)?
bool RemovedLaterInStage(const Containerfile& file, const Instruction& ins,
                         const std::string& written) {
  std::string want = HomeRelative(written);
  std::string base = want.substr(want.rfind('/') + 1);
  bool relative = !want.starts_with("/") && !want.starts_with("~/");
  bool after = false;
  for (const Instruction& other : file.instructions) {
    if (&other == &ins) after = true;
    if (!after || &other == &ins || other.stage != ins.stage) continue;
    if (other.Effective() != "RUN" || other.exec_form) continue;
    for (const ShellCommand& c : LexCommands(ArgsSegment(other))) {
      std::string name = c.Name();
      if (name != "rm" && name != "shred" && name != "unlink") continue;
      for (std::string_view w : Operands(c)) {
        std::string got = HomeRelative(w);
        bool loose = relative || (!got.starts_with("/") && !got.starts_with("~/"));
        if (got == want || (loose && got.substr(got.rfind('/') + 1) == base)) return true;
      }
    }
  }
  return false;
}

// No USER (but root) before `ins` in its stage: "~" is /root.
bool RunsAsRoot(const Containerfile& file, const Instruction& ins) {
  bool root = true;
  for (const Instruction& other : file.instructions) {
    if (&other == &ins) break;
    if (other.stage != ins.stage || other.Effective() != "USER") continue;
    std::string_view spec = Trim(other.args);
    std::string_view user = spec.substr(0, spec.find(':'));
    root = user == "root" || user == "0";
  }
  return root;
}

void CommandRules::CredentialWrites(size_t i) {
  const ShellCommand& cmd = commands_[i];
  for (size_t t = 0; t < mounts_.size(); ++t) {
    if (PipelineRefersTo(t, cmd.pipeline)) return;  // a mount copy
  }
  CredentialStore store = StoreOf(cmd);
  if (store.what.empty() || RemovedLater(i, store.file)) return;
  const std::string message =
      keyword_ + " " + store.what + "; the file stays in the image layer";
  const std::string fix =
      "mount the credentials for this step only: RUN --mount=type=secret,"
      "id=ID,target=PATH (build with --secret id=ID,src=FILE)";
  for (const Segment& w : cmd.words) {
    if (std::optional<SecretSpan> s = ClaimMatch(scanned_, w)) {
      sink_.AddSecret("run-writes-credentials", *s,
                      message + " with a literal secret (" + s->rule + ")",
                      fix);
      return;
    }
  }
  // A build stage's file reaches the image only through the stages that
  // build on it or copy it (a split build's, for one).
  std::string file = store.file;
  if (file.starts_with("~/") && RunsAsRoot(sink_.file(), ins_)) file = "/root/" + file.substr(2);
  if (!StageFileReachesImage(sink_.file(), ins_.stage, file,
                             !RemovedLaterInStage(sink_.file(), ins_, store.file))) {
    sink_.Add("run-writes-credentials", Severity::kInfo, cmd.pos,
              keyword_ + " " + store.what + " in a build stage whose files the image "
              "does not take (its own image in local storage keeps it)", fix);
    return;
  }
  sink_.Add("run-writes-credentials", Severity::kMedium, cmd.pos, message, fix);
}

void CommandRules::Run(std::vector<ShellCommand> commands) {
  commands_ = std::move(commands);
  for (const ShellCommand& cmd : commands_) Downloads(cmd);
  if (ins_.Effective() != "RUN") return;
  mounts_ = SecretMounts(ins_);
  IndexCommands();
  SecretMountCopies();
  for (size_t i = 0; i < commands_.size(); ++i) CredentialWrites(i);
}

}  // namespace

void LintCommands(const Instruction& ins, std::vector<ScannedText>& scanned,
                  FindingSink& sink) {
  CommandRules(ins, scanned, sink).Run(Commands(ins));
}

}  // namespace safebuild::lint
