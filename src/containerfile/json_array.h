// The exec form test as podman applies it: Go's encoding/json Decoder reads
// ONE value from text that starts with "[", so bytes after the closing
// bracket are ignored; a syntax error anywhere means "not JSON" (the caller
// falls back to shell form), while a valid array holding anything but
// strings is an error. Strings decode like Go's: invalid UTF-8 and lone
// surrogates become U+FFFD.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace safebuild {

enum class JsonArrayKind { kNotJson, kStrings, kNotStrings };

struct JsonStrings {
  std::vector<std::string> values;
  // For each byte of values[k], its offset in the parsed text.
  std::vector<std::vector<size_t>> offsets;
};

/// Parses `text` (leading whitespace allowed) as a JSON array of strings.
JsonArrayKind ParseJsonStringArray(std::string_view text, JsonStrings* out);

}  // namespace safebuild
