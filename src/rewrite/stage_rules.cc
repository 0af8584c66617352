// A single-stage build whose secret-using RUN steps write derived
// credentials (~/.npmrc, ~/.m2/settings.xml, pip.conf, a token echoed into
// a config file) keeps them in its layers even when the secret itself is
// mounted. The stage is split where the first such step runs:
//
//   FROM node:20 AS safebuild-base            the steps before it, shared
//   FROM safebuild-base AS safebuild-build    that step and the rest
//   FROM safebuild-base                       the image: the shared steps
//   COPY --from=safebuild-build /app /app     and only the artifacts
//
// The artifacts, unless the user names them (`fix --artifact PATH`): the
// last WORKDIR; absolute paths in CMD/ENTRYPOINT that the build stage names
// too; the install prefixes of the package managers the build stage runs
// (`npm -g`, `pip install`, `gem install`, `cargo install`: /usr/local;
// `pip install --user`: /root/.local; `pip -t|--target|--prefix DIR`: DIR;
// `go install`: /go/bin). A derived credential inside an artifact is
// deleted at the end of the build stage. ENV, ARG, WORKDIR after the split
// are repeated in the image; CMD, ENTRYPOINT, LABEL, EXPOSE, VOLUME,
// HEALTHCHECK and STOPSIGNAL move there. The file is left as is, with the
// reason, when the split could break the image: a system package manager
// after the split (its files are no artifact), a non-root USER (copied
// files would change owner), SHELL or ONBUILD after the split, a path or
// WORKDIR that holds a variable, or nothing to copy.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "containerfile/lint_internal.h"
#include "containerfile/words.h"
#include "detect/detector.h"
#include "rewrite/rewrite_internal.h"
#include "util/text.h"

