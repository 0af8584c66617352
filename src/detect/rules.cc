// The rule table and its validators. A regex only finds the shape of a
// secret; the validator decides whether the value can be real: checksums
// where the format has one (GitHub, npm), a decoded "user:password" for
// base64 credentials, a key body for PEM blocks, and the placeholder,
// example and randomness filters for everything else.
#include "detect/rules.h"

#include <algorithm>
#include <cctype>
#include <array>
#include <string>
#include <vector>

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

// The size a DER structure ("MII…": a SEQUENCE, as every PKCS#1, SEC1 and
// PKCS#8 key is) declares in its first bytes, header included; 0 when the
// base64 does not start with one.
size_t DeclaredDerSize(std::string_view base64) {
  std::optional<std::string> head = Base64Decode(base64.substr(0, 8));
  if (!head || head->size() < 2 || static_cast<unsigned char>((*head)[0]) != 0x30) return 0;
  const auto* b = reinterpret_cast<const unsigned char*>(head->data());
  if (b[1] < 0x80) return b[1] + 2u;
  const size_t octets = b[1] & 0x7f;
  if (octets == 0 || octets > 3 || head->size() < 2 + octets) return 0;
  size_t size = 0;
  for (size_t i = 0; i < octets; ++i) size = (size << 8) | b[2 + i];
  return size + 2 + octets;
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
    if (c == '\\') {  // "\n" inside a JSON string, "\\n" escaped twice
      while (i + 1 < body.size() && body[i + 1] == '\\') ++i;
      const bool letter = i + 1 < body.size() && (body[i + 1] == 'n' || body[i + 1] == 'r' ||
                                                  body[i + 1] == 't');
      if (letter) ++i;
      continue;
    }
    if (IsAlnum(c) || c == '+' || c == '/') {
      ++base64;
      if (sample.size() < 4096) sample.push_back(c);
    } else if (!IsPemBodyExtra(c)) {
      return false;
    }
  }
  // A key cut short for a document ("MIIEpQIBAAKCAQEAuyf…ieR\n."): its DER
  // header declares far more than the body holds. No one can use it.
  const size_t declared = DeclaredDerSize(sample);
  if (declared > 0 && base64 * 10 < (declared + 2) / 3 * 4 * 9) return false;
  return base64 >= min_base64 && Entropy(sample) >= 3.0;
}

}  // namespace

// CPython's test/certdata/*.pem and a package's tests/fixtures/server.key
// are keys written for a test suite that npm, pip, gem or dpkg installed,
// not the image's: reported low (seen, not blocking) instead of dropped,
// since a key is a key wherever it lies. So are the self-test keys that
// gnutls and libgcrypt compile into their shared objects, and the examples
// of a package's documentation (OpenSSL's demos, node-rsa's README).
bool DemoteInPackageTests(Candidate& c) {
  if (c.in_package_tests) {
    c.severity = std::min(c.severity, Severity::kLow);
    c.description = "private key in a package's test data (shipped for its tests: low)";
  } else if (c.in_package_code) {
    c.severity = std::min(c.severity, Severity::kLow);
    c.description = "private key in a package's code (published with it: low)";
  } else if (c.in_shared_library) {
    c.severity = std::min(c.severity, Severity::kLow);
    c.description = "private key compiled into a shared library (its self-test key: low)";
  } else if (c.in_package_doc) {
    c.severity = std::min(c.severity, Severity::kLow);
    c.description = "private key in a package's documentation (an example: low)";
  }
  return true;
}

