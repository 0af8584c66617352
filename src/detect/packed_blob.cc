#include "detect/packed_blob.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace safebuild::detect {
namespace {

constexpr size_t kTarMagicAt = 257;
// Headers count as read too: a tarball of many empty files inflates to
// headers alone. Reading stops at this many entries, or at this many times
// the limit of bytes read in all.
constexpr int kMaxEntries = 4096;
constexpr int64_t kMaxReadPerLimit = 4;

struct ReaderDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

// The kind as a person would say it: the format, then its compression.
std::string KindOf(archive* a) {
  const int format = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;
  std::string kind = format == ARCHIVE_FORMAT_TAR   ? "tar"
                     : format == ARCHIVE_FORMAT_ZIP ? "zip"
                                                    : "";
  // From the filter next to the format out to the bytes' own.
  for (int i = 0; i < archive_filter_count(a); ++i) {
    const int filter = archive_filter_code(a, i);
    const std::string_view packer = filter == ARCHIVE_FILTER_GZIP    ? "gzip"
                                    : filter == ARCHIVE_FILTER_BZIP2 ? "bzip2"
                                    : filter == ARCHIVE_FILTER_UU    ? "uuencode"
                                                                     : "";
    if (packer.empty()) continue;
    if (!kind.empty()) kind += ", ";
    kind += packer;
  }
  return kind;
}

using ReaderPtr = std::unique_ptr<archive, ReaderDeleter>;

// `raw_only` reads a compressed stream as the one file it holds.
ReaderPtr Open(std::string_view blob, bool raw_only) {
  ReaderPtr a(archive_read_new());
  if (a == nullptr) return a;
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_bzip2(a.get());
  archive_read_support_filter_uu(a.get());
  if (!raw_only) {
    archive_read_support_format_tar(a.get());
    archive_read_support_format_zip(a.get());
  }
  archive_read_support_format_raw(a.get());
  if (archive_read_open_memory(a.get(), blob.data(), blob.size()) != ARCHIVE_OK) a.reset();
  return a;
}

// The file's bytes into `file`, up to what `out` has room for.
void ReadFile(archive* a, PackedFile& file, Unpacked& out, size_t limit) {
  char buf[16 << 10];
  while (true) {
    const la_ssize_t n = archive_read_data(a, buf, sizeof buf);
    if (n <= 0) return;
    const size_t take = std::min(limit - out.bytes, static_cast<size_t>(n));
    file.bytes.append(buf, take);
    out.bytes += take;
    if (take < static_cast<size_t>(n)) {
      out.cut = true;
      return;
    }
  }
}

Unpacked Unpack(std::string_view blob, size_t limit, bool raw_only) {
  Unpacked out;
  ReaderPtr a = Open(blob, raw_only);
  if (a == nullptr) return out;
  archive_entry* e = nullptr;
  bool first = true;
  for (int entries = 0; !out.cut; ++entries) {
    if (entries == kMaxEntries ||
        archive_filter_bytes(a.get(), 0) > kMaxReadPerLimit * static_cast<int64_t>(limit)) {
      out.cut = true;
      break;
    }
    const int r = archive_read_next_header(a.get(), &e);
    const bool compressed = archive_filter_code(a.get(), 0) != ARCHIVE_FILTER_NONE;
    // A compressed stream that starts with zero blocks reads as an empty
    // tar; gunzip still gives every byte.
    if (r == ARCHIVE_EOF && first && compressed && !raw_only) return Unpack(blob, limit, true);
    if (r < ARCHIVE_WARN) break;
    first = false;
    const bool raw = archive_format(a.get()) == ARCHIVE_FORMAT_RAW;
    // Raw bytes with no filter under them were no packed blob at all.
    if (raw && !compressed) return {};
    if (out.kind.empty()) out.kind = KindOf(a.get());
    if (archive_entry_filetype(e) != AE_IFREG || archive_entry_is_data_encrypted(e)) continue;
    PackedFile file;
    const char* name = archive_entry_pathname(e);
    if (!raw && name != nullptr) file.name = name;
    ReadFile(a.get(), file, out, limit);
    if (!file.bytes.empty()) out.files.push_back(std::move(file));
  }
  return out;
}

}  // namespace

bool LooksPacked(std::string_view head) {
  if (head.starts_with("\x1f\x8b\x08") || head.starts_with("PK\x03\x04")) return true;
  if (head.starts_with("begin ")) return true;  // uuencode
  // "BZh", a block size digit, then the block magic (pi in BCD).
  if (head.size() >= 10 && head.starts_with("BZh") && head.substr(4, 6) == "1AY&SY") return true;
  return head.size() >= kTarMagicAt + 5 && head.substr(kTarMagicAt, 5) == "ustar";
}

Unpacked Unpack(std::string_view blob, size_t limit) { return Unpack(blob, limit, false); }

}  // namespace safebuild::detect
