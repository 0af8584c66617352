// Most values next to a secret-ish name are not secrets: placeholders,
// variable references, paths, versions, digests, code. The filters here are
// tuned so that a random token (what a real credential is) is rarely taken
// for one of those: fragments that mark a placeholder are long or hold a
// separator, repeated runs must be long, and "words" need a dictionary
// match for every piece. Measured on 10^5 draws of each fake-secret kind:
// no token is taken for a placeholder, and about 3 in 10^5 random 22-
// character passwords fail the generic gate (no digits and all capitals,
// and the like): the price of not reporting identifiers and prose.
#include "detect/filters.h"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "detect/detector.h"
#include "util/text.h"

namespace safebuild {
namespace detect {
namespace {

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return IsUpper(c) || IsLower(c); }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// 0 upper, 1 lower, 2 digit, 3 anything else.
int ClassOf(char c) {
  if (IsUpper(c)) return 0;
  if (IsLower(c)) return 1;
  if (IsDigit(c)) return 2;
  return 3;
}

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

bool AllOf(std::string_view s, bool (*pred)(char)) {
  return std::all_of(s.begin(), s.end(), pred);
}

// Whole values that stand for "no real secret here", or are defaults every
// image ships and every attacker tries first.
constexpr std::string_view kPlaceholderWords[] = {
    "-", "*", "abc", "admin", "api-key", "api_key", "apikey", "ask",
    "auto", "bar", "baz", "change-me", "change_me", "changeit", "changeme",
    "default", "demo", "disabled", "dummy", "empty", "env", "example",
    "false", "fake", "file", "fixme", "foo", "foobar", "guest", "hunter2",
    "key", "letmein", "mypassword", "mysecret", "mytoken", "n/a", "na",
    "nil", "no", "none", "not-set", "notset", "null", "off", "on",
    "optional", "p@ssw0rd", "p@ssword", "pass", "passw0rd", "passwd",
    "password", "password1", "password123", "placeholder", "prompt",
    "qwerty", "redacted", "required", "root", "s3cr3t", "sample", "secret",
    "secret123", "stdin", "string", "tbd", "test", "testing", "todo",
    "token", "true", "undefined", "unset", "user", "username", "value",
    "x-access-token", "x-oauth-basic", "xxx", "yes"};

// Example credentials published in standards and vendor documentation,
// copied into countless libraries' docs and tests (RFC 6749, RFC 5849), and
// fixed keys of local emulators.
constexpr std::string_view kDocumentedExamples[] = {
    "2YotnFZFEjr1zCsicMWpAA", "tGzv3JOkF0XG5Qx2TlKWIA",
    "SplxlOBeZQQYbYS6WxSbIA", "s6BhdRkqt3", "gX1fBat3bV",
    "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
    "kd94hf93k423kf44", "pfkkdhi9sl3r4s00", "hh5s93j4hdidpola",
    "nnch734d00sl2jdk", "hdk48Djdsa", "dh893hdasih9", "0685bd9184jfhq22",
    "ad180jjd733klru7", "wOJIO9A2W5mFwDgiDvZbTSMK%2FPY%3D",
    // RFC 6750's bearer token (curl's manual, OAuth libraries).
    "mF_9.B5f-4.1JqM",
    // Telegram's Bot API manual.
    "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
    // WireGuard private keys of wg(8) and systemd.netdev(5).
    "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=",
    "EEGlnEPYJV//kbvvIqxKkQwOiS+UENyPncC4bF46ong=",
    // The symmetric keys of RFC 7515 (JWS, A.1) and RFC 7517 (JWK, A.3),
    // in the tests and docs of every JOSE library.
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
    "GawgguFyGrWKav7AX4VKUg",
    // The storage emulator's (Azurite's) fixed account key.
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/"
    "K1SZFPTOtr/KBHBeksoGMGw=="};

// Fragments that mark a placeholder wherever they occur. Each is long, or
// holds a separator a base62 token never has, so chance hits are negligible.
constexpr std::string_view kPlaceholderFragments[] = {
    "changeme", "change_me", "change-me", "example", "redacted",
    "placeholder", "replace_me", "replace-me", "replaceme", "yourtoken",
    "yourpassword", "yoursecret", "yourkey", "goes_here", "goes-here",
    "insert_", "insert-", "notreal", "not_real", "not-real", "not_a_",
    "not-a-", "do_not_use", "do-not-use",
    // jwt.io's example token, in countless READMEs: its payload starts
    // {"sub":"1234567890","name":"John Doe"," whatever its signature.
    "eyjzdwiioiixmjm0nty3odkwiiwibmftzsi6ikpvag4grg9liiwi",
    // PyJWT's README: jwt.encode({"some": "payload"}, "secret").
    "eyjzb21lijoicgf5bg9hzcj9"};

// Short words that mark a test value only as a whole segment ("my-fake-key",
// "sk_test_…"): as bare substrings they would hit random tokens too often.
// Three-letter words ("foo", "tbd") hit URL-safe tokens about once in 10^4.
constexpr std::string_view kPlaceholderSegments[] = {
    "fake", "test", "dummy", "sample", "demo", "xxxx", "todo", "fixme",
    "none", "null", "mock", "here", "your"};

std::string_view Unquote(std::string_view v) {
  v = Trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') &&
      v.back() == v.front()) {
    v = v.substr(1, v.size() - 2);
  }
  return v;
}

bool WrappedIn(std::string_view v, char open, char close) {
  return v.size() >= 2 && v.front() == open && v.back() == close;
}

// "ghp_abc...", "AKIA…": a value cut short in documentation. Only a token
// alphabet before the dots, so that a random password ending in "..." is
// not taken for one.
bool IsTruncated(std::string_view v) {
  std::string_view head;
  if (EndsWith(v, "...")) {
    head = v.substr(0, v.size() - 3);
  } else if (EndsWith(v, "…")) {
    head = v.substr(0, v.size() - std::string_view("…").size());
  } else {
    return false;
  }
  return std::all_of(head.begin(), head.end(),
                     [](char c) { return IsAlnum(c) || c == '_' || c == '-'; });
}

// ${VAR}, $VAR, $(cmd), {{ tmpl }}, <token>, %s, %(name)s, %VAR%, @VAR@, …
bool NamesAVariable(std::string_view id, std::string_view after);  // below, with the words

bool IsTemplateReference(std::string_view v) {
  if (v.front() == '`' || WrappedIn(v, '(', ')')) return true;
  for (std::string_view t : {"{{", "}}", "{%", "#{", "***", "•"}) {
    if (Contains(v, t)) return true;
  }
  // ${VAR}, $(cmd), $VAR, $password anywhere: shell, Perl and PHP
  // interpolate them. A '$' before random letters ("xTYG$jjjRV…", as
  // Django's key alphabet makes) names no variable.
  std::vector<std::pair<size_t, size_t>> references;  // "$NAME" spans
  for (size_t d = v.find('$'); d != std::string_view::npos;
       d = v.find('$', d + 1)) {
    if (d + 1 < v.size() && v[d + 1] == '{') return true;
    if (d + 1 < v.size() && v[d + 1] == '(') {  // "$(cat f)", "$(pwd)": a command
      size_t end = d + 2;
      while (end < v.size() && IsLower(v[end])) ++end;
      if (end - d - 2 >= 2 && end < v.size() && (v[end] == ' ' || v[end] == ')')) return true;
      continue;
    }
    size_t end = d + 1;
    while (end < v.size() && (IsAlnum(v[end]) || v[end] == '_')) ++end;
    if (end > d + 1 && NamesAVariable(v.substr(d + 1, end - d - 1), v.substr(end))) {
      references.emplace_back(d, end);
    }
  }
  if (!references.empty()) {
    // What the variables leave ("$HOME/.npmrc", "Bearer $TOKEN") is no
    // secret; a random value around a word after a '$' is one.
    std::string rest;
    size_t from = 0;
    for (const auto& [begin, end] : references) {
      rest.append(v.substr(from, begin - from));
      from = end;
    }
    rest.append(v.substr(from));
    if (!PassesGenericGate(rest)) return true;
  }
  // <token>, {password}, [REDACTED]: a pair of brackets marks a slot; the
  // password alphabets of real generators rarely hold both halves.
  for (std::string_view pair : {"<>", "{}", "[]"}) {
    size_t open = v.find(pair[0]);
    if (open != std::string_view::npos &&
        v.find(pair[1], open + 1) != std::string_view::npos) {
      return true;
    }
  }
  // %APPDATA%, @DB_PASSWORD@ (autoconf): upper case, so that a random
  // password that happens to start and end with '%' is not taken for one.
  if ((WrappedIn(v, '%', '%') || WrappedIn(v, '@', '@')) &&
      IsUpperIdentifier(v.substr(1, v.size() - 2))) {
    return true;
  }
  if (v.size() > 4 && StartsWith(v, "__") && EndsWith(v, "__")) return true;
  if (v == "%s" || v == "%d" || (StartsWith(v, "%(") && EndsWith(v, ")s"))) {
    return true;
  }
  return IsTruncated(v);
}

// Segments are split at - _ . and whitespace only, and must be cased as
// people write words ("fake", "FAKE", "Fake"): in base64 ("MOCk/…") or a
// random token ("…_NUll") such a segment is chance.
// "1234", "12345", "7890", "4567": four to six digits counting up.
bool IsCountingDigits(std::string_view s) {
  if (s.size() < 4 || s.size() > 6 || !AllOf(s, IsDigit)) return false;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] != (s[i - 1] == '9' ? '0' : static_cast<char>(s[i - 1] + 1))) return false;
  }
  return true;
}

