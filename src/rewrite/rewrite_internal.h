// Shared between the rewrite rules: the parsed file, the edits collected
// per instruction, and the result being filled. Rules only record edits;
// edit_plan.cc turns them into text at the end, so that two rules touching
// the same RUN (two secrets, say) compose.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "containerfile/parser.h"
#include "rewrite/rewrite.h"

namespace safebuild::rewrite {

struct InstructionEdit {
  bool remove = false;
  std::optional<std::string> replace;  // the whole instruction, one line
  std::vector<std::string> mounts;     // "--mount=…" flags to add
  std::vector<std::string> preludes;   // shell text put before the script
  // Text replaced (first occurrence) in the instruction's lines, after
  // mounts and preludes are in.
  std::vector<std::pair<std::string, std::string>> substitutions;
  std::vector<std::string> before;  // whole lines put before the instruction
  std::string append;               // added to its last line
  bool moved = false;  // rendered in the tail instead of its own place
};

/// A line added after the last one: literal text, or an instruction of the
/// file rendered with its edits (one that moved to a new final stage).
struct TailItem {
  std::string text;
  std::optional<size_t> instruction;
};

struct State {
  const Containerfile& file;
  const RewriteOptions& options;
  RewriteResult& result;
  std::map<size_t, InstructionEdit> edits;  // by instruction index
  std::vector<TailItem> tail;               // after the last line
  // Secret defaults of ARGs before the first FROM, taken out of the file:
  // the value of a stage's `ARG NAME` that inherits one.
  std::map<std::string, std::string> global_defaults;

  void Change(int line, std::string rule, std::string message) {
    result.changes.push_back({line, std::move(rule), std::move(message)});
  }
  void Skip(int line, std::string rule, std::string message) {
    result.skipped.push_back({line, std::move(rule), std::move(message)});
  }
  void Need(SecretNeed need);
  void Advise(std::string text);
  // Adds a mount (and its prelude) to RUN `index` unless it is already there.
  void Mount(size_t index, const std::string& mount, const std::string& prelude);
};

inline constexpr char kRuleArg[] = "rewrite-arg-secret";
inline constexpr char kRuleLiteral[] = "rewrite-literal-secret";
inline constexpr char kRuleCopy[] = "rewrite-copied-credential";
inline constexpr char kRuleSsh[] = "rewrite-ssh-key";
inline constexpr char kRuleDownload[] = "rewrite-download-credentials";
inline constexpr char kRuleStages[] = "rewrite-multi-stage";
inline constexpr char kRuleRunLiteral[] = "rewrite-run-literal";
inline constexpr char kRuleUnusedArg[] = "rewrite-unused-build-arg";

/// True when `text` names the variable: `$NAME` or `${NAME…}`.
bool ReferencesVariable(std::string_view text, std::string_view name);

/// Is RUN `ins` one we can edit: shell form, no heredoc, not ONBUILD.
bool IsEditableRun(const Instruction& ins);

/// Rule families; each records edits into `st`.
void RewriteSecretVariables(State& st);
void RewriteCopiedCredentials(State& st);
void RewriteDownloads(State& st);
// After the download rules: what they moved is not moved twice.
void RewriteRunLiterals(State& st);
// Runs last: it reads the secret mounts the other families added.
void RewriteToMultiStage(State& st);

/// Applies the edits to `text` (the file the parser read); `origins` gets
/// the line of `text` each line of the result came from, 0 for added ones.
std::string RenderEdits(std::string_view text, const State& st, std::vector<int>& origins);

}  // namespace safebuild::rewrite
