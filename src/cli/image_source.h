// Turns an image reference into an opened image on disk: local images are
// exported by podman into a private directory, archives are unpacked there,
// OCI layout directories are read in place.
#pragma once

#include <string>

#include "image/layout.h"
#include "podman/podman.h"
#include "util/expected.h"
#include "util/temp_dir.h"

namespace safebuild {

struct ImageSource {
  OpenedImage image;
  std::string id;                 // podman's image ID for local images
  std::vector<std::string> tags;  // local RepoTags
};

Expected<ImageSource> OpenImageSource(const std::string& reference, const Podman& podman,
                                      const TempDir& scratch);

}  // namespace safebuild
