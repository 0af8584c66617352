// The final-stage rule: a RUN step of the image's own stage that reads a
// secret-named ARG. podman records the ARG's value in the history of that
// step, and the history ships with the image; in a builder stage the same
// step's history stays behind, and only the files a later `COPY --from`
// names reach the image. A secret mount alone does not fire: used where it
// is mounted, it leaves nothing behind (see secret-mount-copied and
// run-writes-credentials for the steps that do).
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "containerfile/lint_internal.h"
#include "containerfile/secret_names.h"
#include "util/text.h"

namespace safebuild::lint {
namespace {

constexpr std::string_view kStageFix =
    "move the steps that use the secret into a builder stage (FROM … AS "
    "build) and COPY --from=build only the artifacts into the final stage";

bool IsWordByte(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_';
}

// Offset in `args` of the first "$NAME" or "${NAME…" of one of `names`.
std::optional<size_t> FirstReference(std::string_view args,
                                     const std::set<std::string>& names,
                                     std::string* which) {
  for (size_t at = args.find('$'); at != std::string_view::npos;
       at = args.find('$', at + 1)) {
    size_t b = at + 1;
    if (b < args.size() && args[b] == '{') ++b;
    size_t e = b;
    while (e < args.size() && IsWordByte(args[e])) ++e;
    auto it = names.find(std::string(args.substr(b, e - b)));
    if (e > b && it != names.end()) {
      *which = *it;
      return at;
    }
  }
  return std::nullopt;
}

// ARGs of the stage (a global ARG counts only once the stage redeclares it)
// whose names suggest a secret.
std::set<std::string> SecretArgs(const Containerfile& file, int stage) {
  std::set<std::string> names;
  for (const Instruction& ins : file.instructions) {
    if (ins.stage != stage || ins.Effective() != "ARG") continue;
    for (const KeyValue& kv : SplitKeyValues(ins, file.escape)) {
      if (NameSuggestsSecret(kv.key)) names.insert(kv.key);
    }
  }
  return names;
}

}  // namespace

namespace {

// The stage's name (FROM … AS NAME, lower case), "" without one.
std::string StageName(const Instruction& from) {
  std::istringstream in(from.args);
  std::vector<std::string> words{std::istream_iterator<std::string>(in), {}};
  return words.size() == 3 && ToLower(words[1]) == "as" ? ToLower(words[2]) : "";
}

// Does `ref` (a FROM image or a --from value) name stage `stage`?
bool NamesStage(const Containerfile& file, const std::string& ref, int stage) {
  if (ref == std::to_string(stage)) return true;
  for (const Instruction& ins : file.instructions) {
    if (ins.keyword == "FROM" && ins.stage == stage) {
      std::string name = StageName(ins);
      return !name.empty() && ToLower(ref) == name;
    }
  }
  return false;
}

// Does the COPY --from source `src` hold `path`? Unknown shapes do.
bool SourceHolds(std::string src, const std::string& path) {
  if (path.empty() || path[0] != '/' || src.find_first_of("$*?[") != std::string::npos) {
    return true;
  }
  while (src.size() > 1 && src.back() == '/') src.pop_back();
  return src == "/" || src == "." || path == src || StartsWith(path, src + "/");
}

}  // namespace

bool StageFileReachesImage(const Containerfile& file, int stage, const std::string& path,
                           bool copies) {
  if (file.instructions.empty() || stage < 0) return true;
  const int final_stage = file.instructions.back().stage;
  if (stage >= final_stage) return true;
  for (const Instruction& ins : file.instructions) {
    if (ins.stage <= stage) continue;
    if (ins.keyword == "FROM") {
      std::istringstream in(ins.args);
      std::string image;
      in >> image;
      if (NamesStage(file, image, stage) &&
          StageFileReachesImage(file, ins.stage, path, copies)) {
        return true;
      }
      continue;
    }
    if (!copies || (ins.Effective() != "COPY" && ins.Effective() != "ADD")) continue;
    for (const auto& f : ins.flags) {
      if (f.name != "from" || !NamesStage(file, f.value, stage)) continue;
      std::istringstream in(ins.args);
      std::vector<std::string> words{std::istream_iterator<std::string>(in), {}};
      bool holds = ins.exec_form || words.size() < 2;  // JSON form: not read, so yes
      for (size_t k = 0; !holds && k + 1 < words.size(); ++k) holds = SourceHolds(words[k], path);
      if (holds && StageFileReachesImage(file, ins.stage, path)) return true;
    }
  }
  return false;
}

void LintFinalStage(FindingSink& sink) {
  const Containerfile& file = sink.file();
  if (file.instructions.empty()) return;
  const int final_stage = file.instructions.back().stage;
  if (final_stage < 0) return;
  const std::set<std::string> args = SecretArgs(file, final_stage);
  for (const Instruction& ins : file.instructions) {
    if (ins.stage != final_stage || ins.keyword != "RUN") continue;
    std::string name;
    if (std::optional<size_t> at = FirstReference(ins.args, args, &name)) {
      sink.Add("secret-in-final-stage", Severity::kMedium, ins.PosOf(*at),
               "RUN uses ARG " + name +
                   " in the final stage; its value is recorded in the "
                   "history of the image that ships",
               std::string(kStageFix));
    }
  }
}

// Only ARG may come before the first FROM. podman 4.3 builds anything else
// there as a stage of its own (its output shows "[1/2]") that the image
// does not keep; BuildKit refuses the file. One finding, at the first.
void LintBeforeFirstFrom(FindingSink& sink) {
  for (const Instruction& ins : sink.file().instructions) {
    if (ins.stage >= 0) return;
    if (ins.Effective() == "ARG") continue;
    sink.Add("instruction-before-from", Severity::kMedium, ins.keyword_pos,
             ins.keyword + " before the first FROM: podman builds it into a stage the "
                           "image does not keep, BuildKit refuses the file",
             "move it below FROM (only ARG belongs above the first FROM)");
    return;
  }
}

}  // namespace safebuild::lint
