// curl downloads with credentials written into the RUN line: a URL's
// user:password@ or an `Authorization:` header. The RUN line is recorded in
// the image history, so the credentials go into a build secret: a netrc
// file for the URL (`--netrc-file`), a header file for the header
// (`-H @file`, curl 7.55 and later). Values that come from a variable
// (`$TOKEN`) are left to the ARG/ENV rules. wget and other clients are not
// rewritten: busybox wget reads neither a netrc file nor a header file.
//
// git stores the URL it clones, fetches or adds a remote from in
// .git/config, credentials and all, so a secret mount alone does not keep
// the token out of the image. The URL loses its credentials and git gets
// them from a credential helper set through GIT_CONFIG_PARAMETERS (the
// environment `git -c` uses; every git version reads it, none writes it
// to a file), scoped to the URL's scheme and host, that prints the
// password from the secret mount or the variable. It needs only sh and cat
// in the image, and covers submodules and the later git steps of the
// stage, which fetch from the remote the URL named.
//
// `ADD https://user:token@host/f /dest` is fetched by podman itself, and
// the image history records the URL, credentials and all. No ADD flag
// takes credentials from a secret, so the ADD becomes a RUN that downloads
// the file with an `Authorization: Basic` header (what ADD sends) read from
// a secret file: with curl (`-H @file`) when the image has it, else wget
// (GNU or busybox, `--header`), else the step fails saying that the image
// has neither. ADD's result is kept: the path, mode 0600 (or --chmod), the
// --chown owner. The rewrite cannot see into the base image, so it does
// not refuse: a build that fails says why.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "containerfile/secret_names.h"
#include "containerfile/segment.h"
#include "containerfile/shell_lex.h"
#include "containerfile/words.h"
#include "detect/detector.h"
#include "rewrite/rewrite_internal.h"
#include "util/text.h"

