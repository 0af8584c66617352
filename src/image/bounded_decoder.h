// xz, lzma and zstd streams decoded within a memory bound. The memory a
// decoder needs is set by the stream itself: an xz block's or an lzma
// header's dictionary, a zstd frame's window. Common settings stay at a
// few MiB (xz -6: 8 MiB; zstd at any level up to 19: 8 MiB), but a crafted
// stream may declare a window of a GiB, and the decoder fills it as it
// unpacks. Each header is therefore read before its data. Each thread
// decodes windows of up to kFreeWindow in all at once (one stream, or a
// few nested in one another); past that, a stream needs a grant from one
// pool for the whole process, which one thread holds at a time, so two
// such streams never decode side by side; a window larger than the pool
// (as the zstd tool's own default limit) is refused, and the caller names
// the file as skipped for "memory".
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "util/expected.h"

namespace safebuild {

// kLzma: the "alone" format of LZMA Utils (.lzma, .tlz), which has no
// magic: known by a header that only it has.
enum class Codec { kNone, kXz, kLzma, kZstd };

/// The codec whose magic `head` starts with.
Codec CodecOf(std::string_view head);

constexpr uint64_t kFreeWindow = 16ull << 20;
// 128 MiB windows (zstd --long, xz --lzma2=dict=128MiB) and the decoder's
// own state around them.
constexpr uint64_t kDecoderPool = (128ull + 2) << 20;

/// The memory a decoder of `head` needs for the first block (xz), the
/// header (lzma) or the first frame (zstd) that `head` holds: the window
/// it declares and the decoder's state around it. 0 when these bytes do
/// not tell (too few, or not such a stream).
uint64_t DeclaredMemory(Codec codec, std::string_view head);

/// The process-wide pool for windows larger than kFreeWindow.
class DecoderPool {
 public:
  static DecoderPool& Get();

  /// Waits until `bytes` can be granted to this thread; false when they
  /// never can: more than the pool, or more than this thread holds room
  /// for (it cannot wait for itself).
  bool Acquire(uint64_t bytes);
  void Release(uint64_t bytes);

  /// This thread holds a grant: what it opens now may find no room.
  bool HeldByThisThread() const;

 private:
  struct State;
  DecoderPool();
  std::unique_ptr<State> state_;
};

/// A decoder's grant from the pool, given back when it goes: a
/// BoundedDecoder's, or one for a decoder this code does not drive (a zip
/// member packed with lzma, xz or zstd, decoded by libarchive).
class PoolGrant {
 public:
  PoolGrant() = default;
  ~PoolGrant();
  PoolGrant(const PoolGrant&) = delete;
  PoolGrant& operator=(const PoolGrant&) = delete;

  /// Grows the grant to `bytes` in all: first from what is left of this
  /// thread's kFreeWindow, then from the pool. A decoder keeps the largest
  /// window it has needed until it is freed, so a grant only grows. False
  /// when the pool cannot grant it (see DecoderPool::Acquire). A grant is
  /// given back on the thread that took it.
  bool GrowTo(uint64_t bytes);

 private:
  uint64_t free_ = 0;    // from this thread's kFreeWindow
  uint64_t pooled_ = 0;  // from the pool
};

/// Decodes one stream of `codec` (concatenated xz streams, zstd frames in
/// a row, one lzma stream) pulled from `next`, which returns the next
/// compressed block, empty at the end, valid until its next call.
class BoundedDecoder {
 public:
  using Next = std::function<Expected<std::string_view>()>;
  BoundedDecoder(Codec codec, Next next);
  ~BoundedDecoder();
  BoundedDecoder(const BoundedDecoder&) = delete;
  BoundedDecoder& operator=(const BoundedDecoder&) = delete;

  /// The next decoded bytes, valid until the next call; empty at the end.
  /// A truncated or corrupt stream is an error, given by the call after
  /// the one that hands out the bytes decoded before it.
  Expected<std::string_view> Read();

  /// The last error was a window over the pool: the stream is sound, but
  /// was not decoded.
  bool refused() const { return refused_; }

 private:
  struct Xz;
  struct Zstd;

  Expected<std::string_view> ReadXz();
  Expected<std::string_view> ReadZstd();
  Status Fill();  // the next compressed block into in_
  Status Grant(uint64_t window);

  Codec codec_;
  Next next_;
  PoolGrant grant_;  // given back after the decoders below are freed
  std::unique_ptr<Xz> xz_;
  std::unique_ptr<Zstd> zstd_;
  std::string in_;  // compressed bytes; those from in_pos_ are not decoded yet
  size_t in_pos_ = 0;
  bool in_end_ = false;
  bool out_end_ = false;
  std::string out_;
  bool refused_ = false;
  std::string error_;  // for the next call: bytes came before it
};

}  // namespace safebuild
