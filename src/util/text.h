// Small string helpers shared by every stage.
#pragma once

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
