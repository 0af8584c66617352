#include "scan/nested.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <memory>

#include "image/layer_reader.h"
#include "util/text.h"

namespace safebuild {
namespace {

constexpr size_t kChunk = 64 << 10;
constexpr std::array<std::string_view, 18> kArchiveSuffixes = {
    ".zip", ".jar", ".war", ".ear", ".whl", ".tar", ".tgz", ".gz",  ".xz",
    ".txz", ".bz2", ".tbz", ".tbz2", ".zst", ".tzst", ".egg", ".deb", ".udeb"};
// Suffixes of one compressed stream, dropped from the member's name.
constexpr std::array<std::string_view, 4> kStreamSuffixes = {".gz", ".xz", ".bz2", ".zst"};

struct ReaderDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ReaderPtr = std::unique_ptr<archive, ReaderDeleter>;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool HasArchiveSuffix(std::string_view name) {
  std::string lower = Lower(name);
  return std::any_of(kArchiveSuffixes.begin(), kArchiveSuffixes.end(),
                     [&](std::string_view s) { return EndsWith(lower, s); });
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// A plain .gz (.xz, .bz2, .zst) holds one unnamed stream: it is named after
// the file, less the suffix, as gunzip would name it.
std::string RawMemberName(std::string_view archive_name) {
  std::string base(BaseName(archive_name));
  for (std::string_view suffix : kStreamSuffixes) {
    if (EndsWith(Lower(base), suffix) && base.size() > suffix.size()) {
      base.resize(base.size() - suffix.size());
      break;
    }
  }
  return base;
}

// A member's name within its archive: normalised, never absolute.
std::string EntryName(archive_entry* e) {
  const char* path = archive_entry_pathname(e);
  std::string name = NormalizeLayerPath(path == nullptr ? "" : path);
  if (!name.empty() && name[0] == '/') name.erase(0, 1);
  return name;
}

// Only formats and filters the nested kinds need: no external programs, no
// formats whose readers are rarely exercised on hostile bytes.
// `raw_only` reads a compressed stream as the one unnamed member it holds.
ReaderPtr NewReader(bool raw_only = false) {
  ReaderPtr a(archive_read_new());
  if (a == nullptr) return a;
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_xz(a.get());
  archive_read_support_filter_bzip2(a.get());
  archive_read_support_filter_zstd(a.get());
  if (!raw_only) {
    archive_read_support_format_zip(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_ar(a.get());  // .deb packages, static libraries
  }
  archive_read_support_format_raw(a.get());
  return a;
}

// The raw format accepts anything: without a decompression filter under it,
// the bytes were no archive at all.
bool IsUnwrappedRaw(archive* a) {
  return archive_format(a) == ARCHIVE_FORMAT_RAW &&
         archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE;
}

// Text a person or a tool wrote: no control bytes but blanks and line
// ends. Such bytes under an archive's name were scanned in full as what
// they are (dpkg names its alternatives files after the man page they
// select, "builtins.7.gz"); binary bytes under that name may be an archive
// libarchive cannot open, whose members would go unread.
bool IsPlainText(std::string_view content) {
  return std::none_of(content.begin(), content.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f;
  });
}

// gzip of an empty file: libarchive finds no entry in it, yet nothing is
// missing. The trailer's last four bytes are the size modulo 2^32; a stream
// this short cannot hold 4 GiB.
bool IsEmptyGzip(std::string_view content) {
  if (!StartsWith(content, "\x1f\x8b") || content.size() > 64) return false;
  return content.substr(content.size() - 4) == std::string_view("\0\0\0\0", 4);
}

bool AllOctalOrHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

// Archive kinds that are not opened, by their first bytes: their members
// go unread, so the file is named in `skipped` rather than passed over.
std::string_view UnopenedArchiveKind(std::string_view content) {
  struct Magic {
    std::string_view bytes;
    std::string_view kind;
  };
  static constexpr Magic kMagics[] = {
      {"7z\xbc\xaf\x27\x1c", "7z"},
      {"Rar!\x1a\x07", "rar"},
      {"\xed\xab\xee\xdb", "rpm"},
      {"xar!", "xar"},
      {std::string_view("MSCF\0\0\0\0", 8), "cab"},
      {"\x04\x22\x4d\x18", "lz4"},
      {"LZIP", "lzip"},
      {"\x1f\x9d", "compress"},
      {"hsqs", "squashfs"},
      {std::string_view("\x89LZO\0\r\n\x1a\n", 9), "lzop"}};
  for (const Magic& m : kMagics) {
    if (StartsWith(content, m.bytes)) return m.kind;
  }
  // cpio's portable headers are ASCII: a magic, then fields of digits.
  constexpr size_t kCpioHeader = 76;  // odc, the shorter of the two
  if (content.size() >= kCpioHeader &&
      (StartsWith(content, "070701") || StartsWith(content, "070702") ||
       StartsWith(content, "070707")) &&
      AllOctalOrHex(content.substr(6, kCpioHeader - 6))) {
    return "cpio";
  }
  return {};
}

class Walker {
 public:
  Walker(const NestedLimits& limits, const MemberCallback& on_member,
         const NameCallback& on_name)
      : limits_(limits), on_member_(on_member), on_name_(on_name) {}

