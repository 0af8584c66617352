// The rewrite driver: parse, refuse what cannot be edited safely, run the
// rule families, render, and check that the result parses again.
#include "rewrite/rewrite.h"

#include <algorithm>
#include <string>

#include "containerfile/lint.h"
#include "containerfile/parser.h"
#include "detect/detector.h"
#include "rewrite/rewrite_internal.h"
#include "util/text.h"

namespace safebuild {
namespace rewrite {

void State::Need(SecretNeed need) {
  for (auto& have : result.secrets) {
    if (have.id == need.id && have.kind == need.kind) {
      if (!have.value) have.value = need.value;
      return;
    }
  }
  result.secrets.push_back(std::move(need));
}

void State::Advise(std::string text) {
  if (std::find(result.advice.begin(), result.advice.end(), text) == result.advice.end()) {
    result.advice.push_back(std::move(text));
  }
}

namespace {

// A mount's value without the owner and mode, which only decide who reads it.
std::string MountKey(const std::string& value) {
  std::string key;
  for (const auto& part : Split(value, ',')) {
    if (StartsWith(part, "uid=") || StartsWith(part, "gid=") || StartsWith(part, "mode=")) {
      continue;
    }
    key += (key.empty() ? "" : ",") + part;
  }
  return key;
}

// A secret mount whose target is a key file that its reader checks the
// mode of: anything in a .ssh directory, PEM keys, .pgpass.
bool IsPrivateKeyMount(const std::string& mount) {
  for (const auto& part : Split(mount, ',')) {
    if (!StartsWith(part, "target=")) continue;
    std::string target = part.substr(7);
    std::string rule = CredentialFileRule(target);
    return target.find("/.ssh/") != std::string::npos || rule == "credential-file-ssh-key" ||
           rule == "credential-file-private-key" || rule == "credential-file-pgpass";
  }
  return false;
}

}  // namespace

void State::Mount(size_t index, const std::string& given, const std::string& prelude) {
  const Instruction& ins = file.instructions[index];
  std::string mount = given;
  if (StartsWith(mount, "--mount=type=secret,") && mount.find(",uid=") == std::string::npos &&
      mount.find(",mode=") == std::string::npos) {
    // An ONBUILD step runs as whichever user the later build has then.
    std::string attrs = ins.keyword == "ONBUILD" ? ",mode=0444" : RunUserAttrs(*this, index);
    // ssh and libpq ignore a key file that others can read: a key keeps
    // podman's root-only 0400 rather than 0444 for a user not known.
    if (attrs != ",mode=0444" || !IsPrivateKeyMount(mount)) mount += attrs;
  }
  // Already mounted (by hand, or by an earlier rule): leave the step as is.
  std::string wanted = MountKey(mount.substr(std::string("--mount=").size()));
  for (const auto& f : ins.flags) {
    if (f.name == "mount" && MountKey(f.value) == wanted) return;
  }
  InstructionEdit& e = edits[index];
  // One mount may feed two variables (an ARG and the ENV that renames it).
  if (std::find(e.mounts.begin(), e.mounts.end(), mount) == e.mounts.end()) {
    e.mounts.push_back(mount);
  }
  if (std::find(e.preludes.begin(), e.preludes.end(), prelude) == e.preludes.end()) {
    e.preludes.push_back(prelude);
  }
  if (ins.keyword == "ONBUILD") {
    size_t id = mount.find(",id=");
    std::string name = id == std::string::npos
                           ? mount
                           : mount.substr(id + 4, mount.find(',', id + 4) - (id + 4));
    Advise("ONBUILD RUN at line " + std::to_string(ins.start_line) + " reads secret " + name +
           " from a mount: each build FROM this image runs it and must pass --secret id=" +
           name + " (this build does not run it)");
  }
}

bool IsEditableRun(const Instruction& ins) {
  return ins.keyword == "RUN" && IsEditableRunStep(ins);
}

bool IsEditableRunStep(const Instruction& ins) {
  return ins.Effective() == "RUN" && !ins.exec_form && ins.heredocs.empty() &&
         !Trim(ins.args).empty();
}

namespace {

// Reasons to leave the whole file alone.
std::string Unsafe(const Containerfile& cf, const PodmanVersion& target) {
  if (cf.ignored_escape_line != 0) {
    return "line " + std::to_string(cf.ignored_escape_line) +
           ": podman ignores this escape directive but BuildKit honours it; the file "
           "reads differently in each";
  }
  for (const auto& ins : cf.instructions) {
    if (!ins.heredocs.empty() && !target.AtLeast(4, 8)) {
      return "line " + std::to_string(ins.start_line) + ": heredocs need podman 4.8 or later";
    }
  }
  return "";
}

bool HasNote(const RewriteResult& r, int line) {
  auto at = [line](const RewriteNote& n) { return n.line == line; };
  return std::any_of(r.changes.begin(), r.changes.end(), at) ||
         std::any_of(r.skipped.begin(), r.skipped.end(), at);
}

// Why no rule takes up a secret that lint still finds (`rule`) in `ins`.
std::string WhyLeft(const Instruction* ins, const std::string& rule) {
  std::string keyword = ins == nullptr ? "" : ins->keyword;
  if (rule == "run-writes-credentials") {
    return "the credential file this step writes reaches the image (through a later "
           "step, FROM or COPY --from), and no rewrite rule can split this file into a "
           "build stage: remove the file in the same RUN after its last use";
  }
  if (keyword == "ONBUILD") {
    return "an ONBUILD step runs in the later builds FROM this image, which this rewrite "
           "does not see: rotate the secret and give those builds a --secret";
  }
  if (keyword == "RUN") {
    return "no rewrite rule knows this use of the secret: rotate it, mount it with "
           "RUN --mount=type=secret and pass it with --secret";
  }
  return "no rewrite rule takes a secret in " + (keyword.empty() ? "this line" : keyword) +
         ": rotate it and pass it at build or run time instead";
}

const Instruction* InstructionAt(const Containerfile& file, int line) {
  for (const auto& ins : file.instructions) {
    if (ins.start_line <= line && line <= ins.end_line) return &ins;
  }
  return nullptr;
}

// What would still block the rewritten file and no rule took up, and a
// credential file that a RUN leaves for the image: said, with why, so that
// nothing is left silently.
void ReportLeftovers(const std::string& out, const std::string& path,
                     const std::vector<int>& origins, RewriteResult& result) {
  auto parsed = ParseContainerfile(out, path);
  if (!parsed) return;
  LintInput input;
  input.file = &*parsed;
  for (const Finding& f : Lint(input, Detector::Default())) {
    bool leaks = f.severity >= Severity::kHigh ||
                 (f.rule == "run-writes-credentials" && f.severity >= Severity::kMedium);
    if (f.origin != Origin::kContainerfile || !leaks || f.line <= 0) continue;
    size_t at = static_cast<size_t>(f.line) - 1;
    int line = at < origins.size() ? origins[at] : 0;
    if (line == 0 || HasNote(result, line)) continue;
    std::string why = WhyLeft(InstructionAt(*parsed, f.line), f.rule);
    result.skipped.push_back(
        {line, "rewrite", "left as is: " + why + " (" + f.message + ") [" + f.rule + "]"});
  }
}

}  // namespace
}  // namespace rewrite

Expected<PodmanVersion> ParsePodmanVersion(std::string_view text) {
  std::string_view t = Trim(text);
  if (!t.empty() && (t[0] == 'v' || t[0] == 'V')) t.remove_prefix(1);
  std::vector<std::string> parts = Split(t, '.');
  auto number = [](const std::string& s, int& out) {
    if (s.empty() || s.size() > 4) return false;
    out = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    return true;
  };
  PodmanVersion v;
  std::string minor = parts.size() > 1 ? parts[1].substr(0, parts[1].find('-')) : "";
  if (parts.size() < 2 || !number(parts[0], v.major) || !number(minor, v.minor)) {
    return Fail("not a podman version: \"" + std::string(t) + "\" (expected X.Y)");
  }
  return v;
}

bool SupportsSecretEnvMount(const PodmanVersion& v) { return v.AtLeast(5, 8); }

Expected<RewriteResult> RewriteContainerfile(std::string_view text, const std::string& path,
                                             const RewriteOptions& options) {
  auto parsed = ParseContainerfile(text, path);
  if (!parsed) return Fail(parsed.error());
  RewriteResult result;
  result.text = std::string(text);
  if (std::string why = rewrite::Unsafe(*parsed, options.target); !why.empty()) {
    result.skipped.push_back({0, "rewrite", "file left as is: " + why});
    return result;
  }
  rewrite::State st{*parsed, options, result, {}, {}, {}};
  rewrite::RewriteSecretVariables(st);
  rewrite::RewriteCopiedCredentials(st);
  rewrite::RewriteDownloads(st);
  rewrite::RewriteRunLiterals(st);
  rewrite::RewriteToMultiStage(st);
  std::vector<int> origins;
  std::string out = rewrite::RenderEdits(text, st, origins);
  // A rewrite that podman could not read would be worse than none.
  if (auto again = ParseContainerfile(out, path); !again) {
    RewriteResult refused;
    refused.text = std::string(text);
    refused.skipped.push_back({0, "rewrite", "file left as is: the rewritten file "
                                             "does not parse (" + again.error() + ")"});
    return refused;
  }
  rewrite::ReportLeftovers(out, path, origins, result);
  // Rules run kind by kind; the user reads the notes in file order.
  auto by_line = [](const RewriteNote& a, const RewriteNote& b) { return a.line < b.line; };
  std::stable_sort(result.changes.begin(), result.changes.end(), by_line);
  std::stable_sort(result.skipped.begin(), result.skipped.end(), by_line);
  result.text = std::move(out);
  result.changed = result.text != text;
  result.line_origin = std::move(origins);
  return result;
}

int RewriteResult::OriginalLine(int line) const {
  if (!changed) return line;
  if (line < 1 || line > static_cast<int>(line_origin.size())) return 0;
  return line_origin[static_cast<size_t>(line) - 1];
}

std::vector<std::string> BuildFlags(const std::vector<SecretNeed>& needs) {
  std::vector<std::string> flags;
  for (const auto& n : needs) {
    switch (n.kind) {
      case SecretNeed::kEnv:
        flags.push_back("--secret id=" + n.id + ",type=env,env=" + n.source);
        break;
      case SecretNeed::kFile:
        flags.push_back("--secret id=" + n.id + ",type=file,src=" + n.source);
        break;
      case SecretNeed::kSsh:
        flags.push_back("--ssh " + n.source);
        break;
    }
  }
  return flags;
}

}  // namespace safebuild
