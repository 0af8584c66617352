#include "containerfile/json_array.h"

#include <cstdint>
#include <utility>

#include "containerfile/words.h"
#include "util/text.h"

namespace safebuild {
namespace {

constexpr size_t kMaxDepth = 10000;  // Go's scanner gives up deeper
constexpr uint32_t kReplacement = 0xFFFD;

class JsonCursor {
 public:
  explicit JsonCursor(std::string_view s) : s_(s) {}

  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' ||
                                s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  void SkipAnySpace() {
    while (pos_ < s_.size() && IsAsciiSpace(s_[pos_])) ++pos_;
  }
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool Eat(char c) {
    if (pos_ >= s_.size() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // Decodes a string; `out` and `offsets` may be null to only validate.
  bool String(std::string* out, std::vector<size_t>* offsets);
  // Validates any value, without recursion.
  bool Value();

 private:
  bool Escape(size_t at, std::string* out, std::vector<size_t>* offsets);
  bool Hex4(uint32_t* v);
  bool Scalar();
  bool Number();
  bool Literal(std::string_view word);
  bool Key();

  std::string_view s_;
  size_t pos_ = 0;
};

void PutRune(uint32_t r, size_t at, std::string* out,
             std::vector<size_t>* offsets) {
  if (out == nullptr) return;
  size_t before = out->size();
  AppendUtf8(r, *out);
  if (offsets != nullptr) {
    offsets->resize(offsets->size() + out->size() - before, at);
  }
}

bool JsonCursor::Hex4(uint32_t* v) {
  if (pos_ + 4 > s_.size()) return false;
  uint32_t r = 0;
  for (int k = 0; k < 4; ++k) {
    char c = s_[pos_ + k];
    uint32_t d;
    if (c >= '0' && c <= '9') {
      d = static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      d = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
    r = r * 16 + d;
  }
  pos_ += 4;
  *v = r;
  return true;
}

// After the backslash at `at`: one escape sequence.
bool JsonCursor::Escape(size_t at, std::string* out,
                        std::vector<size_t>* offsets) {
  if (pos_ >= s_.size()) return false;
  char e = s_[pos_++];
  uint32_t r = 0;
  switch (e) {
    case '"':
    case '\\':
    case '/':
      r = static_cast<uint32_t>(e);
      break;
    case 'b':
      r = '\b';
      break;
    case 'f':
      r = '\f';
      break;
    case 'n':
      r = '\n';
      break;
    case 'r':
      r = '\r';
      break;
    case 't':
      r = '\t';
      break;
    case 'u': {
      if (!Hex4(&r)) return false;
      if (r < 0xD800 || r > 0xDFFF) break;
      // A high surrogate pairs with a following \uDC00-\uDFFF; anything else
      // is a lone surrogate.
      uint32_t low = 0;
      size_t save = pos_;
      if (r <= 0xDBFF && Eat('\\') && Eat('u') && Hex4(&low) && low >= 0xDC00 &&
          low <= 0xDFFF) {
        r = 0x10000 + ((r - 0xD800) << 10) + (low - 0xDC00);
      } else {
        pos_ = save;
        r = kReplacement;
      }
      break;
    }
    default:
      return false;
  }
  PutRune(r, at, out, offsets);
  return true;
}

bool JsonCursor::String(std::string* out, std::vector<size_t>* offsets) {
  if (!Eat('"')) return false;
  while (pos_ < s_.size()) {
    unsigned char c = static_cast<unsigned char>(s_[pos_]);
    if (c == '"') {
      ++pos_;
      return true;
    }
    if (c < 0x20) return false;
    if (c == '\\') {
      size_t at = pos_++;
      if (!Escape(at, out, offsets)) return false;
      continue;
    }
    size_t len = c < 0x80 ? 1 : Utf8Length(s_, pos_);
    if (len == 0) {
      PutRune(kReplacement, pos_, out, offsets);
      ++pos_;
      continue;
    }
    for (size_t k = 0; k < len; ++k, ++pos_) {
      if (out != nullptr) out->push_back(s_[pos_]);
      if (offsets != nullptr) offsets->push_back(pos_);
    }
  }
  return false;  // unterminated
}

bool JsonCursor::Number() {
  auto digits = [&] {
    size_t start = pos_;
    while (Peek() >= '0' && Peek() <= '9') ++pos_;
    return pos_ > start;
  };
  Eat('-');
  if (!Eat('0') && !digits()) return false;
  if (Eat('.') && !digits()) return false;
  if (Eat('e') || Eat('E')) {
    if (!Eat('+')) Eat('-');
    if (!digits()) return false;
  }
  return true;
}

bool JsonCursor::Literal(std::string_view word) {
  if (s_.substr(pos_, word.size()) != word) return false;
  pos_ += word.size();
  return true;
}

bool JsonCursor::Scalar() {
  switch (Peek()) {
    case '"':
      return String(nullptr, nullptr);
    case 't':
      return Literal("true");
    case 'f':
      return Literal("false");
    case 'n':
      return Literal("null");
    default:
      return Number();
  }
}

bool JsonCursor::Key() {
  SkipSpace();
  if (!String(nullptr, nullptr)) return false;
  SkipSpace();
  return Eat(':');
}

bool JsonCursor::Value() {
  std::vector<char> closers;  // of the open containers
  while (true) {
    SkipSpace();
    char open = Peek();
    if (open == '[' || open == '{') {
      ++pos_;
      SkipSpace();
      char close = open == '[' ? ']' : '}';
      if (!Eat(close)) {
        if (closers.size() >= kMaxDepth) return false;
        closers.push_back(close);
        if (open == '{' && !Key()) return false;
        continue;
      }
    } else if (!Scalar()) {
      return false;
    }
    // A value ended: close containers until one continues with a comma.
    while (true) {
      if (closers.empty()) return true;
      SkipSpace();
      if (Eat(',')) {
        if (closers.back() == '}' && !Key()) return false;
        break;
      }
      if (!Eat(closers.back())) return false;
      closers.pop_back();
    }
  }
}

}  // namespace

JsonArrayKind ParseJsonStringArray(std::string_view text, JsonStrings* out) {
  JsonCursor c(text);
  c.SkipAnySpace();
  if (!c.Eat('[')) return JsonArrayKind::kNotJson;
  JsonStrings found;
  bool all_strings = true;
  c.SkipSpace();
  if (!c.Eat(']')) {
    while (true) {
      c.SkipSpace();
      if (c.Peek() == '"') {
        found.values.emplace_back();
        found.offsets.emplace_back();
        if (!c.String(&found.values.back(), &found.offsets.back())) {
          return JsonArrayKind::kNotJson;
        }
      } else {
        all_strings = false;
        if (!c.Value()) return JsonArrayKind::kNotJson;
      }
      c.SkipSpace();
      if (c.Eat(',')) continue;
      if (c.Eat(']')) break;
      return JsonArrayKind::kNotJson;
    }
  }
  // Like Go's Decoder, whatever follows the array is not looked at.
  if (!all_strings) return JsonArrayKind::kNotStrings;
  if (out != nullptr) *out = std::move(found);
  return JsonArrayKind::kStrings;
}

}  // namespace safebuild
