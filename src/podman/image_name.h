// The names `podman build -t` accepts. safebuild holds the tags back until
// the scan passes, so podman never sees them before the build; a name podman
// would refuse must be refused before the build too, with podman's message,
// not after minutes of building.
#pragma once

#include <string_view>

#include "util/expected.h"

namespace safebuild {

/// Checks NAME against the image reference grammar of containers/image
/// (registry host, lowercase path components, tag; no digest) as podman 4.3
/// normalises it: a first component without "." or ":" that is not
/// "localhost" is a path on docker.io, so it must be lowercase.
/// The error reads like podman's: "invalid reference format[: reason]".
Status CheckImageName(std::string_view name);

}  // namespace safebuild
