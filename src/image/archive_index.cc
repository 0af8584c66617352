#include "image/archive_index.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <memory>
#include <system_error>

#include "util/fd.h"
#include "util/text.h"

namespace safebuild {

namespace fs = std::filesystem;

Expected<std::string> ArchiveMemberName(const std::string& name) {
  if (name.empty()) return Fail("empty member name");
  if (name.front() == '/') return Fail("absolute member name");
  std::string out;
  for (const std::string& part : Split(name, '/')) {
    if (part == "..") return Fail("member name climbs out with '..'");
    if (part.empty() || part == ".") continue;
    out += (out.empty() ? "" : "/") + part;
  }
  return out;
}

std::optional<FileRange> ArchiveIndex::Find(const std::string& name) const {
  Expected<std::string> key = ArchiveMemberName(name);
  if (!key) return std::nullopt;
  auto it = members_.find(*key);
  if (it == members_.end()) return std::nullopt;
  return FileRange{path_, it->second.offset, it->second.size, *key};
}

namespace {

struct ReaderDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

// libarchive may fail with no message (an empty or cut-off input): a null
// error string, which must not become a std::string.
std::string ErrorOf(archive* a) {
  const char* error = archive_error_string(a);
  return error == nullptr ? "not a readable tar archive" : error;
}

}  // namespace

// One pass over the headers. libarchive skips member data with lseek on a
// regular file, so the pass costs a few reads per member, not a copy.
class ArchiveIndexer {
 public:
  ArchiveIndexer(const fs::path& archive, const ArchiveIndexLimits& limits)
      : limits_(limits) {
    index_.path_ = archive;
  }
  Expected<ArchiveIndex> Run();

 private:
  safebuild::Error Fault(const std::string& what) const;
  Status Open();
  Status Add(archive_entry* e);
  Status CheckEnd() const;

  const ArchiveIndexLimits& limits_;
  ArchiveIndex index_;
  std::unique_ptr<Fd> fd_;
  std::unique_ptr<archive, ReaderDeleter> a_;
  uint64_t file_size_ = 0;
  int64_t last_end_ = 0;
  std::string member_;
};

safebuild::Error ArchiveIndexer::Fault(const std::string& what) const {
  std::string msg = index_.path_.string();
  if (!member_.empty()) msg += ": member '" + member_ + "'";
  return Fail(msg + ": " + what);
}

Status ArchiveIndexer::Open() {
  fd_ = std::make_unique<Fd>(::open(index_.path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd_->get() < 0) return Fault(std::generic_category().message(errno));
  struct stat st;
  if (::fstat(fd_->get(), &st) != 0) return Fault(std::generic_category().message(errno));
  if (!S_ISREG(st.st_mode)) {
    index_.needs_unpack_ = "not a regular file";
    return Ok{};
  }
  file_size_ = static_cast<uint64_t>(st.st_size);
  a_.reset(archive_read_new());
  if (a_ == nullptr) return Fault("cannot create an archive reader");
  // As for layers: named decoders only, never external programs.
  archive_read_support_filter_gzip(a_.get());
  archive_read_support_filter_zstd(a_.get());
  archive_read_support_format_tar(a_.get());
  if (archive_read_open_fd(a_.get(), fd_->get(), 64 << 10) != ARCHIVE_OK) {
    return Fault(ErrorOf(a_.get()));
  }
  return Ok{};
}

Status ArchiveIndexer::Add(archive_entry* e) {
  const char* name = archive_entry_pathname(e);
  member_ = name == nullptr ? "" : name;
  if (archive_entry_hardlink(e) != nullptr || archive_entry_filetype(e) != AE_IFREG) {
    return Ok{};  // as when unpacking: only regular files are blobs
  }
  Expected<std::string> key = ArchiveMemberName(member_);
  if (!key) return Fault(key.error());
  if (key->empty()) return Fault("a regular file with no name");
  if (archive_entry_sparse_count(e) > 0) {
    index_.needs_unpack_ = "member '" + member_ + "' is sparse";
    return Ok{};
  }
  // After the header, libarchive's position in the (uncompressed) stream
  // is the first byte of the member's data.
  uint64_t offset = static_cast<uint64_t>(archive_filter_bytes(a_.get(), 0));
  uint64_t size = archive_entry_size_is_set(e) && archive_entry_size(e) > 0
                      ? static_cast<uint64_t>(archive_entry_size(e))
                      : 0;
  if (offset > file_size_ || size > file_size_ - offset) {
    return Fault("runs past the end of the archive at byte " + std::to_string(file_size_) +
                 " (truncated?)");
  }
  if (!index_.members_.emplace(*key, ArchiveIndex::Member{offset, size}).second) {
    return Fault("appears twice");
  }
  return Ok{};
}

// libarchive also ends quietly when the file stops at a member boundary;
// only the end-of-archive blocks move its position past the last member.
Status ArchiveIndexer::CheckEnd() const {
  if (archive_filter_bytes(a_.get(), 0) > last_end_) return Ok{};
  return Fail(index_.path_.string() + ": ends without the end-of-archive blocks (truncated?)");
}

Expected<ArchiveIndex> ArchiveIndexer::Run() {
  if (Status s = Open(); !s) return Fail(s.error());
  if (!index_.needs_unpack_.empty()) return std::move(index_);
  for (uint64_t count = 0;; ++count) {
    member_.clear();
    archive_entry* e = nullptr;
    int r = archive_read_next_header(a_.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return Fault(ErrorOf(a_.get()));
    if (archive_filter_code(a_.get(), 0) != ARCHIVE_FILTER_NONE) {
      index_.needs_unpack_ = std::string(archive_filter_name(a_.get(), 0)) + "-compressed";
      return std::move(index_);
    }
    if (count >= limits_.max_entries) {
      return Fault("more than " + std::to_string(limits_.max_entries) + " entries");
    }
    if (Status s = Add(e); !s) return Fail(s.error());
    if (!index_.needs_unpack_.empty()) return std::move(index_);
    if (archive_read_data_skip(a_.get()) != ARCHIVE_OK) {
      return Fault(ErrorOf(a_.get()));
    }
    last_end_ = archive_filter_bytes(a_.get(), 0);
  }
  if (Status s = CheckEnd(); !s) return Fail(s.error());
  return std::move(index_);
}

Expected<ArchiveIndex> ArchiveIndex::Build(const fs::path& archive,
                                           const ArchiveIndexLimits& limits) {
  return ArchiveIndexer(archive, limits).Run();
}

}  // namespace safebuild
