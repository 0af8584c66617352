// A blob as a run of bytes in a file: a whole blob file of an OCI layout,
// or a member of an uncompressed oci-archive or docker-archive, read where
// it lies in the archive instead of from a copy.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.h"
#include "util/fd.h"

namespace safebuild {

struct FileRange {
  std::filesystem::path file;
  uint64_t offset = 0;
  std::optional<uint64_t> size;  // none: to the end of the file
  std::string member;            // its name in the archive `file`, or ""

  /// "FILE" for a whole file, "FILE member MEMBER" for an archive member.
  std::string Name() const;
};

/// Reads all of a range of at most `max` bytes. The file must be a regular
/// file (never a symlink or a FIFO) that still holds the whole range.
Expected<std::string> ReadFileRange(const FileRange& range, uint64_t max);

/// Reads a range front to back in large blocks, with pread, so that any
/// number of readers can share one archive file.
class RangeReader {
 public:
  Status Open(const FileRange& range);

  /// The next block; empty at the end of the range. A file that ends
  /// before the range does is an error, never a short read.
  Expected<std::string_view> Read();

  /// Moves forward up to `n` bytes without reading them; returns how far.
  uint64_t Skip(uint64_t n);

 private:
  std::unique_ptr<Fd> fd_;
  uint64_t pos_ = 0;
  uint64_t end_ = 0;
  std::string name_;
  std::vector<char> buffer_;
};

}  // namespace safebuild
