#include "detect/pdf_streams.h"

#include <algorithm>
#include <climits>
#include <optional>

#include "detect/codec.h"

namespace safebuild::detect {
namespace {

constexpr size_t kMaxStream = 4 << 20;
constexpr size_t kMaxTotal = 32 << 20;
// A stream's dictionary is read back this far from its "stream" keyword.
constexpr size_t kDictReach = 4096;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\0';
}

// The literal string at s[i] == '(', its escapes undone; `i` ends past it.
std::string LiteralString(std::string_view s, size_t& i) {
  std::string out;
  int depth = 0;
  for (++i; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      const char e = s[++i];
      if (e >= '0' && e <= '7') {
        int value = 0;
        for (int k = 0; k < 3 && i < s.size() && s[i] >= '0' && s[i] <= '7'; ++k, ++i) {
          value = value * 8 + (s[i] - '0');
        }
        --i;
        out.push_back(static_cast<char>(value));
      } else if (e == 'n') {
        out.push_back('\n');
      } else if (e == 'r' || e == '\r' || e == '\n') {
        // A line break escaped: the string goes on.
      } else if (e == 't') {
        out.push_back('\t');
      } else {
        out.push_back(e);  // \( \) \\ and any other character as itself
      }
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && depth-- == 0) {
      ++i;
      return out;
    }
    out.push_back(c);
  }
  return out;
}

// The hex string at s[i] == '<', decoded; `i` ends past it.
std::string HexString(std::string_view s, size_t& i) {
  std::string out;
  int high = -1;
  for (++i; i < s.size() && s[i] != '>'; ++i) {
    const int d = HexDigit(s[i]);
    if (d < 0) continue;
    if (high < 0) {
      high = d;
    } else {
      out.push_back(static_cast<char>(high * 16 + d));
      high = -1;
    }
  }
  if (high >= 0) out.push_back(static_cast<char>(high * 16));
  ++i;
  return out;
}

bool IsTextOperator(std::string_view op) {
  return op == "Tj" || op == "TJ" || op == "'" || op == "\"" || op == "T*" || op == "Td" ||
         op == "TD" || op == "Tm" || op == "ET";
}

// The strings a content stream shows, a line for each text operator.
std::string ShownText(std::string_view s) {
  std::string out;
  auto end_line = [&] {
    if (!out.empty() && out.back() != '\n') out.push_back('\n');
  };
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '(') {
      out += LiteralString(s, i);
    } else if (c == '<' && i + 1 < s.size() && s[i + 1] != '<') {
      out += HexString(s, i);
    } else if (c == '%') {
      while (i < s.size() && s[i] != '\n' && s[i] != '\r') ++i;
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '\'' || c == '"') {
      const size_t from = i;
      while (i < s.size() && !IsSpace(s[i]) && s[i] != '(' && s[i] != '[' && s[i] != '<' &&
             s[i] != '/') {
        ++i;
      }
      if (IsTextOperator(s.substr(from, i - from))) end_line();
    } else {
      ++i;
    }
  }
  end_line();
  return out;
}

// Whether an inflated stream is a page's content: it draws text.
bool IsContentStream(std::string_view s) {
  const std::string_view head = s.substr(0, 64 << 10);
  return head.find("BT") != std::string_view::npos &&
         (head.find("Tj") != std::string_view::npos || head.find("TJ") != std::string_view::npos);
}

// The dictionary of the stream whose keyword is at `keyword`: from the last
// "<<" that opens it; empty when it is not found near.
std::string_view StreamDict(std::string_view pdf, size_t keyword) {
  const size_t from = keyword > kDictReach ? keyword - kDictReach : 0;
  const std::string_view before = pdf.substr(from, keyword - from);
  const size_t obj = before.rfind(" obj");
  return obj == std::string_view::npos ? before : before.substr(obj);
}

// Flate alone: "/Filter /FlateDecode" or "/Filter [/FlateDecode]".
bool IsFlateOnly(std::string_view dict) {
  const size_t filter = dict.find("/Filter");
  if (filter == std::string_view::npos) return false;
  std::string_view rest = dict.substr(filter + 7);
  const size_t begin = rest.find_first_not_of(" \t\r\n[");
  if (begin == std::string_view::npos || rest.substr(begin).rfind("/FlateDecode", 0) != 0) {
    return false;
  }
  const size_t after = begin + 12;
  const size_t next = rest.find_first_not_of(" \t\r\n", after);
  return next == std::string_view::npos || rest[next] != '/';
}

}  // namespace

std::vector<PdfStream> PdfStreams(std::string_view pdf, bool* cut) {
  std::vector<PdfStream> out;
  size_t total = 0;
  bool stopped = false;
  for (size_t at = pdf.find("stream"); at != std::string_view::npos;
       at = pdf.find("stream", at + 6)) {
    // "stream" then an end of line; not the end of "endstream".
    if (at >= 3 && pdf.substr(at - 3, 3) == "end") continue;
    size_t begin = at + 6;
    if (pdf.substr(begin, 2) == "\r\n") {
      begin += 2;
    } else if (begin < pdf.size() && (pdf[begin] == '\n' || pdf[begin] == '\r')) {
      ++begin;
    } else {
      continue;
    }
    size_t end = pdf.find("endstream", begin);
    if (end == std::string_view::npos) end = pdf.size();
    if (!IsFlateOnly(StreamDict(pdf, at))) continue;
    if (total == kMaxTotal) {  // a stream more than the limit reads
      stopped = true;
      break;
    }
    const size_t limit = std::min(kMaxStream, kMaxTotal - total);
    std::optional<std::string> plain = Inflate(pdf.substr(begin, end - begin), limit);
    at = end;
    if (!plain) continue;
    stopped = stopped || plain->size() == limit;
    total += plain->size();
    if (IsContentStream(*plain)) *plain = ShownText(*plain);
    out.push_back({begin, end, std::move(*plain)});
  }
  if (cut != nullptr) *cut = stopped;
  return out;
}

}  // namespace safebuild::detect
