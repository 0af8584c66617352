// Fingerprints and redaction: the only two forms in which a secret value may
// leave the detector. A fingerprint is a keyed BLAKE2b hash, stable across
// runs and machines for the same rule and value, and reveals nothing of it.
#pragma once

#include <string>
#include <string_view>

namespace safebuild {

/// Hex keyed-BLAKE2b (128 bit) of `rule` and `secret`. The key is fixed by the
/// project unless SAFEBUILD_FINGERPRINT_KEY is set (an organisation's own).
std::string Fingerprint(std::string_view rule, std::string_view secret);

/// At most the first 4 characters of `secret`, then an ellipsis. Shorter
/// secrets (< 12 characters) show none of their characters.
std::string Redact(std::string_view secret);

}  // namespace safebuild
