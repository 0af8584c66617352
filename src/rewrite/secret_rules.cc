// ARG, ENV and LABEL values that are secrets. An ARG's value reaches every
// later RUN of its stage as an environment variable and podman writes it into
// the history of each of those RUN steps, so the ARG goes and the RUN steps
// that use it read a build secret instead. Which RUN steps: those that name
// the variable; when none does, every later RUN of the stage, since a tool may
// read it from the environment without the script naming it. A secret
// literal in ENV or LABEL is taken out of the file; ENV values that a RUN
// names come from a build secret, the rest belong in a run-time secret. An
// ENV (one that copies an ARG too) is also in the environment of the stages
// built FROM its stage, so their RUN steps get the secret as well. An ENV
// that copies the value under another name (`ENV NODE_AUTH_TOKEN=$NPM_TOKEN`,
// read by npm through an .npmrc) goes too, and the steps after it get the
// secret exported under that name, chosen as for the variable itself.
// An exec-form RUN gets the secret through a /bin/sh that runs the prelude
// and then execs its argv (or the prelude goes before the script of a
// `sh -c SCRIPT` array); one that runs no shell cannot name the variable,
// only read it from its environment, so it always gets it. A stage is
// taken to have /bin/sh unless it starts FROM scratch or a distroless image
// (directly or through earlier stages) with no shell-form RUN before the
// step: there the RUN is left as is, with the reason.
#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "containerfile/secret_names.h"
#include "detect/detector.h"
#include "rewrite/rewrite_internal.h"
#include "util/text.h"

