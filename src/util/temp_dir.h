// A private (0700) temporary directory removed with all it holds when the
// object goes away. Files holding secrets are wiped before removal.
#pragma once

#include <filesystem>
#include <string>

#include "util/expected.h"

namespace safebuild {

class TempDir {
 public:
  static Expected<TempDir> Create(std::string_view prefix = "safebuild");
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  void Remove();
  std::filesystem::path path_;
};

/// Removes every TempDir still alive; for signal-driven exits.
void RemoveAllTempDirs();

/// A file of no name (0600) in `dir`, or in the system's temporary
/// directory when `dir` is empty, gone when closed: a place to copy bytes
/// that must be read more than once. -1 when none can be made.
int OpenUnnamedFile(const std::filesystem::path& dir);

}  // namespace safebuild
