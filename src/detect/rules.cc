// The rule table and its validators. A regex only finds the shape of a
// secret; the validator decides whether the value can be real: checksums
// where the format has one (GitHub, npm), a decoded "user:password" for
// base64 credentials, a key body for PEM blocks, and the placeholder,
// example and randomness filters for everything else.
#include "detect/rules.h"

#include <algorithm>
#include <array>
#include <string>

#include "detect/codec.h"
#include "detect/detector.h"
#include "detect/filters.h"
#include "util/text.h"

namespace safebuild::detect {
namespace {

bool IsAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9');
}

// Characters a PEM body may hold besides base64: line breaks, the
// "Proc-Type:"/"DEK-Info:" headers of legacy encrypted keys and the
// "Version:"/"Comment:" lines of PGP armor.
bool IsPemBodyExtra(char c) {
  return std::string_view(" \t\r\n=:,-._()@'\"").find(c) !=
         std::string_view::npos;
}

// A key block from the documentation ("...", "<your key>") or a BEGIN/END
// pair around binary junk is no key: require enough base64 that is not one
// repeated character.
bool PemBodyLooksReal(std::string_view body, size_t min_base64) {
  if (body.find("...") != std::string_view::npos ||
      body.find("…") != std::string_view::npos) {
    return false;
  }
  std::string sample;
  size_t base64 = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\\' && i + 1 < body.size()) {  // "\n" inside a JSON string
      ++i;
      continue;
    }
    if (IsAlnum(c) || c == '+' || c == '/') {
      ++base64;
      if (sample.size() < 4096) sample.push_back(c);
    } else if (!IsPemBodyExtra(c)) {
      return false;
    }
  }
  return base64 >= min_base64 && Entropy(sample) >= 3.0;
}

bool ValidatePrivateKey(Candidate& c) {
  std::string_view v = c.value();
  size_t header_end = v.find("-----", 5);
  size_t footer = v.rfind("-----END");
  if (header_end == std::string_view::npos || footer <= header_end) {
    return false;
  }
  constexpr size_t kMinBase64 = 64;  // a PKCS#8 Ed25519 key has 64
  std::string_view body = v.substr(header_end + 5, footer - header_end - 5);
  return PemBodyLooksReal(body, kMinBase64);
}

bool ValidatePutty(Candidate& c) {
  std::string_view v = c.value();
  size_t lines = v.find("Private-Lines:");
  size_t body = v.find('\n', lines);
  if (lines == std::string_view::npos || body == std::string_view::npos) {
    return false;
  }
  constexpr size_t kMinBase64 = 40;  // an Ed25519 private blob has 48
  return PemBodyLooksReal(v.substr(body + 1), kMinBase64);
}

bool ValidateAwsKeyId(Candidate& c) {
  return !IsPlaceholder(c.value()) &&
         !InsideBase64Blob(c.text, c.begin, c.end);
}

bool ValidateAwsSecret(Candidate& c) {
  std::string_view v = c.value();
  return !IsPlaceholder(v) && !IsHexDigest(v) && LooksRandom(v) &&
         Entropy(v) >= 3.5;
}

// GitHub classic and npm tokens end in a CRC32 of their body. A token whose
// checksum fails may still be real (an older format, a typo in a copy), but
// can not be confirmed: report it one step lower if it looks random.
bool ValidateChecksummed(Candidate& c, size_t prefix,
                         std::string_view unverified) {
  std::string_view v = c.value();
  if (IsPlaceholder(v)) return false;
  std::string_view body = v.substr(prefix);
  if (Base62ChecksumValid(body)) return true;
  if (!LooksRandom(body)) return false;
  c.severity = Severity::kHigh;
  c.description = unverified;
  return true;
}

bool ValidateGithubClassic(Candidate& c) {
  return ValidateChecksummed(c, std::string_view("ghp_").size(),
                             "GitHub-shaped token (checksum does not verify)");
}

bool ValidateNpm(Candidate& c) {
  return ValidateChecksummed(c, std::string_view("npm_").size(),
                             "npm-shaped token (checksum does not verify)");
}

// A token made of a fixed prefix and a random body.
template <size_t kPrefix>
bool ValidateRandomBody(Candidate& c) {
  std::string_view v = c.value();
  return !IsPlaceholder(v) && LooksRandom(v.substr(kPrefix));
}

bool ValidateStripe(Candidate& c) {
  std::string_view v = c.value();
  return !IsPlaceholder(v) && LooksRandom(v.substr(v.find("_live_") + 6));
}

bool ValidateSlack(Candidate& c) {
  std::string_view v = c.value();
  std::string_view last = v.substr(v.rfind('-') + 1);
  if (v.size() < 30 || last.size() < 20) return false;
  return !IsPlaceholder(v) && LooksRandom(last);
}

