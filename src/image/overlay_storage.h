// A local image read in place from podman's overlay storage, without an
// export. `podman image inspect` names the layer directories: GraphDriver
// Data.UpperDir is the top layer's "diff" directory and Data.LowerDir the
// ones below it, top first, joined with ':'. Reversed, they line up with
// RootFS.Layers (the diff IDs, base first). The image's config is the blob
// itself, as a registry would serve it: containers/storage keeps it next to
// the image's manifest, in overlay-images/ID/ under the name "=" + base64 of
// its digest, which is the image ID. Only a Docker-format config holds
// OnBuild, and podman image inspect shows neither it nor a Docker
// Healthcheck inside Config. When that file cannot be read or does not
// match its digest, Config and History come from the inspect output,
// shaped as an OCI config so the scan reads them alike.
#pragma once

#include <nlohmann/json.hpp>

#include "image/layout.h"
#include "util/expected.h"

namespace safebuild {

/// Builds the opened image from one element of `podman image inspect`.
/// Fails (and the caller exports instead) when the driver is not overlay,
/// the directories do not match the layers one to one, or one of them
/// cannot be read.
Expected<OpenedImage> OpenOverlayImage(const nlohmann::json& inspect);

}  // namespace safebuild