namespace safebuild::rewrite {
namespace {

constexpr char kBaseStage[] = "safebuild-base";
constexpr char kBuildStage[] = "safebuild-build";
constexpr char kRoot[] = "/root";

// Files that tools write credentials into, beyond the scanner's own list.
bool IsCredentialPath(const std::string& path) {
  static const std::regex kMore(
      R"((^|/)(\.m2/settings(-security)?\.xml|pip\.(conf|ini)|\.yarnrc(\.yml)?|)"
      R"(gradle\.properties|\.gitconfig|auth\.(json|toml)|\.condarc|\.bundle/config)$)");
  return !CredentialFileRule(path).empty() || std::regex_search(path, kMore);
}

// Where `tool config set …` style commands write.
struct ConfigCommand {
  const char* pattern;
  const char* path;
};

constexpr ConfigCommand kConfigCommands[] = {
    {R"(\bnpm\s+(config\s+)?set\b.*(\s-g\b|--global|--location[= ]global))",
     "/usr/local/etc/npmrc"},
    {R"(\bnpm\s+(config\s+)?set\b)", "~/.npmrc"},
    {R"(\byarn\s+config\s+set\b)", "~/.yarnrc"},
    {R"(\b(pip3?|python3?\s+-m\s+pip)\s+config\s+set\b)", "~/.config/pip/pip.conf"},
    {R"(\bgit\s+config\s+--global\b)", "~/.gitconfig"},
    {R"(\bpoetry\s+config\s+(http-basic|pypi-token)\b)", "~/.config/pypoetry/auth.toml"},
    {R"(\bdocker\s+login\b)", "~/.docker/config.json"},
    {R"(\bbundle\s+config\s+(set\s+)?--global\b)", "~/.bundle/config"},
};

// The stage's state as the instructions go by.
struct Walk {
  std::string workdir = "/";
  bool workdir_set = false;
  bool workdir_known = true;
  bool root_user = true;
};

std::string Normal(const std::string& p) {
  std::string n = std::filesystem::path(p).lexically_normal().string();
  if (n.size() > 1 && n.back() == '/') n.pop_back();
  return n;
}

// An absolute path for `target` as RUN sees it; "" when a variable or a
// non-root home makes it unknowable.
std::string Resolve(std::string target, const Walk& w) {
  if (target.size() >= 2 && (target.front() == '"' || target.front() == '\'') &&
      target.back() == target.front()) {
    target = target.substr(1, target.size() - 2);
  }
  for (const char* home : {"~/", "$HOME/", "${HOME}/"}) {
    if (!StartsWith(target, home)) continue;
    if (!w.root_user) return "";
    target = std::string(kRoot) + "/" + target.substr(std::string(home).size());
  }
  if (target.empty() || target.find('$') != std::string::npos) return "";
  if (target.front() == '/') return Normal(target);
  return w.workdir_known ? Normal(w.workdir + "/" + target) : "";
}

bool IsUnder(const std::string& path, const std::string& dir) {
  return path == dir || dir == "/" || StartsWith(path, dir + "/");
}

// What RUN `index` gets as secrets: variable names and mounted files,
// from its own --mount flags and the mounts the other rules add.
struct SecretUse {
  std::vector<std::string> vars;
  std::vector<std::string> files;
  // Literals that another rule replaces with a secret's variable: the
  // instruction's text still holds them.
  std::vector<std::string> literals;
  bool any() const { return !vars.empty() || !files.empty() || !literals.empty(); }
};

void AddMount(const std::string& value, SecretUse& use) {
  std::string type, id, target, env;
  for (const auto& part : Split(value, ',')) {
    size_t eq = part.find('=');
    std::string key = part.substr(0, eq);
    std::string v = eq == std::string::npos ? "" : part.substr(eq + 1);
    if (key == "type") type = v;
    if (key == "id") id = v;
    if (key == "target" || key == "dst" || key == "destination") target = v;
    if (key == "env") env = v;
  }
  if (type != "secret" || (id.empty() && target.empty())) return;
  if (!id.empty()) use.vars.push_back(id);
  if (!env.empty()) use.vars.push_back(env);
  use.files.push_back(target.empty() ? "/run/secrets/" + id : target);
}

SecretUse SecretsOf(const State& st, size_t index) {
  SecretUse use;
  for (const auto& f : st.file.instructions[index].flags) {
    if (f.name == "mount") AddMount(f.value, use);
  }
  if (auto it = st.edits.find(index); it != st.edits.end()) {
    for (const auto& m : it->second.mounts) AddMount(m.substr(std::string("--mount=").size()), use);
    for (const auto& sub : it->second.substitutions) use.literals.push_back(sub.first);
  }
  return use;
}

bool References(const std::string& segment, const SecretUse& use) {
  for (const auto& v : use.vars) {
    if (ReferencesVariable(segment, v)) return true;
  }
  for (const auto& f : use.files) {
    if (segment.find(f) != std::string::npos) return true;
  }
  for (const auto& l : use.literals) {
    if (!l.empty() && segment.find(l) != std::string::npos) return true;
  }
  return false;
}

// The shell's command lists: "a && b; c || d" → a, b, c, d (quotes are not
// looked at; a split inside a quoted string only makes pieces smaller).
std::vector<std::string> Segments(const std::string& script) {
  static const std::regex kSep(R"(&&|\|\||;)");
  std::vector<std::string> out;
  for (std::sregex_token_iterator it(script.begin(), script.end(), kSep, -1), end; it != end;
       ++it) {
    out.push_back(it->str());
  }
  return out;
}

bool EndsWord(char c) {
  return IsAsciiSpace(c) || c == ';' || c == '&' || c == '|' || c == '<' || c == '>';
}

// The targets of `>` and `>>` outside quotes; "2>" and "&>" are not output
// of the command's own data.
std::vector<std::string> RedirectTargets(const std::string& seg) {
  std::vector<std::string> out;
  char quote = 0;
  for (size_t i = 0; i < seg.size(); ++i) {
    char c = seg[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    if (c != '>' || (i > 0 && (std::isdigit(static_cast<unsigned char>(seg[i - 1])) != 0 ||
                               seg[i - 1] == '&' || seg[i - 1] == '>'))) {
      continue;
    }
    size_t p = i + 1;
    if (p < seg.size() && seg[p] == '>') ++p;
    while (p < seg.size() && IsAsciiSpace(seg[p])) ++p;
    size_t start = p;
    while (p < seg.size() && !EndsWord(seg[p])) ++p;
    if (p > start) out.push_back(seg.substr(start, p - start));
    i = p - 1;
  }
  return out;
}

// Files a segment writes: redirections, tee, cp/install of a secret file.
std::vector<std::string> Targets(const std::string& seg, const SecretUse& use) {
  static const std::regex kTee(R"(\btee\s+(?:-a\s+)?([^\s;&|<>]+))");
  static const std::regex kCopy(R"(^\s*(cp|install)\s+(?:-\S+\s+)*(\S+)\s+(\S+)\s*$)");
  std::vector<std::string> out = RedirectTargets(seg);
  for (std::sregex_iterator it(seg.begin(), seg.end(), kTee), end; it != end; ++it) {
    out.push_back((*it)[1].str());
  }
  std::smatch m;
  if (std::regex_match(seg, m, kCopy) && References(m[2].str(), use)) out.push_back(m[3].str());
  return out;
}

// Does the segment put the secret's value into what it writes (as opposed
// to, say, counting its characters)?
bool WritesValue(const std::string& seg) {
  static const std::regex kWriters(R"(^\s*(\w+=\S*\s+)*(echo|printf|cat|envsubst|sed)\b|\btee\b)");
  return std::regex_search(seg, kWriters);
}

bool RemovedLater(const std::vector<std::string>& segs, size_t from, const std::string& raw) {
  static const std::regex kRm(R"(^\s*rm\s)");
  for (size_t k = from + 1; k < segs.size(); ++k) {
    if (std::regex_search(segs[k], kRm) && segs[k].find(raw) != std::string::npos) return true;
  }
  return false;
}

// `seg` with every "${#NAME}" (a length, not the value) made harmless.
std::string WithoutLengths(std::string seg) {
  for (size_t at = seg.find("${#"); at != std::string::npos; at = seg.find("${#", at)) {
    seg.replace(at, 3, "${length_of_");
  }
  return seg;
}

// The last command of a pipeline ("||" is no pipe; quotes are not looked at).
std::string LastInPipeline(const std::string& seg) {
  for (size_t at = seg.size(); at-- > 0;) {
    bool pipe = seg[at] == '|' && (at == 0 || seg[at - 1] != '|') &&
                (at + 1 >= seg.size() || seg[at + 1] != '|');
    if (pipe) return seg.substr(at + 1);
  }
  return seg;
}

struct Derived {
  size_t index = 0;  // the RUN
  std::string path;  // absolute, "" when unknowable
  std::string raw;   // as written
};

// The derived credentials RUN `index` leaves in its layer.
std::vector<Derived> DerivedCredentials(const State& st, size_t index, const Walk& w) {
  const Instruction& ins = st.file.instructions[index];
  SecretUse use = SecretsOf(st, index);
  std::vector<Derived> out;
  if (!use.any() || !IsEditableRun(ins)) return out;
  std::vector<std::string> segs = Segments(ins.args);
  for (size_t k = 0; k < segs.size(); ++k) {
    const std::string& seg = segs[k];
    bool refs = References(seg, use);
    // What the last command of a pipeline writes (`echo $T | wc -c > f`
    // writes a count, not the value).
    bool value = References(WithoutLengths(seg), use) && WritesValue(LastInPipeline(seg));
    for (const auto& t : Targets(seg, use)) {
      if (StartsWith(t, "/dev/") || RemovedLater(segs, k, t)) continue;
      std::string path = Resolve(t, w);
      if (IsCredentialPath(path.empty() ? t : path) || value) {
        out.push_back({index, path, t});
      }
    }
    for (const auto& c : kConfigCommands) {
      if (!refs || !std::regex_search(seg, std::regex(c.pattern))) continue;
      out.push_back({index, Resolve(c.path, w), c.path});
      break;
    }
  }
  return out;
}

void Step(Walk& w, const Instruction& ins) {
  if (ins.keyword == "WORKDIR") {
    std::string dir(Trim(ins.args));
    w.workdir_set = true;
    if (dir.find('$') != std::string::npos) w.workdir_known = false;
    w.workdir = Normal(StartsWith(dir, "/") ? dir : w.workdir + "/" + dir);
  } else if (ins.keyword == "USER") {
    std::string user(Trim(ins.args));
    w.root_user = user == "root" || user == "0" || StartsWith(user, "root:") ||
                  StartsWith(user, "0:");
  }
}

bool RunsSystemPackageManager(const Instruction& ins) {
  static const std::regex kManagers(
      R"((^|[\s;&|(])(apt-get|apt|apk|yum|dnf|microdnf|zypper|dpkg|rpm)\s)");
  return ins.keyword == "RUN" && std::regex_search(ins.args, kManagers);
}

// Install prefixes of the package managers RUN `ins` runs, with a reason.
void AddPrefixes(const Instruction& ins, const Walk& w,
                 std::vector<std::pair<std::string, std::string>>& out) {
  const std::string& a = ins.args;
  static const std::regex kNpmGlobal(R"(\bnpm\s+(install|i|add)\b[^;&|]*\s(-g|--global)\b)");
  static const std::regex kPip(R"(\b(pip3?|python3?\s+-m\s+pip)\s+install\b([^;&|]*))");
  static const std::regex kPipDir(R"((?:-t|--target|--prefix)[=\s]+([^\s;&|]+))");
  static const std::regex kOther(R"(\b(gem|cargo)\s+install\b)");
  static const std::regex kGo(R"(\bgo\s+install\b)");
  std::smatch m;
  if (std::regex_search(a, kNpmGlobal)) out.emplace_back("/usr/local", "npm -g");
  if (std::regex_search(a, m, kPip)) {
    std::string opts = m[2].str();
    std::smatch d;
    if (std::regex_search(opts, d, kPipDir)) {
      std::string dir = Resolve(d[1].str(), w);
      if (!dir.empty()) out.emplace_back(dir, "pip install --target/--prefix");
    } else if (opts.find("--user") != std::string::npos) {
      out.emplace_back(std::string(kRoot) + "/.local", "pip install --user");
    } else {
      out.emplace_back("/usr/local", "pip install");
    }
  }
  if (std::regex_search(a, m, kOther)) out.emplace_back("/usr/local", m[1].str() + " install");
  if (std::regex_search(a, kGo)) out.emplace_back("/go/bin", "go install");
}

// Absolute paths in CMD/ENTRYPOINT that the build stage names.
void AddCommandPaths(const State& st, const Instruction& ins, size_t split,
                     std::vector<std::pair<std::string, std::string>>& out) {
  std::vector<std::string> words = ins.exec;
  if (!ins.exec_form) {
    for (const auto& r : SplitWords(ins.args, st.file.escape)) {
      words.push_back(ins.args.substr(r.begin, r.end - r.begin));
    }
  }
  const auto& all = st.file.instructions;
  for (const auto& word : words) {
    if (!StartsWith(word, "/") || word.find('$') != std::string::npos) continue;
    for (size_t j = split; j < all.size(); ++j) {
      if (all[j].keyword == "CMD" || all[j].keyword == "ENTRYPOINT") continue;
      if (all[j].args.find(word) == std::string::npos) continue;
      out.emplace_back(Normal(word), ins.keyword);
      break;
    }
  }
}

// Sorted, without paths inside another one.
std::vector<std::pair<std::string, std::string>> Outermost(
    std::vector<std::pair<std::string, std::string>> paths) {
  std::sort(paths.begin(), paths.end());
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : paths) {
    if (!out.empty() && IsUnder(p.first, out.back().first)) continue;
    out.push_back(p);
  }
  return out;
}

struct Plan {
  size_t from = 0;   // the stage's FROM
  size_t split = 0;  // the first RUN that leaves a derived credential
  size_t end = 0;    // one past the stage's last instruction
  std::vector<Derived> derived;
  std::vector<std::pair<std::string, std::string>> artifacts;  // path, why
  std::string problem;
};

std::string LineOf(const State& st, size_t index) {
  return std::to_string(st.file.instructions[index].start_line);
}

// Reasons the split could break the image, checked over the whole stage.
std::string CheckStage(const State& st, const Plan& p, const Walk& last) {
  const auto& all = st.file.instructions;
  for (size_t j = p.from; j < p.end; ++j) {
    const Instruction& ins = all[j];
    if (ins.keyword == "USER" && !last.root_user) {
      return "USER at line " + LineOf(st, j) + ": the copied files would change owner";
    }
    if (j < p.split) continue;
    if (ins.keyword == "SHELL" || ins.keyword == "ONBUILD") {
      return ins.keyword + " at line " + LineOf(st, j) + " after the split";
    }
    if (RunsSystemPackageManager(ins)) {
      return "RUN at line " + LineOf(st, j) +
             " installs system packages, which no artifact would carry";
    }
  }
  if (!last.workdir_known) return "a WORKDIR holds a variable";
  for (const auto& d : p.derived) {
    if (d.path.empty()) {
      return "cannot tell where " + d.raw + " (line " + LineOf(st, d.index) + ") is";
    }
  }
  return "";
}

void ChooseArtifacts(const State& st, Plan& p, const Walk& last) {
  const auto& all = st.file.instructions;
  std::vector<std::pair<std::string, std::string>> found;
  if (!st.options.artifacts.empty()) {
    for (const auto& a : st.options.artifacts) {
      std::string path = Resolve(a, last);
      if (path.empty()) {
        p.problem = "cannot resolve --artifact " + a;
        return;
      }
      found.emplace_back(path, "--artifact");
    }
  } else {
    // The last WORKDIR is an artifact when a step of the build stage works
    // in it; one that no later step uses is not even made by buildah.
    bool workdir_used = false;
    Walk w;
    for (size_t j = p.from; j < p.end; ++j) {
      Step(w, all[j]);
      const std::string& k = all[j].keyword;
      if (k == "CMD" || k == "ENTRYPOINT") AddCommandPaths(st, all[j], p.split, found);
      if (j >= p.split && k == "RUN") AddPrefixes(all[j], w, found);
      if (j >= p.split && (k == "RUN" || k == "COPY" || k == "ADD") && w.workdir_set &&
          w.workdir == last.workdir) {
        workdir_used = true;
      }
    }
    if (workdir_used) found.insert(found.begin(), {last.workdir, "WORKDIR"});
  }
  p.artifacts = Outermost(found);
  for (const auto& a : p.artifacts) {
    if (a.first == "/") p.problem = "the artifacts would be the whole file system";
  }
  if (p.artifacts.empty()) {
    p.problem = "cannot tell what the image needs from the build stage (no WORKDIR, "
                "no install prefix): name it with safebuild fix --artifact PATH";
  }
}

// The instruction's text as the rewrite leaves it, as lines.
std::vector<std::string> TextOf(const State& st, size_t index) {
  const Instruction& ins = st.file.instructions[index];
  auto it = st.edits.find(index);
  if (it != st.edits.end() && it->second.remove) return {};
  if (it != st.edits.end() && it->second.replace) return {*it->second.replace};
  return std::vector<std::string>(st.file.lines.begin() + (ins.start_line - 1),
                                   st.file.lines.begin() + ins.end_line);
}

// ARGs of the shared part that instructions in [from, end) use: a stage
// does not inherit the ARGs of the stage it starts from.
std::vector<std::string> ArgsFor(const State& st, const Plan& p, size_t from, size_t end,
                                 bool tail_only) {
  const auto& all = st.file.instructions;
  std::vector<std::string> out;
  for (size_t a = p.from; a < p.split; ++a) {
    if (all[a].keyword != "ARG") continue;
    bool used = false;
    for (const auto& kv : SplitKeyValues(all[a], st.file.escape)) {
      for (size_t j = from; j < end && !used; ++j) {
        bool in_tail = all[j].keyword != "RUN" && all[j].keyword != "COPY" &&
                       all[j].keyword != "ADD";
        used = (!tail_only || in_tail) && ReferencesVariable(all[j].args, kv.key);
      }
    }
    if (!used) continue;
    std::vector<std::string> text = TextOf(st, a);
    out.insert(out.end(), text.begin(), text.end());
  }
  return out;
}

std::string BaseName(State& st, const Plan& p) {
  const Instruction& from = st.file.instructions[p.from];
  std::vector<RawWord> words = SplitWords(from.args, st.file.escape);
  if (words.size() == 3) {
    std::string as = ToLower(from.args.substr(words[1].begin, words[1].end - words[1].begin));
    if (as == "as") return from.args.substr(words[2].begin, words[2].end - words[2].begin);
  }
  st.edits[p.from].append = std::string(" AS ") + kBaseStage;
  return kBaseStage;
}

bool MovesToImage(const std::string& keyword) {
  for (const char* k : {"CMD", "ENTRYPOINT", "LABEL", "EXPOSE", "VOLUME", "HEALTHCHECK",
                        "STOPSIGNAL"}) {
    if (keyword == k) return true;
  }
  return false;
}

bool RepeatsInImage(const std::string& keyword) {
  return keyword == "ENV" || keyword == "ARG" || keyword == "WORKDIR";
}

std::string Joined(const std::vector<std::pair<std::string, std::string>>& items, bool why) {
  std::string out;
  for (const auto& [path, reason] : items) {
    out += (out.empty() ? "" : ", ") + path + (why ? " (" + reason + ")" : "");
  }
  return out;
}

void SplitStage(State& st, const Plan& p) {
  std::string base = BaseName(st, p);
  InstructionEdit& first = st.edits[p.split];
  first.before = {"", "FROM " + base + " AS " + kBuildStage};
  for (const auto& l : ArgsFor(st, p, p.split, p.end, false)) first.before.push_back(l);

  std::vector<std::string> leftovers;
  for (const auto& d : p.derived) {
    for (const auto& a : p.artifacts) {
      bool listed = std::find(leftovers.begin(), leftovers.end(), d.path) != leftovers.end();
      if (IsUnder(d.path, a.first) && !listed) leftovers.push_back(d.path);
    }
  }
  // Inside an artifact, a derived credential must not reach the image.
  if (!leftovers.empty()) {
    std::string rm = "RUN rm -f";
    for (const auto& l : leftovers) rm += " " + l;
    st.tail.push_back({rm, std::nullopt});
  }
  st.tail.push_back({"", std::nullopt});
  st.tail.push_back({"FROM " + base, std::nullopt});
  for (const auto& l : ArgsFor(st, p, p.split, p.end, true)) st.tail.push_back({l, std::nullopt});
  for (const auto& a : p.artifacts) {
    st.tail.push_back({std::string("COPY --from=") + kBuildStage + " " + a.first + " " + a.first,
                       std::nullopt});
  }
  const auto& all = st.file.instructions;
  for (size_t j = p.split + 1; j < p.end; ++j) {
    if (MovesToImage(all[j].keyword)) st.edits[j].moved = true;
    if (MovesToImage(all[j].keyword) || RepeatsInImage(all[j].keyword)) {
      st.tail.push_back({"", j});
    }
  }
}

void ReportSplit(State& st, const Plan& p) {
  std::string creds;
  for (const auto& d : p.derived) {
    if (creds.find(d.path) == std::string::npos) creds += (creds.empty() ? "" : ", ") + d.path;
  }
  st.Change(st.file.instructions[p.split].start_line, kRuleStages,
            "split into stages: from here the steps that use secrets run in stage " +
                std::string(kBuildStage) + ", which keeps " + creds +
                "; the image copies only " + Joined(p.artifacts, true));
  // A build under --rewrite=apply says after the build which stage images
  // stay, or that --prune-intermediate removed them.
  if (st.options.require_values) return;
  st.Advise("the build stage keeps " + creds + " in local storage: build with "
            "safebuild --prune-intermediate build … to remove its images afterwards");
}

// Does a RUN after `index` in its stage remove `path` (`rm -f PATH`)?
bool RemovedLaterInStage(const State& st, size_t index, const std::string& path) {
  const auto& all = st.file.instructions;
  for (size_t j = index + 1; j < all.size() && all[j].stage == all[index].stage; ++j) {
    if (all[j].keyword != "RUN") continue;
    for (const auto& seg : Segments(all[j].args)) {
      std::vector<std::string> words = Split(std::string(Trim(seg)), ' ');
      if (words.empty() || words[0] != "rm") continue;
      if (std::find(words.begin(), words.end(), path) != words.end()) return true;
    }
  }
  return false;
}

// A credential file that a RUN of an earlier stage writes with a secret
// and that reaches the image only through `COPY --from` of that stage: a
// `RUN rm -f` at the end of the stage keeps it out of the copy. The
// stage's own image in local storage still holds it. A stage that another
// one is built FROM passes its layers on: that is left to the reason.
void RemoveCopiedCredentials(State& st) {
  const auto& all = st.file.instructions;
  const int last_stage = all.back().stage;
  std::map<size_t, std::vector<std::string>> remove_before;  // next stage's FROM → paths
  for (size_t j = 0; j < all.size(); ++j) {
    const int stage = all[j].stage;
    if (stage < 0 || stage == last_stage || all[j].keyword != "RUN") continue;
    // The directories as the COPY rules read them: a stage built FROM an
    // earlier one has its WORKDIR, and ARG and ENV values count.
    std::string why;
    Walk w;
    w.workdir = WorkdirAt(st, j, why);
    w.workdir_known = !w.workdir.empty();
    w.workdir_set = w.workdir_known;
    w.root_user = !HomeAt(st, j).empty();
    size_t next = j;
    while (next < all.size() && all[next].stage == stage) ++next;
    for (const Derived& d : DerivedCredentials(st, j, w)) {
      if (d.path.empty() || RemovedLaterInStage(st, j, d.path) ||
          lint::StageFileReachesImage(st.file, stage, d.path, false) ||
          !lint::StageFileReachesImage(st.file, stage, d.path, true)) {
        continue;
      }
      auto& paths = remove_before[next];
      if (std::find(paths.begin(), paths.end(), d.path) != paths.end()) continue;
      paths.push_back(d.path);
      st.Change(all[j].start_line, kRuleStages,
                "RUN at line " + LineOf(st, j) + " writes " + d.raw + " with a secret in a "
                "stage that a later COPY --from takes: removed at the end of the stage, "
                "whose own image in local storage keeps it");
    }
  }
  for (const auto& [next, paths] : remove_before) {
    std::string rm = "RUN rm -f";
    for (const auto& p : paths) rm += " " + p;
    auto& before = st.edits[next].before;
    before.insert(before.begin(), {rm, ""});
  }
}

}  // namespace

void RewriteToMultiStage(State& st) {
  const auto& all = st.file.instructions;
  if (all.empty() || all.back().stage < 0) return;
  RemoveCopiedCredentials(st);
  int last_stage = all.back().stage;
  Plan p;
  p.end = all.size();
  Walk w;
  bool first = true;
  for (size_t j = 0; j < all.size(); ++j) {
    if (all[j].stage != last_stage) continue;
    if (first) p.from = j;
    first = false;
    Step(w, all[j]);
    if (all[j].keyword != "RUN") continue;
    std::vector<Derived> d = DerivedCredentials(st, j, w);
    if (!d.empty() && p.derived.empty()) p.split = j;
    p.derived.insert(p.derived.end(), d.begin(), d.end());
  }
  if (p.derived.empty()) return;
  const Derived& d = p.derived.front();
  std::string at = "RUN at line " + LineOf(st, d.index) + " writes " + d.raw + " with a secret";
  if (last_stage > 0) {
    st.Skip(all[d.index].start_line, kRuleStages,
            at + "; the file has several stages already: move that step into a build "
                 "stage by hand");
    return;
  }
  p.problem = CheckStage(st, p, w);
  if (p.problem.empty()) ChooseArtifacts(st, p, w);
  if (!p.problem.empty()) {
    st.Skip(all[d.index].start_line, kRuleStages, at + "; left as one stage: " + p.problem);
    return;
  }
  SplitStage(st, p);
  ReportSplit(st, p);
}

}  // namespace safebuild::rewrite
