// Fresh, random, format-valid fake secrets for tests. Every call draws new
// characters from std::random_device, so no test depends on one literal
// value and no committed file holds anything secret-shaped. GitHub classic
// and npm tokens carry the CRC32/base62 checksum of their random part, so a
// checksum-validating detector accepts them as it would a real token.
// Header-only: the unit tests and the fake-secret CLI both include it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace safebuild::fake {

enum class Kind {
  kGithubToken,
  kGithubFineGrainedPat,
  kNpmToken,
  kAwsAccessKeyId,
  kAwsSecretAccessKey,
  kGitlabToken,
  kSlackBotToken,
  kStripeSecretKey,
  kSendgridApiKey,
  kGoogleApiKey,
  kPypiToken,
  kDockerhubPat,
  kPassword,
};

struct KindName {
  Kind kind;
  std::string_view name;
};

/// Every kind, by the name the CLI and the case files use.
inline constexpr std::array<KindName, 13> kKinds = {{
    {Kind::kGithubToken, "GITHUB_TOKEN"},
    {Kind::kGithubFineGrainedPat, "GITHUB_FINE_GRAINED_PAT"},
    {Kind::kNpmToken, "NPM_TOKEN"},
    {Kind::kAwsAccessKeyId, "AWS_ACCESS_KEY_ID"},
    {Kind::kAwsSecretAccessKey, "AWS_SECRET_ACCESS_KEY"},
    {Kind::kGitlabToken, "GITLAB_TOKEN"},
    {Kind::kSlackBotToken, "SLACK_BOT_TOKEN"},
    {Kind::kStripeSecretKey, "STRIPE_SECRET_KEY"},
    {Kind::kSendgridApiKey, "SENDGRID_API_KEY"},
    {Kind::kGoogleApiKey, "GOOGLE_API_KEY"},
    {Kind::kPypiToken, "PYPI_TOKEN"},
    {Kind::kDockerhubPat, "DOCKERHUB_PAT"},
    {Kind::kPassword, "PASSWORD"},
}};

inline constexpr std::string_view kDigits = "0123456789";
inline constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
inline constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
inline constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr std::string_view kUrlSafe =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
inline constexpr std::string_view kPasswordChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    "!#%+-.:=@^_~";

/// `n` characters drawn uniformly from `alphabet`.
inline std::string Random(std::string_view alphabet, size_t n) {
  thread_local std::random_device device;
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out(n, '\0');
  for (char& c : out) c = alphabet[pick(device)];
  return out;
}

/// CRC-32 (IEEE, as zlib's crc32), bit by bit: tests need no speed.
inline uint32_t Crc32(std::string_view data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
  }
  return ~crc;
}

/// `n` in base62 (0-9A-Za-z), zero-padded to `width` digits.
inline std::string Base62(uint32_t n, size_t width) {
  std::string out;
  for (; n != 0; n /= 62) out.insert(out.begin(), kBase62[n % 62]);
  if (out.size() < width) out.insert(0, width - out.size(), '0');
  return out;
}

/// `prefix`, 30 random base62 characters and their 6-digit checksum.
inline std::string Checksummed(std::string_view prefix) {
  std::string body = Random(kBase62, 30);
  return std::string(prefix) + body + Base62(Crc32(body), 6);
}

inline std::string Make(Kind kind) {
  switch (kind) {
    case Kind::kGithubToken:
      return Checksummed("ghp_");
    case Kind::kGithubFineGrainedPat:
      return "github_pat_" + Random(kBase62, 22) + "_" + Random(kBase62, 59);
    case Kind::kNpmToken:
      return Checksummed("npm_");
    case Kind::kAwsAccessKeyId:
      return "AKIA" + Random(kBase32, 16);
    case Kind::kAwsSecretAccessKey:
      return Random(kBase64, 40);
    case Kind::kGitlabToken:
      return "glpat-" + Random(kUrlSafe, 20);
    case Kind::kSlackBotToken:
      return "xoxb-" + Random(kDigits, 12) + "-" + Random(kDigits, 13) + "-" +
             Random(kBase62, 24);
    case Kind::kStripeSecretKey:
      return "sk_live_" + Random(kBase62, 99);
    case Kind::kSendgridApiKey:
      return "SG." + Random(kUrlSafe, 22) + "." + Random(kUrlSafe, 43);
    case Kind::kGoogleApiKey:
      return "AIza" + Random(kUrlSafe, 35);
    case Kind::kPypiToken:
      return "pypi-AgEIcHlwaS5vcmc" + Random(kUrlSafe, 120);
    case Kind::kDockerhubPat:
      return "dckr_pat_" + Random(kUrlSafe, 27);
    case Kind::kPassword:
      return Random(kPasswordChars, 22);
  }
  return {};
}

inline std::optional<Kind> ParseKind(std::string_view name) {
  for (const KindName& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

}  // namespace safebuild::fake
