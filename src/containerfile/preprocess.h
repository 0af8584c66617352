// Containerfile.in: podman (buildah) runs a Containerfile whose name ends in
// ".in" through the C preprocessor before it parses it, as
//
//   cpp -E -iquote CONTEXT -traditional -undef -   (the file on stdin)
//
// and uses what cpp prints even when cpp fails, as long as it printed
// something (a "# comment" line is an invalid directive to cpp). safebuild
// lints that same text, and maps every line back through cpp's line markers
// (`# 12 "inc.cf" 1`) to the file and line it came from, #include'd files
// included.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/expected.h"

namespace safebuild {

/// True for a file that podman preprocesses: its name ends in ".in".
bool NeedsPreprocessing(std::string_view path);

/// Where one line of the preprocessed text came from.
struct SourceLine {
  std::string file;  // the main file's path, or the included file as cpp names it
  int line = 0;      // 1-based
};

struct Preprocessed {
  std::string text;               // without line markers
  std::vector<SourceLine> lines;  // one per line of `text`
  /// The origin of 1-based `line` of `text`; past the end, the last line.
  SourceLine Origin(int line) const;
};

/// Drops cpp's line markers from `cpp_output`, recording the origin of every
/// other line; "<stdin>" becomes `main_path`.
Preprocessed MapLineMarkers(std::string_view cpp_output,
                            const std::string& main_path);

/// Runs cpp on `path` as podman does, with `context` as the quote include
/// directory. Fails when cpp cannot run or prints nothing, or when its
/// output exceeds the Containerfile size limit.
Expected<Preprocessed> PreprocessContainerfile(const std::string& path,
                                               const std::string& context);

}  // namespace safebuild

namespace safebuild {

struct Finding;

/// Points the findings of the preprocessed `path` (line numbers of
/// `p.text`) at the file and line each came from.
void MapFindings(const Preprocessed& p, const std::string& path,
                 std::vector<Finding>& findings);

/// "PATH:LINE:COL: message" about the preprocessed text, pointed at the
/// file and line the text came from.
std::string MapError(const Preprocessed& p, const std::string& path,
                     const std::string& error);

}  // namespace safebuild
