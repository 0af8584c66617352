// Encodings the detector must undo or recompute to confirm a finding: the
// CRC32/base62 checksum GitHub and npm append to their tokens, and base64
// (docker config "auth", HTTP Basic) that hides "user:password".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace safebuild::detect {

/// CRC-32 (IEEE 802.3, as zlib's crc32).
uint32_t Crc32(std::string_view data);

/// `n` in base62 (0-9A-Za-z), left-padded with '0' to `width` digits.
std::string Base62(uint64_t n, size_t width);

/// True when the last 6 characters of `body_and_checksum` are the base62
/// CRC32 of the characters before them (GitHub classic and npm tokens).
bool Base62ChecksumValid(std::string_view body_and_checksum);

/// Standard or URL-safe base64, padding optional; nullopt when malformed.
std::optional<std::string> Base64Decode(std::string_view in);

}  // namespace safebuild::detect