// "Admin12345", "root1234", "secret123": a placeholder word and counting
// digits, the password of a template or a tutorial.
bool IsWordAndCountingDigits(std::string_view v, std::span<const std::string_view> words) {
  size_t digits = v.size();
  while (digits > 0 && IsDigit(v[digits - 1])) --digits;
  std::string_view tail = v.substr(digits);
  if (digits == 0 || tail.size() < 3 || (tail.size() < 4 && !StartsWith(tail, "123"))) {
    return false;
  }
  if (tail.size() >= 4 && !IsCountingDigits(tail.substr(0, std::min<size_t>(tail.size(), 6)))) {
    return false;
  }
  std::string word = ToLower(v.substr(0, digits));
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool HasPlaceholderSegment(std::string_view v) {
  auto joint = [](char c) {
    return c == '-' || c == '_' || c == '.' || c == ' ' || c == '\t';
  };
  size_t i = 0;
  while (i < v.size()) {
    size_t start = i;
    while (i < v.size() && !joint(v[i])) ++i;
    std::string_view seg = v.substr(start, i - start);
    bool capitalized = !seg.empty() && IsUpper(seg[0]) &&
                       AllOf(seg.substr(1), IsLower);
    bool cased = AllOf(seg, IsLower) || AllOf(seg, IsUpper) || capitalized;
    if (IsCountingDigits(seg)) return true;  // "key_1234", "12345-abcde", "key_7890"
    if (!seg.empty() && cased) {
      std::string lower = ToLower(seg);
      for (std::string_view w : kPlaceholderSegments) {
        if (lower == w) return true;
      }
    }
    ++i;
  }
  return false;
}

// Few distinct characters ("xxxx", "abab"), a long run of one character
// ("AKIAXXXXXXXXXXXXXXXX", "ghp_000000…") or a counting run ("0123456789",
// "abcdefgh"). Runs must be long: 6 equal base32 characters occur in one
// AWS key ID in 10^6, and digit runs longer still in Slack's 25 digits.
bool IsRepetitive(std::string_view v) {
  std::array<bool, 256> seen{};
  int distinct = 0;
  for (unsigned char c : v) {
    if (!seen[c]) ++distinct;
    seen[c] = true;
  }
  if (v.size() >= 3 && distinct <= 2) return true;
  size_t same = 1, counting = 1;
  for (size_t i = 1; i < v.size(); ++i) {
    same = v[i] == v[i - 1] ? same + 1 : 1;
    bool next = v[i] == v[i - 1] + 1 && ClassOf(v[i]) == ClassOf(v[i - 1]);
    counting = next ? counting + 1 : 1;
    if (same >= (IsDigit(v[i]) ? 9u : 7u)) return true;
    if (counting >= (IsDigit(v[i]) ? 8u : 6u)) return true;
  }
  return false;
}

// Words that identifiers, config values and code references are made of.
// LooksLikeWords needs every piece of a value to split into these.
constexpr std::string_view kWords[] = {
    "access", "account", "admin", "all", "and", "any", "api", "app",
    "application", "arg", "args", "auth", "aws", "azure", "base", "basic",
    "bearer", "body", "bot", "bucket", "build", "bytes", "cache", "cert",
    "certificate", "change", "cipher", "client", "cloud", "cluster", "code",
    "config", "configuration", "cookie", "correct", "create", "credential",
    "credentials", "crypto", "current", "data", "database", "db", "decrypt",
    "default", "demo", "dev", "development", "dir", "disable", "disabled",
    "docker", "dummy", "email", "empty", "enable", "enabled", "encoded",
    "encrypt", "encrypted", "encryption", "env", "environ", "environment",
    "example", "expires", "expiry", "external", "fake", "false", "fetch",
    "file", "for", "form", "format", "from", "gcp", "generate", "generated",
    "get", "getenv", "getpass", "github", "gitlab", "global", "google",
    "grant", "guest", "hash", "header", "headers", "here", "hidden", "hmac",
    "hook", "horse", "host", "id", "image", "in", "init", "input",
    "internal", "into", "is", "it", "job", "json", "jwt", "key", "keys",
    "kube", "kubernetes", "last", "latest", "ldap", "load", "local", "login",
    "long", "mail", "main", "manager", "master", "me", "mock", "mongo", "my",
    "mysql", "name", "new", "next", "node", "none", "not", "npm", "null",
    "oauth", "of", "old", "on", "one", "option", "options", "or", "org",
    "os", "our", "output", "param", "params", "parse", "pass", "passphrase",
    "passwd", "password", "passwords", "path", "pem", "placeholder", "port",
    "postgres", "private", "process", "prod", "production", "project",
    "provider", "public", "pypi", "queue", "random", "read", "redis",
    "refresh", "registry", "release", "repo", "request", "response",
    "result", "root", "rsa", "run", "safe", "salt", "sample", "scope",
    "secret", "secrets", "secure", "security", "self", "server", "service",
    "session", "set", "setting", "settings", "shared", "sign", "signature",
    "signing", "site", "slack", "some", "sql", "ssh", "ssl", "stage",
    "staging", "state", "static", "storage", "store", "str", "string",
    "stripe", "strong", "super", "system", "team", "tenant", "test",
    "testing", "text", "that", "the", "this", "tls", "to", "token",
    "tokens", "true", "type", "uid", "unique", "uri", "url", "use", "user",
    "username", "users", "value", "values", "vault", "very", "web",
    "webhook", "with", "worker", "xml", "yaml", "your"};

bool IsWord(std::string_view lower) {
  static const std::vector<std::string_view> sorted = [] {
    std::vector<std::string_view> w(std::begin(kWords), std::end(kWords));
    std::sort(w.begin(), w.end());
    return w;
  }();
  return std::binary_search(sorted.begin(), sorted.end(), lower);
}

// True when `piece` (lower case letters) splits into dictionary words.
bool SplitsIntoWords(std::string_view piece) {
  constexpr size_t kMaxPiece = 64;
  if (piece.empty() || piece.size() > kMaxPiece) return false;
  std::array<bool, kMaxPiece + 1> ok{};
  ok[0] = true;
  for (size_t end = 1; end <= piece.size(); ++end) {
    for (size_t start = 0; start < end && !ok[end]; ++start) {
      ok[end] = ok[start] && IsWord(piece.substr(start, end - start));
    }
  }
  return ok[piece.size()];
}

// Splits letters into pieces at separators and at camelCase humps
// ("dbPassword" -> db, password; "HTTPServer" -> http, server).
std::vector<std::string> CamelPieces(std::string_view v) {
  std::vector<std::string> pieces;
  std::string cur;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    bool hump = !cur.empty() && IsUpper(c) &&
                (IsLower(v[i - 1]) ||
                 (i + 1 < v.size() && IsLower(v[i + 1]) && IsUpper(v[i - 1])));
    if (!IsAlpha(c) || hump) {
      if (!cur.empty()) pieces.push_back(cur);
      cur.clear();
    }
    if (IsAlpha(c)) cur.push_back(static_cast<char>(IsUpper(c) ? c + 32 : c));
  }
  if (!cur.empty()) pieces.push_back(cur);
  return pieces;
}

