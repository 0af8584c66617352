// Internals shared by the lint rule files (lint_*.cc): the sink every rule
// reports into, and the detector's view of an instruction. Not part of the
// public interface; include lint.h instead.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "containerfile/lint.h"
#include "containerfile/segment.h"

namespace safebuild {
class Scrubber;
}

namespace safebuild::lint {

/// A secret value found in the file: where its bytes are and what the
/// detector says about it.
struct SecretSpan {
  std::string rule;  // the detector's rule id, for messages
  Severity severity = Severity::kHigh;
  std::string fingerprint;
  std::string redacted;
  Segment where;  // the value's bytes and their positions
};
SecretSpan SpanOfMatch(const Match& m, const Segment& scanned);
/// For a value the detector only judged as a whole (LooksLikeSecret).
SecretSpan SpanOfValue(std::string_view rule, Severity severity,
                       const Segment& value);
/// Rule id used for values that LooksLikeSecret() accepts.
inline constexpr std::string_view kHighEntropyRule = "high-entropy-value";

/// Collects findings. It remembers every secret value it is shown, so that
/// no message, fix or excerpt it hands out carries one; excerpts are built
/// only in Take(), once every value is known.
class FindingSink {
 public:
  FindingSink(const Containerfile& file, const Detector& detector)
      : file_(file), detector_(detector) {}

  const Containerfile& file() const { return file_; }
  const Detector& detector() const { return detector_; }

  /// A Containerfile finding at `pos`; its line becomes the excerpt.
  Finding& Add(std::string_view rule, Severity severity, SourcePos pos,
               std::string message, std::string fix);
  /// A finding about a secret value: position, fingerprint and redacted form
  /// come from `secret`, and the excerpt shows the redacted form.
  Finding& AddSecret(std::string_view rule, const SecretSpan& secret,
                     std::string message, std::string fix);
  void Remember(std::string_view secret);
  /// Every remembered value.
  const std::set<std::string>& Secrets() const { return secrets_; }

  /// One finding per (origin, path, line, column, rule), in file order,
  /// scrubbed of every remembered value.
  std::vector<Finding> Take();

 private:
  struct Entry {
    Finding finding;
    // Columns of the value on finding.line to show redacted; 0 when none.
    int first = 0;
    int last = 0;
  };
  std::string Excerpt(const Entry& e, const Scrubber& scrubber, int& excerpt_column) const;

  const Containerfile& file_;
  const Detector& detector_;
  std::deque<Entry> entries_;  // stable references for Add()'s callers
  std::set<std::string> secrets_;
};

/// "ONBUILD RUN" or "RUN": how messages name an instruction.
std::string DisplayKeyword(const Instruction& ins);

/// One text of an instruction as the detector saw it. Specific rules claim
/// the matches they explain so that the generic finding is not repeated.
struct ScannedText {
  Segment seg;
  std::vector<Match> matches;
  std::vector<bool> claimed;
};
std::vector<ScannedText> ScanInstruction(const Instruction& ins,
                                         const Detector& detector);
/// Claims the first unclaimed match that overlaps `span`.
std::optional<SecretSpan> ClaimMatch(std::vector<ScannedText>& scanned,
                                     const Segment& span);

/// Secrets carried by --build-arg values, by argument name.
using BuildArgSecrets = std::map<std::string, SecretSpan>;
BuildArgSecrets FindBuildArgSecrets(const LintInput& input, FindingSink& sink);

// The rules, one function per file.
void LintBuildArgs(const BuildArgSecrets& secrets,
                   FindingSink& sink);  // lint_values.cc
void LintKeyValues(const Instruction& ins, const BuildArgSecrets& build_args,
                   FindingSink& sink);  // lint_values.cc
void LintCommands(const Instruction& ins, std::vector<ScannedText>& scanned,
                  FindingSink& sink);                        // lint_commands.cc
void LintCopies(const LintInput& input, FindingSink& sink);  // lint_copy.cc
void LintFinalStage(FindingSink& sink);                      // lint_stages.cc
void LintBeforeFirstFrom(FindingSink& sink);                 // lint_stages.cc
/// Can `path` (absolute, or relative: unknown, so any) written in stage
/// `stage` reach the image: the stage is the last one, a stage that does
/// is built FROM it, or (unless the stage removes it, `copies` false) such
/// a stage copies a directory holding it with `COPY --from`. lint_stages.cc
bool StageFileReachesImage(const Containerfile& file, int stage, const std::string& path,
                           bool copies = true);

}  // namespace safebuild::lint
