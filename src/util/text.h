// Small string helpers shared by every stage.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace safebuild {

std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
std::string_view Trim(std::string_view s);
std::vector<std::string> Split(std::string_view s, char sep);

/// The length of the valid UTF-8 sequence at s[i], 0 when invalid (Go's
/// rules: no overlong forms, no surrogates, nothing above U+10FFFF).
size_t Utf8Length(std::string_view s, size_t i);

/// Appends the UTF-8 bytes of code point `code` (up to U+10FFFF) to `out`.
void AppendUtf8(uint32_t code, std::string& out);

/// `s` as it may be shown on a terminal and in JSON: valid UTF-8 with no
/// control characters. A byte that is not part of valid UTF-8, and a
/// control character (C0, DEL, C1; a tab only when `keep_tab` is false),
/// becomes "\xHH", so a file name with an escape sequence cannot redraw
/// the report and one in Latin-1 is still shown.
std::string Printable(std::string_view s, bool keep_tab = false);

/// A name (a path, an archive member) as Printable shows it, and never the
/// same as another's: a backslash the name holds before an "x" is written
/// "\x5c", so "n\x0al" (a newline) and "n\\x0al" (as typed) differ.
std::string PrintableName(std::string_view s);

/// `s` with every `from` replaced by `to`, left to right; what `to` brings
/// in is not looked at again.
std::string ReplaceAll(std::string s, std::string_view from, std::string_view to);

/// 1-based line and column of byte `offset` in `text`.
struct LineCol {
  int line = 1;
  int column = 1;
};
LineCol LineColAt(std::string_view text, size_t offset);

/// The line of `text` that holds byte `offset`, without its newline.
std::string_view LineAt(std::string_view text, size_t offset);

/// Shannon entropy in bits per character.
double Entropy(std::string_view s);

}  // namespace safebuild
