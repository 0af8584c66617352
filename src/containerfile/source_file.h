// Finding and reading the Containerfile a build would use.
#pragma once

#include <string>
#include <vector>

#include "util/expected.h"

namespace safebuild {

/// The files podman would use: the -f values as given, else Containerfile,
/// else Dockerfile in `context`; empty when there is none.
std::vector<std::string> ContainerfilesFor(const std::vector<std::string>& files,
                                           const std::string& context);

/// Reads a Containerfile, refusing one over kMaxContainerfileSize. Errors
/// read "PATH: cause".
Expected<std::string> ReadContainerfile(const std::string& path);

}  // namespace safebuild