namespace safebuild::rewrite {
namespace {

constexpr char kNetrc[] = "/run/secrets/netrc";
constexpr char kHeader[] = "/run/secrets/auth_header";

std::string Guard(const std::string& file, const std::string& id) {
  return "test -s " + file + " || { echo 'secret " + id + " is missing or empty' >&2; "
         "exit 1; }; ";
}

// URL userinfo is percent-encoded; netrc holds the plain value.
std::string Decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A netrc token: curl reads one that starts with '#' as a comment and
// splits at blanks, so such a value is written quoted (curl 7.84 and later).
std::string NetrcToken(const std::string& value) {
  bool plain = !value.empty() && value[0] != '#' && value[0] != '"' &&
               value.find_first_of(" \t\n\\") == std::string::npos;
  if (plain) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool UsesCurl(const Instruction& ins) {
  return std::regex_search(ins.args, std::regex(R"((^|[\s;&|(])curl\s)"));
}

// "scheme://user:pass@host" in a RUN line; the credentials become netrc
// lines and the URL loses them.
void RewriteUrls(State& st, size_t index, std::string& netrc) {
  const Instruction& ins = st.file.instructions[index];
  static const std::regex kUrl(
      R"((["']?)((?:https?|ftp)://)([^/@:\s"'$]+):([^/\s"'$]+)@([^/@:\s"']+))");
  for (int l = ins.start_line; l <= ins.end_line; ++l) {
    const std::string& line = st.file.lines[l - 1];
    for (std::sregex_iterator it(line.begin(), line.end(), kUrl), end; it != end; ++it) {
      const std::smatch& m = *it;
      std::string from = m.str(1) + m.str(2) + m.str(3) + ":" + m.str(4) + "@";
      std::string to = std::string("--netrc-file ") + kNetrc + " " + m.str(1) + m.str(2);
      st.edits[index].substitutions.emplace_back(from, to);
      netrc += "machine " + m.str(5) + " login " + NetrcToken(Decode(m.str(3))) +
               " password " + NetrcToken(Decode(m.str(4))) + "\n";
      st.Mount(index, "--mount=type=secret,id=netrc", Guard(kNetrc, "netrc"));
      st.Change(l, kRuleDownload, "credentials of the URL to " + m.str(5) +
                                      " moved into secret netrc (--netrc-file)");
    }
  }
}

// -H "Authorization: …" with a literal value.
void RewriteHeaders(State& st, size_t index, std::string& header) {
  const Instruction& ins = st.file.instructions[index];
  static const std::regex kAuth(R"((-H|--header)\s+(["'])(Authorization:\s*[^"'$]+)\2)",
                                std::regex::icase);
  for (int l = ins.start_line; l <= ins.end_line; ++l) {
    const std::string& line = st.file.lines[l - 1];
    std::smatch m;
    if (!std::regex_search(line, m, kAuth)) continue;
    if (!header.empty()) {
      st.Skip(l, kRuleDownload, "a second Authorization header left as is");
      continue;
    }
    header = m.str(3) + "\n";
    st.edits[index].substitutions.emplace_back(m.str(0), m.str(1) + " @" + kHeader);
    st.Mount(index, "--mount=type=secret,id=auth_header", Guard(kHeader, "auth_header"));
    st.Change(l, kRuleDownload, "Authorization header moved into secret auth_header (-H @file)");
  }
}

bool UsesGit(const Instruction& ins) {
  static const std::regex kGit(R"((^|[\s;&|(/])git\s)");
  return std::regex_search(ins.args, kGit);
}

// A credential that git is given in a URL, and how its helper prints it.
struct GitCredential {
  std::string scope;   // "https://host:port", what credential.<url> matches
  std::string user;    // the URL's user when it also has a password
  std::string source;  // shell text that gives the value inside "…"
  std::string variable;   // the variable it came from, "" for a literal
  std::string secret_id;  // the secret it is read from, "" for a variable
  std::string value;      // a literal's value (URL-decoded, as git sends it)
};

// GIT_CONFIG_PARAMETERS for `creds`: per scope, the helper list is reset
// (so no `credential.helper store` of the image writes the token down) and
// a helper that answers `get` from the value.
std::string GitHelperPrelude(const std::vector<GitCredential>& creds) {
  std::string params;
  for (const GitCredential& c : creds) {
    std::string answer = c.user.empty()
                             ? "echo \"username=" + c.source + "\"; echo password=; "
                             : "echo \"password=" + c.source + "\"; ";
    std::string key = "credential." + c.scope + ".helper=";
    params += " '" + key + "' '" + key + "!f() { test \"$1\" = get || exit 0; " + answer +
              "}; f'";
  }
  std::string quoted;  // for "…" in the RUN's shell
  for (char ch : params.substr(1)) {
    if (ch == '"' || ch == '$' || ch == '\\' || ch == '`') quoted += '\\';
    quoted += ch;
  }
  return "export GIT_CONFIG_PARAMETERS=\"${GIT_CONFIG_PARAMETERS:+$GIT_CONFIG_PARAMETERS }" +
         quoted + "\"; ";
}

// The variable `text` names: "$NAME" or "${NAME}", else "".
std::string VariableOf(const std::string& text) {
  static const std::regex kVar(R"(\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?)");
  std::smatch m;
  if (!std::regex_match(text, m, kVar)) return "";
  bool braced = text[1] == '{';
  return braced == (text.back() == '}') ? m.str(1) : "";
}

// ARG or ENV `name` declared in the stage of `index` before it: the RUN's
// environment has it, so git's helper can read it.
bool DeclaredBefore(const State& st, size_t index, const std::string& name) {
  const auto& all = st.file.instructions;
  for (size_t j = 0; j < index; ++j) {
    if (all[j].stage != all[index].stage) continue;
    if (all[j].keyword != "ARG" && all[j].keyword != "ENV") continue;
    for (const auto& kv : SplitKeyValues(all[j], st.file.escape)) {
      if (kv.key == name) return true;
    }
  }
  return false;
}

// Is the word after "://" (no password) a credential: a literal that looks
// like a secret, or a variable with a secret's name.
bool UserIsCredential(const State& st, const std::string& user) {
  std::string var = VariableOf(user);
  if (!var.empty()) return NameSuggestsSecret(var) || std::any_of(
      st.result.secrets.begin(), st.result.secrets.end(),
      [&](const SecretNeed& n) { return n.id == var; });
  return user.find('$') == std::string::npos && Detector::Default().LooksLikeSecret(user);
}

// Is byte `at` of the RUN's script in an argument of a git command (not a
// curl, a printf or an echo of the same script)?
bool GitOwnsUrl(const Instruction& ins, size_t at) {
  for (const ShellCommand& cmd : LexCommands(ArgsSegment(ins))) {
    if (cmd.Name() != "git") continue;
    for (size_t k = cmd.NameIndex() + 1; k < cmd.raw_begin.size(); ++k) {
      if (cmd.raw_begin[k] <= at && at < cmd.raw_end[k]) return true;
    }
  }
  return false;
}

struct GitState {
  std::map<std::string, std::string> id_of;  // literal value -> secret id
  // Per stage, the credentials its git steps so far were given.
  std::map<int, std::vector<GitCredential>> by_stage;
};

std::string GitSecretId(State& st, GitState& gs, const std::string& value, bool token) {
  if (auto it = gs.id_of.find(value); it != gs.id_of.end()) return it->second;
  std::string base = token ? "GIT_TOKEN" : "GIT_PASSWORD";
  std::string id = base;
  auto taken = [&](const std::string& name) {
    bool given = std::any_of(gs.id_of.begin(), gs.id_of.end(),
                             [&](const auto& kv) { return kv.second == name; });
    return given || std::any_of(st.result.secrets.begin(), st.result.secrets.end(),
                                [&](const SecretNeed& n) { return n.id == name; });
  };
  for (int n = 2; taken(id); ++n) id = base + "_" + std::to_string(n);
  gs.id_of[value] = id;
  return id;
}

// The credential of one URL match, or the reason it stays; sets `c`.
std::string ReadCredential(State& st, GitState& gs, size_t index, const std::smatch& m,
                           GitCredential& c) {
  std::string user = m.str(2);
  std::string cred = m[3].matched ? m.str(3) : user;
  c.user = m[3].matched ? user : "";
  c.scope = m.str(1) + m.str(4);
  std::string var = VariableOf(cred);
  if (!var.empty()) {
    if (!DeclaredBefore(st, index, var)) {
      return "it comes from $" + var + ", which no ARG or ENV declares: git's credential "
             "helper cannot read a shell variable";
    }
    c.variable = var;
    c.source = "${" + var + "}";
    return "";
  }
  if (cred.find('$') != std::string::npos) return "cannot tell what the credential is";
  c.secret_id = GitSecretId(st, gs, cred, c.user.empty());
  c.value = Decode(cred);
  c.source = "$(cat /run/secrets/" + c.secret_id + ")";
  return "";
}

// Gives RUN `index` the helpers for `creds` (and the mounts they read).
void AddGitHelpers(State& st, size_t index, std::vector<GitCredential> creds) {
  const Instruction& ins = st.file.instructions[index];
  for (GitCredential& c : creds) {
    // A later step that does not name the variable: its secret is mounted
    // only where named, so the helper reads the mount.
    bool secret_var = !c.variable.empty() && !ReferencesVariable(ins.args, c.variable) &&
                      std::any_of(st.result.secrets.begin(), st.result.secrets.end(),
                                  [&](const SecretNeed& n) { return n.id == c.variable; });
    if (secret_var) {
      c.secret_id = c.variable;
      c.source = "$(cat /run/secrets/" + c.variable + ")";
    }
    if (c.secret_id.empty()) continue;
    std::string file = "/run/secrets/" + c.secret_id;
    st.Mount(index, "--mount=type=secret,id=" + c.secret_id, Guard(file, c.secret_id));
  }
  std::string prelude = GitHelperPrelude(creds);
  auto& preludes = st.edits[index].preludes;
  if (std::find(preludes.begin(), preludes.end(), prelude) == preludes.end()) {
    preludes.push_back(prelude);
  }
}

// The URLs with credentials that RUN `index` gives git lose them; the
// credentials go to a helper. Returns those of this step.
std::vector<GitCredential> RewriteGitUrls(State& st, GitState& gs, size_t index) {
  const Instruction& ins = st.file.instructions[index];
  static const std::regex kUrl(
      R"((https?://)([^/@:\s"'$]+|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?))"
      R"((?::([^/@\s"'$]+|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?))?@([^/@\s"'$:]+(?::[0-9]+)?))");
  std::vector<GitCredential> found;
  for (int l = ins.start_line; l <= ins.end_line; ++l) {
    const std::string& line = st.file.lines[l - 1];
    for (std::sregex_iterator it(line.begin(), line.end(), kUrl), end; it != end; ++it) {
      const std::smatch& m = *it;
      size_t at = ins.args.find(m.str(0));
      if (at == std::string::npos || !GitOwnsUrl(ins, at)) continue;
      if (!m[3].matched && !UserIsCredential(st, m.str(2))) continue;
      GitCredential c;
      if (std::string why = ReadCredential(st, gs, index, m, c); !why.empty()) {
        st.Skip(l, kRuleDownload, "the credentials of the git URL to " + m.str(4) +
                                      " left as is: " + why);
        continue;
      }
      bool same_scope = std::any_of(found.begin(), found.end(), [&](const GitCredential& o) {
        return o.scope == c.scope && o.source != c.source;
      });
      if (same_scope) {
        st.Skip(l, kRuleDownload, "a second credential for " + c.scope + " left as is");
        continue;
      }
      if (!c.secret_id.empty()) {
        st.Need({c.secret_id, SecretNeed::kEnv, c.secret_id, c.value, ""});
      }
      std::string kept = c.user.empty() ? "" : c.user + "@";
      st.edits[index].substitutions.emplace_back(m.str(0), m.str(1) + kept + m.str(4));
      st.Change(l, kRuleDownload, "credentials of the git URL to " + m.str(4) +
                                      " moved out of the URL (git keeps it in .git/config) into "
                                      "a credential helper that reads " +
                                      (c.variable.empty() ? "secret " + c.secret_id
                                                          : "$" + c.variable));
      found.push_back(c);
    }
  }
  return found;
}

