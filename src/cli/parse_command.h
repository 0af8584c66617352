// `safebuild parse [-f FILE] [CONTEXT]`: prints the parsed Containerfile as
// JSON (containerfile/parse_json.h) on standard output.
#pragma once

#include <string>
#include <vector>

namespace safebuild {

/// Exit 0 with the JSON; 64 for bad arguments; 66 when the file cannot be
/// read or parsed (the error, FILE:LINE:COL, goes to standard error).
int RunParse(const std::vector<std::string>& args);

}  // namespace safebuild
