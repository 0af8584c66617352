#include "image/bounded_decoder.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader: a frame's window
#include <lzma.h>
#include <zstd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "util/text.h"

namespace safebuild {
namespace {

constexpr size_t kOutBlock = 256 << 10;

std::string MiB(uint64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20); }

bool IsZstdSkippable(std::string_view head) {
  // Magic 0x184D2A50 to 0x184D2A5F, little-endian.
  return head.size() >= 4 && (static_cast<unsigned char>(head[0]) & 0xf0) == 0x50 &&
         head.substr(1, 3) == "\x2a\x4d\x18";
}

uint64_t LittleEndian(std::string_view bytes) {
  uint64_t v = 0;
  for (size_t i = bytes.size(); i-- > 0;) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

// The 13-byte header of the lzma "alone" format, as liblzma's own checks
// read it when it guesses a format: properties lc/lp/pb (under 9 * 5 * 5),
// a dictionary of 2^n or 2^n + 2^(n-1) bytes, and an unpacked size that is
// unknown (all ones) or under 256 GiB. Random bytes pass by chance about
// once in 10^16.
bool IsLzmaAlone(std::string_view head) {
  if (head.size() < 13 || static_cast<unsigned char>(head[0]) >= 9 * 5 * 5) return false;
  const uint64_t dict = LittleEndian(head.substr(1, 4));
  if (dict < 4096) return false;
  const uint64_t low = dict & (~dict + 1);  // its lowest bit set
  if (dict != low && dict != low * 3) return false;
  const uint64_t size = LittleEndian(head.substr(5, 8));
  return size == UINT64_MAX || size < (1ull << 38);
}

}  // namespace

Codec CodecOf(std::string_view head) {
  if (StartsWith(head, std::string_view("\xfd" "7zXZ\0", 6))) return Codec::kXz;
  if (IsLzmaAlone(head)) return Codec::kLzma;
  if (StartsWith(head, "\x28\xb5\x2f\xfd") || IsZstdSkippable(head)) return Codec::kZstd;
  return Codec::kNone;
}

// One owner at a time: a thread that holds a grant may add to it, up to
// the pool; any other waits until the pool is empty. The owner never waits,
// so no two threads wait for each other.
struct DecoderPool::State {
  std::mutex mutex;
  std::condition_variable freed;
  std::thread::id owner;
  uint64_t used = 0;
};

uint64_t DeclaredMemory(Codec codec, std::string_view head) {
  if (codec == Codec::kZstd) {
    ZSTD_frameHeader h;
    if (ZSTD_getFrameHeader(&h, head.data(), head.size()) != 0) return 0;
    return h.frameType == ZSTD_frame ? h.windowSize : 0;
  }
  if (codec != Codec::kXz && codec != Codec::kLzma) return 0;
  // With a limit of one byte, liblzma stops at the first header that needs
  // memory, before it allocates, and says how much.
  lzma_stream s = LZMA_STREAM_INIT;
  if ((codec == Codec::kXz ? lzma_stream_decoder(&s, 1, 0) : lzma_alone_decoder(&s, 1)) !=
      LZMA_OK) {
    return 0;
  }
  std::string out(64, '\0');
  s.next_in = reinterpret_cast<const uint8_t*>(head.data());
  s.avail_in = head.size();
  s.next_out = reinterpret_cast<uint8_t*>(out.data());
  s.avail_out = out.size();
  const uint64_t need = lzma_code(&s, LZMA_RUN) == LZMA_MEMLIMIT_ERROR ? lzma_memusage(&s) : 0;
  lzma_end(&s);
  return need;
}

DecoderPool::DecoderPool() : state_(std::make_unique<State>()) {}

DecoderPool& DecoderPool::Get() {
  static DecoderPool pool;
  return pool;
}

bool DecoderPool::Acquire(uint64_t bytes) {
  if (bytes > kDecoderPool) return false;
  std::unique_lock<std::mutex> lock(state_->mutex);
  const std::thread::id self = std::this_thread::get_id();
  if (state_->used > 0 && state_->owner == self) {
    if (bytes > kDecoderPool - state_->used) return false;
    state_->used += bytes;
    return true;
  }
  state_->freed.wait(lock, [this] { return state_->used == 0; });
  state_->owner = self;
  state_->used = bytes;
  return true;
}

bool DecoderPool::HeldByThisThread() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->used > 0 && state_->owner == std::this_thread::get_id();
}

void DecoderPool::Release(uint64_t bytes) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->used -= std::min(bytes, state_->used);
    if (state_->used > 0) return;
    state_->owner = std::thread::id();
  }
  state_->freed.notify_all();
}

namespace {
thread_local uint64_t free_taken = 0;  // of kFreeWindow, by this thread's grants
}  // namespace

PoolGrant::~PoolGrant() {
  free_taken -= free_;
  if (pooled_ > 0) DecoderPool::Get().Release(pooled_);
}

bool PoolGrant::GrowTo(uint64_t bytes) {
  if (bytes <= free_ + pooled_) return true;
  const uint64_t more = bytes - free_ - pooled_;
  const uint64_t free = std::min(more, kFreeWindow - free_taken);
  if (more > free && !DecoderPool::Get().Acquire(more - free)) return false;
  pooled_ += more - free;
  free_ += free;
  free_taken += free;
  return true;
}

struct BoundedDecoder::Xz {
  lzma_stream s = LZMA_STREAM_INIT;
  lzma_ret init = LZMA_OK;
  ~Xz() { lzma_end(&s); }
};

struct BoundedDecoder::Zstd {
  ZSTD_DStream* d = ZSTD_createDStream();
  bool frame_start = true;
  ~Zstd() { ZSTD_freeDStream(d); }
};