bool IsPackageName(std::string_view s) {
  if (s.empty() || !IsAlpha(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return IsAlnum(c) || c == '.' || c == '_' || c == '+' || c == '-';
  });
}

// Keywords of NameSuggestsSecret, and whether one must also start a word
// ("pass" in "bypass" is not one).
struct NameKeyword {
  std::string_view word;
  bool needs_start;
  bool capitals = false;  // only as written in capitals: GITHUB_PAT, not vim's ft_ignore_pat
};

constexpr NameKeyword kNameKeywords[] = {
    {"password", false}, {"passwd", false},    {"passphrase", false},
    {"pass", true},      {"pwd", false},       {"secret", false}, {"secretkey", false},
    {"token", false},    {"apikey", false},    {"api_key", false},
    {"api-key", false},  {"accesskey", false}, {"access_key", false},
    {"access-key", false}, {"privatekey", false}, {"private_key", false},
    {"private-key", false}, {"credential", false}, {"auth", false},
    // redis.conf, slapd.conf, nslcd.conf
    {"requirepass", false}, {"rootpw", false}, {"bindpw", false},
    {"authtok", false},  // sssd.conf's ldap_default_authtok
    {"pw", true},  {"psk", true},  // "db_pw", wpa_supplicant's psk
    {"pat", true, true},           // a personal access token: GITHUB_PAT
    {"signing_key", false}, {"signing-key", false},  // not git's signingkey: a key's id
    {"encryptionkey", false}, {"encryption_key", false}, {"encryption-key", false},
    {"masterkey", false}, {"master_key", false}, {"master-key", false},
    {"hmackey", false}, {"hmac_key", false}, {"hmac-key", false},
    {"fernetkey", false}, {"fernet_key", false}, {"fernet-key", false}};  // Airflow, Superset

// Last words of a name whose value points at a secret or describes one.
constexpr std::string_view kReferenceSuffixes[] = {
    "addr", "address", "alg", "algorithm", "arn", "backend", "bson",
    "checksum", "class", "count", "description", "digest", "dir",
    "directory", "disabled", "email", "encoding", "encryption", "enable",
    "enabled", "endpoint", "env", "example", "expiration", "expires",
    "expiry", "expression", "factory", "field", "file", "files", "fingerprint", "fpr",
    "flag", "format", "generator", "hash", "header", "help", "host", "hostname", "id",
    "hashed", "identity", "json", "kind", "label", "len", "length", "level", "limit", "location",
    "manager", "mapstructure", "max", "md", "method", "min", "mode", "name", "namespace",
    "path", "pattern", "placeholder", "policy", "port", "prefix", "prompt",
    "protobuf", "provider", "ref", "regex", "required", "rotation", "sample",
    // "sha" and "md": CamelPieces keeps letters only ("_sha256", "_md5").
    "scheme", "scope", "scopes", "sha", "size", "spec", "sock", "socket", "stdin", "store",
    "suffix", "template", "timeout", "toml", "ttl", "type", "uri", "url", "user",
    "username", "var", "variable", "version", "xml", "yaml"};

bool WordEndsAt(std::string_view name, size_t end) {
  if (end >= name.size() || !IsAlpha(name[end])) return true;
  if (IsLower(name[end - 1]) && IsUpper(name[end])) return true;  // camelCase
  // A plural: "SECRETS_DIR", "credentials".
  return (name[end] == 's' || name[end] == 'S') && WordEndsAt(name, end + 1);
}

bool WordStartsAt(std::string_view name, size_t pos) {
  return pos == 0 || !IsAlpha(name[pos - 1]) ||
         (IsLower(name[pos - 1]) && IsUpper(name[pos]));
}

bool HasSecretKeyword(std::string_view name, std::string_view lower) {
  for (const NameKeyword& k : kNameKeywords) {
    for (size_t pos = lower.find(k.word); pos != std::string_view::npos;
         pos = lower.find(k.word, pos + 1)) {
      const bool capitals = !k.capitals || ToLower(name.substr(pos, k.word.size())) !=
                                               name.substr(pos, k.word.size());
      if (WordEndsAt(name, pos + k.word.size()) && capitals &&
          (!k.needs_start || WordStartsAt(name, pos))) {
        return true;
      }
    }
  }
  return false;
}

// Character statistics of a random string: several classes, switching
// between them at a good share of adjacent pairs (a random 22-character
// password switches at 0.7 of them; words and identifiers far fewer).
bool LooksMixed(std::string_view v) {
  double entropy = Entropy(v);
  if (entropy < 3.0) return false;
  double switches = ClassSwitchRatio(v);
  int classes = CharClassCount(v);
  if (classes >= 3) return switches >= 0.15;
  if (classes != 2 || v.size() < 16 || entropy < 3.5) return false;
  if (std::any_of(v.begin(), v.end(), IsDigit)) return switches >= 0.15;
  // Letters only: random mixed case, not camelCase.
  return std::all_of(v.begin(), v.end(), IsAlpha) && switches >= 0.25;
}

bool HasVowel(std::string_view s) {
  return s.find_first_of("aeiouyAEIOUY") != std::string_view::npos;
}

// A run of letters as identifiers write it: "path", "PATH", "Path",
// "getPassword", "ServiceAccountToken"; digits only as a short tail
// ("SHA1", "V2") or a short number alone ("256").
bool IsWordShaped(std::string_view run) {
  size_t digits = 0;
  while (digits < run.size() && IsDigit(run[run.size() - 1 - digits])) {
    ++digits;
  }
  std::string_view letters = run.substr(0, run.size() - digits);
  if (letters.empty()) return digits <= 3;
  if (digits > 2 || letters.size() < 2 || !AllOf(letters, IsAlpha)) {
    return false;
  }
  if (AllOf(letters, IsUpper) || AllOf(letters, IsLower)) return true;
  // camelCase or PascalCase: each capital starts a hump of 2+ lower case
  // letters, and every hump has a vowel, as words do ("getPassword"); random
  // letters rarely manage both ("ZmmNsdNjjr…").
  size_t start = 0;
  for (size_t k = 1; k <= letters.size(); ++k) {
    if (k < letters.size() && !IsUpper(letters[k])) continue;
    std::string_view hump = letters.substr(start, k - start);
    size_t lower = hump.size() - (IsUpper(hump[0]) ? 1 : 0);
    if ((start > 0 && lower < 2) || !HasVowel(hump)) return false;
    start = k;
  }
  return true;
}

bool IsIdentifierJoint(char c) {
  return c == '.' || c == '_' || c == '-' || c == ':' || c == '/' || c == '(' || c == ')';
}

// "X509_V_ERR_OCSP_VERIFY_NEEDED": a constant's name in capitals, where a
// piece may be a letter or a letter and a number; two pieces are words of
// three or more letters with a vowel, which random capitals seldom make.
bool IsConstantName(std::string_view v) {
  size_t pieces = 0;
  size_t words = 0;
  for (size_t at = 0; at <= v.size();) {
    const size_t end = std::min(v.find('_', at), v.size());
    const std::string_view piece = v.substr(at, end - at);
    if (piece.empty() || !AllOf(piece, [](char c) { return IsUpper(c) || IsDigit(c); })) {
      return false;
    }
    ++pieces;
    if (piece.size() >= 3 && AllOf(piece, IsUpper) && HasVowel(piece)) ++words;
    at = end + 1;
  }
  return pieces >= 3 && words >= 2;
}