bool ValidateSlackWebhook(Candidate& c) {
  std::string_view v = c.value();
  return !IsPlaceholder(v) && LooksRandom(v.substr(v.rfind('/') + 1));
}

bool ValidateEmbeddable(Candidate& c) {
  return !InsideBase64Blob(c.text, c.begin, c.end) &&
         ValidateRandomBody<4>(c);
}

bool ValidateSendgrid(Candidate& c) {
  std::string_view v = c.value();
  return !IsPlaceholder(v) && LooksRandom(v.substr(3, 22)) &&
         LooksRandom(v.substr(26));
}

// Narrows a quoted value to what is inside its quotes.
void Unquote(Candidate& c) {
  std::string_view v = c.value();
  size_t q = 0;
  if (StartsWith(v, "\\\"")) {
    q = 2;
  } else if (StartsWith(v, "\"") || StartsWith(v, "'")) {
    q = 1;
  }
  if (q != 0 && v.size() >= 2 * q) {
    c.begin += q;
    c.end -= q;
  }
}

// A password that is the user name ("guest:guest") or a placeholder is a
// documented default, not a leak.
bool IsRealPassword(std::string_view user, std::string_view password) {
  return !password.empty() && password != user && !IsPlaceholder(password);
}

// Documentation shows URLs like "https://user:xyz@host"; real passwords
// are rarely that short.
constexpr size_t kMinPassword = 6;

bool ValidateUrlPassword(Candidate& c) {
  // The match starts at "://": a scheme must come before it.
  if (c.match_begin == 0 || !IsAlnum(c.text[c.match_begin - 1])) return false;
  return c.value().size() >= kMinPassword && IsRealPassword(c.name, c.value());
}

// A netrc entry quoted in documentation ("login apt password debian") is
// an example; outside a netrc file the password must look generated.
bool ValidateNetrc(Candidate& c) {
  Unquote(c);
  std::string_view v = c.value();
  if (v.size() < kMinPassword || IsPlaceholder(v) || MentionsSecret(v)) {
    return false;
  }
  return c.in_netrc_file || PassesGenericGate(v) || LooksRandom(v);
}

bool ValidateNpmrc(Candidate& c) {
  std::string_view v = c.value();
  if (v.size() < 8 || IsPlaceholder(v) || MentionsSecret(v)) return false;
  return IsUuid(v) || LooksRandom(v);  // legacy npm tokens are UUIDs
}

// base64 of "user:password", as docker config "auth" and HTTP Basic hold it.
bool ValidateBase64UserPassword(Candidate& c) {
  std::optional<std::string> plain = Base64Decode(c.value());
  if (!plain) return false;
  size_t colon = plain->find(':');
  if (colon == std::string::npos) return false;
  std::string_view user = std::string_view(*plain).substr(0, colon);
  std::string_view password = std::string_view(*plain).substr(colon + 1);
  return IsRealPassword(user, password);
}

bool ValidateBearer(Candidate& c) {
  std::string_view v = c.value();
  return !IsPlaceholder(v) && LooksRandom(v);
}

// Keys whose values a specific rule judges (docker config "auth", npmrc
// "_auth"): when that rule rejects a value, the generic one must not
// report it instead.
bool OwnedBySpecificRule(std::string_view name) {
  return name == "auth" || name == "_auth" || name == "_authToken" ||
         name == "_password";
}

bool IsNameChar(char c) {
  return IsAlnum(c) || c == '_' || c == '.' || c == '-';
}

// The generic regex starts at the keyword ("PASSWORD"); the name starts
// further left ("DB_PASSWORD").
void ExtendNameLeft(Candidate& c) {
  size_t begin = static_cast<size_t>(c.name.data() - c.text.data());
  size_t end = begin + c.name.size();
  while (begin > 0 && IsNameChar(c.text[begin - 1])) --begin;
  c.name = c.text.substr(begin, end - begin);
}

// Drops what trails a legacy ENV value on its line: blanks, a backslash.
void TrimLineEnd(Candidate& c) {
  while (c.end > c.begin &&
         std::string_view(" \t\r\\").find(c.text[c.end - 1]) !=
             std::string_view::npos) {
    --c.end;
  }
}

// Code or a flag, not a literal: "os.getenv(", "env[", "--verbose".
bool IsExpressionOrFlag(const Candidate& c) {
  if (c.end < c.text.size() &&
      (c.text[c.end] == '(' || c.text[c.end] == '[')) {
    return true;
  }
  std::string_view v = c.value();
  size_t dashes = std::min(v.find_first_not_of('-'), v.size());
  return dashes > 0 && LooksLikeIdentifier(v.substr(dashes));
}

