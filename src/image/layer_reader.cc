// A layer is a tar of changes. Deletions are spelled as whiteouts: an entry
// whose basename is ".wh.NAME" deletes NAME in the same directory, and
// ".wh..wh..opq" marks its directory opaque (everything below it in lower
// layers is hidden). Overlay-exported layers may instead carry a character
// device 0/0 at the deleted path itself. Other ".wh..wh." names are aufs
// bookkeeping and are passed on as ordinary entries. Names are normalised
// first and classified second (as a layer applier cleans a name before it
// looks at the base), so "a/.wh..b" deletes "a/.b" and "d/.wh..." names the
// parent of d.
//
// A whiteout that is a regular file still carries its bytes to the caller:
// no filesystem shows them, but anyone who pulls the layer has them.
#include "image/layer_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "image/bounded_decoder.h"
#include "util/text.h"

namespace safebuild {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kMetaPrefix = ".wh..wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

struct ReaderDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ReaderPtr = std::unique_ptr<archive, ReaderDeleter>;

// Only the decoders layers use: archive_read_support_filter_all would also
// hand hostile bytes to external programs (lrzip, lzop, grzip). zstd is
// decoded before libarchive sees the bytes, by a BoundedDecoder: a frame
// sets its own window, and libarchive's decoder takes up to 128 MiB in
// every thread that reads a layer.
ReaderPtr NewTarReader() {
  ReaderPtr a(archive_read_new());
  if (a == nullptr) return a;
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  return a;
}

std::string EntryName(archive_entry* e) {
  const char* name = archive_entry_pathname(e);
  if (name == nullptr) name = archive_entry_pathname_utf8(e);
  return name == nullptr ? std::string() : std::string(name);
}

LayerEntry::Type TypeOf(archive_entry* e) {
  if (archive_entry_hardlink(e) != nullptr) return LayerEntry::Type::kHardlink;
  switch (archive_entry_filetype(e)) {
    case AE_IFREG:
      return LayerEntry::Type::kFile;
    case AE_IFDIR:
      return LayerEntry::Type::kDir;
    case AE_IFLNK:
      return LayerEntry::Type::kSymlink;
    default:
      return LayerEntry::Type::kOther;
  }
}

}  // namespace

void ClassifyWhiteout(LayerEntry& entry) {
  size_t slash = entry.path.rfind('/');
  if (slash == std::string::npos) return;  // the root has no name
  std::string_view base = std::string_view(entry.path).substr(slash + 1);
  std::string dir = entry.path.substr(0, slash);
  if (base == kOpaqueMarker) {
    entry.is_opaque = true;
    entry.path = dir;
  } else if (StartsWith(base, kWhiteoutPrefix) &&
             !StartsWith(base, kMetaPrefix)) {
    entry.is_whiteout = true;
    entry.path = NormalizeLayerPath(
        dir + "/" + std::string(base.substr(kWhiteoutPrefix.size())));
  }
}

namespace {

bool IsDeviceWhiteout(archive_entry* e) {
  return archive_entry_filetype(e) == AE_IFCHR &&
         archive_entry_rdevmajor(e) == 0 && archive_entry_rdevminor(e) == 0;
}

LayerEntry Describe(archive_entry* e) {
  LayerEntry entry;
  entry.type = TypeOf(e);
  entry.path = NormalizeLayerPath(EntryName(e));
  if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0) {
    entry.size = static_cast<uint64_t>(archive_entry_size(e));
  }
  if (entry.type == LayerEntry::Type::kHardlink) {
    entry.link_target = NormalizeLayerPath(archive_entry_hardlink(e));
  } else if (entry.type == LayerEntry::Type::kSymlink) {
    const char* target = archive_entry_symlink(e);
    if (target == nullptr) target = archive_entry_symlink_utf8(e);
    entry.link_target = target == nullptr ? "" : target;
  }
  ClassifyWhiteout(entry);
  if (IsDeviceWhiteout(e)) entry.is_whiteout = true;
  archive_entry_xattr_reset(e);
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
    if (name == nullptr || IsOverlayXattr(name)) continue;
    entry.xattrs.emplace_back(name, std::string(static_cast<const char*>(value), size));
  }
  return entry;
}

