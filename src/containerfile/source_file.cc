#include "containerfile/source_file.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "containerfile/parser.h"

namespace safebuild {
namespace fs = std::filesystem;

std::vector<std::string> ContainerfilesFor(const std::vector<std::string>& files,
                                           const std::string& context) {
  if (!files.empty()) return files;
  for (const char* name : {"Containerfile", "Dockerfile"}) {
    fs::path p = fs::path(context) / name;
    if (fs::exists(p)) return {p.string()};
  }
  return {};
}

Expected<std::string> ReadContainerfile(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return Fail(path + ": " + ec.message());
  if (size > kMaxContainerfileSize) return Fail(path + ": file is too large");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(path + ": cannot open");
  std::string text(std::istreambuf_iterator<char>(in), {});
  if (text.size() > kMaxContainerfileSize) return Fail(path + ": file is too large");
  return text;
}

}  // namespace safebuild