bool ValidateGeneric(Candidate& c) {
  ExtendNameLeft(c);
  // "PASS: test name" is a test log's verdict, not a password.
  if (c.name == "PASS") return false;
  if (!NameSuggestsSecret(c.name) || OwnedBySpecificRule(c.name)) return false;
  TrimLineEnd(c);
  const size_t with_quotes = c.end - c.begin;
  Unquote(c);
  // In a program, a bare value after "token =" is an expression.
  if (c.in_source_code && c.end - c.begin == with_quotes) return false;
  std::string_view v = c.value();
  return !v.empty() && !IsExpressionOrFlag(c) && !MentionsSecret(v) &&
         PassesGenericGate(v);
}

constexpr std::string_view kGenericDescription =
    "secret-looking value assigned to a secret-named key";

// Pieces of the generic patterns: a key name holding a keyword, and a value
// (double- or single-quoted, quoted inside JSON, or bare).
#define SB_KEYWORD                                                        \
  R"((?i:pass|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|)" \
  R"(credential|auth))"
#define SB_NAME_CHARS R"([A-Za-z0-9_.-]*)"
#define SB_VALUE                                                          \
  R"(("(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|\\"[^"\\\r\n]*\\"|)" \
  R"([^\s"'\x60;,(){}\[\]<>|\\&]+))"
#define SB_GENERIC_KEYWORDS                                              \
  R"((?i:pass|pwd|secret|token|apikey|api_key|api-key|accesskey|access_key|)" \
  R"(access-key|privatekey|private_key|private-key|credential|auth))"
