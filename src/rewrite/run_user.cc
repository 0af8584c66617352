// The user a RUN step runs as, for the secret mounts the rewrite adds.
// podman mounts a secret as root's 0400 file, so a step that runs as
// another user reads nothing, and `V="$(cat …)"` fails. The user is the
// last USER of the step's stage; without one, the user the stage starts
// with: an earlier stage's (FROM NAME inherits it) or the base image's
// (its config's User, which only podman can tell: RewriteOptions::
// base_users). A base image that is not known gets the mount readable by
// all (mode=0444): the file exists only in that step's mount namespace,
// on a tmpfs, and reaches no layer, so only the step's own processes can
// read it, whoever they run as.
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "rewrite/rewrite_internal.h"
#include "util/text.h"

namespace safebuild {
namespace rewrite {
namespace {

constexpr int kMaxStageDepth = 64;  // FROM chains; a stage names earlier ones only

bool IsNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '_';
}

using Vars = std::vector<std::pair<std::string, std::optional<std::string>>>;

// The global ARGs a FROM line can use, with the build's values put in; a
// declared ARG without a value holds nullopt.
Vars GlobalArgs(const Containerfile& file, const RewriteOptions& options) {
  Vars vars;
  for (const auto& ins : file.instructions) {
    if (ins.stage >= 0) break;
    if (ins.keyword != "ARG") continue;
    for (const auto& kv : SplitKeyValues(ins, file.escape)) {
      std::optional<std::string> value;
      if (kv.has_value) value = kv.value;
      for (const auto& [name, given] : options.build_args) {
        if (name == kv.key) value = given;
      }
      vars.emplace_back(kv.key, value);
    }
  }
  return vars;
}

std::optional<std::string> Lookup(const Vars& vars, std::string_view name) {
  std::optional<std::string> found;
  bool declared = false;
  for (const auto& [key, value] : vars) {
    if (key == name) {
      declared = true;
      found = value;
    }
  }
  return declared ? found : std::nullopt;
}

// `$NAME`, `${NAME}` and `${NAME:-default}` put in; nullopt when a
// variable has no value or the form is another one.
std::optional<std::string> Expand(std::string_view word, const Vars& vars) {
  std::string out;
  for (size_t i = 0; i < word.size();) {
    if (word[i] != '$') {
      out += word[i++];
      continue;
    }
    bool braced = i + 1 < word.size() && word[i + 1] == '{';
    size_t begin = i + (braced ? 2 : 1);
    size_t end = begin;
    while (end < word.size() && IsNameChar(word[end])) ++end;
    if (end == begin) return std::nullopt;
    std::optional<std::string> value = Lookup(vars, word.substr(begin, end - begin));
    if (braced) {
      size_t close = word.find('}', end);
      if (close == std::string_view::npos) return std::nullopt;
      std::string_view rest = word.substr(end, close - end);
      if (StartsWith(rest, ":-") && (!value || value->empty())) {
        value = std::string(rest.substr(2));
      } else if (!rest.empty() && !StartsWith(rest, ":-")) {
        return std::nullopt;
      }
      end = close + 1;
    }
    if (!value) return std::nullopt;
    out += *value;
    i = end;
  }
  return out;
}

std::string FirstWord(std::string_view args) {
  args = Trim(args);
  return std::string(args.substr(0, args.find_first_of(" \t")));
}

// Index of the instruction after the last one of `stage`.
size_t StageEnd(const Containerfile& file, int stage) {
  size_t i = 0;
  while (i < file.instructions.size() && file.instructions[i].stage <= stage) ++i;
  return i;
}

std::optional<std::string> UserBefore(const State& st, size_t index, int depth);

// The user stage FROM `from` starts with.
std::optional<std::string> StartUser(const State& st, const Instruction& from, int depth) {
  Vars vars = GlobalArgs(st.file, st.options);
  std::optional<std::string> ref = Expand(FirstWord(from.args), vars);
  if (!ref) return std::nullopt;
  if (int stage = StageNamed(st.file, *ref, from.stage); stage >= 0) {
    if (depth >= kMaxStageDepth) return std::nullopt;
    return UserBefore(st, StageEnd(st.file, stage), depth + 1);
  }
  if (ToLower(*ref) == "scratch") return std::string();  // no users at all
  auto it = st.options.base_users.find(*ref);
  if (it == st.options.base_users.end()) return std::nullopt;
  return it->second;
}

// The user of a step at `index`: the last USER before it in its stage,
// else the one its stage starts with; nullopt when that is not known.
std::optional<std::string> UserBefore(const State& st, size_t index, int depth) {
  for (size_t i = index; i-- > 0;) {
    const Instruction& ins = st.file.instructions[i];
    if (ins.keyword == "USER") return std::string(Trim(ins.args));
    if (ins.keyword == "FROM") return StartUser(st, ins, depth);
  }
  return std::nullopt;
}

}  // namespace

int StageNamed(const Containerfile& file, const std::string& ref, int before) {
  if (!ref.empty() && ref.size() < 10 && ref.find_first_not_of("0123456789") == std::string::npos) {
    int index = std::stoi(ref);
    return index < before ? index : -1;
  }
  for (const auto& ins : file.instructions) {
    if (ins.stage >= before) break;
    if (ins.keyword != "FROM") continue;
    std::istringstream in(ins.args);
    std::vector<std::string> words{std::istream_iterator<std::string>(in), {}};
    if (words.size() == 3 && ToLower(words[1]) == "as" && ToLower(words[2]) == ToLower(ref)) {
      return ins.stage;
    }
  }
  return -1;
}

std::optional<int> NumericId(std::string_view name) {
  if (name == "root") return 0;
  if (name.empty() || name.size() > 9 ||
      name.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  return std::stoi(std::string(name));
}

std::string RunUserAttrs(const State& st, size_t index) {
  std::optional<std::string> user = UserBefore(st, index, 0);
  if (!user) return ",mode=0444";
  size_t colon = user->find(':');
  std::string name = user->substr(0, colon);
  std::optional<int> gid =
      colon == std::string::npos ? std::nullopt : NumericId(user->substr(colon + 1));
  std::optional<int> uid = NumericId(name);
  if (name.empty() || uid == 0) return "";
  // A name's uid is only in the image's /etc/passwd.
  if (!uid) return ",mode=0444";
  return ",uid=" + std::to_string(*uid) + (gid ? ",gid=" + std::to_string(*gid) : "");
}

}  // namespace rewrite

std::vector<BaseImage> BaseImages(std::string_view text, const RewriteOptions& options) {
  auto parsed = ParseContainerfile(text, "Containerfile");
  if (!parsed) return {};
  rewrite::Vars vars = rewrite::GlobalArgs(*parsed, options);
  std::vector<BaseImage> out;
  for (const auto& ins : parsed->instructions) {
    if (ins.keyword != "FROM") continue;
    std::optional<std::string> ref = rewrite::Expand(rewrite::FirstWord(ins.args), vars);
    if (!ref || ToLower(*ref) == "scratch" ||
        rewrite::StageNamed(*parsed, *ref, ins.stage) >= 0) {
      continue;
    }
    BaseImage base{*ref, ""};
    for (const auto& f : ins.flags) {
      if (f.name != "platform") continue;
      // A platform podman fills in ($BUILDPLATFORM) is not known here.
      std::optional<std::string> p = rewrite::Expand(f.value, vars);
      base.platform = p ? *p : "?";
    }
    out.push_back(std::move(base));
  }
  return out;
}

}  // namespace safebuild
