// Git's object store in an image: a secret committed and later removed from
// the work tree is still in `.git/objects` when the repository is copied in
// with `COPY . .`. Git keeps every object zlib-compressed, as a loose file
// (".git/objects/ab/cdef...": one stream of "blob 123\0" and the content) or
// as an entry of a pack (".git/objects/pack/pack-<hash>.pack": a header
// "PACK", version, count; per entry a type and size, for a delta its base,
// then one stream; a checksum at the end). This reader inflates each object
// and hands its bytes over. An ofs-delta whose base it read shortly before
// (git writes a base before its deltas) is handed over as the object it
// makes: a value a later commit removed comes back with the name it was
// assigned to, which the delta copies from its base. Other deltas are
// handed over as their instructions, whose inserts carry the bytes they
// add literally. Checksums are not verified.
// Every byte is hostile: reads stay within the file, varints are bounded,
// and inflated bytes are capped per object and per file, so a small stream
// that inflates to gigabytes costs no more memory than the caps.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace safebuild {

/// A path in git's object store: a loose object (".git/objects/ab/<38 hex>",
/// also in a bare repository "objects/ab/<38 hex>" below a directory whose
/// name ends in ".git", or a submodule's store below ".git/modules/") or a
/// pack (".git/objects/pack/pack-<hex>.pack"). SHA-256 repositories (62 and
/// 64 hex digits) count too. Pack indexes, bitmaps and the like hold no
/// content and do not.
bool IsGitObjectPath(std::string_view path);

struct GitObjectLimits {
  uint64_t max_object_bytes = 64ull << 20;  // inflated size of one object; larger: cut, counted
  // Inflated bytes of all objects of one file, kept or dropped: the bytes of
  // a cut object are inflated (and dropped) only to find where the next
  // entry starts, and that work counts as much as the kept bytes.
  uint64_t max_total_bytes = 1ull << 30;
  uint64_t max_objects = 1'000'000;
  /// Called after each entry of a pack with the offset read up to: a walk
  /// never reads the bytes before it again, so a caller that mapped the
  /// file may drop them.
  std::function<void(uint64_t)> read_to;
};

struct GitObjectsResult {
  uint64_t objects = 0;  // handed to the callback
  uint64_t cut = 0;      // objects cut at max_object_bytes or where the total ran out
  std::string error;     // "" or why the file could not be read to its end
};

/// `name` is "blob", "tree", "commit" or "tag" for a loose object; for a
/// pack entry "<type> at <offset>", type one of those (a resolved delta has
/// its base's) or "ofs-delta" / "ref-delta" (the instructions, inflated).
using GitObjectCallback = std::function<void(const std::string& name, std::string_view content)>;

/// Calls `on_object` for each object in `bytes`, the whole file at `path`:
/// a pack when `path` ends in ".pack", else a loose object (its header
/// removed from the content). A cut object comes with its first bytes, up to
/// the cap. A corrupt or truncated file ends the walk with `error` set, after
/// what was read before it (an object's bytes up to the damage included);
/// so does a cut object in a pack whose end cannot be found within
/// max_total_bytes, and a pack of more than max_objects entries.
GitObjectsResult ForEachGitObject(std::string_view path, std::string_view bytes,
                                  const GitObjectLimits& limits,
                                  const GitObjectCallback& on_object);

/// Where each blob of a pack lies in its repository ("src/config.py"), by
/// the name ForEachGitObject gives it ("blob at 1234"), as the pack's own
/// trees name it: a tree lists each entry's name and object id, the hash of
/// the object's type, size and content, so every tree and blob read whole
/// is hashed. A blob no tree of the pack names has no entry: one cut at the
/// limits, a delta whose base was not at hand, a blob of a commit whose
/// tree is in another pack. At most kMaxGitNames objects are named.
std::unordered_map<std::string, std::string> PackBlobPaths(std::string_view path,
                                                           std::string_view bytes,
                                                           const GitObjectLimits& limits);
inline constexpr size_t kMaxGitNames = size_t{1} << 17;

}  // namespace safebuild
