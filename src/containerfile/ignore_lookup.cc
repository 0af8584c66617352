#include "containerfile/ignore_lookup.h"

#include <fstream>
#include <optional>

namespace safebuild {
namespace fs = std::filesystem;
namespace {

constexpr std::streamsize kMaxIgnoreBytes = 1 << 20;

// The text of a regular file, at most kMaxIgnoreBytes; nullopt when there
// is no such file.
std::optional<std::string> ReadSmallFile(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(static_cast<size_t>(kMaxIgnoreBytes), '\0');
  in.read(text.data(), kMaxIgnoreBytes);
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

std::optional<IgnoreLookup> TryFile(const fs::path& path) {
  std::optional<std::string> text = ReadSmallFile(path);
  if (!text) return std::nullopt;
  return IgnoreLookup{IgnoreRules::Parse(*text), path.filename().string(), path};
}

}  // namespace

IgnoreLookup FindIgnoreFile(const fs::path& context, const fs::path& containerfile,
                            const fs::path& ignore_file) {
  if (!ignore_file.empty()) {
    // podman fails the build when --ignorefile cannot be read; lint then
    // has nothing to go on and applies no exclusions.
    return TryFile(ignore_file).value_or(IgnoreLookup{{}, ignore_file.filename(), {}});
  }
  if (!containerfile.empty() && containerfile != "<stdin>" && containerfile != "-") {
    fs::path docker = containerfile.string() + ".dockerignore";
    fs::path container = containerfile.string() + ".containerignore";
    for (const fs::path& candidate : {docker, container}) {
      if (auto found = TryFile(candidate)) return *found;
    }
  }
  for (const char* name : {".containerignore", ".dockerignore"}) {
    if (auto found = TryFile(context / name)) return *found;
  }
  return {};
}

}  // namespace safebuild
