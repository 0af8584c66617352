// Fuzz entry point for the readers of untrusted image bytes: the layer tar
// reader (gzip, zstd or plain, whiteouts, links), the nested archive walker
// (zip, tar, gzip, xz, lzma, zstd inside a layer, with the bounded
// decoders) and the in-place reader of an oci-archive or docker-archive
// (the header index, then the image it describes and its layers as byte
// ranges of the input), and the reader of git's object store (as a pack
// and as a loose object). Each input goes through all of them.
// The readers must never crash, hang or write anything; errors are fine.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "image/archive_index.h"
#include "image/layer_reader.h"
#include "image/layout.h"
#include "scan/git_objects.h"
#include "scan/nested.h"
#include "util/temp_dir.h"

namespace {

// ReadLayer reads a file: one scratch file, rewritten for every input.
const std::filesystem::path& ScratchFile() {
  static std::unique_ptr<safebuild::TempDir> dir = [] {
    auto d = safebuild::TempDir::Create("layer-fuzz");
    return d ? std::make_unique<safebuild::TempDir>(std::move(*d)) : nullptr;
  }();
  static const std::filesystem::path file =
      dir == nullptr ? std::filesystem::path("/nonexistent") : dir->path() / "layer";
  return file;
}

bool KeepReading(const safebuild::LayerEntry&, const safebuild::ContentWindow&) {
  return true;
}

safebuild::LayerLimits SmallLayerLimits() {
  safebuild::LayerLimits limits;
  limits.window = {1 << 20, 4 << 10};
  limits.max_entries = 10'000;
  return limits;
}

// The input as an uncompressed image archive, read in place: its index,
// a lookup of a few names as a manifest could spell them, then both image
// forms and every layer they name.
void ReadArchiveInPlace(const std::filesystem::path& file) {
  safebuild::ArchiveIndexLimits limits;
  limits.max_entries = 10'000;
  safebuild::Expected<safebuild::ArchiveIndex> index =
      safebuild::ArchiveIndex::Build(file, limits);
  if (!index || !index->needs_unpack().empty()) return;
  for (const char* name : {"index.json", "./manifest.json", "blobs//sha256/", "../x", "/x"}) {
    (void)index->Find(name);
  }
  for (auto image : {safebuild::OpenOciArchive(*index, ""),
                     safebuild::OpenDockerArchive(*index)}) {
    if (!image) continue;
    for (const safebuild::LayerBlob& layer : image->layers) {
      (void)safebuild::ReadLayer(safebuild::BlobRange(layer), SmallLayerLimits(),
                                 KeepReading);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  safebuild::NestedLimits nested;
  nested.max_total_bytes = 8 << 20;  // small, so the fuzzer stays fast
  nested.total_per_packed = 0;
  nested.max_member_bytes = 4 << 20;
  nested.window = {4 << 10, 256};  // members past 4 KiB take the windowed path
  safebuild::WalkNested("input.tar.gz", bytes, nested,
                        [](const std::string&, const safebuild::ContentWindow& w) {
                          if (w.fresh > w.bytes.size()) std::abort();
                        },
                        [](const safebuild::MemberName& name) {
                          if (name.own > name.member.size()) std::abort();
                        });

  safebuild::GitObjectLimits git;
  git.max_object_bytes = 1 << 20;
  git.max_total_bytes = 8 << 20;
  git.max_objects = 10'000;
  const std::string hex = "0123456789abcdef0123456789abcdef01234567";
  for (const std::string& path : {"/a/.git/objects/pack/pack-" + hex + ".pack",
                                  "/a/.git/objects/ab/" + hex.substr(2)}) {
    (void)safebuild::ForEachGitObject(path, bytes, git,
                                      [](const std::string&, std::string_view content) {
                                        if (content.size() > (1 << 20)) std::abort();
                                      });
  }
  // The trees' names for a pack's blobs: each a path of names, bounded.
  for (const auto& [name, path] : safebuild::PackBlobPaths(
           "/a/.git/objects/pack/pack-" + hex + ".pack", bytes, git)) {
    if (path.size() > (64 + 1) * bytes.size()) std::abort();
  }

  const std::filesystem::path& file = ScratchFile();
  std::ofstream(file, std::ios::binary | std::ios::trunc).write(bytes.data(),
                                                                static_cast<long>(size));
  (void)safebuild::ReadLayer(file, SmallLayerLimits(), KeepReading);
  ReadArchiveInPlace(file);
  return 0;
}
