#include "containerfile/secret_names.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "util/text.h"

namespace safebuild {
namespace {

// A word of the name that ends in one of these names a secret.
constexpr std::array<std::string_view, 8> kSecretEndings = {
    "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET",
    "TOKEN",    "APIKEY", "CREDENTIAL", "CREDS"};
// Whole words only: "BYPASS", "OAUTH" are not secrets.
constexpr std::array<std::string_view, 4> kSecretWords = {"PASS", "PWD", "AUTH",
                                                          "CRED"};
// "<X>_KEY" or "<X>KEY" names a secret key for these X.
constexpr std::array<std::string_view, 10> kKeyKinds = {
    "API",    "ACCESS",     "SECRET",  "PRIVATE", "AUTH",
    "CLIENT", "ENCRYPTION", "SIGNING", "MASTER",  "SESSION"};
// A last word that says the value is about a secret, not the secret.
constexpr std::array<std::string_view, 22> kAboutWords = {
    "FILE", "PATH",   "DIR",    "URL",     "URI",    "ENDPOINT",
    "HOST", "PORT",   "ID",     "NAME",    "USER",   "USERNAME",
    "TYPE", "LENGTH", "TTL",    "TIMEOUT", "EXPIRY", "ENABLED",
    "MODE", "METHOD", "FORMAT", "LOCATION"};

template <size_t N>
bool In(const std::array<std::string_view, N>& list, std::string_view w) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

// "dbPassword_FILE" → {"DB", "PASSWORD", "FILE"}.
std::vector<std::string> Words(std::string_view name) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(cur);
    cur.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c)) {
      flush();
      continue;
    }
    bool camel = std::isupper(c) && i > 0 &&
                 std::islower(static_cast<unsigned char>(name[i - 1]));
    if (camel) flush();
    cur.push_back(static_cast<char>(std::toupper(c)));
  }
  flush();
  return words;
}

// "SECRETS" is "SECRET".
std::string_view Singular(std::string_view w) {
  return w.size() > 3 && w.back() == 'S' ? w.substr(0, w.size() - 1) : w;
}

bool WordNamesSecret(const std::vector<std::string>& words, size_t i) {
  for (std::string_view w : {std::string_view(words[i]), Singular(words[i])}) {
    for (std::string_view e : kSecretEndings) {
      if (EndsWith(w, e)) return true;
    }
    if (In(kSecretWords, w)) return true;
    if (w == "KEY" && i > 0 && In(kKeyKinds, words[i - 1])) return true;
    for (std::string_view kind : kKeyKinds) {
      if (w.size() == kind.size() + 3 && StartsWith(w, kind) &&
          EndsWith(w, "KEY")) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

bool NameSuggestsSecret(std::string_view name) {
  std::string upper = ToUpper(name);
  if (upper == "PWD" || upper == "OLDPWD") {
    return false;  // the shell's directories
  }
  if (upper.find("PUBLIC") != std::string::npos ||
      upper.find("VERSION") != std::string::npos ||
      upper.find("PUBKEY") != std::string::npos) {
    return false;
  }
  std::vector<std::string> words = Words(name);
  if (words.empty() || In(kAboutWords, words.back()) ||
      In(kAboutWords, Singular(words.back()))) {
    return false;
  }
  for (size_t i = 0; i < words.size(); ++i) {
    if (WordNamesSecret(words, i)) return true;
  }
  return false;
}

bool IsVariableReference(std::string_view value) {
  return value.find('$') != std::string_view::npos ||
         value.find('`') != std::string_view::npos;
}

}  // namespace safebuild
