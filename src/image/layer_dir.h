// Reads one layer as an unpacked directory: the "diff" directory of a layer
// in podman's overlay storage, so a local image is scanned without being
// exported. overlayfs spells a deletion as a character device 0/0 at the
// deleted path, and an opaque directory (hides all lower content) as the
// xattr trusted.overlay.opaque=y (user.overlay.opaque=y in rootless and
// "userxattr" storage). Both become the same LayerEntry flags a layer tar
// gives, so LayerStack needs no second set of rules. So does a hard link: a
// file's later names are hard links to the first one read.
//
// The directory is as hostile as a tar: it is walked with openat relative to
// open directory descriptors and O_NOFOLLOW, so a symlink is reported as an
// entry, never followed, and nothing outside the directory is opened.
#pragma once

#include <filesystem>

#include "image/layer_reader.h"
#include "util/expected.h"

namespace safebuild {

/// Calls `on_entry` for each entry below `dir` (not `dir` itself), with the
/// same windows of content as ReadLayer. An entry that cannot be opened or
/// read is an error: a partial layer never looks clean.
Status ReadLayerDir(const std::filesystem::path& dir, const LayerLimits& limits,
                    const EntryCallback& on_entry);

}  // namespace safebuild
