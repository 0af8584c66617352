// Text that may quote secrets (history entries, podman's build output) is
// shown to people only with every detected secret cut to its redacted form.
#pragma once

#include <string>
#include <string_view>

#include "detect/detector.h"

namespace safebuild {

std::string RedactSecrets(const Detector& detector, std::string_view text);

}  // namespace safebuild
