#include "image/content_windows.h"

#include <algorithm>
#include <cstring>

namespace safebuild {
namespace {

// memchr skips long runs without a newline (binaries, zeros) at memory speed.
uint64_t CountLines(std::string_view bytes) {
  uint64_t n = 0;
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p))))) {
    ++n;
    ++p;
  }
  return n;
}

// Moves `w`'s line and column past `bytes` and `zeros` zero bytes after them.
void MovePast(ContentWindow& w, std::string_view bytes, uint64_t zeros) {
  w.line += CountLines(bytes);
  size_t last_newline = bytes.rfind('\n');
  w.column = last_newline == std::string_view::npos ? w.column + bytes.size()
                                                    : bytes.size() - last_newline;
  w.column += zeros;
}

}  // namespace

// A step no longer than the overlap would never move on.
WindowCutter::WindowCutter(WindowSize size) : size_(size) {
  size_.step = std::max(size_.step, size_.overlap + 1);
}

WindowCutter::~WindowCutter() = default;

// Reads until the buffer holds `target` bytes, the file ends, or a long
// hole's leading zeros are in (jump_next_).
Status WindowCutter::Fill(const ReadFn& read, size_t target) {
  const uint64_t overlap = size_.overlap;
  const uint64_t long_hole = size_.step + 2 * overlap;
  while (used_ < target) {
    if (zeros_ > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(zeros_, target - used_));
      std::memset(buf_.get() + used_, 0, n);
      used_ += n;
      zeros_ -= n;
      continue;
    }
    if (jump_ > 0) {
      jump_next_ = true;
      return Ok{};
    }
    Expected<ReadPiece> piece = read(buf_.get() + used_, target - used_);
    if (!piece) return Fail(piece.error());
    if (piece->bytes == 0 && piece->zeros == 0) return Ok{};
    used_ += piece->bytes;
    zeros_ = piece->zeros;
    if (zeros_ > long_hole) {
      jump_ = zeros_ - 2 * overlap;
      zeros_ = overlap;
    }
  }
  return Ok{};
}

// Each round reads one byte past the window: whether it comes says whether
// the window is the last, and it stays fresh for the next one.
Status WindowCutter::Run(const ReadFn& read, const WindowFn& on_window, bool* stopped) {
  *stopped = false;
  const size_t step = static_cast<size_t>(size_.step);
  const size_t overlap = static_cast<size_t>(size_.overlap);
  if (buf_ == nullptr) {
    capacity_ = step + 2 * overlap + 1;
    // Not value-initialised: pages a small file never reaches stay unmapped.
    buf_.reset(new char[capacity_]);
  }
  used_ = 0;
  zeros_ = 0;
  jump_ = 0;
  jump_next_ = false;
  ContentWindow w;
  bool starts = true;  // no window before this one holds its leading bytes
  while (true) {
    size_t target = starts ? step + overlap : step + 2 * overlap;
    if (Status s = Fill(read, target + 1); !s) return s;
    size_t len = std::min(used_, target);
    bool ends = used_ <= target;  // the file or, before a long hole, its data
    w.last = ends && !jump_next_;
    w.bytes = std::string_view(buf_.get(), len);
    w.own_begin = starts ? w.offset : w.offset + overlap;
    w.own_end = w.offset + (ends ? len : len - overlap);
    if (!on_window(w)) {
      *stopped = true;
      return Ok{};
    }
    if (w.last) return Ok{};
    if (ends) {
      // Past the hole, with its trailing zeros still to come.
      MovePast(w, w.bytes, jump_);
      w.offset += len + jump_;
      w.gap = jump_;
      w.fresh = 0;
      used_ = 0;
      zeros_ = overlap;
      jump_ = 0;
      jump_next_ = false;
      starts = true;
      continue;
    }
    size_t keep_from = len - 2 * overlap;
    MovePast(w, std::string_view(buf_.get(), keep_from), 0);
    std::memmove(buf_.get(), buf_.get() + keep_from, used_ - keep_from);
    used_ -= keep_from;
    w.offset += keep_from;
    w.fresh = 2 * overlap;
    w.gap = 0;
    starts = false;
  }
}

}  // namespace safebuild
