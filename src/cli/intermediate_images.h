// A multi-stage build leaves the images of its other stages (and their
// cached layers) in local storage. Those stages are where secrets were used:
// a build stage that wrote ~/.npmrc keeps it in a layer that no scan of the
// final image sees. After a build, safebuild names them and, with
// --prune-intermediate, removes them.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "podman/podman.h"

namespace safebuild {

/// Records the image ID of a build step from a line of podman's output
/// ("--> 7e6648853fb", "--> Using cache 7e66…"): a step taken from the
/// cache made no new image, but its image belongs to this build all the same.
void NoteStepImage(std::string_view line, std::vector<std::string>& steps);

/// Images of this build (new since `before`, or named in `steps`) that are
/// neither the image itself nor one of its ancestors (whose layers are a
/// prefix of the image's, so the image's scan covered them), and that carry
/// no name (a pulled base image keeps its name and stays).
std::vector<std::string> IntermediateImages(const Podman& podman,
                                            const std::set<std::string>& before,
                                            const std::vector<std::string>& steps,
                                            const std::string& image_id);

/// Removes `ids` (children before parents), or, when `prune` is false, says
/// that they exist and how to remove them. Returns how many were removed.
size_t HandleIntermediateImages(const Podman& podman, const std::vector<std::string>& ids,
                                bool prune);

}  // namespace safebuild
