// Provider token formats: one pattern per published format, each starting
// with the provider's own prefix so that RE2 finds it by its literal. Where a
// format's distinctive part sits in the middle ("…-us12" of Mailchimp,
// ":AA…" of Telegram), the regex starts there and the validator extends the
// value to the left: a leading character class would keep every one of
// these patterns alive at every byte of the set's DFA. Formats without a
// prefix of their own (Twilio auth tokens, Cloudflare API tokens, Datadog
// keys) are left to the generic key=value rule and its entropy gate.
//
// Checksums are verified where a format has one: GitHub and npm (CRC32 in
// base62), age (Bech32); where a part decodes to something known (Azure
// SAS signatures and shared keys to 32 bytes, Grafana and Mapbox keys to
// JSON), the decoded part is checked instead.
//
// A token must not follow a word character, except where it proves itself:
// a checksum that verifies, or a long prefix no word ends in ("glpat-",
// "sk_live_") with a random body (Glued). Databases such as SQLite store a
// row's columns back to back, so "registry_token" runs into "npm_…".
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include "detect/codec.h"
#include "detect/detector.h"
#include "detect/filters.h"
#include "detect/rules.h"
#include "util/text.h"

namespace safebuild::detect {
namespace {

bool IsAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9');
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLowerHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }
bool IsUrlSafe(char c) { return IsAlnum(c) || c == '_' || c == '-'; }

// The random part of a token: what follows the last separator of its
// prefix ("dop_v1_", "sk-ant-api03-"). Separators further in belong to the
// random alphabet.
std::string_view TokenBody(std::string_view v) {
  constexpr size_t kPrefixReach = 16;
  size_t sep = v.substr(0, kPrefixReach).find_last_of("_-.$:~");
  std::string_view body = sep == std::string_view::npos ? v : v.substr(sep + 1);
  constexpr size_t kMinBody = 16;
  return body.size() >= kMinBody ? body : v;
}

// A random body as token generators make it. Unlike LooksRandom, one
// character class is enough: the prefix already says what the value is, and
// a key ID of capitals alone or a lower-case hex body is as real as any.
// Sixteen symbols hold at most 4 bits each, and about one random 32-digit
// hex body in 10^3 stays under 3 bits: hex gets a lower bar.
bool BodyLooksRandom(std::string_view body) {
  bool hex = std::all_of(body.begin(), body.end(), [](char c) {
    return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
  return !LooksLikeWords(body) && Entropy(body) >= (hex ? 2.5 : 3.0);
}

// A token made of a fixed prefix and a random body. Chance puts many a
// prefix ("EAAB", "dapi", "AKCp") inside long base64 runs (certificates,
// data URIs, integrity hashes): a token must stand apart from one.
// Glued to a word, the prefix may be a word's tail ("task_live_…"): then
// a body that reads as an identifier is taken for the rest of the name.
bool ValidateToken(Candidate& c) {
  std::string_view v = c.value();
  std::string_view body = TokenBody(v);
  return !IsPlaceholder(v) && BodyLooksRandom(body) &&
         !(c.joined && LooksLikeIdentifier(body)) &&
         !InsideBase64Blob(c.text, c.begin, c.end);
}

// Base32 capitals: a key ID may hold no digit at all, so it is judged by
// the placeholder filter ("AKIAIOSFODNN7EXAMPLE") and its surroundings only.
bool ValidateAwsKeyId(Candidate& c) {
  if (IsPlaceholder(c.value()) || InsideBase64Blob(c.text, c.begin, c.end)) return false;
  // Every signed request (an Authorization header, a presigned URL) names
  // its key ID in the clear; the secret key never leaves its owner.
  if (BeginsCredentialScope(c.text.substr(c.end))) {
    c.severity = std::min(c.severity, Severity::kLow);
    c.description = "AWS access key ID in a signed request's credential scope (sent in the "
                    "clear with every request; no secret: low)";
  }
  return true;
}

// Moves the value's start `n` characters to the left when they are all in
// `alphabet` and no such character precedes them.
bool ExtendLeft(Candidate& c, size_t n, bool (*alphabet)(char)) {
  if (c.begin < n) return false;
  for (size_t i = c.begin - n; i < c.begin; ++i) {
    if (!alphabet(c.text[i])) return false;
  }
  size_t start = c.begin - n;
  if (start > 0 && (alphabet(c.text[start - 1]) || IsUrlSafe(c.text[start - 1]))) {
    return false;
  }
  c.begin = start;
  return true;
}

// Like ExtendLeft, over the longest run of `min`..`max` characters.
bool ExtendLeftRun(Candidate& c, size_t min, size_t max, bool (*alphabet)(char)) {
  size_t n = 0;
  while (n < c.begin && alphabet(c.text[c.begin - n - 1])) ++n;
  if (n < min || n > max) return false;
  return ExtendLeft(c, n, alphabet);
}

// GitHub's and npm's tokens end in a CRC32 of their body. A token whose
// checksum fails is none that works (a sample, a typo in a copy): it is
// reported low, seen but not blocking, if it looks random.
// A run of one character as fillers write it: "…900000000".
bool HasLongRun(std::string_view v) {
  constexpr size_t kRun = 6;
  size_t run = 1;
  for (size_t i = 1; i < v.size(); ++i) {
    run = v[i] == v[i - 1] ? run + 1 : 1;
    if (run >= kRun) return true;
  }
  return false;
}

// A token whose checksum fails, where one could be confirmed: low when it
// looks random, stands apart from the text before it and is not in a
// package's docs or tests, whose samples are made by hand
// ("ghp_PersonalAccessToken01245678900000000").
bool ReportUnverified(Candidate& c, std::string_view body, std::string_view unverified) {
  if (c.joined || c.in_package_doc || c.in_package_tests || HasLongRun(body)) return false;
  c.severity = Severity::kLow;
  c.description = unverified;
  return true;
}

// The pattern has no end: the checksum tells where the token ends. Glued to
// the bytes after it (a PNG chunk's CRC, a Go binary's next string), it is
// reported only when the checksum verifies.
bool ValidateChecksummed(Candidate& c, std::string_view unverified) {
  std::string_view v = c.value();
  if (IsPlaceholder(v)) return false;
  std::string_view body = v.substr(4);  // "ghp_", "npm_"
  if (Base62ChecksumValid(body)) return true;
  const bool glued_after = c.end < c.text.size() && IsAlnum(c.text[c.end]);
  if (glued_after) return false;
  // Glued to a word ("cighp_…"), only the checksum tells a token from
  // chance.
  return LooksRandom(body) && ReportUnverified(c, body, unverified);
}

bool ValidateGithub(Candidate& c) {
  return ValidateChecksummed(
      c, "GitHub-shaped token (checksum does not verify: no working token, low)");
}

bool ValidateNpm(Candidate& c) {
  return ValidateChecksummed(c,
                             "npm-shaped token (checksum does not verify: no working token, low)");
}

bool ValidateAge(Candidate& c) {
  if (Bech32Valid(c.value())) return true;
  constexpr size_t kPrefix = 16;  // "AGE-SECRET-KEY-1"
  std::string_view body = c.value().substr(kPrefix);
  return !IsPlaceholder(c.value()) && BodyLooksRandom(body) &&
         ReportUnverified(c, body,
                          "age-shaped secret key (checksum does not verify: no working key, low)");
}

bool DecodesToBytes(std::string_view base64, size_t bytes) {
  std::optional<std::string> raw = Base64Decode(base64);
  return raw && raw->size() == bytes;
}

// An Azure SAS "sig=" is the percent-encoded base64 of an HMAC-SHA256.
bool ValidateAzureSas(Candidate& c) {
  std::optional<std::string> sig = PercentDecode(c.value());
  return sig && DecodesToBytes(*sig, 32) && BodyLooksRandom(*sig);
}

// Service Bus, Event Hubs and IoT Hub keys: base64 of 32 random bytes.
bool ValidateAzureSharedKey(Candidate& c) {
  return !IsPlaceholder(c.value()) && DecodesToBytes(c.value(), 32) && BodyLooksRandom(c.value());
}

// The storage emulator's (Azurite's) account, devstoreaccount1, has one
// fixed, published key; a connection string naming that account is the
// emulator's whatever key it quotes.
bool ValidateAzureStorageKey(Candidate& c) {
  if (LineAt(c.text, c.begin).find("devstoreaccount1") != std::string_view::npos) return false;
  return !IsPlaceholder(c.value()) && DecodesToBytes(c.value(), 64) && BodyLooksRandom(c.value());
}

// "8Q~" + 31..34: the three characters and the digit before "Q~" belong to
// the secret.
bool ValidateAzureClientSecret(Candidate& c) {
  if (c.begin < 4 || !IsDigit(c.text[c.begin - 1])) return false;
  auto alphabet = [](char ch) {
    return IsAlnum(ch) || ch == '_' || ch == '~' || ch == '.' || ch == '-';
  };
  return ExtendLeft(c, 4, alphabet) && ValidateToken(c);
}

bool ValidateMailchimp(Candidate& c) {
  return ExtendLeft(c, 32, IsLowerHex) &&
         BodyLooksRandom(c.value().substr(0, 32));
}

// A bot token stands alone, or right after "bot" in the Bot API's URLs
// (https://api.telegram.org/bot<TOKEN>/getMe), its most common written form.
// Its ':' cannot be part of base64, so a URL path around it is no blob.
bool ValidateTelegram(Candidate& c) {
  size_t n = 0;
  while (n < c.begin && IsDigit(c.text[c.begin - n - 1])) ++n;
  if (n < 8 || n > 10) return false;
  size_t start = c.begin - n;
  if (start >= 3 && c.text.substr(start - 3, 3) == "bot") {
    c.begin = start;
  } else if (!ExtendLeftRun(c, 8, 10, IsDigit)) {
    return false;
  }
  std::string_view v = c.value();
  return !IsPlaceholder(v) && BodyLooksRandom(TokenBody(v));
}

bool ValidateTerraformCloud(Candidate& c) {
  return ExtendLeft(c, 14, IsAlnum) && ValidateToken(c);
}

bool ValidateNewRelicLicense(Candidate& c) {
  return ExtendLeft(c, 36, IsLowerHex) &&
         BodyLooksRandom(c.value().substr(0, 36));
}

// "AAAA" and seven more characters precede ":APA91b".
bool ValidateFirebase(Candidate& c) {
  return ExtendLeft(c, 11, IsUrlSafe) && StartsWith(c.value(), "AAAA") &&
         ValidateToken(c);
}

// The key is base64 of JSON: {"k":"…","n":"…","id":…}.
bool ValidateGrafanaKey(Candidate& c) {
  std::optional<std::string> json = Base64Decode(c.value());
  return json && StartsWith(*json, "{\"k\":\"") &&
         json->find("\"id\":") != std::string::npos;
}

// sk.<base64url JSON {"u":"user","a":"…"}>.<signature>
bool ValidateMapbox(Candidate& c) {
  std::string_view v = c.value();
  size_t dot = v.find('.', 3);
  if (dot == std::string_view::npos) return false;
  std::optional<std::string> json = Base64Decode(v.substr(3, dot - 3));
  return json && StartsWith(*json, "{\"u\":\"") && ValidateToken(c);
}

// The number after "name": in a JSON object; -1 when there is none.
int64_t JsonNumber(std::string_view json, std::string_view name) {
  size_t at = json.find("\"" + std::string(name) + "\"");
  if (at == std::string_view::npos) return -1;
  at = json.find_first_not_of(" \t\r\n:", at + name.size() + 2);
  int64_t n = -1;
  while (at < json.size() && IsDigit(json[at]) && n < INT64_MAX / 10) {
    n = (n < 0 ? 0 : n * 10) + (json[at++] - '0');
  }
  return n;
}

// A signed JSON Web Token: header.payload.signature, each base64url; the
// header's JSON names its algorithm. "alg":"none" signs nothing. A token
// whose "exp" has passed opens nothing any more, and Supabase's "anon" key
// is public by design (shipped to every browser): both are reported low, as
// is one in the image's own examples and tests; in a package's docs and
// tests it is a sample.
bool ValidateJwt(Candidate& c) {
  std::string_view v = c.value();
  const size_t dot1 = v.find('.');
  const size_t dot2 = v.find('.', dot1 + 1);
  std::optional<std::string> header = Base64Decode(v.substr(0, dot1));
  std::optional<std::string> payload = Base64Decode(v.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!header || !payload || header->find("\"alg\"") == std::string::npos ||
      !StartsWith(*payload, "{")) {
    return false;
  }
  std::string alg = ToLower(*header);
  alg.erase(std::remove_if(alg.begin(), alg.end(), [](char ch) { return ch == ' '; }),
            alg.end());
  std::string_view signature = v.substr(dot2 + 1);
  if (alg.find("\"alg\":\"none\"") != std::string::npos || IsPlaceholder(v) ||
      !BodyLooksRandom(signature.substr(0, 64))) {
    return false;
  }
  // The samples of a package's docs and tests (aws-sdk's *.examples.json,
  // jsonwebtoken's README): a JWT's shape proves no more than that.
  if (c.in_package_doc || c.in_package_tests) return false;
  const int64_t exp = JsonNumber(*payload, "exp");
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  if (exp >= 0 && exp < now) {
    c.severity = Severity::kLow;
    c.description = "JSON Web Token, expired (low)";
  } else if (payload->find("\"role\":\"anon\"") != std::string::npos) {
    c.severity = Severity::kLow;
    c.description = "JSON Web Token of Supabase's public anon role (low)";
  } else if (c.in_example_file) {
    c.severity = Severity::kLow;
    c.description = "JSON Web Token in example or test data (low)";
  }
  return true;
}

// Twitter app-only bearer tokens start with a run of 'A's; the rest is
// percent-encoded base64, which a zero-filled base64 blob never is.
bool ValidateTwitterBearer(Candidate& c) {
  size_t first = c.value().find_first_not_of('A');
  if (first == std::string_view::npos) return false;  // only 'A's: zero bytes
  std::string_view tail = c.value().substr(first);
  return tail.find('%') != std::string_view::npos && BodyLooksRandom(tail);
}

// access_token$production$<merchant>$<secret>: the '$' would read as a
// shell variable to the placeholder filter, so each part is judged alone.
bool ValidateBraintree(Candidate& c) {
  std::string_view v = c.value();
  std::string_view merchant = v.substr(v.size() - 49, 16);
  std::string_view secret = v.substr(v.size() - 32);
  return !IsPlaceholder(merchant) && !IsPlaceholder(secret) &&
         BodyLooksRandom(secret);
}

constexpr Pattern Token(std::string_view rule, std::string_view description,
                        std::string_view keywords, std::string_view regex,
                        Validator validate = ValidateToken,
                        Severity severity = Severity::kCritical) {
  return {rule,  severity,        description, keywords, regex,
          Before::kNonWord, 0,    validate,    false};
}

// A token that may follow a word character directly: its checksum, or a
// prefix of five or more characters no word ends in and a random body,
// still tell it from chance (see Before::kNonWordOrVerified).
constexpr Pattern Glued(std::string_view rule, std::string_view description,
                        std::string_view keywords, std::string_view regex,
                        Validator validate = ValidateToken,
                        Severity severity = Severity::kCritical) {
  Pattern p = Token(rule, description, keywords, regex, validate, severity);
  p.before = Before::kNonWordOrVerified;
  return p;
}

// A pattern whose value follows a literal key ("AccountKey=", "sig=").
constexpr Pattern Keyed(std::string_view rule, std::string_view description,
                        std::string_view keywords, std::string_view regex,
                        Validator validate,
                        Severity severity = Severity::kCritical) {
  return {rule,  severity,         description, keywords, regex,
          Before::kAnything, 0,    validate,    false};
}

// What may follow a token: a character outside its alphabet.
#define SB_END R"((?:[^A-Za-z0-9]|$))"
#define SB_END_URL R"((?:[^A-Za-z0-9_-]|$))"
#define SB_END_B64 R"((?:[^A-Za-z0-9+/=_-]|$))"
#define SB_UUID R"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"

constexpr Severity kHigh = Severity::kHigh;

constexpr Pattern kTokens[] = {
    // GitHub: every prefix of the 2021 format, checksummed.
    Glued("github-classic-token", "GitHub personal access token (classic)",
          "ghp_", R"((ghp_[A-Za-z0-9]{36}))", ValidateGithub),
    Glued("github-oauth-token", "GitHub OAuth access token", "gho_",
          R"((gho_[A-Za-z0-9]{36}))", ValidateGithub),
    Glued("github-user-token", "GitHub user-to-server token", "ghu_",
          R"((ghu_[A-Za-z0-9]{36}))", ValidateGithub),
    Glued("github-app-token", "GitHub App installation token", "ghs_",
          R"((ghs_[A-Za-z0-9]{36}))", ValidateGithub),
    Glued("github-refresh-token", "GitHub refresh token", "ghr_",
          R"((ghr_[A-Za-z0-9]{36}))", ValidateGithub),
    Glued("github-fine-grained-token",
          "GitHub fine-grained personal access token", "github_pat_",
          R"((github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}))" SB_END),
    // GitLab: one prefix per token type.
    Glued("gitlab-token", "GitLab personal access token", "glpat-",
          R"((glpat-[A-Za-z0-9_-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?))"),
    Glued("gitlab-oauth-secret", "GitLab OAuth application secret", "gloas-",
          R"((gloas-[A-Za-z0-9_-]{40,}))"),
    Glued("gitlab-deploy-token", "GitLab deploy token", "gldt-",
          R"((gldt-[A-Za-z0-9_-]{20,}))"),
    Glued("gitlab-runner-token", "GitLab runner authentication token", "glrt",
          R"((glrtr?-[A-Za-z0-9_-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?))"),
    Glued("gitlab-runner-registration-token",
          "GitLab runner registration token", "GR1348941",
          R"((GR1348941[A-Za-z0-9_-]{20}))" SB_END_URL),
    Glued("gitlab-ci-job-token", "GitLab CI/CD job token", "glcbt-",
          R"((glcbt-[A-Za-z0-9_-]{20,}))"),
    Glued("gitlab-trigger-token", "GitLab pipeline trigger token", "glptt-",
          R"((glptt-[A-Za-z0-9_-]{20,}))"),
    Glued("gitlab-feed-token", "GitLab feed token", "glft-",
          R"((glft-[A-Za-z0-9_-]{20,}))"),
    Glued("gitlab-incoming-mail-token", "GitLab incoming mail token", "glimt-",
          R"((glimt-[A-Za-z0-9_-]{25,}))"),
    Glued("gitlab-agent-token", "GitLab agent for Kubernetes token",
          "glagent-", R"((glagent-[A-Za-z0-9_-]{50,}))"),
    Glued("gitlab-scim-token", "GitLab SCIM token", "glsoat-",
          R"((glsoat-[A-Za-z0-9_-]{20,}))"),
    Glued("gitlab-feature-flag-token", "GitLab feature flags client token",
          "glffct-", R"((glffct-[A-Za-z0-9_-]{20,}))"),
    // Package registries.
    Glued("npm-token", "npm access token", "npm_",
          R"((npm_[A-Za-z0-9]{36}))", ValidateNpm),
    Glued("pypi-token", "PyPI API token", "pypi-AgEIcHlwaS5vcmc",
          R"((pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}))"),
    Glued("pypi-test-token", "TestPyPI API token", "pypi-AgENdGVzdC5weXBpLm9yZw",
          R"((pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_-]{50,}))", ValidateToken,
          kHigh),
    Glued("rubygems-api-key", "RubyGems API key", "rubygems_",
          R"((rubygems_[a-f0-9]{48}))" SB_END),
    Token("nuget-api-key", "NuGet API key", "oy2",
          R"((oy2[a-z0-9]{43}))" SB_END, ValidateToken),
    Glued("clojars-token", "Clojars deploy token", "CLOJARS_",
          R"((CLOJARS_[a-z0-9]{60}))" SB_END),
    Glued("packagist-token", "Private Packagist token", "packagist_",
          R"((packagist_[ou][ru]t_[a-f0-9]{68}))" SB_END),
    Glued("dockerhub-pat", "Docker Hub personal access token", "dckr_pat_",
          R"((dckr_pat_[A-Za-z0-9_-]{27}))" SB_END_URL),
    Glued("dockerhub-oat", "Docker Hub organization access token",
          "dckr_oat_", R"((dckr_oat_[A-Za-z0-9_-]{32}))" SB_END_URL),
    Token("jfrog-api-key", "JFrog Artifactory API key", "AKCp",
          R"((AKCp[A-Za-z0-9]{69}))" SB_END),
    Token("jfrog-reference-token", "JFrog reference token", "cmVmdGtuOjAxOj",
          R"((cmVmdGtuOjAxOj[A-Za-z0-9]{50,}))" SB_END),
    Token("sonarqube-token", "SonarQube token", "sqp_|squ_|sqa_",
          R"((sq[pua]_[a-f0-9]{40}))" SB_END),
    // Cloud providers.
    Token("aws-access-key-id", "AWS access key ID", "AKIA|ASIA|ABIA|ACCA",
          R"(((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}))" SB_END, ValidateAwsKeyId),
    Token("aws-mws-key", "Amazon MWS auth token", "amzn.mws.",
          R"((amzn\.mws\.)" SB_UUID ")" SB_END_URL),
    Token("google-api-key", "Google API key", "AIza",
          R"((AIza[0-9A-Za-z_-]{35}))" SB_END_URL, ValidateToken, kHigh),
    Glued("google-oauth-client-secret", "Google OAuth client secret",
          "GOCSPX-", R"((GOCSPX-[A-Za-z0-9_-]{28}))" SB_END_URL),
    Token("google-oauth-access-token", "Google OAuth access token", "ya29.",
          R"((ya29\.[A-Za-z0-9_-]{30,}))", ValidateToken, kHigh),
    Keyed("azure-storage-account-key", "Azure storage account key",
          "(?i:accountkey)",  // in a connection string, or a key in JSON or YAML
          R"((?i:accountkey)\\?["']?[ \t]*[=:][ \t]*\\?["']?([A-Za-z0-9+/]{86}==))",
          ValidateAzureStorageKey),
    Keyed("azure-shared-access-key",
          "Azure Service Bus, Event Hubs or IoT Hub shared access key",
          "SharedAccessKey=", R"(SharedAccessKey=([A-Za-z0-9+/]{43}=))",
          ValidateAzureSharedKey),
    Keyed("azure-sas-token", "Azure shared access signature", "sig=",
          R"([?&]sig=([A-Za-z0-9%+/]{43,90}))" R"((?:[^A-Za-z0-9%+/=]|$))",
          ValidateAzureSas, kHigh),
    Keyed("azure-ad-client-secret", "Microsoft Entra ID client secret", "Q~",
          R"((Q~[A-Za-z0-9_~.-]{31,34}))" R"((?:[^A-Za-z0-9_~.-]|$))",
          ValidateAzureClientSecret),
    Token("alibaba-access-key-id", "Alibaba Cloud access key ID", "LTAI",
          R"((LTAI[A-Za-z0-9]{12,20}))" SB_END, ValidateToken, kHigh),
    Token("digitalocean-pat", "DigitalOcean personal access token", "dop_v1_",
          R"((dop_v1_[a-f0-9]{64}))" SB_END),
    Token("digitalocean-oauth-token", "DigitalOcean OAuth token", "doo_v1_",
          R"((doo_v1_[a-f0-9]{64}))" SB_END),
    Token("digitalocean-refresh-token", "DigitalOcean refresh token",
          "dor_v1_", R"((dor_v1_[a-f0-9]{64}))" SB_END),
    Glued("heroku-api-key", "Heroku API key", "HRKU-",
          R"((HRKU-[A-Za-z0-9_-]{58,62}))" SB_END_URL),
    Token("cloudflare-origin-ca-key", "Cloudflare Origin CA key", "v1.0-",
          R"((v1\.0-[a-f0-9]{24}-[a-f0-9]{146}))" SB_END),
    Token("yandex-api-key", "Yandex Cloud API key", "AQVN",
          R"((AQVN[A-Za-z0-9_-]{35,38}))" SB_END_URL),
    Token("openshift-token", "OpenShift user token", "sha256~",
          R"((sha256~[A-Za-z0-9_-]{43}))" SB_END_URL),
    Token("flyio-token", "Fly.io access token", "FlyV1 ",
          R"(FlyV1 (f[mo][12]_[A-Za-z0-9+/=_-]{100,}))"),
    Token("scalingo-api-token", "Scalingo API token", "tk-us-",
          R"((tk-us-[A-Za-z0-9_-]{48}))" SB_END_URL),
    // Infrastructure and secrets management.
    Token("vault-service-token", "HashiCorp Vault service token", "hvs.",
          R"((hvs\.[A-Za-z0-9_-]{24,}))"),
    Token("vault-batch-token", "HashiCorp Vault batch token", "hvb.",
          R"((hvb\.[A-Za-z0-9_-]{24,}))"),
    Token("vault-recovery-token", "HashiCorp Vault recovery token", "hvr.",
          R"((hvr\.[A-Za-z0-9_-]{24,}))"),
    Keyed("terraform-cloud-token", "Terraform Cloud API token", ".atlasv1.",
          R"((\.atlasv1\.[A-Za-z0-9_=-]{60,70}))" SB_END_URL,
          ValidateTerraformCloud),
    Token("doppler-personal-token", "Doppler personal token", "dp.pt.",
          R"((dp\.pt\.[A-Za-z0-9]{40,44}))" SB_END),
    Token("doppler-service-token", "Doppler service token", "dp.st.",
          R"((dp\.st\.(?:[a-z0-9_-]{2,35}\.)?[A-Za-z0-9]{40,44}))" SB_END),
    Token("doppler-service-account-token", "Doppler service account token",
          "dp.sa.", R"((dp\.sa\.[A-Za-z0-9]{40,44}))" SB_END),
    Token("doppler-cli-token", "Doppler CLI token", "dp.ct.",
          R"((dp\.ct\.[A-Za-z0-9]{40,44}))" SB_END),
    Token("pulumi-access-token", "Pulumi access token", "pul-",
          R"((pul-[a-f0-9]{40}))" SB_END),
    Token("tailscale-key", "Tailscale API or auth key", "tskey-",
          R"((tskey-(?:api|auth|client|scim|webhook)-[A-Za-z0-9]{8,}-)"
          R"([A-Za-z0-9]{20,}))" SB_END),
    Token("onepassword-service-account-token",
          "1Password service account token", "ops_eyJ",
          R"((ops_eyJ[A-Za-z0-9+/=_-]{250,}))"),
    Token("onepassword-secret-key", "1Password account secret key", "A3-",
          R"((A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-)"
          R"([A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}))" SB_END),
    Glued("age-secret-key", "age secret key", "AGE-SECRET-KEY-1",
          R"((AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}))" SB_END,
          ValidateAge),
    Token("infracost-api-token", "Infracost API token", "ico-",
          R"((ico-[A-Za-z0-9]{32}))" SB_END),
    Token("harness-pat", "Harness personal access token", "pat.",
          R"((pat\.[A-Za-z0-9_-]{22}\.[a-f0-9]{24}\.[A-Za-z0-9]{20}))" SB_END),
    // CI, code hosting and developer tools.
    Token("bitbucket-app-password", "Bitbucket app password", "ATBB",
          R"((ATBB[A-Za-z0-9_=.-]{32,}))"),
    Token("atlassian-api-token", "Atlassian API token", "ATATT",
          R"((ATATT[A-Za-z0-9_=-]{150,250}))"),
    Token("buildkite-token", "Buildkite API token", "bkua_",
          R"((bkua_[a-f0-9]{40}))" SB_END),
    Glued("circleci-pat", "CircleCI personal API token", "CCIPAT_",
          R"((CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}))" SB_END),
    Token("sourcegraph-token", "Sourcegraph access token", "sgp_",
          R"((sgp_(?:[a-f0-9]{16}_)?[a-f0-9]{40}))" SB_END),
    Token("databricks-token", "Databricks access token", "dapi",
          R"((dapi[a-f0-9]{32}(?:-[0-9])?))" SB_END),
    Token("dynatrace-token", "Dynatrace API token", "dt0c01.",
          R"((dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}))" SB_END),
    Glued("linear-api-key", "Linear API key", "lin_api_",
          R"((lin_api_[A-Za-z0-9]{40}))" SB_END),
    Glued("linear-oauth-token", "Linear OAuth token", "lin_oauth_",
          R"((lin_oauth_[a-f0-9]{64}))" SB_END),
    Token("postman-api-key", "Postman API key", "PMAK-",
          R"((PMAK-[a-f0-9]{24}-[a-f0-9]{34}))" SB_END),
    Token("grafana-cloud-token", "Grafana Cloud access policy token", "glc_",
          R"((glc_[A-Za-z0-9+/]{32,}={0,2}))" SB_END_B64),
    Token("grafana-service-account-token", "Grafana service account token",
          "glsa_", R"((glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}))" SB_END),
    Token("grafana-api-key", "Grafana API key", "eyJrIjoi",
          R"((eyJrIjoi[A-Za-z0-9+/]{60,}={0,2}))" SB_END_B64,
          ValidateGrafanaKey),
    Token("newrelic-user-api-key", "New Relic user API key", "NRAK-",
          R"((NRAK-[A-Z0-9]{27}))" SB_END),
    Token("newrelic-admin-key", "New Relic admin API key", "NRAA-",
          R"((NRAA-[a-f0-9]{27}))" SB_END),
    Token("newrelic-insights-key", "New Relic Insights key", "NRII-|NRIQ-",
          R"((NRI[IQ]-[A-Za-z0-9_-]{32}))" SB_END_URL),
    Token("newrelic-rest-api-key", "New Relic REST API key", "NRRA-",
          R"((NRRA-[a-f0-9]{42}))" SB_END),
    Keyed("newrelic-license-key", "New Relic license key", "NRAL",
          R"((NRAL))" SB_END, ValidateNewRelicLicense),
    Glued("sentry-org-token", "Sentry organization auth token", "sntrys_",
          R"((sntrys_eyJ[A-Za-z0-9+/=_]{60,}))"),
    Glued("sentry-user-token", "Sentry user auth token", "sntryu_",
          R"((sntryu_[a-f0-9]{64}))" SB_END),
    Token("figma-pat", "Figma personal access token", "figd_",
          R"((figd_[A-Za-z0-9_-]{40}))" SB_END_URL),
    Token("netlify-pat", "Netlify personal access token", "nfp_",
          R"((nfp_[A-Za-z0-9]{36}))" SB_END),
    Token("render-api-key", "Render API key", "rnd_",
          R"((rnd_[A-Za-z0-9]{32}))" SB_END),
    Token("deno-deploy-token", "Deno Deploy access token", "ddp_",
          R"((ddp_[A-Za-z0-9]{36}))" SB_END),
    Token("contentful-pat", "Contentful personal access token", "CFPAT-",
          R"((CFPAT-[A-Za-z0-9_-]{43}))" SB_END_URL),
    Token("readme-api-key", "ReadMe API key", "rdme_",
          R"((rdme_[a-z0-9]{70}))" SB_END),
    Token("typeform-token", "Typeform personal access token", "tfp_",
          R"((tfp_[A-Za-z0-9_.=-]{40,64}))" R"((?:[^A-Za-z0-9_.=-]|$))"),
    Token("frameio-api-token", "Frame.io API token", "fio-u-",
          R"((fio-u-[A-Za-z0-9_=-]{64}))" SB_END_URL),
    Token("adobe-client-secret", "Adobe client secret", "p8e-",
          R"((p8e-[A-Za-z0-9_-]{32}))" SB_END_URL),
    Token("airtable-pat", "Airtable personal access token", "pat",
          R"((pat[A-Za-z0-9]{14}\.[a-f0-9]{64}))" SB_END),
    Token("notion-token", "Notion integration token", "ntn_",
          R"((ntn_[0-9]{11}[A-Za-z0-9]{35}))" SB_END),
    Token("notion-token", "Notion integration token", "secret_",
          R"((secret_[A-Za-z0-9]{43}))" SB_END),
    Token("hubspot-pat", "HubSpot private app token", "pat-na|pat-eu",
          R"((pat-(?:na|eu)[0-9]-)" SB_UUID ")" SB_END),
    Token("neon-api-key", "Neon API key", "napi_",
          R"((napi_[a-z0-9]{64}))" SB_END),
    Glued("planetscale-token", "PlanetScale service token", "pscale_tkn_",
          R"((pscale_tkn_[A-Za-z0-9_.-]{32,64}))"),
    Glued("planetscale-password", "PlanetScale database password",
          "pscale_pw_", R"((pscale_pw_[A-Za-z0-9_.-]{32,64}))"),
    Glued("planetscale-oauth-token", "PlanetScale OAuth token",
          "pscale_oauth_", R"((pscale_oauth_[A-Za-z0-9_.-]{32,64}))"),
    Token("supabase-access-token", "Supabase access token", "sbp_",
          R"((sbp_[a-f0-9]{40}))" SB_END),
    Glued("supabase-secret-key", "Supabase secret API key", "sb_secret_",
          R"((sb_secret_[A-Za-z0-9_-]{31,}))"),
    Token("prefect-api-key", "Prefect API key", "pnu_",
          R"((pnu_[A-Za-z0-9]{36}))" SB_END),
    // AI services.
    Token("openai-api-key", "OpenAI API key", "T3BlbkFJ",
          R"((sk-[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}))" SB_END_URL),
    Glued("anthropic-api-key", "Anthropic API key", "sk-ant-api",
          R"((sk-ant-api[0-9]{2}-[A-Za-z0-9_-]{93}AA))" SB_END_URL),
    Glued("anthropic-admin-key", "Anthropic admin API key", "sk-ant-admin",
          R"((sk-ant-admin[0-9]{2}-[A-Za-z0-9_-]{93}AA))" SB_END_URL),
    Token("huggingface-token", "Hugging Face access token", "hf_",
          R"((hf_[A-Za-z]{34}))" SB_END),
    Token("huggingface-org-token", "Hugging Face organization token",
          "api_org_", R"((api_org_[A-Za-z]{34}))" SB_END),
    Token("replicate-api-token", "Replicate API token", "r8_",
          R"((r8_[A-Za-z0-9]{37}))" SB_END),
    Token("groq-api-key", "Groq API key", "gsk_",
          R"((gsk_[A-Za-z0-9]{52}))" SB_END),
    Token("perplexity-api-key", "Perplexity API key", "pplx-",
          R"((pplx-[A-Za-z0-9]{48}))" SB_END),
    Token("xai-api-key", "xAI API key", "xai-",
          R"((xai-[A-Za-z0-9]{80}))" SB_END),
    Token("langsmith-api-key", "LangSmith API key", "lsv2_",
          R"((lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}))" SB_END),
    Token("pinecone-api-key", "Pinecone API key", "pcsk_",
          R"((pcsk_[A-Za-z0-9]{5,6}_[A-Za-z0-9]{60,}))" SB_END),
    // Messaging and chat.
    Glued("slack-bot-token", "Slack bot token", "xoxb-",
          R"((xoxb-[0-9]{8,13}-[0-9]{8,13}-[A-Za-z0-9]{24,}))" SB_END),
    Glued("slack-user-token", "Slack user token", "xoxp-",
          R"((xoxp-[0-9]{8,13}-[0-9]{8,13}-[0-9]{8,13}-[A-Za-z0-9]{28,}))"
          SB_END),
    Glued("slack-app-token", "Slack app-level token", "xapp-",
          R"((xapp-[0-9]+-[A-Z0-9]+-[0-9]+-[A-Za-z0-9]{32,}))" SB_END),
    Token("slack-token", "Slack token", "xox",
          R"(((?:xox[aorse]|xoxe\.xox[bp])-[0-9A-Za-z]+(?:-[0-9A-Za-z]+){1,5}))"
          SB_END),
    // Webhook URLs, also with JSON's escaped slashes ("https:\/\/hooks…").
    Keyed("slack-webhook", "Slack webhook URL", "hooks.slack.com",
          R"((https:\\?/\\?/hooks\.slack\.com\\?/(?:services|workflows|triggers)\\?/)"
          R"(T[A-Z0-9]{6,}\\?/[A-Z0-9]{6,}\\?/(?:[A-Za-z0-9/]|\\/){20,}))",
          ValidateToken, kHigh),
    Keyed("discord-webhook", "Discord webhook URL", "api(?:/|\\\\/)webhooks",
          R"((https:\\?/\\?/(?:ptb\.|canary\.)?discord(?:app)?\.com\\?/api\\?/webhooks\\?/)"
          R"([0-9]{17,20}\\?/[A-Za-z0-9_-]{60,68}))" SB_END_URL,
          ValidateToken, kHigh),
    Keyed("microsoft-teams-webhook", "Microsoft Teams webhook URL",
          "webhook.office.com",
          R"((https:\\?/\\?/[a-z0-9-]+\.webhook\.office\.com\\?/webhookb2\\?/)"
          R"([a-f0-9-]{36}@[a-f0-9-]{36}\\?/IncomingWebhook\\?/[a-f0-9]{32}\\?/)"
          R"([a-f0-9-]{36}))",
          ValidateToken, kHigh),
    Keyed("telegram-bot-token", "Telegram bot token", ":AA",
          R"((:AA[A-Za-z0-9_-]{33}))" SB_END_URL, ValidateTelegram),
    Token("twilio-api-key", "Twilio API key", "SK",
          R"((SK[0-9a-f]{32}))" SB_END, ValidateToken),
    Token("sendgrid-api-key", "SendGrid API key", "SG.",
          R"((SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}))" SB_END_URL),
    Token("mailgun-api-key", "Mailgun API key", "key-",
          R"((key-[0-9a-f]{32}))" SB_END, ValidateToken),
    Keyed("mailchimp-api-key", "Mailchimp API key", "-us",
          R"((-us[0-9]{1,2}))" SB_END, ValidateMailchimp),
    Glued("brevo-api-key", "Brevo (Sendinblue) API key", "xkeysib-",
          R"((xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}))" SB_END),
    Glued("brevo-smtp-key", "Brevo (Sendinblue) SMTP key", "xsmtpsib-",
          R"((xsmtpsib-[a-f0-9]{64}-[A-Za-z0-9]{16}))" SB_END),
    Keyed("firebase-cloud-messaging-key", "Firebase Cloud Messaging server key",
          ":APA91b", R"((:APA91b[A-Za-z0-9_-]{134}))" SB_END_URL,
          ValidateFirebase),
    Token("twitter-bearer-token", "Twitter/X bearer token",
          "AAAAAAAAAAAAAAAAAAAAA",
          R"((AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{60,}))" SB_END,
          ValidateTwitterBearer),
    Token("facebook-access-token", "Facebook access token", "EAA",
          R"((EAA[B-Z][A-Za-z0-9]{80,}))" SB_END),
    // Payments and commerce.
    Glued("stripe-secret-key", "Stripe live secret key", "sk_live_",
          R"((sk_live_[A-Za-z0-9]{24,}))" SB_END),
    Glued("stripe-restricted-key", "Stripe live restricted key", "rk_live_",
          R"((rk_live_[A-Za-z0-9]{24,}))" SB_END),
    Glued("stripe-webhook-secret", "Stripe webhook signing secret", "whsec_",
          R"((whsec_[A-Za-z0-9+/=]{32,}))"),
    Glued("square-access-token", "Square access token", "sq0atp-",
          R"((sq0atp-[A-Za-z0-9_-]{22}))" SB_END_URL),
    Token("square-access-token", "Square access token", "EAAA",
          R"((EAAA[A-Za-z0-9_-]{60}))" SB_END_URL),
    Glued("square-oauth-secret", "Square OAuth secret", "sq0csp-",
          R"((sq0csp-[A-Za-z0-9_-]{43}))" SB_END_URL),
    Token("braintree-access-token", "Braintree access token",
          "access_token$production$",
          R"((access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}))" SB_END,
          ValidateBraintree),
    Glued("shopify-access-token", "Shopify access token", "shpat_",
          R"((shpat_[a-fA-F0-9]{32}))" SB_END),
    Glued("shopify-custom-app-token", "Shopify custom app access token",
          "shpca_", R"((shpca_[a-fA-F0-9]{32}))" SB_END),
    Glued("shopify-private-app-token", "Shopify private app access token",
          "shppa_", R"((shppa_[a-fA-F0-9]{32}))" SB_END),
    Glued("shopify-shared-secret", "Shopify shared secret", "shpss_",
          R"((shpss_[a-fA-F0-9]{32}))" SB_END),
    Token("plaid-access-token", "Plaid production access token",
          "access-production-", R"((access-production-)" SB_UUID ")" SB_END),
    Glued("duffel-api-token", "Duffel live API token", "duffel_live_",
          R"((duffel_live_[A-Za-z0-9_=-]{43}))" SB_END_URL),
    Token("easypost-api-key", "EasyPost production API key", "EZAK",
          R"((EZAK[A-Za-z0-9]{54}))" SB_END),
    Glued("flutterwave-secret-key", "Flutterwave secret key", "FLWSECK-",
          R"((FLWSECK-[a-h0-9]{32}-X))" SB_END),
    Glued("shippo-api-token", "Shippo live API token", "shippo_live_",
          R"((shippo_live_[a-f0-9]{40}))" SB_END),
    // Maps, storage and media.
    Token("jwt", "JSON Web Token", "eyJ",
          R"((eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}))" SB_END_URL,
          ValidateJwt, kHigh),
    // ~/.kaggle/kaggle.json, as Kaggle writes it: {"username":"…","key":"<32 hex>"}.
    Keyed("kaggle-api-key", "Kaggle API key (kaggle.json)", "\"username\"",
          R"re("username"[ \t]*:[ \t]*"[^"\r\n]{1,64}"[ \t]*,[ \t\r\n]*"key"[ \t]*:)re"
          R"re([ \t]*"([0-9a-f]{32})")re",
          ValidateToken, kHigh),
    Token("mapbox-secret-token", "Mapbox secret access token", "sk.eyJ1Ijoi",
          R"((sk\.eyJ1Ijoi[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{22}))" SB_END_URL,
          ValidateMapbox),
    Token("dropbox-access-token", "Dropbox access token", "sl.",
          R"((sl\.(?:u\.)?[A-Za-z0-9_-]{130,}))"),
};

#undef SB_END
#undef SB_END_URL
#undef SB_END_B64
#undef SB_UUID

}  // namespace

std::span<const Pattern> TokenPatterns() { return kTokens; }

}  // namespace safebuild::detect
