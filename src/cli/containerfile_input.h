// One Containerfile as podman would read it: standard input, a plain file,
// or a Containerfile.in run through cpp first (preprocess.h). lint, build
// and parse all read their files through here, so a file means the same to
// each of them.
#pragma once

#include <optional>
#include <string>

#include "containerfile/parser.h"
#include "containerfile/preprocess.h"

namespace safebuild {

struct ContainerfileInput {
  std::string name;                 // the path as given, "<stdin>" for "-"
  std::string text;                 // the text that was parsed
  std::optional<Preprocessed> pre;  // set when cpp made `text`
  Containerfile parsed;
};

/// True for a context podman fetches (a URL or a git repository): there is
/// no local directory to read.
bool IsRemoteContext(const std::string& context);

/// Reads and parses `file` ("-": `stdin_text`); a `.in` file is run through
/// cpp with `context` as its include directory when the context is local.
/// On failure prints the error (pointed at the line it came from, with an
/// excerpt and a caret) and returns nothing.
std::optional<ContainerfileInput> LoadContainerfile(const std::string& file,
                                                    const std::string& context,
                                                    const std::optional<std::string>& stdin_text);

}  // namespace safebuild