// After an AWS secret's name: a separator and 40 base64 characters.
#define SB_AWS_SECRET_VALUE                                              \
  R"(\\?["']?(?:[ \t]*(?::=|=>|=|:)[ \t]*|[ \t]+)\\?["']?)"              \
  R"(([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$))"

constexpr Severity kCritical = Severity::kCritical;
constexpr Severity kHigh = Severity::kHigh;
constexpr Before kAnything = Before::kAnything;
constexpr Before kNonWord = Before::kNonWord;

constexpr Pattern kPatterns[] = {
    {"private-key", kCritical, "private key", "-----BEGIN",
     // The body may not hold "-----", so a match never spans two blocks.
     R"((-----BEGIN (?:[A-Z0-9]+ ){0,2}PRIVATE KEY(?: BLOCK)?-----)"
     R"((?:[^-]|-{1,4}[^-])*)"
     R"(-----END [A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----))",
     kAnything, 0, ValidatePrivateKey, false},
    {"private-key", kCritical, "PuTTY private key", "PuTTY-User-Key-File-",
     R"((PuTTY-User-Key-File-[23]: [^\r\n]*\r?\n(?:[^\r\n]*\r?\n){0,40}?)"
     R"(Private-Lines: *[0-9]+\r?\n(?:[A-Za-z0-9+/=]+\r?\n)+))",
     kAnything, 0, ValidatePutty, false},
    {"github-classic-token", kCritical, "GitHub token (classic)",
     "ghp_|gho_|ghu_|ghs_|ghr_", R"((gh[pousr]_[A-Za-z0-9]{36})\b)", kNonWord,
     0, ValidateGithubClassic, false},
    {"github-fine-grained-token", kCritical,
     "GitHub fine-grained personal access token", "github_pat_",
     R"((github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b)", kNonWord, 0,
     ValidateRandomBody<11>, false},
    {"gitlab-token", kCritical, "GitLab personal access token", "glpat-",
     R"((glpat-[A-Za-z0-9_-]{20,}))", kNonWord, 0, ValidateRandomBody<6>,
     false},
    {"npm-token", kCritical, "npm access token", "npm_",
     R"((npm_[A-Za-z0-9]{36})\b)", kNonWord, 0, ValidateNpm, false},
    {"pypi-token", kCritical, "PyPI API token", "pypi-AgEIcHlwaS5vcmc",
     R"((pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}))", kNonWord, 0,
     ValidateRandomBody<20>, false},
    {"slack-token", kCritical, "Slack token", "xox|xapp-",
     R"(((?:xox[abposre]|xapp)-[0-9A-Za-z]+(?:-[0-9A-Za-z]+){1,5})\b)",
     kNonWord, 0, ValidateSlack, false},
    {"slack-webhook", kHigh, "Slack incoming webhook URL",
     R"(hooks\.slack\.com)",
     R"((https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/)"
     R"([A-Za-z0-9]{20,}))",
     kAnything, 0, ValidateSlackWebhook, false},
    {"stripe-secret-key", kCritical, "Stripe live secret key", "sk_live_",
     R"((sk_live_[A-Za-z0-9]{24,})\b)", kNonWord, 0, ValidateStripe, false},
    {"stripe-secret-key", kCritical, "Stripe live restricted key", "rk_live_",
     R"((rk_live_[A-Za-z0-9]{24,})\b)", kNonWord, 0, ValidateStripe, false},
    {"sendgrid-api-key", kCritical, "SendGrid API key", R"(SG\.)",
     R"((SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$))",
     kNonWord, 0, ValidateSendgrid, false},
    {"dockerhub-pat", kCritical, "Docker Hub personal access token",
     "dckr_pat_", R"((dckr_pat_[A-Za-z0-9_-]{27})(?:[^A-Za-z0-9_-]|$))",
     kNonWord, 0, ValidateRandomBody<9>, false},
    {"google-api-key", kHigh, "Google API key", "AIza",
     R"((AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$))", kNonWord, 0,
     ValidateEmbeddable, false},
    {"aws-access-key-id", kCritical, "AWS access key ID",
     "AKIA|ASIA|ABIA|ACCA", R"(((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b)",
     kNonWord, 0, ValidateAwsKeyId, false},
    // Two shapes of one name: aws_secret_access_key / SecretAccessKey, and
    // aws_secret_key. Django's plain SECRET_KEY is not AWS's.
    {"aws-secret-access-key", kCritical, "AWS secret access key",
     "(?i:secret)",
     R"((?i:secret[_-]?access[_-]?key))" SB_AWS_SECRET_VALUE, kAnything, 0,
     ValidateAwsSecret, true},
    {"aws-secret-access-key", kCritical, "AWS secret access key",
     "(?i:secret)", R"((?i:aws[_-]?secret[_-]?key))" SB_AWS_SECRET_VALUE,
     kAnything, 0, ValidateAwsSecret, true},
    {"npmrc-auth-token", kCritical, "npm registry credential (npmrc)",
     "_auth|_password",
     R"(_(?:authToken|auth|password)[ \t]*=[ \t]*["']?([^\s"'#;]+))",
     Before::kSeparator, 0, ValidateNpmrc, false},
    {"docker-config-auth", kCritical, "registry credential (Docker config)",
     "\"auth", R"("auth\\?"[ \t]*:[ \t]*\\?"([A-Za-z0-9+/=]{8,})\\?")",
     kAnything, 0, ValidateBase64UserPassword, false},
    {"netrc-password", kHigh, "password (netrc)", "password",
     R"(machine[ \t\r\n]+\S+(?:[ \t\r\n]+(?:login|account|port)[ \t\r\n]+)"
     R"(\S+)*[ \t\r\n]+password[ \t\r\n]+([!-~]+))",
     kNonWord, 0, ValidateNetrc, false},
    {"url-credentials", kHigh, "password in a URL", "://",
     R"(://([A-Za-z0-9._~%!$&*+,;={}<>-]*):)"
     R"(([A-Za-z0-9._~%!$&*+,;={}<>^-]*)@[A-Za-z0-9\[])",
     kAnything, 1, ValidateUrlPassword, false},
    {"basic-auth-header", kHigh,
     "HTTP Basic credentials (Authorization header)",
     "(?i:authorization)",
     R"((?i:authorization)\\?["']?[ \t]*[:=][ \t]*\\?["']?(?i:basic)[ \t]+)"
     R"(([A-Za-z0-9+/]{6,}={0,2}))",
     kAnything, 0, ValidateBase64UserPassword, false},
    {"bearer-token", kHigh, "bearer token (Authorization header)",
     "(?i:authorization)",
     R"((?i:authorization)\\?["']?[ \t]*[:=][ \t]*\\?["']?(?i:bearer|token))"
     R"([ \t]+([A-Za-z0-9._~+/=-]{16,}))",
     kAnything, 0, ValidateBearer, false},
    // NAME=VALUE, NAME: VALUE, "NAME": "VALUE". The regex starts at the
    // keyword; the validator extends the name to its left.
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     "(" SB_KEYWORD SB_NAME_CHARS R"()\\?["']?[ \t]*(?:=>|:=|=|:)[ \t]*)"
     SB_VALUE,
     kAnything, 1, ValidateGeneric, true},
    // ENV NAME VALUE, the Containerfile's legacy form.
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     R"((?i:env)[ \t]+()" SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS
     R"()[ \t]+([^\s\\][^\r\n]*))",
     Before::kLineStart, 1, ValidateGeneric, true},
    // --password VALUE on a command line.
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     "--(" SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS R"()[ \t]+)" SB_VALUE,
     Before::kSeparator, 1, ValidateGeneric, true},
    // <password>VALUE</password>
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     "<(" SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS R"()>[ \t]*([^<\s]+)[ \t]*</)",
     kAnything, 1, ValidateGeneric, true},
};

#undef SB_KEYWORD
#undef SB_NAME_CHARS
#undef SB_VALUE
#undef SB_GENERIC_KEYWORDS
#undef SB_AWS_SECRET_VALUE

}  // namespace

std::span<const Pattern> BuiltinPatterns() { return kPatterns; }

}  // namespace safebuild::detect
