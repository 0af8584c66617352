// The text of an office document's XML parts, as a person reads it. A Word
// document keeps a paragraph in runs (`<w:r><w:t>pass</w:t></w:r><w:r>
// <w:t>word: …`), split wherever spelling marks or edits fall, so a secret
// in it may be cut by tags; a spreadsheet keeps each cell's string once,
// in sharedStrings.xml (xlsx) or in the cell (ods), so "password" and its
// value sit in two cells side by side. The parts are read as lines, one
// per paragraph or cell, with the position in the XML of every character.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "detect/escapes.h"

namespace safebuild::detect {

enum class OfficePart { kNone, kDocument, kCells };

/// Which kind of part `path` names: a document's paragraphs (docx, pptx,
/// odt, odp), a spreadsheet's cells (xlsx sharedStrings.xml, ods
/// content.xml, told by its table), or none.
OfficePart OfficePartOf(std::string_view path, std::string_view xml);

// One line per paragraph or cell, each byte mapped to the XML.
struct OfficeText : DecodedView {
  std::vector<size_t> lines;  // where each line starts in `text`
};

/// The text of `xml`: tags dropped, the five XML entities and character
/// references decoded, a line break at each paragraph's or cell's end.
OfficeText ExtractOfficeText(std::string_view xml);

}  // namespace safebuild::detect
