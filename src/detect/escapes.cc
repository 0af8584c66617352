#include "detect/escapes.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "detect/codec.h"
#include "util/text.h"

namespace safebuild::detect {
namespace {

// The code point of the `digits` in base 16 or 10; 0 when they are none.
unsigned long CodeOf(std::string_view digits, bool hex) {
  if (digits.empty() || digits.size() > 7) return 0;
  unsigned long code = 0;
  for (char c : digits) {
    const int d = hex ? HexDigit(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
    if (d < 0) return 0;
    code = code * (hex ? 16 : 10) + static_cast<unsigned long>(d);
  }
  return code;
}

// What an escape stands for, and its length in the text.
struct Escape {
  std::string chars;
  size_t length = 0;
};

// The escape at `text[i]`; of length 0 when there is none. A backslash at a
// line's end after a word stands for nothing, and takes the next line's
// indent with it.
Escape EscapeAt(std::string_view text, size_t i) {
  const std::string_view rest = text.substr(i);
  // After a blank ("make \\", the common case) a continuation joins two
  // words and cuts no token: it is left as it is.
  const bool after_word = i > 0 && text[i - 1] != ' ' && text[i - 1] != '\t' &&
                          text[i - 1] != '\n' && text[i - 1] != '\r';
  if (after_word && (rest.starts_with("\\\n") || rest.starts_with("\\\r\n"))) {
    size_t end = i + (rest[1] == '\r' ? 3 : 2);
    while (end < text.size() && (text[end] == ' ' || text[end] == '\t')) ++end;
    return {"", end - i};
  }
  if (rest.size() >= 6 && rest.starts_with("\\u")) {
    const std::string chars = Utf8(CodeOf(rest.substr(2, 4), true));
    if (!chars.empty()) return {chars, 6};
  }
  // C, JavaScript, Python and shell's "\x67" and "\147": one byte each.
  if (rest.size() >= 4 && rest[1] == 'x' && HexDigit(rest[2]) >= 0 && HexDigit(rest[3]) >= 0) {
    const int byte = HexDigit(rest[2]) * 16 + HexDigit(rest[3]);
    if (byte != 0) return {std::string(1, static_cast<char>(byte)), 4};
  }
  const auto octal = [](char c) { return c >= '0' && c <= '7'; };
  if (rest.size() >= 4 && rest[1] >= '0' && rest[1] <= '3' && octal(rest[2]) && octal(rest[3])) {
    const int byte = (rest[1] - '0') * 64 + (rest[2] - '0') * 8 + (rest[3] - '0');
    if (byte != 0) return {std::string(1, static_cast<char>(byte)), 4};
  }
  if (rest.starts_with("&#")) {
    // A reference is short: its ';' is looked for nearby only.
    const size_t semi = rest.substr(0, 11).find(';', 2);
    if (semi != std::string_view::npos) {
      const std::string chars = CharacterReference(rest.substr(2, semi - 2));
      if (!chars.empty()) return {chars, semi + 1};
    }
  }
  return {};
}

// How far around an escape the view reaches: enough for a key name before
// a value and for a token on either side, within the escape's line (lines
// joined by a backslash count as one).
constexpr size_t kReach = 100;

// Whether the line break at `text[i]` ends a line for good: no backslash
// continues it.
bool EndsLine(std::string_view text, size_t i) {
  if (i == 0 || text[i - 1] != '\\') {
    return i < 2 || text[i - 1] != '\r' || text[i - 2] != '\\';
  }
  return false;
}

// Where the view around an escape at `at` starts: the start of its line,
// at most kReach before it.
size_t ReachBack(std::string_view text, size_t at) {
  const size_t floor = at > kReach ? at - kReach : 0;
  size_t to = at;
  while (to > floor) {
    const void* hit = memrchr(text.data() + floor, '\n', to - floor);
    if (hit == nullptr) break;
    const size_t i = static_cast<size_t>(static_cast<const char*>(hit) - text.data());
    if (EndsLine(text, i)) return i + 1;
    to = i;
  }
  return floor;
}

// Where it ends: the end of the line, looked for in [from, ceiling).
size_t ReachOn(std::string_view text, size_t from, size_t ceiling) {
  ceiling = std::min(ceiling, text.size());
  while (from < ceiling) {
    const void* hit = memchr(text.data() + from, '\n', ceiling - from);
    if (hit == nullptr) break;
    const size_t i = static_cast<size_t>(static_cast<const char*>(hit) - text.data());
    if (EndsLine(text, i)) return i;
    from = i + 1;
  }
  return std::max(from, ceiling);
}

}  // namespace

std::string Utf8(unsigned long code) {
  std::string out;
  if (code == 0 || code > 0x10FFFF) return out;
  AppendUtf8(static_cast<uint32_t>(code), out);
  return out;
}

std::string CharacterReference(std::string_view digits) {
  const bool hex = digits.starts_with("x") || digits.starts_with("X");
  return Utf8(CodeOf(digits.substr(hex ? 1 : 0), hex));
}

std::optional<DecodedView> UnescapedLines(std::string_view text, size_t max_bytes) {
  // The escapes, in order: each backslash and ampersand is looked at, up to
  // kMaxEscapes of each kind (a text of nothing but escapes would otherwise
  // hold a list as large as itself, eight times over).
  constexpr size_t kMaxEscapes = 1 << 16;
  std::vector<std::pair<size_t, size_t>> escapes;  // where, and how long
  for (char lead : {'\\', '&'}) {
    size_t kept = 0;
    for (size_t at = text.find(lead); at != std::string_view::npos && kept < kMaxEscapes;
         at = text.find(lead, at + 1)) {
      // The character after the lead rules most out ("&&", "\\n").
      const char next = at + 1 < text.size() ? text[at + 1] : '\0';
      const bool may = lead == '&' ? next == '#'
                                   : next == 'u' || next == 'x' || (next >= '0' && next <= '3') ||
                                         next == '\n' || next == '\r';
      const size_t length = may ? EscapeAt(text, at).length : 0;
      if (length != 0) {
        escapes.emplace_back(at, length);
        ++kept;
      }
    }
  }
  if (escapes.empty()) return std::nullopt;
  std::sort(escapes.begin(), escapes.end());
  // The spans around them, merged where they meet.
  std::vector<std::pair<size_t, size_t>> spans;
  for (const auto& [at, length] : escapes) {
    const size_t after = at + length;
    if (!spans.empty() && at < spans.back().second) {
      // Inside the span so far, which holds no line end: on from its end.
      size_t& end = spans.back().second;
      if (after + kReach > end) end = ReachOn(text, std::max(end, after), after + kReach);
      continue;
    }
    const size_t begin = ReachBack(text, at);
    const size_t end = ReachOn(text, after, after + kReach);
    if (!spans.empty() && begin <= spans.back().second) {
      spans.back().second = std::max(spans.back().second, end);
    } else {
      spans.emplace_back(begin, end);
    }
  }
  DecodedView view;
  auto next = escapes.begin();
  // Copies text[from, to) as it is.
  const auto copy = [&](size_t from, size_t to) {
    view.text.append(text.substr(from, to - from));
    for (size_t i = from; i < to; ++i) view.from.push_back(i);
  };
  for (const auto& [begin, end] : spans) {
    size_t i = begin;
    while (i < end && view.text.size() < max_bytes) {
      while (next != escapes.end() && next->first < i) ++next;
      const size_t stop = next == escapes.end() ? end : std::min<size_t>(next->first, end);
      copy(i, stop);
      i = stop;
      if (i == end) break;
      const Escape e = EscapeAt(text, i);
      for (char c : e.chars) {
        view.text += c;
        view.from.push_back(i);
      }
      i += e.length;
    }
    view.text += '\n';
    view.from.push_back(end == 0 ? 0 : end - 1);
  }
  return view;
}

}  // namespace safebuild::detect
