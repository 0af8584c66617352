#include "detect/redact.h"

namespace safebuild {

std::string RedactSecrets(const Detector& detector, std::string_view text) {
  std::string out;
  size_t pos = 0;
  for (const Match& m : detector.Scan(text)) {
    if (m.offset < pos) continue;
    out.append(text.substr(pos, m.offset - pos));
    out += m.redacted;
    pos = m.offset + m.length;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace safebuild
