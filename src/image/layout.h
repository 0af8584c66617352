// Opens an image stored as an OCI layout directory, an OCI archive or a
// docker archive, and describes its config and layers. An uncompressed
// archive is read in place (see archive_index.h): each blob is a byte range
// of the archive file. Others are unpacked into a private directory, blobs
// only, by validated names: nothing in an archive decides where a file is
// written.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/archive_index.h"
#include "image/file_range.h"
#include "util/expected.h"

namespace safebuild {

enum class Compression { kNone, kGzip, kZstd };

struct LayerBlob {
  int index = 0;                   // 0-based, base layer first
  std::string digest;              // blob digest, "sha256:…"
  std::string diff_id;             // from config rootfs.diff_ids, may be ""
  std::string media_type;
  Compression compression = Compression::kNone;
  std::filesystem::path file;      // the blob on disk, or the archive holding it
  uint64_t offset = 0;             // in an archive: where the blob's bytes start
  std::optional<uint64_t> size;    // and how many; none: all of `file`
  std::string member;              // in an archive: the blob's member name
  std::filesystem::path dir;       // or: the layer unpacked (overlay diff)
  std::string created_by;          // history entry of this layer, may be ""
  int history_index = -1;          // index into config history, -1 unknown
};

struct OpenedImage {
  std::string id;                  // config digest, "sha256:…"
  nlohmann::json config;           // the image config
  // The manifest's annotations (`podman build --annotation`): pushed and
  // pulled with the image, as readable as its labels.
  nlohmann::json annotations = nlohmann::json::object();
  std::vector<LayerBlob> layers;
};

/// Reads an OCI image layout directory. `ref` picks a manifest by its
/// org.opencontainers.image.ref.name annotation; empty takes the only one.
/// Unknown layer media types are an error (a partial scan never passes).
Expected<OpenedImage> OpenOciLayout(const std::filesystem::path& dir,
                                    const std::string& ref);

/// Reads an unpacked docker-archive (manifest.json at the top).
Expected<OpenedImage> OpenDockerArchiveDir(const std::filesystem::path& dir);

/// The same two forms read in place from an indexed archive; the layers'
/// `file` is the archive, with the offset and size of their member.
Expected<OpenedImage> OpenOciArchive(const ArchiveIndex& archive,
                                     const std::string& ref);
Expected<OpenedImage> OpenDockerArchive(const ArchiveIndex& archive);

/// Where a layer's bytes are.
FileRange BlobRange(const LayerBlob& layer);

struct UnpackLimits {
  uint64_t max_entries = 100'000;
  uint64_t max_total_bytes = 64ull << 30;  // sum of the members' sizes
};

/// Unpacks the regular files of a tar archive (`oci-archive`, `docker-archive`)
/// into `dest`. Only names that are plain relative paths without ".." are
/// written; links and devices are skipped; sizes are bounded. An absolute or
/// climbing name, a member met twice or a limit passed is an error.
Status UnpackArchive(const std::filesystem::path& archive,
                     const std::filesystem::path& dest,
                     const UnpackLimits& limits = {});

}  // namespace safebuild