  void Walk(std::string_view name, const std::string& prefix, std::string_view content,
            int depth, bool raw_only = false);
  NestedResult& result() { return result_; }

 private:
  // Per open archive: its packed size and what it has unpacked so far.
  struct Level {
    archive* a;
    std::string_view name;
    const std::string& prefix;
    uint64_t packed;
    uint64_t unpacked = 0;
  };
  enum class Cut { kNone, kMember, kRatio, kBudget };

  bool Next(Level& level, archive_entry* e, int depth);
  Cut Read(Level& level, std::string& out, bool* error);
  void Skip(SkipReason reason, const std::string& member) {
    result_.skipped.push_back({reason, member});
  }

  const NestedLimits& limits_;
  const MemberCallback& on_member_;
  const NameCallback& on_name_;
  NestedResult result_;
  uint64_t seen_members_ = 0;
  bool stop_all_ = false;  // the budget is spent or the entry cap reached
};

// Reads one member into `out`, stopping at whichever limit comes first.
Walker::Cut Walker::Read(Level& level, std::string& out, bool* error) {
  uint64_t ratio_cap = limits_.max_ratio * level.packed + limits_.ratio_slack;
  uint64_t ratio_room = ratio_cap > level.unpacked ? ratio_cap - level.unpacked : 0;
  uint64_t budget = limits_.max_total_bytes - std::min(limits_.max_total_bytes,
                                                       result_.bytes);
  uint64_t cap = std::min({limits_.max_member_bytes, ratio_room, budget});
  out.clear();
  *error = false;
  while (true) {
    size_t old = out.size();
    size_t want = static_cast<size_t>(std::min<uint64_t>(cap - old + 1, kChunk));
    out.resize(old + want);
    la_ssize_t n = archive_read_data(level.a, out.data() + old, want);
    out.resize(old + static_cast<size_t>(std::max<la_ssize_t>(n, 0)));
    if (n < 0) *error = true;
    if (n <= 0) break;
    if (out.size() > cap) {
      out.resize(static_cast<size_t>(cap));
      level.unpacked += cap;
      if (cap == ratio_room && cap < limits_.max_member_bytes) return Cut::kRatio;
      if (cap == budget && cap < limits_.max_member_bytes) return Cut::kBudget;
      return Cut::kMember;
    }
  }
  level.unpacked += out.size();
  return Cut::kNone;
}

// Handles one header; false ends this archive.
bool Walker::Next(Level& level, archive_entry* e, int depth) {
  if (++seen_members_ > limits_.max_members) {
    Skip(SkipReason::kEntries, level.prefix);
    stop_all_ = true;
    return false;
  }
  const bool raw = archive_format(level.a) == ARCHIVE_FORMAT_RAW;
  std::string name = raw ? RawMemberName(level.name) : EntryName(e);
  std::string full = level.prefix.empty() ? name : level.prefix + "!" + name;
  if (on_name_ && !raw && !name.empty()) {
    const char* target = archive_entry_filetype(e) == AE_IFLNK ? archive_entry_symlink(e)
                                                                : nullptr;
    on_name_(MemberName{full, full.size() - name.size(), target == nullptr ? "" : target});
  }
  if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) != nullptr) {
    return true;  // directories, links and devices carry no bytes of their own
  }
  if (archive_entry_is_data_encrypted(e)) {
    Skip(SkipReason::kUnreadable, full);
    return true;
  }
  std::string content;
  bool error = false;
  Cut cut = Read(level, content, &error);
  if (error) Skip(SkipReason::kUnreadable, full);
  if (cut == Cut::kMember || cut == Cut::kBudget) Skip(SkipReason::kSize, full);
  if (cut == Cut::kRatio) Skip(SkipReason::kRatio, full);
  if (cut == Cut::kBudget) stop_all_ = true;
  ++result_.members;
  result_.bytes += content.size();
  on_member_(full, content);
  if (!error && cut == Cut::kNone && IsNestedArchive(name, content)) {
    if (depth >= limits_.max_depth) {
      Skip(SkipReason::kDepth, full);
    } else {
      Walk(name, full, content, depth + 1);
    }
  }
  return !error && cut != Cut::kRatio && !stop_all_;
}

void Walker::Walk(std::string_view name, const std::string& prefix, std::string_view content,
                  int depth, bool raw_only) {
  if (content.empty() || stop_all_ || IsEmptyGzip(content)) return;
  if (!UnopenedArchiveKind(content).empty()) {
    Skip(SkipReason::kUnsupported, prefix);
    return;
  }
  ReaderPtr a = NewReader(raw_only);
  if (a == nullptr ||
      archive_read_open_memory(a.get(), content.data(), content.size()) != ARCHIVE_OK) {
    Skip(SkipReason::kUnreadable, prefix);
    return;
  }
  Level level{a.get(), name, prefix, content.size()};
  bool first = true;
  while (true) {
    archive_entry* e = nullptr;
    int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF && first && !raw_only &&
        archive_filter_code(a.get(), 0) != ARCHIVE_FILTER_NONE) {
      // A compressed stream that starts with zero blocks reads as an empty
      // tar; gunzip still gives every byte. Read it as one plain member.
      Walk(name, prefix, content, depth, true);
      return;
    }
    if (r == ARCHIVE_EOF) return;
    if (first && (r < ARCHIVE_WARN || IsUnwrappedRaw(a.get()))) {
      // The name promised an archive and the bytes are none: say so,
      // unless they are plain text, already scanned in full.
      if (r < ARCHIVE_WARN || (HasArchiveSuffix(name) && !IsPlainText(content))) {
        Skip(SkipReason::kUnreadable, prefix);
      }
      return;
    }
    if (r < ARCHIVE_WARN) {
      Skip(SkipReason::kUnreadable, prefix);
      return;
    }
    if (first) ++result_.archives;
    first = false;
    if (!Next(level, e, depth)) return;
  }
}

}  // namespace

