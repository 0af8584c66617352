// Words of ENV, LABEL and ARG arguments as podman reads them. Splitting keeps
// quotes and escapes in each word (the escape is the file's escape
// character); unquoting then applies the shell rules without expanding
// variables: outside quotes the escape makes the next character literal,
// single quotes are literal, and inside double quotes the escape only
// escapes `"`, `$` and itself.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace safebuild {

/// A word as the byte range [begin, end) of the split text.
struct RawWord {
  size_t begin = 0;
  size_t end = 0;
};

/// Splits `text` at whitespace outside quotes. An escape at the very end of
/// the text is dropped.
std::vector<RawWord> SplitWords(std::string_view text, char escape);

/// A word with quotes and escapes removed, and the offset in the raw word of
/// each of its bytes.
struct Unquoted {
  std::string text;
  std::vector<size_t> offsets;
};
Unquoted UnquoteWord(std::string_view raw, char escape);

/// Whitespace as Go's unicode.IsSpace sees it, for ASCII.
inline bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
         c == '\r';
}

}  // namespace safebuild