// The number of word-shaped runs in `v`, which holds nothing but them and
// identifier joints; nullopt when it holds anything else.
std::optional<size_t> IdentifierPieces(std::string_view v) {
  size_t pieces = 0;
  size_t i = 0;
  while (i < v.size()) {
    size_t start = i;
    while (i < v.size() && IsAlnum(v[i])) ++i;
    if (i > start) {
      if (!IsWordShaped(v.substr(start, i - start))) return std::nullopt;
      ++pieces;
    }
    if (i < v.size() && !IsIdentifierJoint(v[i])) return std::nullopt;
    ++i;
  }
  return pieces;
}

// "ExclusiveStartShardId": letters only, three or more humps, each a
// capital, then lower case letters, one of them a vowel. Random mixed-case
// letters almost never follow every capital with lower case and a vowel.
bool IsPascalCaseWords(std::string_view run) {
  if (run.empty() || !AllOf(run, IsAlpha) || !IsUpper(run[0])) return false;
  size_t humps = 0;
  size_t start = 0;
  for (size_t k = 1; k <= run.size(); ++k) {
    if (k < run.size() && !IsUpper(run[k])) continue;
    std::string_view hump = run.substr(start, k - start);
    if (hump.size() < 2 || !HasVowel(hump)) return false;
    ++humps;
    start = k;
  }
  return humps >= 3;
}

bool IsDigitRun(std::string_view v, size_t from, size_t to) {
  return to > from && to <= v.size() && AllOf(v.substr(from, to - from), IsDigit);
}

// The length of a template slot at v[i]: "$0", "$#", "$0x", "${1}"
// (TextMate and Monarch captures, snippet tab stops), "%s", "%d" (printf),
// "{name}" (format strings); 0 when there is none.
size_t SlotLength(std::string_view v, size_t i) {
  if (v[i] == '$') {
    size_t j = i + 1;
    if (j < v.size() && (IsDigit(v[j]) || v[j] == '#')) {
      ++j;
      while (j < v.size() && IsAlnum(v[j])) ++j;
      return j - i;
    }
    if (j < v.size() && v[j] == '{') {
      size_t close = v.find('}', j);
      if (close != std::string_view::npos && IsDigitRun(v, j + 1, close)) {
        return close + 1 - i;
      }
    }
    return 0;
  }
  if (v[i] == '%' && i + 1 < v.size() && (v[i + 1] == 's' || v[i + 1] == 'd')) {
    return 2;
  }
  if (v[i] == '{') {
    size_t close = v.find('}', i);
    if (close == std::string_view::npos || close == i + 1) return 0;
    std::string_view name = v.substr(i + 1, close - i - 1);
    bool named = std::all_of(name.begin(), name.end(),
                             [](char c) { return IsAlnum(c) || c == '_'; });
    return named ? close + 1 - i : 0;
  }
  return 0;
}

}  // namespace

std::vector<std::string> NamePieces(std::string_view name) { return CamelPieces(name); }

bool IsUpperIdentifier(std::string_view s) {
  if (s.empty() || IsDigit(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return IsUpper(c) || IsDigit(c) || c == '_';
  });
}

bool NameSuggestsSecret(std::string_view name) {
  while (!name.empty() && (name.front() == '-' || name.front() == '"' ||
                           name.front() == '\'' || name.front() == '\\')) {
    name.remove_prefix(1);
  }
  // Longer names, or flags run together ("--export-secret-key--lsm-…"),
  // come from string tables, not from assignments.
  constexpr size_t kMaxName = 64;
  if (name.empty() || name.size() > kMaxName ||
      name.find("--") != std::string_view::npos) {
    return false;
  }
  std::string lower = ToLower(name);
  // The shell's previous directory. Its PWD is a path, which no value gate
  // passes, while ODBC's PWD= (odbc.ini, "Uid=sa;Pwd=…") is a password.
  if (lower == "oldpwd") return false;
  if (!HasSecretKeyword(name, lower)) return false;
  std::vector<std::string> pieces = CamelPieces(name);
  if (pieces.empty()) return false;
  for (std::string_view s : kReferenceSuffixes) {
    if (pieces.back() == s) return false;
  }
  // A page's cursor ("NextContinuationToken", "nextPageToken"), a lexer's
  // token ("nextLastSignificantToken"), an error's name
  // ("DBUS_ERROR_AUTH_FAILED"): names with these pieces hold no secret.
  static constexpr std::string_view kNotSecretPieces[] = {
      "continuation", "next", "page", "pagination", "cursor", "sync", "error",
      "failed", "failure", "invalid", "missing", "expired", "last", "significant"};
  for (const std::string& p : pieces) {
    for (std::string_view s : kNotSecretPieces) {
      if (p == s) return false;
    }
  }
  return true;
}

