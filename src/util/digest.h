// Content digests, as OCI names blobs by them, and base64.
#pragma once

#include <string>
#include <string_view>

namespace safebuild {

/// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

/// Standard base64 of `bytes`, padded.
std::string Base64(std::string_view bytes);

}  // namespace safebuild
