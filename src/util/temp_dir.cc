#include "util/temp_dir.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <system_error>

namespace safebuild {
namespace fs = std::filesystem;
namespace {

std::mutex& RegistryMutex() {
  static std::mutex m;
  return m;
}

std::set<fs::path>& Registry() {
  static std::set<fs::path> dirs;
  return dirs;
}

// Overwrites a regular file's bytes before it is unlinked, so a secret that
// was handed to podman through a file does not linger in free blocks of a
// tmpfs page cache longer than needed.
void WipeFile(const fs::path& p) {
  std::error_code ec;
  auto size = fs::file_size(p, ec);
  if (ec || size == 0 || size > (64u << 20)) return;
  std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
  if (!f) return;
  std::string zeros(4096, '\0');
  for (uintmax_t done = 0; done < size; done += zeros.size()) {
    f.write(zeros.data(), static_cast<std::streamsize>(
                              std::min<uintmax_t>(zeros.size(), size - done)));
  }
}

void RemoveTree(const fs::path& root) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) WipeFile(it->path());
  }
  fs::remove_all(root, ec);
}

}  // namespace

Expected<TempDir> TempDir::Create(std::string_view prefix) {
  const char* base = std::getenv("TMPDIR");
  fs::path dir = (base != nullptr && *base != '\0') ? base : "/tmp";
  std::string templ = (dir / (std::string(prefix) + ".XXXXXX")).string();
  if (mkdtemp(templ.data()) == nullptr) {
    return Fail("cannot create a temporary directory in " + dir.string() +
                ": " + std::generic_category().message(errno));
  }
  ::chmod(templ.c_str(), 0700);
  std::lock_guard<std::mutex> lock(RegistryMutex());
  Registry().insert(templ);
  return TempDir(fs::path(templ));
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TempDir::~TempDir() { Remove(); }

void TempDir::Remove() {
  if (path_.empty()) return;
  RemoveTree(path_);
  std::lock_guard<std::mutex> lock(RegistryMutex());
  Registry().erase(path_);
  path_.clear();
}

void RemoveAllTempDirs() {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  for (const auto& p : Registry()) RemoveTree(p);
  Registry().clear();
}

int OpenUnnamedFile(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::path where = dir.empty() ? std::filesystem::temp_directory_path(ec) : dir;
  if (ec) return -1;
  int fd = open(where.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string name = (where / "spool.XXXXXX").string();  // a file system without O_TMPFILE
  fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd >= 0) unlink(name.c_str());
  return fd;
}

}  // namespace safebuild