void RewriteGit(State& st) {
  const auto& all = st.file.instructions;
  GitState gs;
  for (size_t i = 0; i < all.size(); ++i) {
    if (!IsEditableRun(all[i]) || !UsesGit(all[i])) continue;
    std::vector<GitCredential> here = RewriteGitUrls(st, gs, i);
    std::vector<GitCredential>& stage = gs.by_stage[all[i].stage];
    // A remote added with credentials is fetched from by later steps.
    std::vector<GitCredential> creds = stage;
    for (const auto& c : here) {
      bool known = std::any_of(creds.begin(), creds.end(),
                               [&](const GitCredential& o) { return o.scope == c.scope; });
      if (!known) creds.push_back(c);
      if (!known) stage.push_back(c);
    }
    if (!creds.empty()) AddGitHelpers(st, i, creds);
  }
}

std::string Base64(const std::string& in) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(in[i])); };
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    size_t left = in.size() - i;
    uint32_t n = byte(i) << 16 | (left > 1 ? byte(i + 1) << 8 : 0) | (left > 2 ? byte(i + 2) : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += left > 1 ? kAlphabet[(n >> 6) & 63] : '=';
    out += left > 2 ? kAlphabet[n & 63] : '=';
  }
  return out;
}

// `text` inside "…" of the shell: $VAR still expands, as it did in ADD.
std::string DoubleQuoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\' || c == '`') out += '\\';
    out += c;
  }
  return out + "\"";
}

// An ADD of a URL with credentials, read: the reason when it cannot be
// rewritten, "" when it can (or when it is no such ADD: `url` stays empty).
struct AddUrl {
  std::string url;     // without the credentials
  std::string host;
  std::string header;  // "Authorization: Basic …\n"
  std::string dest;    // the file, as the RUN writes it
  std::string chown;
  std::string mode = "600";
};

std::string ReadAddUrl(const State& st, size_t index, AddUrl& add) {
  const Instruction& ins = st.file.instructions[index];
  if (ins.keyword != "ADD" || !ins.heredocs.empty()) return "";
  static const std::regex kUrl(R"(^(https?://)([^/@:\s]+)(?::([^/@\s]*))?@([^/\s]+)(.*)$)");
  std::vector<std::string> words;
  if (ins.exec_form) {
    words = ins.exec;
  } else {
    for (const RawWord& w : SplitWords(ins.args, st.file.escape)) {
      std::string_view raw = std::string_view(ins.args).substr(w.begin, w.end - w.begin);
      words.push_back(UnquoteWord(raw, st.file.escape).text);
    }
  }
  // A user alone (https://git@host/…) is a credential only when it looks
  // like a token.
  auto credentials = [&](const std::string& w, std::smatch& m) {
    return std::regex_match(w, m, kUrl) &&
           (m[3].matched || Detector::Default().LooksLikeSecret(m.str(2)));
  };
  std::smatch m;
  size_t urls = 0;
  for (size_t k = 0; k + 1 < words.size(); ++k) {
    if (credentials(words[k], m)) ++urls;
  }
  if (urls == 0) return "";
  if (!credentials(words[0], m) || words.size() != 2) {
    return "ADD has other sources besides the URL with credentials";
  }
  std::string user = m.str(2);
  std::string pass = m[3].matched ? m.str(3) : "";
  add.host = m.str(4);
  add.url = m.str(1) + m.str(4) + m.str(5);
  if ((user + pass).find('$') != std::string::npos) {
    return "its credentials come from a variable, which only a RUN can read from a secret";
  }
  add.header = "Authorization: Basic " + Base64(Decode(user) + ":" + Decode(pass)) + "\n";
  add.dest = words[1];
  if (ins.exec_form) return "it is in JSON form";
  for (const auto& f : ins.flags) {
    if (f.name == "chown") {
      add.chown = f.value;
    } else if (f.name == "chmod") {
      add.mode = f.value;
    } else if (f.name != "link") {
      return "its flag --" + f.name + " is not one safebuild rewrites";
    }
  }
  for (size_t j = index; j-- > 0 && st.file.instructions[j].stage == ins.stage;) {
    const Instruction& u = st.file.instructions[j];
    std::string who(Trim(u.args));
    if (u.keyword == "USER" && who != "root" && who != "0" && who != "0:0") {
      return "a RUN after USER " + who + " could not write where ADD (as root) does";
    }
  }
  if (EndsWith(add.dest, "/")) {
    std::string path = add.url.substr(0, add.url.find_first_of("?#"));
    std::string name = path.substr(path.find_last_of('/') + 1);
    if (name.empty() || path.find('/', m.str(1).size()) == std::string::npos) {
      return "the file name cannot be told from the URL";
    }
    add.dest += name;
  }
  return "";
}

// The secret that holds `header`: one per distinct value.
std::string AddSecretId(State& st, const std::string& header) {
  std::string id = "add_auth";
  for (int n = 2;; ++n) {
    auto it = std::find_if(st.result.secrets.begin(), st.result.secrets.end(),
                           [&](const SecretNeed& s) { return s.id == id; });
    if (it == st.result.secrets.end() || it->value == header) break;
    id = "add_auth_" + std::to_string(n);
  }
  st.Need({id, SecretNeed::kFile, id, header, ""});
  return id;
}

void RewriteAddUrl(State& st, size_t index) {
  const Instruction& ins = st.file.instructions[index];
  AddUrl add;
  std::string why = ReadAddUrl(st, index, add);
  if (add.url.empty()) return;
  if (!why.empty()) {
    st.Skip(ins.start_line, kRuleDownload, "ADD of the URL to " + add.host + " (" +
                                              "line " + std::to_string(ins.start_line) +
                                              ") left as is: " + why);
    return;
  }
  std::string id = AddSecretId(st, add.header);
  std::string file = "/run/secrets/" + id;
  std::string dest = DoubleQuoted(add.dest);
  std::string url = DoubleQuoted(add.url);
  std::string run = "RUN --mount=type=secret,id=" + id + RunUserAttrs(st, index) + " " +
                    Guard(file, id);
  size_t slash = add.dest.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    run += "mkdir -p " + DoubleQuoted(add.dest.substr(0, slash)) + " && ";
  }
  std::string shown = add.url;
  for (char& c : shown) c = c == '\'' ? '"' : c;
  run += "if command -v curl >/dev/null 2>&1; then curl -fsSL -H @" + file + " -o " + dest +
         " " + url + "; elif command -v wget >/dev/null 2>&1; then wget -q --header \"$(cat " +
         file + ")\" -O " + dest + " " + url + "; else echo 'ADD of " + shown +
         " became a download, and the image has neither curl nor wget' >&2; false; fi && "
         "chmod " + add.mode + " " + dest;
  if (!add.chown.empty()) run += " && chown " + add.chown + " " + dest;
  st.edits[index].replace = run;
  st.Change(ins.start_line, kRuleDownload,
            "ADD of the URL to " + add.host + " with credentials became a RUN that downloads "
            "it (curl or wget of the image) with them from secret " + id);
  st.Advise("write the line `Authorization: Basic BASE64` (BASE64 of user:password) to a "
            "file named " + id + " (chmod 600); rotate the credentials of the ADD URL to " +
            add.host + ": they were in the Containerfile");
}

}  // namespace

void RewriteDownloads(State& st) {
  RewriteGit(st);
  for (size_t i = 0; i < st.file.instructions.size(); ++i) RewriteAddUrl(st, i);
  const auto& all = st.file.instructions;
  std::string netrc;
  std::string header;
  for (size_t i = 0; i < all.size(); ++i) {
    if (!IsEditableRunStep(all[i]) || !UsesCurl(all[i])) continue;
    RewriteUrls(st, i, netrc);
    RewriteHeaders(st, i, header);
  }
  if (!netrc.empty()) {
    st.Need({"netrc", SecretNeed::kFile, "netrc", netrc, ""});
    st.Advise("write the credentials to a file named netrc (chmod 600), one line per host: "
              "machine HOST login USER password PASSWORD; rotate the password: it was in the "
              "Containerfile");
  }
  if (!header.empty()) {
    st.Need({"auth_header", SecretNeed::kFile, "auth_header", header, ""});
    st.Advise("write the header line (Authorization: …) to a file named auth_header "
              "(chmod 600); rotate the token: it was in the Containerfile");
  }
}

}  // namespace safebuild::rewrite