namespace {

bool ValidatePrivateKey(Candidate& c) {
  std::string_view v = c.value();
  size_t header_end = v.find("-----", 5);
  size_t footer = v.rfind("-----END");
  if (header_end == std::string_view::npos || footer <= header_end) {
    return false;
  }
  constexpr size_t kMinBase64 = 64;  // a PKCS#8 Ed25519 key has 64
  std::string_view body = v.substr(header_end + 5, footer - header_end - 5);
  if (!PemBodyLooksReal(body, kMinBase64)) return false;
  // Still a finding: a passphrase can be guessed offline, at leisure. The
  // report says so, for whoever weighs it.
  if (v.substr(0, header_end).find("ENCRYPTED") != std::string_view::npos ||
      body.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos) {
    c.description = "private key (encrypted with a passphrase)";
  }
  return DemoteInPackageTests(c);
}

bool ValidatePutty(Candidate& c) {
  std::string_view v = c.value();
  size_t lines = v.find("Private-Lines:");
  size_t body = v.find('\n', lines);
  if (lines == std::string_view::npos || body == std::string_view::npos) {
    return false;
  }
  constexpr size_t kMinBase64 = 40;  // an Ed25519 private blob has 48
  return PemBodyLooksReal(v.substr(body + 1), kMinBase64) && DemoteInPackageTests(c);
}

// "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----" (RFC 4716 style, ssh.com
// and older PuTTY exports): headers, then base64 lines.
bool ValidateSsh2Key(Candidate& c) {
  std::string_view v = c.value();
  size_t header_end = v.find("----", 10);
  size_t footer = v.rfind("---- END");
  if (header_end == std::string_view::npos || footer <= header_end) {
    return false;
  }
  constexpr size_t kMinBase64 = 64;
  std::string_view body = v.substr(header_end + 4, footer - header_end - 4);
  return PemBodyLooksReal(body, kMinBase64) && DemoteInPackageTests(c);
}

// Private keys outside PEM: the secret part must be long and random (not
// "xxxx", not an example's "..."), so a format's documentation is no key.
bool RandomSecretPart(std::string_view part, size_t min_length) {
  std::string compact;
  for (char ch : part) {
    if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') compact += ch;
  }
  return compact.size() >= min_length && compact.find("...") == std::string::npos &&
         Entropy(compact) >= 3.0 && !IsPlaceholder(compact);
}

// The secret part of a key in a format of its own (gpg-agent's, Tor's).
bool ValidateSecretPart(Candidate& c) {
  constexpr size_t kMinSecret = 32;
  return RandomSecretPart(c.value(), kMinSecret) && DemoteInPackageTests(c);
}

// A JSON Web Key with its private exponent or scalar "d" (certbot's
// account key, a JWKS file a service signs with), or a symmetric key's "k"
// (an HMAC or AES key of kty "oct").
bool ValidateJwk(Candidate& c) {
  std::string_view v = c.value();
  const bool symmetric = v.find("\"oct\"") != std::string_view::npos;
  const size_t d = v.find(symmetric ? "\"k\"" : "\"d\"");
  if (d == std::string_view::npos) return false;
  const size_t colon = v.find(':', d + 3);
  const size_t open = colon == std::string_view::npos ? colon : v.find('"', colon);
  const size_t close = open == std::string_view::npos ? open : v.find('"', open + 1);
  if (close == std::string_view::npos) return false;
  constexpr size_t kMinScalar = 32;  // an Ed25519 "d" has 43
  constexpr size_t kMinKey = 22;     // 128 bits
  if (symmetric) c.description = "symmetric key (JSON Web Key)";
  return RandomSecretPart(v.substr(open + 1, close - open - 1),
                          symmetric ? kMinKey : kMinScalar) &&
         DemoteInPackageTests(c);
}

// OpenVPN's static key: 2048 bits as 16 lines of hex.
bool ValidateOpenVpnKey(Candidate& c) {
  std::string_view v = c.value();
  const size_t body = v.find('\n');
  constexpr size_t kMinHex = 256;
  return body != std::string_view::npos && RandomSecretPart(v.substr(body), kMinHex) &&
         DemoteInPackageTests(c);
}

// .NET's <RSAKeyValue> with its private exponent <D>.
bool ValidateRsaKeyValue(Candidate& c) {
  constexpr size_t kReach = 8192;
  const size_t from = c.begin > kReach ? c.begin - kReach : 0;
  constexpr size_t kMinBase64 = 40;
  return c.text.substr(from, c.begin - from).find("<RSAKeyValue>") != std::string_view::npos &&
         RandomSecretPart(c.value(), kMinBase64) && DemoteInPackageTests(c);
}

// kubeconfig "client-key-data": base64 of a PEM private key.
bool ValidateKubeconfigKey(Candidate& c) {
  std::optional<std::string> pem = Base64Decode(c.value());
  return pem && pem->find("PRIVATE KEY-----") != std::string::npos;
}

bool ValidateAwsSecret(Candidate& c) {
  std::string_view v = c.value();
  return !IsPlaceholder(v) && !IsHexDigest(v) && LooksRandom(v) &&
         Entropy(v) >= 3.5;
}

// Narrows a quoted value to what is inside its quotes.
void Unquote(Candidate& c) {
  std::string_view v = c.value();
  size_t q = 0;
  if (v.size() >= 6 && (StartsWith(v, "\"\"\"") || StartsWith(v, "'''"))) {
    q = 3;  // TOML's multi-line strings, on one line
  } else if (StartsWith(v, "\\\"")) {
    q = 2;
  } else if (StartsWith(v, "\"") || StartsWith(v, "'") || StartsWith(v, "`")) {
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

void TrimLineEnd(Candidate& c);  // below, with the generic rule's helpers

struct SchemeName {
  std::string_view scheme;
  std::string_view description;
};

constexpr SchemeName kDatabaseSchemes[] = {
    {"postgres", "password in a PostgreSQL connection URL"},
    {"postgresql", "password in a PostgreSQL connection URL"},
    {"mysql", "password in a MySQL connection URL"},
    {"mariadb", "password in a MariaDB connection URL"},
    {"mongodb", "password in a MongoDB connection URL"},
    {"mongodb+srv", "password in a MongoDB connection URL"},
    {"redis", "password in a Redis connection URL"},
    {"rediss", "password in a Redis connection URL"},
    {"amqp", "password in an AMQP connection URL"},
    {"amqps", "password in an AMQP connection URL"},
    {"sqlserver", "password in a SQL Server connection URL"},
    {"mssql", "password in a SQL Server connection URL"},
};

// Names the kind of server when the URL's scheme is a database's.
void DescribeScheme(Candidate& c) {
  size_t begin = c.match_begin;
  while (begin > 0 && (IsAlnum(c.text[begin - 1]) || c.text[begin - 1] == '+')) {
    --begin;
  }
  std::string scheme = ToLower(c.text.substr(begin, c.match_begin - begin));
  for (const SchemeName& s : kDatabaseSchemes) {
    if (scheme == s.scheme) c.description = s.description;
  }
}

// Manuals and tests write a URL's password as one word ("apt:debian",
// "Benutzer:Passwort", "gebruiker:wachtwoord"), placeholders joined by a
// symbol ("foo%40bar") or escapes alone ("%2F%40"). A generated password
// has digits, or is long.
bool IsExampleUrlPassword(std::string_view password) {
  std::optional<std::string> decoded = PercentDecode(password);
  std::string plain = decoded ? *decoded : std::string(password);
  std::vector<std::string_view> pieces;
  for (size_t i = 0; i < plain.size();) {
    size_t start = i;
    while (i < plain.size() && IsAlnum(plain[i])) ++i;
    if (i > start) pieces.push_back(std::string_view(plain).substr(start, i - start));
    i = std::max(i, start + 1);
  }
  constexpr size_t kMaxWord = 12;
  for (std::string_view p : pieces) {
    if (p.find_first_of("0123456789") != std::string_view::npos) return false;
  }
  if (pieces.size() == 1) {
    std::string_view w = pieces[0];
    std::string lower = ToLower(w);
    bool cased = w.substr(1) == std::string_view(lower).substr(1);
    // "johndoe:randompassword@localhost": words run together, in lower case.
    const bool run =
        lower == w && (LooksLikeWords(w) || lower.find("password") != std::string::npos);
    return (w.size() <= kMaxWord && cased) || run;
  }
  return std::all_of(pieces.begin(), pieces.end(), [](std::string_view p) {
    return IsPlaceholder(p) || LooksLikeWords(p);
  });
}

bool IsHostChar(char c) {
  return IsAlnum(c) || std::string_view("._~%-[]").find(c) != std::string_view::npos;
}

// People type a password into a URL as it is ("https://u:p@ss#1@host/"),
// so the pattern takes everything up to the last "@" before a host. The
// userinfo really ends at the first "@" whose host is followed by the end
// of the URL, a port, a path, a query or a fragment: a path may hold "@"
// again ("https://u:pw@host/@scope/pkg"), a password's "@" is followed by
// more of the password.
size_t UserinfoEnd(std::string_view text, size_t begin, size_t end) {
  for (size_t at = text.find('@', begin); at < end; at = text.find('@', at + 1)) {
    size_t host_end = at + 1;
    while (host_end < text.size() && IsHostChar(text[host_end])) ++host_end;
    if (host_end == at + 1) continue;
    if (host_end == text.size() ||
        std::string_view(":/?#\"'`()<>|\\ \t\r\n").find(text[host_end]) !=
            std::string_view::npos) {
      return at;
    }
  }
  return end;
}

// "host:8080/path@v1" is a host, a port and a path, "host:/srv/x@y" a path:
// neither is a user and password.
bool LooksLikePortOrPath(std::string_view password) {
  size_t digits = 0;
  while (digits < password.size() && password[digits] >= '0' && password[digits] <= '9') {
    ++digits;
  }
  if (digits > 0 && digits <= 5 &&
      (digits == password.size() ||
       std::string_view("/?#,;").find(password[digits]) != std::string_view::npos)) {
    return true;
  }
  return !password.empty() && password[0] == '/';
}

// A README's "https://user:p%40ss@host" or "password = '…'" in a package
// that npm or pip installed is an example written for readers. A rule that
// knows no format cannot tell it from a real one, so there it is reported
// low (seen, not blocking) instead of dropped; token formats, whose
// checksum or structure proves them, keep their severity everywhere.
void DemoteInPackageDocs(Candidate& c, std::string_view description) {
  if (!c.in_package_doc || !c.credential_file.empty()) return;
  c.severity = std::min(c.severity, Severity::kLow);
  c.description = description;
}

bool ValidateUrlPassword(Candidate& c) {
  // The match starts at "://": a scheme must come before it.
  if (c.match_begin == 0 || !IsAlnum(c.text[c.match_begin - 1])) return false;
  c.end = UserinfoEnd(c.text, c.begin, c.end);
  if (LooksLikePortOrPath(c.value())) return false;
  // In .git-credentials a short password is still a password.
  const bool in_credential_file = !c.credential_file.empty();
  size_t min = in_credential_file ? 1 : kMinPassword;
  if (c.value().size() < min || !IsRealPassword(c.name, c.value())) {
    return false;
  }
  if (!in_credential_file &&
      (IsExampleUrlPassword(c.value()) ||
       (c.in_example_file && !LooksRandom(c.value())))) {
    return false;
  }
  DescribeScheme(c);
  DemoteInPackageDocs(c, "password in a URL in a package's documentation (an example: low)");
  return true;
}

// Keys of a key=value connection string (ADO.NET, ODBC, JDBC, libpq) that
// say the line names a server; "password=" alone is left to the generic
// rule and its stricter gate.
constexpr std::string_view kConnectionKeys[] = {
    "server=", "data source=", "host=", "hostaddr=", "address=", "addr=",
    "dbname=", "database=", "initial catalog=", "jdbc:", "driver={"};

// "self.DB_PASS", "settings.db.password": a program's member or setting,
// written into a connection string it builds.
bool IsMemberReference(std::string_view v) {
  static constexpr std::string_view kOwners[] = {"self.", "this.", "cls.", "os.", "settings.",
                                                 "config.", "conf.", "cfg.", "env.", "options.",
                                                 "opts.", "args.", "params.", "app."};
  return std::any_of(std::begin(kOwners), std::end(kOwners),
                     [&](std::string_view owner) { return v.starts_with(owner); }) &&
         std::all_of(v.begin(), v.end(),
                     [](char ch) { return IsAlnum(ch) || ch == '_' || ch == '.'; });
}

bool ValidateConnectionString(Candidate& c) {
  if (c.match_begin > 0 &&
      std::string_view(";&? \t\"'").find(c.text[c.match_begin - 1]) ==
          std::string_view::npos) {
    return false;
  }
  std::string_view line = LineAt(c.text, c.match_begin);
  size_t line_begin = static_cast<size_t>(line.data() - c.text.data());
  std::string before = ToLower(c.text.substr(line_begin, c.match_begin - line_begin));
  bool names_server = false;
  for (std::string_view k : kConnectionKeys) {
    names_server |= before.find(k) != std::string::npos;
  }
  if (!names_server) return false;
  Unquote(c);
  if (c.value().size() >= 2 && c.value().front() == '{' && c.value().back() == '}') {
    ++c.begin;  // ODBC quotes a value in braces
    --c.end;
  }
  std::string_view v = c.value();
  if (v.size() < kMinPassword || !IsRealPassword("", v) || MentionsSecret(v) ||
      IsMemberReference(v)) {
    return false;
  }
  DemoteInPackageDocs(
      c, "password in a connection string in a package's documentation (an example: low)");
  return true;
}

// Oracle's thin driver takes "user/password@host" in its URL. Its manual's
// "scott/tiger" is the example, and so is a password that is no random one.
bool ValidateOracleJdbc(Candidate& c) {
  if (c.in_example_file && c.credential_file.empty()) return false;
  std::string_view v = c.value();
  // The user: from the driver's ':' to the '/' before the password.
  const size_t slash = c.begin - 1;
  const size_t colon = c.text.rfind(':', slash);
  const std::string_view user = c.text.substr(colon + 1, slash - colon - 1);
  if (v.size() < kMinPassword || !IsRealPassword(user, v) || MentionsSecret(v) ||
      ToLower(v).starts_with("tiger") || !(PassesGenericGate(v) || LooksRandom(v))) {
    return false;
  }
  DemoteInPackageDocs(c, "password in an Oracle JDBC URL in a package's documentation "
                         "(an example: low)");
  return true;
}

// Splits a .pgpass line at its unescaped colons ("\\:" is a literal one).
std::vector<std::string_view> PgpassFields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == ':') {
      fields.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  fields.push_back(line.substr(start));
  return fields;
}

bool IsPgpassPort(std::string_view port) {
  return port == "*" ||
         (!port.empty() && port.size() <= 5 &&
          std::all_of(port.begin(), port.end(),
                      [](char ch) { return ch >= '0' && ch <= '9'; }));
}

// host:port:database:user:password: five fields without blanks, the port a
// number or '*'. A log line ("19:12:01 install bsdutils:amd64 <none> 1:2.38")
// has blanks between its colons.
bool IsPgpassEntry(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string_view> fields = PgpassFields(line);
  if (fields.size() != 5 || !IsPgpassPort(fields[1])) return false;
  return std::all_of(fields.begin(), fields.end(), [](std::string_view f) {
    return !f.empty() && f.find_first_of(" \t") == std::string_view::npos;
  });
}

// A .pgpass file under another name (pgpass.conf, a mounted secret): every
// line is blank, a comment or an entry. Such files are small; a larger text
// is a log or a table, whatever its first lines hold.
bool IsPgpassShaped(std::string_view text) {
  constexpr size_t kMaxPgpassText = 16 << 10;
  if (text.size() > kMaxPgpassText) return false;
  size_t entries = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t eol = std::min(text.find('\n', pos), text.size());
    std::string_view line = Trim(text.substr(pos, eol - pos));
    if (!line.empty() && line[0] != '#') {
      if (!IsPgpassEntry(line)) return false;
      ++entries;
    }
    pos = eol + 1;
  }
  return entries > 0;
}

// host:port:database:user:password. In a file named .pgpass any password
// counts; elsewhere the whole file must have the shape of one and the line
// must hold a generated-looking password, since logs, man pages and tables
// have colon-separated lines too.
bool ValidatePgpass(Candidate& c) {
  // The regex starts at ":port:", a literal RE2 can look for; the host is
  // what precedes it on the line: no colon, not a comment.
  size_t host = c.match_begin;
  while (host > 0 && c.text[host - 1] != '\n' && c.text[host - 1] != ':') --host;
  if (host > 0 && c.text[host - 1] == ':') return false;
  while (host < c.match_begin && (c.text[host] == ' ' || c.text[host] == '\t')) ++host;
  if (host == c.match_begin || c.text[host] == '#') return false;
  TrimLineEnd(c);
  std::string_view v = c.value();
  if (v.empty() || IsPlaceholder(v)) return false;
  if (c.credential_file == "credential-file-pgpass") return true;
  if (!IsPgpassShaped(c.text)) return false;
  return v.size() >= kMinPassword && !MentionsSecret(v) &&
         (PassesGenericGate(v) || LooksRandom(v));
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
  // "_password = _messages.StringField(1)": code, not an .npmrc line.
  if (v.find_first_of("()") != std::string_view::npos) return false;
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

// A Kubernetes image pull secret keeps a whole Docker config base64-encoded
// (data: .dockerconfigjson: eyJhdXRocyI6…): decoded, it is a finding when an
// "auth" entry in it holds a real user:password.
bool ValidateEncodedDockerConfig(Candidate& c) {
  std::optional<std::string> json = Base64Decode(c.value());
  if (!json) return false;
  std::string_view rest = *json;
  for (size_t at = rest.find("\"auth\""); at != std::string_view::npos;
       at = rest.find("\"auth\"", at + 6)) {
    size_t open = rest.find('"', rest.find(':', at + 6));
    size_t close = open == std::string_view::npos ? open : rest.find('"', open + 1);
    if (close == std::string_view::npos) return false;
    Candidate inner;
    inner.text = rest;
    inner.begin = open + 1;
    inner.end = close;
    if (ValidateBase64UserPassword(inner)) return true;
  }
  return false;
}

// "Bearer PRIMARY_ACCOUNT_JWT", "Bearer YOUR_TOKEN": a constant's name
// stands for the token in documentation.
bool ValidateBearer(Candidate& c) {
  std::string_view v = c.value();
  if (IsPlaceholder(v) || IsUpperIdentifier(v) || !LooksRandom(v)) return false;
  DemoteInPackageDocs(c, "bearer token in a package's documentation (an example: low)");
  return true;
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

// Quotes of prose (UTF-8 ‘ ’ “ ” « »), as a manual writes
// "‘--http-password=STRING’": a bare value ends at one, as it would at an
// ASCII quote, and one it starts with is no part of it.
void TrimTypographicQuotes(Candidate& c) {
  static constexpr std::string_view kQuotes[] = {"\xe2\x80\x98", "\xe2\x80\x99",
                                                 "\xe2\x80\x9c", "\xe2\x80\x9d",
                                                 "\xc2\xab", "\xc2\xbb"};
  bool trimmed = true;
  while (trimmed) {
    trimmed = false;
    for (std::string_view q : kQuotes) {
      if (c.value().starts_with(q)) {
        c.begin += q.size();
        trimmed = true;
      }
    }
  }
  size_t cut = c.value().size();
  for (std::string_view q : kQuotes) cut = std::min(cut, c.value().find(q));
  c.end = c.begin + cut;
}

// In a config file of lines (.env, .properties, .ini, YAML), a bare value
// after a key that starts its line runs to the end of the line:
// "password=Xk9(mP2)&vL7q" is all of it, where in code or a shell line '('
// or '&' would end it. An inline comment after a blank is no part of it.
void ExtendBareValue(Candidate& c, size_t name_at) {
  if (!c.in_line_config || c.end == c.begin || c.end >= c.text.size()) return;
  const char first = c.text[c.begin];
  if (first == '"' || first == '\'' || first == '`') return;
  if (std::string_view("()&;,*{}[]<>|").find(c.text[c.end]) == std::string_view::npos) return;
  const size_t line = name_at == 0 ? std::string_view::npos
                                   : c.text.find_last_of("\r\n", name_at - 1);
  const size_t line_start = line == std::string_view::npos ? 0 : line + 1;
  const std::string_view lead = Trim(c.text.substr(line_start, name_at - line_start));
  if (!lead.empty() && lead != "export" && lead != "-") return;
  size_t eol = std::min(c.text.find_first_of("\r\n", c.end), c.text.size());
  for (size_t i = c.end; i + 1 < eol; ++i) {
    if ((c.text[i] == ' ' || c.text[i] == '\t') && (c.text[i + 1] == '#' || c.text[i + 1] == ';')) {
      eol = i;
      break;
    }
  }
  while (eol > c.end && (c.text[eol - 1] == ' ' || c.text[eol - 1] == '\t')) --eol;
  c.end = eol;
}

// Whether `v` is nothing but \uXXXX escapes of characters past ASCII.
bool IsEscapedNonAsciiText(std::string_view v) {
  constexpr size_t kEscape = 6;  // \uXXXX
  if (v.empty() || v.size() % kEscape != 0) return false;
  for (size_t i = 0; i < v.size(); i += kEscape) {
    const std::string_view e = v.substr(i, kEscape);
    if (!e.starts_with("\\u") ||
        !std::all_of(e.begin() + 2, e.end(), [](char h) { return HexDigit(h) >= 0; })) {
      return false;
    }
    if (e.substr(2, 2) == "00" && e[4] < '8') return false;  // ASCII
  }
  return true;
}

// Code or a flag, not a literal: "os.getenv(", "env[", "--verbose".
bool IsExpressionOrFlag(const Candidate& c) {
  if (c.end < c.text.size() &&
      (c.text[c.end] == '(' || c.text[c.end] == '[')) {
    return true;
  }
  std::string_view v = c.value();
  // 'token: "'+e.toString()+'"': the quotes close and open strings joined
  // with '+'.
  for (std::string_view join : {"'+", "\"+", "+'", "+\""}) {
    if (v.starts_with(join) || v.ends_with(join)) return true;
  }
  size_t dashes = std::min(v.find_first_not_of('-'), v.size());
  return dashes > 0 && LooksLikeIdentifier(v.substr(dashes));
}

// A regular expression for names of secrets ("…:secret:MyApp-.+"), as API
// models and linters hold them.
bool IsRegexLike(std::string_view v) {
  // Also Vim's and POSIX basic regular expressions: '\.\(Z\|gz\)$'.
  for (std::string_view piece :
       {"\\d", "\\w", "\\s", "[a-z", "[A-Z", "[0-9", "(?:", "(?i", "\\(", "\\|", "\\<"}) {
    if (v.find(piece) != std::string_view::npos) return true;
  }
  // A pattern's tail ("App-.+") on words; a random password may end in
  // ".+" too, and what comes before then passes the gate on its own.
  const bool tail =
      v.ends_with(".+") || v.ends_with(".*") || v.ends_with("+$") || v.ends_with("*$");
  return tail && !PassesGenericGate(v.substr(0, v.size() - 2));
}

// An OAuth client of an installed application ships its "secret" inside
// the program: Google's own docs say it is not treated as one. A user's
// credentials file for such a client (gcloud's application default
// credentials, "type": "authorized_user") holds it beside the refresh
// token, which is the credential and is reported on its own.
void DemoteInstalledAppClientSecret(Candidate& c) {
  if (ToLower(c.name) != "client_secret" ||
      c.text.find("\"authorized_user\"") == std::string_view::npos) {
    return;
  }
  c.severity = Severity::kLow;
  c.description = "OAuth client secret of an installed application (public by design; the "
                  "refresh token beside it is the credential): low";
}

// Mapbox's public tokens ("pk.eyJ…") are meant for browsers; its secret
// ones start "sk.".
bool IsPublicToken(std::string_view v) { return v.starts_with("pk.eyJ"); }

// A credential file (.my.cnf, .pypirc, .env, terraform.tfstate, …) is
// where a password is, and a history file keeps the ones that were typed,
// so there a weak one (letters only, no mixed case) is reported too.
bool IsWeakPasswordOfCredentialFile(const Candidate& c) {
  return (!c.credential_file.empty() || c.in_history_file) &&
         c.value().size() >= kMinPassword && IsPasswordOfCredentialFile(c.value());
}

// "https://codecov.io/gh/o/r/graph/badge.svg?token=…": a status badge's
// token reads nothing but a public image, and READMEs embed it by design.
bool IsBadgeQuery(const Candidate& c) {
  size_t name = static_cast<size_t>(c.name.data() - c.text.data());
  if (name == 0 || (c.text[name - 1] != '?' && c.text[name - 1] != '&')) {
    return false;
  }
  std::string_view line = LineAt(c.text, name);
  size_t line_begin = static_cast<size_t>(line.data() - c.text.data());
  std::string_view before = c.text.substr(line_begin, name - line_begin);
  size_t query = before.rfind('?');
  if (query == std::string_view::npos) return false;
  std::string path = ToLower(before.substr(0, query));
  return EndsWith(path, ".svg") || EndsWith(path, ".png") ||
         EndsWith(path, ".gif");
}

// "sltoken.c: parse_error", "AuthChoices.java: DigestClient", "man/{pass.3
// => pass.3bsd}": a changelog names a source or manual file, and what
// follows is a function, a class or a new name, not a password.
bool NameIsSourceFile(std::string_view name) {
  static constexpr std::string_view kExtensions[] = {
      "c",  "h",  "cc", "cpp", "cxx", "hpp", "java", "kt",  "scala", "py", "rb",
      "pl", "pm", "php", "js", "ts",  "go",  "rs",   "cs",  "swift", "sh", "md",
      "rst", "txt", "adoc", "html", "htm", "1", "2", "3", "4", "5", "6", "7", "8"};
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  std::string ext = ToLower(name.substr(dot + 1));
  for (std::string_view e : kExtensions) {
    if (ext == e) return true;
  }
  return false;
}

// "token=Root%20CA%20Certificates" (a PKCS#11 URI): percent-encoded words.
bool IsEncodedPhrase(std::string_view v) {
  return v.find("%20") != std::string_view::npos;
}

// An IPv6 address or interface token, bare or after a word: "::1",
// "fe80::1", "static:::1a:2b:3c:4d" (systemd's IPv6Token=).
bool IsAddressLike(std::string_view v) {
  const size_t word = v.find_first_not_of("abcdefghijklmnopqrstuvwxyz");
  if (word != std::string_view::npos && word > 0 && v[word] == ':' &&
      v.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
    v.remove_prefix(word + 1);  // "static:"
  }
  return !v.empty() && v.find_first_not_of("0123456789abcdefABCDEF:.") == std::string_view::npos &&
         std::count(v.begin(), v.end(), ':') >= 2;
}

// Rails' "secret_key_base: <128 hex>", Flask's SECRET_KEY = "<hex>": a
// secret or password written in hex, where the gate takes hex for a digest.
// `openssl rand -hex 8` and longer: hex of any length from 16 digits (the
// gate takes 40, 64, … for a digest and has too few letter and digit
// changes to judge short hex).
bool IsHexSecret(const Candidate& c) {
  constexpr size_t kMinHex = 16;
  std::string name = ToLower(c.name);
  std::string_view v = c.value();
  auto hex = [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; };
  auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  const bool letters = !std::all_of(v.begin(), v.end(), digit);
  const bool digits = std::any_of(v.begin(), v.end(), digit);
  // "password_sha256": a digest of one, named so.
  for (std::string_view digest :
       {"sha1", "sha256", "sha512", "md5", "hash", "digest", "commit", "revision"}) {
    if (name.find(digest) != std::string::npos) return false;
  }
  // A key in hex is 128 bits or more (WPA's PSK 256); shorter hex under a
  // key's name is an id ("3AA5C34371567BD2", a GnuPG key's).
  constexpr size_t kMinHexKey = 32;
  const bool key = (name.find("key") != std::string::npos ||
                    name.find("psk") != std::string::npos) &&
                   v.size() >= kMinHexKey && name.find("gpg") == std::string::npos &&
                   name.find("pgp") == std::string::npos;
  // An API token in hex is 128 bits or more too: GitHub's before 2021 (40
  // digits), hub's and CircleCI's.
  const bool token = name.find("token") != std::string::npos && v.size() >= kMinHexKey;
  return v.size() >= kMinHex && std::all_of(v.begin(), v.end(), hex) && letters && digits &&
         !IsPlaceholder(v) && Entropy(v) >= 2.5 &&
         (name.find("secret") != std::string::npos || name.find("password") != std::string::npos ||
          key || token);
}

// A UUID is an id, also under a secret's name ("SESSION_SECRET"), except
// where a service issues its API key as one: Heroku's.
bool IsUuidSecret(const Candidate& c) {
  return IsUuid(c.value()) && !IsPlaceholder(c.value()) &&
         ToLower(c.name).find("heroku") != std::string::npos;
}

// WordPress's wp-config.php: eight keys and salts, 64 printable characters
// each; "put your unique phrase here" is the sample file's placeholder.
bool ValidateGossipKey(Candidate& c) {
  constexpr size_t kMinRandom = 40;
  return RandomSecretPart(c.value(), kMinRandom) && !IsPlaceholder(c.value());
}

// 32 random hex digits: their entropy is 3.6 bits on average and seldom
// under 3; a placeholder's ("0000…", "abcdef…") is far lower.
bool ValidateHexKey(Candidate& c) {
  constexpr double kMinEntropy = 2.5;
  return !IsPlaceholder(c.value()) && Entropy(c.value()) >= kMinEntropy;
}

bool ValidateLaravelKey(Candidate& c) {
  constexpr size_t kMinRandom = 40;
  if (!RandomSecretPart(c.value().substr(std::string_view("base64:").size()), kMinRandom)) {
    return false;
  }
  DemoteInPackageDocs(c, "secret-looking value in a package's documentation (an example: low)");
  return true;
}

bool ValidateWordPressSalt(Candidate& c) {
  Unquote(c);
  std::string_view v = c.value();
  constexpr size_t kMinSalt = 16;
  if (v.size() < kMinSalt || v == "put your unique phrase here") return false;
  // WordPress draws its salts from letters, digits and punctuation with
  // '$', '<>', '{}' and '[]' in it, which would make many of them look like
  // a template: a long value that random passes as it is.
  constexpr size_t kGeneratedSalt = 32;
  constexpr double kGeneratedEntropy = 4.5;
  if (v.size() >= kGeneratedSalt && Entropy(v) >= kGeneratedEntropy) return true;
  return !IsPlaceholder(v) && Entropy(v) >= 3.5;
}

// A dependency in package.json: "auth0-legacy": "npm:auth0@^4.37.1".
bool IsPackageSpec(std::string_view v) {
  for (std::string_view prefix : {"npm:", "github:", "file:", "workspace:", "link:", "portal:",
                                  "patch:", "git+https:", "git+ssh:"}) {
    if (StartsWith(v, prefix)) return true;
  }
  return false;
}

// "updatedPassJwtSignature": "my_updatedPassJwtSignature": a sample value
// made of its own key's name.
// So is a value its name holds, spelt another way: OpenSSL's
// #define SN_kx_ecdhe_psk "KxECDHE-PSK".
bool NamesItself(const Candidate& c) {
  constexpr size_t kMinName = 6;
  auto letters = [](std::string_view s) {
    std::string out;
    for (char ch : s) {
      if (IsAlnum(ch)) out += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    return out;
  };
  const std::string name = letters(c.name);
  const std::string value = letters(c.value());
  if (std::min(name.size(), value.size()) >= kMinName &&
      (value.find(name) != std::string::npos || name.find(value) != std::string::npos)) {
    return true;
  }
  // Go's msgUserAuthPubKeyOk: "userAuthPubKeyOkMsg": the name's words in
  // another order.
  constexpr size_t kMinPieces = 3;
  const std::vector<std::string> name_pieces = NamePieces(c.name);
  const std::vector<std::string> value_pieces = NamePieces(c.value());
  return value_pieces.size() >= kMinPieces &&
         std::all_of(value_pieces.begin(), value_pieces.end(), [&](const std::string& p) {
           return std::find(name_pieces.begin(), name_pieces.end(), p) != name_pieces.end();
         });
}

// A line of a Python doctest, or of the output it shows, as docstrings
// hold them: ">>> s = OAuth1Session('key', client_secret='…')", then
// "{'oauth_token_secret': '…'}" under it. An example, not a setting.
bool InDoctest(const Candidate& c) {
  // Doctest lines are short: only what lies this far before the value is
  // read, so a minified line costs no more than a short one.
  constexpr size_t kReach = 2048;
  constexpr int kMaxOutputLines = 20;
  const size_t from = c.begin > kReach ? c.begin - kReach : 0;
  const std::string_view before = c.text.substr(from, c.begin - from);
  size_t end = before.size();  // walks back line by line from the value's
  for (int i = 0; i <= kMaxOutputLines; ++i) {
    const size_t newline = end == 0 ? std::string_view::npos : before.rfind('\n', end - 1);
    if (newline == std::string_view::npos && from > 0) return false;  // a line too long
    const size_t begin = newline == std::string_view::npos ? 0 : newline + 1;
    const size_t line_end = i == 0 ? before.size() : end;
    const std::string_view line = Trim(before.substr(begin, line_end - begin));
    if (line.starts_with(">>>") || line.starts_with("... ")) return true;
    const bool docstring_edge = line.find("\"\"\"") != std::string_view::npos ||
                                line.find("'''") != std::string_view::npos;
    if ((i > 0 && line.empty()) || docstring_edge || begin == 0) return false;
    end = begin - 1;
  }
  return false;
}

// A Bitnami SealedSecret's encryptedData: each value is sealed to the
// cluster's key (RSA-OAEP, then AES), in base64; only the cluster can open
// it, and the format is meant to be committed.
bool IsSealedSecretData(const Candidate& c) {
  constexpr size_t kHead = 4096;  // "kind:" opens the manifest
  constexpr size_t kMinSealed = 200;  // a 4096-bit RSA block alone is 684
  const std::string_view v = c.value();
  if (v.size() < kMinSealed) return false;
  const std::string_view head = c.text.substr(0, kHead);
  return head.find("SealedSecret") != std::string_view::npos &&
         std::all_of(v.begin(), v.end(), [](char ch) {
           return IsAlnum(ch) || ch == '+' || ch == '/' || ch == '=';
         });
}

// "auth-data : LISTofCARD8 or None": a sentence goes on after the value.
bool ProseFollows(const Candidate& c) {
  static constexpr std::string_view kWords[] = {"or",  "and", "of",   "is",   "are",  "to",
                                                "if",  "for", "the",  "with", "from", "in"};
  std::string_view rest = c.text.substr(c.end);
  rest = rest.substr(0, rest.find('\n'));
  if (rest.empty() || (rest[0] != ' ' && rest[0] != '\t')) return false;
  rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
  std::string_view word = rest.substr(0, std::min(rest.find_first_of(" \t\r"), rest.size()));
  for (std::string_view w : kWords) {
    if (word == w && word.size() < rest.size()) return true;
  }
  return false;
}

// A Kubernetes Secret's data holds each value in base64: "Y2hhbmdlbWU=" is
// "changeme", a placeholder as much as the plain word is. Only text that
// is itself no secret counts ("hunter2" in base64 is still a finding).
bool IsBase64OfNoSecret(std::string_view v) {
  constexpr size_t kMinBase64 = 8;
  if (v.size() < kMinBase64 || v.size() % 4 != 0) return false;
  std::optional<std::string> plain = Base64Decode(v);
  if (!plain || plain->empty()) return false;
  auto printable = [](char ch) { return ch >= 0x20 && ch < 0x7f; };
  if (!std::all_of(plain->begin(), plain->end(), printable)) return false;
  return IsPlaceholder(*plain) || MentionsSecret(*plain) || StartsWith(*plain, "${") ||
         StartsWith(*plain, "$(") || StartsWith(*plain, "{{");
}

bool ValidateGeneric(Candidate& c) {
  ExtendNameLeft(c);
  if (NameIsSourceFile(c.name)) return false;
  // "/etc/passwd:eli:x:2098": a path, not a key.
  const size_t name_at = static_cast<size_t>(c.name.data() - c.text.data());
  if (name_at > 0 && c.text[name_at - 1] == '/') return false;
  // "AWS::IAM::AccessKey", "Auth::Token": a scoped type name, not a key.
  if (name_at >= 2 && c.text.substr(name_at - 2, 2) == "::") return false;
  // "credential.https://host.helper": the ':' ends a URL's scheme, not a
  // key (git's per-URL settings name the URL in the key).
  if (c.begin > 0 && c.text[c.begin - 1] == ':' && c.value().starts_with("//")) return false;
  // "arn:aws:secretsmanager:…:111122223333:secret:db-XHb67j": the resource
  // type of an AWS ARN, and a secret's name after it, no key and value;
  // also in a pattern for ARNs ("arn:([a-z\\d-]+):.*:secret:App-.+").
  if (name_at > 0 && c.text[name_at - 1] == ':') {
    const size_t token = c.text.find_last_of(" \t\r\n\"'=,;", name_at - 1);
    const size_t from = token == std::string_view::npos ? 0 : token + 1;
    if (c.text.substr(from, name_at - from).starts_with("arn:")) return false;
  }
  // "PASS: test name" is a test log's verdict, not a password.
  if (c.name == "PASS") return false;
  // Sample values of examples and tests; a credential file there still
  // counts.
  if (c.in_example_file && c.credential_file.empty()) return false;
  if (IsBadgeQuery(c)) return false;
  if (!NameSuggestsSecret(c.name) || OwnedBySpecificRule(c.name)) return false;
  TrimLineEnd(c);
  ExtendBareValue(c, name_at);
  TrimTypographicQuotes(c);
  const size_t with_quotes = c.end - c.begin;
  Unquote(c);
  // "${DB_PASSWORD:-…}", ":=…": the shell's default for the variable.
  const bool shell_default = name_at >= 2 && c.text.substr(name_at - 2, 2) == "${" &&
                             c.begin > 0 && c.text[c.begin - 1] == ':' && c.end > c.begin &&
                             (c.text[c.begin] == '-' || c.text[c.begin] == '=');
  if (shell_default) ++c.begin;
  // A header's value: "Authorization" with "Bearer …" (a HAR, Postman).
  for (std::string_view scheme : {"Bearer ", "bearer ", "Token ", "token "}) {
    if (c.value().starts_with(scheme) && c.value().size() > scheme.size()) {
      c.begin += scheme.size();
    }
  }
  // In a program, a bare value after "token =" is an expression.
  if (c.in_source_code && c.end - c.begin == with_quotes) return false;
  std::string_view v = c.value();
  // A GitHub or npm token whose checksum fails: its own rule reports it,
  // low, as no token that works.
  constexpr size_t kChecksummedToken = 40;
  if (v.size() == kChecksummedToken && v[3] == '_' &&
      std::all_of(v.begin() + 4, v.end(), [](char ch) { return IsAlnum(ch); })) {
    for (std::string_view prefix : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"}) {
      if (v.starts_with(prefix) && !Base62ChecksumValid(v.substr(4))) return false;
    }
  }
  // "\u0e1b\u0e32\u0e40\u0e25\u0e32": a word of another script, written
  // in escapes (a locale's names, as metaValue_PW for Palau).
  if (IsEscapedNonAsciiText(v)) return false;
  // "Credential=AKIA…/20190814/…": a signed request's credential scope, a
  // key ID that every request shows (the key ID's own rule reports it).
  constexpr size_t kAwsKeyId = 20;
  if (v.size() > kAwsKeyId && (v.starts_with("AKIA") || v.starts_with("ASIA")) &&
      BeginsCredentialScope(v.substr(kAwsKeyId))) {
    return false;
  }
  // "Token::Parser" (a scope in Perl, C++, Ruby), "Token=static:::1a:2b"
  // (systemd), "::1" (IPv6): no password.
  const bool scope = c.begin > 0 && c.text[c.begin - 1] == ':' && v.starts_with(':');
  if (scope || IsAddressLike(v) || IsPackageSpec(v) || NamesItself(c)) return false;
  // "password= scmVersion=": a list of keys, each with its '=', no value.
  // A random value may end in '=' too; then the rest passes the gate.
  const std::string_view key = v.substr(0, v.size() - 1);
  auto key_char = [](char ch) { return IsAlnum(ch) || ch == '_'; };
  if (v.size() > 1 && v.back() == '=' && v.size() % 4 != 0 && !(key[0] >= '0' && key[0] <= '9') &&
      std::all_of(key.begin(), key.end(), key_char) && !PassesGenericGate(key)) {
    return false;
  }
  const bool quoted = c.end - c.begin != with_quotes;
  // "* pass8: Combination.": an index entry or a sentence, a capitalised
  // word and a stop.
  if (!quoted && v.size() > 2 && (v.back() == '.' || v.back() == ',')) {
    std::string_view word = v.substr(0, v.size() - 1);
    auto lower = [](char ch) { return ch >= 'a' && ch <= 'z'; };
    const bool capitalised = word[0] >= 'A' && word[0] <= 'Z' &&
                             std::all_of(word.begin() + 1, word.end(), lower);
    if (capitalised || LooksLikeWords(word)) return false;
  }
  // "?NonExpressionParenEnd", "#ParenStart": a sigil before an identifier.
  const size_t sigils = std::min(v.find_first_not_of("?#!@$%&*^~"), v.size());
  if (sigils > 0 && sigils < v.size() && LooksLikeIdentifier(v.substr(sigils))) return false;
  // '= ",DuplicateBinding:"': the quotes close one string and open the
  // next; a value's closing quote is never followed by a letter.
  if (quoted && c.end + 1 < c.text.size() && IsAlnum(c.text[c.end + 1])) return false;
  if (!quoted && ProseFollows(c)) return false;
  if (c.in_source_code && InDoctest(c)) return false;
  if (IsSealedSecretData(c)) return false;
  if (v.empty() || IsExpressionOrFlag(c) || MentionsSecret(v) || IsEncodedPhrase(v) ||
      IsBase64OfNoSecret(v) || IsRegexLike(v) || IsPublicToken(v) ||
      !(PassesGenericGate(v) || IsWeakPasswordOfCredentialFile(c) || IsHexSecret(c) ||
        IsUuidSecret(c) || (quoted && !c.in_source_code && PassesAsPassphrase(v)))) {
    return false;
  }
  DemoteInPackageDocs(c, "secret-looking value in a package's documentation (an example: low)");
  DemoteInstalledAppClientSecret(c);
  return true;
}

// An SNMP community string: not the well-known defaults, and random
// enough to be a password someone chose.
bool ValidateSnmpCommunity(Candidate& c) {
  const std::string_view v = c.value();
  const std::string lower = ToLower(v);
  if (lower == "public" || lower == "private" || IsPlaceholder(v)) return false;
  return PassesGenericGate(v);
}

// "requirepass VALUE": a name and a value apart by blanks are an
// assignment only where a configuration file writes them, alone on their
// line; in a program it is a call or a declaration.
bool ValidateBlankSeparated(Candidate& c) {
  ExtendNameLeft(c);
  const size_t name_at = static_cast<size_t>(c.name.data() - c.text.data());
  size_t from = name_at;
  while (from > 0 && c.text[from - 1] != '\n') --from;
  if (c.text.substr(from, name_at - from).find_first_not_of(" \t") != std::string_view::npos) {
    return false;
  }
  return !c.in_source_code && ValidateGeneric(c);
}

// The name in quotes, as code and config files hold it: the first argument
// of a call (PHP's define('DB_PASSWORD', '…'), config('password', '…')),
// a subscript (os.environ['TOKEN'] = '…', $cfg['db_pass'] = '…'), or an
// XML setting (.NET's <add key="ApiSecret" value="…" />).
bool ValidateQuotedName(Candidate& c) {
  ExtendNameLeft(c);
  const size_t begin = static_cast<size_t>(c.name.data() - c.text.data());
  const size_t end = begin + c.name.size();
  if (begin == 0 || end >= c.text.size() || c.text[end] != c.text[begin - 1]) return false;
  std::string_view before = c.text.substr(0, begin - 1);
  while (!before.empty() && (before.back() == ' ' || before.back() == '\t')) {
    before.remove_suffix(1);
  }
  // Only what ends `before` matters: "(", "[", "key=", "name=".
  const std::string opener =
      ToLower(before.substr(before.size() - std::min<size_t>(5, before.size())));
  const size_t after = c.text.find_first_not_of(" \t", end + 1);
  const char next = after == std::string_view::npos ? '\0' : c.text[after];
  const bool call = next == ',' && EndsWith(opener, "(");
  const bool subscript = next == ']' && EndsWith(opener, "[");
  const bool keyed = EndsWith(opener, "key=") || EndsWith(opener, "name=");
  // <add key="ApiKey" value="…"/>; <entry key="db.password">…</entry>
  // (Java's properties in XML).
  const bool xml = keyed && (next == 'v' || next == 'V' || next == '>');
  return (call || subscript || xml) && ValidateGeneric(c);
}

// A password given to a command (mysql -pVALUE, sshpass -p VALUE, curl -u
// user:VALUE): no key name to judge, only the value.
bool ValidateCommandLinePassword(Candidate& c) {
  if (c.in_example_file && c.credential_file.empty()) return false;
  Unquote(c);
  std::string_view v = c.value();
  if (v.empty() || IsExpressionOrFlag(c) || MentionsSecret(v) || IsPasswordHash(v) ||
      !(PassesGenericGate(v) || IsWeakPasswordOfCredentialFile(c))) {
    return false;
  }
  DemoteInPackageDocs(c, "password on a command line in a package's documentation "
                         "(an example: low)");
  return true;
}

// userPassword:: BASE64 of an LDIF file: the decoded value is the password
// when it is one; a hash scheme ({SSHA}, {CRYPT}, $6$) is not.
bool ValidateLdifPassword(Candidate& c) {
  if (c.in_example_file || c.in_package_doc) return false;
  const std::optional<std::string> plain = Base64Decode(c.value());
  if (!plain || plain->size() < kMinPassword || plain->starts_with("{") ||
      plain->starts_with("$")) {
    return false;
  }
  return IsPasswordOfCredentialFile(*plain);
}

// A recovery phrase: 12, 15, 18, 21 or 24 words, mostly distinct. The
// published test phrases ("abandon abandon … about", "test test … junk")
// repeat one word.
bool ValidateMnemonic(Candidate& c) {
  if (c.in_example_file) return false;
  std::vector<std::string> words;
  for (std::string& w : Split(std::string(c.value()), ' ')) {
    std::string_view word = Trim(w);
    if (!word.empty()) words.emplace_back(word);
  }
  const size_t n = words.size();
  if (n % 3 != 0 || n < 12 || n > 24) return false;
  std::sort(words.begin(), words.end());
  const size_t distinct =
      static_cast<size_t>(std::unique(words.begin(), words.end()) - words.begin());
  if (distinct * 4 < n * 3) return false;
  DemoteInPackageDocs(c, "recovery phrase in a package's documentation (an example: low)");
  return true;
}

// A UUID that is a token by its name; all zeros or a run of one digit is a
// placeholder.
bool ValidateUuidToken(Candidate& c) {
  if (c.in_example_file) return false;
  std::string_view v = c.value();
  if (IsPlaceholder(v) || Entropy(v) < 3.0) return false;
  DemoteInPackageDocs(c, "token in a package's documentation (an example: low)");
  return true;
}

bool ValidateJenkinsDefault(Candidate& c) {
  if (c.in_example_file) return false;
  std::string_view v = c.value();
  return !v.starts_with("{") && v.size() >= kMinPassword && IsPasswordOfCredentialFile(v);
}

constexpr std::string_view kGenericDescription =
    "secret-looking value assigned to a secret-named key";

// Pieces of the generic patterns: a key name holding a keyword, and a value
// (double- or single-quoted, quoted inside JSON, or bare).
#define SB_KEYWORD                                                        \
  R"((?i:pass|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|)" \
  R"(credential|auth|_pw|(?-i:_PAT)\b|psk|signing[_-]key|)" \
  R"((?:encryption|master|hmac|fernet)[_-]?key))"
// The same for a name apart from its value by blanks alone (rootpw …).
#define SB_BLANK_KEYWORD                                                  \
  R"((?i:pass|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|)" \
  R"(credential|auth|rootpw|bindpw|psk|_pw))"
#define SB_NAME_CHARS R"([A-Za-z0-9_.-]*)"
#define SB_VALUE                                                          \
  R"(('''[^'\r\n]*'''|"""[^"\r\n]*"""|)"               \
  R"("(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|\\"[^"\\\r\n]*\\"|\x60[^\x60\r\n]*\x60|)" \
  R"([^\s"'\x60;,(){}\[\]<>|\\&]+))"
#define SB_GENERIC_KEYWORDS                                              \
  R"((?i:pass|pwd|secret|token|apikey|api_key|api-key|accesskey|access_key|)" \
  R"(access-key|privatekey|private_key|private-key|credential|auth|_pw|psk|)" \
  R"(signing_key|signing-key|encryptionkey|encryption_key|encryption-key|)" \
  R"(masterkey|master_key|master-key|hmackey|hmac_key|hmac-key|fernetkey|fernet_key|)" \
  R"(fernet-key)|_PAT)"
// After an AWS secret's name: a separator and 40 base64 characters.
#define SB_AWS_SECRET_VALUE                                              \
  R"(\\?["']?(?:[ \t]*(?::=|=>|=|:)[ \t]*|[ \t]+)\\?["']?)"              \
  R"(([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$))"

constexpr Severity kCritical = Severity::kCritical;
constexpr Severity kHigh = Severity::kHigh;
constexpr Before kAnything = Before::kAnything;
constexpr Before kNonWord = Before::kNonWord;

constexpr Pattern kKeyPatterns[] = {
    {"private-key", kCritical, "private key", "-----BEGIN",
     // The body may not hold "-----", so a match never spans two blocks.
     R"((-----BEGIN (?:[A-Z0-9]+ ){0,2}PRIVATE KEY(?: BLOCK)?-----)"
     R"((?:[^-]|-{1,4}[^-])*)"
     R"(-----END [A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----))",
     kAnything, 0, ValidatePrivateKey, false},
    {"private-key", kCritical, "private key (ssh.com)", "---- BEGIN SSH2",
     R"((---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----(?:[^-]|-{1,3}[^-])*)"
     R"(---- END SSH2 ENCRYPTED PRIVATE KEY ----))",
     kAnything, 0, ValidateSsh2Key, false},
    {"private-key", kCritical, "PuTTY private key", "PuTTY-User-Key-File-",
     R"((PuTTY-User-Key-File-[23]: [^\r\n]*\r?\n(?:[^\r\n]*\r?\n){0,40}?)"
     R"(Private-Lines: *[0-9]+\r?\n(?:[A-Za-z0-9+/=]+\r?\n)+))",
     kAnything, 0, ValidatePutty, false},
    {"private-key", kCritical, "private key (JSON Web Key)", "kty",
     R"re((\{[^{}]*"kty"[ \t]*:[ \t]*"(?:RSA|EC|OKP|oct)"[^{}]*\}))re",
     kAnything, 0, ValidateJwk, false},
    {"private-key", kCritical, "OpenVPN static key", "OpenVPN Static key",
     R"((-----BEGIN OpenVPN Static key V1-----(?:[^-]|-{1,4}[^-])*)"
     R"(-----END OpenVPN Static key V1-----))",
     kAnything, 0, ValidateOpenVpnKey, false},
    // A key in gpg-agent's private-keys-v1.d, not protected by a
    // passphrase: its secret "d", in the extended format ("Key:
    // (private-key (ecc … (d #HEX#)") or a canonical S-expression
    // ("(11:private-key(3:rsa…(1:d257:…"; its first 32 bytes).
    {"private-key", kCritical, "private key (GnuPG agent)", "private-key",
     R"(\(private-key[ \t\r\n]*\((?:rsa|ecc|dsa|elg))"
     R"((?:[^#]|#[0-9A-Fa-f \t\r\n]*#){0,64}?)"  // long numbers wrap onto lines of their own
     R"(\(d[ \t\r\n]*#([0-9A-Fa-f][0-9A-Fa-f \t\r\n]{31,})#)",
     kAnything, 0, ValidateSecretPart, false},
    {"private-key", kCritical, "private key (GnuPG agent)", "private-key",
     R"(\(11:private-key\(3:(?:rsa|ecc|dsa|elg)(?s:.{0,1000}?)\(1:d[0-9]{1,4}:((?s:.{32})))",
     kAnything, 0, ValidateSecretPart, false},
    {"private-key", kCritical, "Tor onion service secret key", "ed25519v1-secret",
     R"(== ed25519v1-secret: type0 ==\x00\x00\x00((?s:.{64})))",
     kAnything, 0, ValidateSecretPart, false},
    {"private-key", kCritical, "private key (.NET RSAKeyValue)", "<D>",
     R"(<D>[ \t\r\n]*([A-Za-z0-9+/=]{40,})[ \t\r\n]*</D>)",
     kAnything, 0, ValidateRsaKeyValue, false},
};

// Rules that read a key name, a URL or a file's structure.
constexpr Pattern kContextPatterns[] = {
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
    // Yarn 2 and later keep the registry's token in .yarnrc.yml.
    {"npmrc-auth-token", kCritical, "npm registry credential (yarnrc)", "npmAuth",
     R"(npmAuth(?:Token|Ident)["']?[ \t]*:[ \t]*["']?([^\s"'#]+))", Before::kSeparator, 0,
     ValidateNpmrc, false},
    {"docker-config-auth", kCritical, "registry credential (Docker config)",
     "\"auth", R"("auth\\?"[ \t]*:[ \t]*\\?"([A-Za-z0-9+/=]{8,})\\?")",
     kAnything, 0, ValidateBase64UserPassword, false},
    {"kubernetes-dockerconfig", kCritical,
     "registry credential (base64 Docker config of a Kubernetes secret)",
     "dockerconfigjson|dockercfg",
     R"(\.docker(?:configjson|cfg)["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9+/]{20,}={0,2}))",
     kAnything, 0, ValidateEncodedDockerConfig, false},
    {"netrc-password", kHigh, "password (netrc)", "password",
     R"(machine[ \t\r\n]+\S+(?:[ \t\r\n]+(?:login|account|port)[ \t\r\n]+)"
     R"(\S+)*[ \t\r\n]+password[ \t\r\n]+([!-~]+))",
     kNonWord, 0, ValidateNetrc, false},
    // Also with JSON's escaped slashes: "https:\/\/user:pw@host".
    {"url-credentials", kHigh, "password in a URL", R"(://|:\\/\\/)",
     R"(:\\?/\\?/([A-Za-z0-9._~%!$&*+,;={}<>-]*):)"
     R"(([^\s:"'`\\()\[\]|]*)@[A-Za-z0-9\[])",
     kAnything, 1, ValidateUrlPassword, false},
    {"url-credentials", kHigh, "password in an Oracle JDBC URL", "jdbc:oracle",
     R"(jdbc:oracle:(?:thin|oci8?):[A-Za-z0-9_$#.]+/([^@\s"'/]+)@)",
     kAnything, 0, ValidateOracleJdbc, false},
    {"connection-string-password", kHigh, "password in a connection string",
     "(?i:password|pwd)",
     R"((?i:password|pwd)[ \t]*=[ \t]*('[^'\r\n]*'|"[^"\r\n]*"|\{[^}\r\n]*\}|)"
     R"([^;&"'\s]+))",
     kAnything, 0, ValidateConnectionString, false},
    {"pgpass-password", kHigh, "password (PostgreSQL .pgpass)",
     R"(:[0-9]{1,5}:|:\*:)",
     R"(:(?:[0-9]{1,5}|\*):[^:\r\n]+:[^:\r\n]+:([^\r\n]+))",
     kAnything, 0, ValidatePgpass, false},
    {"kubeconfig-client-key", kCritical,
     "private key (kubeconfig client-key-data)", "client-key-data",
     R"(client-key-data\\?"?[ \t]*:[ \t]*\\?"?([A-Za-z0-9+/=]{64,}))",
     kAnything, 0, ValidateKubeconfigKey, false},
    {"basic-auth-header", kHigh,
     "HTTP Basic credentials (Authorization header)",
     "(?i:authorization)",
     R"((?i:authorization)\\?["']?(?:[ \t]*[:=][ \t]*|[ \t]+)\\?["']?(?i:basic)[ \t]+)"
     R"(([A-Za-z0-9+/]{6,}={0,2}))",
     kAnything, 0, ValidateBase64UserPassword, false},
    {"bearer-token", kHigh, "bearer token (Authorization header)",
     "(?i:authorization)",
     R"((?i:authorization)\\?["']?[ \t]*[:=][ \t]*\\?["']?(?i:bearer|token))"
     R"([ \t]+([A-Za-z0-9._~+/=-]{16,}))",
     kAnything, 0, ValidateBearer, false},
    // A header as a name and a value, as a HAR or Postman file keeps it:
    // {"name": "Authorization", "value": "Bearer …"}.
    {"bearer-token", kHigh, "bearer token (Authorization header)", "(?i:authorization)",
     R"re("(?i:authorization)"[ \t]*,[ \t]*\r?\n?[ \t]*"value"[ \t]*:[ \t]*")re"
     R"((?i:bearer|token)[ \t]+([A-Za-z0-9._~+/=-]{16,}))",
     kAnything, 0, ValidateBearer, false},
    // NAME=VALUE, NAME: VALUE, "NAME": "VALUE". The regex starts at the
    // keyword; the validator extends the name to its left.
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     "(" SB_KEYWORD SB_NAME_CHARS R"()\\?["']?[ \t]*(?:=>|:=|\?=|<-|=|:|\\u003[dDaA])[ \t]*)"
     // YAML: an anchor, a tag (!vault, !!str, !!python/name:x.Y); a tag is
     // a word, so a password that starts with '!' is no tag.
     R"((?:&[A-Za-z0-9_-]+[ \t]+)?(?:!!?[A-Za-z]+(?:[/:.][A-Za-z0-9_.]*)*[ \t]+)?)"
     SB_VALUE,
     kAnything, 1, ValidateGeneric, true},
    // A declaration with a type: SECRET_KEY: str = "…", Final[str] (Python,
    // pydantic), apiToken: string = '…' (TypeScript), val/let x: String =
    // (Kotlin, Swift), const API_TOKEN: &str = (Rust).
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     "(" SB_KEYWORD SB_NAME_CHARS R"()[ \t]*:[ \t]*&?(?:'static[ \t]+)?[A-Za-z_][A-Za-z0-9_.]*)"
     R"((?:<[^<>\r\n]*>|\[[^\[\]\r\n]*\])?\??[ \t]*=[ \t]*)" SB_VALUE,
     kAnything, 1, ValidateGeneric, true},
    // The type after the name: var apiToken string = "…" (Go), and a C#
    // property with its initial value: string ApiToken { get; set; } = "…".
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     R"((?:var|const)[ \t]+()" SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS
     R"()[ \t]+\*?[A-Za-z_][A-Za-z0-9_.]*[ \t]*=[ \t]*)" SB_VALUE,
     kNonWord, 1, ValidateGeneric, true},
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     "(" SB_KEYWORD SB_NAME_CHARS R"()[ \t]*\{[ \t]*get;[^{}\r\n]*\}[ \t]*=[ \t]*)" SB_VALUE,
     kAnything, 1, ValidateGeneric, true},
    // A name and its value as two fields: Kubernetes' env lists
    // ("- name: DB_PASSWORD" then "value: …"), ECS's {"name": …, "value": …},
    // Postman's {"key": …, "value": …}, CloudFormation's {"ParameterKey": …,
    // "ParameterValue": …}, a HAR's headers.
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     R"(["']?(?:name|key|Name|Key|ParameterKey)["']?[ \t]*:[ \t]*["']?()"
     SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS R"()["']?[ \t]*(?:,[ \t]*\r?\n?|\r?\n)[ \t]*-?[ \t]*)"
     R"(["']?(?:value|Value|ParameterValue)["']?[ \t]*:[ \t]*)" SB_VALUE,
     kAnything, 1, ValidateGeneric, true},
    // The same with the value first: {"value": "…", "name": "DB_PASSWORD"}.
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     R"(["']?value["']?[ \t]*:[ \t]*)" SB_VALUE
     R"([ \t]*(?:,|\r?\n)[ \t]*-?[ \t]*["']?name["']?[ \t]*:[ \t]*["']?()"
     SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS R"()["']?[ \t]*(?:[,}\r\n]|$))",
     kAnything, 2, ValidateGeneric, true},
    // A name and its value apart by blanks, alone on a line: redis.conf's
    // "requirepass …" and "masterauth …", slapd.conf's "rootpw …", nslcd's
    // "bindpw …", a .properties file's "db.password …".
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS "|(?i:rootpw|bindpw)",
     "(" SB_BLANK_KEYWORD SB_NAME_CHARS R"()[ \t]+)" SB_VALUE
     R"([ \t]*(?:\r?\n|$))",
     kAnything, 1, ValidateBlankSeparated, true},
    // A web server's directive that sets a variable for the application:
    // Apache's "SetEnv DB_PASSWORD …", nginx's "fastcgi_param APP_SECRET …;".
    {"generic-secret-assignment", kHigh, kGenericDescription,
     "(?i:setenv|fastcgi_param|uwsgi_param|scgi_param)",
     R"((?i:SetEnv|fastcgi_param|uwsgi_param|scgi_param)[ \t]+()" SB_NAME_CHARS SB_KEYWORD
     SB_NAME_CHARS R"()[ \t]+)" SB_VALUE R"([ \t]*;?[ \t]*(?:\r?\n|$))",
     Before::kLineStart, 1, ValidateGeneric, true},
    // An SNMP agent's community string, its password for v1 and v2c:
    // snmpd.conf's "rocommunity …" and "rwcommunity …" ("public" and
    // "private" are the well-known defaults, weak but no secret).
    {"generic-secret-assignment", kHigh, "SNMP community string",
     "(?i:community)",
     R"((?:ro|rw)community6?[ \t]+(\S+))",
     Before::kLineStart, 0, ValidateSnmpCommunity, true},
    // Terraform: variable "db_password" { … default = "…" }.
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     R"(variable[ \t]+"()" SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS
     R"re()"[ \t]*\{[^{}]*?default[ \t]*=[ \t]*)re" SB_VALUE,
     kAnything, 1, ValidateGeneric, true},
    {"generic-secret-assignment", kHigh, "WordPress authentication key or salt",
     "define",
     R"(define\([ \t]*['"](?:AUTH|SECURE_AUTH|LOGGED_IN|NONCE)_(?:KEY|SALT)['"][ \t]*,[ \t]*)"
     R"(('[^'\r\n]*'|"[^"\r\n]*"))",
     kAnything, 0, ValidateWordPressSalt, true},
    // define('NAME', VALUE), x['NAME'] = VALUE, key="NAME" value=VALUE,
    // key="NAME">VALUE<.
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     "(" SB_KEYWORD SB_NAME_CHARS R"()["'](?:[ \t]*,|\][ \t]*=|[ \t]+(?i:value)[ \t]*=|[ \t]*>))"
     R"([ \t]*)"
     SB_VALUE,
     kAnything, 1, ValidateQuotedName, true},
    // ENV NAME VALUE, the Containerfile's legacy form; setx NAME VALUE of
    // Windows.
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     R"((?i:env|setx|set(?:[ \t]+-[A-Za-z]+)*)[ \t]+(?:/[Mm][ \t]+)?()"
     SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS
     R"()[ \t]+([^\s\\][^\r\n]*))",
     Before::kLineStart, 1, ValidateGeneric, true},
    // --password VALUE on a command line.
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     "--(" SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS R"()[ \t]+)" SB_VALUE,
     Before::kSeparator, 1, ValidateGeneric, true},
    // A Java .properties value continued on the next line:
    // "spring.datasource.password=\" then "    VALUE", or the name alone
    // before it: "spring.datasource.password\" then "    = VALUE".
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     "(" SB_KEYWORD SB_NAME_CHARS
     R"()[ \t]*(?:[=:][ \t]*\\\r?\n[ \t]*|\\\r?\n[ \t]*[=:][ \t]*))" SB_VALUE,
     kAnything, 1, ValidateGeneric, true},
    // mysql -u root -pVALUE (also mysqldump, mysqladmin, mariadb, …): the
    // password glued to -p, in shell history and scripts.
    {"generic-secret-assignment", kHigh, "password on a MySQL command line (-p)",
     "mysql|mariadb",
     R"((?:mysql(?:dump|admin|import|show|check|pump|slap|binlog)?|)"
     R"(mariadb(?:-?(?:dump|admin|import|show|check|slap|binlog))?))"
     R"([ \t](?:[^\r\n;&|]*?[ \t])?-p)" SB_VALUE,
     kNonWord, 0, ValidateCommandLinePassword, true},
    // Other commands that take a password as an argument, as scripts and
    // an image's history (RUN lines) hold them.
    {"generic-secret-assignment", kHigh, "password on a command line (curl -u USER:PASSWORD)",
     "curl",
     R"(curl[ \t](?:[^\r\n;&|]*?[ \t])?(?:-[A-Za-z]*u[ \t]*|--user[ \t=]+)["']?[^\s:"'$]*:)"
     R"(([^\s"'\x60;,|&<>]+))",
     kNonWord, 0, ValidateCommandLinePassword, true},
    {"generic-secret-assignment", kHigh, "password on a command line (sshpass -p)", "sshpass",
     R"(sshpass[ \t](?:[^\r\n;&|]*?[ \t])?-p[ \t]*)" SB_VALUE,
     kNonWord, 0, ValidateCommandLinePassword, true},
    // SQL Server's tools: -P, the password (-p is another flag there).
    {"generic-secret-assignment", kHigh, "password on a command line (sqlcmd -P)",
     "sqlcmd|bcp|osql",
     R"((?:sqlcmd|bcp|osql)[ \t](?:[^\r\n;&|]*?[ \t])?-P[ \t]*)" SB_VALUE,
     kNonWord, 0, ValidateCommandLinePassword, true},
    {"generic-secret-assignment", kHigh, "password on a command line (redis-cli -a)",
     "redis-cli",
     R"(redis-cli[ \t](?:[^\r\n;&|]*?[ \t])?-a[ \t]+)" SB_VALUE,
     kNonWord, 0, ValidateCommandLinePassword, true},
    {"generic-secret-assignment", kHigh, "password on a command line (htpasswd -b)", "htpasswd",
     // -b with any other flags, apart or together; with -n no file first.
     R"(htpasswd(?:[ \t]+-[A-Za-z]+)*?[ \t]+-[A-Za-z]*b[A-Za-z]*(?:[ \t]+-[A-Za-z]+)*)"
     R"([ \t]+[^\s;&|-][^\s;&|]*[ \t]+(?:[^\s;&|<>]+[ \t]+)?)" SB_VALUE,
     kNonWord, 0, ValidateCommandLinePassword, true},
    {"generic-secret-assignment", kHigh, "password on a command line (login -p)", "login",
     R"((?:docker|podman|buildah|skopeo|nerdctl|helm[ \t]+registry|oras)[ \t]+login[ \t])"
     R"((?:[^\r\n;&|]*?[ \t])?-p[ \t]*)" SB_VALUE,
     kNonWord, 0, ValidateCommandLinePassword, true},
    {"generic-secret-assignment", kHigh, "password on a command line (mongosh -p)", "mongo",
     R"(mongo(?:sh|dump|restore|export|import)?[ \t](?:[^\r\n;&|]*?[ \t])?)"
     R"((?:-p|--password)[ \t]+)" SB_VALUE,
     kNonWord, 0, ValidateCommandLinePassword, true},
    {"generic-secret-assignment", kHigh, "password on a command line (keytool, jarsigner)",
     "pass",
     R"(-(?:src|dest)?(?:store|key)pass[ \t]+)" SB_VALUE,
     kNonWord, 0, ValidateCommandLinePassword, true},
    {"generic-secret-assignment", kHigh, "password on a command line (openssl enc -k)",
     "openssl",
     R"(openssl[ \t]+enc[ \t](?:[^\r\n;&|]*?[ \t])?-k[ \t]+)" SB_VALUE,
     kNonWord, 0, ValidateCommandLinePassword, true},
    {"generic-secret-assignment", kHigh, "password on a command line (openssl pass:)", "pass:",
     R"(-pass(?:in|out)?[ \t]+["']?pass:)" R"(([^\s"'\x60;|&]+))",
     kNonWord, 0, ValidateCommandLinePassword, true},
    // echo 'root:…' | chpasswd, printf 'root:…\n' | chpasswd, and passwd
    // reading the password twice or with --stdin: echo -e '…\n…' | passwd.
    {"generic-secret-assignment", kHigh, "password set with chpasswd", "chpasswd",
     R"((?:echo|printf)[ \t]+(?:-[en]+[ \t]+)?["']?[A-Za-z0-9_.-]+:([^\s"':\\]+))"
     R"((?:\\n)?["']?[ \t]*\|[ \t]*(?:sudo[ \t]+)?chpasswd)",
     kNonWord, 0, ValidateCommandLinePassword, true},
    {"generic-secret-assignment", kHigh, "password set with passwd", "passwd",
     R"((?:echo|printf)[ \t]+(?:-[en]+[ \t]+)?["']?([^\s"'\\%-][^\s"'\\]*))"
     R"((?:\\n[^\s"'\\]+)*(?:\\n)?["']?[ \t]*\|[ \t]*(?:sudo[ \t]+)?passwd\b)",
     kNonWord, 0, ValidateCommandLinePassword, true},
    // C's #define DB_PASSWORD "…".
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     R"(#[ \t]*define[ \t]+()" SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS R"()[ \t]+)" SB_VALUE,
     Before::kLineStart, 1, ValidateGeneric, true},
    // YAML's block scalars: "client_secret: |" or ">-", the value on the
    // next line.
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     "(" SB_KEYWORD SB_NAME_CHARS R"()["']?[ \t]*:[ \t]*[|>][-+0-9]*[ \t]*\r?\n[ \t]+)"
     R"(([^\s"'#][^\s]*)[ \t]*(?:\r?\n|$))",
     kAnything, 1, ValidateGeneric, true},
    // SQL: CREATE USER app WITH PASSWORD '…', ALTER ROLE … PASSWORD '…',
    // CREATE USER … IDENTIFIED BY '…' (MySQL, Oracle), in scripts and in
    // .psql_history and .mysql_history (which writes a blank as "\040").
    {"generic-secret-assignment", kHigh, "password in an SQL statement",
     "(?i:password|identified)",
     R"((?i:(?:create|alter)(?:[ \t]|\\040)+(?:user|role)(?:[ \t]|\\040)[^;\r\n]*?)"
     R"((?:password|identified(?:[ \t]|\\040)+by)))"
     R"((?:[ \t]|\\040)+('[^'\r\n]*'|"[^"\r\n]*"))",
     kNonWord, 0, ValidateCommandLinePassword, true},
    // PowerShell: Set-Variable -Name dbPassword -Value '…'.
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     R"((?i:set-variable|new-variable)[ \t]+(?:(?i:-name)[ \t]+)?["']?()"
     SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS R"()["']?[ \t]+(?:(?i:-value)[ \t]+)?)" SB_VALUE,
     kNonWord, 1, ValidateGeneric, true},
    // A literal made a SecureString: ConvertTo-SecureString '…' -AsPlainText.
    {"generic-secret-assignment", kHigh,
     "password on a command line (ConvertTo-SecureString -AsPlainText)",
     "(?i:convertto-securestring)",
     R"((?i:convertto-securestring)[ \t]+(?:(?i:-string)[ \t]+)?('[^'\r\n]*'|"[^"\r\n]*"))"
     R"([^\r\n]*(?i:-asplaintext))",
     kNonWord, 0, ValidateCommandLinePassword, true},
    // Laravel's APP_KEY: "base64:" and 32 random bytes, also as the default
    // of env('APP_KEY', '…').
    {"generic-secret-assignment", kHigh, "Laravel application key (APP_KEY)", "base64:",
     R"((?i:app_key)["']?[ \t]*(?:=>|=|:|,)[ \t]*["']?(base64:[A-Za-z0-9+/]{43}=))",
     kNonWord, 0, ValidateLaravelKey, true},
    // A literal default when the environment has none: "password: <%=
    // ENV.fetch('X', '…') %>", "process.env.TOKEN || '…'", "ENV['X'] || '…'",
    // "os.environ.get('X', '…')", "ENV.fetch('X') { '…' }".
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     "(" SB_KEYWORD SB_NAME_CHARS R"()["']?[ \t]*(?:=>|:=|=|:)[ \t]*)"
     R"((?:<%=?[ \t]*)?(?:[A-Za-z_$][A-Za-z0-9_$]*\.)*)"  // ERB; process.env., os.environ.
     R"((?:[A-Za-z_$][A-Za-z0-9_$]*(?:\[[^\]\r\n]+\])?[ \t]*(?:\|\||\?\?)|)"
     R"((?:fetch|get|getenv|env|Getenv)\()"
     R"([ \t]*(?:'[^'\r\n]*'|"[^"\r\n]*"|[A-Za-z0-9_.]+)[ \t]*(?:,|\)[ \t]*\{)))"
     R"([ \t]*('[^'\r\n]*'|"[^"\r\n]*"))",
     kAnything, 1, ValidateGeneric, true},
    // Erlang terms: {db_password, "…"}, {api_key, <<"…">>} (sys.config).
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     R"(\{[ \t]*'?()" SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS R"()'?[ \t]*,[ \t]*(?:<<)?)"
     R"(("[^"\\\r\n]*"))",
     kAnything, 1, ValidateGeneric, true},
    // A keyword before its value: Clojure's EDN {:password "…"}, :api-token.
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     R"([{(\[ \t,]:()" SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS R"()[ \t]+("[^"\\\r\n]*"))",
     kAnything, 1, ValidateGeneric, true},
    // HAProxy's userlist: user NAME insecure-password VALUE.
    {"generic-secret-assignment", kHigh, "password in an HAProxy userlist",
     "insecure-password",
     R"(user[ \t]+\S+[ \t]+insecure-password[ \t]+(\S+))",
     kNonWord, 0, ValidateCommandLinePassword, true},
    // Bash's associative arrays: CREDS=([db_password]="…"), C[db_password]=….
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     R"(\[["']?()" SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS R"()["']?\]=)" SB_VALUE,
     kAnything, 1, ValidateGeneric, true},
    // Windows' unattend.xml: <AdministratorPassword><Value>…</Value>.
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     "<(" SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS R"()>[ \t\r\n]*<Value>([^<\s]+)</Value>)",
     kAnything, 1, ValidateGeneric, true},
    // HAProxy's stats page: stats auth USER:PASSWORD.
    {"generic-secret-assignment", kHigh, "password of HAProxy's stats page (stats auth)",
     "stats auth",
     R"(stats[ \t]+auth[ \t]+[^:\s]+:(\S+))",
     kNonWord, 0, ValidateCommandLinePassword, true},
    // Consul's and Nomad's gossip key: encrypt = "<32 bytes in base64>".
    {"generic-secret-assignment", kHigh, "gossip encryption key (Consul, Nomad)",
     R"(encrypt =|encrypt=|encrypt"|encrypt:)",
     R"(encrypt["']?[ \t]*[=:][ \t]*["']([A-Za-z0-9+/]{43}=)["'])",
     kNonWord, 0, ValidateGossipKey, true},
    // PagerDuty's integration key under Alertmanager's routing_key or
    // service_key: 32 hex digits. An AMQP routing key is a word.
    {"generic-secret-assignment", kHigh, "PagerDuty integration key",
     "routing_key|service_key|integration_key",
     R"((?:routing|service|integration)_key["']?[ \t]*[=:][ \t]*["']?)"
     R"(([0-9a-f]{32})(?:[^0-9a-f]|$))",
     kNonWord, 0, ValidateHexKey, true},
    // <password>VALUE</password>
    {"generic-secret-assignment", kHigh, kGenericDescription,
     SB_GENERIC_KEYWORDS,
     "<(" SB_NAME_CHARS SB_KEYWORD SB_NAME_CHARS R"()(?:[ \t][^<>]*)?>[ \t]*)"
     R"(([^<\s]+)[ \t]*</)",
     kAnything, 1, ValidateGeneric, true},
    // An LDIF dump's userPassword in base64 ("::"): the clear password
    // unless it is a hash ({SSHA}…, $6$…).
    {"generic-secret-assignment", kHigh, "password in an LDIF entry (userPassword, base64)",
     "(?i:userpassword::)",
     R"((?im:^userPassword::[ \t]*([A-Za-z0-9+/]{8,}={0,2})[ \t]*$))",
     kAnything, 0, ValidateLdifPassword, true},
    // A wallet's recovery phrase: 12 to 24 lower-case words under a name
    // that says so.
    {"generic-secret-assignment", kCritical, "wallet recovery phrase (BIP39 mnemonic)",
     "(?i:mnemonic|seed[_-]?phrase|recovery[_-]?phrase|secret[_-]?phrase|wallet[_-]?seed)",
     R"((?i:mnemonic|seed[_-]?phrase|recovery[_-]?phrase|secret[_-]?phrase|wallet[_-]?seed))"
     R"([A-Za-z0-9_.-]*["']?[ \t]*[=:][ \t]*["']?((?:[a-z]{3,8}[ \t]+){11,23}[a-z]{3,8}))"
     R"((?:["'\s,;]|$))",
     kAnything, 0, ValidateMnemonic, true},
    // Consul's and Nomad's ACL tokens are UUIDs: found under their names.
    {"generic-secret-assignment", kHigh, "ACL token (Consul, Nomad)",
     "(?i:consul|nomad)",
     R"((?i:(?:consul|nomad)[_-]?(?:http[_-]?)?(?:acl[_-]?)?token|x-(?:consul|nomad)-token))"
     R"(["']?[ \t]*[=:][ \t]*["']?)"
     R"(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[^0-9a-f-]|$))",
     kAnything, 0, ValidateUuidToken, true},
    // Datadog's application key: 40 hex digits under app_key (the
    // Terraform provider, the agent's DD_APP_KEY); its API key, 32 digits
    // under api_key, is a generic assignment.
    {"generic-secret-assignment", kHigh, "Datadog application key",
     "(?i:app_key|application_key|app-key|application-key|appkey|applicationkey)",
     R"((?i:app(?:lication)?[_-]?key)["']?[ \t]*[=:][ \t]*["']?([0-9a-f]{40})(?:[^0-9a-zA-Z]|$))",
     kAnything, 0, ValidateHexKey, true},  // DD_APP_KEY: after a word
    // A Jenkins job's password parameter with a default in the clear (one
    // that Jenkins encrypted reads "{AQAAAB…}").
    {"generic-secret-assignment", kHigh, "default of a Jenkins password parameter",
     "PasswordParameterDefinition",
     R"(PasswordParameterDefinition>(?s:.{0,400}?)<defaultValue>([^<\s]+)</defaultValue>)",
     kAnything, 0, ValidateJenkinsDefault, true},
};

