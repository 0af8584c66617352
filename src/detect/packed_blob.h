// A file a script carries as base64 (`base64 -d <<EOF | tar xzf -`, an
// installer's payload, a CI variable holding a zipped config) is often
// packed first: a gzip or bzip2 stream, a tar (compressed or not) or a zip.
// Its files are read here, from memory, with libarchive, so that each is
// judged by its own name and content: a .env inside a base64 tarball is read
// as a .env. xz, lzma and zstd are left out: their decoders take the window
// the stream declares, up to gigabytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace safebuild::detect {

struct PackedFile {
  std::string name;  // inside a tar or zip; "" for a compressed stream's one file
  std::string bytes;
};

struct Unpacked {
  std::string kind;  // "gzip", "bzip2", "tar", "zip", "tar, gzip", ...
  std::vector<PackedFile> files;
  size_t bytes = 0;  // of all files
  bool cut = false;  // the limit left bytes unread
};

/// True when `head`, the first decoded bytes of a blob (264 or more, or all
/// of it), starts as one of the kinds above.
bool LooksPacked(std::string_view head);

/// The regular files of `blob`, up to `limit` bytes in all; nothing when it
/// is none of the kinds above or gives no byte. Reading also stops after
/// 4096 entries, or 4 times `limit` read with the tar headers; `cut` then
/// says so.
Unpacked Unpack(std::string_view blob, size_t limit);

}  // namespace safebuild::detect
