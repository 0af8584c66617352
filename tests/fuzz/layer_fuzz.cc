// Fuzz entry point for the readers of untrusted image bytes: the layer tar
// reader (gzip, zstd or plain, whiteouts, links) and the nested archive
// walker (zip, tar, gzip inside a layer). Each input goes through both. The
// readers must never crash, hang or write anything; errors are fine.
#include <cstdint>
#include <fstream>
#include <memory>
#include <string_view>

#include "image/layer_reader.h"
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  safebuild::NestedLimits nested;
  nested.max_total_bytes = 8 << 20;  // small, so the fuzzer stays fast
  nested.max_member_bytes = 4 << 20;
  safebuild::WalkNested("input.tar.gz", bytes, nested,
                        [](const std::string&, std::string_view) {});

  const std::filesystem::path& file = ScratchFile();
  std::ofstream(file, std::ios::binary | std::ios::trunc).write(bytes.data(),
                                                                static_cast<long>(size));
  safebuild::LayerLimits limits;
  limits.window = {1 << 20, 4 << 10};
  limits.max_entries = 10'000;
  (void)safebuild::ReadLayer(file, limits,
                             [](const safebuild::LayerEntry&, const safebuild::ContentWindow&) {
                               return true;
                             });
  return 0;
}
