#include "detect/credential_tables.h"

#include <algorithm>
#include <optional>

#include "detect/detector.h"
#include "detect/filters.h"
#include "util/text.h"

namespace safebuild::detect {
namespace {

enum class Format {
  kNone,
  kPpp,            // client server secret [addresses]
  kSaslPasswd,     // destination user:password
  kDavfs,          // url-or-mount-point user password
  kFetchmail,      // … password "…" …
  kCurlrc,         // user = "name:password"
  kJaas,           // user_NAME="password" in a PlainLoginModule (Kafka, ZooKeeper)
  kOpenVpnAuth,    // two lines: user, then password
  kOpenVpnConfig,  // <auth-user-pass> user, password </auth-user-pass>
  kRailsKey,       // 32 hex digits
  kKaggle,         // {"username": …, "key": "…"}
  kRunSecret,      // the whole file: a secret mounted at /run/secrets, copied in
  kSystemdCredential,  // the whole file: /etc/credstore/NAME, plain
  kErlangCookie,   // the whole file: ~/.erlang.cookie
  kMongoKeyFile,   // the whole file: base64 lines of a replica set's key
  kVaultPassword,  // the whole file: an Ansible vault's password
  kTotpSeed,       // ~/.google_authenticator: the base32 seed on line 1
  kSvnSimple,      // ~/.subversion/auth/svn.simple/*: K/V pairs, "password"
};

struct Span {
  size_t begin = 0;
  size_t end = 0;
};

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string_view Parent(std::string_view path, int up) {
  for (int i = 0; i < up; ++i) {
    const size_t slash = path.rfind('/');
    path = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
  }
  return path.substr(path.rfind('/') + 1);
}

// An Ansible vault's password file as ansible.cfg's vault_password_file
// names it: .vault_pass, vault_password.txt, .ansible-vault-pass, … A
// script in its place (.vault_pass.py) prints the password rather than
// holding it.
bool IsVaultPasswordFile(std::string_view base) {
  std::string name = ToLower(base);
  if (name.starts_with(".")) name.erase(0, 1);
  if (name.ends_with(".txt")) name.resize(name.size() - 4);
  for (std::string_view prefix : {"ansible_", "ansible-", "ansible"}) {
    if (name.starts_with(prefix)) {
      name.erase(0, prefix.size());
      break;
    }
  }
  return name == "vault_pass" || name == "vault-pass" || name == "vault_password" ||
         name == "vault-password" || name == "vaultpass";
}

Format FormatOf(std::string_view path) {
  const std::string_view base = Parent(path, 0);
  const std::string_view dir = Parent(path, 1);
  if (base == "chap-secrets" || base == "pap-secrets" || base == "srp-secrets") {
    return Format::kPpp;
  }
  if (base == "sasl_passwd") return Format::kSaslPasswd;
  if (base == "secrets" && (dir == "davfs2" || dir == ".davfs2")) return Format::kDavfs;
  if (base == ".fetchmailrc" || base == "fetchmailrc") return Format::kFetchmail;
  if (base == ".curlrc" || base == "_curlrc") return Format::kCurlrc;
  if (base.find("jaas") != std::string_view::npos) return Format::kJaas;
  if (base == "kaggle.json") return Format::kKaggle;
  if (base == ".erlang.cookie") return Format::kErlangCookie;
  if (base == ".google_authenticator") return Format::kTotpSeed;
  if (dir == "svn.simple" && Parent(path, 2) == "auth") return Format::kSvnSimple;
  if (IsVaultPasswordFile(base)) return Format::kVaultPassword;
  if (path.find("run/secrets/") != std::string_view::npos) return Format::kRunSecret;
  // /etc/credstore/NAME, and /run/credentials/UNIT/NAME as systemd fills it.
  if (dir == "credstore" || (Parent(path, 2) == "credentials" && Parent(path, 3) == "run")) {
    return Format::kSystemdCredential;
  }
  const bool mongo = path.find("mongo") != std::string_view::npos;
  if (mongo && base.find("keyfile") != std::string_view::npos) return Format::kMongoKeyFile;
  const bool rails_key = (base == "master.key" && dir == "config") ||
                         (EndsWith(base, ".key") && dir == "credentials" &&
                          Parent(path, 2) == "config");
  if (rails_key) return Format::kRailsKey;
  if (EndsWith(base, ".ovpn")) return Format::kOpenVpnConfig;
  if (path.find("openvpn/") != std::string_view::npos) {
    return EndsWith(base, ".conf") ? Format::kOpenVpnConfig : Format::kOpenVpnAuth;
  }
  return Format::kNone;
}

// The fields of text[begin, end), apart by blanks or, given a `separator`,
// by it (empty fields kept); a quoted one without its quotes.
std::vector<Span> Fields(std::string_view text, size_t begin, size_t end, char separator = 0) {
  std::vector<Span> out;
  auto apart = [&](char c) { return separator != 0 ? c == separator : IsBlank(c); };
  size_t i = begin;
  while (i < end) {
    if (separator == 0) {
      while (i < end && IsBlank(text[i])) ++i;
      if (i == end) break;
    }
    if (text[i] == '"' || text[i] == '\'') {
      size_t close = text.find(text[i], i + 1);
      if (close == std::string_view::npos || close > end) close = end;
      out.push_back({i + 1, close});
      i = close + 1;
      if (separator != 0) ++i;  // past the separator after the quote
      continue;
    }
    const size_t from = i;
    while (i < end && !apart(text[i])) ++i;
    out.push_back({from, i});
    if (separator != 0) ++i;
  }
  return out;
}

// The lines of `text` that are not blank or a '#' comment, without their
// leading and trailing blanks.
std::vector<Span> ContentLines(std::string_view text) {
  std::vector<Span> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    size_t b = at;
    size_t e = end;
    while (b < e && IsBlank(text[b])) ++b;
    while (e > b && IsBlank(text[e - 1])) --e;
    if (b < e && text[b] != '#') out.push_back({b, e});
    at = end + 1;
  }
  return out;
}

// The part of a "user:password" field after its first ':'.
std::optional<Span> AfterColon(std::string_view text, Span field) {
  const size_t colon = text.substr(field.begin, field.end - field.begin).find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return Span{field.begin + colon + 1, field.end};
}

// The value of a .curlrc line "user = "name:password"" (also "--user",
// "-u", "proxy-user"; '=' or ':' or blanks between): its password.
std::optional<Span> CurlrcPassword(std::string_view text, Span line) {
  size_t i = line.begin;
  while (i < line.end && text[i] == '-') ++i;
  const size_t name_begin = i;
  while (i < line.end && (IsAsciiAlnum(text[i]) || text[i] == '-')) ++i;
  const std::string_view name = text.substr(name_begin, i - name_begin);
  if (name != "user" && name != "u" && name != "proxy-user" && name != "U") {
    return std::nullopt;
  }
  while (i < line.end && IsBlank(text[i])) ++i;
  if (i < line.end && (text[i] == '=' || text[i] == ':')) ++i;
  std::vector<Span> value = Fields(text, i, line.end);
  if (value.empty()) return std::nullopt;
  return AfterColon(text, value[0]);
}

// The value of a JAAS option user_NAME="…": Kafka's PlainLoginModule
// takes each as a user and that user's password.
std::optional<Span> JaasUserPassword(std::string_view text, Span line) {
  const std::string_view s = text.substr(line.begin, line.end - line.begin);
  const size_t eq = s.find('=');
  if (!s.starts_with("user_") || eq == std::string_view::npos) return std::nullopt;
  std::vector<Span> value = Fields(text, line.begin + eq + 1, line.end);
  if (value.empty()) return std::nullopt;
  Span v = value[0];
  if (v.end > v.begin && text[v.end - 1] == ';') --v.end;  // the entry's end, unquoted
  return v;
}

// The value after a "password" word of a .fetchmailrc.
std::optional<Span> FetchmailPassword(std::string_view text, Span line) {
  std::vector<Span> fields = Fields(text, line.begin, line.end);
  for (size_t i = 0; i + 1 < fields.size(); ++i) {
    std::string_view word = text.substr(fields[i].begin, fields[i].end - fields[i].begin);
    if (word == "password" || word == "pass" || word == "passwd") return fields[i + 1];
  }
  return std::nullopt;
}

// The password of an OpenVPN auth-user-pass file or inline block: the
// second of exactly two lines, neither with a blank in it.
std::optional<Span> OpenVpnPassword(std::string_view text, const std::vector<Span>& lines) {
  if (lines.size() != 2) return std::nullopt;
  for (const Span& l : lines) {
    const std::string_view s = text.substr(l.begin, l.end - l.begin);
    if (std::any_of(s.begin(), s.end(), IsBlank) || s.starts_with("-----")) {
      return std::nullopt;
    }
  }
  return lines[1];
}

std::optional<Span> InlineOpenVpnPassword(std::string_view text) {
  constexpr std::string_view kOpen = "<auth-user-pass>";
  const size_t open = text.find(kOpen);
  const size_t close = text.find("</auth-user-pass>", open);
  if (open == std::string_view::npos || close == std::string_view::npos) return std::nullopt;
  const size_t from = open + kOpen.size();
  std::vector<Span> lines = ContentLines(text.substr(from, close - from));
  std::optional<Span> found = OpenVpnPassword(text.substr(from, close - from), lines);
  if (!found) return std::nullopt;
  return Span{from + found->begin, from + found->end};
}

// The password of one line of a table format.
std::optional<Span> LinePassword(Format format, std::string_view text, Span line) {
  std::vector<Span> fields;
  switch (format) {
    case Format::kPpp:
    case Format::kDavfs:
      fields = Fields(text, line.begin, line.end);
      if (fields.size() < 3) return std::nullopt;
      return fields[2];
    case Format::kSaslPasswd:
      fields = Fields(text, line.begin, line.end);
      if (fields.size() < 2) return std::nullopt;
      return AfterColon(text, fields[1]);
    case Format::kFetchmail:
      return FetchmailPassword(text, line);
    case Format::kCurlrc:
      return CurlrcPassword(text, line);
    case Format::kJaas:
      return JaasUserPassword(text, line);
    default:
      return std::nullopt;
  }
}

std::string_view Describe(Format format) {
  switch (format) {
    case Format::kPpp: return "password (PPP secrets file)";
    case Format::kSaslPasswd: return "password (Postfix sasl_passwd)";
    case Format::kDavfs: return "password (davfs2 secrets)";
    case Format::kFetchmail: return "password (fetchmailrc)";
    case Format::kCurlrc: return "password (curlrc user)";
    case Format::kJaas: return "password of a JAAS login module's user (user_NAME)";
    default: return "password (OpenVPN auth-user-pass)";
  }
}

std::optional<TableSecret> RailsMasterKey(std::string_view text) {
  const std::string_view key = Trim(text);
  constexpr size_t kDigits = 32;
  const bool hex = key.size() == kDigits && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (!hex || IsPlaceholder(key)) return std::nullopt;
  const size_t at = static_cast<size_t>(key.data() - text.data());
  return TableSecret{at, at + key.size(), "Rails master key", Severity::kCritical};
}

// A file that is one secret and nothing else: its content without the
// blanks around it, one line (or, for a MongoDB key file, base64 lines).
std::optional<TableSecret> WholeFileSecret(std::string_view text, Format format) {
  const std::string_view value = Trim(text);
  constexpr size_t kMinSecret = 6;
  constexpr size_t kMaxSecret = 1024;
  if (value.size() < kMinSecret || value.size() > kMaxSecret) return std::nullopt;
  const size_t at = static_cast<size_t>(value.data() - text.data());
  if (format == Format::kMongoKeyFile) {
    const bool base64 = std::all_of(value.begin(), value.end(), [](char c) {
      return IsAsciiAlnum(c) || c == '+' || c == '/' || c == '=' || c == '\n' || c == '\r';
    });
    if (!base64 || IsPlaceholder(value)) return std::nullopt;
    return TableSecret{at, at + value.size(), "MongoDB replica set key file"};
  }
  if (!IsPasswordOfCredentialFile(value)) return std::nullopt;
  switch (format) {
    case Format::kRunSecret:
      return TableSecret{at, at + value.size(),
                         "secret file under /run/secrets (copied into the image)"};
    case Format::kSystemdCredential:
      return TableSecret{at, at + value.size(), "systemd credential, unencrypted"};
    case Format::kVaultPassword:
      return TableSecret{at, at + value.size(), "Ansible vault password file"};
    default:
      return TableSecret{at, at + value.size(), "Erlang distribution cookie"};
  }
}

// The TOTP seed of google-authenticator's file: the first line, base32
// (16 characters or more), before the option lines that start with '"'.
std::optional<TableSecret> TotpSeed(std::string_view text) {
  const size_t end = std::min(text.find('\n'), text.size());
  const std::string_view seed = Trim(text.substr(0, end));
  constexpr size_t kMinSeed = 16;
  const bool base32 = seed.size() >= kMinSeed && std::all_of(seed.begin(), seed.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
  });
  if (!base32 || IsPlaceholder(seed)) return std::nullopt;
  const size_t at = static_cast<size_t>(seed.data() - text.data());
  return TableSecret{at, at + seed.size(), "TOTP seed (google-authenticator)"};
}

