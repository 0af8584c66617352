#include "image/file_range.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace safebuild {
namespace {

constexpr size_t kBlock = 1 << 20;

std::string ErrnoText() { return std::generic_category().message(errno); }

// Opens a regular file without following a symlink or blocking on a FIFO;
// `size` gets its size.
Expected<int> OpenRegular(const FileRange& range, uint64_t* size) {
  int fd = ::open(range.file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Fail(range.Name() + ": " + ErrnoText());
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Fail(range.Name() + ": not a regular file");
  }
  *size = static_cast<uint64_t>(st.st_size);
  return fd;
}

// The end of the range, checked against the file's size.
Expected<uint64_t> RangeEnd(const FileRange& range, uint64_t file_size) {
  if (!range.size) return std::max(file_size, range.offset);
  if (range.offset > file_size || *range.size > file_size - range.offset) {
    return Fail(range.Name() + ": ends past the end of " + range.file.string() +
                " (truncated?)");
  }
  return range.offset + *range.size;
}

}  // namespace

std::string FileRange::Name() const {
  return member.empty() ? file.string() : file.string() + " member " + member;
}

Expected<std::string> ReadFileRange(const FileRange& range, uint64_t max) {
  uint64_t file_size = 0;
  Expected<int> fd = OpenRegular(range, &file_size);
  if (!fd) return Fail(fd.error());
  Fd owner(*fd);
  Expected<uint64_t> end = RangeEnd(range, file_size);
  if (!end) return Fail(end.error());
  if (*end - range.offset > max) {
    return Fail(range.Name() + ": larger than " + std::to_string(max) + " bytes");
  }
  std::string data(static_cast<size_t>(*end - range.offset), '\0');
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pread(owner.get(), data.data() + done, data.size() - done,
                        static_cast<off_t>(range.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(range.Name() + ": " + ErrnoText());
    if (n == 0) return Fail(range.Name() + ": file shrank while read");
    done += static_cast<size_t>(n);
  }
  return data;
}

Status RangeReader::Open(const FileRange& range) {
  uint64_t file_size = 0;
  Expected<int> fd = OpenRegular(range, &file_size);
  if (!fd) return Fail(fd.error());
  fd_ = std::make_unique<Fd>(*fd);
  name_ = range.Name();
  Expected<uint64_t> end = RangeEnd(range, file_size);
  if (!end) return Fail(end.error());
  pos_ = range.offset;
  end_ = *end;
  return Ok{};
}

Expected<std::string_view> RangeReader::Read() {
  if (pos_ >= end_) return std::string_view();
  buffer_.resize(kBlock);
  size_t want = static_cast<size_t>(std::min<uint64_t>(kBlock, end_ - pos_));
  while (true) {
    ssize_t n = ::pread(fd_->get(), buffer_.data(), want, static_cast<off_t>(pos_));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(name_ + ": " + ErrnoText());
    if (n == 0) return Fail(name_ + ": the file shrank while read (truncated?)");
    pos_ += static_cast<uint64_t>(n);
    return std::string_view(buffer_.data(), static_cast<size_t>(n));
  }
}

uint64_t RangeReader::Skip(uint64_t n) {
  uint64_t step = std::min(n, end_ - pos_);
  pos_ += step;
  return step;
}

}  // namespace safebuild