namespace safebuild::rewrite {
namespace {

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

bool ValueIsSecret(const std::string& key, const std::string& value) {
  if (value.empty() || IsVariableReference(value)) return false;
  const Detector& d = Detector::Default();
  return d.LooksLikeSecret(value) || !d.Scan(key + "=" + value).empty();
}

std::optional<std::string> BuildArgValue(const RewriteOptions& o, const std::string& name) {
  for (auto it = o.build_args.rbegin(); it != o.build_args.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return std::nullopt;
}

// Secret `id` as variable `var` of the step (the name an ENV gave it).
std::string SecretMount(const State& st, const std::string& id, const std::string& var) {
  std::string m = "--mount=type=secret,id=" + id;
  if (SupportsSecretEnvMount(st.options.target)) m += ",env=" + var;
  return m;
}

// Fails the step when the secret is missing or empty, then exports it as
// the variable the ARG or ENV used to provide. `export V="$(cat …)"` would
// hide a cat that fails (a file the step's user cannot read): the
// assignment comes first, so that its status counts.
std::string SecretPrelude(const State& st, const std::string& id, const std::string& var) {
  std::string fail = " || { echo 'secret " + id + " is missing or empty' >&2; exit 1; }; ";
  if (SupportsSecretEnvMount(st.options.target)) return "test -n \"$" + var + "\"" + fail;
  std::string file = "/run/secrets/" + id;
  return "test -s " + file + fail + var + "=\"$(cat " + file + ")\" || exit 1; export " + var +
         "; ";
}

// `ENV NAME=$FROM`: the value of FROM handed on as NAME (maybe FROM itself).
struct Alias {
  size_t index = 0;
  std::string name;
  std::string from;
};

// A RUN that reads the secret under a name an ENV gave it.
struct Reader {
  size_t run = 0;
  std::string var;
};

// The RUN steps after `index` that get the secret, or the reason the
// variable cannot be rewritten.
struct Users {
  std::vector<size_t> runs;
  std::vector<Reader> renamed;  // after an ENV that copies it to a new name
  std::vector<Alias> aliases;   // the ENV pairs that carry it on
  // The instructions [first, second) the value reaches: the rest of its
  // stage, and the stages built FROM it while it is in their environment.
  std::vector<std::pair<size_t, size_t>> spans;
  std::string problem;
};

constexpr int kMaxAliasDepth = 16;  // ENV B=$A, ENV C=$B, …

// The names that `ENV NEW=$NAME` (or `${NAME}`, in double quotes or none)
// pairs of `ins` copy the value to: the usual way to hand an ARG to the
// steps (and the container) that follow. Empty when a pair uses $NAME in
// another way (single quotes keep it literal) or sets NAME anew.
std::vector<std::string> AliasNames(const State& st, const Instruction& ins,
                                    const std::string& name) {
  std::vector<std::string> names;
  if (ins.keyword != "ENV") return names;
  for (const auto& kv : SplitKeyValues(ins, st.file.escape)) {
    bool single = kv.value_offset < ins.args.size() && ins.args[kv.value_offset] == '\'';
    bool copies = !single && (kv.value == "$" + name || kv.value == "${" + name + "}");
    if (copies) {
      names.push_back(kv.key);
    } else if (kv.key == name || ReferencesVariable(kv.value, name)) {
      return {};
    }
  }
  return names;
}

// `ENV NAME=…` with a value of its own: the steps after it read that one.
// One that reads $NAME is not (`ENV NAME=$NAME:/x` needs the old value).
bool SetsAnew(const State& st, const Instruction& ins, const std::string& name) {
  if (ins.keyword != "ENV" || ReferencesVariable(ins.args, name)) return false;
  auto pairs = SplitKeyValues(ins, st.file.escape);
  return std::any_of(pairs.begin(), pairs.end(),
                     [&](const KeyValue& kv) { return kv.key == name; });
}

// Collects the users of `name` from instruction `begin` to the end of
// `stage`; true when the value lasts to that end (no ENV sets it anew).
bool ScanStage(const State& st, size_t begin, int stage, const std::string& name, Users& u) {
  const auto& all = st.file.instructions;
  size_t j = begin;
  for (; j < all.size() && all[j].stage == stage && u.problem.empty(); ++j) {
    const Instruction& ins = all[j];
    bool named = ReferencesVariable(ins.args, name);
    if (SetsAnew(st, ins, name)) break;
    std::vector<std::string> names;
    if (named && !st.edits.count(j)) names = AliasNames(st, ins, name);
    if (ins.keyword == "SHELL") {
      u.problem = "SHELL at line " + std::to_string(ins.start_line) +
                  " changes the shell the secret prelude is written for";
    } else if (!names.empty()) {
      for (auto& n : names) u.aliases.push_back({j, n, name});
    } else if (named && ins.keyword == "ONBUILD") {
      // Its step runs in the builds FROM this image: gone from the ENV,
      // the value would reach them empty, and silently.
      u.problem = "ONBUILD at line " + std::to_string(ins.start_line) + " uses $" + name +
                  " in the builds FROM this image, which this rewrite does not see";
    } else if (named && ins.Effective() != "RUN") {
      u.problem = ins.keyword + " at line " + std::to_string(ins.start_line) +
                  " uses $" + name + " outside RUN";
    } else if (ins.keyword == "RUN" && named) {
      u.runs.push_back(j);
    }
  }
  u.spans.emplace_back(begin, j);
  return u.problem.empty() && (j == all.size() || all[j].stage != stage);
}

// An ENV lasts into the stages built FROM its stage, and into those built
// FROM them. A stage is named by its AS name in any case (BuildKit) or its
// index; podman matches the name exactly and the index of a stage without
// AS only, so this finds a few more, never fewer. Stages name earlier ones
// only: one pass in order finds them all.
void FollowIntoLaterStages(const State& st, size_t index, const std::string& name, Users& u) {
  const auto& all = st.file.instructions;
  std::set<int> carrying = {all[index].stage};
  std::map<std::string, int> by_name;  // AS name (lower case) → stage
  for (size_t f = 0; f < all.size() && u.problem.empty(); ++f) {
    if (all[f].keyword != "FROM") continue;
    std::istringstream in(all[f].args);
    std::vector<std::string> words{std::istream_iterator<std::string>(in), {}};
    std::string base = words.empty() ? "" : ToLower(words[0]);
    auto it = by_name.find(base);
    int from = it != by_name.end() ? it->second : -1;
    if (from < 0 && !base.empty() && base.size() < 10 &&
        base.find_first_not_of("0123456789") == std::string::npos) {
      from = std::stoi(base);
    }
    int stage = all[f].stage;
    if (words.size() == 3 && ToLower(words[1]) == "as") by_name[ToLower(words[2])] = stage;
    if (stage <= all[index].stage || from >= stage || carrying.count(from) == 0) continue;
    if (ScanStage(st, f + 1, stage, name, u)) carrying.insert(stage);
  }
}

// An exec-form RUN that starts no shell: it cannot name the variable, so
// any use of it is through its environment.
bool RunsNoShell(const Instruction& ins) {
  return ins.exec_form && !IsShellScriptArray(ins.exec);
}

// Has /bin/sh been there before instruction `index`: a shell-form RUN ran
// in its stage (or a stage it is built FROM), or the stages start from an
// image other than scratch and distroless ones, which hold no shell.
bool ShellKnownBefore(const State& st, size_t index, int depth) {
  const auto& all = st.file.instructions;
  for (size_t i = index; i-- > 0;) {
    if (all[i].keyword == "RUN" && !all[i].exec_form) return true;
    if (all[i].keyword != "FROM") continue;
    std::istringstream in(all[i].args);
    std::string base;
    in >> base;
    base = ToLower(base);
    if (base == "scratch" || base.find("distroless") != std::string::npos) return false;
    int from = StageNamed(st.file, base, all[i].stage);
    if (from < 0) return true;
    size_t end = i;
    while (end > 0 && all[end - 1].stage > from) --end;
    return depth < kMaxAliasDepth * 4 && ShellKnownBefore(st, end, depth + 1);
  }
  return false;
}

// Why RUN `j` cannot take the secret prelude; "" when it can.
std::string CannotTakePrelude(const State& st, size_t j) {
  const Instruction& ins = st.file.instructions[j];
  std::string at = "RUN at line " + std::to_string(ins.start_line);
  if (!ins.heredocs.empty()) return at + " has a heredoc; it cannot read the secret";
  if (!ins.exec_form) return Trim(ins.args).empty() ? at + " is empty" : "";
  if (ins.exec.empty()) return at + " is an empty exec form";
  if (IsShellScriptArray(ins.exec) || ShellKnownBefore(st, j, 0)) return "";
  return at + " is in exec form in a stage that starts FROM scratch or a distroless image, "
              "where /bin/sh, which would read the secret for it, is not known to exist";
}

Users FindUsers(const State& st, size_t index, const std::string& name, int depth);

// The steps after each ENV that copies the value to a new name get it
// under that name, as the variable itself (FindUsers).
void FollowRenames(const State& st, const std::string& name, int depth, Users& u) {
  std::vector<Alias> aliases = u.aliases;
  for (const Alias& a : aliases) {
    if (a.name == name || !u.problem.empty()) continue;
    if (depth >= kMaxAliasDepth) {
      u.problem = "too many ENV steps hand it on under new names";
      return;
    }
    Users sub = FindUsers(st, a.index, a.name, depth + 1);
    u.problem = sub.problem;
    for (size_t j : sub.runs) u.renamed.push_back({j, a.name});
    u.renamed.insert(u.renamed.end(), sub.renamed.begin(), sub.renamed.end());
    u.aliases.insert(u.aliases.end(), sub.aliases.begin(), sub.aliases.end());
  }
}

// A tool may read the variable from its environment without the script
// naming it (npm reads NODE_AUTH_TOKEN): when no RUN names it, every RUN
// it reaches gets it; an exec-form one that starts no shell always does.
Users FindUsers(const State& st, size_t index, const std::string& name, int depth) {
  const auto& all = st.file.instructions;
  Users u;
  bool lasts = ScanStage(st, index + 1, all[index].stage, name, u);
  // An ARG reaches the next stages only through an ENV that copies it.
  bool copied = std::any_of(u.aliases.begin(), u.aliases.end(),
                            [&](const Alias& a) { return a.name == name; });
  if (lasts && (all[index].keyword == "ENV" || copied)) {
    FollowIntoLaterStages(st, index, name, u);
  }
  if (!u.problem.empty()) return u;
  std::set<size_t> named(u.runs.begin(), u.runs.end());
  const bool in_env = all[index].keyword == "ENV" || copied;
  u.runs.clear();
  for (auto [begin, end] : u.spans) {
    for (size_t j = begin; j < end; ++j) {
      // A tool in an ONBUILD step may read the ENV as well, in builds
      // this rewrite does not see: without it, it would read nothing.
      if (all[j].keyword == "ONBUILD" && named.empty() && in_env) {
        u.problem = "ONBUILD at line " + std::to_string(all[j].start_line) + " may read $" +
                    name + " from the image's ENV in the builds FROM it, which this rewrite "
                    "does not see";
        return u;
      }
      if (all[j].keyword != "RUN") continue;
      if (named.empty() || named.count(j) > 0 || RunsNoShell(all[j])) u.runs.push_back(j);
    }
  }
  for (size_t j : u.runs) {
    u.problem = CannotTakePrelude(st, j);
    if (!u.problem.empty()) return u;
  }
  FollowRenames(st, name, depth, u);
  return u;
}

// Every RUN that gets the secret, under any name, in order.
std::vector<size_t> AllRuns(const Users& u) {
  std::set<size_t> runs(u.runs.begin(), u.runs.end());
  for (const Reader& r : u.renamed) runs.insert(r.run);
  return {runs.begin(), runs.end()};
}

// Mounts secret `id` on every RUN of `u`, with the preludes that export it
// as `var` and under each name an ENV gave it.
void MountOnRuns(State& st, const Users& u, const std::string& id, const std::string& var) {
  for (size_t j : u.runs) st.Mount(j, SecretMount(st, id, var), SecretPrelude(st, id, var));
  for (const Reader& r : u.renamed) {
    st.Mount(r.run, SecretMount(st, id, r.var), SecretPrelude(st, id, r.var));
  }
}

std::string LineList(const State& st, const std::vector<size_t>& runs) {
  std::string out;
  for (size_t j : runs) {
    out += (out.empty() ? "" : ", ") + std::to_string(st.file.instructions[j].start_line);
  }
  return out;
}

// One pair to take out of an instruction.
struct PairPlan {
  const KeyValue* pair = nullptr;
  bool remove = false;
};

std::string KeptPairs(const Instruction& ins, const std::vector<KeyValue>& pairs,
                      const std::vector<bool>& removed);
std::string RebuiltInstruction(const State& st, const Instruction& ins, std::string kept);
void RemovePairs(State& st, size_t index, const std::vector<KeyValue>& pairs,
                 const std::vector<bool>& removed);

// How a container that needs `var` gets the value of secret `id` at run
// time, now that the image's config does not hold it.
void AdviseRunTime(State& st, const std::string& var, const std::string& id) {
  st.Advise("if the container needs " + var + " at run time, pass it then: printf %s \"$" + id +
            "\" | podman secret create " + ToLower(var) + " - && podman run --secret " +
            ToLower(var) + ",type=env,target=" + var + " IMAGE");
}

// Takes the `ENV NAME=$FROM` pairs out of each alias (the other pairs of
// the line stay); the value stays out of the config, and a container that
// needs it gets it at run time.
void DropAliases(State& st, const Users& users, const std::string& id) {
  std::map<size_t, std::vector<Alias>> by_env;
  for (const Alias& a : users.aliases) by_env[a.index].push_back(a);
  for (const auto& [j, aliases] : by_env) {
    const Instruction& ins = st.file.instructions[j];
    std::vector<KeyValue> pairs = SplitKeyValues(ins, st.file.escape);
    std::vector<bool> removed(pairs.size(), false);
    for (const Alias& a : aliases) {
      for (size_t k = 0; k < pairs.size(); ++k) removed[k] = removed[k] || pairs[k].key == a.name;
      std::string note = "ENV " + a.name + "=$" + a.from + " removed with the ARG";
      if (a.name != a.from) {
        note += ": the image's runtime ENV no longer holds " + a.name +
                "; pass it at run time with podman run --secret";
      }
      st.Change(ins.start_line, kRuleArg, note);
      AdviseRunTime(st, a.name, id);
    }
    RemovePairs(st, j, pairs, removed);
  }
}

// ARG NAME (value from --build-arg or none): a build secret on its RUNs.
bool ArgToSecret(State& st, size_t index, const KeyValue& kv) {
  const Instruction& ins = st.file.instructions[index];
  std::optional<std::string> value = BuildArgValue(st.options, kv.key);
  if (auto g = st.global_defaults.find(kv.key); !value && g != st.global_defaults.end()) {
    value = g->second;
  }
  bool secret = value ? (ValueIsSecret(kv.key, *value) || NameSuggestsSecret(kv.key))
                      : NameSuggestsSecret(kv.key) && !st.options.require_values;
  if (!secret || (value && value->empty())) return false;
  Users users = FindUsers(st, index, kv.key, 0);
  if (!users.problem.empty()) {
    st.Skip(ins.start_line, kRuleArg, "ARG " + kv.key + " left as is: " + users.problem);
    return false;
  }
  MountOnRuns(st, users, kv.key, kv.key);
  DropAliases(st, users, kv.key);
  std::vector<size_t> runs = AllRuns(users);
  bool from_default = st.global_defaults.count(kv.key) > 0 &&
                      !BuildArgValue(st.options, kv.key).has_value();
  SecretNeed need{kv.key, SecretNeed::kEnv, kv.key, value, from_default ? "" : kv.key};
  st.Need(need);
  st.Change(ins.start_line, kRuleArg,
            "ARG " + kv.key + " removed; " +
                (runs.empty() ? std::string("no RUN uses it")
                              : "RUN at line " + LineList(st, runs) +
                                    " read it from a secret mount"));
  return true;
}

// The secret id for literal `value` of variable `name`: the name, unless
// another literal already took that id with another value (one ENV per
// stage, each its own token): then NAME_2, NAME_3, … so that each step
// gets its own value.
std::string LiteralSecretId(const State& st, const std::string& name,
                            const std::optional<std::string>& value) {
  for (int n = 1;; ++n) {
    std::string id = n == 1 ? name : name + "_" + std::to_string(n);
    auto have = std::find_if(st.result.secrets.begin(), st.result.secrets.end(),
                             [&id](const SecretNeed& s) { return s.id == id; });
    if (have == st.result.secrets.end() || !have->value || !value || *have->value == *value) {
      return id;
    }
  }
}

// A literal secret value in ARG, ENV or LABEL.
bool LiteralToSecret(State& st, size_t index, const KeyValue& kv) {
  const Instruction& ins = st.file.instructions[index];
  std::optional<std::string> value = kv.value;
  if (ins.keyword == "ARG") {
    if (auto bv = BuildArgValue(st.options, kv.key)) value = bv;
  }
  Users users;
  // A tool may read an ENV or ARG from its environment without the script
  // naming it (pip reads PIP_INDEX_URL): every later RUN of the stage gets it.
  if (ins.keyword != "LABEL") users = FindUsers(st, index, kv.key, 0);
  if (!users.problem.empty()) {
    st.Skip(ins.start_line, kRuleLiteral,
            ins.keyword + " " + kv.key + " left as is: " + users.problem);
    return false;
  }
  const std::string id = LiteralSecretId(st, kv.key, value);
  MountOnRuns(st, users, id, kv.key);
  DropAliases(st, users, id);
  std::string what = ins.keyword + " " + kv.key;
  if (std::vector<size_t> runs = AllRuns(users); !runs.empty()) {
    st.Need({id, SecretNeed::kEnv, id, value, ""});
    st.Change(ins.start_line, kRuleLiteral,
              what + ": secret value removed; RUN at line " + LineList(st, runs) +
                  " read it from a secret mount");
  } else {
    st.Change(ins.start_line, kRuleLiteral, what + ": secret value removed");
  }
  if (ins.keyword == "ENV") AdviseRunTime(st, kv.key, kv.key);
  st.Advise("rotate the value of " + what + " (line " + std::to_string(ins.start_line) +
            "): it was written in the Containerfile");
  return true;
}

// The instruction's pairs that stay, as written ("K=V" with its quotes).
std::string KeptPairs(const Instruction& ins, const std::vector<KeyValue>& pairs,
                      const std::vector<bool>& removed) {
  std::string out;
  for (size_t k = 0; k < pairs.size(); ++k) {
    if (removed[k]) continue;
    size_t end = k + 1 < pairs.size() ? pairs[k + 1].key_offset : ins.args.size();
    std::string_view raw = Trim(std::string_view(ins.args).substr(
        pairs[k].key_offset, end - pairs[k].key_offset));
    out += (out.empty() ? "" : " ") + std::string(raw);
  }
  return out;
}

// The instruction rebuilt on one line with the kept pairs, its keyword
// written as it was (indentation and case).
std::string RebuiltInstruction(const State& st, const Instruction& ins, std::string kept) {
  const std::string& first = st.file.lines[ins.keyword_pos.line - 1];
  size_t kw_end = static_cast<size_t>(ins.keyword_pos.column - 1) + ins.keyword.size();
  return first.substr(0, std::min(kw_end, first.size())) + " " + kept;
}

// The ARG names of the stages: those whose value now comes from a secret,
// and those a stage still declares. A global ARG of the first kind and not
// of the second reaches no step any more.
struct StageArgs {
  std::set<std::string> moved;
  std::set<std::string> kept;
};

// Takes the removed pairs out of instruction `index`: the whole line when
// none is left.
void RemovePairs(State& st, size_t index, const std::vector<KeyValue>& pairs,
                 const std::vector<bool>& removed) {
  if (std::find(removed.begin(), removed.end(), true) == removed.end()) return;
  const Instruction& ins = st.file.instructions[index];
  std::string kept = KeptPairs(ins, pairs, removed);
  if (kept.empty()) {
    st.edits[index].remove = true;
  } else {
    st.edits[index].replace = RebuiltInstruction(st, ins, kept);
  }
}

void RewriteInstruction(State& st, size_t index, StageArgs& args) {
  const Instruction& ins = st.file.instructions[index];
  std::vector<KeyValue> pairs = SplitKeyValues(ins, st.file.escape);
  std::vector<bool> removed(pairs.size(), false);
  for (size_t k = 0; k < pairs.size(); ++k) {
    const KeyValue& kv = pairs[k];
    if (kv.has_value && ValueIsSecret(kv.key, kv.value)) {
      removed[k] = LiteralToSecret(st, index, kv);
    } else if (ins.keyword == "ARG" &&
               (!kv.has_value || BuildArgValue(st.options, kv.key).has_value() ||
                st.global_defaults.count(kv.key) > 0)) {
      // A harmless default overridden by a --build-arg still carries the
      // build argument's value into the history.
      removed[k] = ArgToSecret(st, index, kv);
    }
    if (ins.keyword == "ARG") (removed[k] ? args.moved : args.kept).insert(kv.key);
  }
  RemovePairs(st, index, pairs, removed);
}

bool UsedByFrom(const State& st, const std::string& name) {
  for (const auto& ins : st.file.instructions) {
    if (ins.keyword == "FROM" && ReferencesVariable(ins.args, name)) return true;
  }
  return false;
}

// An ARG before the first FROM with a secret default: a stage that
// redeclares it gets the value, so the default leaves the file and those
// stages read it from a secret (ArgToSecret). One that a FROM line uses
// is left alone.
std::vector<bool> RewriteGlobalArg(State& st, size_t index) {
  const Instruction& ins = st.file.instructions[index];
  std::vector<KeyValue> pairs = SplitKeyValues(ins, st.file.escape);
  std::vector<bool> removed(pairs.size(), false);
  for (size_t k = 0; k < pairs.size(); ++k) {
    const KeyValue& kv = pairs[k];
    if (!kv.has_value || !ValueIsSecret(kv.key, kv.value)) continue;
    if (UsedByFrom(st, kv.key)) {
      st.Skip(ins.start_line, kRuleLiteral,
              "ARG " + kv.key + " left as is: a FROM line uses it");
      continue;
    }
    std::optional<std::string> given = BuildArgValue(st.options, kv.key);
    st.global_defaults[kv.key] = given ? *given : kv.value;
    removed[k] = true;
    st.Change(ins.start_line, kRuleLiteral, "ARG " + kv.key + ": secret default removed");
    st.Advise("rotate the value of ARG " + kv.key + " (line " +
              std::to_string(ins.start_line) + "): it was written in the Containerfile");
  }
  return removed;
}

// A global ARG reaches a step only through a stage that declares it again
// (or a FROM line): once every such declaration has become a secret, the
// global one is left over, and goes too. Its comment lines stay.
void DropLeftoverGlobalArgs(State& st, const std::map<size_t, std::vector<bool>>& globals,
                            const StageArgs& args) {
  for (auto [index, removed] : globals) {
    const Instruction& ins = st.file.instructions[index];
    std::vector<KeyValue> pairs = SplitKeyValues(ins, st.file.escape);
    for (size_t k = 0; k < pairs.size() && k < removed.size(); ++k) {
      const std::string& name = pairs[k].key;
      if (removed[k] || !args.moved.count(name) || args.kept.count(name) ||
          UsedByFrom(st, name)) {
        continue;
      }
      removed[k] = true;
      st.Change(ins.start_line, kRuleArg,
                "ARG " + name + " removed: every stage that declared it reads a secret now");
    }
    RemovePairs(st, index, pairs, removed);
  }
}

// A --build-arg still goes to podman while a use of it stays as written:
// an ARG of a stage that could not be rewritten (a SHELL in it, say), or a
// FROM line. Dropping it would leave that use an empty value, silently.
void KeepBuildArgsStillUsed(State& st, const StageArgs& args) {
  for (SecretNeed& need : st.result.secrets) {
    const std::string& name = need.replaces_build_arg;
    if (!name.empty() && (args.kept.count(name) > 0 || UsedByFrom(st, name))) {
      need.replaces_build_arg.clear();
    }
  }
}

}  // namespace

bool ReferencesVariable(std::string_view text, std::string_view name) {
  for (size_t at = text.find('$'); at != std::string_view::npos; at = text.find('$', at + 1)) {
    size_t p = at + 1;
    // "${NAME}", "${#NAME}" (its length), "${!NAME}".
    if (p < text.size() && text[p] == '{') ++p;
    if (p < text.size() && text[p - 1] == '{' && (text[p] == '#' || text[p] == '!')) ++p;
    if (text.substr(p, name.size()) != name) continue;
    size_t after = p + name.size();
    if (after >= text.size() || !IsNameChar(text[after])) return true;
  }
  return false;
}

namespace {

// A build argument reaches a step through an ARG of its stage, and a FROM
// line through an ARG before the first FROM; a global ARG that neither a
// stage declares again nor a FROM line uses takes it nowhere.
void DropUnusedBuildArgs(State& st) {
  std::set<std::string> used;
  std::set<std::string> global_only;
  for (const auto& ins : st.file.instructions) {
    if (ins.Effective() != "ARG") continue;
    for (const auto& kv : SplitKeyValues(ins, st.file.escape)) {
      if (ins.stage >= 0 || UsedByFrom(st, kv.key)) {
        used.insert(kv.key);
      } else {
        global_only.insert(kv.key);
      }
    }
  }
  auto& dropped = st.result.unused_build_args;
  for (const auto& [name, value] : st.options.build_args) {
    bool known = used.count(name) > 0 ||
                 std::find(dropped.begin(), dropped.end(), name) != dropped.end();
    if (known || value.empty()) continue;
    if (!ValueIsSecret(name, value) && !NameSuggestsSecret(name)) continue;
    dropped.push_back(name);
    st.Change(0, kRuleUnusedArg,
              global_only.count(name) > 0
                  ? "--build-arg " + name + " dropped: only an ARG before the first FROM "
                    "declares it, and no stage declares it again or FROM line uses it, so "
                    "it reaches no step, layer or history"
                  : "--build-arg " + name + " dropped: no ARG declares it, so podman does "
                    "not use it (it warns that it was not consumed) and it reaches no layer "
                    "or history");
  }
}

}  // namespace

void RewriteSecretVariables(State& st) {
  DropUnusedBuildArgs(st);
  const auto& all = st.file.instructions;
  std::map<size_t, std::vector<bool>> globals;  // global ARGs: the pairs removed
  StageArgs args;
  for (size_t i = 0; i < all.size(); ++i) {
    const std::string& kw = all[i].keyword;
    if (kw != "ARG" && kw != "ENV" && kw != "LABEL") continue;
    if (all[i].stage < 0) {
      if (kw == "ARG") globals[i] = RewriteGlobalArg(st, i);
      continue;
    }
    RewriteInstruction(st, i, args);
  }
  DropLeftoverGlobalArgs(st, globals, args);
  KeepBuildArgsStillUsed(st, args);
}

}  // namespace safebuild::rewrite