// Subversion's cached credentials: "K <n>\n<key>\nV <n>\n<value>\n" pairs;
// the value of the key "password" (kept in the clear by the "simple"
// store).
std::optional<TableSecret> SvnPassword(std::string_view text) {
  constexpr std::string_view kKey = "K 8\npassword\nV ";
  const size_t key = text.find(kKey);
  if (key == std::string_view::npos) return std::nullopt;
  const size_t digits = key + kKey.size();
  const size_t newline = text.find('\n', digits);
  if (newline == std::string_view::npos || newline == digits || newline - digits > 4) {
    return std::nullopt;
  }
  size_t length = 0;
  for (size_t i = digits; i < newline; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    length = length * 10 + static_cast<size_t>(text[i] - '0');
  }
  const size_t begin = newline + 1;
  if (length == 0 || begin + length > text.size() ||
      !IsPasswordOfCredentialFile(text.substr(begin, length))) {
    return std::nullopt;
  }
  return TableSecret{begin, begin + length, "password (Subversion credential cache)"};
}

std::optional<TableSecret> KaggleKey(std::string_view text) {
  const size_t name = text.find("\"key\"");
  const size_t colon = text.find(':', name);
  const size_t open = text.find('"', colon);
  const size_t close = text.find('"', open == std::string_view::npos ? open : open + 1);
  if (name == std::string_view::npos || close == std::string_view::npos) return std::nullopt;
  const std::string_view key = text.substr(open + 1, close - open - 1);
  constexpr size_t kMinKey = 16;
  if (key.size() < kMinKey || !std::all_of(key.begin(), key.end(), IsAsciiAlnum) ||
      IsPlaceholder(key)) {
    return std::nullopt;
  }
  return TableSecret{open + 1, close, "Kaggle API key"};
}