// Reads one layer; one window buffer serves every entry.
class LayerStream {
 public:
  LayerStream(const FileRange& blob, const LayerLimits& limits)
      : blob_(blob), limits_(limits), cutter_(limits.window) {}

  Status Run(const EntryCallback& on_entry);

 private:
  Status Open();
  Status Content(const LayerEntry& entry, const EntryCallback& on_entry, bool* stopped);
  Status CheckEnd(int64_t last_entry_end);
  Status Error(const std::string& what) const;

  static la_ssize_t ReadBlock(archive* a, void* self, const void** buf);
  static la_int64_t SkipBytes(archive* a, void* self, la_int64_t request);
  Expected<std::string_view> NextBlock();

  const FileRange& blob_;
  const LayerLimits& limits_;
  WindowCutter cutter_;
  RangeReader file_;
  std::string first_;  // the first block, read to tell a zstd blob
  bool first_given_ = false;
  std::unique_ptr<BoundedDecoder> decoder_;
  ReaderPtr a_;
  std::string member_;  // name of the entry being read, for messages
};

Status LayerStream::Error(const std::string& what) const {
  if (decoder_ != nullptr && decoder_->refused()) {  // not corrupt: too costly to read
    return Fail("layer " + blob_.Name() + ": " + archive_error_string(a_.get()));
  }
  std::string msg = "layer " + blob_.Name() + ": " + what;
  if (!member_.empty()) msg += " in member '" + member_ + "'";
  const char* detail = a_ == nullptr ? nullptr : archive_error_string(a_.get());
  if (detail != nullptr) msg += std::string(": ") + detail;
  return Fail(msg);
}

// The blob's bytes come from the range reader, so a layer inside an
// archive is read where it lies.
la_ssize_t LayerStream::ReadBlock(archive* a, void* self, const void** buf) {
  auto* stream = static_cast<LayerStream*>(self);
  Expected<std::string_view> block =
      stream->decoder_ != nullptr ? stream->decoder_->Read() : stream->NextBlock();
  if (!block) {
    archive_set_error(a, EIO, "%s", block.error().c_str());
    return -1;
  }
  *buf = block->data();
  return static_cast<la_ssize_t>(block->size());
}

Expected<std::string_view> LayerStream::NextBlock() {
  if (first_given_) return file_.Read();
  first_given_ = true;
  return std::string_view(first_);
}

la_int64_t LayerStream::SkipBytes(archive*, void* self, la_int64_t request) {
  if (request <= 0) return 0;
  uint64_t done = static_cast<LayerStream*>(self)->file_.Skip(static_cast<uint64_t>(request));
  return static_cast<la_int64_t>(done);
}

Status LayerStream::Open() {
  if (Status s = file_.Open(blob_); !s) return Fail("layer " + s.error());
  Expected<std::string_view> first = file_.Read();
  if (!first) return Fail("layer " + first.error());
  first_ = *first;
  if (CodecOf(first_) == Codec::kZstd) {
    decoder_ = std::make_unique<BoundedDecoder>(Codec::kZstd, [this] { return NextBlock(); });
  }
  a_ = NewTarReader();
  if (a_ == nullptr) return Error("cannot create an archive reader");
  archive_read_set_callback_data(a_.get(), this);
  archive_read_set_read_callback(a_.get(), ReadBlock);
  // Skipping compressed bytes would lose the decoder's place.
  if (decoder_ == nullptr) archive_read_set_skip_callback(a_.get(), SkipBytes);
  if (archive_read_open1(a_.get()) != ARCHIVE_OK) return Error("cannot read");
  return Ok{};
}

// One entry's data as libarchive's blocks: each at its offset in the file,
// so the holes of a sparse entry show as gaps between them, and the end of
// the last block may still be short of the entry's size.
class BlockReader {
 public:
  BlockReader(archive* a, uint64_t size) : a_(a), size_(size) {}

