#include "scan/git_objects.h"

#include <openssl/evp.h>
#define ZLIB_CONST
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "util/expected.h"
#include "util/text.h"

namespace safebuild {
namespace {

constexpr size_t kChunk = 64 << 10;
// Kept output grows from this, doubling up to kChunk: most objects of a
// pack are a few hundred bytes, and each piece is zero-filled first.
constexpr size_t kFirstPiece = 256;
// Input is fed to zlib in pieces (which counts it in 32 bits), and after
// each the caller may drop what was read (GitObjectLimits::read_to).
constexpr size_t kMaxFeed = size_t{1} << 20;
// "commit " and 20 digits of size and the NUL fit, with room to spare.
constexpr size_t kMaxLooseHeader = 32;
constexpr size_t kPackHeader = 12;
constexpr size_t kSha1Bytes = 20;
constexpr size_t kSha256Bytes = 32;

constexpr int kOfsDelta = 6;
constexpr int kRefDelta = 7;
// By type number; 0 is invalid and 5 reserved.
constexpr std::array<std::string_view, 8> kTypeNames = {
    "", "commit", "tree", "blob", "tag", "", "ofs-delta", "ref-delta"};

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::vector<std::string_view> PathComponents(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = std::min(path.find('/', start), path.size());
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// The directory that holds "objects": a repository's ".git", a bare
// "name.git", or a submodule's store, which git keeps in the superproject
// as ".git/modules/<name>" (nested: ".git/modules/a/modules/b").
bool IsObjectStoreParent(const std::vector<std::string_view>& dirs) {
  if (dirs.empty()) return false;
  if (EndsWith(dirs.back(), ".git")) return true;
  for (size_t i = 0; i + 1 < dirs.size(); ++i) {
    if (dirs[i] == ".git" && dirs[i + 1] == "modules") return true;
  }
  return false;
}

bool IsLooseName(std::string_view dir, std::string_view file) {
  return dir.size() == 2 && IsLowerHex(dir) && (file.size() == 38 || file.size() == 62) &&
         IsLowerHex(file);
}

// "pack-<hash>.pack": the hash names the pack's checksum, 40 hex digits in
// a SHA-1 repository and 64 in a SHA-256 one.
bool IsPackName(std::string_view file) {
  if (!StartsWith(file, "pack-") || !EndsWith(file, ".pack")) return false;
  std::string_view hash = file.substr(5, file.size() - 10);
  return (hash.size() == 40 || hash.size() == 64) && IsLowerHex(hash);
}

// A ref-delta names its base by object id, whose length the pack does not
// say; the pack's own name, a hash of the same kind, does.
size_t ObjectIdBytes(std::string_view path) {
  std::vector<std::string_view> parts = PathComponents(path);
  bool sha256 = !parts.empty() && IsPackName(parts.back()) && parts.back().size() == 74;
  return sha256 ? kSha256Bytes : kSha1Bytes;
}

enum class StreamEnd { kEnd, kCut, kTruncated, kCorrupt };

// One z_stream, reset for each object of a file. Output up to `keep` bytes
// is kept; past it, output goes to a scratch buffer and is dropped, only to
// find where the stream ends, until `work` bytes were inflated in all. The
// z_stream points into itself, so the object stays where it was made.
class Inflater {
 public:
  Inflater() : ok_(inflateInit(&z_) == Z_OK), scratch_(kChunk, '\0') {}
  ~Inflater() {
    if (ok_) inflateEnd(&z_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  bool ok() const { return ok_; }
  /// `read_to`, when set, is called with the bytes of `in` read so far
  /// each time another piece is fed.
  StreamEnd Run(std::string_view in, uint64_t keep, uint64_t work, std::string* out,
                const std::function<void(uint64_t)>& read_to = nullptr);
  uint64_t consumed() const { return z_.total_in; }
  uint64_t produced() const { return produced_; }
  std::string Why(StreamEnd end) const;

 private:
  void Feed(std::string_view in);
  size_t PlaceOutput(uint64_t keep, uint64_t work, std::string* out);

  z_stream z_{};
  bool ok_ = false;
  std::string scratch_;
  size_t fed_ = 0;
  uint64_t produced_ = 0;
};

void Inflater::Feed(std::string_view in) {
  if (z_.avail_in != 0 || fed_ == in.size()) return;
  size_t n = std::min(in.size() - fed_, kMaxFeed);
  z_.next_in = reinterpret_cast<const Bytef*>(in.data() + fed_);
  z_.avail_in = static_cast<uInt>(n);
  fed_ += n;
}

// Points the output at the next piece of `out`, or at the scratch buffer
// once `keep` bytes are in; 0 when `work` is spent. The scratch piece may
// end one byte past `work`: a stream that ends exactly there is not cut,
// and only that byte tells the two apart.
size_t Inflater::PlaceOutput(uint64_t keep, uint64_t work, std::string* out) {
  size_t room = 0;
  if (out->size() < keep) {
    size_t piece = std::clamp(out->size(), kFirstPiece, kChunk);
    room = static_cast<size_t>(std::min<uint64_t>(piece, keep - out->size()));
    out->resize(out->size() + room);
    z_.next_out = reinterpret_cast<Bytef*>(out->data() + out->size() - room);
  } else if (produced_ <= work) {
    room = static_cast<size_t>(std::min<uint64_t>(kChunk, work - produced_ + 1));
    z_.next_out = reinterpret_cast<Bytef*>(scratch_.data());
  }
  z_.avail_out = static_cast<uInt>(room);
  return room;
}

StreamEnd Inflater::Run(std::string_view in, uint64_t keep, uint64_t work, std::string* out,
                        const std::function<void(uint64_t)>& read_to) {
  out->clear();
  inflateReset(&z_);
  z_.avail_in = 0;
  fed_ = 0;
  produced_ = 0;
  for (;;) {
    const size_t fed = fed_;
    Feed(in);
    if (read_to && fed_ != fed && fed > 0) read_to(z_.total_in);
    bool keeping = out->size() < keep;
    size_t room = PlaceOutput(keep, work, out);
    if (room == 0) return StreamEnd::kCut;
    int rc = inflate(&z_, Z_NO_FLUSH);
    produced_ += room - z_.avail_out;
    if (keeping) out->resize(out->size() - z_.avail_out);
    if (rc == Z_STREAM_END) return StreamEnd::kEnd;
    // No progress with all input given: the stream stops short.
    if (rc == Z_BUF_ERROR && z_.avail_in == 0 && fed_ == in.size()) {
      return StreamEnd::kTruncated;
    }
    if (rc != Z_OK) return StreamEnd::kCorrupt;
  }
}

std::string Inflater::Why(StreamEnd end) const {
  switch (end) {
    case StreamEnd::kEnd:
      return "";
    case StreamEnd::kCut:
      return "cut: the limit of inflated bytes was reached before the object's end";
    case StreamEnd::kTruncated:
      return "truncated zlib stream";
    case StreamEnd::kCorrupt:
      if (z_.msg == nullptr) return "corrupt zlib stream";
      return std::string("corrupt zlib stream (") + z_.msg + ")";
  }
  return "";
}

// Reads a pack byte by byte, never past its end.
struct PackCursor {
  std::string_view bytes;
  uint64_t pos = 0;

  bool Next(unsigned char* c) {
    if (pos >= bytes.size()) return false;
    *c = static_cast<unsigned char>(bytes[pos++]);
    return true;
  }
};

// Object ids by git's rule: a hash of "<type> <size>\0" and the content,
// SHA-1 or SHA-256 by the id's length.
class ObjectHasher {
 public:
  explicit ObjectHasher(size_t id_bytes)
      : md_(id_bytes == kSha256Bytes ? EVP_sha256() : EVP_sha1()),
        ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {}

  /// "" when the hash cannot be computed.
  std::string Id(std::string_view type, std::string_view content);

 private:
  const EVP_MD* md_;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

std::string ObjectHasher::Id(std::string_view type, std::string_view content) {
  const std::string header = std::string(type) + ' ' + std::to_string(content.size()) + '\0';
  std::string id(static_cast<size_t>(EVP_MD_get_size(md_)), '\0');
  unsigned int length = 0;
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_.get(), md_, nullptr) != 1 ||
      EVP_DigestUpdate(ctx_.get(), header.data(), header.size()) != 1 ||
      EVP_DigestUpdate(ctx_.get(), content.data(), content.size()) != 1 ||
      EVP_DigestFinal_ex(ctx_.get(), reinterpret_cast<unsigned char*>(id.data()), &length) != 1 ||
      length != id.size()) {
    return {};
  }
  return id;
}

struct EntryHeader {
  int type = 0;
  uint64_t data = 0;  // where the zlib stream starts
  uint64_t base = 0;  // an ofs-delta's base entry
  std::string_view base_id;  // a ref-delta's base object
};

// Type in bits 4-6 of the first byte; the size, 4 bits then 7 per byte,
// is not needed (the stream has its own end) but its bytes are walked, and
// only as many as a 64-bit size takes: a longer run is no size git writes.
Expected<int> ReadTypeAndSize(PackCursor& at) {
  unsigned char c = 0;
  if (!at.Next(&c)) return Fail("truncated entry header");
  int type = (c >> 4) & 7;
  for (int shift = 4; c & 0x80; shift += 7) {
    if (!at.Next(&c)) return Fail("truncated entry header");
    if (shift > 57 && (shift >= 64 || (c & 0x7f) >> (64 - shift) != 0)) {
      return Fail("entry size longer than 64 bits");
    }
  }
  if (kTypeNames[type].empty()) return Fail("invalid object type " + std::to_string(type));
  return type;
}

// An ofs-delta's base, `entry` minus a number in git's offset encoding:
// big-endian groups of 7 bits, each continuation adding 1 before the shift
// (so no number has two encodings). The base must lie before the entry.
Expected<uint64_t> ReadBaseOffset(PackCursor& at, uint64_t entry) {
  unsigned char c = 0;
  if (!at.Next(&c)) return Fail("truncated delta base offset");
  uint64_t offset = c & 0x7f;
  while (c & 0x80) {
    if (offset >= (UINT64_MAX >> 7)) return Fail("delta base offset overflows");
    if (!at.Next(&c)) return Fail("truncated delta base offset");
    offset = ((offset + 1) << 7) | (c & 0x7f);
  }
  if (offset == 0 || offset > entry) return Fail("delta base offset out of the pack");
  return entry - offset;
}

Expected<EntryHeader> ReadEntryHeader(std::string_view bytes, uint64_t entry, size_t id_bytes) {
  PackCursor at{bytes, entry};
  Expected<int> type = ReadTypeAndSize(at);
  if (!type) return Fail(type.error());
  uint64_t base = 0;
  if (*type == kOfsDelta) {
    Expected<uint64_t> offset = ReadBaseOffset(at, entry);
    if (!offset) return Fail(offset.error());
    base = *offset;
  } else if (*type == kRefDelta) {
    if (bytes.size() - at.pos < id_bytes) return Fail("truncated delta base id");
    const std::string_view base_id = bytes.substr(at.pos, id_bytes);
    at.pos += id_bytes;
    return EntryHeader{*type, at.pos, 0, base_id};
  }
  return EntryHeader{*type, at.pos, base, {}};
}

uint32_t BigEndian32(std::string_view bytes, size_t at) {
  uint32_t n = 0;
  for (size_t i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(bytes[at + i]);
  return n;
}

// A delta's size numbers: 7 bits a byte, least significant first.
bool ReadDeltaSize(std::string_view delta, size_t& at, uint64_t& size) {
  size = 0;
  for (int shift = 0;; shift += 7) {
    if (at >= delta.size() || shift > 63) return false;
    const auto c = static_cast<unsigned char>(delta[at++]);
    size |= static_cast<uint64_t>(c & 0x7f) << shift;
    if ((c & 0x80) == 0) return true;
  }
}

// Whether the object `delta` makes is larger than `max`: it is not made,
// and counts as cut.
bool MakesOver(std::string_view delta, uint64_t max) {
  size_t at = 0;
  uint64_t base_size = 0;
  uint64_t size = 0;
  return ReadDeltaSize(delta, at, base_size) && ReadDeltaSize(delta, at, size) && size > max;
}

// The object a delta makes of its base: the base's size, the result's, then
// instructions that copy a range of the base or insert bytes of their own.
// Every range is checked against the base and the result against its size
// (at most `max`).
Expected<std::string> ApplyDelta(std::string_view base, std::string_view delta, uint64_t max) {
  size_t at = 0;
  uint64_t base_size = 0;
  uint64_t size = 0;
  if (!ReadDeltaSize(delta, at, base_size) || !ReadDeltaSize(delta, at, size)) {
    return Fail("corrupt delta header");
  }
  if (base_size != base.size()) return Fail("the delta's base is of another size");
  if (size > max) return Fail("the delta makes an object over the limit");
  std::string out;
  out.reserve(static_cast<size_t>(size));
  while (at < delta.size()) {
    const auto op = static_cast<unsigned char>(delta[at++]);
    if (op == 0) return Fail("reserved delta instruction");
    if ((op & 0x80) == 0) {  // insert the next `op` bytes
      if (op > delta.size() - at || op > size - out.size()) return Fail("corrupt delta insert");
      out.append(delta.substr(at, op));
      at += op;
      continue;
    }
    uint64_t offset = 0;
    uint64_t length = 0;
    for (int i = 0; i < 7; ++i) {  // 4 offset bytes, then 3 length bytes, each if flagged
      if ((op & (1 << i)) == 0) continue;
      if (at >= delta.size()) return Fail("corrupt delta copy");
      const uint64_t byte = static_cast<unsigned char>(delta[at++]);
      if (i < 4) offset |= byte << (8 * i);
      else length |= byte << (8 * (i - 4));
    }
    if (length == 0) length = 0x10000;
    if (offset > base.size() || length > base.size() - offset || length > size - out.size()) {
      return Fail("delta copy out of range");
    }
    out.append(base.substr(static_cast<size_t>(offset), static_cast<size_t>(length)));
  }
  if (out.size() != size) return Fail("the delta makes an object of another size");
  return out;
}

// What a pack walk hands over of each entry: its type (a resolved delta
// has its base's), offset, content, and whether that is the whole object.
using EntryCallback =
    std::function<void(int type, uint64_t entry, std::string_view content, bool whole)>;

class PackWalk {
 public:
  PackWalk(std::string_view path, std::string_view bytes, const GitObjectLimits& limits,
           const EntryCallback& on_object)
      : bytes_(bytes),
        id_bytes_(ObjectIdBytes(path)),
        limits_(limits),
        on_object_(on_object),
        hasher_(id_bytes_) {}

  GitObjectsResult Run();

 private:
  Status ReadHeader();
  Status ReadEntry();
  std::string Where() const;

  std::string_view bytes_;
  size_t id_bytes_;
  const GitObjectLimits& limits_;
  const EntryCallback& on_object_;
  GitObjectsResult result_;
  Inflater inflater_;
  std::string content_;
  // Objects read whole, by entry, to resolve deltas against: git writes a
  // base before its deltas. Up to kCacheBytes, the oldest dropped first.
  struct Cached {
    int type;
    std::string content;
    std::string id;  // once a ref-delta was met (see IdOf)
  };
  static constexpr uint64_t kCacheBytes = 8ull << 20;
  std::map<uint64_t, Cached> cache_;
  uint64_t cached_bytes_ = 0;
  void Cache(uint64_t entry, int type, std::string content);
  std::map<uint64_t, Cached>::iterator BaseOf(const EntryHeader& header);
  // Ids of the cached objects, hashed only from the first ref-delta on:
  // most packs name every base by its offset.
  ObjectHasher hasher_;
  bool hash_ids_ = false;
  std::unordered_map<std::string, uint64_t> ids_;
  void AddId(uint64_t entry, Cached& cached);
  uint32_t count_ = 0;
  uint32_t index_ = 0;
  uint64_t pos_ = kPackHeader;
  uint64_t inflated_ = 0;  // of all entries, kept or dropped
};

Status PackWalk::ReadHeader() {
  if (bytes_.size() < kPackHeader || !StartsWith(bytes_, "PACK")) {
    return Fail("not a pack: no PACK header");
  }
  uint32_t version = BigEndian32(bytes_, 4);
  if (version != 2 && version != 3) {
    return Fail("unsupported pack version " + std::to_string(version));
  }
  count_ = BigEndian32(bytes_, 8);
  return Ok{};
}

std::string PackWalk::Where() const {
  return "entry " + std::to_string(index_ + 1) + " of " + std::to_string(count_) +
         " at offset " + std::to_string(pos_) + ": ";
}

// One entry: its header, its stream inflated within what is left of the
// total, the bytes kept handed over (also those of a stream that breaks
// off: what came before the damage is as readable as any).
Status PackWalk::ReadEntry() {
  Expected<EntryHeader> header = ReadEntryHeader(bytes_, pos_, id_bytes_);
  if (!header) return Fail(Where() + header.error());
  uint64_t left = limits_.max_total_bytes - inflated_;
  uint64_t keep = std::min(limits_.max_object_bytes, left);
  std::function<void(uint64_t)> read_to;
  if (limits_.read_to) {
    read_to = [&](uint64_t read) { limits_.read_to(header->data + read); };
  }
  StreamEnd end = inflater_.Run(bytes_.substr(header->data), keep, left, &content_, read_to);
  inflated_ = std::min(limits_.max_total_bytes, inflated_ + inflater_.produced());
  const bool cut = inflater_.produced() > content_.size();
  if (cut) ++result_.cut;
  int type = header->type;
  std::string_view object = content_;
  Expected<std::string> made = Fail("");
  // A delta whose base is at hand is read as the object it makes: the
  // line it changed comes whole, with the name a value was assigned to,
  // which the delta copies from its base.
  auto base = BaseOf(*header);
  if (base != cache_.end() && end == StreamEnd::kEnd && !cut) {
    made = ApplyDelta(base->second.content, content_, limits_.max_object_bytes);
    if (made) {
      type = base->second.type;
      object = *made;
    } else if (MakesOver(content_, limits_.max_object_bytes)) {
      ++result_.cut;  // read as the bytes it adds, and named as cut
    }
  }
  if (end == StreamEnd::kEnd || !content_.empty()) {
    ++result_.objects;
    on_object_(type, pos_, object, end == StreamEnd::kEnd && !cut);
  }
  if (end == StreamEnd::kEnd && !cut && type != kOfsDelta && type != kRefDelta) {
    Cache(pos_, type, made ? std::move(*made) : content_);
  }
  if (end == StreamEnd::kCut) {
    return Fail(Where() + "cut: its stream goes on past max_total_bytes inflated (" +
                std::to_string(limits_.max_total_bytes) + "); the entries after it are not read");
  }
  if (end != StreamEnd::kEnd) return Fail(Where() + inflater_.Why(end));
  pos_ = header->data + inflater_.consumed();
  return Ok{};
}

void PackWalk::Cache(uint64_t entry, int type, std::string content) {
  if (content.size() > kCacheBytes) return;
  cached_bytes_ += content.size();
  auto [at, added] = cache_.emplace(entry, Cached{type, std::move(content), {}});
  if (added && hash_ids_) AddId(entry, at->second);
  while (cached_bytes_ > kCacheBytes) {
    cached_bytes_ -= cache_.begin()->second.content.size();
    auto id = ids_.find(cache_.begin()->second.id);
    if (id != ids_.end() && id->second == cache_.begin()->first) ids_.erase(id);
    cache_.erase(cache_.begin());
  }
}

void PackWalk::AddId(uint64_t entry, Cached& cached) {
  cached.id = hasher_.Id(kTypeNames[cached.type], cached.content);
  if (!cached.id.empty()) ids_.try_emplace(cached.id, entry);
}

// The cached base of a delta: by its entry, or by its id for a ref-delta
// (the ids of what is cached are hashed when the first one comes).
std::map<uint64_t, PackWalk::Cached>::iterator PackWalk::BaseOf(const EntryHeader& header) {
  if (header.type == kOfsDelta) return cache_.find(header.base);
  if (header.type != kRefDelta) return cache_.end();
  if (!hash_ids_) {
    hash_ids_ = true;
    for (auto& [entry, cached] : cache_) AddId(entry, cached);
  }
  auto id = ids_.find(std::string(header.base_id));
  return id == ids_.end() ? cache_.end() : cache_.find(id->second);
}

GitObjectsResult PackWalk::Run() {
  Status status = ReadHeader();
  if (status && !inflater_.ok()) status = Fail("cannot set up zlib");
  for (; status && index_ < count_; ++index_) {
    if (index_ == limits_.max_objects) {
      status = Fail("more than " + std::to_string(limits_.max_objects) + " objects; " +
                    std::to_string(count_ - index_) + " not read");
      break;
    }
    status = ReadEntry();
    if (limits_.read_to) limits_.read_to(pos_);
  }
  // Every entry read: the checksum must follow, or the file was cut short.
  if (status && bytes_.size() - pos_ < id_bytes_) {
    status = Fail("truncated: no checksum after the last entry");
  }
  if (!status) result_.error = status.error();
  return std::move(result_);
}

// "blob 123\0": a known type, a space, decimal digits, a NUL. Returns the
// type and sets `length` to the header's length with its NUL; "" when the
// bytes are no such header.
std::string_view LooseHeader(std::string_view inflated, size_t* length) {
  size_t nul = inflated.substr(0, kMaxLooseHeader).find('\0');
  size_t space = inflated.substr(0, nul).find(' ');
  if (nul == std::string_view::npos || space == std::string_view::npos) return {};
  std::string_view type = inflated.substr(0, space);
  std::string_view size = inflated.substr(space + 1, nul - space - 1);
  bool digits = !size.empty() && std::all_of(size.begin(), size.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  if (!digits || (type != "blob" && type != "tree" && type != "commit" && type != "tag")) {
    return {};
  }
  *length = nul + 1;
  return type;
}

// A loose object is the whole file: once its cap is reached nothing after
// it needs finding, so nothing past the cap is inflated.
GitObjectsResult ReadLooseObject(std::string_view bytes, const GitObjectLimits& limits,
                                 const GitObjectCallback& on_object) {
  GitObjectsResult result;
  Inflater inflater;
  if (!inflater.ok()) {
    result.error = "cannot set up zlib";
    return result;
  }
  uint64_t cap = std::min(limits.max_object_bytes, limits.max_total_bytes);
  uint64_t keep = cap > UINT64_MAX - kMaxLooseHeader ? cap : cap + kMaxLooseHeader;
  std::string inflated;
  StreamEnd end = inflater.Run(bytes, keep, keep, &inflated);
  size_t header = 0;
  std::string_view type = LooseHeader(inflated, &header);
  if (type.empty()) {
    result.error = end == StreamEnd::kEnd || end == StreamEnd::kCut
                       ? "not a git object: no type and size header"
                       : inflater.Why(end);
    return result;
  }
  std::string_view content = std::string_view(inflated).substr(header);
  if (end == StreamEnd::kCut || content.size() > cap) ++result.cut;
  ++result.objects;
  on_object(std::string(type), content.substr(0, cap));
  if (end == StreamEnd::kTruncated || end == StreamEnd::kCorrupt) result.error = inflater.Why(end);
  return result;
}

}  // namespace

bool IsGitObjectPath(std::string_view path) {
  std::vector<std::string_view> parts = PathComponents(path);
  size_t n = parts.size();
  if (n < 4 || parts[n - 3] != "objects") return false;
  bool loose = IsLooseName(parts[n - 2], parts[n - 1]);
  bool pack = parts[n - 2] == "pack" && IsPackName(parts[n - 1]);
  parts.resize(n - 3);
  return (loose || pack) && IsObjectStoreParent(parts);
}

namespace {

std::string PackEntryName(int type, uint64_t entry) {
  return std::string(kTypeNames[type]) + " at " + std::to_string(entry);
}

// Object ids and the trees' names for them, to name blobs by their path.
class TreeNames {
 public:
  explicit TreeNames(size_t id_bytes) : hasher_(id_bytes) {}

  void Add(int type, uint64_t entry, std::string_view content);
  std::unordered_map<std::string, std::string> BlobPaths() const;

 private:
  void AddTree(const std::string& id, std::string_view tree);

  struct Parent {
    std::string tree;  // the id of the first tree read that names the object
    std::string name;
  };
  ObjectHasher hasher_;
  std::unordered_map<std::string, Parent> parents_;
  std::vector<std::pair<uint64_t, std::string>> blobs_;  // entry, id
};

void TreeNames::Add(int type, uint64_t entry, std::string_view content) {
  if (type != 2 && type != 3) return;
  std::string id = hasher_.Id(kTypeNames[type], content);
  if (id.empty()) return;
  if (type == 3) {
    if (blobs_.size() < kMaxGitNames) blobs_.emplace_back(entry, std::move(id));
    return;
  }
  AddTree(id, content);
}

// A tree's entries: "<mode> <name>\0" and the entry's id, binary.
void TreeNames::AddTree(const std::string& id, std::string_view tree) {
  const size_t id_bytes = id.size();
  while (!tree.empty() && parents_.size() < kMaxGitNames) {
    const size_t space = tree.find(' ');
    const size_t nul = tree.find('\0');
    if (space == std::string_view::npos || nul == std::string_view::npos || space > nul ||
        tree.size() - nul - 1 < id_bytes) {
      return;  // not a tree git writes: what came before stands
    }
    std::string_view name = tree.substr(space + 1, nul - space - 1);
    std::string child(tree.substr(nul + 1, id_bytes));
    if (!name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos) {
      parents_.try_emplace(std::move(child), Parent{id, std::string(name)});
    }
    tree.remove_prefix(nul + 1 + id_bytes);
  }
}

// Each blob's name and its trees' names up to a root tree (one no tree
// names), at most kMaxDepth deep: a repository's tree has no cycles, but
// crafted bytes may.
std::unordered_map<std::string, std::string> TreeNames::BlobPaths() const {
  constexpr int kMaxDepth = 64;
  std::unordered_map<std::string, std::string> out;
  for (const auto& [entry, id] : blobs_) {
    auto at = parents_.find(id);
    if (at == parents_.end()) continue;
    std::string path = at->second.name;
    for (int depth = 0; depth < kMaxDepth; ++depth) {
      at = parents_.find(at->second.tree);
      if (at == parents_.end()) break;
      path = at->second.name + '/' + path;
    }
    out.emplace(PackEntryName(3, entry), std::move(path));
  }
  return out;
}

}  // namespace

GitObjectsResult ForEachGitObject(std::string_view path, std::string_view bytes,
                                  const GitObjectLimits& limits,
                                  const GitObjectCallback& on_object) {
  if (!EndsWith(path, ".pack")) return ReadLooseObject(bytes, limits, on_object);
  EntryCallback each = [&](int type, uint64_t entry, std::string_view content, bool) {
    on_object(PackEntryName(type, entry), content);
  };
  return PackWalk(path, bytes, limits, each).Run();
}

std::unordered_map<std::string, std::string> PackBlobPaths(std::string_view path,
                                                           std::string_view bytes,
                                                           const GitObjectLimits& limits) {
  TreeNames names(ObjectIdBytes(path));
  EntryCallback each = [&](int type, uint64_t entry, std::string_view content, bool whole) {
    if (whole) names.Add(type, entry, content);
  };
  PackWalk(path, bytes, limits, each).Run();
  return names.BlobPaths();
}

}  // namespace safebuild
