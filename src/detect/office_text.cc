#include "detect/office_text.h"

#include <algorithm>
#include <array>

#include "util/text.h"

namespace safebuild::detect {
namespace {

// Tags whose end ends a line: paragraphs (Word, PowerPoint's DrawingML,
// OpenDocument), headings, a shared string, a table cell.
constexpr std::array<std::string_view, 7> kLineEnds = {
    "w:p", "a:p", "text:p", "text:h", "si", "table:table-cell", "w:tc"};

// The character an entity or character reference stands for, as UTF-8;
// "" when it is none of those known.
std::string Entity(std::string_view name) {
  if (name == "amp") return "&";
  if (name == "lt") return "<";
  if (name == "gt") return ">";
  if (name == "quot") return "\"";
  if (name == "apos") return "'";
  if (!name.starts_with("#")) return "";
  return CharacterReference(name.substr(1));
}

}  // namespace

OfficePart OfficePartOf(std::string_view path, std::string_view xml) {
  if (EndsWith(path, "xl/sharedStrings.xml")) return OfficePart::kCells;
  if (EndsWith(path, "word/document.xml") || EndsWith(path, "word/header1.xml") ||
      EndsWith(path, "word/footer1.xml") ||
      (path.find("ppt/slides/slide") != std::string_view::npos && EndsWith(path, ".xml"))) {
    return OfficePart::kDocument;
  }
  if (EndsWith(path, "content.xml") &&
      xml.find("urn:oasis:names:tc:opendocument:xmlns:office") != std::string_view::npos) {
    return xml.find("<table:table-cell") != std::string_view::npos ? OfficePart::kCells
                                                                    : OfficePart::kDocument;
  }
  return OfficePart::kNone;
}

OfficeText ExtractOfficeText(std::string_view xml) {
  OfficeText out;
  out.lines.push_back(0);
  const auto end_line = [&](size_t at) {
    if (out.text.empty() || out.text.back() == '\n') return;
    out.text += '\n';
    out.from.push_back(at);
    out.lines.push_back(out.text.size());
  };
  size_t i = 0;
  while (i < xml.size()) {
    const char c = xml[i];
    if (c == '<') {
      const size_t close = xml.find('>', i);
      if (close == std::string_view::npos) break;
      std::string_view tag = xml.substr(i + 1, close - i - 1);
      if (tag.starts_with("/")) {
        tag.remove_prefix(1);
        for (std::string_view line_end : kLineEnds) {
          if (tag == line_end) end_line(i);
        }
      } else if (tag == "w:tab/" || tag == "text:tab/" || tag == "text:s/") {
        out.text += ' ';
        out.from.push_back(i);
      } else if (tag == "w:br/" || tag == "text:line-break/") {
        end_line(i);
      }
      i = close + 1;
      continue;
    }
    if (c == '&') {
      // An entity is short: its ';' is looked for nearby only.
      const size_t semi = xml.substr(i, 12).find(';');
      if (semi != std::string_view::npos) {
        const std::string decoded = Entity(xml.substr(i + 1, semi - 1));
        if (!decoded.empty()) {
          for (char d : decoded) {
            out.text += d;
            out.from.push_back(i);
          }
          i += semi + 1;
          continue;
        }
      }
    }
    // The text up to the next tag or entity, the '&' that started it (no
    // entity) included.
    const size_t next = std::min(xml.find_first_of("<&", i + 1), xml.size());
    const std::string_view run = xml.substr(i, next - i);
    // Indentation between tags (a part written pretty) is no text.
    const bool indent = run.find_first_not_of(" \t\r\n") == std::string_view::npos &&
                        run.find('\n') != std::string_view::npos;
    for (size_t j = 0; j < run.size() && !indent; ++j) {
      // Line breaks inside text are layout, not content.
      if (run[j] == '\n' || run[j] == '\r') continue;
      out.text += run[j];
      out.from.push_back(i + j);
    }
    i = next;
  }
  end_line(xml.size());
  if (out.lines.back() == out.text.size()) out.lines.pop_back();
  return out;
}

}  // namespace safebuild::detect
