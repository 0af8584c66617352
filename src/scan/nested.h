// Archives inside a layer: a jar, wheel or tarball that carries a secret is
// as leaky as the file itself. A file whose name or first bytes say zip
// (also jar, war, whl, egg), tar, ar (a .deb, a static library), or a
// compressed stream (gzip, xz, lzma, bzip2, zstd: tar.gz, tgz, tar.xz, a plain
// .gz, .zst, ...) is opened with libarchive, from memory or from its file,
// and every regular member is handed to the caller; members that are
// archives again are opened in turn, to a bounded depth, from a copy in a
// spool file (read with pread, as libarchive reads a file); every member
// streams by in windows, as a large layer file does, so memory does not
// grow with a member's size. Bombs are bounded two ways: a budget for
// everything unpacked from one layer file, and a cap on the ratio of
// unpacked to packed bytes per archive. Whatever a limit cuts,
// or what cannot be read, is named in `skipped`, never dropped silently; so
// is an archive of a kind not opened (7z, rar, rpm, cpio, ...), known by its
// first bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "image/content_windows.h"

namespace safebuild {

struct NestedLimits {
  int max_depth = 3;                         // archives within archives
  // An archive inside an archive is opened from a copy in a file of no name
  // in spool_dir (the system's temporary directory when empty); only when
  // none can be made is it held in memory, up to max_member_bytes.
  std::filesystem::path spool_dir;
  uint64_t max_member_bytes = 32ull << 20;
  WindowSize window{4ull << 20, 64ull << 10};  // members larger: in windows
  // All members of one layer file, at every level: the larger of the two.
  uint64_t max_total_bytes = 1ull << 30;
  uint64_t total_per_packed = 16;            // times the layer file's size
  uint64_t max_ratio = 200;                  // unpacked / packed, per archive
  uint64_t ratio_slack = 1ull << 20;         // small archives may exceed it
  uint64_t max_members = 100'000;            // per layer file
};

// kMemory: an xz, lzma or zstd stream whose window is more than decoders may use
// (see image/bounded_decoder.h).
enum class SkipReason { kSize, kRatio, kDepth, kEntries, kUnreadable, kUnsupported, kMemory };
std::string_view ToString(SkipReason reason);

struct NestedSkip {
  SkipReason reason = SkipReason::kUnreadable;
  std::string member;  // "a.jar!b/c.zip"; "" for the layer file itself
};

struct NestedResult {
  uint64_t archives = 0;  // archives opened
  uint64_t members = 0;   // regular members handed to the callback
  uint64_t bytes = 0;     // their bytes
  std::vector<NestedSkip> skipped;
  // A nested archive that could not be copied to spool_dir (the disk is
  // full): not a fault of the image, but the scan is not complete.
  std::string error;
};

/// `member` names the file inside the archive; levels are joined with "!"
/// ("lib/app.jar!config/app.properties"). A member up to one window comes
/// whole (`window.whole()`), a larger one window by window, in order.
using MemberCallback =
    std::function<void(const std::string& member, const ContentWindow& window)>;

/// One entry of an archive, of any type (file, directory, link), for its
/// name: a token in a member's name is in the layer as much as one in a
/// file's name. `member` is the full name ("lib/app.jar!dir/x"), `own`
/// where the name inside its own archive begins, `link_target` a symlink's
/// target ("" otherwise). The one member of a compressed stream is named
/// after the file that holds it, no new text, and is not passed.
struct MemberName {
  const std::string& member;
  size_t own = 0;
  std::string_view link_target;
};
using NameCallback = std::function<void(const MemberName& name)>;

/// True when `name` or the leading bytes mark one of the archive kinds above,
/// opened or not.
bool IsNestedArchive(std::string_view name, std::string_view content);

/// Walks the archive held in `content` (the layer file `name`) and calls
/// `on_member` for every regular member at every level. Content that is not
/// an archive after all yields nothing and no skip. `on_name`, when set,
/// gets every entry's name at every level, before its content.
NestedResult WalkNested(std::string_view name, std::string_view content,
                        const NestedLimits& limits,
                        const MemberCallback& on_member,
                        const NameCallback& on_name = nullptr);

/// The same for the archive in the open file `fd` of `size` bytes, read
/// with pread where it lies: an archive of any size costs no more memory
/// than a small one. The file's offset is left alone.
NestedResult WalkNestedFile(std::string_view name, int fd, uint64_t size,
                            const NestedLimits& limits, const MemberCallback& on_member,
                            const NameCallback& on_name = nullptr);

}  // namespace safebuild
