#include "scan/nested.h"

#include <archive.h>
#include <archive_entry.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>

#include "image/bounded_decoder.h"
#include "image/layer_reader.h"
#include "util/fd.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace safebuild {
namespace {

constexpr size_t kChunk = 64 << 10;
constexpr std::array<std::string_view, 21> kArchiveSuffixes = {
    ".zip", ".jar", ".war",  ".ear", ".whl",  ".tar", ".tgz", ".gz",  ".xz",   ".txz",
    ".bz2", ".tbz", ".tbz2", ".zst", ".tzst", ".egg", ".deb", ".udeb", ".lzma", ".tlz",
    ".pyz"};
// Suffixes of one compressed stream, dropped from the member's name.
constexpr std::array<std::string_view, 5> kStreamSuffixes = {".gz", ".xz", ".bz2", ".zst",
                                                             ".lzma"};

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
// formats whose readers are rarely exercised on hostile bytes. xz, lzma and
// zstd are decoded before libarchive sees the bytes, by a BoundedDecoder:
// their windows are set by the stream, and libarchive's decoders take any.
// `raw_only` reads a compressed stream as the one unnamed member it holds.
ReaderPtr NewReader(bool raw_only = false) {
  ReaderPtr a(archive_read_new());
  if (a == nullptr) return a;
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_bzip2(a.get());
  if (!raw_only) {
    archive_read_support_format_zip(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_ar(a.get());  // .deb packages, static libraries
  }
  archive_read_support_format_raw(a.get());
  return a;
}

// A decompression filter under the archive, libarchive's or our own.
bool IsCompressed(archive* a, const BoundedDecoder* decoder) {
  return decoder != nullptr || archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE;
}

// The raw format accepts anything: without a decompression filter under it,
// the bytes were no archive at all.
bool IsUnwrappedRaw(archive* a, const BoundedDecoder* decoder) {
  return archive_format(a) == ARCHIVE_FORMAT_RAW && !IsCompressed(a, decoder);
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

// A self-extracting script (makeself's .run, an installer .bin) is a shell
// script with an archive appended: the archive starts on the line after the
// script's last, at the first bytes that are no text. Their offset, when an
// archive that safebuild reads starts there (gzip, bzip2, xz, lzma, zstd or
// tar); 0 otherwise. Only `head` is looked at: such scripts are a few KiB.
size_t ScriptPayloadOffset(std::string_view head) {
  if (!StartsWith(head, "#!")) return 0;
  const auto binary = std::find_if(head.begin(), head.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f;
  });
  if (binary == head.end()) return 0;
  const size_t newline = head.rfind('\n', static_cast<size_t>(binary - head.begin()));
  if (newline == std::string_view::npos) return 0;
  const std::string_view payload = head.substr(newline + 1);
  const bool archive = StartsWith(payload, "\x1f\x8b") || CodecOf(payload) != Codec::kNone ||
                       (payload.size() >= 10 && StartsWith(payload, "BZh") &&
                        payload.substr(4, 6) == "1AY&SY") ||
                       (payload.size() >= 262 && payload.substr(257, 5) == "ustar");
  return archive ? newline + 1 : 0;
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

// Where an archive's bytes are: in memory, or in a file read with pread,
// which libarchive pulls through the callbacks below (seeking in it, as in
// memory, for a zip's central directory). `head` is what the checks before
// opening look at: all of it in memory, the first bytes of a file.
struct Source {
  std::string_view head;
  int fd = -1;
  uint64_t size = 0;  // from `base` on
  uint64_t pos = 0;
  uint64_t base = 0;  // where in the file the archive starts (after a script)
  std::string buf;

  uint64_t packed() const { return fd < 0 ? head.size() : size; }
};

constexpr size_t kFileChunk = 256 << 10;

// pread of up to `size` bytes at `at`, again when a signal cut it short.
ssize_t ReadAt(int fd, char* buf, size_t size, uint64_t at) {
  ssize_t n = 0;
  do {
    n = pread(fd, buf, size, static_cast<off_t>(at));
  } while (n < 0 && errno == EINTR);
  return n;
}

la_ssize_t SourceRead(archive* a, void* data, const void** out) {
  auto* src = static_cast<Source*>(data);
  src->buf.resize(kFileChunk);
  const ssize_t n = ReadAt(src->fd, src->buf.data(), kFileChunk, src->base + src->pos);
  if (n < 0) {
    archive_set_error(a, errno, "cannot read the archive");
    return ARCHIVE_FATAL;
  }
  src->pos += static_cast<uint64_t>(n);
  *out = src->buf.data();
  return n;
}

la_int64_t SourceSeek(archive*, void* data, la_int64_t offset, int whence) {
  auto* src = static_cast<Source*>(data);
  int64_t base = whence == SEEK_SET   ? 0
                 : whence == SEEK_CUR ? static_cast<int64_t>(src->pos)
                                      : static_cast<int64_t>(src->size);
  if (offset < -base) return ARCHIVE_FATAL;
  src->pos = static_cast<uint64_t>(base + offset);
  return static_cast<la_int64_t>(src->pos);
}

la_int64_t SourceSkip(archive*, void* data, la_int64_t request) {
  auto* src = static_cast<Source*>(data);
  if (request <= 0 || src->pos >= src->size) return 0;
  uint64_t n = std::min(static_cast<uint64_t>(request), src->size - src->pos);
  src->pos += n;
  return static_cast<la_int64_t>(n);
}

// The compressed bytes of `src` for a decoder, from its first byte.
BoundedDecoder::Next RawBlocks(const Source& src) {
  if (src.fd < 0) {
    return [head = src.head, given = false]() mutable -> Expected<std::string_view> {
      if (given) return std::string_view();
      given = true;
      return head;
    };
  }
  return [fd = src.fd, size = src.size, base = src.base, pos = uint64_t{0},
          buf = std::string()]() mutable -> Expected<std::string_view> {
    buf.resize(static_cast<size_t>(std::min<uint64_t>(kFileChunk, size - pos)));
    const ssize_t n = ReadAt(fd, buf.data(), buf.size(), base + pos);
    if (n < 0) return Fail("cannot read the archive: " + std::generic_category().message(errno));
    pos += static_cast<uint64_t>(n);
    return std::string_view(buf.data(), static_cast<size_t>(n));
  };
}

la_ssize_t DecodedRead(archive* a, void* data, const void** out) {
  auto* decoder = static_cast<BoundedDecoder*>(data);
  Expected<std::string_view> block = decoder->Read();
  if (!block) {
    archive_set_error(a, decoder->refused() ? ENOMEM : EINVAL, "%s", block.error().c_str());
    return ARCHIVE_FATAL;
  }
  *out = block->data();
  return static_cast<la_ssize_t>(block->size());
}

int OpenSource(archive* a, Source& src, BoundedDecoder* decoder) {
  if (decoder != nullptr) {
    archive_read_set_callback_data(a, decoder);
    archive_read_set_read_callback(a, DecodedRead);
    return archive_read_open1(a);
  }
  if (src.fd < 0) return archive_read_open_memory(a, src.head.data(), src.head.size());
  src.pos = 0;
  archive_read_set_callback_data(a, &src);
  archive_read_set_read_callback(a, SourceRead);
  archive_read_set_seek_callback(a, SourceSeek);
  archive_read_set_skip_callback(a, SourceSkip);
  return archive_read_open1(a);
}

// A zip member packed with lzma, xz or zstd ("zipx"): libarchive's own
// decoder unpacks it, with the window its header declares, which is
// therefore read first (ZipxMemory). The pages that window touches grow
// with what the member gives, so it is read only up to a grant from the
// decoder pool.
bool IsZipxMember(archive* a) {
  if (archive_format(a) != ARCHIVE_FORMAT_ZIP || archive_format_name(a) == nullptr) return false;
  std::string_view name = archive_format_name(a);
  return EndsWith(name, "(lzma)") || EndsWith(name, "(xz)") || EndsWith(name, "(zstd)");
}

// The memory the decoder of a zipx member needs by its header (see
// DeclaredMemory), read from `src` where libarchive left off: past the
// member's local header, at its data. 0 when unknown.
uint64_t ZipxMemory(archive* a, const Source& src) {
  const la_int64_t at = archive_filter_bytes(a, 0);
  if (at < 0 || static_cast<uint64_t>(at) >= src.packed()) return 0;
  std::string head(64, '\0');
  if (src.fd < 0) {
    head = src.head.substr(static_cast<size_t>(at), head.size());
  } else {
    const ssize_t n =
        ReadAt(src.fd, head.data(), head.size(), src.base + static_cast<uint64_t>(at));
    head.resize(n < 0 ? 0 : static_cast<size_t>(n));
  }
  const std::string_view name = archive_format_name(a);
  if (EndsWith(name, "(xz)")) return DeclaredMemory(Codec::kXz, head);
  if (EndsWith(name, "(zstd)")) return DeclaredMemory(Codec::kZstd, head);
  // lzma: a version (2 bytes), the size of the properties (2), then the
  // properties as an lzma header starts, with no size after them.
  if (head.size() < 9 || head.compare(2, 2, std::string_view("\x05\x00", 2)) != 0) return 0;
  return DeclaredMemory(Codec::kLzma, head.substr(4, 5) + std::string(8, '\xff'));
}

// A whole member, or an archive held whole, as the one window of itself.
ContentWindow WholeWindow(std::string_view bytes) {
  ContentWindow w;
  w.bytes = bytes;
  w.own_end = bytes.size();
  return w;
}

class Walker {
 public:
  // `packed`: the size of the layer file, which scales the budget.
  Walker(const NestedLimits& limits, const MemberCallback& on_member,
         const NameCallback& on_name, uint64_t packed)
      : limits_(limits),
        on_member_(on_member),
        on_name_(on_name),
        cutter_(limits.window),
        budget_(std::max(limits.max_total_bytes,
                         packed > UINT64_MAX / std::max<uint64_t>(limits.total_per_packed, 1)
                             ? UINT64_MAX
                             : limits.total_per_packed * packed)) {}

  void Walk(std::string_view name, const std::string& prefix, std::string_view content,
            int depth) {
    Source src;
    src.head = content;
    Walk(name, prefix, src, depth);
  }
  void Walk(std::string_view name, const std::string& prefix, Source& src, int depth,
            bool raw_only = false);
  NestedResult& result() { return result_; }

 private:
  // Per open archive: its packed size and what it has unpacked so far.
  struct Level {
    archive* a;
    std::string_view name;
    const std::string& prefix;
    uint64_t packed;
    uint64_t unpacked = 0;
    bool ratio_cut = false;  // a member hit the ratio limit: the rest is unread
    const BoundedDecoder* decoder = nullptr;  // xz, lzma or zstd under it
    const Source* src = nullptr;  // its bytes, when no decoder is under it
    // The current member's data, block by block (see ReadData).
    const char* block = nullptr;
    size_t block_left = 0;
    uint64_t block_at = 0;    // where `block` lies in the member
    uint64_t member_pos = 0;  // bytes handed out, holes included
    bool blocks_end = false;
    bool failed = false;  // an error came after bytes that were handed out

    void StartMember() {
      block_left = 0;
      block_at = 0;
      member_pos = 0;
      blocks_end = false;
      failed = false;
    }

    // Why it could not be read: a window over the decoder pool, or a fault.
    SkipReason Unread() const {
      return decoder != nullptr && decoder->refused() ? SkipReason::kMemory
                                                      : SkipReason::kUnreadable;
    }
  };
  // What one member may give, and what it gave.
  struct MemberRead {
    uint64_t ratio_room = 0;
    uint64_t budget = 0;
    uint64_t member_cap = UINT64_MAX;  // for a member held whole, or zipx
    bool pool_cap = false;             // member_cap is a grant from the pool
    uint64_t cap = 0;                  // the least of the three
    uint64_t got = 0;
    bool more = false;  // bytes were left past the cap
    bool error = false;
  };
  enum class Cut { kNone, kMember, kRatio, kBudget };

  bool Next(Level& level, archive_entry* e, int depth);
  static la_ssize_t ReadData(Level& level, char* buf, size_t size);
  void NameUnread(const Level& level);
  MemberRead StartMember(const Level& level) const;
  size_t Pull(Level& level, MemberRead& m, char* buf, size_t size);
  bool PullHead(Level& level, MemberRead& m, std::string& head);
  void PullRest(Level& level, MemberRead& m, archive_entry* e, std::string& out);
  int Stream(Level& level, MemberRead& m, const std::string& full, std::string_view head,
             int spool);
  Cut Finish(Level& level, const MemberRead& m);
  void Skip(SkipReason reason, const std::string& member) {
    result_.skipped.push_back({reason, member});
  }

  const NestedLimits& limits_;
  const MemberCallback& on_member_;
  const NameCallback& on_name_;
  WindowCutter cutter_;  // for members larger than a window, at any level
  NestedResult result_;
  uint64_t seen_members_ = 0;
  bool stop_all_ = false;  // the budget is spent or the entry cap reached
  SkipReason stop_reason_ = SkipReason::kSize;  // which of the two
  uint64_t budget_ = 0;  // bytes all members of the layer file may give
};

Walker::MemberRead Walker::StartMember(const Level& level) const {
  MemberRead m;
  uint64_t ratio_cap = limits_.max_ratio * level.packed + limits_.ratio_slack;
  m.ratio_room = ratio_cap > level.unpacked ? ratio_cap - level.unpacked : 0;
  m.budget = budget_ - std::min(budget_, result_.bytes);
  m.cap = std::min(m.ratio_room, m.budget);
  return m;
}

// Up to `size` bytes of the member, as archive_read_data gives them (the
// holes of a sparse member as zeros), but from archive_read_data_block: on
// an error, archive_read_data drops what it copied in that call, and a
// stream cut short or refused for memory would lose its last bytes. These
// come first; the error comes with the next call. -1 on an error.
la_ssize_t Walker::ReadData(Level& level, char* buf, size_t size) {
  if (level.failed) return -1;
  size_t done = 0;
  while (done < size) {
    if (level.block_left == 0 && level.member_pos >= level.block_at) {
      if (level.blocks_end) break;
      const void* block = nullptr;
      size_t n = 0;
      la_int64_t offset = 0;
      const int r = archive_read_data_block(level.a, &block, &n, &offset);
      if (r == ARCHIVE_EOF) {
        // A sparse member that ends in a hole: the end is its full size.
        level.blocks_end = true;
        if (offset > 0 && static_cast<uint64_t>(offset) > level.member_pos) {
          level.block_left = 0;
          level.block_at = static_cast<uint64_t>(offset);
          continue;
        }
        break;
      }
      if (r < ARCHIVE_WARN || offset < 0 || static_cast<uint64_t>(offset) < level.member_pos) {
        level.failed = true;
        break;
      }
      level.block = static_cast<const char*>(block);
      level.block_left = n;
      level.block_at = static_cast<uint64_t>(offset);
      continue;
    }
    if (level.member_pos < level.block_at) {  // a hole
      const size_t zeros =
          static_cast<size_t>(std::min<uint64_t>(size - done, level.block_at - level.member_pos));
      std::fill_n(buf + done, zeros, '\0');
      done += zeros;
      level.member_pos += zeros;
      continue;
    }
    const size_t n = std::min(size - done, level.block_left);
    std::copy_n(level.block, n, buf + done);
    level.block += n;
    level.block_left -= n;
    level.block_at += n;
    level.member_pos += n;
    done += n;
  }
  if (done == 0 && level.failed) return -1;
  return static_cast<la_ssize_t>(done);
}

// Up to `size` bytes of the member into `buf`, never past its cap; 0 at its
// end. At the cap one byte more is asked for, to learn whether the limit
// cut anything.
size_t Walker::Pull(Level& level, MemberRead& m, char* buf, size_t size) {
  if (m.error || m.more) return 0;
  if (m.got >= m.cap) {
    char probe = 0;
    la_ssize_t n = ReadData(level, &probe, 1);
    m.error = n < 0;
    m.more = n > 0;
    return 0;
  }
  size_t want = static_cast<size_t>(std::min<uint64_t>(size, m.cap - m.got));
  la_ssize_t n = ReadData(level, buf, want);
  if (n < 0) m.error = true;
  if (n <= 0) return 0;
  m.got += static_cast<uint64_t>(n);
  return static_cast<size_t>(n);
}

// The member's first bytes, enough to tell an archive; true when they are
// all of it.
bool Walker::PullHead(Level& level, MemberRead& m, std::string& head) {
  head.resize(kChunk);
  size_t used = 0;
  bool ended = false;
  while (used < head.size() && !ended) {
    size_t n = Pull(level, m, head.data() + used, head.size() - used);
    used += n;
    ended = n == 0;
  }
  head.resize(used);
  return ended;
}

// The rest of a member held whole, after its head, up to its cap.
void Walker::PullRest(Level& level, MemberRead& m, archive_entry* e, std::string& out) {
  if (out.size() > m.cap) {  // a cap smaller than the head
    out.resize(static_cast<size_t>(m.cap));
    m.got = m.cap;
    m.more = true;
    return;
  }
  if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0) {
    // Its size is known (though not trusted): grown by doubling, the copy
    // would hold three times the bytes for a moment.
    out.reserve(static_cast<size_t>(
        std::min<uint64_t>(static_cast<uint64_t>(archive_entry_size(e)), m.cap) + 1));
  }
  while (true) {
    // Never past the cap, so the reserved buffer is never outgrown; at the
    // cap, Pull asks for the one byte that tells whether the cap cut it.
    size_t old = out.size();
    size_t room = static_cast<size_t>(std::min<uint64_t>(kChunk, m.cap - m.got));
    out.resize(old + room);
    size_t n = Pull(level, m, out.data() + old, room);
    out.resize(old + n);
    if (n == 0) return;
  }
}

// A member window by window, the head first; copied to `spool` as well
// when that is open (an archive, to be opened from there). Returns 0, or
// the errno of a copy that could not be written.
int Walker::Stream(Level& level, MemberRead& m, const std::string& full,
                   std::string_view head, int spool) {
  uint64_t served = 0;
  int copy_error = 0;
  ReadFn read = [&](char* buf, size_t size) -> Expected<ReadPiece> {
    size_t n = 0;
    if (served < head.size()) {
      n = std::min(size, static_cast<size_t>(head.size() - served));
      std::copy_n(head.data() + served, n, buf);
    } else {
      n = Pull(level, m, buf, size);
    }
    if (spool >= 0 && copy_error == 0 && !WriteAllAt(spool, std::string_view(buf, n), served)) {
      copy_error = errno != 0 ? errno : EIO;
    }
    served += n;
    return ReadPiece{n, 0};
  };
  bool stopped = false;
  Status status = cutter_.Run(
      read,
      [&](const ContentWindow& w) {
        on_member_(full, w);
        return true;
      },
      &stopped);
  if (!status) m.error = true;
  return copy_error;
}

// Counts what the member gave, and says which limit cut it, if one did.
Walker::Cut Walker::Finish(Level& level, const MemberRead& m) {
  level.unpacked += m.got;
  result_.bytes += m.got;
  if (!m.more) return Cut::kNone;
  if (m.cap == m.ratio_room && m.cap < m.member_cap) return Cut::kRatio;
  if (m.cap == m.budget && m.cap < m.member_cap) return Cut::kBudget;
  return Cut::kMember;
}

// Handles one header; false ends this archive.
bool Walker::Next(Level& level, archive_entry* e, int depth) {
  if (++seen_members_ > limits_.max_members) {
    stop_all_ = true;
    stop_reason_ = SkipReason::kEntries;
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
  level.StartMember();
  MemberRead m = StartMember(level);
  PoolGrant grant;
  if (IsZipxMember(level.a)) {
    // A window over the pool is not decoded, as in a file packed with xz:
    // libarchive's decoder would take all of it at once.
    if (level.src != nullptr && ZipxMemory(level.a, *level.src) > kDecoderPool) {
      Skip(SkipReason::kMemory, full);
      return true;
    }
    m.member_cap = archive_entry_size_is_set(e) && archive_entry_size(e) >= 0
                       ? std::min(static_cast<uint64_t>(archive_entry_size(e)), kDecoderPool)
                       : kDecoderPool;
    m.pool_cap = true;
    if (!grant.GrowTo(m.member_cap)) {
      Skip(SkipReason::kMemory, full);
      return true;
    }
    m.cap = std::min(m.cap, m.member_cap);
  }
  std::string content;
  const bool whole = PullHead(level, m, content);
  const bool archive = IsNestedArchive(name, content);
  Fd spool(archive && !whole ? OpenUnnamedFile(limits_.spool_dir) : -1);
  const bool held = archive && spool.get() < 0;  // no spool file: in memory
  if (held) {
    if (limits_.max_member_bytes < m.member_cap) {
      m.member_cap = limits_.max_member_bytes;
      m.pool_cap = false;
    }
    m.cap = std::min(m.cap, m.member_cap);
    if (!whole || content.size() > m.cap) PullRest(level, m, e, content);
  }
  int copy_error = 0;
  if (held || (whole && content.size() <= limits_.window.step)) {
    on_member_(full, WholeWindow(content));
  } else {
    copy_error = Stream(level, m, full, content, spool.get());
    if (spool.get() < 0) std::string().swap(content);  // the head stays for a spooled one
  }
  Cut cut = Finish(level, m);
  ++result_.members;
  if (m.error) Skip(level.Unread(), full);
  // The members after it are not read either.
  if (m.error && level.Unread() == SkipReason::kMemory && !raw) Skip(SkipReason::kMemory,
                                                                     level.prefix);
  if (copy_error != 0 && result_.error.empty()) {
    result_.error = full + ": cannot copy it to " +
                    (limits_.spool_dir.empty() ? std::string("the temporary directory")
                                               : limits_.spool_dir.string()) +
                    " to open it: " + std::generic_category().message(copy_error);
  }
  if (cut == Cut::kMember && m.pool_cap) {
    Skip(SkipReason::kMemory, full);
  } else if (cut == Cut::kMember || cut == Cut::kBudget) {
    Skip(SkipReason::kSize, full);
  }
  if (cut == Cut::kRatio) Skip(SkipReason::kRatio, full);
  level.ratio_cut = cut == Cut::kRatio;
  if (cut == Cut::kBudget) stop_all_ = true;
  if (archive && copy_error == 0 && !m.error && cut == Cut::kNone) {
    if (depth >= limits_.max_depth) {
      Skip(SkipReason::kDepth, full);
    } else if (spool.get() >= 0) {
      Source src;
      src.head = content;
      src.fd = spool.get();
      src.size = m.got;
      Walk(name, full, src, depth + 1);
    } else {
      Walk(name, full, content, depth + 1);
    }
  }
  return !m.error && cut != Cut::kRatio && !stop_all_;
}

void Walker::Walk(std::string_view name, const std::string& prefix, Source& src, int depth,
                  bool raw_only) {
  if (!raw_only && src.base == 0) {
    // A self-extracting script: the archive after it is read from its own
    // first byte on (the script itself was scanned as text).
    const size_t offset = ScriptPayloadOffset(src.head.substr(0, kChunk));
    src.head.remove_prefix(offset);
    if (src.fd >= 0) {
      src.base = offset;
      src.size -= std::min<uint64_t>(src.size, offset);
    }
  }
  const std::string_view content = src.head;
  if (content.empty() || stop_all_ || IsEmptyGzip(content)) return;
  if (!UnopenedArchiveKind(content).empty()) {
    Skip(SkipReason::kUnsupported, prefix);
    return;
  }
  const Codec codec = CodecOf(content);
  std::unique_ptr<BoundedDecoder> decoder;
  if (codec != Codec::kNone) decoder = std::make_unique<BoundedDecoder>(codec, RawBlocks(src));
  ReaderPtr a = NewReader(raw_only);
  Level level{a.get(), name, prefix, src.packed()};
  level.decoder = decoder.get();
  if (decoder == nullptr) level.src = &src;
  if (a == nullptr || OpenSource(a.get(), src, decoder.get()) != ARCHIVE_OK) {
    Skip(level.Unread(), prefix);
    return;
  }
  bool first = true;
  while (true) {
    archive_entry* e = nullptr;
    int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF && first && !raw_only && IsCompressed(a.get(), decoder.get())) {
      // A compressed stream that starts with zero blocks reads as an empty
      // tar; gunzip still gives every byte. Read it as one plain member.
      a.reset();
      decoder.reset();
      Walk(name, prefix, src, depth, true);
      return;
    }
    if (r == ARCHIVE_EOF) return;
    if (first && (r < ARCHIVE_WARN || IsUnwrappedRaw(a.get(), decoder.get()))) {
      // The name promised an archive and the bytes are none: say so,
      // unless they are plain text, already scanned in full.
      if (r < ARCHIVE_WARN || (HasArchiveSuffix(name) && !IsPlainText(content))) {
        Skip(level.Unread(), prefix);
      }
      return;
    }
    if (r < ARCHIVE_WARN) {
      Skip(level.Unread(), prefix);
      return;
    }
    if (first) ++result_.archives;
    first = false;
    if (!Next(level, e, depth)) {
      NameUnread(level);
      return;
    }
  }
}

// A limit ended the archive before its end: the members after the one it
// cut are not read, so the archive itself is named ("" for the layer file),
// at every level the stop reaches. A compressed stream has no other member.
void Walker::NameUnread(const Level& level) {
  if (archive_format(level.a) == ARCHIVE_FORMAT_RAW) {
    if (stop_all_ && stop_reason_ == SkipReason::kEntries) Skip(stop_reason_, level.prefix);
    return;
  }
  if (level.ratio_cut) {
    Skip(SkipReason::kRatio, level.prefix);
  } else if (stop_all_) {
    Skip(stop_reason_, level.prefix);
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
    case SkipReason::kMemory:
      return "memory";
    case SkipReason::kUnreadable:
      break;
  }
  return "unreadable";
}

bool IsNestedArchive(std::string_view name, std::string_view content) {
  if (content.empty()) return false;
  if (StartsWith(content, "PK\x03\x04") || StartsWith(content, "\x1f\x8b")) return true;
  if (CodecOf(content) != Codec::kNone) return true;  // xz, lzma, zstd
  // "BZh", a block size digit, then the block magic (pi in BCD).
  if (content.size() >= 10 && StartsWith(content, "BZh") && content.substr(4, 6) == "1AY&SY") {
    return true;
  }
  if (content.size() >= 262 && content.substr(257, 5) == "ustar") return true;
  if (StartsWith(content, "!<arch>\n")) return true;  // ar: a .deb, a static library
  // A zip after other bytes: a script (Python's zipapp), an executable (a
  // self-extracting installer), a cache entry's header (pip's HTTP cache).
  // The zip's end record closes the file when the zip has no comment; after
  // a script it may have one, and is within its last 64 KiB and 22 bytes.
  constexpr size_t kEndRecord = 22;
  if (content.size() >= kEndRecord &&
      content.substr(content.size() - kEndRecord, 4) == "PK\x05\x06" &&
      content.substr(content.size() - 2) == std::string_view("\0\0", 2)) {
    return true;
  }
  constexpr size_t kEndReach = (64 << 10) + kEndRecord;
  if (StartsWith(content, "#!") &&
      content.substr(content.size() - std::min(content.size(), kEndReach)).find("PK\x05\x06") !=
          std::string_view::npos) {
    return true;
  }
  if (!UnopenedArchiveKind(content).empty()) return true;
  if (ScriptPayloadOffset(content.substr(0, kChunk)) != 0) return true;
  return HasArchiveSuffix(name);
}

NestedResult WalkNested(std::string_view name, std::string_view content,
                        const NestedLimits& limits, const MemberCallback& on_member,
                        const NameCallback& on_name) {
  Walker walker(limits, on_member, on_name, content.size());
  walker.Walk(name, "", content, 1);
  return std::move(walker.result());
}

NestedResult WalkNestedFile(std::string_view name, int fd, uint64_t size,
                            const NestedLimits& limits, const MemberCallback& on_member,
                            const NameCallback& on_name) {
  Walker walker(limits, on_member, on_name, size);
  std::string head(static_cast<size_t>(std::min<uint64_t>(size, kChunk)), '\0');
  ssize_t n = 0;
  do {
    n = pread(fd, head.data(), head.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    walker.result().skipped.push_back({SkipReason::kUnreadable, ""});
    return std::move(walker.result());
  }
  head.resize(static_cast<size_t>(n));
  Source src;
  src.head = head;
  src.fd = fd;
  src.size = size;
  walker.Walk(name, "", src, 1);
  return std::move(walker.result());
}

}  // namespace safebuild