// The columns of a pg_dump COPY header, "COPY public.t (id, name,
// client_secret) FROM stdin;".
std::vector<std::string_view> CopyColumns(std::string_view header) {
  std::vector<std::string_view> columns;
  const size_t open = header.find('(');
  const size_t close = header.find(')', open);
  if (open == std::string_view::npos || close == std::string_view::npos) return columns;
  std::string_view list = header.substr(open + 1, close - open - 1);
  while (!list.empty()) {
    const size_t comma = std::min(list.find(','), list.size());
    std::string_view column = Trim(list.substr(0, comma));
    if (column.size() >= 2 && column.front() == '"' && column.back() == '"') {
      column = column.substr(1, column.size() - 2);
    }
    columns.push_back(column);
    list.remove_prefix(std::min(comma + 1, list.size()));
  }
  return columns;
}

// The values of secret-named columns (client_secret, api_token, password)
// in the COPY blocks of a PostgreSQL dump: tab-separated rows after a
// "COPY … (columns) FROM stdin;" line, up to a line "\.". A value must pass
// the same gate as a key=value assignment's; \N is SQL's NULL.
void AddCopyRowSecrets(std::string_view text, std::vector<TableSecret>& out) {
  constexpr std::string_view kFromStdin = "FROM stdin;";
  for (size_t at = text.find("COPY "); at != std::string_view::npos;
       at = text.find("COPY ", at + 1)) {
    if (at > 0 && text[at - 1] != '\n') continue;
    const size_t line_end = std::min(text.find('\n', at), text.size());
    const std::string_view header = text.substr(at, line_end - at);
    if (!Trim(header).ends_with(kFromStdin)) continue;
    const std::vector<std::string_view> columns = CopyColumns(header);
    std::vector<bool> secret(columns.size());
    for (size_t i = 0; i < columns.size(); ++i) secret[i] = NameSuggestsSecret(columns[i]);
    if (std::none_of(secret.begin(), secret.end(), [](bool b) { return b; })) continue;
    for (size_t row = line_end + 1; row < text.size();) {
      const size_t row_end = std::min(text.find('\n', row), text.size());
      if (text.substr(row, row_end - row) == "\\.") break;
      size_t field_begin = row;
      for (size_t i = 0; i < columns.size() && field_begin <= row_end; ++i) {
        const size_t tab = std::min(text.find('\t', field_begin), row_end);
        const std::string_view value = text.substr(field_begin, tab - field_begin);
        if (secret[i] && value != "\\N" && PassesGenericGate(value)) {
          out.push_back({field_begin, tab, "secret-named column of a PostgreSQL dump (COPY)"});
        }
        field_begin = tab + 1;
      }
      row = row_end + 1;
    }
  }
}

