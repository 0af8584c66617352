// A file of any size is handed on in windows, so that every byte is scanned
// while memory stays bounded. A file up to one window (the step plus the
// overlap) comes whole, in a single window; a larger one comes as windows of
// `step` bytes of its own, each with `overlap` bytes of context on either
// side, taken from its neighbours:
//
//   window k holds the file's bytes [k*step - overlap, (k+1)*step + overlap)
//   and owns the match starts in   [k*step, (k+1)*step)
//
// A match no longer than the overlap that starts in a window's own part is
// whole in that window, and each start is owned by exactly one window, so a
// secret across a boundary is found, and found once. The context before the
// own part also keeps a pattern from matching the tail of a longer token
// that began in the window before.
//
// A hole of a sparse file (a run of zeros the reader knows of without
// reading it) longer than a window is not handed on: the windows before it
// end with `overlap` of its zeros, the next one starts with `overlap` of
// them, and `gap` says how many were left out. Zeros hold no secret and no
// newline, so offsets and lines stay right, and a sparse file of a TiB
// costs no more than its data.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "util/expected.h"

namespace safebuild {

/// One window of a regular file.
struct ContentWindow {
  std::string_view bytes;  // the file's bytes [offset, offset + bytes.size())
  uint64_t offset = 0;     // of bytes[0] in the file
  uint64_t own_begin = 0;  // matches starting in [own_begin, own_end) are
  uint64_t own_end = 0;    // this window's to report
  uint64_t line = 1;       // 1-based line number of bytes[0]
  uint64_t column = 1;     // and its 1-based column, in bytes
  size_t fresh = 0;        // bytes[fresh..] were in no earlier window
  uint64_t gap = 0;        // zeros of a hole left out just before bytes[0]
  bool last = true;

  /// The whole file in this one window.
  bool whole() const { return offset == 0 && last; }
};

struct WindowSize {
  // The own part of a window. 16 MiB keeps two readers, the scan queue and
  // the detector well under 256 MiB.
  uint64_t step = 16ull << 20;
  // The longest match found across a boundary. A 4096-bit RSA key in PEM is
  // about 3.3 KiB, a PuTTY file or a JSON-escaped key a little more; 64 KiB
  // leaves ample room.
  uint64_t overlap = 64ull << 10;
};

/// What a read gave: `bytes` put in the buffer, or else a run of `zeros`
/// (a hole) at the current position, not put anywhere; neither at the end.
struct ReadPiece {
  size_t bytes = 0;
  uint64_t zeros = 0;
};

/// Fills `buf` (up to `size` bytes) from the file, or reports a hole.
using ReadFn = std::function<Expected<ReadPiece>(char* buf, size_t size)>;
/// Gets each window; false stops the reading.
using WindowFn = std::function<bool(const ContentWindow& window)>;

/// Cuts files into windows; one buffer (step + 2*overlap + 1 bytes, taken
/// when first needed) serves every file it reads.
class WindowCutter {
 public:
  explicit WindowCutter(WindowSize size);
  ~WindowCutter();

  /// Reads one file to its end with `read`, calling `on_window` for each
  /// window in order (once, with empty bytes, for an empty file). Sets
  /// *stopped when the callback stopped it.
  Status Run(const ReadFn& read, const WindowFn& on_window, bool* stopped);

 private:
  Status Fill(const ReadFn& read, size_t target);

  WindowSize size_;
  std::unique_ptr<char[]> buf_;
  size_t capacity_ = 0;
  size_t used_ = 0;
  uint64_t zeros_ = 0;      // of a hole, still to put in the buffer
  uint64_t jump_ = 0;       // of a long hole, to leave out once zeros_ are in
  bool jump_next_ = false;  // the buffer ends where the left-out part begins
};

}  // namespace safebuild