bool IsPathLike(std::string_view v) {
  bool rooted = StartsWith(v, "/") || StartsWith(v, "./") ||
                StartsWith(v, "../") || StartsWith(v, "~/");
  // Unrooted, a path is a run of lower-case names ("binutils-all/i386/x"),
  // which a base64 secret with a '/' in it almost never is.
  if (!rooted && v.find('/') != std::string_view::npos) {
    for (char c : v) {
      if (!(IsAlnum(c) && !(c >= 'A' && c <= 'Z')) && c != '/' && c != '.' &&
          c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }
  if (!rooted) return false;
  for (char c : v) {
    if (!IsAlnum(c) && c != '/' && c != '.' && c != '_' && c != '-' &&
        c != '~' && c != '@') {
      return false;
    }
  }
  // A base64 secret may start with '/' too; its pieces are long and mix
  // cases and digits, which directory names rarely do.
  for (const std::string& seg : Split(v, '/')) {
    if (seg.size() >= 8 && ClassSwitchRatio(seg) > 0.5) return false;
    if (seg.size() >= 12 && CharClassCount(seg) >= 3) return false;
  }
  return true;
}

bool IsPlainUrl(std::string_view v) {
  size_t sep = v.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  for (char c : v.substr(0, sep)) {
    if (!IsAlnum(c) && c != '+' && c != '.' && c != '-') return false;
  }
  std::string_view rest = v.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  return !Contains(authority, "@");
}

namespace {

// Java's names of algorithms and transformations, in any case:
// "PBKDF2WithHmacSHA256", "SHA256withRSA", "AES/GCM/NoPadding": every part
// between '/', "with" and "and" is made of algorithms' names, modes,
// paddings, digits and '-' only.
bool IsJavaAlgorithmName(std::string_view lower, std::span<const std::string_view> algorithms) {
  static constexpr std::string_view kModes[] = {
      "gcm", "cbc", "ecb", "ctr", "ofb", "cfb", "nopadding", "pkcs5padding", "pkcs7padding",
      "pkcs1padding", "oaeppadding", "mgf1padding", "oaep", "mgf1"};
  static constexpr std::string_view kMoreAlgorithms[] = {"sha", "desede", "des", "pbe",
                                                         "blowfish", "rc4", "ec", "dsa"};
  std::string parts(lower);
  for (std::string_view joint : {"with", "and"}) {
    for (size_t at = parts.find(joint); at != std::string::npos; at = parts.find(joint, at)) {
      parts.replace(at, joint.size(), "/");
    }
  }
  if (parts.size() == lower.size() && !StartsWith(lower, "hmac")) return false;
  bool algorithm = false;
  for (const std::string& part : Split(parts, '/')) {
    std::string_view rest = part;
    if (rest.empty()) return false;
    while (!rest.empty()) {
      // The longest name that starts the rest: "ecb" is a mode, not "ec".
      size_t step = IsDigit(rest[0]) || rest[0] == '-' ? 1 : 0;
      bool is_algorithm = false;
      for (std::span<const std::string_view> list :
           {algorithms, std::span<const std::string_view>(kMoreAlgorithms)}) {
        for (std::string_view a : list) {
          if (a.size() > step && StartsWith(rest, a)) {
            step = a.size();
            is_algorithm = true;
          }
        }
      }
      for (std::string_view m : kModes) {
        if (m.size() > step && StartsWith(rest, m)) {
          step = m.size();
          is_algorithm = false;
        }
      }
      if (step == 0) return false;
      algorithm = algorithm || is_algorithm;
      rest.remove_prefix(step);
    }
  }
  return algorithm;
}

}  // namespace

bool IsAlgorithmName(std::string_view v) {
  static constexpr std::string_view kAlgorithms[] = {
      "sha1",    "sha2",  "sha3",  "sha224", "sha256",  "sha384",  "sha512",   "md5",
      "pbkdf2",  "argon2", "bcrypt", "scrypt", "aes",   "hmac",    "rsa",      "ecdsa",
      "ed25519", "ed448", "blake2", "chacha20", "poly1305", "x25519", "hs256", "hs384",
      "hs512",   "rs256", "es256", "ps256"};
  constexpr size_t kMaxPart = 12;
  const std::string lower = ToLower(v);
  if (IsJavaAlgorithmName(lower, kAlgorithms)) return true;
  if (v.empty() || (lower != v && ToUpper(v) != v)) return false;
  bool algorithm = false;
  for (const std::string& part : Split(lower, '_')) {
    for (const std::string& piece : Split(part, '-')) {
      if (piece.empty() || piece.size() > kMaxPart ||
          !std::all_of(piece.begin(), piece.end(), [](char c) { return IsAlnum(c); })) {
        return false;
      }
      for (std::string_view a : kAlgorithms) algorithm = algorithm || StartsWith(piece, a);
    }
  }
  return algorithm;
}

bool IsPasswordHash(std::string_view v) {
  // Django's "pbkdf2_sha256$600000$salt$hash", "argon2$argon2id$…".
  static constexpr std::string_view kDjango[] = {
      "pbkdf2_sha256$", "pbkdf2_sha1$", "argon2$", "bcrypt_sha256$", "bcrypt$",
      "scrypt$",        "sha1$",        "md5$",    "unsalted_sha1$", "unsalted_md5$", "crypt$"};
  for (std::string_view prefix : kDjango) {
    if (v.starts_with(prefix)) return true;
  }
  // PostgreSQL's "md5" and 32 hex digits, its "SCRAM-SHA-256$4096:salt$…",
  // MySQL's native "*" and 40 capital hex digits.
  constexpr size_t kMd5 = 32;
  constexpr size_t kSha1 = 40;
  const auto lower_hex = [](char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); };
  const auto upper_hex = [](char c) { return IsDigit(c) || (c >= 'A' && c <= 'F'); };
  if (v.size() == 3 + kMd5 && v.starts_with("md5") &&
      std::all_of(v.begin() + 3, v.end(), lower_hex)) {
    return true;
  }
  if (v.starts_with("SCRAM-SHA-256$") || v.starts_with("SCRAM-SHA-1$")) return true;
  if (v.size() == 1 + kSha1 && v[0] == '*' && std::all_of(v.begin() + 1, v.end(), upper_hex)) {
    return true;
  }
  // LDAP's "{SSHA}…", "{CRYPT}$6$…".
  if (v.starts_with("{")) {
    const size_t close = v.find('}');
    return close != std::string_view::npos && close > 1 && close <= 16 &&
           std::all_of(v.begin() + 1, v.begin() + static_cast<std::ptrdiff_t>(close),
                       [](char c) { return IsUpper(c) || IsDigit(c) || c == '-'; });
  }
  // crypt(3)'s modular format: "$6$salt$hash", "$2b$12$…", "$argon2id$v=19$…".
  constexpr size_t kMaxScheme = 16;
  if (!v.starts_with("$")) return false;
  const size_t end = v.find('$', 1);
  return end != std::string_view::npos && end > 1 && end <= kMaxScheme && end + 1 < v.size() &&
         std::all_of(v.begin() + 1, v.begin() + static_cast<std::ptrdiff_t>(end),
                     [](char c) { return IsLower(c) || IsDigit(c) || c == '-'; }) &&
         std::all_of(v.begin() + static_cast<std::ptrdiff_t>(end), v.end(), [](char c) {
           return IsAlnum(c) || c == '$' || c == '.' || c == '/' || c == '+' || c == '=' ||
                  c == ',' || c == '-';
         });
}

bool IsTimestamp(std::string_view v) {
  // The digits of each field, and the separator before it.
  auto digits = [&](size_t at, size_t n) {
    return at + n <= v.size() &&
           std::all_of(v.begin() + at, v.begin() + at + n, [](char c) { return IsDigit(c); });
  };
  if (!digits(0, 4) || v.size() < 10 || v[4] != '-' || !digits(5, 2) || v[7] != '-' ||
      !digits(8, 2)) {
    return false;
  }
  size_t at = 10;
  if (at < v.size() && (v[at] == 'T' || v[at] == ' ') && digits(at + 1, 2) &&
      at + 3 < v.size() && v[at + 3] == ':' && digits(at + 4, 2)) {
    at += 6;
    if (at < v.size() && v[at] == ':' && digits(at + 1, 2)) at += 3;
    if (at < v.size() && (v[at] == '.' || v[at] == ',')) {
      ++at;
      while (at < v.size() && IsDigit(v[at])) ++at;
    }
    if (at < v.size() && v[at] == 'Z') {
      ++at;
    } else if (at < v.size() && (v[at] == '+' || v[at] == '-') && digits(at + 1, 2)) {
      at += 3;
      if (at < v.size() && v[at] == ':') ++at;
      if (digits(at, 2)) at += 2;
    }
  }
  return at == v.size();
}

bool IsVersionPin(std::string_view v) {
  size_t eq = v.find('=');
  if (eq != std::string_view::npos && IsPackageName(v.substr(0, eq))) {
    v = v.substr(eq + 1);  // pkg=1.2.3
  }
  size_t colon = v.find(':');
  if (colon != std::string_view::npos && colon > 0 &&
      AllOf(v.substr(0, colon), IsDigit)) {
    v = v.substr(colon + 1);  // Debian epoch, 1:2.3.4
  }
  if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) v.remove_prefix(1);
  // Numbers joined by dots: 3.1.4
  size_t i = 0, numbers = 0;
  while (i < v.size() && IsDigit(v[i])) {
    while (i < v.size() && IsDigit(v[i])) ++i;
    ++numbers;
    if (i + 1 < v.size() && v[i] == '.' && IsDigit(v[i + 1])) ++i;
  }
  if (numbers < 2) return false;
  // Then a short release suffix: -r1, +deb12u1, ~rc2, -alpine3.18
  constexpr size_t kMaxSuffix = 24;
  std::string_view suffix = v.substr(i);
  if (suffix.empty()) return true;
  if (suffix.size() > kMaxSuffix || std::string_view("-+~_.").find(
                                        suffix[0]) == std::string_view::npos) {
    return false;
  }
  bool upper = std::any_of(suffix.begin(), suffix.end(), IsUpper);
  bool lower = std::any_of(suffix.begin(), suffix.end(), IsLower);
  return !(upper && lower) &&  // "-r1", "-SNAPSHOT", not random
         std::all_of(suffix.begin(), suffix.end(), [](char c) {
           return IsAlnum(c) || c == '.' || c == '+' || c == '~' || c == '-' ||
                  c == '_';
         });
}

bool IsHexDigest(std::string_view v) {
  switch (v.size()) {
    case 40: case 56: case 64: case 96: case 128:
      return AllOf(v, IsHex);
    default:
      return false;
  }
}

bool IsPasswordOfCredentialFile(std::string_view v) {
  for (unsigned char ch : v) {
    if (ch <= ' ' || ch >= 0x7F) return false;
  }
  return !v.empty() && !IsPlaceholder(v) && !IsPathLike(v) && !IsPlainUrl(v) &&
         !IsVersionPin(v) && !IsHexDigest(v) && !IsUuid(v) && !LooksLikeIdentifier(v) &&
         !LooksLikeWords(v);
}

bool IsUuid(std::string_view v) {
  if (v.size() != 36) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? v[i] != '-' : !IsHex(v[i])) return false;
  }
  return true;
}

