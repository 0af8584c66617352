// The compressed streams of a PDF, inflated: a runbook or a handover note
// saved as PDF keeps its text in Flate-compressed content streams, where no
// pattern sees it, and an attached file (/EmbeddedFile) keeps its bytes the
// same way. A content stream gives the strings it shows ("(AKIA…) Tj", the
// pieces of a "[(…) -250 (…)] TJ" joined), one line per text operator;
// another stream gives its bytes. Text drawn in a font with its own encoding
// (most office suites subset their fonts) is glyph numbers, not letters, and
// is not recovered.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace safebuild::detect {

struct PdfStream {
  size_t begin = 0;  // the compressed bytes in the file
  size_t end = 0;
  std::string text;  // what they hold, as above
};

/// The Flate streams of `pdf` (a file that starts "%PDF-"), inflated up to
/// 4 MiB each and 32 MiB in all; streams that are not Flate alone (images,
/// fonts in other filters) and streams that do not inflate are left out.
/// `cut` tells whether a limit left text unread.
std::vector<PdfStream> PdfStreams(std::string_view pdf, bool* cut = nullptr);

}  // namespace safebuild::detect
