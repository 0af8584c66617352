// An oci-archive or docker-archive read in place. One pass over the tar
// headers (the data between them is skipped, not read) records where the
// bytes of each regular member lie in the archive file; a blob is then read
// as that byte range of the archive, with no copy. Only an uncompressed tar
// of plain members can be read this way: a compressed one, or one with a
// sparse member (whose bytes are not stored in one run), says so and is
// unpacked instead.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>

#include "image/file_range.h"
#include "util/expected.h"

namespace safebuild {

struct ArchiveIndexLimits {
  uint64_t max_entries = 100'000;
};

class ArchiveIndex {
 public:
  /// Reads the headers of `archive`. A name that is absolute or climbs
  /// with "..", a regular member met twice, a member that runs past the end
  /// of the file or an archive cut short is an error.
  static Expected<ArchiveIndex> Build(const std::filesystem::path& archive,
                                      const ArchiveIndexLimits& limits = {});

  /// Why the archive cannot be read in place ("" when it can).
  const std::string& needs_unpack() const { return needs_unpack_; }

  /// The regular member named `name` ("./a//b" and "a/b" are the same
  /// member), or none.
  std::optional<FileRange> Find(const std::string& name) const;

  const std::filesystem::path& path() const { return path_; }
  size_t size() const { return members_.size(); }

 private:
  friend class ArchiveIndexer;
  struct Member {
    uint64_t offset = 0;
    uint64_t size = 0;
  };
  std::filesystem::path path_;
  std::unordered_map<std::string, Member> members_;
  std::string needs_unpack_;
};

/// A member name as a plain relative path ("" for the top directory), or
/// an error for an absolute or climbing name.
Expected<std::string> ArchiveMemberName(const std::string& name);

}  // namespace safebuild
