#include "image/layer_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <linux/limits.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <memory>
#include <system_error>
#include <utility>

#include "util/fd.h"

namespace safebuild {
namespace {

constexpr size_t kChunk = 64 << 10;
constexpr int kMaxDepth = 256;  // deeper trees are an error, not a partial read
constexpr const char* kOpaqueXattrs[] = {"trusted.overlay.opaque", "user.overlay.opaque"};

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

bool IsOpaque(int fd) {
  for (const char* name : kOpaqueXattrs) {
    char value[2] = {};
    if (fgetxattr(fd, name, value, sizeof value) == 1 && value[0] == 'y') return true;
  }
  return false;
}

// The file's extended attributes, but overlay's own (see IsOverlayXattr).
// A list or value that changes between the two calls is read again.
std::vector<std::pair<std::string, std::string>> Xattrs(int fd) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string names(256, '\0');
  ssize_t n = flistxattr(fd, names.data(), names.size());
  if (n < 0 && errno == ERANGE) {
    n = flistxattr(fd, nullptr, 0);
    if (n > 0) names.resize(static_cast<size_t>(n));
    if (n > 0) n = flistxattr(fd, names.data(), names.size());
  }
  if (n <= 0) return out;
  names.resize(static_cast<size_t>(n));
  for (size_t at = 0; at < names.size();) {
    const std::string name = names.c_str() + at;
    at += name.size() + 1;
    if (name.empty() || IsOverlayXattr(name)) continue;
    std::string value(XATTR_SIZE_MAX, '\0');
    const ssize_t got = fgetxattr(fd, name.c_str(), value.data(), value.size());
    if (got < 0) continue;
    value.resize(static_cast<size_t>(got));
    out.emplace_back(name, std::move(value));
  }
  return out;
}

// Reads a file that may be sparse: SEEK_DATA and SEEK_HOLE tell where its
// holes are, so they are reported as runs of zeros instead of read. Where
// the file system cannot tell, the whole file is data.
class HoleAwareFile {
 public:
  explicit HoleAwareFile(int fd) : fd_(fd) {}

  Expected<ReadPiece> Read(char* buf, size_t size) {
    if (pos_ == data_end_ && !Locate()) return Fail("seek");
    if (pos_ < data_at_) {
      ReadPiece hole{0, data_at_ - pos_};
      pos_ = data_at_;
      return hole;
    }
    size_t want = std::min({size, kChunk, static_cast<size_t>(data_end_ - pos_)});
    while (true) {
      ssize_t n = pread(fd_, buf, want, static_cast<off_t>(pos_));
      if (n >= 0) {
        pos_ += static_cast<uint64_t>(n);
        // A file that shrank while being read ends here.
        if (n == 0) data_end_ = data_at_ = pos_;
        return ReadPiece{static_cast<size_t>(n), 0};
      }
      if (errno != EINTR) return Fail("read");
    }
  }

 private:
  // Finds the next data at or after pos_, and where it ends.
  bool Locate() {
    off_t data = lseek(fd_, static_cast<off_t>(pos_), SEEK_DATA);
    if (data < 0 && errno == ENXIO) {
      // No data after pos_: a hole to the end of the file, as it is now.
      struct stat st;
      if (fstat(fd_, &st) != 0) return false;
      data_at_ = std::max<uint64_t>(pos_, static_cast<uint64_t>(st.st_size));
      data_end_ = data_at_ + kChunk;  // a read there finds the end
      return true;
    }
    if (data < 0) {  // SEEK_DATA unsupported: all data
      data_at_ = pos_;
      data_end_ = UINT64_MAX;
      return true;
    }
    off_t hole = lseek(fd_, data, SEEK_HOLE);
    data_at_ = static_cast<uint64_t>(data);
    data_end_ = hole > data ? static_cast<uint64_t>(hole) : UINT64_MAX;
    return true;
  }

  int fd_;
  uint64_t pos_ = 0;
  uint64_t data_at_ = 0;   // where the current data run starts
  uint64_t data_end_ = 0;  // and ends (the next hole, or the end of the file)
};

class DirWalk {
 public:
  DirWalk(const std::filesystem::path& root, const LayerLimits& limits,
          const EntryCallback& on_entry)
      : root_(root), limits_(limits), on_entry_(on_entry), cutter_(limits.window) {}

  Status Run();

 private:
  Status WalkDir(int fd, const std::string& path, int depth);
  Status Visit(int dir_fd, const char* name, const std::string& path, int depth);
  Status VisitDir(int dir_fd, const char* name, const std::string& path, int depth);
  Status VisitFile(int dir_fd, const char* name, const std::string& path,
                   const struct stat& st);
  Status ReadFile(int dir_fd, const char* name, const struct stat& st, const LayerEntry& entry);
  Status Count();
  Status Emit(const LayerEntry& entry);
  Status Error(const std::string& path, const std::string& what) const {
    return Fail("layer directory " + root_.string() + ": " + path + ": " + what + ": " +
                std::generic_category().message(errno));
  }

