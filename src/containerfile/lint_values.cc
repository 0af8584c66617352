// Rules on values the Containerfile or the build command sets: ENV, ARG and
// LABEL pairs and --build-arg values. The value decides the severity: a
// secret-looking value (by the detector) is high or critical, a name that
// only suggests a secret gives low-severity advice.
#include <optional>

#include "containerfile/lint_internal.h"
#include "containerfile/secret_names.h"
#include "util/text.h"

namespace safebuild::lint {
namespace {

constexpr std::string_view kArgFix =
    "build with --secret id=NAME,src=FILE and read it in RUN "
    "--mount=type=secret,id=NAME instead of an ARG";

std::string ArgFix(const std::string& name) {
  return ReplaceAll(std::string(kArgFix), "NAME", name);
}

// Values that are plainly not credentials even under a secret-ish name.
bool IsInertValue(std::string_view v) {
  if (v.empty() || v[0] == '/' || StartsWith(v, "./") || StartsWith(v, "~/")) {
    return true;
  }
  if (v.find("://") != std::string_view::npos &&
      v.find('@') == std::string_view::npos) {
    return true;
  }
  static constexpr std::string_view kWords[] = {
      "true", "false", "yes", "no", "on", "off", "none", "null", "0", "1"};
  std::string lower = ToLower(v);
  for (std::string_view w : kWords) {
    if (lower == w) return true;
  }
  return v.find_first_not_of("0123456789") == std::string_view::npos;
}

// Secrets in one pair: what the detector finds in "KEY=VALUE", else the
// whole value when the name suggests a secret and the value looks like one.
std::vector<SecretSpan> PairSecrets(const Instruction& ins, const KeyValue& kv,
                                    std::string_view path,
                                    const Detector& detector) {
  std::vector<SecretSpan> found;
  if (!kv.has_value || kv.value.empty()) return found;
  Segment pair = PairSegment(ins, kv);
  for (const Match& m : detector.Scan(pair.text, path)) {
    found.push_back(SpanOfMatch(m, pair));
  }
  if (found.empty() && NameSuggestsSecret(kv.key) &&
      !IsVariableReference(kv.value) && !IsPlaceholder(kv.value) &&
      detector.LooksLikeSecret(kv.value)) {
    found.push_back(SpanOfValue(kHighEntropyRule, Severity::kHigh,
                                pair.Sub(kv.key.size() + 1, kv.value.size())));
  }
  return found;
}

SourcePos ValuePos(const Instruction& ins, const KeyValue& kv) {
  return ins.PosOf(kv.value_offsets.empty() ? kv.value_offset
                                            : kv.value_offsets[0]);
}

void ReportPairSecret(const Instruction& ins, const KeyValue& kv,
                      const SecretSpan& s, FindingSink& sink) {
  const std::string& k = ins.Effective();
  const std::string why = " (" + s.rule + ")";
  const std::string onbuild = ins.onbuild_keyword.empty() ? "" : "ONBUILD ";
  if (k == "ENV") {
    sink.AddSecret(
        "secret-in-env", s,
        onbuild + "ENV sets " + kv.key + " to a secret" + why +
            "; it is stored in the image config",
        "pass " + kv.key +
            " at run time (podman run --env or --secret), not in ENV");
  } else if (k == "ARG") {
    sink.AddSecret("secret-in-arg-default", s,
                   onbuild + "ARG " + kv.key + " defaults to a secret" + why +
                       "; it is recorded in the history of every RUN after it",
                   "remove the default; " + ArgFix(kv.key));
  } else {
    sink.AddSecret("secret-in-label", s,
                   onbuild + "LABEL " + kv.key + " holds a secret" + why +
                       "; labels are stored in the image config",
                   "remove the secret from the label");
  }
}

// ENV NAME=… under a secret-ish name, with a value that is not a secret.
void AdviseEnv(const Instruction& ins, const KeyValue& kv, FindingSink& sink) {
  if (!kv.has_value || IsInertValue(kv.value) || !NameSuggestsSecret(kv.key)) {
    return;
  }
  const SourcePos at = ValuePos(ins, kv);
  const std::string fix =
      "set " + kv.key + " at run time (podman run --env or --secret)";
  if (IsVariableReference(kv.value)) {
    sink.Add("secret-name-in-env", Severity::kLow, at,
             "ENV " + kv.key +
                 " copies a build variable into the image config; "
                 "whatever value the build passes is stored in the image",
             fix + " instead of ENV");
  } else if (IsPlaceholder(kv.value)) {
    sink.Add("placeholder-secret-value", Severity::kLow, at,
             "ENV " + kv.key +
                 " sets a placeholder; pass the real value at run time",
             fix + " and drop the default");
  } else {
    sink.Add("secret-name-in-env", Severity::kLow, at,
             "ENV " + kv.key +
                 " sets a literal value that is stored in the image config; "
                 "if it is a real credential, pass it at run time",
             fix + " instead of ENV");
  }
}

// ARG NAME under a secret-ish name: its value lands in the history.
void AdviseArg(const Instruction& ins, const KeyValue& kv,
               const SecretSpan* secret, FindingSink& sink) {
  if (!NameSuggestsSecret(kv.key)) return;
  std::string message =
      ins.stage >= 0
          ? "ARG " + kv.key +
                ": its value is recorded in the image history of every RUN "
                "after it; use RUN --mount=type=secret"
          : "ARG " + kv.key +
                " is declared before FROM; a stage that redeclares it "
                "records its value in the history of every RUN after that";
  Finding& f = sink.Add(
      "secret-arg", secret != nullptr ? secret->severity : Severity::kLow,
      ins.PosOf(kv.key_offset), std::move(message), ArgFix(kv.key));
  if (secret != nullptr) {
    f.fingerprint = secret->fingerprint;
    f.redacted = secret->redacted;
  }
  if (kv.has_value && secret == nullptr && !IsInertValue(kv.value) &&
      !IsVariableReference(kv.value) && IsPlaceholder(kv.value)) {
    sink.Add("placeholder-secret-value", Severity::kLow, ValuePos(ins, kv),
             "ARG " + kv.key +
                 " defaults to a placeholder; pass the real value as a secret",
             ArgFix(kv.key));
  }
}

std::string ScanPath(const Instruction& ins, const KeyValue& kv) {
  const std::string& k = ins.Effective();
  if (k == "ENV") return "Env/" + kv.key;
  if (k == "LABEL") return "Labels/" + kv.key;
  return "";
}

// The ARG that declares `name`: the first inside a stage, else the first
// before FROM.
std::optional<SourcePos> DeclaringArg(const Containerfile& file,
                                      const std::string& name) {
  std::optional<SourcePos> global;
  for (const Instruction& ins : file.instructions) {
    if (ins.Effective() != "ARG") continue;
    for (const KeyValue& kv : SplitKeyValues(ins, file.escape)) {
      if (kv.key != name) continue;
      if (ins.stage >= 0) return ins.PosOf(kv.key_offset);
      if (!global) global = ins.PosOf(kv.key_offset);
    }
  }
  return global;
}

}  // namespace

BuildArgSecrets FindBuildArgSecrets(const LintInput& input, FindingSink& sink) {
  BuildArgSecrets out;
  const Detector& detector = sink.detector();
  for (const auto& [name, value] : input.build_args) {
    if (value.empty() || out.count(name) != 0) {
      continue;  // from the environment: unknown
    }
    Segment text;
    for (char c : name + "=" + value) text.Push(c, {1, 1});
    std::optional<SecretSpan> span;
    for (const Match& m : detector.Scan(text.text)) {
      if (m.offset > name.size()) {
        span = SpanOfMatch(m, text);
        break;
      }
    }
    if (!span && !IsPlaceholder(value) && detector.LooksLikeSecret(value)) {
      span = SpanOfValue(kHighEntropyRule, Severity::kHigh,
                         text.Sub(name.size() + 1, value.size()));
    }
    if (!span) continue;
    sink.Remember(value);
    sink.Remember(span->where.text);
    out.emplace(name, std::move(*span));
  }
  return out;
}

void LintBuildArgs(const BuildArgSecrets& secrets, FindingSink& sink) {
  for (const auto& [name, s] : secrets) {
    std::optional<SourcePos> at = DeclaringArg(sink.file(), name);
    std::string message =
        "--build-arg " + name + " carries a secret (" + s.rule + "); ";
    // podman 4.3 ignores an argument no ARG declares (it warns that it was
    // not consumed): it reaches no layer, config or history entry.
    if (!at) message += "no ARG declares it, so podman ignores it, but once one does ";
    message += "podman records it in history (`|1 " + name + "=…`)";
    Finding& f = sink.Add("build-arg-secret", at ? s.severity : Severity::kLow,
                          at.value_or(SourcePos{1, 1}), std::move(message),
                          ArgFix(name) + " and drop --build-arg " + name);
    f.fingerprint = s.fingerprint;
    f.redacted = s.redacted;
  }
}

void LintKeyValues(const Instruction& ins, const BuildArgSecrets& build_args,
                   FindingSink& sink) {
  const std::string& k = ins.Effective();
  for (const KeyValue& kv : SplitKeyValues(ins, sink.file().escape)) {
    std::vector<SecretSpan> secrets =
        PairSecrets(ins, kv, ScanPath(ins, kv), sink.detector());
    for (const SecretSpan& s : secrets) ReportPairSecret(ins, kv, s, sink);
    if (k == "ENV" && secrets.empty()) AdviseEnv(ins, kv, sink);
    if (k == "ARG") {
      const SecretSpan* secret = secrets.empty() ? nullptr : &secrets.front();
      auto it = build_args.find(kv.key);
      if (secret == nullptr && it != build_args.end()) secret = &it->second;
      AdviseArg(ins, kv, secret, sink);
    }
  }
}

}  // namespace safebuild::lint
