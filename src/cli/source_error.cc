#include "cli/source_error.h"

#include <charconv>
#include <iostream>
#include <optional>

#include "cli/diag.h"

namespace safebuild {
namespace {

constexpr size_t kMaxShown = 200;  // a minified line stays readable

// Reads "LINE:COL: " at `s`; false when it is not there.
bool ReadLineColumn(std::string_view s, int* line, int* column) {
  const char* end = s.data() + s.size();
  auto [p1, e1] = std::from_chars(s.data(), end, *line);
  if (e1 != std::errc() || p1 == end || *p1 != ':') return false;
  auto [p2, e2] = std::from_chars(p1 + 1, end, *column);
  return e2 == std::errc() && p2 != end && *p2 == ':' && *line > 0 && *column > 0;
}

// The position after the path: the first ":LINE:COL: " in the error.
bool FindPosition(std::string_view error, int* line, int* column) {
  for (size_t at = error.find(':'); at != std::string_view::npos;
       at = error.find(':', at + 1)) {
    if (ReadLineColumn(error.substr(at + 1), line, column)) return true;
  }
  return false;
}

std::optional<std::string_view> LineOf(std::string_view text, int number) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  for (int n = 1; n < number; ++n) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    text.remove_prefix(nl + 1);
  }
  std::string_view line = text.substr(0, text.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

}  // namespace

int PositionLine(std::string_view error) {
  int line = 0;
  int column = 0;
  return FindPosition(error, &line, &column) ? line : 0;
}

std::string SourceExcerpt(std::string_view error, std::string_view text, int shown_line) {
  int line = 0;
  int column = 0;
  if (!FindPosition(error, &line, &column)) return "";
  std::optional<std::string_view> source = LineOf(text, line);
  if (!source) return "";
  std::string shown(source->substr(0, kMaxShown));
  // Tabs keep their width so that the caret stays under the column.
  std::string pad;
  for (size_t i = 0; i + 1 < static_cast<size_t>(column) && i < shown.size(); ++i) {
    pad += shown[i] == '\t' ? '\t' : ' ';
  }
  std::string num = std::to_string(shown_line != 0 ? shown_line : line);
  return "    " + num + " | " + shown + "\n    " + std::string(num.size(), ' ') + " | " + pad +
         "^\n";
}

void PrintSourceError(std::string_view error, std::string_view text) {
  PrintError(error);
  std::cerr << SourceExcerpt(error, text);
}

}  // namespace safebuild
