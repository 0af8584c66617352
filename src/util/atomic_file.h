// Replacing a file so that a reader sees the old content or the new, never
// half: a private temporary file beside the target, synced, then renamed.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "util/expected.h"

namespace safebuild {

Status ReplaceFile(const std::filesystem::path& target, const std::string& text,
                   mode_t mode = 0644);

/// Writes `text` to a new private file beside `target` (same directory, so
/// it can be renamed or linked into place), synced and closed; its path.
Expected<std::string> WriteBeside(const std::filesystem::path& target, const std::string& text,
                                  mode_t mode);

}  // namespace safebuild
