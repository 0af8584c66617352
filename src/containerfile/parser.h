// Containerfile parser following the Dockerfile grammar as podman 4.3 (buildah
// 1.28, openshift/imagebuilder) applies it: parser directives at the top only,
// line continuation by the escape character (comment and blank lines inside a
// continuation are dropped), exec (JSON) form with a silent fallback to shell
// form, and instruction flags (`--mount=…`). Where podman and BuildKit differ
// (an `# escape=` after `# syntax=`, heredocs) the file is parsed as podman
// reads it and the difference is recorded so that lint can warn about it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.h"

namespace safebuild {

struct SourcePos {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes (after a UTF-8 BOM on line 1)
};

struct InstructionFlag {
  std::string name;   // without "--", e.g. "mount"
  std::string value;  // after "=", empty when none
  bool has_value = false;
  SourcePos pos;  // of the "--"
};

/// A BuildKit heredoc (`RUN <<EOF … EOF`). podman 4.3 does not support them;
/// the body is kept so that lint can scan it and warn.
struct Heredoc {
  std::string name;         // the delimiter word, unquoted
  bool strip_tabs = false;  // "<<-"
  bool expand = true;       // false when the delimiter was quoted: literal body
  size_t args_offset = 0;   // offset of the "<<" word in Instruction::args
  std::string content;      // body lines as in the file, each ending in '\n'
  int start_line = 0;       // line of the first body line
  int end_line = 0;         // line of the delimiter (the last line at EOF)
  // Position in the file of byte `i` of `content`.
  SourcePos PosOf(size_t i) const;
};

struct Instruction {
  std::string keyword;  // upper case: FROM, RUN, ENV, …
  std::vector<InstructionFlag> flags;
  // Arguments after keyword and flags, continuations joined: the escape and
  // newline removed, comment lines inside dropped, as podman sees them.
  std::string args;
  bool exec_form = false;         // args was a valid JSON string array
  std::vector<std::string> exec;  // the array, unescaped, when exec_form
  // For each byte of exec[k], its offset in `args` (the start of a JSON
  // escape sequence for the bytes it produces).
  std::vector<std::vector<size_t>> exec_offsets;
  int start_line = 0;             // 1-based
  int end_line = 0;               // includes heredoc bodies
  int stage = -1;                 // index of the FROM stage, -1 before any
  std::string onbuild_keyword;    // for ONBUILD: the wrapped keyword
  SourcePos keyword_pos;          // of the keyword
  std::vector<Heredoc> heredocs;  // RUN/COPY/ADD only
  // Position in the file of byte `i` of `args`; past the end, the position
  // after its last byte.
  SourcePos PosOf(size_t i) const;
  // The keyword that decides the meaning: the wrapped one for ONBUILD.
  const std::string& Effective() const {
    return onbuild_keyword.empty() ? keyword : onbuild_keyword;
  }
  // Private: positions of every args byte, filled by the parser.
  std::vector<SourcePos> arg_pos;
};

struct Directive {
  std::string name;  // lower case: escape, syntax, check
  std::string value;
  int line = 0;
};

struct Containerfile {
  std::string path;    // as given, for messages
  char escape = '\\';  // the escape podman uses
  // Directives as BuildKit reads them (podman itself knows only `escape`).
  std::vector<Directive> directives;
  // An `# escape=` that BuildKit honours but podman ignores because another
  // directive comes first; 0 when there is none.
  int ignored_escape_line = 0;
  char ignored_escape = 0;
  // Lines ending in two escapes (`\\`): podman continues them, BuildKit
  // ends the instruction there, so the next line means different things.
  std::vector<int> doubled_escape_lines;
  std::vector<Instruction> instructions;
  std::vector<std::string> lines;  // the file's lines, for excerpts
};

/// Files larger than this are refused.
inline constexpr size_t kMaxContainerfileSize = size_t{16} << 20;

/// Parses `text`. Errors read "PATH:LINE:COL: message".
Expected<Containerfile> ParseContainerfile(std::string_view text,
                                           std::string path);

/// Splits "K=V K2="v 2"" (ENV/LABEL/ARG syntax, also the legacy "K V" form of
/// ENV and LABEL) into pairs with the offset of each value within `args`.
/// Values are unquoted as the shell would (no variable expansion).
struct KeyValue {
  std::string key;
  std::string value;        // unquoted
  size_t value_offset = 0;  // of the raw value (after "=") in args
  bool has_value = false;
  size_t key_offset = 0;              // of the key in args
  std::vector<size_t> value_offsets;  // args offset of each byte of `value`
};
std::vector<KeyValue> SplitKeyValues(const Instruction& ins, char escape);

}  // namespace safebuild
