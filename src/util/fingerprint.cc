#include "util/fingerprint.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <string>

namespace safebuild {
namespace {

// The default key only makes fingerprints unguessable by tools that do not
// know it; organisations that want them unlinkable set their own key.
constexpr char kDefaultKey[] = "safebuild-fingerprint-v1-default-key";

std::string Key() {
  const char* env = std::getenv("SAFEBUILD_FINGERPRINT_KEY");
  return (env != nullptr && *env != '\0') ? std::string(env) : kDefaultKey;
}

}  // namespace

std::string Fingerprint(std::string_view rule, std::string_view secret) {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
  unsigned char key[crypto_generichash_KEYBYTES];
  std::string k = Key();
  crypto_generichash(key, sizeof key,
                     reinterpret_cast<const unsigned char*>(k.data()), k.size(),
                     nullptr, 0);
  crypto_generichash_state st;
  unsigned char out[16];
  crypto_generichash_init(&st, key, sizeof key, sizeof out);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(rule.data()),
                            rule.size());
  const unsigned char sep = 0;
  crypto_generichash_update(&st, &sep, 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(secret.data()),
                            secret.size());
  crypto_generichash_final(&st, out, sizeof out);
  sodium_memzero(key, sizeof key);
  char hex[sizeof out * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::string Redact(std::string_view secret) {
  if (secret.size() < 12) return "…";
  // A key's raw bytes (Tor's, a DER key's) show nothing a reader can use
  // to tell it apart, and are part of the secret.
  const std::string_view head = secret.substr(0, 4);
  const bool text = std::all_of(head.begin(), head.end(), [](unsigned char c) {
    return c >= 0x20 && c < 0x7f;
  });
  return text ? std::string(head) + "…" : "…";
}

}  // namespace safebuild
