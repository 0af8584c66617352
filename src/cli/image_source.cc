#include "cli/image_source.h"

#include <nlohmann/json.hpp>

#include "cli/diag.h"
#include "image/image_ref.h"
#include "image/overlay_storage.h"
#include "util/text.h"

namespace safebuild {
namespace {

// Exports the image as an OCI layout directory and opens it.
Status Export(ImageSource& src, const Podman& podman, const TempDir& scratch) {
  auto dir = scratch.path() / "image";
  if (auto st = podman.SaveOciDir(src.id, dir.string()); !st) return Fail(st.error());
  auto opened = OpenOciLayout(dir, "");
  if (!opened) return Fail(opened.error());
  src.image = std::move(*opened);
  src.in_place = false;
  return Ok{};
}

Expected<ImageSource> OpenLocal(const std::string& name, const Podman& podman,
                                const TempDir& scratch) {
  auto inspect = podman.InspectJson(name);
  if (!inspect) return Fail(inspect.error());
  ImageSource src;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(*inspect);
    if (!j.is_array() || j.empty()) return Fail("podman found no image " + name);
    src.id = "sha256:" + j[0].value("Id", "");
    if (j[0].contains("RepoTags") && j[0]["RepoTags"].is_array()) {
      for (const auto& t : j[0]["RepoTags"]) src.tags.push_back(t.get<std::string>());
    }
  } catch (const nlohmann::json::exception& e) {
    return Fail("cannot read podman image inspect output: " + std::string(e.what()));
  }
  if (auto in_place = OpenOverlayImage(j[0]); in_place) {
    PrintVerbose("reading " + src.id.substr(0, 19) + " in place from podman's overlay storage");
    src.image = std::move(*in_place);
    src.in_place = true;
    return src;
  } else {
    PrintVerbose("exporting " + src.id.substr(0, 19) + ": " + in_place.error());
  }
  if (Status st = Export(src, podman, scratch); !st) return Fail(st.error());
  return src;
}

Expected<ImageSource> OpenRemote(const std::string& name, const RemoteOptions& remote,
                                 const TempDir& scratch) {
  auto dir = scratch.path() / "image";
  PrintVerbose("copying docker://" + name + " with skopeo");
  if (Status st = CopyRemoteImage(name, remote, scratch, dir); !st) return Fail(st.error());
  auto opened = OpenOciLayout(dir, "");
  if (!opened) return Fail(opened.error());
  ImageSource src;
  src.id = opened->id;
  src.image = std::move(*opened);
  return src;
}

// Messages name an archive's member as "PATH member NAME"; the user named
// the archive by its reference ("oci-archive:PATH:REF"), so they use that.
std::string NameArchive(std::string message, const std::string& path,
                        const std::string& reference) {
  return ReplaceAll(std::move(message), path + " member ", reference + " member ");
}

// An uncompressed archive is read in place, its blobs as byte ranges of
// the archive file; a compressed one (or one with a sparse member) is
// unpacked into the scratch directory first.
Expected<OpenedImage> OpenArchive(const ImageRef& ref, const TempDir& scratch) {
  bool oci = ref.kind == ImageRef::Kind::kOciArchive;
  auto index = ArchiveIndex::Build(ref.path);
  if (!index) return Fail(index.error());
  if (index->needs_unpack().empty()) {
    return oci ? OpenOciArchive(*index, ref.tag) : OpenDockerArchive(*index);
  }
  PrintVerbose("unpacking " + ref.path + " (" + index->needs_unpack() + ")");
  auto dir = scratch.path() / "archive";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (auto st = UnpackArchive(ref.path, dir); !st) return Fail(st.error());
  return oci ? OpenOciLayout(dir, ref.tag) : OpenDockerArchiveDir(dir);
}

}  // namespace

Expected<ImageSource> OpenImageSource(const std::string& reference, const Podman& podman,
                                      const TempDir& scratch, const RemoteOptions& remote) {
  auto ref = ParseImageRef(reference);
  if (!ref) return Fail(ref.error());
  if (ref->kind == ImageRef::Kind::kRemote) return OpenRemote(ref->name, remote, scratch);
  Expected<OpenedImage> opened = Fail("unreachable");
  switch (ref->kind) {
    case ImageRef::Kind::kLocal:
      return OpenLocal(ref->name, podman, scratch);
    case ImageRef::Kind::kRemote:
      break;
    case ImageRef::Kind::kOciDir:
      opened = OpenOciLayout(ref->path, ref->tag);
      break;
    case ImageRef::Kind::kOciArchive:
    case ImageRef::Kind::kDockerArchive:
      opened = OpenArchive(*ref, scratch);
      if (!opened) return Fail(NameArchive(opened.error(), ref->path, reference));
      break;
  }
  if (!opened) return Fail(opened.error());
  ImageSource src;
  src.id = opened->id;
  src.image = std::move(*opened);
  if (ref->kind == ImageRef::Kind::kOciArchive || ref->kind == ImageRef::Kind::kDockerArchive) {
    src.archive = ref->path;
    src.reference = reference;
  }
  return src;
}

Expected<ScanOutput> ScanImageSource(ImageSource& src, const Podman& podman,
                                     const TempDir& scratch, const ScanOptions& options) {
  auto scanned = ScanImage(src.image, Detector::Default(), options);
  if (!scanned && !src.archive.empty()) {
    return Fail(NameArchive(scanned.error(), src.archive, src.reference));
  }
  if (scanned || !src.in_place || (options.cancelled && options.cancelled())) return scanned;
  PrintNote("cannot read " + src.id.substr(0, 19) + " in podman's storage (" +
            scanned.error() + "); exporting it instead");
  if (Status st = Export(src, podman, scratch); !st) return Fail(st.error());
  return ScanImage(src.image, Detector::Default(), options);
}

}  // namespace safebuild
