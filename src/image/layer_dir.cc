#include "image/layer_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
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

class DirWalk {
 public:
  DirWalk(const std::filesystem::path& root, const LayerLimits& limits,
          const EntryCallback& on_entry)
      : root_(root), limits_(limits), on_entry_(on_entry) {}

  Status Run();

 private:
  Status WalkDir(int fd, const std::string& path, int depth);
  Status Visit(int dir_fd, const char* name, const std::string& path, int depth);
  Status VisitDir(int dir_fd, const char* name, const std::string& path, int depth);
  Status ReadFile(int dir_fd, const char* name, const struct stat& st, bool* truncated);
  Status Emit(const LayerEntry& entry, std::string_view content, bool truncated);
  Status Error(const std::string& path, const std::string& what) const {
    return Fail("layer directory " + root_.string() + ": " + path + ": " + what + ": " +
                std::generic_category().message(errno));
  }

  const std::filesystem::path& root_;
  const LayerLimits& limits_;
  const EntryCallback& on_entry_;
  std::string content_;
  uint64_t count_ = 0;
  bool stopped_ = false;
};

Status DirWalk::Emit(const LayerEntry& entry, std::string_view content, bool truncated) {
  if (++count_ > limits_.max_entries) {
    errno = 0;
    return Fail("layer directory " + root_.string() + ": more than " +
                std::to_string(limits_.max_entries) + " entries");
  }
  if (!on_entry_(entry, content, truncated)) stopped_ = true;
  return Ok{};
}

// Opens the name as found by lstat; O_NOFOLLOW and the inode check catch a
// file swapped for a symlink or another file in between.
Status DirWalk::ReadFile(int dir_fd, const char* name, const struct stat& st,
                         bool* truncated) {
  content_.clear();
  *truncated = false;
  Fd fd(openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) return Fail("open");
  struct stat now;
  if (fstat(fd.get(), &now) != 0 || !S_ISREG(now.st_mode) || now.st_ino != st.st_ino ||
      now.st_dev != st.st_dev) {
    errno = EAGAIN;
    return Fail("changed while being read");
  }
  while (true) {
    uint64_t room = limits_.max_file_bytes - content_.size();
    size_t want = static_cast<size_t>(std::min<uint64_t>(room, kChunk));
    if (want == 0) {
      char probe;
      ssize_t n = read(fd.get(), &probe, 1);
      if (n < 0) return Fail("read");
      *truncated = n > 0;
      return Ok{};
    }
    size_t old = content_.size();
    content_.resize(old + want);
    ssize_t n = read(fd.get(), content_.data() + old, want);
    content_.resize(old + static_cast<size_t>(std::max<ssize_t>(n, 0)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail("read");
    if (n == 0) return Ok{};
  }
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
  if (Status s = Emit(entry, {}, false); !s || stopped_) return s;
  if (IsOpaque(fd.get())) {
    // The same two entries a layer tar has: the directory and its marker.
    entry.is_opaque = true;
    if (Status s = Emit(entry, {}, false); !s || stopped_) return s;
  }
  return WalkDir(fd.release(), path, depth + 1);
}

Status DirWalk::Visit(int dir_fd, const char* name, const std::string& path, int depth) {
  struct stat st;
  if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return Error(path, "cannot stat");
  if (S_ISDIR(st.st_mode)) return VisitDir(dir_fd, name, path, depth);
  LayerEntry entry;
  entry.path = path;
  bool truncated = false;
  content_.clear();
  if (S_ISREG(st.st_mode)) {
    entry.type = LayerEntry::Type::kFile;
    entry.size = static_cast<uint64_t>(st.st_size);
    if (Status s = ReadFile(dir_fd, name, st, &truncated); !s) {
      return Error(path, "cannot read (" + s.error() + ")");
    }
  } else if (S_ISLNK(st.st_mode)) {
    entry.type = LayerEntry::Type::kSymlink;
    std::string target(PATH_MAX, '\0');
    ssize_t n = readlinkat(dir_fd, name, target.data(), target.size());
    if (n < 0) return Error(path, "cannot read the link");
    target.resize(static_cast<size_t>(n));
    entry.link_target = std::move(target);
  } else if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 0 && minor(st.st_rdev) == 0) {
    entry.is_whiteout = true;
  }
  // Some drivers (vfs diffs, aufs, layers unpacked by other tools) keep
  // deletions as ".wh.NAME" files, as a layer tar spells them.
  ClassifyWhiteout(entry);
  return Emit(entry, content_, truncated);
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