bool IsIntegrityHash(std::string_view v) {
  static constexpr std::string_view kPrefixes[] = {
      "sha1-", "sha224-", "sha256-", "sha384-", "sha512-", "md5-",
      "blake2b-", "sha1:", "sha224:", "sha256:", "sha384:", "sha512:",
      "md5:", "blake3:", "h1:"};
  constexpr size_t kMinDigest = 16;
  std::string lower = ToLower(v.substr(0, 8));
  for (std::string_view p : kPrefixes) {
    if (!StartsWith(lower, p)) continue;
    std::string_view digest = v.substr(p.size());  // hex or base64
    return digest.size() >= kMinDigest &&
           std::all_of(digest.begin(), digest.end(), [](char c) {
             return IsAlnum(c) || c == '+' || c == '/' || c == '=' ||
                    c == '-' || c == '_';
           });
  }
  return false;
}

bool LooksLikeIdentifier(std::string_view v) {
  // One run alone is a word, which LooksMixed judges, unless it is several
  // words in PascalCase ("ExclusiveStartShardId", a paginator's key).
  if (IsPascalCaseWords(v) || IsConstantName(v)) return true;
  std::optional<size_t> pieces = IdentifierPieces(v);
  return pieces && *pieces > 1;
}

bool LooksLikeIdentifierTemplate(std::string_view v) {
  std::string words;
  bool slots = false;
  for (size_t i = 0; i < v.size();) {
    size_t n = SlotLength(v, i);
    if (n > 0) {
      words.push_back('.');  // a joint where the slot was
      slots = true;
      i += n;
    } else {
      words.push_back(v[i++]);
    }
  }
  std::optional<size_t> pieces = IdentifierPieces(words);
  return slots && pieces && *pieces > 0;
}

bool LooksLikeWords(std::string_view v) {
  for (char c : v) {
    if (!IsAlpha(c) && c != '-' && c != '_' && c != '.' && c != ' ') {
      return false;
    }
  }
  std::vector<std::string> pieces = CamelPieces(v);
  if (pieces.empty()) return false;
  return std::all_of(pieces.begin(), pieces.end(),
                     [](const std::string& p) { return SplitsIntoWords(p); });
}

int CharClassCount(std::string_view v) {
  std::array<bool, 4> seen{};
  for (char c : v) seen[ClassOf(c)] = true;
  return static_cast<int>(std::count(seen.begin(), seen.end(), true));
}

double ClassSwitchRatio(std::string_view v) {
  if (v.size() < 2) return 0.0;
  int switches = 0;
  for (size_t i = 1; i < v.size(); ++i) {
    switches += ClassOf(v[i]) != ClassOf(v[i - 1]);
  }
  return static_cast<double>(switches) / static_cast<double>(v.size() - 1);
}

bool LooksRandom(std::string_view v) {
  if (IsPlaceholder(v) || LooksLikeWords(v)) return false;
  return Entropy(v) >= 3.0 && CharClassCount(v) >= 2;
}

namespace {

// A password with letters beyond ASCII ("Pässwört…" in UTF-8, or in
// Latin-1's single bytes) as the gate judges it: each such letter becomes
// a lower-case vowel, so words in any script still read as words and a
// random value as random. Nothing for bytes that are no letter: blanks,
// control characters (C0, DEL, C1, a no-break space), binary.
std::optional<std::string> AsAsciiLetters(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size();) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c < 0x80) {
      if (c <= ' ' || c == 0x7F) return std::nullopt;
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    size_t n = Utf8Length(v, i);
    if (n == 2 && c == 0xC2 && static_cast<unsigned char>(v[i + 1]) <= 0xA0) {
      return std::nullopt;  // U+0080 to U+00A0
    }
    if (n == 0) {
      if (c < 0xC0 || c == 0xD7 || c == 0xF7) return std::nullopt;  // Latin-1: letters only
      n = 1;
    }
    out += 'e';
    i += n;
  }
  return out;
}

}  // namespace

bool PassesGenericGate(std::string_view v) {
  constexpr size_t kMinLength = 8;
  constexpr size_t kMaxLength = 4096;
  // Prose ("enter your password") and binary bytes are not one value.
  std::optional<std::string> ascii;
  if (std::any_of(v.begin(), v.end(), [](unsigned char c) { return c <= ' ' || c >= 0x7F; })) {
    ascii = AsAsciiLetters(v);
    if (!ascii) return false;
    v = *ascii;
  }
  if (v.size() < kMinLength || v.size() > kMaxLength) return false;
  if (IsPlaceholder(v) || IsPathLike(v) || IsPlainUrl(v) || IsVersionPin(v) || IsTimestamp(v) ||
      IsAlgorithmName(v) || IsPasswordHash(v) ||
      IsHexDigest(v) || IsUuid(v) || IsIntegrityHash(v) || LooksLikeWords(v) ||
      LooksLikeIdentifier(v) || LooksLikeIdentifierTemplate(v)) {
    return false;
  }
  return LooksMixed(v);
}

bool PassesAsPassphrase(std::string_view v) {
  constexpr size_t kMaxLength = 80;
  constexpr size_t kMaxWords = 6;
  if (v.size() > kMaxLength || v.find(' ') == std::string_view::npos) return false;
  size_t words = 0;
  bool random_word = false;
  for (size_t at = 0; at <= v.size();) {
    size_t end = std::min(v.find(' ', at), v.size());
    std::string_view word = v.substr(at, end - at);
    if (word.empty() || ++words > kMaxWords) return false;  // "a  b": layout, not a phrase
    random_word = random_word || PassesGenericGate(word);
    at = end + 1;
  }
  return words >= 2 && random_word;
}

bool InsideBase64Blob(std::string_view text, size_t begin, size_t end) {
  constexpr size_t kReach = 16;
  auto b64 = [](char c) { return IsAlnum(c) || c == '+' || c == '/'; };
  // A '/' right at the value makes it a segment of a path or URL
  // ("/srv/cache/tokens/xoxb-….json"), not a run in a blob.
  size_t left = begin;
  if (left > 0 && text[left - 1] != '/') {
    while (left > 0 && begin - left < kReach && b64(text[left - 1])) --left;
  }
  size_t right = end;
  if (right < text.size() && text[right] != '/') {
    while (right < text.size() && right - end < kReach &&
           (b64(text[right]) || text[right] == '=')) {
      ++right;
    }
  }
  if ((begin - left) + (right - end) >= kReach) return true;
  // A '/' on each side inside a long run of base64 is the blob's own
  // digit, not a path's separator: "…q9/EAAB…x2/Zk…" in random base64.
  constexpr size_t kLongRun = 64;
  auto digit = [&](char c) { return b64(c) || c == '/'; };
  size_t far_left = begin;
  while (far_left > 0 && begin - far_left < kLongRun && digit(text[far_left - 1])) --far_left;
  size_t far_right = end;
  while (far_right < text.size() && far_right - end < kLongRun && digit(text[far_right])) {
    ++far_right;
  }
  return begin - far_left >= kLongRun && far_right - end >= kLongRun;
}

bool IsHashManifest(std::string_view path) {
  static constexpr std::string_view kNames[] = {
      "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
      "pnpm-lock.yaml", "go.sum", "Cargo.lock", "Gemfile.lock",
      "composer.lock", "poetry.lock", "Pipfile.lock", "packages.lock.json",
      "gradle.lockfile", "flake.lock", "RECORD", "SHA256SUMS", "SHA512SUMS",
      "MD5SUMS"};
  std::string_view base = path.substr(path.rfind('/') + 1);
  for (std::string_view n : kNames) {
    if (base == n) return true;
  }
  return EndsWith(base, ".md5sums") || EndsWith(base, ".sha256") ||
         EndsWith(base, ".sha512");
}

bool IsHistoryPath(std::string_view path) {
  const std::string_view base = path.substr(path.rfind('/') + 1);
  return base.ends_with("_history") || base == ".history" || base == ".histfile" ||
         base == ".dbshell";
}

