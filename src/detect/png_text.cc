#include "detect/png_text.h"

#include <cstdint>
#include <optional>

#include "detect/codec.h"

namespace safebuild::detect {
namespace {

constexpr std::string_view kSignature = "\x89PNG\r\n\x1a\n";
constexpr size_t kMaxInflated = 1 << 20;
constexpr size_t kMaxInflatedAll = 8 << 20;
constexpr int kMaxChunks = 100000;

uint32_t BigEndian32(std::string_view bytes, size_t at) {
  uint32_t n = 0;
  for (size_t i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(bytes[at + i]);
  return n;
}

// A chunk's text as "keyword=text", the text inflated when it was deflated;
// nothing when it is not text or does not inflate. `inflated` counts what
// was inflated.
// `cut` is set when the limits on inflated text cut this chunk's.
std::optional<PngText> TextOf(std::string_view type, std::string_view data, size_t* inflated,
                              bool* cut) {
  const size_t nul = data.find('\0');
  if (nul == std::string_view::npos) return std::nullopt;
  const std::string_view keyword = data.substr(0, nul);
  std::string_view text = data.substr(nul + 1);
  bool compressed = false;
  if (type == "zTXt") {
    if (text.empty() || text[0] != 0) return std::nullopt;  // 0: deflate
    text.remove_prefix(1);
    compressed = true;
  } else if (type == "iTXt") {
    // A flag, a method, a language tag and a translated keyword, each
    // of the last two ended by a NUL.
    if (text.size() < 2) return std::nullopt;
    compressed = text[0] == 1;
    text.remove_prefix(2);
    for (int field = 0; field < 2; ++field) {
      const size_t end = text.find('\0');
      if (end == std::string_view::npos) return std::nullopt;
      text.remove_prefix(end + 1);
    }
  }
  PngText out;
  out.compressed = compressed;
  out.text = std::string(keyword) + "=";
  out.text_at = out.text.size();
  if (!compressed) {
    out.text += text;
    return out;
  }
  if (*inflated >= kMaxInflatedAll) {
    *cut = true;
    return std::nullopt;
  }
  const size_t limit = std::min(kMaxInflated, kMaxInflatedAll - *inflated);
  std::optional<std::string> plain = Inflate(text, limit);
  if (!plain) return std::nullopt;
  *cut = *cut || plain->size() == limit;
  *inflated += plain->size();
  out.text += *plain;
  return out;
}

}  // namespace

std::vector<PngText> PngTexts(std::string_view png, bool* cut) {
  std::vector<PngText> out;
  bool stopped = false;
  if (cut != nullptr) *cut = false;
  if (!png.starts_with(kSignature)) return out;
  size_t inflated = 0;
  size_t at = kSignature.size();
  for (int chunks = 0; png.size() - at >= 12; ++chunks) {
    if (chunks == kMaxChunks) {
      stopped = true;
      break;
    }
    const uint32_t length = BigEndian32(png, at);
    const std::string_view type = png.substr(at + 4, 4);
    if (length > png.size() - at - 12) break;  // cut short or damaged
    const size_t data = at + 8;
    if (type == "tEXt" || type == "zTXt" || type == "iTXt") {
      std::optional<PngText> text =
          TextOf(type, png.substr(data, length), &inflated, &stopped);
      if (text) {
        text->begin = data;
        text->end = data + length;
        out.push_back(std::move(*text));
      }
    }
    if (type == "IEND") break;
    at = data + length + 4;
  }
  if (cut != nullptr) *cut = stopped;
  return out;
}

}  // namespace safebuild::detect