  Expected<ReadPiece> Read(char* buf, size_t size) {
    while (left_ == 0 && !end_) {
      const void* block = nullptr;
      size_t n = 0;
      la_int64_t offset = 0;
      int r = archive_read_data_block(a_, &block, &n, &offset);
      if (r == ARCHIVE_EOF) {
        end_ = true;
      } else if (r < ARCHIVE_WARN || offset < 0 || static_cast<uint64_t>(offset) < pos_) {
        return Fail("corrupt data");
      } else {
        block_ = static_cast<const char*>(block);
        left_ = n;
        block_at_ = static_cast<uint64_t>(offset);
      }
    }
    uint64_t data_at = end_ ? std::max(size_, pos_) : block_at_;
    if (pos_ < data_at) {
      ReadPiece hole{0, data_at - pos_};
      pos_ = data_at;
      return hole;
    }
    size_t n = std::min(size, left_);
    if (n == 0) return ReadPiece{};  // the end
    std::memcpy(buf, block_, n);
    block_ += n;
    left_ -= n;
    pos_ += n;
    block_at_ += n;
    return ReadPiece{n, 0};
  }

 private:
  archive* a_;
  uint64_t size_;
  uint64_t pos_ = 0;  // in the file, holes included
  const char* block_ = nullptr;
  size_t left_ = 0;
  uint64_t block_at_ = 0;
  bool end_ = false;
};

// Hands the entry's bytes on, window by window, to the last byte.
Status LayerStream::Content(const LayerEntry& entry, const EntryCallback& on_entry,
                            bool* stopped) {
  BlockReader blocks(a_.get(), entry.size);
  auto read = [&blocks](char* buf, size_t size) { return blocks.Read(buf, size); };
  auto window = [&](const ContentWindow& w) { return on_entry(entry, w); };
  Status s = cutter_.Run(read, window, stopped);
  return s ? s : Error(s.error());
}

// libarchive also ends quietly when the stream stops at a block boundary;
// only the end-of-archive blocks move its position past the last entry.
// Without them the layer was cut short (a zstd stream of several frames can
// be cut between frames without any decoder noticing).
Status LayerStream::CheckEnd(int64_t last_entry_end) {
  if (archive_filter_bytes(a_.get(), 0) > last_entry_end) return Ok{};
  return Fail("layer " + blob_.Name() +
              ": ends without the end-of-archive blocks (truncated?)");
}

Status LayerStream::Run(const EntryCallback& on_entry) {
  if (Status s = Open(); !s) return s;
  uint64_t count = 0;
  int64_t entry_end = 0;
  while (true) {
    member_.clear();
    archive_entry* e = nullptr;
    int r = archive_read_next_header(a_.get(), &e);
    if (r == ARCHIVE_EOF) return CheckEnd(entry_end);
    // ARCHIVE_WARN still yields a usable entry (e.g. a name that is not
    // valid in the current locale); anything worse must not be skipped.
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return Error("corrupt archive");
    if (++count > limits_.max_entries) {
      return Fail("layer " + blob_.Name() + ": more than " +
                  std::to_string(limits_.max_entries) + " entries");
    }
    member_ = EntryName(e);
    LayerEntry entry = Describe(e);
    bool stopped = false;
    if (entry.type == LayerEntry::Type::kFile) {
      if (Status s = Content(entry, on_entry, &stopped); !s) return s;
    } else {
      stopped = !on_entry(entry, ContentWindow{});
    }
    if (stopped) return Ok{};
    if (archive_read_data_skip(a_.get()) != ARCHIVE_OK) {
      return Error("corrupt data");
    }
    entry_end = archive_filter_bytes(a_.get(), 0);
  }
}

}  // namespace

bool IsOverlayXattr(std::string_view name) {
  for (std::string_view own : {"trusted.overlay.", "user.overlay.", "user.fuseoverlayfs.",
                               "user.containers."}) {
    if (name.starts_with(own)) return true;
  }
  return false;
}

std::string NormalizeLayerPath(std::string_view name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = std::min(name.find('/', start), name.size());
    std::string_view part = name.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (std::string_view part : parts) {
    out += '/';
    out += part;
  }
  return out;
}

Status ReadLayer(const FileRange& blob, const LayerLimits& limits,
                 const EntryCallback& on_entry) {
  return LayerStream(blob, limits).Run(on_entry);
}

Status ReadLayer(const std::filesystem::path& blob, const LayerLimits& limits,
                 const EntryCallback& on_entry) {
  return ReadLayer(FileRange{blob, 0, std::nullopt, ""}, limits, on_entry);
}

}  // namespace safebuild