BoundedDecoder::BoundedDecoder(Codec codec, Next next) : codec_(codec), next_(std::move(next)) {
  if (codec_ == Codec::kXz || codec_ == Codec::kLzma) {
    xz_ = std::make_unique<Xz>();
    // Past its limit, liblzma stops with LZMA_MEMLIMIT_ERROR before it
    // allocates: a grant is asked for then, and the limit raised. From a
    // limit of one byte, so that every block is counted.
    xz_->init = codec_ == Codec::kXz ? lzma_stream_decoder(&xz_->s, 1, LZMA_CONCATENATED)
                                     : lzma_alone_decoder(&xz_->s, 1);
  } else {
    zstd_ = std::make_unique<Zstd>();
    // Windows up to the pool; each frame's is checked before it decodes.
    if (zstd_->d != nullptr) ZSTD_DCtx_setParameter(zstd_->d, ZSTD_d_windowLogMax, 28);
  }
}

BoundedDecoder::~BoundedDecoder() = default;

Status BoundedDecoder::Fill() {
  if (in_pos_ > 0) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
  Expected<std::string_view> block = next_();
  if (!block) return Fail(block.error());
  if (block->empty()) in_end_ = true;
  in_.append(*block);
  return Ok{};
}

Status BoundedDecoder::Grant(uint64_t window) {
  if (grant_.GrowTo(window)) return Ok{};
  refused_ = true;
  const char* what = codec_ == Codec::kXz     ? "an xz stream"
                     : codec_ == Codec::kLzma ? "an lzma stream"
                                              : "a zstd frame";
  return Fail(std::string(what) + " needs " + MiB(window) + " MiB to decode, more than " +
              MiB(kDecoderPool) + " MiB");
}

Expected<std::string_view> BoundedDecoder::Read() {
  if (!error_.empty()) return Fail(error_);
  if (out_end_) return std::string_view();
  out_.resize(kOutBlock);
  return codec_ == Codec::kZstd ? ReadZstd() : ReadXz();
}

Expected<std::string_view> BoundedDecoder::ReadXz() {
  lzma_stream& s = xz_->s;
  const char* name = codec_ == Codec::kXz ? "xz" : "lzma";
  if (xz_->init != LZMA_OK) return Fail(std::string("cannot start an ") + name + " decoder");
  s.next_out = reinterpret_cast<uint8_t*>(out_.data());
  s.avail_out = out_.size();
  while (s.avail_out == out_.size()) {
    if (in_pos_ == in_.size() && !in_end_) {
      if (Status f = Fill(); !f) return Fail(f.error());
    }
    s.next_in = reinterpret_cast<const uint8_t*>(in_.data() + in_pos_);
    s.avail_in = in_.size() - in_pos_;
    lzma_ret r = lzma_code(&s, in_end_ ? LZMA_FINISH : LZMA_RUN);
    in_pos_ = in_.size() - s.avail_in;
    if (r == LZMA_STREAM_END) {
      out_end_ = true;
      break;
    }
    std::string error;
    if (r == LZMA_MEMLIMIT_ERROR) {
      const uint64_t need = lzma_memusage(&s);
      if (Status g = Grant(need); !g) {
        error = g.error();
      } else {
        lzma_memlimit_set(&s, need);
      }
    } else if (r == LZMA_BUF_ERROR) {
      error = std::string("truncated ") + name + " stream";
    } else if (r == LZMA_OPTIONS_ERROR) {
      error = std::string(name) + " stream with options this decoder does not support";
    } else if (r != LZMA_OK) {
      error = std::string("corrupt ") + name + " stream";
    }
    if (error.empty()) continue;
    if (s.avail_out == out_.size()) return Fail(error);
    error_ = error;  // the bytes before it first
    break;
  }
  return std::string_view(out_.data(), out_.size() - s.avail_out);
}

Expected<std::string_view> BoundedDecoder::ReadZstd() {
  if (zstd_->d == nullptr) return Fail("cannot start a zstd decoder");
  ZSTD_outBuffer out{out_.data(), out_.size(), 0};
  while (out.pos == 0) {
    const size_t left = in_.size() - in_pos_;
    if (zstd_->frame_start) {
      if (left < ZSTD_FRAMEHEADERSIZE_MAX && !in_end_) {
        if (Status f = Fill(); !f) return Fail(f.error());
        continue;
      }
      if (left == 0) {
        out_end_ = true;
        return std::string_view();
      }
      ZSTD_frameHeader h;
      size_t r = ZSTD_getFrameHeader(&h, in_.data() + in_pos_, left);
      if (ZSTD_isError(r)) return Fail(std::string("corrupt zstd stream: ") + ZSTD_getErrorName(r));
      if (r > 0) return Fail("truncated zstd stream");
      if (h.frameType == ZSTD_frame) {
        if (Status g = Grant(h.windowSize); !g) return Fail(g.error());
      }
      zstd_->frame_start = false;
    }
    if (left == 0 && !in_end_) {
      if (Status f = Fill(); !f) return Fail(f.error());
    }
    ZSTD_inBuffer in{in_.data() + in_pos_, in_.size() - in_pos_, 0};
    size_t r = ZSTD_decompressStream(zstd_->d, &out, &in);
    in_pos_ += in.pos;
    if (ZSTD_isError(r)) {
      std::string error = std::string("corrupt zstd stream: ") + ZSTD_getErrorName(r);
      if (out.pos == 0) return Fail(error);
      error_ = error;  // the bytes before it first
      break;
    }
    if (r == 0) {
      zstd_->frame_start = true;  // the frame is decoded and flushed
    } else if (out.pos == 0 && in.pos == 0 && in_end_ && in_pos_ == in_.size()) {
      return Fail("truncated zstd stream");
    }
  }
  return std::string_view(out_.data(), out.pos);
}

}  // namespace safebuild