std::string_view ToString(SkipReason reason) {
  switch (reason) {
    case SkipReason::kSize:
      return "size";
    case SkipReason::kRatio:
      return "ratio";
    case SkipReason::kDepth:
      return "depth";
    case SkipReason::kEntries:
      return "entries";
    case SkipReason::kUnsupported:
      return "unsupported";
    case SkipReason::kUnreadable:
      break;
  }
  return "unreadable";
}

bool IsNestedArchive(std::string_view name, std::string_view content) {
  if (content.empty()) return false;
  if (StartsWith(content, "PK\x03\x04") || StartsWith(content, "\x1f\x8b")) return true;
  if (StartsWith(content, "\xfd" "7zXZ") || StartsWith(content, "\x28\xb5\x2f\xfd")) return true;
  // "BZh", a block size digit, then the block magic (pi in BCD).
  if (content.size() >= 10 && StartsWith(content, "BZh") && content.substr(4, 6) == "1AY&SY") {
    return true;
  }
  if (content.size() >= 262 && content.substr(257, 5) == "ustar") return true;
  if (StartsWith(content, "!<arch>\n")) return true;  // ar: a .deb, a static library
  if (!UnopenedArchiveKind(content).empty()) return true;
  return HasArchiveSuffix(name);
}

NestedResult WalkNested(std::string_view name, std::string_view content,
                        const NestedLimits& limits, const MemberCallback& on_member,
                        const NameCallback& on_name) {
  Walker walker(limits, on_member, on_name);
  walker.Walk(name, "", content, 1);
  return std::move(walker.result());
}

}  // namespace safebuild