bool IsLineConfigPath(std::string_view path) {
  const std::string base = ToLower(path.substr(path.rfind('/') + 1));
  if (base == ".env" || StartsWith(base, ".env.") || EndsWith(base, ".env")) return true;
  for (std::string_view ext : {".properties", ".ini", ".cfg", ".conf", ".cnf", ".yaml", ".yml"}) {
    if (EndsWith(base, ext)) return true;
  }
  return false;
}

bool IsExampleOrTestPath(std::string_view path) {
  static constexpr std::string_view kDirs[] = {
      "test", "tests", "__tests__", "spec", "specs", "example", "examples",
      "fixtures", "__fixtures__", "testdata", "__mocks__", "samples", "demo", "demos"};
  std::vector<std::string> parts = Split(path, '/');
  if (parts.empty()) return false;
  std::string base = ToLower(parts.back());
  parts.pop_back();
  for (const std::string& dir : parts) {
    for (std::string_view d : kDirs) {
      if (dir == d) return true;
    }
  }
  // "DynamoDB-2012-08-10.examples.json", botocore's "examples-1.json",
  // "test.js", "url.test.js", "parser.spec.ts", "client_test.go",
  // "test_client.py".
  size_t dot = base.find('.');
  std::string_view stem = std::string_view(base).substr(0, dot);
  return Contains(base, ".examples.") || Contains(base, ".example.") ||
         Contains(base, ".test.") || Contains(base, ".spec.") ||
         stem == "test" || stem == "example" || StartsWith(stem, "examples-") ||
         StartsWith(stem, "test_") ||
         EndsWith(stem, "_test");
}

namespace {

// node_modules/, site-packages/, … or /usr/lib/python3*/: code that a
// package manager installed, not the image's own.
bool InThirdPartyTree(std::string_view path) {
  static constexpr std::string_view kDirs[] = {
      "/node_modules/", "/site-packages/", "/dist-packages/", "/vendor/", "/gems/",
      "/go/pkg/mod/", "/third_party/", "/third-party/", "/vendored/"};
  for (std::string_view dir : kDirs) {
    if (Contains(path, dir)) return true;
  }
  // Go's own source (its standard library and tests): the official image's
  // /usr/local/go/, Debian's /usr/lib/go-1.19/, golang.org/dl's
  // ~/sdk/go1.22.1/. Not GOPATH's /go/src/, where an app's own code is.
  if (Contains(path, "/usr/local/go/") || Contains(path, "/usr/lib/go/")) return true;
  // Debian's packaged libraries: Go sources of golang-*-dev, Perl, Ruby and
  // PHP modules.
  for (std::string_view dir : {"/usr/share/gocode/", "/usr/share/perl5/", "/usr/share/perl/",
                               "/perl5/5.", "/usr/lib/ruby/", "/usr/share/php/"}) {
    if (Contains(path, dir)) return true;
  }
  for (std::string_view root : {std::string_view("/lib/go-"), std::string_view("/sdk/go1.")}) {
    for (size_t at = path.find(root); at != std::string_view::npos;
         at = path.find(root, at + 1)) {
      std::string_view rest = path.substr(at + root.size());
      const size_t end = rest.find_first_not_of("0123456789.");
      if (end > 0 && end != std::string_view::npos && rest[end] == '/') return true;
    }
  }
  // The Python standard library, wherever it is installed: from Debian's
  // packages (/usr/lib/python3.11/), built from source (/usr/local/lib/…),
  // by conda (/opt/conda/lib/…), pyenv or uv (…/versions/3.11.7/lib/…).
  for (size_t at = path.find("/lib/python"); at != std::string_view::npos;
       at = path.find("/lib/python", at + 1)) {
    std::string_view rest = path.substr(at + 11);  // "3.11/test/…"
    if (rest.empty() || (rest[0] != '2' && rest[0] != '3')) continue;
    const size_t end = rest.find_first_not_of("0123456789.", 1);
    if (end != std::string_view::npos && rest[end] == '/') return true;
  }
  return false;
}

std::string Rooted(std::string_view path) {
  return StartsWith(path, "/") ? std::string(path) : "/" + std::string(path);
}

bool IsDocFileName(std::string_view dir, std::string_view base) {
  // PKG-INFO and METADATA of a Python package hold its README.
  static constexpr std::string_view kStems[] = {"readme", "changelog", "history", "changes",
                                                "news",   "pkg-info",  "metadata"};
  // TypeScript's declaration files (.d.ts) hold types and their JSDoc only.
  static constexpr std::string_view kExtensions[] = {".md", ".markdown", ".rst", ".adoc",
                                                     ".d.ts", ".d.mts", ".d.cts"};
  std::string name = ToLower(base);
  for (std::string_view stem : kStems) {
    if (StartsWith(name, stem)) return true;
  }
  for (std::string_view ext : kExtensions) {
    if (EndsWith(name, ext)) return true;
  }
  const bool in_doc_dir = Contains(dir, "/doc/") || Contains(dir, "/docs/");
  const bool in_man_dir = Contains(dir, "/man/");
  return (in_doc_dir && EndsWith(name, ".txt")) || in_man_dir;
}

}  // namespace

bool IsPackageDocPath(std::string_view path) {
  // Image paths may come with or without their leading '/'.
  std::string full = Rooted(path);
  // Manuals: doc, man and info pages, from a package or installed by hand.
  for (std::string_view root : {"/usr/share/", "/usr/local/share/"}) {
    if (!StartsWith(full, root)) continue;
    const std::string_view rest = std::string_view(full).substr(root.size());
    if (StartsWith(rest, "doc/") || StartsWith(rest, "man/") || StartsWith(rest, "info/")) {
      return true;
    }
  }
  size_t slash = full.rfind('/');
  std::string_view dir = std::string_view(full).substr(0, slash + 1);
  std::string_view base = std::string_view(full).substr(slash + 1);
  return InThirdPartyTree(dir) && IsDocFileName(dir, base);
}

bool InPackageTree(std::string_view path) {
  std::string full = Rooted(path);
  return InThirdPartyTree(full.substr(0, full.rfind('/') + 1));
}

bool IsSourceCodePath(std::string_view path) {
  static constexpr std::string_view kExtensions[] = {
      "c", "cc", "cpp", "cxx", "h", "hh", "hpp", "hxx", "inl", "ipp", "tcc",
      "m", "mm", "java", "kt", "kts", "scala", "groovy", "cs", "fs", "vb",
      "go", "rs", "swift", "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "py",
      "pyi", "rb", "php", "pl", "pm", "lua", "tcl", "tm", "vim", "el",
      "pas", "pp", "inc", "dpr", "lpr", "d", "dart", "zig", "nim", "ml",
      "hs", "erl", "ex", "exs", "clj", "jl", "r"};
  std::string_view base = path.substr(path.rfind('/') + 1);
  // A source map ("cdn.js.map") embeds the sources it maps.
  if (EndsWith(base, ".map")) base.remove_suffix(4);
  size_t dot = base.rfind('.');
  if (dot != std::string_view::npos && dot > 0) {
    std::string ext = ToLower(base.substr(dot + 1));
    for (std::string_view e : kExtensions) {
      if (ext == e) return true;
    }
  }
  // C++ standard headers have no extension.
  return path.find("/include/") != std::string_view::npos;
}

bool MentionsSecret(std::string_view v) {
  std::string lower = ToLower(v);
  for (std::string_view w :
       {"password", "passwd", "secret", "token", "credential", "privatekey",
        "private_key", "apikey", "api_key", "accesskey", "access_key"}) {
    if (Contains(lower, w)) return true;
  }
  return false;
}

