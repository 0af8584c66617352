// A piece of Containerfile text that lint scans, with the file position of
// each of its bytes: an instruction's arguments, one exec-form string, a
// heredoc body, a "KEY=VALUE" pair or one shell word. Positions survive
// unquoting and continuation joins, so a finding always points at the file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "containerfile/parser.h"

namespace safebuild {

struct Segment {
  std::string text;
  std::vector<SourcePos> pos;  // one per byte of text

  void Push(char c, SourcePos p) {
    text.push_back(c);
    pos.push_back(p);
  }
  /// Position of byte `i`; past the end, the position of the last byte.
  SourcePos PosOf(size_t i) const;
  /// Bytes [begin, begin + length), clamped to the text.
  Segment Sub(size_t begin, size_t length) const;
};

/// The instruction's arguments.
Segment ArgsSegment(const Instruction& ins);
/// exec[k] of an exec-form instruction.
Segment ExecSegment(const Instruction& ins, size_t k);
/// A heredoc body.
Segment HeredocSegment(const Heredoc& h);
/// "KEY=VALUE" of an ENV/ARG/LABEL pair ("KEY" alone without a value).
Segment PairSegment(const Instruction& ins, const KeyValue& kv);

/// True when the file ranges of the two segments intersect. Positions in a
/// segment ascend, as in every segment built here.
bool Overlaps(const Segment& a, const Segment& b);

}  // namespace safebuild