// A CSV file's header names its columns; the values under a secret-named
// one (AWS's access key export "Access key ID,Secret access key", a
// password manager's "name,url,username,password") are secrets when they
// pass the gate of a key=value assignment. Fields are split at commas, a
// quoted field without its quotes; a comma inside quotes ends the row's
// reading.
void AddCsvColumnSecrets(std::string_view text, std::vector<TableSecret>& out) {
  const size_t header_end = std::min(text.find('\n'), text.size());
  std::vector<bool> secret;
  for (const Span& field : Fields(text, 0, header_end, ',')) {
    std::string name(Trim(text.substr(field.begin, field.end - field.begin)));
    std::replace(name.begin(), name.end(), ' ', '_');
    secret.push_back(NameSuggestsSecret(name));
  }
  if (std::none_of(secret.begin(), secret.end(), [](bool b) { return b; })) return;
  for (size_t row = header_end + 1; row < text.size();) {
    size_t row_end = std::min(text.find('\n', row), text.size());
    const size_t content_end = row_end > row && text[row_end - 1] == '\r' ? row_end - 1 : row_end;
    const std::vector<Span> fields = Fields(text, row, content_end, ',');
    for (size_t i = 0; i < fields.size() && i < secret.size(); ++i) {
      const std::string_view value = text.substr(fields[i].begin, fields[i].end - fields[i].begin);
      if (secret[i] && PassesGenericGate(value)) {
        out.push_back({fields[i].begin, fields[i].end, "secret-named column of a CSV file"});
      }
    }
    row = row_end + 1;
  }
}

}  // namespace

