// A small POSIX shell lexer for lint: it turns a RUN script into simple
// commands (words with quotes removed, redirections) grouped into pipelines.
// It does not expand anything: `$VAR`, `${…}`, `$(…)` and backquotes stay
// inside their word, and a `#` that starts a word comments out the rest of
// the line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "containerfile/segment.h"

namespace safebuild {

struct ShellRedirect {
  std::string op;  // ">", ">>", "<", …
  Segment target;
};

struct ShellCommand {
  std::vector<Segment> words;
  std::vector<ShellRedirect> redirects;
  int pipeline = 0;  // commands joined by "|" share it
  SourcePos pos;     // of the first word or redirection
  // Byte ranges [begin, end) in the script text of each word as written,
  // quotes included, for edits that cut words out.
  std::vector<size_t> raw_begin;
  std::vector<size_t> raw_end;
  // The control operators around the command ("&&", "||", ";", "|", "&",
  // "(", ")", "\n"; "" at either end of the script) and where they start.
  std::string op_before;
  std::string op_after;
  size_t op_before_at = 0;
  size_t op_after_at = 0;

  /// Index of the command word: after `NAME=value` assignments and wrappers
  /// such as sudo and env; words.size() when there is none.
  size_t NameIndex() const;
  /// Basename of the command word, "" when there is none.
  std::string Name() const;
};

std::vector<ShellCommand> LexCommands(const Segment& script);

}  // namespace safebuild
