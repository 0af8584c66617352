// Turns an image reference into an opened image on disk: local images are
// read in place from podman's overlay storage or exported by podman into a
// private directory, uncompressed archives and OCI layout directories are
// read in place, compressed archives are unpacked into that directory,
// remote images are copied there by skopeo.
#pragma once

#include <string>

#include "cli/remote_image.h"
#include "image/layout.h"
#include "podman/podman.h"
#include "scan/scanner.h"
#include "util/expected.h"
#include "util/temp_dir.h"

namespace safebuild {

struct ImageSource {
  OpenedImage image;
  std::string id;                 // podman's image ID for local images
  std::vector<std::string> tags;  // local RepoTags
  bool in_place = false;          // layers read from podman's storage directories
  std::string archive;            // an archive read in place: its path, and
  std::string reference;          // the reference that named it
};

Expected<ImageSource> OpenImageSource(const std::string& reference, const Podman& podman,
                                      const TempDir& scratch, const RemoteOptions& remote = {});

/// Scans `src`. When a local image read in place cannot be read after all
/// (a layer file safebuild may not open, as in rootless storage where the
/// files belong to the container's user IDs), it is exported with podman
/// and scanned again; `src` then describes the export.
Expected<ScanOutput> ScanImageSource(ImageSource& src, const Podman& podman,
                                     const TempDir& scratch, const ScanOptions& options);

}  // namespace safebuild