std::vector<TableSecret> FindTableSecrets(std::string_view text, std::string_view path) {
  const Format format = FormatOf(path);
  if (format == Format::kNone) {
    // What the text holds first: the path's checks cost more, on every file.
    std::vector<TableSecret> rows;
    const bool dump = text.find("FROM stdin;") != std::string_view::npos;
    const bool csv = path.size() >= 4 && ToLower(path.substr(path.size() - 4)) == ".csv";
    if ((!dump && !csv) || IsPackageDocPath(path) || IsExampleOrTestPath(path)) return rows;
    if (dump) AddCopyRowSecrets(text, rows);
    if (csv) AddCsvColumnSecrets(text, rows);
    return rows;
  }
  if (IsPackageDocPath(path)) return {};
  std::vector<TableSecret> out;
  if (format == Format::kRunSecret || format == Format::kSystemdCredential ||
      format == Format::kErlangCookie || format == Format::kMongoKeyFile ||
      format == Format::kVaultPassword) {
    if (std::optional<TableSecret> s = WholeFileSecret(text, format)) out.push_back(*s);
    return out;
  }
  if (format == Format::kRailsKey || format == Format::kKaggle || format == Format::kTotpSeed ||
      format == Format::kSvnSimple) {
    std::optional<TableSecret> key = format == Format::kRailsKey ? RailsMasterKey(text)
                                     : format == Format::kKaggle ? KaggleKey(text)
                                     : format == Format::kTotpSeed ? TotpSeed(text)
                                                                   : SvnPassword(text);
    if (key) out.push_back(*key);
    return out;
  }
  std::vector<Span> found;
  const std::vector<Span> lines = ContentLines(text);
  if (format == Format::kOpenVpnAuth) {
    if (std::optional<Span> s = OpenVpnPassword(text, lines)) found.push_back(*s);
  } else if (format == Format::kOpenVpnConfig) {
    if (std::optional<Span> s = InlineOpenVpnPassword(text)) found.push_back(*s);
  } else {
    for (const Span& line : lines) {
      if (std::optional<Span> s = LinePassword(format, text, line)) found.push_back(*s);
    }
  }
  constexpr size_t kMinPassword = 6;
  for (const Span& s : found) {
    const std::string_view v = text.substr(s.begin, s.end - s.begin);
    if (v.size() < kMinPassword || !IsPasswordOfCredentialFile(v)) continue;
    out.push_back({s.begin, s.end, Describe(format)});
  }
  return out;
}

}  // namespace safebuild::detect
