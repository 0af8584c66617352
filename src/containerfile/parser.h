// Containerfile parser following BuildKit's grammar: parser directives
// (`# escape=`, `# syntax=`) at the top only, line continuation by the escape
// character (comment and blank lines inside a continuation are dropped, a
// trailing escape inside a comment still continues), exec (JSON) form with
// a silent fallback to shell form, and instruction flags (`--mount=…`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/expected.h"

namespace safebuild {

struct SourcePos {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
};

struct InstructionFlag {
  std::string name;   // without "--", e.g. "mount"
  std::string value;  // after "=", empty when none
  bool has_value = false;
  SourcePos pos;      // of the "--"
};

struct Instruction {
  std::string keyword;  // upper case: FROM, RUN, ENV, …
  std::vector<InstructionFlag> flags;
  // Arguments after keyword and flags, continuations joined: the escape and
  // newline removed, comment lines inside dropped, as podman sees them.
  std::string args;
  bool exec_form = false;            // args was a valid JSON string array
  std::vector<std::string> exec;     // the array, unescaped, when exec_form
  int start_line = 0;                // 1-based
  int end_line = 0;
  int stage = -1;                    // index of the FROM stage, -1 before any
  std::string onbuild_keyword;       // for ONBUILD: the wrapped keyword
  // Position in the file of byte `i` of `args`.
  SourcePos PosOf(size_t i) const;
  // Private: positions of every args byte, filled by the parser.
  std::vector<SourcePos> arg_pos;
};

struct Directive {
  std::string name;  // lower case: escape, syntax, check
  std::string value;
  int line = 0;
};

struct Containerfile {
  std::string path;  // as given, for messages
  char escape = '\\';
  std::vector<Directive> directives;
  std::vector<Instruction> instructions;
  std::vector<std::string> lines;  // the file's lines, for excerpts
};

/// Parses `text`. Errors read "PATH:LINE:COL: message".
Expected<Containerfile> ParseContainerfile(std::string_view text, std::string path);

/// Splits "K=V K2="v 2"" (ENV/LABEL/ARG syntax, also the legacy "K V" form of
/// ENV) into pairs with the offset of each value within `args`.
struct KeyValue {
  std::string key;
  std::string value;   // unquoted
  size_t value_offset = 0;
  bool has_value = false;
};
std::vector<KeyValue> SplitKeyValues(const Instruction& ins, char escape);

}  // namespace safebuild
