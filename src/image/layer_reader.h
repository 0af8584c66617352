// Streams the entries of one layer tar (gzip, zstd or uncompressed; the
// compression is detected from the bytes, not trusted from the media type)
// with libarchive. Nothing is written to disk and links are never followed:
// an entry is data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "image/content_windows.h"
#include "image/file_range.h"
#include "util/expected.h"

namespace safebuild {

struct LayerEntry {
  enum class Type { kFile, kDir, kSymlink, kHardlink, kOther };
  Type type = Type::kOther;
  std::string path;         // normalised: "/a/b", no "./", "//" or ".."
  std::string link_target;  // symlink target as stored, or hardlink target
                            // normalised like path
  uint64_t size = 0;
  bool is_whiteout = false;  // ".wh.NAME": deletes `path` (already stripped)
  bool is_opaque = false;    // ".wh..wh..opq": hides lower content of `path`
  // Extended attributes (name, value): a tar's SCHILY.xattr.* records, a
  // layer directory's own. Overlay's bookkeeping is left out.
  std::vector<std::pair<std::string, std::string>> xattrs;
  // A file of a layer directory is open here while its windows are handed
  // on (for reads with pread, which leave the reader's offset alone); -1
  // for an entry of a tar, and in every copy kept after the callback.
  int fd = -1;
};

struct LayerLimits {
  WindowSize window;                // files larger than a window come in windows
  uint64_t max_entries = 2'000'000;  // more: an error, not a partial scan
};

/// Calls `on_entry` for each entry. A regular file comes in one or more
/// windows of its bytes, in order (see content_windows.h), every byte of
/// it in some window; other entries come once, with an empty window.
/// Returning false from the callback stops. A corrupt or truncated stream
/// is an error, never a silent end.
using EntryCallback =
    std::function<bool(const LayerEntry& entry, const ContentWindow& window)>;
Status ReadLayer(const FileRange& blob, const LayerLimits& limits,
                 const EntryCallback& on_entry);
Status ReadLayer(const std::filesystem::path& blob, const LayerLimits& limits,
                 const EntryCallback& on_entry);

/// Turns an entry named ".wh.NAME" into a whiteout of NAME and one named
/// ".wh..wh..opq" into the opaque marker of its directory; `entry.path`
/// must be normalised. Other ".wh..wh." names (aufs bookkeeping) stay
/// ordinary entries.
void ClassifyWhiteout(LayerEntry& entry);

/// True for the extended attributes that overlay file systems and storage
/// keep for themselves (trusted.overlay.*, user.overlay.*, fuse-overlayfs'
/// user.fuseoverlayfs.*, user.containers.*): no file's own.
bool IsOverlayXattr(std::string_view name);

/// Normalises a tar member name into "/a/b"; "" for the root. Leading "./",
/// "/", repeated "/" and "." parts go; ".." pops but never above the root.
std::string NormalizeLayerPath(std::string_view name);

}  // namespace safebuild
