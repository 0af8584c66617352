// A parse error pointing at the input, as compilers print them:
//
//   safebuild: error: Containerfile:3:1: unknown instruction "FORM"
//       3 | FORM busybox
//         | ^
//
// The parser's errors start with "PATH:LINE:COL: "; the line is taken from
// the text that was parsed. Errors of another shape are printed as they are.
#pragma once

#include <string>
#include <string_view>

namespace safebuild {

/// The lines after the "safebuild: error: …" line: the source line and a
/// caret under the column; "" when `error` names no line of `text`.
/// `shown_line`, when not 0, is the line number printed in the margin (the
/// line of the original file when `text` was preprocessed).
std::string SourceExcerpt(std::string_view error, std::string_view text, int shown_line = 0);

/// The LINE of the first ":LINE:COL: " in `error`, or 0.
int PositionLine(std::string_view error);

/// PrintError(error), then its source excerpt on stderr.
void PrintSourceError(std::string_view error, std::string_view text);

}  // namespace safebuild