namespace {

// The letter pairs that make 99.5% of the pairs in the words of Python's
// standard library (its names, split at capitals, and its comments), by
// use: bit b of row a holds the pair of letters 'a' + a, 'a' + b. English
// and the names made of it use about half of the 676 pairs; random letters
// fall on the other half as often.
constexpr uint32_t kCommonLetterPairs[26] = {
    0x1febd7e, 0x11edb1d, 0x13efdbd, 0x11e693f, 0x1fffdff, 0x11e493d, 0x03e79d1,
    0x11e7911, 0x2aefd7f, 0x0104010, 0x0542951, 0x17ef93f, 0x01cd93b, 0x13efd7d,
    0x2fefd7f, 0x15ec9bd, 0x0100000, 0x17efd7f, 0x15ffdfd, 0x3def9bd, 0x00ef97f,
    0x0004111, 0x0466999, 0x1889935, 0x04ef914, 0x0004111};

char LowerOf(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// A piece of a name that reads as a word: three letters or more, its
// letter pairs common ones. From six letters on, one pair in five may be
// rare, where words are glued ("lazyclassproperty", "cdldojistar").
bool ReadsAsWord(std::string_view piece) {
  constexpr size_t kMinWord = 3;
  constexpr size_t kLongWord = 6;
  constexpr size_t kPairsPerRare = 5;
  if (piece.size() < kMinWord) return false;
  size_t rare = 0;
  for (size_t i = 1; i < piece.size(); ++i) {
    const int a = LowerOf(piece[i - 1]) - 'a';
    const int b = LowerOf(piece[i]) - 'a';
    rare += (kCommonLetterPairs[a] >> b & 1U) == 0 ? 1 : 0;
  }
  if (piece.size() < kLongWord) return rare == 0;
  return rare * kPairsPerRare <= piece.size() - 1;
}

// A shell or PHP variable's name after a '$', with what follows it:
// capitals that end where a name ends ("$HOME/x", "$DB_PASS", "$USER@h"),
// or words ("$password", "$dbPass", "$this"); not random letters
// ("$GYX1GC^", "$CS(", "$jjjRV").
bool NamesAVariable(std::string_view id, std::string_view after) {
  if (!IsAlpha(id[0]) && id[0] != '_') return false;
  if (id.size() >= 2 && IsUpperIdentifier(id)) {
    return after.empty() || std::string_view(" \t/:.@\"'};,-").find(after[0]) !=
                                std::string_view::npos;
  }
  size_t words = 0;
  for (const std::string& piece : CamelPieces(id)) {
    if (piece.size() >= 3 && !ReadsAsWord(piece)) return false;
    words += ReadsAsWord(piece) ? 1 : 0;
  }
  return words > 0 && std::none_of(id.begin(), id.end(), IsDigit);
}

// The share of a value's letters and digits that stand in pieces that read
// as words, its letter runs cut as names are ("_Ed448PrivateKey",
// "+i6t-use-option": most; a random token: a tenth at most, mostly none).
double WordShare(std::string_view v) {
  size_t alnum = 0;
  size_t in_words = 0;
  for (size_t i = 0; i < v.size();) {
    if (!IsAlpha(v[i])) {
      alnum += IsDigit(v[i]) ? 1 : 0;
      ++i;
      continue;
    }
    // One piece: capitals ("HTTP" of "HTTPServer" leaves its last one to
    // the next piece) or a capital and small letters ("Server").
    size_t j = i;
    while (j < v.size() && IsUpper(v[j])) ++j;
    if (j - i > 1 && j < v.size() && IsLower(v[j])) {
      --j;
    } else {
      while (j < v.size() && IsLower(v[j])) ++j;
    }
    alnum += j - i;
    in_words += ReadsAsWord(v.substr(i, j - i)) ? j - i : 0;
    i = j;
  }
  return alnum == 0 ? 1.0 : static_cast<double>(in_words) / static_cast<double>(alnum);
}

// How often a value changes character class against how often a random
// value of the same mix of classes would: about 1 for random text, under
// half for "aaaa1111bbbb2222" or "0123456789abcdef".
double SwitchesAgainstChance(std::string_view v) {
  std::array<size_t, 4> count{};
  for (char c : v) ++count[ClassOf(c)];
  double same = 0;
  for (size_t n : count) {
    const double share = static_cast<double>(n) / static_cast<double>(v.size());
    same += share * share;
  }
  return same >= 1.0 ? 0.0 : ClassSwitchRatio(v) / (1.0 - same);
}

// "%Y-%m-%dT%H:%M", "%08x:%-4s": a format string, whatever its randomness,
// is mostly directives. A random password has a '%' before a letter now
// and then.
bool IsFormatString(std::string_view v) {
  size_t in_directives = 0;
  for (size_t i = v.find('%'); i != std::string_view::npos && i + 1 < v.size();
       i = v.find('%', i + 1)) {
    size_t j = i + 1;
    while (j < v.size() && (IsDigit(v[j]) || v[j] == '-' || v[j] == '.')) ++j;
    if (j < v.size() && IsAlpha(v[j])) in_directives += j + 1 - i;
  }
  return in_directives * 2 >= v.size();
}

}  // namespace

namespace {

// A name in code that says what kind of thing it holds
// ("MLKEM768X25519PublicKey", "ed25519.Ed25519PrivateKey"): a piece spelled
// as one of these words, a capital then small letters, with no small
// letter after it. A random value of 24 characters holds one by chance
// about once in 20,000.
bool HoldsTypeWord(std::string_view s) {
  static constexpr std::string_view kWords[] = {
      "Key",       "Keys",        "Public",      "Private",     "Secret", "Token",
      "Password",  "Credential",  "Credentials", "Certificate", "Cert",   "Signature",
      "Numbers",   "Params",      "Parameters",  "Factory",     "Spec",   "Cipher"};
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsUpper(s[i])) continue;
    for (std::string_view w : kWords) {
      if (s.substr(i).starts_with(w) &&
          (i + w.size() == s.size() || !IsLower(s[i + w.size()]))) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

bool BeginsCredentialScope(std::string_view rest) {
  constexpr size_t kDate = 8;  // yyyymmdd
  for (std::string_view slash : {std::string_view("/"), std::string_view("%2F")}) {
    if (!rest.starts_with(slash)) continue;
    const std::string_view date = rest.substr(slash.size(), kDate);
    if (date.size() == kDate && std::all_of(date.begin(), date.end(), IsDigit) &&
        rest.substr(slash.size() + kDate).starts_with(slash)) {
      return true;
    }
  }
  return false;
}

bool PassesConstantGate(std::string_view s) {
  // Longer than the generic rule's 8: a name only near a value is weaker
  // evidence than an assignment ("x-k8s-aws-id", "s3v4-query" are not
  // secrets), and the module's source, when shipped, is read as well.
  constexpr size_t kMinValue = 16;
  constexpr size_t kMaxValue = 1024;
  constexpr double kMinSwitches = 0.4;
  constexpr double kMaxWordShare = 0.5;
  // A name of a secret, made of words in part ("SecretKeyFactory.PBEWITH…"),
  // is no value; a random value may hold "Pw" or "Key" by chance.
  constexpr double kMinNameWordShare = 0.25;
  if (s.size() < kMinValue || s.size() > kMaxValue) return false;
  if (!std::all_of(s.begin(), s.end(),
                   [](char c) { return c > ' ' && c < 0x7F && c != '"' && c != '\\'; })) {
    return false;
  }
  const double words = WordShare(s);
  return SwitchesAgainstChance(s) >= kMinSwitches && words < kMaxWordShare &&
         !IsFormatString(s) && !HoldsTypeWord(s) && LooksRandom(s) &&
         !(words >= kMinNameWordShare && NameSuggestsSecret(s));
}

bool LooksBinary(std::string_view text) {
  constexpr size_t kSniff = 8000;
  return text.substr(0, kSniff).find('\0') != std::string_view::npos;
}

}  // namespace detect

bool IsPlaceholder(std::string_view value) {
  std::string_view v = detect::Unquote(value);
  if (v.empty()) return true;
  std::string lower = ToLower(v);
  for (std::string_view w : detect::kPlaceholderWords) {
    if (lower == w) return true;
  }
  for (std::string_view e : detect::kDocumentedExamples) {
    if (v == e) return true;
  }
  if (detect::IsTemplateReference(v)) return true;
  for (std::string_view f : detect::kPlaceholderFragments) {
    if (detect::Contains(lower, f)) return true;
  }
  return detect::HasPlaceholderSegment(v) || detect::IsRepetitive(v) ||
         detect::IsWordAndCountingDigits(v, detect::kPlaceholderWords);
}

}  // namespace safebuild
