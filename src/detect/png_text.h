// The text chunks of a PNG: tEXt (a keyword and Latin-1 text), zTXt (the
// same, the text deflated) and iTXt (UTF-8 text, deflated or not). Tools
// keep a comment, a source URL or a generator's settings there; each chunk
// ends in a CRC, whose bytes a token would run into if read in place, and
// a compressed one shows no pattern its text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace safebuild::detect {

struct PngText {
  size_t begin = 0;  // the chunk's data in the file
  size_t end = 0;
  bool compressed = false;
  std::string text;    // the keyword, "=", then the text
  size_t text_at = 0;  // where the text starts in `text`
};

/// The text chunks of `png` (a file that starts with PNG's signature), up
/// to 1 MiB inflated each and 8 MiB in all; a compressed chunk that does not
/// inflate is left out.
/// `cut` tells whether a limit left text unread.
std::vector<PngText> PngTexts(std::string_view png, bool* cut = nullptr);

}  // namespace safebuild::detect