// Where a match of a pattern that opens with a key name can start: the
// first word of each of SB_KEYWORD's and SB_BLANK_KEYWORD's alternatives.
constexpr std::string_view kKeyNameStarts[] = {
    "pass", "pwd", "secret", "token", "api", "access", "private", "credential", "auth",
    "_pw", "_pat", "psk", "signing", "encryption", "master", "hmac", "fernet", "rootpw",
    "bindpw"};
constexpr std::string_view kKeyNameOpenings[] = {"(" SB_KEYWORD, "(" SB_BLANK_KEYWORD};

#undef SB_KEYWORD
#undef SB_BLANK_KEYWORD
#undef SB_NAME_CHARS
#undef SB_VALUE
#undef SB_GENERIC_KEYWORDS
#undef SB_AWS_SECRET_VALUE

}  // namespace

std::span<const std::string_view> KeyNameStarts() { return kKeyNameStarts; }

bool OpensWithKeyName(const Pattern& pattern) {
  return std::any_of(std::begin(kKeyNameOpenings), std::end(kKeyNameOpenings),
                     [&](std::string_view opening) { return pattern.regex.starts_with(opening); });
}

std::span<const Pattern> BuiltinPatterns() {
  static const std::vector<Pattern> all = [] {
    std::vector<Pattern> v(std::begin(kKeyPatterns), std::end(kKeyPatterns));
    std::span<const Pattern> tokens = TokenPatterns();
    v.insert(v.end(), tokens.begin(), tokens.end());
    v.insert(v.end(), std::begin(kContextPatterns), std::end(kContextPatterns));
    return v;
  }();
  return all;
}

}  // namespace safebuild::detect
