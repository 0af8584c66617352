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
  // Bytes of the original lines replaced by position (1-based line and
  // column), before anything else goes in; cuts do not overlap.
  struct Cut {
    int line = 0;
    int column = 0;
    size_t length = 0;
    std::string text;
  };
  std::vector<Cut> cuts;
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
  // Adds a mount (and its prelude) to RUN `index` unless it is already there;
  // a secret mount becomes readable by the stage's USER, when it names one.
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

/// What a secret mount of RUN `index` adds so that the step's user can read
/// it: ",uid=N[,gid=G]", ",mode=0444" (a user name, or one not known), or
/// "" for root (run_user.cc).
std::string RunUserAttrs(const State& st, size_t index);

/// The number a USER or chown names: "root" is 0, digits their value;
/// nullopt for another name, whose id only the image's files know.
std::optional<int> NumericId(std::string_view name);

/// True when `text` names the variable: `$NAME` or `${NAME…}`.
bool ReferencesVariable(std::string_view text, std::string_view name);

/// Is RUN `ins` one we can edit: shell form, no heredoc, not ONBUILD.
bool IsEditableRun(const Instruction& ins);

/// The stage that FROM reference `ref` names before stage `before`: an
/// earlier stage's AS name in any case, or its index; -1 for an image.
int StageNamed(const Containerfile& file, const std::string& ref, int before);

/// IsEditableRun, or the same as an ONBUILD trigger (`ONBUILD RUN …`):
/// for the rules that move a literal out of the step itself, whose mount
/// the builds FROM the image then need as a --secret.
bool IsEditableRunStep(const Instruction& ins);

/// Is the exec-form `argv` a shell running a script: `sh -c SCRIPT …`
/// (sh, bash, ash or dash, by any path)?
bool IsShellScriptArray(const std::vector<std::string>& argv);

/// The JSON array that runs `prelude` and then `argv`: the prelude put
/// before the script of a `sh -c SCRIPT` array, else
/// `["/bin/sh", "-c", "PRELUDE exec \"$@\"", "sh", argv…]` (edit_plan.cc).
std::string ExecWithPrelude(const std::vector<std::string>& argv, const std::string& prelude);

/// A copied file that the rewrite takes out of the image: a read-only
/// mount at `path`, or no file at all (an SSH key the agent serves).
struct MountedFile {
  std::string path;  // absolute, clean
  bool mounted = true;
  // A directory made only to hold the file (/root/.docker): an `rm -r` of
  // it, or of one below it, goes with the file. "" when there is none.
  std::string holder;
};

/// The working directory of instruction `index`: its stage's WORKDIRs
/// (ARG and ENV values put in) over the one its FROM starts with (an
/// earlier stage's; / for scratch). "" with the reason in `why` when it
/// is not known, as a base image's is not (copy_rules.cc).
std::string WorkdirAt(const State& st, size_t index, std::string& why);

/// What `~` reads as in RUN `index`: /root while the stage runs as root
/// with no HOME of its own, else unknown ("") (copy_rules.cc).
std::string HomeAt(const State& st, size_t index);

/// What `~` and a relative path of a RUN read as: the stage's HOME and
/// WORKDIR, "" when unknown. After a `cd` in the script, relative paths
/// are unknown.
struct RunDirs {
  std::string home;
  std::string cwd;
};

/// How a RUN changes when the rm, chmod and chown operands naming such
/// files leave it (file_commands.cc).
struct OperandDrop {
  std::vector<InstructionEdit::Cut> cuts;
  bool empty = false;  // nothing is left of the script: the RUN goes
  std::string error;   // why it cannot be done safely; "" when it can
};
OperandDrop DropFileOperands(const Instruction& run, const std::vector<MountedFile>& files,
                             const RunDirs& dirs);

/// Does an rm of `run` remove `path` (by name, or a directory with -r)?
bool RemovesPath(const Instruction& run, const std::string& path, const RunDirs& dirs);

/// Does a word of `run` hold `needle` (a path, or a part of one), leaving
/// out the rm, chmod and chown operands that name `file`?
bool NamesPath(const Instruction& run, const std::string& needle, const std::string& file,
               const RunDirs& dirs);

/// Does a word or redirection of `run` name `dir` or a path under it other
/// than `file` (leaving out what rm, mkdir, chmod and chown are given)?
bool NamesOtherUnder(const Instruction& run, const std::string& dir, const std::string& file,
                     const RunDirs& dirs);

/// The mode and owner a file ends with, for its mount.
struct FileAttrs {
  int mode = 0644;  // starts as the copied file's mode
  bool mode_set = false;
  int uid = -1;
  int gid = -1;
};

/// Applies the chmod/chown commands of `run` that name `path`; the reason
/// when one cannot be worked out, else "".
std::string FileAttrsOf(const Instruction& run, const std::string& path,
                        const RunDirs& dirs, FileAttrs& attrs);
/// chmod's MODE (octal or `[ugoa]*[-+=][rwx]*,…`) applied to `mode`.
std::optional<int> ApplyChmod(const std::string& spec, int mode);
/// chown's OWNER[:GROUP] (numeric ids or root) into `attrs`; "" or why not.
std::string ApplyChown(const std::string& spec, FileAttrs& attrs);

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