  const std::filesystem::path& root_;
  const LayerLimits& limits_;
  const EntryCallback& on_entry_;
  WindowCutter cutter_;
  std::map<std::pair<dev_t, ino_t>, std::string> names_;  // files of several names
  uint64_t count_ = 0;
  bool stopped_ = false;
};

Status DirWalk::Count() {
  if (++count_ > limits_.max_entries) {
    errno = 0;
    return Fail("layer directory " + root_.string() + ": more than " +
                std::to_string(limits_.max_entries) + " entries");
  }
  return Ok{};
}

// An entry without content.
Status DirWalk::Emit(const LayerEntry& entry) {
  if (Status s = Count(); !s) return s;
  if (!on_entry_(entry, ContentWindow{})) stopped_ = true;
  return Ok{};
}

// Opens the name as found by lstat; O_NOFOLLOW and the inode check catch a
// file swapped for a symlink or another file in between. The bytes go on
// window by window, to the last one.
Status DirWalk::ReadFile(int dir_fd, const char* name, const struct stat& st,
                         const LayerEntry& entry) {
  Fd fd(openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) return Fail("open");
  struct stat now;
  if (fstat(fd.get(), &now) != 0 || !S_ISREG(now.st_mode) || now.st_ino != st.st_ino ||
      now.st_dev != st.st_dev) {
    errno = EAGAIN;
    return Fail("changed while being read");
  }
  HoleAwareFile file(fd.get());
  auto read_some = [&file](char* buf, size_t size) { return file.Read(buf, size); };
  LayerEntry open = entry;
  open.fd = fd.get();
  open.xattrs = Xattrs(fd.get());
  auto window = [&](const ContentWindow& w) { return on_entry_(open, w); };
  bool stopped = false;
  Status s = cutter_.Run(read_some, window, &stopped);
  stopped_ = stopped_ || stopped;
  return s;
}

Status DirWalk::VisitFile(int dir_fd, const char* name, const std::string& path,
                          const struct stat& st) {
  LayerEntry entry;
  entry.type = LayerEntry::Type::kFile;
  entry.path = path;
  entry.size = static_cast<uint64_t>(st.st_size);
  // Some drivers (vfs diffs, aufs, layers unpacked by other tools) keep
  // deletions as ".wh.NAME" files, as a layer tar spells them.
  ClassifyWhiteout(entry);
  if (Status s = Count(); !s) return s;
  if (st.st_nlink > 1 && entry.type == LayerEntry::Type::kFile) {
    // A second name of a file already read is a hard link to the first, as
    // a layer tar spells it: its bytes are not read again.
    auto [first, added] = names_.try_emplace({st.st_dev, st.st_ino}, path);
    if (!added) {
      entry.type = LayerEntry::Type::kHardlink;
      entry.link_target = first->second;
      entry.size = 0;
      if (!on_entry_(entry, ContentWindow{})) stopped_ = true;
      return Ok{};
    }
  }
  if (Status s = ReadFile(dir_fd, name, st, entry); !s) {
    return Error(path, "cannot read (" + s.error() + ")");
  }
  return Ok{};
}

Status DirWalk::VisitDir(int dir_fd, const char* name, const std::string& path, int depth) {
  if (depth >= kMaxDepth) {
    errno = ELOOP;
    return Error(path, "directories nested too deep");
  }
  Fd fd(openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) return Error(path, "cannot open directory");
  LayerEntry entry;
  entry.type = LayerEntry::Type::kDir;
  entry.path = path;
  entry.xattrs = Xattrs(fd.get());
  if (Status s = Emit(entry); !s || stopped_) return s;
  entry.xattrs.clear();
  if (IsOpaque(fd.get())) {
    // The same two entries a layer tar has: the directory and its marker.
    entry.is_opaque = true;
    if (Status s = Emit(entry); !s || stopped_) return s;
  }
  return WalkDir(fd.release(), path, depth + 1);
}

Status DirWalk::Visit(int dir_fd, const char* name, const std::string& path, int depth) {
  struct stat st;
  if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return Error(path, "cannot stat");
  if (S_ISDIR(st.st_mode)) return VisitDir(dir_fd, name, path, depth);
  if (S_ISREG(st.st_mode)) return VisitFile(dir_fd, name, path, st);
  LayerEntry entry;
  entry.path = path;
  if (S_ISLNK(st.st_mode)) {
    entry.type = LayerEntry::Type::kSymlink;
    std::string target(PATH_MAX, '\0');
    ssize_t n = readlinkat(dir_fd, name, target.data(), target.size());
    if (n < 0) return Error(path, "cannot read the link");
    target.resize(static_cast<size_t>(n));
    entry.link_target = std::move(target);
  } else if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 0 && minor(st.st_rdev) == 0) {
    entry.is_whiteout = true;
  }
  ClassifyWhiteout(entry);  // ".wh.NAME" as a symlink or device, as in a tar
  return Emit(entry);
}

// Takes ownership of `fd`.
Status DirWalk::WalkDir(int fd, const std::string& path, int depth) {
  DirPtr dir(fdopendir(fd));
  if (dir == nullptr) {
    close(fd);
    return Error(path.empty() ? "/" : path, "cannot list");
  }
  while (!stopped_) {
    errno = 0;
    dirent* d = readdir(dir.get());
    if (d == nullptr) {
      if (errno != 0) return Error(path.empty() ? "/" : path, "cannot list");
      return Ok{};
    }
    if (std::strcmp(d->d_name, ".") == 0 || std::strcmp(d->d_name, "..") == 0) continue;
    if (Status s = Visit(dirfd(dir.get()), d->d_name, path + "/" + d->d_name, depth); !s) {
      return s;
    }
  }
  return Ok{};
}

Status DirWalk::Run() {
  int fd = open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error("/", "cannot open");
  return WalkDir(fd, "", 0);
}

}  // namespace

Status ReadLayerDir(const std::filesystem::path& dir, const LayerLimits& limits,
                    const EntryCallback& on_entry) {
  return DirWalk(dir, limits, on_entry).Run();
}

}  // namespace safebuild
