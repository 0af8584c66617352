// Text that spells characters with escapes: `\u0067hp_…` in a Java
// .properties file or a JSON string, `&#103;&#104;…` in HTML, a token cut
// by a line continuation (`ghp_\` then the rest on the next line, in a shell
// script, a Containerfile or a .properties file). A pattern sees none of
// these as the token they stand for. The lines that hold such escapes are
// decoded into a view, with the position in the text of every character.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace safebuild::detect {

struct DecodedView {
  std::string text;
  std::vector<size_t> from;  // for each byte of `text`, its offset in the original
};

/// The lines of `text` that hold a `\uXXXX` escape, an HTML character
/// reference (`&#NN;`, `&#xHH;`) or a backslash before the line's end
/// (joined with the next line, less its indent), decoded; none when there
/// is no such line. A view larger than `max_bytes` is cut there.
std::optional<DecodedView> UnescapedLines(std::string_view text, size_t max_bytes);

/// A character reference's or a `\u` escape's code point as UTF-8 (`code`
/// up to 0x10FFFF, not 0); "" otherwise.
std::string Utf8(unsigned long code);

/// What the digits of a character reference stand for ("65", "x41": "A",
/// the text between "&#" and ";"), as UTF-8; "" when they are none.
std::string CharacterReference(std::string_view digits);

}  // namespace safebuild::detect
