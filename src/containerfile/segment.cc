#include "containerfile/segment.h"

#include <algorithm>

namespace safebuild {

SourcePos Segment::PosOf(size_t i) const {
  if (pos.empty()) return {};
  return pos[std::min(i, pos.size() - 1)];
}

Segment Segment::Sub(size_t begin, size_t length) const {
  Segment s;
  begin = std::min(begin, text.size());
  length = std::min(length, text.size() - begin);
  s.text = text.substr(begin, length);
  s.pos.assign(pos.begin() + static_cast<std::ptrdiff_t>(begin),
               pos.begin() + static_cast<std::ptrdiff_t>(begin + length));
  return s;
}

Segment ArgsSegment(const Instruction& ins) {
  Segment s;
  s.text = ins.args;
  s.pos = ins.arg_pos;
  return s;
}

Segment ExecSegment(const Instruction& ins, size_t k) {
  Segment s;
  const std::string& text = ins.exec[k];
  const std::vector<size_t>& offsets = ins.exec_offsets[k];
  for (size_t i = 0; i < text.size(); ++i) {
    s.Push(text[i], ins.PosOf(offsets[i]));
  }
  return s;
}

Segment HeredocSegment(const Heredoc& h) {
  Segment s;
  SourcePos p{h.start_line, 1};
  for (char c : h.content) {
    s.Push(c, p);
    if (c == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return s;
}

Segment PairSegment(const Instruction& ins, const KeyValue& kv) {
  Segment s;
  // The key is unquoted too; its bytes map one to one closely enough.
  for (size_t i = 0; i < kv.key.size(); ++i) {
    s.Push(kv.key[i], ins.PosOf(std::min(kv.key_offset + i, kv.value_offset)));
  }
  if (!kv.has_value) return s;
  s.Push('=', ins.PosOf(kv.value_offset > 0 ? kv.value_offset - 1 : 0));
  for (size_t i = 0; i < kv.value.size(); ++i) {
    s.Push(kv.value[i], ins.PosOf(kv.value_offsets[i]));
  }
  return s;
}

bool Overlaps(const Segment& a, const Segment& b) {
  if (a.pos.empty() || b.pos.empty()) return false;
  auto before = [](SourcePos x, SourcePos y) {
    return x.line < y.line || (x.line == y.line && x.column < y.column);
  };
  return !before(a.pos.back(), b.pos.front()) &&
         !before(b.pos.back(), a.pos.front());
}

}  // namespace safebuild
