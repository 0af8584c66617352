// Private keys kept in binary rather than as PEM text: a whole file that is
// one DER structure (PKCS#1, PKCS#8 plain or encrypted, SEC1, PKCS#12), a
// Java keystore holding a private or secret key entry, or an OpenPGP
// secret key packet (`gpg --export-secret-keys` without --armor). Each is
// recognised by its structure from the file's first byte, so a certificate,
// a public key, a truststore of certificates only and random bytes are not.
#pragma once

#include <optional>
#include <string_view>

#include "report/finding.h"

namespace safebuild::detect {

struct BinaryKey {
  std::string_view description;  // e.g. "private key (DER, PKCS#8)"
  size_t length = 0;             // bytes of the key from the file's start
  Severity severity = Severity::kCritical;
};

/// The private key that `data`, a file's content from its first byte, is;
/// nothing when it is no binary key.
std::optional<BinaryKey> FindBinaryKey(std::string_view data);

}  // namespace safebuild::detect
